//! One module per filter plugin (or family of plugins).

pub mod fit;
pub mod interpod;
pub mod node;
pub mod ports;
pub mod spread;
pub mod volumes;

use crate::filter::{Failure, Plugin};
use crate::pod::Incoming;
use crate::state::State;
use smallvec::SmallVec;

/// Every plugin's verdict on one node (the scheduler stops at the first
/// failure; the explanation keeps them all).
pub fn run_all(st: &State<'_>, pod: &Incoming<'_, '_>, ni: usize) -> SmallVec<[Failure; 1]> {
    Plugin::ALL
        .iter()
        .filter_map(|p| run(*p, st, pod, ni))
        .collect()
}

/// One plugin's verdict on one node.
fn run(plugin: Plugin, st: &State<'_>, pod: &Incoming<'_, '_>, ni: usize) -> Option<Failure> {
    let node = &st.nodes[ni];
    match plugin {
        Plugin::NodeUnschedulable => node::unschedulable(pod, node),
        Plugin::NodeName => node::node_name(pod, node),
        Plugin::TaintToleration => node::taints(pod, node),
        Plugin::NodeAffinity => node::affinity(pod, node),
        Plugin::NodePorts => ports::filter(st, pod, ni),
        Plugin::NodeResourcesFit => fit::filter(st, pod, ni),
        Plugin::VolumeRestrictions => volumes::restrictions(pod),
        Plugin::NodeVolumeLimits => volumes::limits(pod, node),
        Plugin::VolumeBinding => volumes::binding(pod, node),
        Plugin::VolumeZone => volumes::zone(pod, node),
        Plugin::PodTopologySpread => spread::filter(pod, node),
        Plugin::InterPodAffinity => interpod::filter(pod, node),
    }
}
