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
use smallvec::SmallVec;
use std::borrow::Cow;

/// One node's verdict for one pod. A pod's verdicts cover every node, so
/// names and zones are borrowed from the cluster and most reasons are
/// upstream's constant strings: a verdict allocates only for a reason with
/// details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeVerdict<'c> {
    pub name: Cow<'c, str>,
    pub zone: Option<Cow<'c, str>>,
    pub fits: bool,
    /// Upstream reason strings (`Insufficient cpu`, `node(s) had untolerated taint {k: v}` …).
    pub reasons: SmallVec<[Cow<'static, str>; 1]>,
}

impl NodeVerdict<'_> {
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
pub trait PlacementSource<'c>: Sync {
    /// Short name shown in evidence (`model`, `simulator`).
    fn name(&self) -> &'static str;
    /// Every node of the cluster once, with whether the pod fits and why not.
    /// `None` when the source cannot judge (no nodes in the input).
    fn explain(&self, pod: &Res<Pod>) -> Option<Vec<NodeVerdict<'c>>>;
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
    /// Each node's name and zone, read once.
    nodes: Vec<(&'c str, Option<&'c str>)>,
}

impl<'c> SimulatedPlacement<'c> {
    pub fn new(cluster: &'c Cluster) -> Self {
        SimulatedPlacement {
            sim: day2_sched::Simulator::new(cluster),
            nodes: cluster
                .nodes
                .iter()
                .map(|n| (n.name(), day2_model::zone_of(n.labels())))
                .collect(),
        }
    }
}

impl<'c> PlacementSource<'c> for SimulatedPlacement<'c> {
    fn name(&self) -> &'static str {
        "simulator"
    }

    fn explain(&self, pod: &Res<Pod>) -> Option<Vec<NodeVerdict<'c>>> {
        if self.sim.state().nodes.is_empty() {
            return None;
        }
        let results = self.sim.node_results(pod);
        // The simulator's nodes are the cluster's, in order: names and zones
        // are borrowed from the cluster.
        let same_nodes = results.len() == self.nodes.len();
        Some(
            results
                .into_iter()
                .enumerate()
                .map(|(i, n)| {
                    let (name, zone) = match self.nodes.get(i) {
                        Some(&(name, zone)) if same_nodes => {
                            (Cow::Borrowed(name), zone.map(Cow::Borrowed))
                        }
                        _ => (
                            Cow::Owned(n.name.to_owned()),
                            n.zone.map(|z| Cow::Owned(z.to_owned())),
                        ),
                    };
                    NodeVerdict {
                        reasons: n.failures.into_iter().flat_map(|f| f.reasons).collect(),
                        name,
                        zone,
                        fits: n.fits,
                    }
                })
                .collect(),
        )
    }
}
