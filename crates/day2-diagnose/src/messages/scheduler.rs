//! kube-scheduler's `FailedScheduling` message (and the `PodScheduled`
//! condition message, which keeps the untruncated text).
//!
//! Sources, kubernetes/kubernetes:
//! - `pkg/scheduler/framework/types.go` `FitError.Error()`:
//!   `0/%v nodes are available: <PreFilterMsg>. <FilterMsg>. <PostFilterMsg>.`,
//!   the filter part a histogram `"%v %v"` sorted as strings, joined by `", "`.
//!   Older: `0/%v nodes are available: %v.`; before 1.10:
//!   `No nodes are available that match all of the following predicates:: Insufficient cpu (4), NoVolumeZoneConflict (2).`
//! - `pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go`:
//!   the PostFilter part `preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`
//!   (1.24–1.26 end with a double period; DRA may add `no new claims to deallocate, `).
//! - `pkg/scheduler/schedule_one.go`: the event text is truncated to 1024 bytes with ` ...`.
//! - per-node reasons from the filter plugins (`noderesources/fit.go`,
//!   `tainttoleration/taint_toleration.go`, `nodeaffinity/node_affinity.go`,
//!   `volumebinding/binder.go`, `volumezone`, `podtopologyspread`,
//!   `interpodaffinity/filtering.go`, `nodeunschedulable`, `nodeports`,
//!   `nodename`, `nodevolumelimits`, `volumerestrictions`).

use super::{split_counted, strip_combined};

/// What a per-node reason means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// `Insufficient cpu`, `Insufficient memory`, `Insufficient nvidia.com/gpu`…
    Insufficient(String),
    TooManyPods,
    /// An untolerated taint; the key when the wording names it.
    Taint(Option<String>),
    NodeAffinity,
    /// The PV's node affinity (zone) excludes the node.
    VolumeNodeAffinity,
    /// Legacy VolumeZone plugin.
    VolumeZone,
    /// No PV available to bind (static/local volumes, WaitForFirstConsumer).
    VolumeBind,
    StorageCapacity,
    /// A claim is bound to a PV that does not exist.
    MissingVolume,
    Unschedulable,
    NotReady,
    HostPorts,
    NodeName,
    VolumeLimits,
    DiskConflict,
    TopologySpread,
    PodAffinity,
    PodAntiAffinity,
    ExistingAntiAffinity,
    PreemptionNotHelpful,
    NoPreemptionVictims,
    /// The ServiceAffinity policy (removed in 1.25): a Service's pods stay
    /// on nodes whose configured labels match its first pod's node.
    ServiceAffinity,
    Other,
}

/// The predicate names schedulers before 1.10 printed in place of a
/// sentence (`pkg/scheduler/algorithm/predicates/error.go`), with what
/// each says.
fn predicate(name: &str) -> Option<Reason> {
    Some(match name {
        "CheckServiceAffinity" => Reason::ServiceAffinity,
        "MatchInterPodAffinity" | "PodAffinityRulesNotMatch" => Reason::PodAffinity,
        "PodAntiAffinityRulesNotMatch" => Reason::PodAntiAffinity,
        "ExistingPodsAntiAffinityRulesNotMatch" => Reason::ExistingAntiAffinity,
        "MatchNodeSelector" => Reason::NodeAffinity,
        "PodToleratesNodeTaints" => Reason::Taint(None),
        "PodFitsHostPorts" => Reason::HostPorts,
        "HostName" => Reason::NodeName,
        "NoVolumeZoneConflict" => Reason::VolumeZone,
        "NoDiskConflict" => Reason::DiskConflict,
        "MaxVolumeCount" => Reason::VolumeLimits,
        "NodeNotReady" => Reason::NotReady,
        "NodeUnschedulable" => Reason::Unschedulable,
        "VolumeNodeAffinityConflict" => Reason::VolumeNodeAffinity,
        "VolumeBindingNoMatch" => Reason::VolumeBind,
        _ => return None,
    })
}

