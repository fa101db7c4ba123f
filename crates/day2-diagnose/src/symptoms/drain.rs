//! `DrainBlocked`: a cordoned node (`spec.unschedulable`) that still runs a
//! pod no eviction may take, because the PodDisruptionBudget selecting it
//! allows no disruption (`status.disruptionsAllowed: 0`). `kubectl drain`,
//! a managed node-group upgrade or the autoscaler's scale-down waits on it
//! (`Cannot evict pod as it would violate the pod's disruption budget.`,
//! `pkg/registry/core/pod/storage/eviction.go`). Judged when the eviction
//! API has refused a pod, when a budget can never allow one (every pod it
//! expects is healthy and it still allows none: `minAvailable` equal to
//! the replicas, `maxUnavailable: 0`), or when the node has stayed cordoned
//! for ten minutes with such a pod: otherwise a node cordoned a moment ago
//! may still be draining while a replica elsewhere becomes ready.

use super::{Detail, Detected, Kind, Subject};
use crate::analysis::Analysis;
use day2_model::selector::label_selector_matches;
use day2_model::{Pod, Res, SourceKind};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Node;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;

/// The eviction API's refusal (`eviction.go`), as kubectl drain prints it.
pub const REFUSED: &str = "Cannot evict pod as it would violate the pod's disruption budget";

/// How long a node may stay cordoned with a blocked pod before it counts.
const CORDONED_FOR: i64 = 600;

/// A pod on the node, and the budget that allows none of its evictions.
pub struct Held<'c> {
    pub pod: &'c Res<Pod>,
    pub pdb: &'c Res<PodDisruptionBudget>,
}

/// Whether the budget covers the pod: same namespace, selector matching
/// its labels.
pub fn selects(pdb: &Res<PodDisruptionBudget>, pod: &Res<Pod>) -> bool {
    pdb.ns_or_default() == pod.ns_or_default()
        && pdb
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .zip(pod.metadata.labels.as_ref())
            .is_some_and(|(sel, labels)| label_selector_matches(sel, labels))
}

/// The pods on `node` whose budget allows no disruption.
pub fn held<'c>(a: &Analysis<'c>, node: &str) -> Vec<Held<'c>> {
    let mut out = Vec::new();
    for p in a.cluster.pods_on_node(node) {
        if crate::model::is_terminal(p) || crate::model::is_deleting(p) {
            continue;
        }
        // DaemonSet pods are left by a drain (--ignore-daemonsets).
        if a.cluster.owner_of(p).is_some_and(|o| o.kind == "DaemonSet") {
            continue;
        }
        let pdb = a.cluster.pdbs.iter().find(|b| {
            b.status
                .as_ref()
                .is_some_and(|s| s.disruptions_allowed == Some(0))
                && selects(b, p)
        });
        if let Some(pdb) = pdb {
            out.push(Held { pod: p, pdb });
        }
    }
    out
}

/// Whether the budget allows no disruption even with every pod it expects
/// healthy: no replica coming up elsewhere will free an eviction.
pub fn never_allows(pdb: &Res<PodDisruptionBudget>) -> bool {
    pdb.status.as_ref().is_some_and(|s| {
        s.disruptions_allowed == Some(0)
            && s.current_healthy
                .zip(s.expected_pods)
                .is_some_and(|(healthy, expected)| expected > 0 && healthy >= expected)
    })
}

/// When the node was cordoned: the taint's `timeAdded`, else the kubelet's
/// `NodeNotSchedulable` event.
fn cordoned_at(a: &Analysis<'_>, node: &Res<Node>) -> Option<Timestamp> {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .and_then(|ts| {
            ts.iter()
                .find(|t| t.key == "node.kubernetes.io/unschedulable")
                .and_then(|t| t.time_added.as_ref())
                .map(|t| t.0)
        })
        .or_else(|| {
            crate::model::node_events(a.cluster, node)
                .into_iter()
                .filter(|e| e.reason == "NodeNotSchedulable")
                .filter_map(|e| e.last.or(e.first))
                .max()
        })
}

pub fn detect<'c>(a: &Analysis<'c>, node: &'c Res<Node>) -> Option<Detected<'c>> {
    if a.cluster.source == SourceKind::Manifests
        || !crate::model::cordoned(node)
        || a.cluster.pdbs.is_empty()
    {
        return None;
    }
    let held = held(a, node.name());
    let first = held.first()?;
    let refusals: Vec<&day2_model::Event> = held
        .iter()
        .flat_map(|h| a.cluster.events_for_obj(h.pod))
        .filter(|e| e.message_text().contains(REFUSED))
        .collect();
    let since = cordoned_at(a, node);
    let long = match (since, a.observed_at()) {
        (Some(s), Some(now)) => now.as_second() - s.as_second() >= CORDONED_FOR,
        _ => false,
    };
    let permanent = held.iter().any(|h| never_allows(h.pdb));
    if refusals.is_empty() && !long && !permanent {
        return None;
    }
    let mut d = Detected::new(Kind::DrainBlocked, node.objref(), Subject::Node(node));
    d.since = since.or_else(|| refusals.iter().filter_map(|e| e.first).min());
    for h in held.iter().take(3) {
        d.evidence.push(format!(
            "pod {}/{} is still on the cordoned node, and PodDisruptionBudget {} allows 0 disruptions",
            h.pod.ns_or_default(),
            h.pod.name(),
            h.pdb.name()
        ));
    }
    d.evidence.extend(super::evidence_of(&refusals, 2));
    d.events = crate::model::node_events(a.cluster, node);
    d.detail = Detail::Message(format!(
        "{}/{}",
        first.pod.ns_or_default(),
        first.pod.name()
    ));
    Some(d)
}
