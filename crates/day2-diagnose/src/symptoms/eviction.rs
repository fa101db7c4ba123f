//! `Evicted`: pods the kubelet evicted to reclaim a node resource (phase
//! `Failed`, reason `Evicted`, the kubelet's message in `status.message`:
//! `pkg/kubelet/eviction/eviction_manager.go`, formats in
//! [`crate::messages::runtime::parse_eviction`]); `NodePressure`: a node
//! reporting `DiskPressure`, `MemoryPressure` or `PIDPressure`
//! (`pkg/kubelet/nodestatus/setters.go`), tainted
//! `node.kubernetes.io/disk-pressure` etc. by the node lifecycle controller.

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Res, SourceKind};
use k8s_openapi::api::core::v1::Node;

/// The API server's default `--event-ttl`.
const EVENT_TTL_SECS: i64 = 60 * 60;

/// The node conditions that mean resource pressure.
pub const PRESSURE: [&str; 3] = ["DiskPressure", "MemoryPressure", "PIDPressure"];

pub fn detect<'c>(a: &Analysis<'c>, pod: &'c Res<Pod>) -> Option<Detected<'c>> {
    let status = pod.status.as_ref()?;
    if status.phase.as_deref() != Some("Failed") || status.reason.as_deref() != Some("Evicted") {
        return None;
    }
    let message = status.message.as_deref().unwrap_or_default().to_owned();
    let mut d = Detected::new(Kind::Evicted, pod.objref(), Subject::Pod(pod));
    d.evidence.push(format!(
        "Failed/Evicted on node {}: {}",
        model::node_name(pod).unwrap_or("?"),
        message.trim()
    ));
    let events = a.cluster.events_for_obj(pod);
    let evicted: Vec<_> = events
        .iter()
        .copied()
        .filter(|e| e.reason == "Evicted")
        .collect();
    d.evidence.extend(evidence_of(&evicted, 1));
    d.since = evicted.last().and_then(|e| e.first.or(e.last)).or_else(|| {
        model::container_statuses(pod)
            .filter_map(|s| s.state.as_ref()?.terminated.as_ref()?.finished_at.as_ref())
            .map(|t| t.0)
            .max()
    });
    if evicted_and_replaced(a, pod, &message, d.since) || scaled_to_zero(a, pod) {
        return None;
    }
    d.events = events;
    d.detail = Detail::Message(message);
    Some(d)
}

/// The evicted pod's controller has since been scaled to zero replicas: it
/// wants no pod, so nothing is missing. The kubelet leaves the `Failed` pod
/// behind until the pod garbage collector's threshold removes it (a
/// Deployment scaled to 0 keeps it; midbai.com, "evicted pods not deleted").
fn scaled_to_zero(a: &Analysis<'_>, pod: &Res<Pod>) -> bool {
    let Some(owner) = a.cluster.owner_of(pod) else {
        return false;
    };
    a.workloads_in(&owner.namespace)
        .iter()
        .find(|w| w.kind == owner.kind && w.name == owner.name)
        .is_some_and(|w| w.replicas == Some(0))
}

/// An eviction for node pressure that is over: the evicted pod's controller
/// runs a Running, Ready replacement, its node reports no pressure any more,
/// and the node's last pressure change, which came after the eviction, is
/// history. A pod over its own ephemeral-storage limit is evicted
/// whatever the node's state, so that one stays a symptom. The
/// kubelet leaves evicted pods in the API (`Failed`) until the pod garbage
/// collector's `--terminated-pod-gc-threshold` (12,500) removes them, so
/// their presence alone says nothing about now.
fn evicted_and_replaced(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    message: &str,
    evicted_at: Option<jiff::Timestamp>,
) -> bool {
    let why = crate::messages::runtime::parse_eviction(message);
    if why.over_limit || (why.resource.is_none() && why.conditions.is_empty()) {
        return false;
    }
    let Some(owner) = a.cluster.owner_of(pod) else {
        return false;
    };
    let replaced = a
        .cluster
        .pods_of(&owner.kind, &owner.namespace, &owner.name)
        .into_iter()
        .any(|p| model::phase(p) == "Running" && model::is_ready(p));
    let Some(node) = model::node_name(pod).and_then(|n| a.cluster.node(n)) else {
        return false;
    };
    let conditions: Vec<_> = PRESSURE
        .iter()
        .filter_map(|t| model::node_condition(node, t))
        .collect();
    if !replaced || conditions.is_empty() || conditions.iter().any(|c| c.status != "False") {
        return false;
    }
    // Every time must be known: trouble of unknown age is not history.
    let cleared = conditions
        .iter()
        .map(|c| c.last_transition_time.as_ref().map(|t| t.0));
    let mut last = None;
    for t in cleared {
        let Some(t) = t else { return false };
        last = last.max(Some(t));
    }
    // A node whose condition has read False since before the eviction never
    // recorded this pressure (the kubelet evicts at a hard threshold between
    // status updates): then the eviction must be a one-off (a controller
    // whose pods are evicted again and again has a pressure that returns)
    // older than the API server's event TTL (`--event-ttl`, an hour): its
    // `Evicted` event is gone, and the Failed pod is a leftover the pod
    // garbage collector has not reached.
    if let (Some(cleared), Some(evicted)) = (last, evicted_at)
        && evicted > cleared
    {
        let evictions = a
            .cluster
            .pods_of(&owner.kind, &owner.namespace, &owner.name)
            .into_iter()
            .filter(|p| {
                p.status
                    .as_ref()
                    .is_some_and(|s| s.reason.as_deref() == Some("Evicted"))
            })
            .count();
        return evictions == 1
            && a.observed_at()
                .is_some_and(|now| now.as_second() - evicted.as_second() >= EVENT_TTL_SECS);
    }
    last.is_some_and(|t| a.is_history(t))
}

pub fn pressure<'c>(a: &Analysis<'c>, node: &'c Res<Node>) -> Option<Detected<'c>> {
    if a.cluster.source == SourceKind::Manifests {
        return None;
    }
    let under: Vec<_> = PRESSURE
        .iter()
        .filter_map(|t| model::node_condition(node, t))
        .filter(|c| c.status == "True")
        .collect();
    let first = under.first()?;
    let mut d = Detected::new(Kind::NodePressure, node.objref(), Subject::Node(node));
    for c in &under {
        d.evidence.push(model::condition_evidence(c));
    }
    let events = model::node_events(a.cluster, node);
    let shown: Vec<_> = events.iter().copied().filter(|e| e.is_warning()).collect();
    d.evidence.extend(evidence_of(&shown, 3));
    d.since = first.last_transition_time.as_ref().map(|t| t.0);
    d.events = events;
    d.detail = Detail::Message(first.type_.clone());
    Some(d)
}
