//! Explaining one pod: every node with its verdict, the aggregate line in
//! the scheduler's own format, and the smallest changes that would let the
//! pod fit.

use crate::amounts::Amounts;
use crate::filter::{Failure, Plugin, Rejection};
use crate::plugins::node::describe_taint;
use crate::plugins::run_all;
use crate::pod::Incoming;
use crate::state::State;
use day2_model::pod::Pod;
use day2_model::resources::format_amount;
use day2_model::text::short_list;
use rustc_hash::FxHashMap;
use serde::Serialize;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The pod being explained.
#[derive(Debug, Clone, Serialize)]
pub struct PodSummary {
    pub namespace: String,
    pub name: String,
    /// The node it is bound to, if any.
    pub node: Option<String>,
    pub phase: Option<String>,
    /// Requests as the scheduler counts them (`cpu`, `memory`, …).
    pub requests: BTreeMap<String, String>,
}

/// One node's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct NodeResult<'s> {
    pub name: &'s str,
    pub zone: Option<&'s str>,
    pub fits: bool,
    /// Every failing plugin in filter order (a PreFilter rejection first).
    pub failures: SmallVec<[Failure; 1]>,
    /// Added by a what-if.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hypothetical: bool,
}

impl NodeResult<'_> {
    /// Upstream reason strings of every failing plugin, in filter order.
    pub fn reasons(&self) -> Vec<Cow<'static, str>> {
        self.failures
            .iter()
            .flat_map(|f| f.reasons.iter().map(Rejection::text))
            .collect()
    }

    /// The plugin the scheduler stops at on this node.
    pub fn first(&self) -> Option<&Failure> {
        self.failures.first()
    }

    /// Rejected only by NodeResourcesFit.
    pub fn only_resources(&self) -> bool {
        !self.fits
            && self
                .failures
                .iter()
                .all(|f| f.plugin == Plugin::NodeResourcesFit)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Explanation<'s> {
    pub pod: PodSummary,
    pub nodes: Vec<NodeResult<'s>>,
    /// A rejection before any node is looked at (PreFilter).
    pub prefilter: Option<String>,
    /// `0/N nodes are available: …` as the FailedScheduling event says it;
    /// `K/N nodes are available: …` when K nodes fit.
    pub aggregate: String,
    pub suggestions: Vec<String>,
    /// Things the filters do not decide but the user should know.
    pub notes: Vec<String>,
}

impl<'s> Explanation<'s> {
    pub fn fits_anywhere(&self) -> bool {
        self.prefilter.is_none() && self.nodes.iter().any(|n| n.fits)
    }

    pub fn fitting(&self) -> impl Iterator<Item = &NodeResult<'s>> {
        self.nodes.iter().filter(|n| n.fits)
    }
}

/// The zones of a PV, as the diagnosis reads them too.
use day2_model::topology::pv_zones;

/// `0/N nodes are available: 3 Insufficient cpu, 1 node(s) had untolerated taint(s).`
/// — per node only the first failing plugin counts, as in the scheduler.
pub fn aggregate(total: usize, prefilter: Option<&str>, nodes: &[NodeResult<'_>]) -> String {
    if total == 0 {
        return "no nodes available to schedule pods".to_owned();
    }
    if let Some(p) = prefilter {
        return format!("0/{total} nodes are available: {p}.");
    }
    let fit = nodes.iter().filter(|n| n.fits).count();
    let mut msg = format!("{fit}/{total} nodes are available:");
    let mut hist: FxHashMap<Cow<'static, str>, usize> = FxHashMap::default();
    for n in nodes.iter().filter(|n| !n.fits) {
        for r in n.first().map(|f| f.reasons.as_slice()).unwrap_or(&[]) {
            *hist.entry(r.text()).or_insert(0) += 1;
        }
    }
    let mut parts: Vec<String> = hist.iter().map(|(r, c)| format!("{c} {r}")).collect();
    parts.sort();
    if parts.is_empty() {
        msg.pop();
        return msg;
    }
    msg.push_str(&format!(" {}.", parts.join(", ")));
    msg
}

pub(crate) fn summary(pod: &Pod, requests: &Amounts) -> PodSummary {
    PodSummary {
        namespace: pod
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into()),
        name: pod.metadata.name.clone().unwrap_or_default(),
        node: day2_model::pod::node_name(pod).map(str::to_owned),
        phase: pod.status.as_ref().and_then(|s| s.phase.clone()),
        requests: requests
            .iter()
            .map(|(k, v)| (k.to_owned(), format_amount(k, v)))
            .collect(),
    }
}

