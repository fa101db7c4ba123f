//! `Evicted` at the door: a pod the kubelet refused to start because the
//! node lacks what it requests (phase `Failed`, reason `OutOfcpu`,
//! `OutOfmemory`, `OutOfpods`, `OutOf<extended resource>`; message `Node
//! didn't have enough resource: cpu, requested: 480, used: 3601, capacity:
//! 4000`, the kubelet's admission handler, `pkg/kubelet/lifecycle`). The
//! scheduler would not have placed it there, so something bound it
//! directly (`spec.nodeName` set by its controller) or the node's
//! allocatable changed under it (longhorn/longhorn#4467: instance managers
//! placed by their operator).

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::model;
use day2_model::Res;
use day2_model::pod::Pod;

/// The resource a kubelet admission refusal names (`OutOfcpu` → `cpu`).
pub fn refused_resource(pod: &Pod) -> Option<&str> {
    let status = pod.status.as_ref()?;
    if status.phase.as_deref() != Some("Failed") {
        return None;
    }
    status
        .reason
        .as_deref()?
        .strip_prefix("OutOf")
        .filter(|r| !r.is_empty())
}

pub fn detect<'c>(a: &Analysis<'c>, pod: &'c Res<Pod>) -> Option<Detected<'c>> {
    let resource = refused_resource(pod)?;
    // A later pod of the same workload runs Ready: the refusal is history.
    let workload = model::workload_ref(a.cluster, pod);
    let replaced = a
        .cluster
        .pods_in_namespace(pod.ns_or_default())
        .filter(|p| p.name() != pod.name() && model::is_ready(p))
        .any(|p| model::workload_ref(a.cluster, p) == workload && workload.kind != "Pod");
    if replaced {
        return None;
    }
    let message = pod
        .status
        .as_ref()
        .and_then(|s| s.message.as_deref())
        .unwrap_or_default()
        .to_owned();
    let mut d = Detected::new(Kind::Evicted, pod.objref(), Subject::Pod(pod));
    d.evidence.push(format!(
        "Failed/OutOf{resource} on node {}: {}",
        model::node_name(pod).unwrap_or("?"),
        message.trim()
    ));
    let events = a.cluster.events_for_obj(pod);
    let refused: Vec<_> = events
        .iter()
        .copied()
        .filter(|e| e.reason.starts_with("OutOf"))
        .collect();
    d.evidence.extend(evidence_of(&refused, 1));
    d.since = refused
        .last()
        .and_then(|e| e.first.or(e.last))
        .or_else(|| model::creation(&pod.metadata));
    d.events = events;
    d.detail = Detail::Message(message);
    Some(d)
}
