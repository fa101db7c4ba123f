//! `NodeNotReady`: a node whose `Ready` condition is not `True`.
//!
//! The kubelet sets `Ready=False` with `reason: KubeletNotReady` and a message
//! such as `container runtime network not ready: NetworkReady=false
//! reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not
//! initialized`; the node lifecycle controller sets `Ready=Unknown`, `reason:
//! NodeStatusUnknown`, `Kubelet stopped posting node status.`
//! (kubernetes/kubernetes `pkg/controller/nodelifecycle/node_lifecycle_controller.go`).

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::model;
use day2_model::Res;
use k8s_openapi::api::core::v1::Node;

pub fn detect<'c>(a: &Analysis<'c>, node: &'c Res<Node>) -> Option<Detected<'c>> {
    let ready = model::node_condition(node, "Ready")?;
    if ready.status == "True" {
        return None;
    }
    let mut d = Detected::new(Kind::NodeNotReady, node.objref(), Subject::Node(node));
    d.since = ready
        .last_transition_time
        .as_ref()
        .or(ready.last_heartbeat_time.as_ref())
        .map(|t| t.0);
    d.evidence.push(format!(
        "Ready={} ({}): {}",
        ready.status,
        ready.reason.as_deref().unwrap_or(""),
        ready.message.as_deref().unwrap_or("")
    ));
    for c in node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .filter(|c| c.type_ != "Ready" && c.status == "True")
    {
        d.evidence.push(model::condition_evidence(c));
    }
    let events = model::node_events(a.cluster, node);
    let shown: Vec<_> = events
        .iter()
        .copied()
        .filter(|e| e.is_warning() || e.reason.starts_with("NodeNotReady"))
        .collect();
    d.evidence.extend(evidence_of(&shown, 3));
    d.events = events;
    d.detail = Detail::None;
    Some(d)
}