/// Evaluate every node for the pod.
pub(crate) fn evaluate<'s>(st: &'s State<'_>, inc: &Incoming<'_, '_>) -> Vec<NodeResult<'s>> {
    (0..st.nodes.len())
        .map(|ni| {
            let failures = run_all(st, inc, ni);
            let n = &st.nodes[ni];
            NodeResult {
                name: n.name.as_str(),
                zone: n.zone(),
                fits: failures.is_empty(),
                failures,
                hypothetical: n.hypothetical,
            }
        })
        .collect()
}

pub(crate) fn notes(st: &State<'_>, inc: &Incoming<'_, '_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(gates) = inc.spec.scheduling_gates.as_ref().filter(|g| !g.is_empty()) {
        let names: Vec<&str> = gates.iter().map(|g| g.name.as_str()).collect();
        out.push(format!(
            "the pod has scheduling gates ({}): the scheduler does not try it until they are removed",
            names.join(", ")
        ));
    }
    if let Some(n) = inc.self_node {
        out.push(format!(
            "the pod is already bound to {}; each node is judged as if it were scheduled again (its own usage there is not counted)",
            st.nodes[n].name
        ));
    }
    for (claim, node) in &inc.volumes.rwo_elsewhere {
        out.push(format!(
            "claim {claim} is ReadWriteOnce and in use on {node}: on any other node the attach fails with Multi-Attach until that pod is gone"
        ));
    }
    if inc
        .spec
        .scheduler_name
        .as_deref()
        .is_some_and(|s| s != "default-scheduler")
    {
        out.push(format!(
            "the pod asks for scheduler {:?}; this simulates the default profile",
            inc.spec.scheduler_name.as_deref().unwrap_or("")
        ));
    }
    out
}

/// The detail of the first plugin that rejects the node.
fn first_detail<'a>(n: &'a NodeResult<'_>) -> &'a str {
    n.failures.first().map(|f| f.detail.as_ref()).unwrap_or("")
}

/// The smallest changes that would make the pod fit somewhere.
pub(crate) fn suggestions(
    st: &State<'_>,
    inc: &Incoming<'_, '_>,
    nodes: &[NodeResult<'_>],
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = &inc.volumes.prefilter {
        if p.contains("unbound immediate") {
            out.push("a claim with Immediate binding is still unbound: fix the claim (class, size, access mode, a matching PV) — and prefer volumeBindingMode: WaitForFirstConsumer for zonal disks so the volume follows the pod".to_owned());
        } else {
            out.push(format!(
                "{p}: create the claim (or fix the pod's claimName)"
            ));
        }
        return out;
    }
    if nodes.iter().any(|n| n.fits) {
        return out;
    }
    // Nodes that a single plugin rejects, by plugin.
    let mut single: BTreeMap<Plugin, Vec<usize>> = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        let mut plugins: Vec<Plugin> = n.failures.iter().map(|f| f.plugin).collect();
        plugins.dedup();
        if plugins.len() == 1 {
            single.entry(plugins[0]).or_default().push(i);
        }
    }
    let name = |i: &usize| nodes[*i].name;
    for (plugin, idx) in &single {
        let names: Vec<&str> = idx.iter().map(name).collect();
        match plugin {
            Plugin::NodeResourcesFit => out.extend(resource_suggestions(st, inc, nodes, idx)),
            Plugin::TaintToleration => {
                let mut by_taint: BTreeMap<String, Vec<&str>> = BTreeMap::new();
                for i in idx {
                    if let Some(t) =
                        crate::pod::untolerated(&st.nodes[*i].taints, inc.tolerations())
                    {
                        by_taint.entry(describe_taint(t)).or_default().push(name(i));
                    }
                }
                for (t, ns) in by_taint {
                    out.push(format!(
                        "add a toleration for {t} — {} node(s) ({}) pass every other filter; or, if the pod is not meant for them, give it nodes without that taint",
                        ns.len(),
                        short_list(&ns, 3)
                    ));
                }
            }
            Plugin::NodeAffinity => {
                let detail = nodes[idx[0]]
                    .failures
                    .first()
                    .map(|f| f.detail.to_string())
                    .unwrap_or_default();
                out.push(format!(
                    "{} node(s) ({}) pass every other filter but not the pod's node selection ({detail}): label them, or relax the selector",
                    names.len(),
                    short_list(&names, 3)
                ));
            }
            Plugin::NodeUnschedulable => out.push(format!(
                "uncordon {} (`kubectl uncordon`): the pod fits there otherwise",
                short_list(&names, 3)
            )),
            Plugin::NodeName => out.push(format!(
                "spec.nodeName pins the pod to a node it cannot use; {} would take it",
                short_list(&names, 3)
            )),
            Plugin::NodePorts => out.push(format!(
                "the pod's hostPort is taken on {}: drop the hostPort or free it there",
                short_list(&names, 3)
            )),
            Plugin::VolumeBinding | Plugin::VolumeZone | Plugin::VolumeRestrictions => {
                out.push(format!(
                    "{} node(s) ({}) fail only on the pod's volumes: {}",
                    names.len(),
                    short_list(&names, 3),
                    first_detail(&nodes[idx[0]])
                ));
            }
            Plugin::NodeVolumeLimits => out.push(format!(
                "{} are at their volume attach limit: move volumes off them or add nodes",
                short_list(&names, 3)
            )),
            Plugin::PodTopologySpread => {
                let domains: Vec<String> = inc
                    .spread
                    .iter()
                    .map(|c| {
                        let mut d: Vec<String> =
                            c.counts.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        d.sort();
                        format!(
                            "{} (maxSkew {}): {}",
                            c.topology_key,
                            c.max_skew,
                            d.join(", ")
                        )
                    })
                    .collect();
                out.push(format!(
                    "topology spread blocks {}: matching pods per domain {}; add capacity in the least-loaded domain, or loosen maxSkew / use ScheduleAnyway",
                    short_list(&names, 3),
                    domains.join("; ")
                ));
            }
            Plugin::InterPodAffinity => out.push(format!(
                "pod (anti-)affinity blocks {}: {}",
                short_list(&names, 3),
                first_detail(&nodes[idx[0]])
            )),
        }
    }
    if out.is_empty() {
        out.push(new_node_shape(st, inc, nodes));
    }
    out
}