impl Reason {
    pub fn classify(text: &str) -> Reason {
        let t = text.trim();
        if let Some(r) = predicate(t.trim_end_matches('.')) {
            return r;
        }
        let l = t.to_ascii_lowercase();
        if l.contains("match service affinity") {
            return Reason::ServiceAffinity;
        }
        if let Some(res) = t.strip_prefix("Insufficient ") {
            return Reason::Insufficient(res.trim().to_owned());
        }
        if l.starts_with("too many pods") {
            return Reason::TooManyPods;
        }
        if l.contains("taint") {
            return Reason::Taint(taint_key(t));
        }
        if l.contains("volume node affinity conflict")
            || l.contains("persistentvolume's node affinity")
        {
            return Reason::VolumeNodeAffinity;
        }
        if l.contains("no available volume zone") {
            return Reason::VolumeZone;
        }
        if l.contains("available persistent volumes to bind") {
            return Reason::VolumeBind;
        }
        if l.contains("enough free storage") {
            return Reason::StorageCapacity;
        }
        if l.contains("non-existent pv") {
            return Reason::MissingVolume;
        }
        if l.contains("node affinity/selector")
            || l.contains("node selector")
            || l.contains("node affinity")
        {
            return Reason::NodeAffinity;
        }
        if l.contains("were unschedulable") {
            return Reason::Unschedulable;
        }
        if l.contains("not ready") || l.contains("were not ready") {
            return Reason::NotReady;
        }
        if l.contains("free ports") {
            return Reason::HostPorts;
        }
        if l.contains("requested node name") || l.contains("requested hostname") {
            return Reason::NodeName;
        }
        if l.contains("max volume count") {
            return Reason::VolumeLimits;
        }
        if l.contains("no available disk") {
            return Reason::DiskConflict;
        }
        if l.contains("topology spread") {
            return Reason::TopologySpread;
        }
        if l.contains("existing pods anti-affinity") {
            return Reason::ExistingAntiAffinity;
        }
        if l.contains("anti-affinity") {
            return Reason::PodAntiAffinity;
        }
        if l.contains("pod affinity") {
            return Reason::PodAffinity;
        }
        if l.contains("preemption is not helpful") {
            return Reason::PreemptionNotHelpful;
        }
        if l.contains("no preemption victims") {
            return Reason::NoPreemptionVictims;
        }
        Reason::Other
    }
}

/// `node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }` → the key.
fn taint_key(t: &str) -> Option<String> {
    let open = t.find('{')?;
    let close = t[open..].find('}')? + open;
    let inner = &t[open + 1..close];
    let key = inner.split(':').next()?.trim();
    (!key.is_empty()).then(|| key.to_owned())
}

/// A parsed scheduler failure.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FitError {
    /// N of `0/N nodes are available` (absent in the pre-1.10 wording).
    pub total: Option<u32>,
    /// A PreFilter rejection (no per-node counts), e.g. `pod has unbound immediate PersistentVolumeClaims`.
    pub prefilter: Option<String>,
    /// The per-node histogram.
    pub reasons: Vec<(u32, String)>,
    /// The preemption histogram, when the message carries one.
    pub preemption: Vec<(u32, String)>,
    /// The event text was cut at 1024 bytes (` ...`).
    pub truncated: bool,
}

impl FitError {
    /// Nodes rejected for reasons of this kind.
    pub fn count(&self, f: impl Fn(&Reason) -> bool) -> u32 {
        // Saturating: the counts come from event text, which can say anything.
        self.reasons
            .iter()
            .filter(|(_, r)| f(&Reason::classify(r)))
            .fold(0u32, |sum, (n, _)| sum.saturating_add(*n))
    }

    pub fn has(&self, f: impl Fn(&Reason) -> bool) -> bool {
        self.count(f) > 0
    }

    pub fn prefilter_is(&self, needle: &str) -> bool {
        self.prefilter
            .as_deref()
            .is_some_and(|p| p.to_ascii_lowercase().contains(needle))
    }

