//! day2's kube-scheduler filter simulator.
//!
//! Over a [`day2_model::Cluster`] it runs the filter plugins of the default
//! scheduler profile — NodeUnschedulable, NodeName, TaintToleration,
//! NodeAffinity, NodePorts, NodeResourcesFit, VolumeRestrictions,
//! NodeVolumeLimits, VolumeBinding, VolumeZone, PodTopologySpread and
//! InterPodAffinity — in upstream's order, with upstream's reason strings
//! (Kubernetes v1.36), so an explanation reads like the FailedScheduling
//! event the user already has.
//!
//! Each pod is judged against the cluster as it is (pods are not assumed
//! onto nodes one after another), which is what explaining a Pending pod
//! needs. What the simulator does not model: scoring (which fitting node
//! wins), preemption, DRA claims, and inline in-tree disk conflicts.
//!
//! Depends on `day2-model` only.

pub mod amounts;
pub mod explain;
pub mod filter;
pub mod fragmentation;
pub mod plugins;
pub mod pod;
pub mod state;
pub mod terms;
pub mod volumes;
pub mod whatif;

pub use amounts::Amounts;
pub use explain::{Explanation, NodeResult, PodSummary};
pub use filter::{Failure, Plugin, Rejection};
pub use fragmentation::{Fragmentation, PendingKind, PendingVerdict};
pub use state::{SimNode, State};
pub use whatif::NodeShape;

use day2_model::pod::Pod;
use day2_model::{Cluster, Res};
use pod::Incoming;
use rayon::prelude::*;

/// The pod's spec, or an empty one.
fn spec_of(pod: &Pod) -> &k8s_openapi::api::core::v1::PodSpec {
    static EMPTY: std::sync::OnceLock<k8s_openapi::api::core::v1::PodSpec> =
        std::sync::OnceLock::new();
    pod.spec
        .as_deref()
        .unwrap_or_else(|| EMPTY.get_or_init(Default::default))
}

/// The simulator: the cluster's scheduling state, built once.
pub struct Simulator<'c> {
    state: State<'c>,
    shapes: Vec<NodeShape>,
}

impl<'c> Simulator<'c> {
    pub fn new(cluster: &'c Cluster) -> Simulator<'c> {
        Simulator {
            state: State::new(cluster),
            shapes: Vec::new(),
        }
    }

    /// Add hypothetical nodes of a shape (what-if).
    pub fn add_nodes(&mut self, shape: &NodeShape) {
        let first = self.state.nodes.iter().filter(|n| n.hypothetical).count();
        // A node in a zone carries the zone and region labels its neighbours
        // carry (CSI drivers often add their own topology keys).
        let inherited: Vec<(String, String)> = shape
            .zone
            .as_deref()
            .and_then(|z| self.state.nodes.iter().find(|n| n.zone() == Some(z)))
            .map(|n| {
                n.labels
                    .iter()
                    .filter(|(k, _)| k.ends_with("/zone") || k.ends_with("/region"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        for mut n in shape.nodes(first) {
            for (k, v) in &inherited {
                n.labels.entry(k.clone()).or_insert_with(|| v.clone());
            }
            self.state.add_node(n);
        }
        self.shapes.push(shape.clone());
    }

    pub fn state(&self) -> &State<'c> {
        &self.state
    }

    pub fn cluster(&self) -> &'c Cluster {
        self.state.cluster
    }

    /// The pod's requests as the scheduler counts them.
    pub fn requests(pod: &Pod) -> Amounts {
        pod.spec
            .as_deref()
            .map(amounts::pod_requests)
            .unwrap_or_default()
    }

    /// Every node's verdict for the pod; `requests` replaces its own (what-if).
    pub fn explain_with(&self, pod: &Pod, requests: Option<Amounts>) -> Explanation<'_> {
        let inc = Incoming::new(&self.state, pod, spec_of(pod), requests);
        explain::explain(&self.state, &inc)
    }

    pub fn explain(&self, pod: &Pod) -> Explanation<'_> {
        self.explain_with(pod, None)
    }

    /// Every node's verdict and reasons, without the human details,
    /// suggestions and notes (what bulk callers such as the diagnosis need).
    pub fn verdicts(&self, pod: &Pod) -> Explanation<'_> {
        let mut inc = Incoming::new(&self.state, pod, spec_of(pod), None);
        inc.detailed = false;
        explain::explain(&self.state, &inc)
    }

    /// Only the per-node results of [`Simulator::verdicts`] (no aggregate
    /// message): what an analysis reading every node of many pods needs.
    pub fn node_results(&self, pod: &Pod) -> Vec<explain::NodeResult<'_>> {
        let mut inc = Incoming::new(&self.state, pod, spec_of(pod), None);
        inc.detailed = false;
        explain::judge(&self.state, &inc).0
    }

    /// Pods waiting for the scheduler: not bound, not finished, not being deleted.
    pub fn pending_pods(&self) -> Vec<&'c Res<Pod>> {
        self.state
            .cluster
            .pods
            .iter()
            .filter(|p| {
                day2_model::pod::node_name(p).is_none()
                    && !state::is_terminal(p)
                    && p.metadata.deletion_timestamp.is_none()
                    && p.annotation("day2.dev/capacity-only").is_none()
            })
            .collect()
    }

    /// Fragmentation figures and each Pending pod's verdict.
    pub fn fragmentation(&self) -> Fragmentation {
        let (schedulable, resources) = fragmentation::resources(&self.state);
        let pending = self.pending_pods();
        let pending = pending
            .par_iter()
            .map(|p| fragmentation::classify(&self.state, &self.verdicts(p)))
            .collect();
        Fragmentation {
            nodes: self.state.nodes.len(),
            schedulable_nodes: schedulable,
            resources,
            pending,
        }
    }

    /// The what-if node shapes added so far.
    pub fn shapes(&self) -> &[NodeShape] {
        &self.shapes
    }
}