/// Zones where the pod's volumes allow it to run (none = any).
fn volume_zones(inc: &Incoming<'_, '_>) -> Vec<String> {
    let mut z: Vec<String> = inc
        .volumes
        .bound
        .iter()
        .filter_map(|b| b.pv)
        .flat_map(|pv| pv_zones(pv).into_iter().map(str::to_owned))
        .collect();
    z.sort();
    z.dedup();
    z
}

fn requests_text(r: &Amounts) -> String {
    let parts: Vec<String> = r
        .iter()
        .map(|(k, v)| format!("{} {k}", format_amount(k, v)))
        .collect();
    if parts.is_empty() {
        "nothing".to_owned()
    } else {
        parts.join(", ")
    }
}

fn resource_suggestions(
    st: &State<'_>,
    inc: &Incoming<'_, '_>,
    nodes: &[NodeResult<'_>],
    idx: &[usize],
) -> Vec<String> {
    let mut out = Vec::new();
    // The node closest to fitting: smallest largest relative shortfall.
    let shortfall = |ni: usize| -> Vec<(String, i64, i64)> {
        let n = &st.nodes[ni];
        let free = free_for(st, inc, ni);
        let mut v: Vec<(String, i64, i64)> = inc
            .requests
            .iter()
            .filter(|(k, want)| *want > free.get(k))
            .map(|(k, want)| (k.to_owned(), want - free.get(k), n.allocatable.get(k)))
            .collect();
        let used = n.pods.len() as i64 - i64::from(inc.self_node == Some(ni));
        if used + 1 > n.max_pods {
            v.push(("pods".to_owned(), used + 1 - n.max_pods, n.max_pods));
        }
        v
    };
    let score = |s: &[(String, i64, i64)]| -> f64 {
        s.iter()
            .map(|(_, d, a)| *d as f64 / (*a).max(1) as f64)
            .fold(0.0, f64::max)
    };
    // Nodes that could take the pod if they were empty.
    let roomy: Vec<usize> = idx
        .iter()
        .copied()
        .filter(|&i| {
            let n = &st.nodes[i];
            n.max_pods >= 1 && inc.requests.iter().all(|(k, w)| w <= n.allocatable.get(k))
        })
        .collect();
    let pick = if roomy.is_empty() { idx } else { &roomy[..] };
    let Some(&best) = pick.iter().min_by(|a, b| {
        score(&shortfall(**a))
            .partial_cmp(&score(&shortfall(**b)))
            .unwrap_or(std::cmp::Ordering::Equal)
    }) else {
        return out;
    };
    let too_big: Vec<(String, i64, i64)> = inc
        .requests
        .iter()
        .filter_map(|(k, want)| {
            let max = idx.iter().map(|&i| st.nodes[i].allocatable.get(k)).max()?;
            (want > max).then(|| (k.to_owned(), want, max))
        })
        .collect();
    for (k, want, max) in &too_big {
        out.push(format!(
            "the pod requests {} {k} but the largest eligible node allocates {}: lower the request, or add a node shape with at least {} {k} allocatable",
            format_amount(k, *want),
            format_amount(k, *max),
            format_amount(k, *want)
        ));
    }
    let s = shortfall(best);
    let n = &nodes[best];
    let lacks: Vec<String> = s
        .iter()
        .map(|(k, d, _)| {
            if k == "pods" {
                format!("{d} pod slot(s)")
            } else {
                format!("{} {k}", format_amount(k, *d))
            }
        })
        .collect();
    let zone = n.zone.map(|z| format!(" in {z}")).unwrap_or_default();
    if too_big.is_empty() {
        out.push(format!(
            "closest fit: {}{zone} lacks {} — free that much there, or lower the pod's request by as much",
            n.name,
            lacks.join(" and ")
        ));
        let mut zones: Vec<&str> = pick.iter().filter_map(|&i| nodes[i].zone).collect();
        zones.sort_unstable();
        zones.dedup();
        let shape = &st.nodes[best];
        out.push(format!(
            "or add capacity: a node like {} ({}){} takes the pod empty; it needs {}",
            shape.name,
            requests_text(&shape.allocatable),
            if zones.is_empty() {
                String::new()
            } else {
                format!(" in {}", zones.join(" or "))
            },
            requests_text(&inc.requests)
        ));
    }
    out
}

/// Free resources on node `ni` for this pod (its own usage returned when bound there).
pub(crate) fn free_for(st: &State<'_>, inc: &Incoming<'_, '_>, ni: usize) -> Amounts {
    let mut free = st.nodes[ni].free();
    if inc.self_node == Some(ni)
        && let Some(i) = inc.self_idx
    {
        free.add(&st.pod_requests[i as usize]);
    }
    free
}

/// No single change opens a node: describe the node that would take it.
fn new_node_shape(st: &State<'_>, inc: &Incoming<'_, '_>, _nodes: &[NodeResult<'_>]) -> String {
    let zones = volume_zones(inc);
    let mut labels: Vec<String> = inc
        .spec
        .node_selector
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    labels.sort();
    let mut s = format!(
        "no single change opens an existing node; a new node would need at least {} allocatable",
        requests_text(&inc.requests)
    );
    if !zones.is_empty() {
        s.push_str(&format!(
            " in {} (where the pod's volumes live)",
            zones.join(" or ")
        ));
    }
    if !labels.is_empty() {
        s.push_str(&format!(", labelled {}", labels.join(", ")));
    }
    if !inc.spread.is_empty() || !inc.affinity.anti.is_empty() {
        s.push_str(", in a topology domain its spread/anti-affinity rules allow");
    }
    let _ = st;
    s
}

