//! The filter plugins of kube-scheduler's default profile, in its order,
//! with its reason strings.

use crate::plugins;
use crate::pod::Incoming;
use crate::state::State;
use serde::Serialize;
use smallvec::{SmallVec, smallvec};
use std::borrow::Cow;

/// A filter plugin. Declaration order is the default profile's filter order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Plugin {
    NodeUnschedulable,
    NodeName,
    TaintToleration,
    NodeAffinity,
    NodePorts,
    NodeResourcesFit,
    VolumeRestrictions,
    NodeVolumeLimits,
    VolumeBinding,
    VolumeZone,
    PodTopologySpread,
    InterPodAffinity,
}

impl Plugin {
    pub const ALL: [Plugin; 12] = [
        Plugin::NodeUnschedulable,
        Plugin::NodeName,
        Plugin::TaintToleration,
        Plugin::NodeAffinity,
        Plugin::NodePorts,
        Plugin::NodeResourcesFit,
        Plugin::VolumeRestrictions,
        Plugin::NodeVolumeLimits,
        Plugin::VolumeBinding,
        Plugin::VolumeZone,
        Plugin::PodTopologySpread,
        Plugin::InterPodAffinity,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Plugin::NodeUnschedulable => "NodeUnschedulable",
            Plugin::NodeName => "NodeName",
            Plugin::TaintToleration => "TaintToleration",
            Plugin::NodeAffinity => "NodeAffinity",
            Plugin::NodePorts => "NodePorts",
            Plugin::NodeResourcesFit => "NodeResourcesFit",
            Plugin::VolumeRestrictions => "VolumeRestrictions",
            Plugin::NodeVolumeLimits => "NodeVolumeLimits",
            Plugin::VolumeBinding => "VolumeBinding",
            Plugin::VolumeZone => "VolumeZone",
            Plugin::PodTopologySpread => "PodTopologySpread",
            Plugin::InterPodAffinity => "InterPodAffinity",
        }
    }

    fn run(self, st: &State<'_>, pod: &Incoming<'_, '_>, ni: usize) -> Option<Failure> {
        let node = &st.nodes[ni];
        match self {
            Plugin::NodeUnschedulable => plugins::node::unschedulable(pod, node),
            Plugin::NodeName => plugins::node::node_name(pod, node),
            Plugin::TaintToleration => plugins::node::taints(pod, node),
            Plugin::NodeAffinity => plugins::node::affinity(pod, node),
            Plugin::NodePorts => plugins::ports::filter(st, pod, ni),
            Plugin::NodeResourcesFit => plugins::fit::filter(st, pod, ni),
            Plugin::VolumeRestrictions => plugins::volumes::restrictions(pod),
            Plugin::NodeVolumeLimits => plugins::volumes::limits(pod, node),
            Plugin::VolumeBinding => plugins::volumes::binding(pod, node),
            Plugin::VolumeZone => plugins::volumes::zone(pod, node),
            Plugin::PodTopologySpread => plugins::spread::filter(pod, node),
            Plugin::InterPodAffinity => plugins::interpod::filter(pod, node),
        }
    }
}

/// One plugin's rejection of one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub plugin: Plugin,
    /// Upstream reason strings, exactly as the FailedScheduling event prints them.
    pub reasons: SmallVec<[Cow<'static, str>; 1]>,
    /// The numbers behind the reasons, for people (`requests 4 cpu, 1500m of 8 free`);
    /// empty when only verdicts were asked for.
    pub detail: Cow<'static, str>,
    /// `UnschedulableAndUnresolvable`: preemption on this node cannot help.
    pub unresolvable: bool,
}

impl Failure {
    pub fn new(
        plugin: Plugin,
        reason: impl Into<Cow<'static, str>>,
        detail: impl Into<Cow<'static, str>>,
    ) -> Failure {
        Failure {
            plugin,
            reasons: smallvec![reason.into()],
            detail: detail.into(),
            unresolvable: false,
        }
    }

    pub fn unresolvable(mut self) -> Failure {
        self.unresolvable = true;
        self
    }
}

/// Every plugin's verdict on one node (the scheduler stops at the first
/// failure; the explanation keeps them all).
pub fn run_all(st: &State<'_>, pod: &Incoming<'_, '_>, ni: usize) -> SmallVec<[Failure; 1]> {
    Plugin::ALL
        .iter()
        .filter_map(|p| p.run(st, pod, ni))
        .collect()
}
