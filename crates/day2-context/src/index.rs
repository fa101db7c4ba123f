//! Workloads by namespace and pod label, and the Services selecting each:
//! built once per analysis so that selectors (Services, PDBs,
//! NetworkPolicies, monitors) are matched without scanning every workload.

use day2_model::selector::{Labels, label_selector_matches};
use day2_model::{Cluster, Res, Workload};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::collections::HashMap;

/// Workloads of the input indexed by namespace and by pod label, so that
/// selectors (Services, PDBs, NetworkPolicies, monitors) are matched without
/// scanning every workload.
pub struct WorkloadIndex<'a> {
    pub all: Vec<Workload<'a>>,
    by_ns: HashMap<&'a str, Vec<usize>>,
    by_label: HashMap<(&'a str, &'a str, &'a str), Vec<usize>>,
    by_key: HashMap<(&'a str, &'a str, &'a str), usize>,
}

impl<'a> WorkloadIndex<'a> {
    pub fn new(all: Vec<Workload<'a>>) -> Self {
        let mut by_ns: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_label: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
        let mut by_key = HashMap::new();
        for (i, w) in all.iter().enumerate() {
            let ns = w.namespace();
            by_ns.entry(ns).or_default().push(i);
            for (k, v) in w.pod_labels() {
                by_label
                    .entry((ns, k.as_str(), v.as_str()))
                    .or_default()
                    .push(i);
            }
            by_key.insert((w.kind, ns, w.name()), i);
        }
        WorkloadIndex {
            all,
            by_ns,
            by_label,
            by_key,
        }
    }

    pub fn namespaces(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.by_ns.keys().copied()
    }

    pub fn in_namespace(&self, ns: &str) -> impl Iterator<Item = &Workload<'a>> + '_ {
        self.by_ns
            .get(ns)
            .into_iter()
            .flatten()
            .map(|i| &self.all[*i])
    }

    pub fn find(&self, kind: &str, ns: &str, name: &str) -> Option<&Workload<'a>> {
        let kind: &'static str = match kind {
            "Deployment" => "Deployment",
            "StatefulSet" => "StatefulSet",
            "DaemonSet" => "DaemonSet",
            "ReplicaSet" => "ReplicaSet",
            "ReplicationController" => "ReplicationController",
            "Job" => "Job",
            "CronJob" => "CronJob",
            "Pod" => "Pod",
            _ => return None,
        };
        self.by_key.get(&(kind, ns, name)).map(|i| &self.all[*i])
    }

    fn candidates<'s>(
        &'s self,
        ns: &'s str,
        pairs: impl Iterator<Item = (&'s str, &'s str)>,
    ) -> Option<&'s [usize]> {
        let mut best: Option<&[usize]> = None;
        for (k, v) in pairs {
            match self.by_label.get(&(ns, k, v)) {
                None => return Some(&[]),
                Some(list) if best.is_none_or(|b| list.len() < b.len()) => best = Some(list),
                _ => {}
            }
        }
        best
    }

    /// Indices of the workloads in `ns` whose pods a `metav1.LabelSelector`
    /// selects (an empty selector selects all; requirements are ANDed).
    pub fn matching_idx(&self, ns: &str, sel: &LabelSelector) -> Vec<usize> {
        let pairs = sel
            .match_labels
            .iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str()));
        let cands: &[usize] = match self.candidates(ns, pairs) {
            Some(c) => c,
            None => self.by_ns.get(ns).map(Vec::as_slice).unwrap_or(&[]),
        };
        cands
            .iter()
            .copied()
            .filter(|i| label_selector_matches(sel, self.all[*i].pod_labels()))
            .collect()
    }

    /// Workloads in `ns` whose pods a `metav1.LabelSelector` selects.
    pub fn matching(&self, ns: &str, sel: &LabelSelector) -> Vec<&Workload<'a>> {
        self.matching_idx(ns, sel)
            .into_iter()
            .map(|i| &self.all[i])
            .collect()
    }

    /// Indices of the workloads in `ns` a Service-style selector selects
    /// (an empty selector selects none).
    pub fn matching_map_idx(&self, ns: &str, sel: &Labels) -> Vec<usize> {
        if sel.is_empty() {
            return Vec::new();
        }
        let cands = self
            .candidates(ns, sel.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .unwrap_or(&[]);
        cands
            .iter()
            .copied()
            .filter(|i| {
                let l = self.all[*i].pod_labels();
                sel.iter().all(|(k, v)| l.get(k) == Some(v))
            })
            .collect()
    }
}

/// Services with a selector and the workloads they select, computed once.
pub struct ServiceIndex<'c, 'w> {
    /// (service, selected workload indices into the WorkloadIndex).
    pub services: Vec<(&'c Res<k8s_openapi::api::core::v1::Service>, Vec<usize>)>,
    /// workload index → services selecting it.
    pub by_workload: HashMap<usize, Vec<usize>>,
    _w: std::marker::PhantomData<&'w ()>,
}

impl<'c, 'w> ServiceIndex<'c, 'w> {
    pub fn new(cluster: &'c Cluster, index: &WorkloadIndex<'w>) -> Self {
        let mut services = Vec::new();
        let mut by_workload: HashMap<usize, Vec<usize>> = HashMap::new();
        for s in &cluster.services {
            let Some(spec) = s.spec.as_ref() else {
                continue;
            };
            if spec.type_.as_deref() == Some("ExternalName") {
                continue;
            }
            let Some(sel) = spec.selector.as_ref().filter(|m| !m.is_empty()) else {
                continue;
            };
            let matched = index.matching_map_idx(s.ns_or_default(), sel);
            for w in &matched {
                by_workload.entry(*w).or_default().push(services.len());
            }
            services.push((s, matched));
        }
        ServiceIndex {
            services,
            by_workload,
            _w: std::marker::PhantomData,
        }
    }

    /// Services selecting the workload at `i`.
    pub fn of_workload(
        &self,
        i: usize,
    ) -> impl Iterator<Item = &'c Res<k8s_openapi::api::core::v1::Service>> + '_ {
        self.by_workload
            .get(&i)
            .into_iter()
            .flatten()
            .map(|s| self.services[*s].0)
    }
}
