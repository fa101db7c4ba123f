//! `PvcPending`: a claim that is not bound.
//!
//! Events of the PV controller (kubernetes/kubernetes
//! `pkg/controller/volume/persistentvolume/pv_controller.go`): `WaitForFirstConsumer`
//! `waiting for first consumer to be created before binding`, `WaitForPodScheduled`
//! `waiting for pod %s to be scheduled`, `ExternalProvisioning` `waiting for a volume to
//! be created, either by external provisioner %q or manually created by system
//! administrator` (1.28+: `Waiting for a volume to be created either by the external provisioner '%s' or
//! manually by the system administrator. …`), `FailedBinding` `no persistent volumes available for this claim and no
//! storage class is set`, `ProvisioningFailed` (`Failed to provision volume with
//! StorageClass %q: %v` in-tree, `failed to provision volume with StorageClass %q: %v`
//! from the CSI external-provisioner).

use super::{Detail, Detected, Kind, Subject, evidence_of};
use crate::analysis::Analysis;
use crate::evidence::events_absent;
use crate::model;
use day2_model::Res;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;

pub fn detect<'c>(a: &Analysis<'c>, pvc: &'c Res<PersistentVolumeClaim>) -> Option<Detected<'c>> {
    let phase = pvc.status.as_ref().and_then(|s| s.phase.as_deref())?;
    if phase != "Pending" || pvc.metadata.deletion_timestamp.is_some() {
        return None;
    }
    let events = a.cluster.events_for_obj(pvc);
    // A claim the PV controller could not bind (`FailedBinding`, a Warning:
    // `no persistent volumes available for this claim and no storage class
    // is set`) is not waiting for its consumer, whatever class it resolves
    // to now.
    let failed = events
        .iter()
        .any(|e| e.reason == "ProvisioningFailed" || e.reason == "FailedBinding");
    let wffc = a
        .cluster
        .class_of_claim(pvc)
        .and_then(|sc| sc.volume_binding_mode.as_deref())
        == Some("WaitForFirstConsumer")
        || events
            .iter()
            .any(|e| matches!(&*e.reason, "WaitForFirstConsumer" | "WaitForPodScheduled"));
    // Once the scheduler picked a node for the consumer it writes
    // `volume.kubernetes.io/selected-node` on the claim
    // (`pkg/scheduler/framework/plugins/volumebinding`): from then on the
    // provisioner, not the consumer, is awaited.
    let selected = pvc
        .annotation("volume.kubernetes.io/selected-node")
        .is_some();
    if wffc && !failed && !selected {
        // Waiting for a consumer is normal; a consumer that cannot be scheduled
        // is the pod's symptom.
        return None;
    }
    let mut d = Detected::new(Kind::PvcPending, pvc.objref(), Subject::Pvc(pvc));
    d.since = events
        .first()
        .and_then(|e| e.first)
        .or_else(|| model::creation(&pvc.metadata));
    let shown: Vec<_> = events
        .iter()
        .copied()
        .filter(|e| {
            matches!(
                &*e.reason,
                "ProvisioningFailed" | "FailedBinding" | "ExternalProvisioning" | "Provisioning"
            )
        })
        .collect();
    d.evidence = evidence_of(&shown, 3);
    if events.is_empty() {
        d.missing
            .push(events_absent("PV controller or provisioner"));
    }
    d.events = events;
    d.detail = Detail::None;
    Some(d)
}
