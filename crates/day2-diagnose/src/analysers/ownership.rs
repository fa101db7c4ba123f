//! A mount that outlasts the kubelet's wait because of `fsGroup`: with
//! `fsGroupChangePolicy: Always` (the default) the kubelet changes the
//! group and mode of every file of the volume at each mount before the
//! container starts (kubernetes/kubernetes `pkg/volume/volume_linux.go`,
//! `SetVolumeOwnership`, which logs "If the volume has a lot of files then
//! setting volume ownership could be slow, see
//! https://github.com/kubernetes/kubernetes/issues/69699"). On a volume
//! holding many files the pod waits in `ContainerCreating` with `Unable to
//! attach or mount volumes: unmounted volumes=[…] … timed out waiting for
//! the condition`, although the attach succeeded. A CSI driver whose
//! `fsGroupPolicy` is `None` gets no such change; with the default
//! `ReadWriteOnceWithFSType` only a volume with an `fsType` does.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::volume::parse_mount_wait;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;
use k8s_openapi::api::core::v1::PersistentVolume;

/// `AttachVolume.Attach succeeded for volume "PV"` (the attach/detach
/// controller, `operation_generator.go`).
const ATTACHED: &str = "AttachVolume.Attach succeeded for volume";

pub fn fs_group_change<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Volume { message } = &d.detail else {
        return vec![];
    };
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let Some(psc) = spec.security_context.as_ref() else {
        return vec![];
    };
    let Some(fs_group) = psc.fs_group else {
        return vec![];
    };
    if psc.fs_group_change_policy.as_deref() == Some("OnRootMismatch") {
        return vec![];
    }
    let waits: Vec<String> = d
        .events_with("FailedMount")
        .map(|e| e.message_text().to_owned())
        .chain([message.clone()])
        .collect();
    // The ownership change runs once the volume is mounted: a mount that
    // fails (`MountVolume.MountDevice failed`, `MountVolume.SetUp failed`)
    // has its own reason (longhorn/longhorn#3994: a device multipathd holds).
    if waits.iter().any(|m| {
        m.contains("MountVolume.MountDevice failed") || m.contains("MountVolume.SetUp failed")
    }) {
        return vec![];
    }
    let unmounted: Vec<String> = waits
        .iter()
        .filter_map(|m| parse_mount_wait(m))
        .flat_map(|w| w.unmounted)
        .collect();
    let ns = pod.ns_or_default();
    let node = model::node_name(pod);
    let pod_events = a.cluster.events_for_obj(pod);
    let attached = |pv: &PersistentVolume, name: &str| {
        pod_events
            .iter()
            .any(|e| e.message_text().contains(&format!("{ATTACHED} \"{name}\"")))
            || a.cluster.stores.volume_attachments.iter().any(|va| {
                va.spec.source.persistent_volume_name.as_deref() == Some(name)
                    && Some(va.spec.node_name.as_str()) == node
                    && va.status.as_ref().is_some_and(|s| s.attached)
            })
            || pv.spec.as_ref().and_then(|s| s.csi.as_ref()).is_none()
                && pv
                    .spec
                    .as_ref()
                    .is_some_and(|s| s.local.is_some() || s.host_path.is_some())
    };
    let mut hits = Vec::new();
    for vol in spec.volumes.iter().flatten() {
        if !unmounted.contains(&vol.name) {
            continue;
        }
        let Some(claim) = vol.persistent_volume_claim.as_ref() else {
            continue;
        };
        let Some(pvc) = a.cluster.pvc(ns, &claim.claim_name) else {
            continue;
        };
        let Some(pv) = a.cluster.pv_of_claim(pvc) else {
            continue;
        };
        let csi = pv.spec.as_ref().and_then(|s| s.csi.as_ref());
        if let Some(csi) = csi {
            let policy = a
                .cluster
                .stores
                .csi_drivers
                .iter()
                .find(|c| c.name() == csi.driver)
                .and_then(|c| c.spec.fs_group_policy.clone())
                .unwrap_or_else(|| "ReadWriteOnceWithFSType".to_owned());
            let changes = match policy.as_str() {
                "None" => false,
                "File" => true,
                _ => csi.fs_type.as_deref().is_some_and(|t| !t.is_empty()),
            };
            if !changes {
                continue;
            }
        }
        if !attached(pv, pv.name()) {
            continue;
        }
        let size = pv
            .spec
            .as_ref()
            .and_then(|s| s.capacity.as_ref())
            .and_then(|c| c.get("storage"))
            .map(|q| format!(" of {}", q.0))
            .unwrap_or_default();
        hits.push((vol.name.clone(), pvc, size));
    }
    let Some((vol, pvc, size)) = hits.first() else {
        return vec![];
    };
    let workload = model::workload_ref(a.cluster, pod);
    let mut h = Hypothesis::new(
        62,
        Loop::Storage,
        workload.clone(),
        format!(
            "volume {vol} (claim {}{size}) is attached, but its mount does not finish in time: the pod sets `fsGroup: {fs_group}` without `fsGroupChangePolicy: OnRootMismatch`, so the kubelet changes the ownership of every file on the volume (a recursive chown) at each mount, which on a volume with many files outlasts the wait",
            pvc.name()
        ),
    )
    .fix(format!(
        "Set `fsGroupChangePolicy: OnRootMismatch` in the pod securityContext of {workload} (the ownership is then changed only when the volume's root does not match), or drop `fsGroup` if the image already runs as the files' owner; the kubelet log on the node shows how long `Setting volume ownership` takes."
    ));
    if let Some(e) = pod_events
        .iter()
        .rev()
        .find(|e| e.message_text().contains(ATTACHED))
    {
        h = h.link(Link::from_event(Loop::Storage, e, "the volume is attached"));
    }
    if let Some(e) = d.events_with("FailedMount").last() {
        h = h.link(Link::from_event(
            Loop::Storage,
            e,
            "the mount times out while the kubelet sets the volume's ownership",
        ));
    }
    vec![h]
}
