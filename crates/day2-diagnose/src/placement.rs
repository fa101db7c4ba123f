//! Where a pod could go: per-node verdicts and free capacity.
//!
//! Pending analysers read placement evidence through [`PlacementSource`]. The
//! built-in [`SimulatedPlacement`] runs the scheduler simulator over the
//! model; another source can be plugged in behind the same trait.
//! [`Capacity`] keeps the free allocatable per node (node
//! `status.allocatable` minus the requests of non-terminal pods bound to it)
//! that the analysers quote.

use crate::model::{self, Resources};
use day2_model::{Cluster, Res};
use k8s_openapi::api::core::v1::Pod;
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

/// Placement verdicts from the scheduler simulator ([`day2_sched`]): every
/// filter plugin of the default profile, with upstream's reason strings.
pub struct SimulatedPlacement<'c> {
    sim: day2_sched::Simulator<'c>,
}

impl<'c> SimulatedPlacement<'c> {
    pub fn new(cluster: &'c Cluster) -> Self {
        SimulatedPlacement {
            sim: day2_sched::Simulator::new(cluster),
        }
    }
}

impl PlacementSource for SimulatedPlacement<'_> {
    fn name(&self) -> &'static str {
        "simulator"
    }

    fn explain(&self, pod: &Res<Pod>) -> Option<Vec<NodeVerdict>> {
        if self.sim.state().nodes.is_empty() {
            return None;
        }
        let e = self.sim.verdicts(pod);
        Some(
            e.nodes
                .into_iter()
                .map(|n| NodeVerdict {
                    reasons: n.reasons().into_iter().map(str::to_owned).collect(),
                    name: n.name.to_string(),
                    zone: n.zone.map(str::to_owned),
                    fits: n.fits,
                })
                .collect(),
        )
    }
}
