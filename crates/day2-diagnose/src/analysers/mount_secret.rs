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
    let class = a.cluster.storage_class(class_name)?;
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

/// The kubelet cannot get a projected ServiceAccount token for the pod: the
/// API server serves no TokenRequest (older clusters without
/// `--service-account-issuer` and its signing key), or refuses it for the
/// ServiceAccount.
pub(super) fn token_fetch(a: &Analysis<'_>, pod: &Res<Pod>, err: &str) -> Hypothesis {
    let ns = pod.ns_or_default();
    let sa = pod
        .spec
        .as_deref()
        .map_or("default", day2_model::pod::service_account);
    if err.contains("TokenRequest") {
        // The API server's own pod, when the input holds it (kubeadm's static pod).
        let server = a
            .cluster
            .pods_in_namespace("kube-system")
            .find(|p| p.name().starts_with("kube-apiserver"))
            .map_or_else(
                || crate::model::workload_ref(a.cluster, pod),
                |p| p.objref(),
            );
        return Hypothesis::new(
            86,
            Loop::Identity,
            server,
            format!("the kubelet cannot mount the projected ServiceAccount token of {}: {}; the API server serves no TokenRequest, which projected tokens need", pod.name(), day2_model::redact::excerpt(err, 160)),
        )
        .fix("Enable TokenRequest on the API server: start kube-apiserver with `--service-account-issuer`, `--service-account-signing-key-file` and `--service-account-key-file` (and `--api-audiences`); until then, workloads that can fall back to the ServiceAccount's Secret token must be told to (Istio: `values.global.jwtPolicy=first-party-jwt`).")
        .missing("kube-apiserver's flags (the control plane's, not in the input)");
    }
    if let Some(missing) = err
        .split_once("serviceaccounts \"")
        .and_then(|(_, r)| r.split_once("\" not found"))
        .map(|(n, _)| n)
    {
        return Hypothesis::new(
            88,
            Loop::Identity,
            ObjRef::new("ServiceAccount", Some(ns), missing),
            format!("the kubelet cannot mount the ServiceAccount token of {}: ServiceAccount {ns}/{missing} does not exist", pod.name()),
        )
        .fix(format!("Create ServiceAccount {ns}/{missing} (`kubectl create serviceaccount -n {ns} {missing}`) or fix serviceAccountName in the pod template."));
    }
    // A ServiceAccount refused, not the node: something asks for the
    // token on the kubelet's behalf (KubeEdge's cloudcore for its edge
    // nodes), and that account's roles are what to change.
    if err.contains("User \"system:serviceaccount:")
        && let Some(h) = super::apierr::forbidden_in(a, err)
    {
        return h;
    }
    Hypothesis::new(
        70,
        Loop::Identity,
        ObjRef::new("ServiceAccount", Some(ns), sa),
        format!("the kubelet cannot get a token for ServiceAccount {ns}/{sa} to mount into {}: {}", pod.name(), day2_model::redact::excerpt(err, 160)),
    )
    .fix("Read the API server's refusal in the error; the node's identity (its kubelet's credentials, the NodeRestriction admission) must be allowed to request tokens for pods bound to it.")
}

/// The pod's other volumes whose ConfigMap or Secret of `kind` is missing
/// too (a set of dashboards from a kustomization never applied), as a
/// clause naming them; empty when there are none.
pub(super) fn also_missing(a: &Analysis<'_>, pod: &Res<Pod>, kind: &str, named: &str) -> String {
    let ns = pod.ns_or_default();
    let refs = a.references();
    let missing: Vec<&str> = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| match kind {
            "Secret" => v
                .secret
                .as_ref()
                .filter(|s| s.optional != Some(true))
                .and_then(|s| s.secret_name.as_deref()),
            _ => v
                .config_map
                .as_ref()
                .filter(|c| c.optional != Some(true))
                .map(|c| c.name.as_str()),
        })
        .filter(|n| *n != named)
        .filter(|n| match kind {
            "Secret" => !refs.secrets.contains_key(&(ns, *n)),
            _ => !refs.config_maps.contains_key(&(ns, *n)),
        })
        .collect();
    let held = match kind {
        "Secret" => !a.cluster.secrets.is_empty(),
        _ => !a.cluster.config_maps.is_empty(),
    };
    if missing.is_empty() || !held {
        return String::new();
    }
    format!(
        "; {} other {kind}(s) it mounts are missing too ({}): create them from the same source (the chart, kustomization or manifests that define them)",
        missing.len(),
        day2_model::text::short_list(&missing, 6)
    )
}

