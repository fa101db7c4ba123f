//! Where a pod could go: per-node verdicts and free capacity.
//!
//! Pending analysers read placement evidence through [`PlacementSource`]. The
//! built-in [`ModelPlacement`] computes it from the model (free allocatable =
//! node `status.allocatable` minus the requests of non-terminal pods bound to
//! the node) with the scheduler's filter semantics for the checks it covers;
//! a scheduler simulator can be plugged in behind the same trait.

use crate::model::{self, Resources};
use day2_model::{Cluster, Res};
use k8s_openapi::api::core::v1::{Node, Pod};
use rustc_hash::FxHashMap;

/// One node's verdict for one pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeVerdict {
    pub name: String,
    pub zone: Option<String>,
    pub fits: bool,
    /// Upstream reason strings (`Insufficient cpu`, `node(s) had untolerated taint {k: v}` …).
    pub reasons: Vec<String>,
}

impl NodeVerdict {
    /// Rejected only for lack of resources (cpu, memory, pod slots).
    pub fn only_resources(&self) -> bool {
        !self.fits
            && self
                .reasons
                .iter()
                .all(|r| r.starts_with("Insufficient ") || r == "Too many pods")
    }
}

/// A source of per-node verdicts for pods that are not scheduled.
pub trait PlacementSource: Sync {
    /// Short name shown in evidence (`model`, `simulator`).
    fn name(&self) -> &'static str;
    /// Every node of the cluster once, with whether the pod fits and why not.
    /// `None` when the source cannot judge (no nodes in the input).
    fn explain(&self, pod: &Res<Pod>) -> Option<Vec<NodeVerdict>>;
}

/// Free allocatable per node, from the model.
#[derive(Debug, Default)]
pub struct Capacity {
    free: FxHashMap<String, Resources>,
    alloc: FxHashMap<String, Resources>,
    /// Pods without a cpu/memory request, per node (they count as zero).
    unrequested: FxHashMap<String, (u32, u32)>,
}

impl Capacity {
    pub fn new(cluster: &Cluster) -> Capacity {
        let mut used: FxHashMap<&str, Resources> = FxHashMap::default();
        let mut unrequested: FxHashMap<String, (u32, u32)> = FxHashMap::default();
        for p in &cluster.pods {
            let Some(node) = model::node_name(p) else {
                continue;
            };
            if model::is_terminal(p) {
                continue;
            }
            let Some(spec) = p.spec.as_ref() else {
                continue;
            };
            let r = model::pod_requests(spec);
            let e = used.entry(node).or_default();
            *e = *e + r;
            if r.cpu == 0 || r.memory == 0 {
                let u = unrequested.entry(node.to_owned()).or_default();
                u.0 += u32::from(r.cpu == 0);
                u.1 += u32::from(r.memory == 0);
            }
        }
        let mut free = FxHashMap::default();
        let mut alloc = FxHashMap::default();
        for n in &cluster.nodes {
            let Some(a) = model::allocatable(n) else {
                continue;
            };
            let u = used.get(n.name()).copied().unwrap_or_default();
            free.insert(n.name().to_owned(), a - u);
            alloc.insert(n.name().to_owned(), a);
        }
        Capacity {
            free,
            alloc,
            unrequested,
        }
    }

    pub fn free(&self, node: &str) -> Option<Resources> {
        self.free.get(node).copied()
    }

    pub fn allocatable(&self, node: &str) -> Option<Resources> {
        self.alloc.get(node).copied()
    }

    /// (pods without a cpu request, pods without a memory request) on the node.
    pub fn unrequested(&self, node: &str) -> (u32, u32) {
        self.unrequested.get(node).copied().unwrap_or_default()
    }

    pub fn knows_nodes(&self) -> bool {
        !self.alloc.is_empty()
    }
}

/// Placement verdicts computed from the model: node unschedulable, taints,
/// node selector/affinity, PV node affinity, and resources (cpu, memory, pods).
pub struct ModelPlacement<'c> {
    cluster: &'c Cluster,
    capacity: &'c Capacity,
}

impl<'c> ModelPlacement<'c> {
    pub fn new(cluster: &'c Cluster, capacity: &'c Capacity) -> Self {
        ModelPlacement { cluster, capacity }
    }

    fn verdict(&self, pod: &Res<Pod>, node: &Res<Node>) -> NodeVerdict {
        let mut reasons = Vec::new();
        let spec = pod.spec.as_ref();
        if let Some(spec) = spec {
            let tolerates_unschedulable = spec.tolerations.iter().flatten().any(|t| {
                model::tolerates(
                    t,
                    &k8s_openapi::api::core::v1::Taint {
                        key: "node.kubernetes.io/unschedulable".into(),
                        value: None,
                        effect: "NoSchedule".into(),
                        time_added: None,
                    },
                )
            });
            if model::cordoned(node) && !tolerates_unschedulable {
                reasons.push("node(s) were unschedulable".to_owned());
            }
            if !model::matches_node_selection(spec, node) {
                reasons.push("node(s) didn't match Pod's node affinity/selector".to_owned());
            }
            if let Some(t) = model::untolerated_taints(spec, node).first() {
                reasons.push(format!(
                    "node(s) had untolerated taint {{{}: {}}}",
                    t.key,
                    t.value.as_deref().unwrap_or("")
                ));
            }
            let ns = pod.ns_or_default();
            let volume_conflict = model::claims(spec).any(|c| {
                self.cluster
                    .pvc(ns, c)
                    .and_then(|pvc| self.cluster.pv_of_claim(pvc))
                    .is_some_and(|pv| !model::pv_allows_node(pv, node))
            });
            if volume_conflict {
                reasons.push("node(s) had volume node affinity conflict".to_owned());
            }
            if let Some(free) = self.capacity.free(node.name()) {
                let want = model::pod_requests(spec);
                if want.pods > free.pods {
                    reasons.push("Too many pods".to_owned());
                }
                if want.cpu > 0 && want.cpu > free.cpu {
                    reasons.push("Insufficient cpu".to_owned());
                }
                if want.memory > 0 && want.memory > free.memory {
                    reasons.push("Insufficient memory".to_owned());
                }
            }
        }
        NodeVerdict {
            name: node.name().to_owned(),
            zone: model::node_zone(node).map(str::to_owned),
            fits: reasons.is_empty(),
            reasons,
        }
    }
}

impl PlacementSource for ModelPlacement<'_> {
    fn name(&self) -> &'static str {
        "model"
    }

    fn explain(&self, pod: &Res<Pod>) -> Option<Vec<NodeVerdict>> {
        if self.cluster.nodes.is_empty() {
            return None;
        }
        Some(
            self.cluster
                .nodes
                .iter()
                .map(|n| self.verdict(pod, n))
                .collect(),
        )
    }
}