/// Everything [`crate::Simulator::explain`] returns, assembled; with
/// `inc.detailed` off, only the verdicts (no details, suggestions or notes).
pub(crate) fn explain<'s>(st: &'s State<'_>, inc: &Incoming<'_, '_>) -> Explanation<'s> {
    let (nodes, prefilter) = judge(st, inc);
    let aggregate = aggregate(nodes.len(), prefilter.as_deref(), &nodes);
    let (suggestions, notes) = if inc.detailed {
        (suggestions(st, inc, &nodes), notes(st, inc))
    } else {
        (Vec::new(), Vec::new())
    };
    Explanation {
        pod: summary(inc.pod, &inc.requests),
        aggregate,
        suggestions,
        notes,
        prefilter,
        nodes,
    }
}

/// Every node's result, a PreFilter rejection first on each, and that rejection.
pub(crate) fn judge<'s>(
    st: &'s State<'_>,
    inc: &Incoming<'_, '_>,
) -> (Vec<NodeResult<'s>>, Option<String>) {
    let mut nodes = evaluate(st, inc);
    let prefilter = inc.volumes.prefilter.clone();
    if let Some(p) = &prefilter {
        let f = Failure::new(
            Plugin::VolumeBinding,
            Rejection::Other(Cow::Owned(p.clone())),
            "the pod was rejected before any node was considered",
        )
        .unresolvable();
        for n in nodes.iter_mut() {
            n.fits = false;
            n.failures.insert(0, f.clone());
        }
    }
    (nodes, prefilter)
}