/// What to check when a mount times out (`l`: its message, lower case):
/// the path to the storage server, or to the secret store the Secrets
/// Store CSI driver's provider fetches from (an egress firewall without the
/// Key Vault's name: Azure/secrets-store-csi-driver-provider-azure#292).
pub(super) fn timeout_fix(l: &str) -> &'static str {
    if l.contains("secrets store") || l.contains("keyvault") || l.contains("secretsmanager") {
        "Check the path from the node to the secret store: the provider on the node calls it over HTTPS (Azure Key Vault `<vault>.vault.azure.net:443`, AWS Secrets Manager, GCP Secret Manager); an egress firewall or proxy (Azure Firewall application rules, NSG, NAT) must allow it, and its name must resolve from the node (a private endpoint's private DNS zone linked to the VNet); then the provider's log on the node."
    } else if l.contains("rbd: map failed") || l.contains("rbd: sysfs write failed") {
        // The kernel's RBD client times out as well when it cannot speak
        // the cluster's features (ceph/ceph-csi#634: Ubuntu 16.04's 4.4
        // kernel against a Mimic cluster).
        "Check the path from the node to every Ceph monitor (TCP 3300 and 6789) and OSD (TCP 6800-7300); if the node reaches them, its kernel's RBD client is too old for the image's features or the cluster (`dmesg` on the node shows `feature set mismatch` or libceph timeouts): upgrade the node's kernel, create images with only the `layering` feature (`imageFeatures: layering` in the StorageClass), or map them in user space (`mounter: rbd-nbd`)."
    } else {
        "Check the path from the node to the storage server: NFS/EFS needs TCP 2049 allowed from the nodes' security group to the server's (EFS: a mount target in the node's zone and subnet), a route to its address, and its DNS name resolving from the node; then the CSI node plugin's log on the node."
    }
}

/// The Secrets Store CSI driver hands its provider no ServiceAccount token
/// (`failed to parse workload identity tokens, error: service account
/// tokens not found`): the driver's CSIDriver object asks the kubelet for
/// none, as a driver installed without `tokenRequests` does, and workload
/// identity needs one for the provider's audience (Azure:
/// `api://AzureADTokenExchange`; Azure/secrets-store-csi-driver-provider-azure#1022).
pub(super) fn tokens_not_requested(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    message: &str,
) -> Option<Hypothesis> {
    if !message.contains("service account tokens not found") {
        return None;
    }
    let driver = a
        .cluster
        .csi_drivers
        .iter()
        .find(|d| d.name() == "secrets-store.csi.k8s.io")?;
    if driver
        .spec
        .token_requests
        .as_ref()
        .is_some_and(|t| !t.is_empty())
    {
        return None;
    }
    let audience = if message.contains("workload identity") || a.cloud == day2_model::Cloud::Azure {
        "api://AzureADTokenExchange"
    } else {
        "the audience the provider's documentation names"
    };
    Some(
        Hypothesis::new(
            86,
            Loop::Identity,
            driver.objref(),
            format!(
                "the Secrets Store CSI driver gives its provider no ServiceAccount token for pod {}: CSIDriver {} requests none (`spec.tokenRequests` is empty), and workload identity exchanges that token for the vault's credentials",
                pod.name(),
                driver.name()
            ),
        )
        .fix(format!(
            "Set `tokenRequests: [{{audience: {audience}}}]` on CSIDriver {} (the driver's Helm chart: `tokenRequests[0].audience={audience}`, chart 1.2 and later), then recreate the pod; the kubelet then passes the pod's token to the provider on each mount.",
            driver.name()
        )),
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
