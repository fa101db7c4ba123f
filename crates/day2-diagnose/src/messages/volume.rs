//! Volume attach, mount and provisioning messages.
//!
//! Sources, kubernetes/kubernetes:
//! - `pkg/controller/volume/attachdetach/reconciler/reconciler.go` `reportMultiAttachError`
//!   through `generateVolumeMsg` (`pkg/volume/util/operationexecutor/operation_executor.go`,
//!   `"%v for volume %q %v"`): `Multi-Attach error for volume "<v>" Volume is already
//!   exclusively attached to one node and can't be attached to another` and
//!   `… Volume is already used by pod(s) <p1>, <p2>` (+ ` and %d pod(s) in different namespaces`).
//! - `GenerateError` with `errSuffix`: `AttachVolume.Attach failed for volume "<v>" : <err>`,
//!   `MountVolume.SetUp failed for volume "<v>" : <err>`, `MountVolume.MountDevice failed …`.
//! - kubelet `FailedMount`: `Unable to attach or mount volumes: unmounted volumes=[…],
//!   unattached volumes=[…], failed to process volumes=[…]: timed out waiting for the
//!   condition` (`pkg/kubelet/volumemanager/volume_manager.go`; older releases omit
//!   `failed to process volumes`, newer say `context deadline exceeded`).
//! - PV controller `pkg/controller/volume/persistentvolume/pv_controller.go` and the CSI
//!   external-provisioner: `ProvisioningFailed` `failed to provision volume with StorageClass %q: %v`
//!   (in-tree: capitalised `Failed to provision …`); a provisioner that cannot serve the
//!   claim's access modes: `invalid AccessModes [ReadWriteMany]: only AccessModes
//!   [ReadWriteOnce] are supported` (the in-tree plugins and the external-storage
//!   provisioners, `AccessModesContainedInAll`).

use super::{quoted_after, strip_combined};

/// A parsed Multi-Attach error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiAttach {
    pub volume: String,
    /// Pods named as holding the volume (same namespace only, as upstream prints).
    pub used_by: Vec<String>,
    /// `exclusively attached to one node`: the other holder is a node attachment.
    pub exclusively_attached: bool,
}

