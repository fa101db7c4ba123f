//! A mount the storage server refuses for its credentials: the CIFS/SMB
//! share answers `mount error(13): Permission denied`, the driver reports
//! an authentication or authorisation failure. When the volume takes its
//! credentials from a Secret (Azure Files' `secretName`, a CSI volume's
//! `nodeStageSecretRef`/`nodePublishSecretRef`, CephFS', RBD's, iSCSI's or a
//! FlexVolume's `secretRef`), that Secret is what the server refuses: a key
//! rotated on the provider's side and not in the Secret, a password changed,
//! a token expired.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::volume::parse_operation_error;
use day2_model::k8s_openapi::api::core::v1::{PersistentVolumeSpec, Volume};
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

/// Words of a mount refused for its credentials.
fn refused_for_credentials(message: &str) -> bool {
    let l = message.to_ascii_lowercase();
    [
        "mount error(13)",
        "permission denied",
        "access denied",
        "logon failure",
        "authenticationfailed",
        "authentication failed",
        "authorizationfailure",
        "authorization failure",
        "unauthorized",
        "invalid credentials",
        "status code 401",
        "status code 403",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// The credential Secret (namespace, name) of an inline volume of the pod.
pub(super) fn inline_secret(v: &Volume, ns: &str) -> Option<(String, String)> {
    let name = v
        .azure_file
        .as_ref()
        .map(|s| s.secret_name.clone())
        .or_else(|| {
            v.csi
                .as_ref()?
                .node_publish_secret_ref
                .as_ref()
                .map(|r| r.name.clone())
        })
        .or_else(|| {
            v.cephfs
                .as_ref()?
                .secret_ref
                .as_ref()
                .map(|r| r.name.clone())
        })
        .or_else(|| v.rbd.as_ref()?.secret_ref.as_ref().map(|r| r.name.clone()))
        .or_else(|| {
            v.iscsi
                .as_ref()?
                .secret_ref
                .as_ref()
                .map(|r| r.name.clone())
        })
        .or_else(|| {
            v.flex_volume
                .as_ref()?
                .secret_ref
                .as_ref()
                .map(|r| r.name.clone())
        })?;
    (!name.is_empty()).then(|| (ns.to_owned(), name))
}

/// The credential Secret (namespace, name) of a PersistentVolume. A
/// reference without a namespace is read in `default` for Azure Files (the
/// in-tree plugin's default) and in the claim's namespace otherwise.
fn pv_secret(spec: &PersistentVolumeSpec, claim_ns: &str) -> Option<(String, String)> {
    if let Some(af) = &spec.azure_file {
        let ns = af
            .secret_namespace
            .clone()
            .unwrap_or_else(|| "default".to_owned());
        return (!af.secret_name.is_empty()).then(|| (ns, af.secret_name.clone()));
    }
    let reference = spec
        .csi
        .as_ref()
        .and_then(|c| {
            c.node_stage_secret_ref
                .as_ref()
                .or(c.node_publish_secret_ref.as_ref())
        })
        .or_else(|| spec.cephfs.as_ref()?.secret_ref.as_ref())
        .or_else(|| spec.rbd.as_ref()?.secret_ref.as_ref())
        .or_else(|| spec.iscsi.as_ref()?.secret_ref.as_ref())
        .or_else(|| spec.flex_volume.as_ref()?.secret_ref.as_ref())?;
    let name = reference.name.clone().filter(|n| !n.is_empty())?;
    let ns = reference
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| claim_ns.to_owned());
    Some((ns, name))
}

/// `rbd: map failed: (13) Permission denied` for an image whose class asks
/// for `exclusive-lock`: a node that rebooted or died still holds the lock,
/// and mapping the image elsewhere means blocklisting that client, which
/// Ceph refuses to a user without the `profile rbd` caps (ceph/ceph-csi#5150;
/// Ceph's RBD exclusive-lock documentation).
fn exclusive_lock(a: &Analysis<'_>, volume: &str, err: &str) -> Option<Hypothesis> {
    if !err.contains("rbd: map failed") {
        return None;
    }
    let pv = a.cluster.pv(volume)?;
    let class_name = pv.spec.as_ref()?.storage_class_name.as_deref()?;
    let class = a
        .cluster
        .storage_classes
        .iter()
        .find(|c| c.name() == class_name)?;
    let features = class.parameters.as_ref()?.get("imageFeatures")?;
    if !features.split(',').any(|f| f.trim() == "exclusive-lock") {
        return None;
    }
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            class.objref(),
            format!("mapping RBD image {volume} is refused (Permission denied): StorageClass {class_name} creates images with `imageFeatures: {features}`, and with exclusive-lock the lock of the client that mapped it before (a node that rebooted) must be broken by blocklisting that client, which the Ceph user of the CSI Secret may not do"),
        )
        .fix("Give the CSI driver's Ceph user the caps to break locks (`ceph auth caps client.<user> mon 'profile rbd' osd 'profile rbd pool=<pool>'`), or create images with `imageFeatures: layering` only (a new StorageClass: parameters are immutable) and move the volumes to it."),
    )
}

