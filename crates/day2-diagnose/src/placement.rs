//! Where a pod could go: per-node verdicts and free capacity.
//!
//! Pending analysers read placement evidence through [`PlacementSource`]. The
//! built-in [`SimulatedPlacement`] runs the scheduler simulator over the
//! model; another source can be plugged in behind the same trait.
//! [`Capacity`] keeps the free allocatable per node (node
//! `status.allocatable`, or its capacity when it reports none, minus the
//! requests of non-terminal pods bound to it) that the analysers quote.

use crate::model::{self, Resources};
use day2_model::pod::Pod;
use day2_model::{Cluster, Res};
pub use day2_sched::Rejection;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::ops::Deref;
use std::sync::OnceLock;

/// One node's verdict for one pod. A pod's verdicts cover every node, so
/// names and zones are borrowed from the cluster and reasons are typed: a
/// verdict allocates only for an extended resource or a PreFilter message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeVerdict<'c> {
    pub name: Cow<'c, str>,
    pub zone: Option<Cow<'c, str>>,
    pub fits: bool,
    /// Upstream's reasons (`Insufficient cpu`, `node(s) had untolerated taint(s)` …),
    /// each printing its upstream wording.
    pub reasons: SmallVec<[Rejection; 1]>,
}

impl NodeVerdict<'_> {
    /// Rejected only for lack of resources (cpu, memory, pod slots).
    pub fn only_resources(&self) -> bool {
        !self.fits && self.reasons.iter().all(Rejection::is_resources)
    }
}

/// A pod's verdicts on every node, in the cluster's order, with what the
/// analysers ask of all of them worked out once: the replicas of one
/// template share one set.
#[derive(Debug)]
pub struct NodeVerdicts<'c> {
    nodes: Vec<NodeVerdict<'c>>,
    /// Some node fits the pod.
    pub any_fits: bool,
    /// Some node rejects the pod for lack of resources (cpu, memory, pod slots).
    pub any_short: bool,
    cordoned_only: OnceLock<Vec<usize>>,
}

impl<'c> NodeVerdicts<'c> {
    pub fn new(nodes: Vec<NodeVerdict<'c>>) -> Self {
        let any_fits = nodes.iter().any(|x| x.fits);
        let any_short = nodes
            .iter()
            .any(|x| x.reasons.iter().any(Rejection::is_resources));
        NodeVerdicts {
            nodes,
            any_fits,
            any_short,
            cordoned_only: OnceLock::new(),
        }
    }

    /// Positions of the nodes whose only objection is that they are cordoned.
    pub fn cordoned_only(&self) -> &[usize] {
        self.cordoned_only.get_or_init(|| {
            self.nodes
                .iter()
                .enumerate()
                .filter(|(_, x)| {
                    !x.fits && x.reasons.iter().all(|r| *r == Rejection::Unschedulable)
                })
                .map(|(i, _)| i)
                .collect()
        })
    }
}

impl<'c> Deref for NodeVerdicts<'c> {
    type Target = [NodeVerdict<'c>];
    fn deref(&self) -> &[NodeVerdict<'c>] {
        &self.nodes
    }
}

/// Per-node verdicts without the nodes' names: what an evaluation keeps of
/// them for the next one, while no kind they are worked out from changes
/// ([`crate::Memo`]). The nodes are the cluster's, in its order; most share
/// one of a few verdicts, so each node holds the index of its own.
#[derive(Debug, Clone)]
pub struct KeptVerdicts {
    distinct: Vec<(bool, SmallVec<[Rejection; 1]>)>,
    nodes: Vec<u32>,
}

impl KeptVerdicts {
    pub fn keep(v: &NodeVerdicts<'_>) -> KeptVerdicts {
        let mut distinct: Vec<(bool, SmallVec<[Rejection; 1]>)> = Vec::new();
        let nodes = v
            .nodes
            .iter()
            .map(|n| {
                let i = distinct
                    .iter()
                    .position(|(fits, reasons)| *fits == n.fits && *reasons == n.reasons)
                    .unwrap_or_else(|| {
                        distinct.push((n.fits, n.reasons.clone()));
                        distinct.len() - 1
                    });
                i as u32
            })
            .collect();
        KeptVerdicts { distinct, nodes }
    }

    /// The verdicts again, with the names and zones of `nodes` (the same
    /// nodes in the same order); `None` when the count differs.
    pub fn restore<'c>(&self, nodes: &[(&'c str, Option<&'c str>)]) -> Option<NodeVerdicts<'c>> {
        (self.nodes.len() == nodes.len()).then(|| {
            NodeVerdicts::new(
                self.nodes
                    .iter()
                    .zip(nodes)
                    .filter_map(|(i, (name, zone))| {
                        let (fits, reasons) = self.distinct.get(*i as usize)?;
                        Some(NodeVerdict {
                            name: Cow::Borrowed(name),
                            zone: zone.map(Cow::Borrowed),
                            fits: *fits,
                            reasons: reasons.clone(),
                        })
                    })
                    .collect(),
            )
        })
    }
}

/// A source of per-node verdicts for pods that are not scheduled.
pub trait PlacementSource<'c>: Sync {
    /// Short name shown to users as "the <name> placement source".
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
        // Each bound, running pod's node and requests (read in parallel).
        let bound: Vec<(&str, Resources)> = cluster
            .pods
            .par_iter()
            .zip(cluster.pod_requests())
            .filter_map(|(p, r)| {
                let node = model::node_name(p)?;
                if model::is_terminal(p) || p.spec.is_none() {
                    return None;
                }
                Some((node, model::requests_from(*r)))
            })
            .collect();
        for (node, r) in bound {
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
/// filter plugin of the default profile, with upstream's reasons.
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
