//! The pod being placed, with everything its filters need computed once
//! (PreFilter): requests, host ports, volumes, topology-spread counts and
//! pod-affinity counts over the whole cluster.

use crate::amounts::{self, Amounts};
use crate::state::{HostPort, SimNode, State, host_ports};
use crate::terms::{AffinityTerm, Selector, required_terms};
use crate::volumes::PodVolumes;
use day2_model::pod::Pod;
use day2_model::pod::node_name as bound_node;
use day2_model::selector::{Labels, labels_of, node_selection_admits};
use k8s_openapi::api::core::v1::{PodSpec, Taint, Toleration};
use rustc_hash::FxHashMap;

/// Whether a toleration tolerates a taint (`Toleration.ToleratesTaint`).
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    if let Some(e) = t.effect.as_deref()
        && !e.is_empty()
        && e != taint.effect
    {
        return false;
    }
    let key = t.key.as_deref().unwrap_or("");
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match t.operator.as_deref().unwrap_or("Equal") {
        "Exists" => true,
        "Equal" | "" => t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
        _ => false,
    }
}

/// The first NoSchedule/NoExecute taint none of the tolerations tolerates.
pub fn untolerated<'n>(taints: &'n [Taint], tolerations: &[Toleration]) -> Option<&'n Taint> {
    taints
        .iter()
        .filter(|t| matches!(t.effect.as_str(), "NoSchedule" | "NoExecute"))
        .find(|t| !tolerations.iter().any(|x| tolerates(x, t)))
}

/// nodeSelector and required node affinity (`GetRequiredNodeAffinity`).
pub fn node_selection_matches(spec: &PodSpec, node: &SimNode) -> bool {
    node_selection_admits(spec, &node.name, &node.labels)
}

/// One `DoNotSchedule` topology spread constraint.
#[derive(Debug, Clone)]
pub struct SpreadConstraint {
    pub max_skew: i64,
    pub topology_key: String,
    pub selector: Selector,
    pub min_domains: i64,
    pub honor_affinity: bool,
    pub honor_taints: bool,
    pub self_match: bool,
    /// Matching pods per domain over the eligible nodes.
    pub counts: FxHashMap<String, i64>,
    /// The global minimum (0 when fewer domains than `minDomains`).
    pub min: i64,
}

/// Matching pods by topology key, then value (looked up without allocating).
#[derive(Debug, Clone, Default)]
pub struct TopoCounts(FxHashMap<String, FxHashMap<String, i64>>);

impl TopoCounts {
    pub fn add(&mut self, key: &str, value: &str) {
        let m = match self.0.get_mut(key) {
            Some(m) => m,
            None => self.0.entry(key.to_owned()).or_default(),
        };
        match m.get_mut(value) {
            Some(n) => *n += 1,
            None => {
                m.insert(value.to_owned(), 1);
            }
        }
    }

