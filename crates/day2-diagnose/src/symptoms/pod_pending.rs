//! `PodPending`: a pod the scheduler cannot place.
//!
//! Read from the `PodScheduled` condition (`status: False`, `reason:
//! Unschedulable`; its message keeps the untruncated scheduler text, set in
//! kubernetes/kubernetes `pkg/scheduler/schedule_one.go`) and the
//! `FailedScheduling` events (truncated to 1024 bytes; they expire).

use super::{Detail, Detected, Kind, PendingDetail, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::evidence::events_absent;
use crate::messages::scheduler::parse_fit_error;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Event, Res};

/// A replica that a one-node cluster cannot place beside its siblings:
/// the scheduler's only reason is pod anti-affinity, the cluster has one
/// node, and a sibling of the same controller runs Ready there. Charts that
/// spread replicas over hosts (cilium-operator's two replicas) run one on a
/// single node by design (cilium/cilium#14089).
fn spread_on_one_node(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    fit: Option<&crate::messages::scheduler::FitError>,
) -> bool {
    use crate::messages::scheduler::Reason;
    let Some(fit) = fit else { return false };
    if a.cluster.nodes.len() != 1 || fit.reasons.is_empty() {
        return false;
    }
    let only_anti = fit.reasons.iter().all(|(_, r)| {
        matches!(
            Reason::classify(r),
            Reason::PodAntiAffinity | Reason::ExistingAntiAffinity
        )
    });
    let owner = pod
        .metadata
        .owner_references
        .as_ref()
        .and_then(|o| o.first());
    only_anti
        && owner.is_some_and(|o| {
            a.cluster
                .pods_in_namespace(pod.ns_or_default())
                .filter(|p| p.name() != pod.name() && model::is_ready(p))
                .any(|p| {
                    p.metadata
                        .owner_references
                        .as_ref()
                        .and_then(|r| r.first())
                        .is_some_and(|r| r.uid == o.uid)
                })
        })
}

pub fn detect<'c>(
    a: &Analysis<'c>,
    pod: &'c Res<Pod>,
    events: &[&'c Event],
) -> Option<Detected<'c>> {
    if model::node_name(pod).is_some() || model::is_terminal(pod) || model::is_deleting(pod) {
        return None;
    }
    let cond = model::condition(pod, "PodScheduled").filter(|c| c.status == "False");
    let failed: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.reason == "FailedScheduling")
        .map(|(i, _)| i)
        .collect();
    let gated = pod
        .spec
        .as_ref()
        .and_then(|s| s.scheduling_gates.as_ref())
        .is_some_and(|g| !g.is_empty());
    if cond.is_none() && failed.is_empty() && !gated {
        return None;
    }
    let mut d = Detected::new(Kind::PodPending, pod.objref(), Subject::Pod(pod));
    let latest = failed.last().map(|i| events[*i]);
    // The condition keeps the full text; the event may be cut at 1024 bytes.
    let cond_msg = cond
        .and_then(|c| c.message.as_deref())
        .filter(|m| !m.is_empty());
    let message = match (cond_msg, latest) {
        (Some(c), Some(e)) if e.message_text().ends_with(" ...") => Some(c.to_owned()),
        (_, Some(e)) => Some(e.message_text().to_owned()),
        (Some(c), None) => Some(c.to_owned()),
        (None, None) => None,
    };
    d.since = failed
        .first()
        .and_then(|i| events[*i].first)
        .or_else(|| cond.and_then(model::condition_since))
        .or_else(|| model::creation(&pod.metadata));
    let fs: Vec<&Event> = failed.iter().map(|i| events[*i]).collect();
    d.evidence = evidence_of(&fs, 3);
    if failed.is_empty() {
        d.missing.push(events_absent("FailedScheduling"));
        if let Some(m) = cond_msg {
            d.evidence.push(format!(
                "PodScheduled=False ({}): {m}",
                cond.and_then(|c| c.reason.as_deref())
                    .unwrap_or("Unschedulable")
            ));
        }
    }
    if message.is_none() && !gated {
        d.missing
            .push("no scheduler message (PodScheduled condition or FailedScheduling event): reasons come from the model only".into());
    }
    // Autoscaler and scheduler events are the pod's own: keep them all.
    d.events = events.to_vec();
    let fit = message.as_deref().and_then(parse_fit_error);
    if spread_on_one_node(a, pod, fit.as_ref()) {
        return None;
    }
    d.detail = Detail::Pending(PendingDetail { message, fit });
    Some(d)
}