/// The Secret whose credentials the server refused, for a mount error that
/// says so about a volume that has one.
pub fn credentials(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    message: &str,
    link: Option<Link>,
) -> Option<Hypothesis> {
    let (_, volume, err) = parse_operation_error(message)?;
    if !refused_for_credentials(err) {
        return None;
    }
    if let Some(h) = exclusive_lock(a, volume, err) {
        return Some(h.links(link));
    }
    let ns = pod.ns_or_default();
    let volumes = pod.spec.as_ref()?.volumes.as_deref().unwrap_or_default();
    // The message names the pod's volume, or the PersistentVolume behind it.
    let (secret_ns, secret) = volumes
        .iter()
        .find(|v| day2_model::pod::volume_named(&v.name, volume))
        .and_then(|v| inline_secret(v, ns))
        .or_else(|| {
            let pv = a.cluster.pv(volume)?;
            pv_secret(pv.spec.as_ref()?, ns)
        })?;
    let keys: Vec<String> = a
        .cluster
        .secrets
        .iter()
        .find(|s| s.ns_or_default() == secret_ns && s.name() == secret)
        .map(|s| s.keys.iter().map(|k| format!("`{}`", k.name)).collect())
        .unwrap_or_default();
    let keys = if keys.is_empty() {
        String::new()
    } else {
        format!(" (keys {})", keys.join(", "))
    };
    Some(
        Hypothesis::new(
            87,
            Loop::Identity,
            ObjRef::new("Secret", Some(&secret_ns), &secret),
            format!(
                "the storage server refuses the credentials volume {volume} of pod {} mounts with, which come from Secret {secret_ns}/{secret}{keys}: {}",
                pod.name(),
                day2_model::redact::excerpt(err, 160)
            ),
        )
        .fix(format!(
            "Put the credentials the server accepts now into Secret {secret_ns}/{secret}{keys}: after a key or password rotation on the provider's side (a storage account key regenerated, an SMB password changed) the Secret still holds the old one, and every new mount is refused while mounts made before keep working. Update the key, then delete the waiting pod (or wait for the kubelet's retry)."
        ))
        .links(link),
    )
}

#[cfg(test)]
mod tests {
    use super::refused_for_credentials;

    #[test]
    fn cifs_and_driver_refusals_are_read_as_credentials() {
        assert!(refused_for_credentials(
            "mount failed: exit status 32 ... Output: mount error(13): Permission denied Refer to the mount.cifs(8) manual page"
        ));
        assert!(refused_for_credentials(
            "rpc error: code = Internal desc = volume(x) mount failed: AuthorizationFailure: This request is not authorized"
        ));
        assert!(!refused_for_credentials(
            "mount failed: exit status 32 ... mount.nfs: Connection timed out"
        ));
    }
}
