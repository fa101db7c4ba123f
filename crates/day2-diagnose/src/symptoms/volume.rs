//! Volume symptoms of a scheduled pod that cannot start: `MultiAttach`,
//! `FailedAttachVolume` (a disk in another zone than the node among the
//! causes), `FailedMount`, and `VolumeNodeAffinityConflict` when no event
//! says more than the model (a bound disk in another zone than the node).
//!
//! Events: `FailedAttachVolume` from `attachdetach-controller`
//! (`pkg/controller/volume/attachdetach/reconciler/reconciler.go`) and
//! `FailedMount` from the kubelet (`pkg/kubelet/volumemanager/volume_manager.go`);
//! formats in [`crate::messages::volume`].

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::messages::volume::parse_multi_attach;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Event, Res};

/// The pod is scheduled but its containers have not started.
fn starting(pod: &Pod) -> bool {
    model::phase(pod) == "Pending"
        || model::container_statuses(pod).any(|s| {
            s.state
                .as_ref()
                .and_then(|st| st.waiting.as_ref())
                .is_some_and(|w| w.reason.as_deref() == Some("ContainerCreating"))
        })
}

pub fn detect<'c>(
    a: &Analysis<'c>,
    pod: &'c Res<Pod>,
    events: &[&'c Event],
) -> Option<Detected<'c>> {
    let node_name = model::node_name(pod)?;
    if !starting(pod) {
        return None;
    }
    let attach: Vec<&Event> = events
        .iter()
        .copied()
        .filter(|e| e.reason == "FailedAttachVolume")
        .collect();
    let mount: Vec<&Event> = events
        .iter()
        .copied()
        .filter(|e| e.reason == "FailedMount")
        .collect();
    let (kind, shown, message) = if let Some(e) = attach
        .iter()
        .rev()
        .find(|e| parse_multi_attach(e.message_text()).is_some())
    {
        (
            Kind::MultiAttach,
            attach.clone(),
            e.message_text().to_owned(),
        )
    } else if let Some(e) = attach.last() {
        // An attach refused across zones is still the attach that failed
        // (the scheduler's `volume node affinity conflict` is a Pending pod's);
        // the zones are the cause the analysis finds.
        (
            Kind::FailedAttachVolume,
            attach.clone(),
            e.message_text().to_owned(),
        )
    } else if let Some(e) = mount.last() {
        (
            Kind::FailedMount,
            mount.clone(),
            e.message_text().to_owned(),
        )
    } else {
        // No events: a bound disk in another zone than the node still shows in the model.
        let node = a.cluster.node(node_name)?;
        let spec = pod.spec.as_ref()?;
        let ns = pod.ns_or_default();
        let pv = model::claims(spec)
            .filter_map(|c| a.cluster.pvc(ns, c))
            .filter_map(|c| a.cluster.pv_of_claim(c))
            .find(|pv| !model::pv_allows_node(pv, node))?;
        let msg = format!(
            "PersistentVolume {} (zones {}) cannot be used on node {} (zone {})",
            pv.name(),
            model::pv_zones(pv).join(", "),
            node_name,
            model::node_zone(node).unwrap_or("unknown")
        );
        let mut d = Detected::new(
            Kind::VolumeNodeAffinityConflict,
            pod.objref(),
            Subject::Pod(pod),
        );
        d.since = model::creation(&pod.metadata);
        d.evidence.push(msg.clone());
        d.missing.push(crate::evidence::events_absent(
            "FailedAttachVolume/FailedMount",
        ));
        d.detail = Detail::Volume { message: msg };
        return Some(d);
    };
    let mut d = Detected::new(kind, pod.objref(), Subject::Pod(pod));
    d.since = shown.first().and_then(|e| e.first);
    d.evidence = evidence_of(&shown, 3);
    if kind != Kind::FailedMount && !mount.is_empty() {
        d.evidence.extend(evidence_of(&mount, 1));
    }
    d.events = events.to_vec();
    d.detail = Detail::Volume { message };
    Some(d)
}