    /// The histogram as the scheduler prints it (`1 Insufficient memory, 2 node(s) …`).
    pub fn histogram(&self) -> String {
        if let Some(p) = &self.prefilter
            && self.reasons.is_empty()
        {
            return p.clone();
        }
        self.reasons
            .iter()
            .map(|(n, r)| format!("{n} {r}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Parse a `FailedScheduling` message or a `PodScheduled` condition message.
/// `None` when the text is not a scheduler fit error (for example a
/// `SchedulerError` such as `running PreBind plugin …`).
pub fn parse_fit_error(msg: &str) -> Option<FitError> {
    let msg = strip_combined(msg);
    let truncated = msg.ends_with(" ...");
    let msg = msg.strip_suffix(" ...").unwrap_or(msg);
    // 1.8 and 1.9 wrote `… of the following predicates::`, 1.6 and 1.7
    // `… of the predicates:`.
    for head in [
        "No nodes are available that match all of the following predicates::",
        "No nodes are available that match all of the predicates:",
    ] {
        if let Some(i) = msg.find(head) {
            return Some(parse_predicates(&msg[i + head.len()..], truncated));
        }
    }
    let start = msg.find("0/")?;
    let after = &msg[start + 2..];
    // The count, or a placeholder where a paste anonymised it (`0/x nodes`).
    let (count, rest) = after.split_once(' ')?;
    let total: Option<u32> = count.parse().ok();
    if total.is_none() && (count.len() > 3 || count.contains(['.', ':'])) {
        return None;
    }
    let rest = rest.strip_prefix("nodes are available")?;
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let (main, preemption) = match find_preemption(rest) {
        Some(i) => (&rest[..i], Some(&rest[i + "preemption: ".len()..])),
        None => (rest, None),
    };
    let main = clean_tail(main);
    let (head, reasons) = split_counted(main);
    let preemption = preemption
        .and_then(parse_fit_error)
        .map(|p| p.reasons)
        .unwrap_or_default();
    Some(FitError {
        total,
        prefilter: head.filter(|h| !h.is_empty()),
        reasons,
        preemption,
        truncated,
    })
}

fn find_preemption(s: &str) -> Option<usize> {
    let mut from = 0;
    // Pasted messages also spell it with a capital (`. Preemption: 0/2 …`).
    let next = |t: &str| match (t.find("preemption: "), t.find("Preemption: ")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    while let Some(i) = next(&s[from..]) {
        let at = from + i;
        // `preemption:` starts a sentence (". preemption:") or follows the DRA clause (", preemption:").
        if at == 0 || s[..at].ends_with(". ") || s[..at].ends_with(", ") || s[..at].ends_with(' ') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Strip trailing periods (one, or two in 1.24–1.26) and the DRA clause.
fn clean_tail(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let before = s;
        s = s.trim_end_matches('.').trim_end();
        s = s.trim_end_matches(',').trim_end();
        if let Some(x) = s.strip_suffix("no new claims to deallocate") {
            s = x.trim_end();
        }
        if s == before {
            return s;
        }
    }
}

/// The pre-1.10 wording: `Insufficient cpu (4), NoVolumeZoneConflict (2)`.
fn parse_predicates(rest: &str, truncated: bool) -> FitError {
    let mut reasons = Vec::new();
    for item in clean_tail(rest).split(", ") {
        let item = item.trim();
        let (name, count) = match item.rsplit_once(" (") {
            Some((n, c)) => (n, c.trim_end_matches(')').parse().unwrap_or(1)),
            None => (item, 1),
        };
        let text = match name {
            "NoVolumeZoneConflict" => "node(s) had no available volume zone",
            "NoVolumeNodeConflict" | "CheckVolumeBinding" => {
                "node(s) had volume node affinity conflict"
            }
            "MatchNodeSelector" => "node(s) didn't match node selector",
            "PodToleratesNodeTaints" => "node(s) had taints that the pod didn't tolerate",
            "NodeUnschedulable" | "CheckNodeUnschedulable" => "node(s) were unschedulable",
            "CheckNodeCondition" | "NodeNotReady" => "node(s) were not ready",
            "PodFitsHostPorts" => "node(s) didn't have free ports for the requested pod ports",
            "HostName" | "PodFitsHost" => "node(s) didn't match the requested hostname",
            "MatchInterPodAffinity" => "node(s) didn't match pod affinity/anti-affinity",
            "NoDiskConflict" => "node(s) had no available disk",
            "MaxEBSVolumeCount"
            | "MaxGCEPDVolumeCount"
            | "MaxAzureDiskVolumeCount"
            | "MaxCSIVolumeCountPred" => "node(s) exceed max volume count",
            other => other,
        };
        reasons.push((count, text.to_owned()));
    }
    FitError {
        total: None,
        prefilter: None,
        reasons,
        preemption: Vec::new(),
        truncated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicate_names_of_old_schedulers() {
        // openshift/origin#19506 (OpenShift 3.9): predicates printed by name.
        let f = parse_fit_error("0/3 nodes are available: 1 ExistingPodsAntiAffinityRulesNotMatch, 1 MatchInterPodAffinity, 2 CheckServiceAffinity.").unwrap();
        assert_eq!(f.count(|r| *r == Reason::ServiceAffinity), 2);
        assert_eq!(f.count(|r| *r == Reason::ExistingAntiAffinity), 1);
        assert_eq!(f.count(|r| *r == Reason::PodAffinity), 1);
        // A paste that hid the node count still says why.
        let f = parse_fit_error("0/x nodes are available: 1 Insufficient cpu.").unwrap();
        assert_eq!((f.total, f.reasons.len()), (None, 1));
        let f = parse_fit_error("0/2 nodes are available: 2 MatchNodeSelector.").unwrap();
        assert_eq!(f.count(|r| *r == Reason::NodeAffinity), 2);
        // The sentence of 1.20-1.24.
        assert_eq!(
            Reason::classify("node(s) didn't match service affinity"),
            Reason::ServiceAffinity
        );
    }

    #[test]
    fn new_wording_with_preemption() {
        // kubernetes/kubernetes PR #129887 (before and after the wording change).
        for msg in [
            "0/1 nodes are available: 1 node(s) had volume node affinity conflict. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
            "0/1 nodes are available: 1 node(s) didn't match PersistentVolume's node affinity. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
        ] {
            let f = parse_fit_error(msg).unwrap();
            assert_eq!(f.total, Some(1));
            assert_eq!(f.count(|r| *r == Reason::VolumeNodeAffinity), 1, "{msg}");
            assert_eq!(
                f.preemption,
                vec![(1, "Preemption is not helpful for scheduling".to_owned())]
            );
        }
    }

    #[test]
    fn mixed_histogram_without_preemption() {
        // aerospike/aerospike-kubernetes-operator#80
        let f = parse_fit_error("0/12 nodes are available: 1 node(s) had volume node affinity conflict, 2 Insufficient memory, 2 node(s) didn't match node selector, 9 Insufficient cpu.").unwrap();
        assert_eq!(f.total, Some(12));
        assert_eq!(f.count(|r| matches!(r, Reason::Insufficient(_))), 11);
        assert_eq!(f.count(|r| *r == Reason::NodeAffinity), 2);
        assert_eq!(f.count(|r| *r == Reason::VolumeNodeAffinity), 1);
    }

    #[test]
    fn preemption_with_a_capital_is_not_a_reason() {
        let f = parse_fit_error("0/2 nodes are available: 1 Insufficient memory, 2 Insufficient devices.kubevirt.io/kvm. Preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.").unwrap();
        assert!(
            f.has(|r| matches!(r, Reason::Insufficient(x) if x == "devices.kubevirt.io/kvm")),
            "{:?}",
            f.reasons
        );
        assert_eq!(f.preemption.len(), 1);
    }

    #[test]
    fn double_period_and_taint_key() {
        // kubernetes/kubernetes#116133 (v1.26.1)
        let f = parse_fit_error("0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..").unwrap();
        assert_eq!(
            Reason::classify(&f.reasons[0].1),
            Reason::Taint(Some("node-role.kubernetes.io/control-plane".into()))
        );
        assert_eq!(f.preemption.len(), 1);
        // Newest wording names no taint.
        let f = parse_fit_error("0/3 nodes are available: 3 node(s) had untolerated taint(s). preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.").unwrap();
        assert_eq!(Reason::classify(&f.reasons[0].1), Reason::Taint(None));
        // Oldest wording has a comma inside the reason.
        let f = parse_fit_error("0/3 nodes are available: 1 node(s) had no available volume zone, 1 node(s) had taints that the pod didn't tolerate, 1 node(s) were not ready.").unwrap();
        assert_eq!(f.reasons.len(), 3);
        assert_eq!(Reason::classify(&f.reasons[2].1), Reason::NotReady);
    }

    #[test]
    fn prefilter_and_dra_clause() {
        let f = parse_fit_error("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.").unwrap();
        assert!(f.prefilter_is("unbound immediate persistentvolumeclaims"));
        assert!(f.reasons.is_empty());
        let f = parse_fit_error("0/2 nodes are available: 1 Insufficient cpu, 1 Too many pods. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.").unwrap();
        assert_eq!(f.reasons.len(), 2);
        assert_eq!(
            Reason::classify(&f.preemption[0].1),
            Reason::NoPreemptionVictims
        );
    }

    #[test]
    fn counts_past_u32_saturate_instead_of_overflowing() {
        // Found by the scheduler_messages fuzz target: counts that add up past
        // u32::MAX panicked (debug) or wrapped (release).
        let f = parse_fit_error("0/12 nodes are available: 4294967295 Insufficient cpu, 2444444444 Insufficient memory, 1 node(s) were unschedulable.").unwrap();
        assert_eq!(f.count(|r| matches!(r, Reason::Insufficient(_))), u32::MAX);
        assert!(f.has(|r| *r == Reason::Unschedulable));
    }

    #[test]
    fn the_1_6_wording_names_its_predicates() {
        let f = parse_fit_error(
            "No nodes are available that match all of the predicates: NoVolumeZoneConflict (1).",
        )
        .unwrap();
        assert_eq!(f.reasons.len(), 1);
    }

    #[test]
    fn pre_1_10_predicates_and_truncation() {
        let f = parse_fit_error("No nodes are available that match all of the following predicates:: Insufficient cpu (4), NoVolumeZoneConflict (2).").unwrap();
        assert_eq!(f.total, None);
        assert_eq!(f.count(|r| *r == Reason::VolumeZone), 2);
        assert_eq!(
            f.count(|r| matches!(r, Reason::Insufficient(c) if c == "cpu")),
            4
        );
        let f = parse_fit_error("0/500 nodes are available: 3 Insufficient cpu, 497 node(s) didn't match Pod's node affinity/selector ...").unwrap();
        assert!(f.truncated);
        assert_eq!(f.count(|r| *r == Reason::NodeAffinity), 497);
        assert!(
            parse_fit_error("running PreBind plugin \"VolumeBinding\": binding volumes: timed out")
                .is_none()
        );
    }
}