    pub fn get(&self, key: &str, value: &str) -> i64 {
        self.0
            .get(key)
            .and_then(|m| m.get(value))
            .copied()
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Pod (anti-)affinity counts by topology key and value.
#[derive(Debug, Clone, Default)]
pub struct AffinityState {
    pub affinity: Vec<AffinityTerm>,
    pub anti: Vec<AffinityTerm>,
    pub affinity_counts: TopoCounts,
    pub anti_counts: TopoCounts,
    pub existing_anti_counts: TopoCounts,
    pub self_matches_affinity: bool,
}

/// The pod under evaluation.
pub struct Incoming<'a, 'c> {
    pub pod: &'a Pod,
    pub spec: &'a PodSpec,
    pub ns: &'a str,
    pub name: &'a str,
    pub labels: &'a Labels,
    pub requests: Amounts,
    pub ports: Vec<HostPort>,
    /// Its own index in the cluster when it is one of the cluster's pods.
    pub self_idx: Option<u32>,
    /// The node it is bound to, when it is: its own usage there is not
    /// counted against it.
    pub self_node: Option<usize>,
    pub volumes: PodVolumes<'c>,
    pub spread: Vec<SpreadConstraint>,
    pub affinity: AffinityState,
    /// Write the human detail of each failure (off for bulk verdicts).
    pub detailed: bool,
}

impl<'a, 'c> Incoming<'a, 'c> {
    /// PreFilter: compute the pod's state over the whole cluster.
    /// `requests` overrides the pod's own requests (what-if).
    pub fn new(
        state: &State<'c>,
        pod: &'a Pod,
        spec: &'a PodSpec,
        requests: Option<Amounts>,
    ) -> Incoming<'a, 'c> {
        let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
        let name = pod.metadata.name.as_deref().unwrap_or("");
        let labels = labels_of(&pod.metadata.labels);
        let self_idx = state.pod_index(ns, name);
        let self_node = bound_node(pod).and_then(|n| state.node_index.get(n).copied());
        let mut inc = Incoming {
            pod,
            spec,
            ns,
            name,
            labels,
            requests: requests.unwrap_or_else(|| amounts::pod_requests(spec)),
            ports: host_ports(spec),
            self_idx,
            self_node,
            volumes: PodVolumes::resolve(state.cluster, &state.claim_users, pod, self_idx),
            spread: Vec::new(),
            affinity: AffinityState::default(),
            detailed: true,
        };
        inc.spread = inc.spread_state(state);
        inc.affinity = inc.affinity_state(state);
        inc
    }

    /// A failure's human detail, only when details are wanted.
    pub fn say(&self, f: impl FnOnce() -> String) -> String {
        if self.detailed { f() } else { String::new() }
    }

    pub fn tolerations(&self) -> &'a [Toleration] {
        self.spec.tolerations.as_deref().unwrap_or(&[])
    }

    fn is_self(&self, i: u32) -> bool {
        Some(i) == self.self_idx
    }

    fn spread_state(&self, state: &State<'c>) -> Vec<SpreadConstraint> {
        let mut out: Vec<SpreadConstraint> = self
            .spec
            .topology_spread_constraints
            .iter()
            .flatten()
            .filter(|c| c.when_unsatisfiable == "DoNotSchedule")
            .map(|c| {
                let mut selector = Selector::new(c.label_selector.as_ref());
                selector.merge_keys(c.match_label_keys.as_ref(), self.labels, false);
                SpreadConstraint {
                    max_skew: i64::from(c.max_skew),
                    topology_key: c.topology_key.clone(),
                    self_match: selector.matches(self.labels),
                    selector,
                    min_domains: i64::from(c.min_domains.unwrap_or(1)),
                    honor_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
                    honor_taints: c.node_taints_policy.as_deref() == Some("Honor"),
                    counts: FxHashMap::default(),
                    min: 0,
                }
            })
            .collect();
        if out.is_empty() {
            return out;
        }
        // Eligible nodes per constraint (node inclusion policies), and their domains.
        let mut eligible: Vec<Vec<bool>> = vec![vec![false; state.nodes.len()]; out.len()];
        for (ni, node) in state.nodes.iter().enumerate() {
            if !out
                .iter()
                .all(|c| node.labels.contains_key(&c.topology_key))
            {
                continue;
            }
            let affinity_ok = node_selection_matches(self.spec, node);
            let taints_ok = untolerated(&node.taints, self.tolerations()).is_none();
            for (ci, c) in out.iter_mut().enumerate() {
                if (c.honor_affinity && !affinity_ok) || (c.honor_taints && !taints_ok) {
                    continue;
                }
                eligible[ci][ni] = true;
                let value = node
                    .labels
                    .get(&c.topology_key)
                    .cloned()
                    .unwrap_or_default();
                c.counts.entry(value).or_insert(0);
            }
        }
        // Matching pods: only the pod's own namespace counts.
        for &(pi, ni) in state
            .bound_by_ns
            .get(self.ns)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if self.is_self(pi) {
                continue;
            }
            let p = state.pod(pi);
            if p.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let labels = labels_of(&p.metadata.labels);
            let node = &state.nodes[ni as usize];
            for (ci, c) in out.iter_mut().enumerate() {
                if !eligible[ci][ni as usize]
                    || c.selector.is_everything()
                    || !c.selector.matches(labels)
                {
                    continue;
                }
                if let Some(v) = node.labels.get(&c.topology_key)
                    && let Some(n) = c.counts.get_mut(v)
                {
                    *n += 1;
                }
            }
        }
        for c in out.iter_mut() {
            c.min = if (c.counts.len() as i64) < c.min_domains {
                0
            } else {
                c.counts.values().copied().min().unwrap_or(0)
            };
        }
        out
    }

    fn affinity_state(&self, state: &State<'c>) -> AffinityState {
        let (affinity, anti) = required_terms(self.spec, self.ns, self.labels);
        let mut st = AffinityState {
            self_matches_affinity: !affinity.is_empty()
                && affinity
                    .iter()
                    .all(|t| t.matches(self.ns, self.labels, state.ns_labels(self.ns))),
            affinity,
            anti,
            ..AffinityState::default()
        };
        if !st.affinity.is_empty() || !st.anti.is_empty() {
            // Terms that name their namespaces need only those namespaces' pods.
            let all_terms = st.affinity.iter().chain(st.anti.iter());
            let scoped = all_terms.clone().all(|t| t.namespace_selector.is_none());
            let mut candidates: Vec<(u32, u32)> = Vec::new();
            if scoped {
                let mut nss: Vec<&str> = all_terms
                    .flat_map(|t| t.namespaces.iter().map(String::as_str))
                    .collect();
                nss.sort_unstable();
                nss.dedup();
                for ns in nss {
                    candidates.extend(state.bound_by_ns.get(ns).map(Vec::as_slice).unwrap_or(&[]));
                }
            } else {
                for v in state.bound_by_ns.values() {
                    candidates.extend(v.iter().copied());
                }
            }
            for (i, ni) in candidates {
                if self.is_self(i) {
                    continue;
                }
                let node = &state.nodes[ni as usize];
                let p = state.pod(i);
                let (pns, plabels) = (p.ns_or_default(), labels_of(&p.metadata.labels));
                let nsl = state.ns_labels(pns);
                if !st.affinity.is_empty()
                    && st.affinity.iter().all(|t| t.matches(pns, plabels, nsl))
                {
                    for t in &st.affinity {
                        if let Some(v) = node.labels.get(&t.topology_key) {
                            st.affinity_counts.add(&t.topology_key, v);
                        }
                    }
                }
                for t in &st.anti {
                    if t.matches(pns, plabels, nsl)
                        && let Some(v) = node.labels.get(&t.topology_key)
                    {
                        st.anti_counts.add(&t.topology_key, v);
                    }
                }
            }
        }
        let my_ns_labels = state.ns_labels(self.ns);
        for (pi, ni, terms) in &state.existing_anti {
            if self.is_self(*pi) {
                continue;
            }
            let node = &state.nodes[*ni as usize];
            for t in terms {
                if t.matches(self.ns, self.labels, my_ns_labels)
                    && let Some(v) = node.labels.get(&t.topology_key)
                {
                    st.existing_anti_counts.add(&t.topology_key, v);
                }
            }
        }
        st
    }
}
