//! A path the kernel refuses, followed to the volume mounted there: the
//! server of a network volume decides ownership (NFS `root_squash`, an EFS
//! access point enforces its POSIX user on every file), so a `chown` by the
//! container is refused whatever its user; the claim's StorageClass, not the
//! workload's start-up, is where the cause lives.

use super::*;
use day2_model::ObjRef;

/// The volume mounted at the longest prefix of `path` in `container`.
fn volume_at<'p>(pod: &'p Res<Pod>, container: &str, path: &str) -> Option<&'p str> {
    let spec = pod.spec.as_ref()?;
    let c = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .find(|c| c.name == container)?;
    c.volume_mounts
        .iter()
        .flatten()
        .filter(|m| {
            let mp = m.mount_path.trim_end_matches('/');
            path == mp || path.starts_with(&format!("{mp}/"))
        })
        .max_by_key(|m| m.mount_path.len())
        .map(|m| m.name.as_str())
}

pub(super) fn denied(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    d: &crate::messages::fs::Denied,
) -> Option<Hypothesis> {
    // Only a refused change of owner or mode says the volume decides ownership.
    if !d.ownership {
        return None;
    }
    let vol_name = volume_at(pod, container, &d.path)?;
    let ns = pod.ns_or_default();
    let vol = pod
        .spec
        .as_ref()?
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == vol_name)?;
    let claim_name = vol.persistent_volume_claim.as_ref()?.claim_name.as_str();
    let pvc = a
        .cluster
        .pvcs
        .iter()
        .find(|c| c.ns_or_default() == ns && c.name() == claim_name)?;
    let class = a.cluster.class_of_claim(pvc);
    let pv = a.cluster.pv_of_claim(pvc);
    let nfs = pv.is_some_and(|p| p.spec.as_ref().is_some_and(|s| s.nfs.is_some()));
    let owner = crate::model::workload_ref(a.cluster, pod);
    let (why, fix) = match class {
        Some(c)
            if c.provisioner == "efs.csi.aws.com"
                && c.parameters
                    .as_ref()
                    .and_then(|p| p.get("provisioningMode"))
                    .is_some_and(|m| m == "efs-ap") =>
        {
            let uid = c
                .parameters
                .as_ref()
                .and_then(|p| p.get("uid").or_else(|| p.get("gidRangeStart")))
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            (
                format!("StorageClass {} provisions EFS access points, which enforce their POSIX user{uid} on every file, so no container may chown it", c.name()),
                format!("Drop the chown from {owner} (a chart's `volumePermissions.enabled: false`) and run it as the access point's user (`securityContext.runAsUser`/`fsGroup`), or set the class's `uid`/`gid` parameters to the user the image runs as (e.g. 1001 for Bitnami images); or use a block-storage class (EBS, gp2/gp3) for a database."),
            )
        }
        _ if nfs => (
            "the NFS server decides ownership (root_squash maps root to nobody), so the container's chown is refused".to_owned(),
            format!("Drop the chown from {owner} and run it as the export's owner (`securityContext.runAsUser`/`fsGroup`), or export the share with `no_root_squash` and the owner the image expects."),
        ),
        Some(c) => (
            format!("the volume of StorageClass {} ({}) does not let the container change ownership", c.name(), c.provisioner),
            format!("Let the kubelet set ownership instead: `securityContext.fsGroup` on {owner} (honoured when the driver's CSIDriver `fsGroupPolicy` allows it), drop the chown, or use a class whose volumes the pod's user owns."),
        ),
        None => return None,
    };
    let target = class.map(|c| c.objref()).unwrap_or_else(|| pvc.objref());
    Some(
        Hypothesis::new(
            80,
            Loop::Storage,
            target,
            format!(
                "container {container} cannot change the owner of {} on volume {vol_name} (claim {ns}/{claim_name}): {why}",
                d.path
            ),
        )
        .fix(fix)
        .link(Link::new(
            Loop::Storage,
            None,
            ObjRef::new("PersistentVolumeClaim", Some(ns), claim_name),
            format!("mounted at the refused path {}", d.path),
        )),
    )
}
