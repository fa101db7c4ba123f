//! A claim that asks by name (`spec.volumeName`) for a PersistentVolume
//! whose `claimRef` holds another claim: one bound elsewhere, or the same
//! claim's earlier incarnation (its uid kept after the claim was created
//! again), which the volume controller will never bind.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::Detected;
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;

pub(super) fn held_for_another(
    a: &Analysis<'_>,
    pvc: &Res<PersistentVolumeClaim>,
    d: &Detected<'_>,
) -> Option<Hypothesis> {
    let ns = pvc.ns_or_default();
    let wanted = pvc.spec.as_ref()?.volume_name.as_deref()?;
    let pv = a.cluster.pv(wanted)?;
    let spec = pv.spec.as_ref()?;
    let claim = spec.claim_ref.as_ref()?;
    let same_name =
        claim.namespace.as_deref() == Some(ns) && claim.name.as_deref() == Some(pvc.name());
    let same_uid = claim.uid.is_none() || claim.uid.as_deref() == pvc.metadata.uid.as_deref();
    if same_name && same_uid {
        return None;
    }
    let phase = pv
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("?");
    let link = d
        .events_with("FailedBinding")
        .last()
        .map(|e| Link::from_event(Loop::Storage, e, "the volume is bound to another claim"));
    let (summary, fix) = if same_name {
        (
            format!(
                "PersistentVolume {wanted} ({phase}) is reserved for an earlier claim {ns}/{}: its claimRef keeps that claim's uid {}, and claim {ns}/{} was created again with uid {}, so the volume controller will not bind them",
                pvc.name(),
                claim.uid.as_deref().unwrap_or("?"),
                pvc.name(),
                pvc.metadata.uid.as_deref().unwrap_or("?")
            ),
            format!(
                "Release the volume to the new claim by removing the old uid from its claimRef: `kubectl patch pv {wanted} --type json -p '[{{\"op\":\"remove\",\"path\":\"/spec/claimRef/uid\"}},{{\"op\":\"remove\",\"path\":\"/spec/claimRef/resourceVersion\"}}]'` (the data stays; with reclaimPolicy Retain it was kept for this)."
            ),
        )
    } else {
        (
            format!(
                "claim {ns}/{} asks for PersistentVolume {wanted} (spec.volumeName), which is bound to claim {}/{}",
                pvc.name(),
                claim.namespace.as_deref().unwrap_or("?"),
                claim.name.as_deref().unwrap_or("?")
            ),
            format!(
                "Point the claim at a free volume, or free {wanted}: delete the claim that holds it if it is no longer used, then clear the volume's claimRef."
            ),
        )
    };
    Some(
        Hypothesis::new(86, Loop::Storage, pv.objref(), summary)
            .fix(fix)
            .links(link),
    )
}