pub fn parse_multi_attach(msg: &str) -> Option<MultiAttach> {
    let msg = strip_combined(msg);
    if !msg.starts_with("Multi-Attach error for volume ") {
        return None;
    }
    let volume = quoted_after(msg, "for volume ")?.to_owned();
    let used_by = msg
        .split("already used by pod(s) ")
        .nth(1)
        .map(|rest| {
            let rest = rest.split(" and ").next().unwrap_or(rest);
            rest.split(", ")
                .map(|p| p.trim().trim_end_matches('.').to_owned())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Some(MultiAttach {
        volume,
        used_by,
        exclusively_attached: msg.contains("exclusively attached"),
    })
}

/// `AttachVolume.Attach failed for volume "v" : err` → (operation, volume, err).
pub fn parse_operation_error(msg: &str) -> Option<(&str, &str, &str)> {
    let msg = strip_combined(msg);
    let (op, rest) = msg.split_once(" failed for volume ")?;
    let volume = quoted_after(rest, "")?;
    // `"<volume>" : <error>` (the kubelet's and the attach/detach
    // controller's format), `"<volume>": <error>` as pasted copies have it.
    let err = rest
        .split_once("\" :")
        .or_else(|| rest.split_once("\":"))
        .map(|(_, e)| e.trim())
        .or_else(|| rest.split_once("\" ").map(|(_, e)| e.trim()))
        .unwrap_or("");
    Some((op.trim(), volume, err))
}

/// Volumes listed by the kubelet's `Unable to attach or mount volumes` message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MountWait {
    pub unmounted: Vec<String>,
    pub unattached: Vec<String>,
}

pub fn parse_mount_wait(msg: &str) -> Option<MountWait> {
    let msg = strip_combined(msg);
    if !msg.contains("unmounted volumes=") && !msg.contains("unattached/unmounted volumes=") {
        return None;
    }
    let list = |key: &str| -> Vec<String> {
        msg.split(key)
            .nth(1)
            .and_then(|r| r.strip_prefix('['))
            .and_then(|r| r.split(']').next())
            .map(|r| r.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let mut w = MountWait {
        unmounted: list("unmounted volumes="),
        unattached: list("unattached volumes="),
    };
    if w.unmounted.is_empty() {
        w.unmounted = list("unattached/unmounted volumes=");
    }
    Some(w)
}

/// What a provisioning, attach or mount error says about its cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeErrorClass {
    /// The CSI controller's cloud identity was refused (`AssumeRoleWithWebIdentity`, 403…).
    Identity,
    /// The disk and the node are in different zones.
    ZoneMismatch,
    /// The StorageClass named by the claim does not exist.
    MissingClass,
    /// A Secret or ConfigMap the volume needs does not exist.
    MissingObject,
    /// Cloud quota or per-node attachment limits.
    Limits,
    /// The operation timed out (attacher or node plugin not answering).
    Timeout,
    Other,
}

/// `invalid AccessModes [<asked>]: only AccessModes [<served>] are supported`
/// → (asked, served), each as the bracketed list upstream prints.
pub fn unsupported_access_modes(msg: &str) -> Option<(String, String)> {
    let bracket = |s: &str| -> Option<String> {
        let start = s.find('[')?;
        let end = s[start..].find(']')? + start;
        Some(s[start..=end].to_owned())
    };
    let asked = bracket(&msg[msg.find("invalid AccessModes ")?..])?;
    let served = bracket(&msg[msg.find("only AccessModes ")?..])?;
    msg.contains("are supported").then_some((asked, served))
}

pub fn classify_error(err: &str) -> VolumeErrorClass {
    let l = err.to_ascii_lowercase();
    let has = |pats: &[&str]| pats.iter().any(|p| l.contains(p));
    if has(&[
        "assumerolewithwebidentity",
        "webidentityerr",
        "accessdenied",
        "unauthorizedoperation",
        "not authorized to perform",
        "authorizationfailed",
        "does not have authorization",
        "status code: 403",
        "403 forbidden",
        "required '",
        "permission denied on resource",
        "aadsts",
        "nocredentialproviders",
        "invalidclienttokenid",
        // The EFS CSI driver's wrapper of any IAM refusal (`Access Denied.
        // Please ensure you have the right AWS permissions: Access denied`).
        "please ensure you have the right aws permissions",
    ]) {
        VolumeErrorClass::Identity
    } else if has(&[
        "zonemismatch",
        "not in the same availability zone",
        "different zone",
        "zone mismatch",
        // Azure: `Disk … cannot be attached to the VM because it is not in
        // the same zone with the VM. VM zone: '1'. Disk zone: ''`, and the
        // Azure Disk CSI driver's `… because it is not in zone '2'`.
        "not in the same zone",
        "because it is not in zone",
        // Hetzner Cloud: `server and volume must be in the same location`.
        "must be in the same location",
    ]) {
        VolumeErrorClass::ZoneMismatch
    } else if l.contains("storageclass.storage.k8s.io \"") && l.contains("\" not found") {
        // The API's NotFound for the class itself, not the provisioner's
        // `failed to provision volume with StorageClass "x": … not found`.
        VolumeErrorClass::MissingClass
    } else if (l.contains("secret \"")
        || l.contains("secrets \"")
        || l.contains("configmap \"")
        || l.contains("configmaps \""))
        && l.contains("not found")
    {
        VolumeErrorClass::MissingObject
    } else if has(&[
        "volumelimitexceeded",
        "attachmentlimitexceeded",
        "maximum number of",
        "quota",
        "resourceexhausted",
        "limit exceeded",
        // Hetzner's `max_volumes_per_server_reached (limit of 16 volumes
        // per server reached)`.
        "max_volumes",
        "volumes per server",
    ]) {
        VolumeErrorClass::Limits
    } else if has(&["timed out", "deadline exceeded", "timeout"]) {
        VolumeErrorClass::Timeout
    } else {
        VolumeErrorClass::Other
    }
}

/// The provisioner's own reason in a `ProvisioningFailed` message, without
/// the external provisioner's `failed to provision volume with StorageClass
/// "x": ` and gRPC's `rpc error: code = … desc = `; `None` when nothing is
/// left.
pub fn provisioner_says(msg: &str) -> Option<&str> {
    let mut said = msg.trim();
    if let Some(rest) = said.strip_prefix("failed to provision volume with StorageClass ")
        && let Some((_, rest)) = rest.split_once(": ")
    {
        said = rest;
    }
    if said.starts_with("rpc error: code = ")
        && let Some((_, rest)) = said.split_once(" desc = ")
    {
        said = rest;
    }
    let said = said.trim();
    (!said.is_empty()).then_some(said)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_modes_a_provisioner_does_not_serve() {
        let m = r#"Failed to provision volume with StorageClass "gp2": invalid AccessModes [ReadWriteMany]: only AccessModes [ReadWriteOnce] are supported"#;
        assert_eq!(
            unsupported_access_modes(m),
            Some(("[ReadWriteMany]".into(), "[ReadWriteOnce]".into()))
        );
        let m = r#"failed to provision volume with StorageClass "x": rpc error: code = ResourceExhausted desc = quota"#;
        assert_eq!(unsupported_access_modes(m), None);
    }

    #[test]
    fn multi_attach_both_forms() {
        // kubernetes/kubernetes#96142
        let m = parse_multi_attach(r#"Multi-Attach error for volume "pvc-7a81d56f-1cf9-11eb-8295-b6961e0a47ed" Volume is already exclusively attached to one node and can't be attached to another"#).unwrap();
        assert_eq!(m.volume, "pvc-7a81d56f-1cf9-11eb-8295-b6961e0a47ed");
        assert!(m.exclusively_attached);
        // jaroslawhartman/withings-sync#248, with a second pod
        let m = parse_multi_attach(r#"Multi-Attach error for volume "pvc-1" Volume is already used by pod(s) web-7d9c-abcde, web-7d9c-fghij"#).unwrap();
        assert_eq!(m.used_by, vec!["web-7d9c-abcde", "web-7d9c-fghij"]);
    }

    #[test]
    fn attach_and_mount_errors() {
        // kubernetes-sigs/aws-ebs-csi-driver#52
        let msg = r#"(combined from similar events): AttachVolume.Attach failed for volume "pvc-44c2c835-cc91-11e8-93bb-0e3fe2b5fad4" : rpc error: code = Internal desc = Could not attach volume "vol-06899fef1736f24b9" to node "i-0a7e7ab68218ef0e0": could not attach volume "vol-06899fef1736f24b9" to node "i-0a7e7ab68218ef0e0": InvalidVolume.ZoneMismatch: The volume 'vol-06899fef1736f24b9' is not in the same availability zone as instance 'i-0a7e7ab68218ef0e0'"#;
        let (op, vol, err) = parse_operation_error(msg).unwrap();
        assert_eq!(op, "AttachVolume.Attach");
        assert_eq!(vol, "pvc-44c2c835-cc91-11e8-93bb-0e3fe2b5fad4");
        assert_eq!(classify_error(err), VolumeErrorClass::ZoneMismatch);
        let w = parse_mount_wait("Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-x], failed to process volumes=[]: timed out waiting for the condition").unwrap();
        assert_eq!(w.unattached, vec!["data", "kube-api-access-x"]);
        let (_, vol, err) = parse_operation_error(
            r#"MountVolume.SetUp failed for volume "tls" : secret "web-tls" not found"#,
        )
        .unwrap();
        assert_eq!(vol, "tls");
        assert_eq!(classify_error(err), VolumeErrorClass::MissingObject);
    }

    #[test]
    fn provisioning_identity() {
        // kubernetes-sigs/aws-ebs-csi-driver#1010
        let err = "failed to provision volume with StorageClass \"gp3\": rpc error: code = Internal desc = Could not create volume \"pvc-1\": could not create volume in EC2: WebIdentityErr: failed to retrieve credentials\ncaused by: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity\n\tstatus code: 403, request id: 2550e4a3";
        assert_eq!(classify_error(err), VolumeErrorClass::Identity);
        // kubernetes-sigs/aws-efs-csi-driver#1335: the EFS driver's wrapper
        // of an IAM refusal names neither action nor principal.
        assert_eq!(
            classify_error(
                "failed to provision volume with StorageClass \"efs-sc\": rpc error: code = Unauthenticated desc = Access Denied. Please ensure you have the right AWS permissions: Access denied"
            ),
            VolumeErrorClass::Identity
        );
        assert_eq!(
            classify_error("storageclass.storage.k8s.io \"fast\" not found"),
            VolumeErrorClass::MissingClass
        );
        // rook/rook#8315: the class is there; what the provisioner looked up is not.
        assert_eq!(
            classify_error(
                r#"failed to provision volume with StorageClass "nfs-premium-perf4": nfsservers.nfs.rook.io "rook-nfs" not found"#
            ),
            VolumeErrorClass::Other
        );
    }

    #[test]
    fn the_provisioners_reason_without_its_wrappers() {
        // apache/apisix-helm-chart#346, on Tencent Cloud's CBS driver.
        assert_eq!(
            provisioner_says(
                "failed to provision volume with StorageClass \"cbs\": rpc error: code = InvalidArgument desc = disk size must be a multiple of 10GB, requested 8GiB"
            ),
            Some("disk size must be a multiple of 10GB, requested 8GiB")
        );
        assert_eq!(
            provisioner_says(
                "failed to provision volume with StorageClass \"x\": Init of the volume failed: pod got failed"
            ),
            Some("Init of the volume failed: pod got failed")
        );
        assert_eq!(provisioner_says("  "), None);
    }
}
