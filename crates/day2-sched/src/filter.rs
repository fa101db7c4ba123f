//! The filter plugins of kube-scheduler's default profile, in its order,
//! with its reason strings.

use serde::Serialize;
use smallvec::{SmallVec, smallvec};
use std::borrow::Cow;
use std::fmt;

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
}

/// Why a filter plugin rejects a node: one of upstream's reasons, each printed
/// ([`Rejection::text`], `Display`, serialised) exactly as the
/// FailedScheduling event words it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rejection {
    /// `node(s) were unschedulable` (cordoned).
    Unschedulable,
    /// `node(s) didn't match the requested node name`.
    NodeName,
    /// `node(s) had untolerated taint(s)`.
    UntoleratedTaint,
    /// `node(s) didn't match Pod's node affinity/selector`.
    NodeAffinity,
    /// `node(s) didn't have free ports for the requested pod ports`.
    HostPorts,
    /// `Too many pods`: the node's pod slots are used up.
    TooManyPods,
    /// `Insufficient <resource>`, with the resource's name.
    Insufficient(Cow<'static, str>),
    /// A ReadWriteOncePod claim already in use by another pod.
    ReadWriteOncePodInUse,
    /// `node(s) exceed max volume count`.
    MaxVolumeCount,
    /// `node(s) didn't find available persistent volumes to bind`.
    NoVolumeToBind,
    /// `node(s) didn't match PersistentVolume's node affinity`.
    VolumeNodeAffinity,
    /// A claim bound to a PersistentVolume that does not exist.
    MissingVolume,
    /// `node(s) had no available volume zone`.
    VolumeZone,
    /// `node(s) didn't match pod topology spread constraints`.
    TopologySpread,
    /// The same, for a node without the constraint's topology label.
    TopologySpreadMissingLabel,
    /// `node(s) didn't satisfy existing pods anti-affinity rules`.
    ExistingAntiAffinity,
    /// `node(s) didn't match pod affinity rules`.
    PodAffinity,
    /// `node(s) didn't match pod anti-affinity rules`.
    PodAntiAffinity,
    /// Any other wording (a PreFilter rejection, or a reason read from
    /// elsewhere that none of the above words).
    Other(Cow<'static, str>),
}

impl Rejection {
    /// The reasons without details, with their upstream wording.
    const FIXED: [(Rejection, &'static str); 17] = [
        (Rejection::Unschedulable, "node(s) were unschedulable"),
        (
            Rejection::NodeName,
            "node(s) didn't match the requested node name",
        ),
        (
            Rejection::UntoleratedTaint,
            "node(s) had untolerated taint(s)",
        ),
        (
            Rejection::NodeAffinity,
            "node(s) didn't match Pod's node affinity/selector",
        ),
        (
            Rejection::HostPorts,
            "node(s) didn't have free ports for the requested pod ports",
        ),
        (Rejection::TooManyPods, "Too many pods"),
        (
            Rejection::ReadWriteOncePodInUse,
            "node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod",
        ),
        (Rejection::MaxVolumeCount, "node(s) exceed max volume count"),
        (
            Rejection::NoVolumeToBind,
            "node(s) didn't find available persistent volumes to bind",
        ),
        (
            Rejection::VolumeNodeAffinity,
            "node(s) didn't match PersistentVolume's node affinity",
        ),
        (
            Rejection::MissingVolume,
            "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)",
        ),
        (
            Rejection::VolumeZone,
            "node(s) had no available volume zone",
        ),
        (
            Rejection::TopologySpread,
            "node(s) didn't match pod topology spread constraints",
        ),
        (
            Rejection::TopologySpreadMissingLabel,
            "node(s) didn't match pod topology spread constraints (missing required label)",
        ),
        (
            Rejection::ExistingAntiAffinity,
            "node(s) didn't satisfy existing pods anti-affinity rules",
        ),
        (
            Rejection::PodAffinity,
            "node(s) didn't match pod affinity rules",
        ),
        (
            Rejection::PodAntiAffinity,
            "node(s) didn't match pod anti-affinity rules",
        ),
    ];

    /// Upstream's wording, exactly as the FailedScheduling event prints it;
    /// allocates only for a resource other than cpu, memory and
    /// ephemeral-storage.
    pub fn text(&self) -> Cow<'static, str> {
        match self {
            Rejection::Insufficient(res) => match res.as_ref() {
                "cpu" => Cow::Borrowed("Insufficient cpu"),
                "memory" => Cow::Borrowed("Insufficient memory"),
                "ephemeral-storage" => Cow::Borrowed("Insufficient ephemeral-storage"),
                _ => Cow::Owned(format!("Insufficient {res}")),
            },
            Rejection::Other(text) => text.clone(),
            fixed => Cow::Borrowed(
                Self::FIXED
                    .iter()
                    .find(|(r, _)| r == fixed)
                    .map_or("", |(_, t)| t),
            ),
        }
    }

    /// The rejection upstream's wording names: the inverse of
    /// [`Rejection::text`], for placement read from elsewhere than the
    /// simulator.
    pub fn parse(text: &str) -> Rejection {
        if let Some((r, _)) = Self::FIXED.iter().find(|(_, t)| *t == text) {
            return r.clone();
        }
        match text.strip_prefix("Insufficient ") {
            Some(res) => Rejection::Insufficient(Cow::Owned(res.to_owned())),
            None => Rejection::Other(Cow::Owned(text.to_owned())),
        }
    }

    /// The node lacks resources (cpu, memory, pod slots, …).
    pub fn is_resources(&self) -> bool {
        matches!(self, Rejection::Insufficient(_) | Rejection::TooManyPods)
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl From<&'static str> for Rejection {
    fn from(text: &'static str) -> Rejection {
        Rejection::parse(text)
    }
}

impl PartialEq<str> for Rejection {
    fn eq(&self, other: &str) -> bool {
        self.text() == other
    }
}

impl PartialEq<&str> for Rejection {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

impl Serialize for Rejection {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

/// One plugin's rejection of one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub plugin: Plugin,
    /// Upstream's reasons; each prints exactly as the FailedScheduling event words it.
    pub reasons: SmallVec<[Rejection; 1]>,
    /// The numbers behind the reasons, for people (`requests 4 cpu, 1500m of 8 free`);
    /// empty when only verdicts were asked for.
    pub detail: Cow<'static, str>,
    /// `UnschedulableAndUnresolvable`: preemption on this node cannot help.
    pub unresolvable: bool,
}

impl Failure {
    pub fn new(plugin: Plugin, reason: Rejection, detail: impl Into<Cow<'static, str>>) -> Failure {
        Failure {
            plugin,
            reasons: smallvec![reason],
            detail: detail.into(),
            unresolvable: false,
        }
    }

    /// The reasons in upstream's words, comma-separated.
    pub fn reason_text(&self) -> String {
        self.reasons
            .iter()
            .map(Rejection::text)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn unresolvable(mut self) -> Failure {
        self.unresolvable = true;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rejection_prints_upstream_wording_and_reads_back() {
        let mut all: Vec<Rejection> = Rejection::FIXED.iter().map(|(r, _)| r.clone()).collect();
        all.push(Rejection::Insufficient(Cow::Borrowed("cpu")));
        all.push(Rejection::Insufficient(Cow::Borrowed("nvidia.com/gpu")));
        all.push(Rejection::Other(Cow::Borrowed(
            "pod has unbound immediate PersistentVolumeClaims",
        )));
        for r in all {
            assert_eq!(Rejection::parse(&r.text()), r, "{r}");
        }
        assert_eq!(
            Rejection::Insufficient(Cow::Borrowed("cpu")).text(),
            "Insufficient cpu"
        );
        assert_eq!(
            Rejection::Unschedulable.text(),
            "node(s) were unschedulable"
        );
        assert_eq!(Rejection::TooManyPods.text(), "Too many pods");
    }
}
