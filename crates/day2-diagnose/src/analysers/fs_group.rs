//! A non-root container that cannot write its volume because the volume
//! ignores the pod's `fsGroup`: the kubelet changes a volume's group
//! ownership only for plugins that manage ownership. A hostPath or NFS
//! volume is never changed (the directory keeps the owner it has on the
//! node or server), and a CSI volume only as its CSIDriver's `fsGroupPolicy`
//! says: `None` never, `ReadWriteOnceWithFSType` (the default) only for a
//! ReadWriteOnce volume whose `fsType` is set, `File` always
//! (kubernetes/kubernetes `pkg/volume/csi/csi_mounter.go`). The process,
//! running as its own user, then meets a root-owned `0755` directory: `Permission
//! denied`, sqlite's `unable to open database file`
//! (jupyterhub/zero-to-jupyterhub-k8s#2282, kubernetes-csi/csi-driver-host-path#356).

use super::follow::crash_texts;
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::Detected;
use day2_model::security::EffectiveSecurityContext;
use day2_model::{Loop, ObjRef};
use k8s_openapi::api::core::v1::PersistentVolume;

/// Words of a process refused a file it needs to write.
const DENIED: [&str; 5] = [
    "ermission denied",
    "EACCES",
    "unable to open database file",
    "not writable",
    "Operation not permitted",
];

/// Why the volume keeps its owner, the object that decides it, and the fix.
fn ignores(
    a: &Analysis<'_>,
    pv: &PersistentVolume,
    group: i64,
) -> Option<(String, ObjRef, String)> {
    let spec = pv.spec.as_ref()?;
    let name = pv.metadata.name.as_deref().unwrap_or("?");
    let pv_ref = ObjRef::new("PersistentVolume", None, name);
    if let Some(h) = &spec.host_path {
        return Some((
            format!(
                "PersistentVolume {name} is a hostPath volume ({}), whose ownership the kubelet never changes for fsGroup",
                h.path
            ),
            pv_ref,
            format!(
                "Make {} on the node writable for group {group} (`chown -R :{group}` and `chmod g+rwX` there, or an initContainer running as root that does it), or move the data to a volume type that applies fsGroup (a CSI driver with `fsGroupPolicy: File`, a local PersistentVolume); fsGroup alone cannot fix a hostPath volume's permission.",
                h.path
            ),
        ));
    }
    if let Some(n) = &spec.nfs {
        return Some((
            format!(
                "PersistentVolume {name} is an NFS export ({}:{}), whose ownership the kubelet never changes for fsGroup",
                n.server, n.path
            ),
            pv_ref,
            format!(
                "Give the export to group {group} on the NFS server (`chown -R :{group}`, `chmod g+rwX`), or map the client users there (`all_squash,anonuid,anongid`); fsGroup does not reach an NFS volume."
            ),
        ));
    }
    let csi = spec.csi.as_ref()?;
    let driver = a
        .cluster
        .csi_drivers
        .iter()
        .find(|d| d.metadata.name.as_deref() == Some(csi.driver.as_str()));
    let policy = driver
        .and_then(|d| d.spec.fs_group_policy.as_deref())
        .unwrap_or("ReadWriteOnceWithFSType");
    let rwo = spec
        .access_modes
        .iter()
        .flatten()
        .all(|m| m == "ReadWriteOnce" || m == "ReadWriteOncePod");
    let fs_type = csi.fs_type.as_deref().filter(|t| !t.is_empty());
    let why = match policy {
        "None" => "fsGroupPolicy None: the kubelet never applies fsGroup to its volumes".to_owned(),
        "ReadWriteOnceWithFSType" if fs_type.is_none() => format!(
            "fsGroupPolicy {policy}{}: the kubelet applies fsGroup only to a volume with an fsType, and this one has none",
            if driver.is_none_or(|d| d.spec.fs_group_policy.is_none()) {
                " (the default)"
            } else {
                ""
            }
        ),
        "ReadWriteOnceWithFSType" if !rwo => format!(
            "fsGroupPolicy {policy}: the kubelet applies fsGroup only to ReadWriteOnce volumes"
        ),
        _ => return None,
    };
    let driver_ref = driver.map_or_else(
        || ObjRef::new("CSIDriver", None, csi.driver.as_str()),
        |d| ObjRef::new("CSIDriver", None, d.metadata.name.as_deref().unwrap_or("?")),
    );
    Some((
        format!(
            "PersistentVolume {name} comes from CSI driver {} with {why}",
            csi.driver
        ),
        driver_ref,
        format!(
            "Set `fsGroupPolicy: File` on CSIDriver {} (the field is immutable: delete and re-create the CSIDriver object, which the driver's manifests own), or give the StorageClass an fsType (`csi.storage.k8s.io/fstype`) for a ReadWriteOnce volume; until then an initContainer running as root can `chown -R :{group}` the mount.",
            csi.driver
        ),
    ))
}

pub fn ignored<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let Some(group) = spec.security_context.as_ref().and_then(|s| s.fs_group) else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let crashed = model::container_statuses(pod).filter(|s| {
        s.last_state
            .as_ref()
            .and_then(|st| st.terminated.as_ref())
            .is_some_and(|t| t.exit_code != 0)
    });
    for status in crashed {
        let Some(c) = model::spec_container(pod, &status.name) else {
            continue;
        };
        let user = EffectiveSecurityContext::of(spec, c).run_as_user;
        if user.is_none_or(|u| u == 0) {
            continue;
        }
        let texts = crash_texts(a, d, pod, &status.name);
        let said = texts.iter().find_map(|t| {
            DENIED.iter().find_map(|w| t.find(w)).map(|at| {
                day2_model::redact::excerpt(&t[t[..at].rfind('\n').map_or(0, |i| i + 1)..], 160)
            })
        });
        let silent = texts.iter().all(|t| t.trim().is_empty());
        if said.is_none() && !silent {
            continue;
        }
        for m in c
            .volume_mounts
            .iter()
            .flatten()
            .filter(|m| m.read_only != Some(true))
        {
            let Some(claim) = spec
                .volumes
                .iter()
                .flatten()
                .find(|v| v.name == m.name)
                .and_then(|v| v.persistent_volume_claim.as_ref())
            else {
                continue;
            };
            let Some(pv) = a
                .cluster
                .pvc(ns, &claim.claim_name)
                .and_then(|p| a.cluster.pv_of_claim(p))
            else {
                continue;
            };
            let Some((why, root, fix)) = ignores(a, pv, group) else {
                continue;
            };
            let user = user.unwrap_or_default();
            let what = match &said {
                Some(s) => format!("it says `{s}`"),
                None => "it exits without a word".to_owned(),
            };
            return vec![
                Hypothesis::new(
                    if said.is_some() { 72 } else { 45 },
                    Loop::Storage,
                    root,
                    format!(
                        "container {} runs as user {user} and writes {} (claim {}), which stays owned by root: the pod's fsGroup {group} is not applied, as {why}; {what}",
                        status.name, m.mount_path, claim.claim_name
                    ),
                )
                .fix(fix)
                .link(Link::new(
                    Loop::Storage,
                    d.since,
                    pv.objref(),
                    format!("volume {} of pod {} keeps its owner: fsGroup {group} is not applied", m.name, pod.name()),
                )),
            ];
        }
    }
    vec![]
}
