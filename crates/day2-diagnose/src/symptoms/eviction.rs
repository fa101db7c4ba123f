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
    d.events = events;
    d.detail = Detail::Message(message);
    Some(d)
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
