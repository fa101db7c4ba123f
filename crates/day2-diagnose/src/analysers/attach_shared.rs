//! A disk a claim offers `ReadOnlyMany` that the cloud refuses to attach to
//! a second node: GCE's `RESOURCE_IN_USE_BY_ANOTHER_RESOURCE - The disk
//! resource '…' is already being used by '…/instances/<node>'`. A persistent
//! disk attaches to several VMs only when every attachment is read-only, and
//! the attach is read-only only when the pod's volume says `readOnly: true`:
//! the claim's access mode alone does not make it so. The first pod's
//! read-write attachment keeps every other node out
//! (jupyterhub/zero-to-jupyterhub-k8s#1324).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::k8s_openapi::api::core::v1::PersistentVolume;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

/// The cloud's words for a disk held by another machine.
fn held_elsewhere(err: &str) -> bool {
    err.contains("RESOURCE_IN_USE_BY_ANOTHER_RESOURCE")
        || err.contains("resourceInUseByAnotherResource")
        || err.contains("is already being used by")
}

pub fn read_only_many(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    pv: Option<&Res<PersistentVolume>>,
    err: &str,
) -> Option<Hypothesis> {
    if !held_elsewhere(err) {
        return None;
    }
    let pv = pv?;
    let claim = pv.spec.as_ref()?.claim_ref.as_ref()?;
    let (cns, cname) = (claim.namespace.as_deref()?, claim.name.as_deref()?);
    let pvc = a.cluster.pvc(cns, cname)?;
    let modes = pvc.spec.as_ref()?.access_modes.as_ref()?;
    if !modes.iter().any(|m| m == "ReadOnlyMany") {
        return None;
    }
    // Every pod mounting the claim read-write, this one first.
    let writers: Vec<&str> = a
        .cluster
        .pods
        .iter()
        .filter(|p| p.ns_or_default() == cns)
        .filter(|p| {
            p.spec.as_ref().is_some_and(|s| {
                s.volumes.iter().flatten().any(|v| {
                    v.persistent_volume_claim
                        .as_ref()
                        .is_some_and(|c| c.claim_name == cname && c.read_only != Some(true))
                })
            })
        })
        .map(|p| p.name())
        .collect();
    if !writers.contains(&pod.name()) {
        return None;
    }
    let node = err
        .rsplit_once("/instances/")
        .map(|(_, n)| n.trim_end_matches(['\'', '"', '.']))
        .unwrap_or("another node");
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            pvc.objref(),
            format!(
                "claim {cns}/{cname} is ReadOnlyMany, but {} mount it without `readOnly: true`, so the disk is attached read-write to {node} and the cloud refuses it to {}'s node: a disk attaches to several machines only read-only",
                writers.join(", "),
                pod.name()
            ),
        )
        .fix(format!(
            "Set `readOnly: true` on the persistentVolumeClaim volume of claim {cname} in every pod that mounts it (and on the container's volumeMount), so every attachment is read-only; the ReadOnlyMany access mode does not make it so. To write from several nodes, use ReadWriteMany storage (NFS, Filestore, EFS, Azure Files) instead."
        )),
    )
}

/// The cloud's words for refusing a call because the project or account
/// made too many (GCE's `rateLimitExceeded`, AWS's `RequestLimitExceeded`
/// and `Throttling`, Azure's `TooManyRequests`).
fn rate_limited(err: &str) -> bool {
    [
        "rateLimitExceeded",
        "RequestLimitExceeded",
        "Rate exceeded",
        "Throttling",
        "TooManyRequests",
        "Too many pending operations",
    ]
    .iter()
    .any(|w| err.contains(w))
}

/// An attach the cloud refused for its API's rate limit, on any of the
/// symptom's attach events (the later ones may only say the driver backs
/// off, `ControllerPublish not permitted on node … due to backoff
/// condition`): the quota is the cloud project's, outside the cluster
/// (kubernetes-sigs/gcp-compute-persistent-disk-csi-driver#1129).
pub fn rate_limit(
    d: &crate::symptoms::Detected<'_>,
    pod: &Res<Pod>,
    pv: Option<&Res<PersistentVolume>>,
    volume: &str,
) -> Option<Hypothesis> {
    let e = d
        .events_with("FailedAttachVolume")
        .filter(|e| rate_limited(e.message_text()))
        .last()?;
    let msg = e.message_text();
    let err = crate::messages::volume::parse_operation_error(msg).map_or(msg, |(_, _, err)| err);
    let said = day2_model::redact::excerpt(err, 220);
    Some(
        Hypothesis::new(
            72,
            Loop::Storage,
            pv.map(|p| p.objref()).unwrap_or_else(|| pod.objref()),
            format!("attaching {volume} for {} fails because the cloud API limits the rate of its calls: `{said}`; the driver then backs off", pod.name()),
        )
        .fix("The cloud project's API quota is exhausted (GCE: Compute Engine operations per disk or per project; AWS: EC2 request rate): wait for the pending operations to finish or raise the quota; a disk stuck attached to an instance that is gone can be freed by hand (`gcloud compute instances detach-disk <instance> --disk <disk>`), then the attach is retried.")
        .missing("the cloud project's operation quota and the disk's pending operations")
        .unexplained(),
    )
}

/// A cloud API that fails on its side (HTTP 5xx) or limits the rate of
/// the driver's calls (HTTP 429) while `what` (attaching or provisioning a
/// volume) goes on: the cause is the provider's, outside the cluster
/// (digitalocean/csi-digitalocean#81, during an outage of its API).
pub fn api_failed(obj: ObjRef, what: &str, err: &str) -> Option<Hypothesis> {
    let status = crate::messages::cloud_code::api_failed(err)?;
    Some(
        Hypothesis::new(
            70,
            Loop::Storage,
            obj,
            format!("{what} fails because the cloud's API answers {status}: `{}`", day2_model::redact::excerpt(err, 200)),
        )
        .fix("Nothing in the cluster refuses the volume: the provider's API is failing or throttling. Check the provider's status page and the account's API rate limits; the driver retries on its own once the API answers. If it persists, open a case with the provider quoting the failing request.")
        .missing("the cloud provider's API status and the account's rate limits")
        .unexplained(),
    )
}
