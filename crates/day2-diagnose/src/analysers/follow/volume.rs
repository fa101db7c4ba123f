//! A path the kernel refuses, followed to the volume mounted there: the
//! server of a network volume decides ownership (NFS `root_squash`, an EFS
//! access point enforces its POSIX user on every file), so a `chown` by the
//! container is refused whatever its user; the claim's StorageClass, not the
//! workload's start-up, is where the cause lives.

use super::*;
use day2_model::ObjRef;
use day2_model::security::EffectiveSecurityContext;

/// The volume mounted at the longest prefix of `path` in `container`.
fn volume_at<'p>(pod: &'p Res<Pod>, container: &str, path: &str) -> Option<&'p str> {
    let c = model::spec_container(pod, container)?;
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

/// The hostPath volume mounted at the longest prefix of `path` in
/// `container`, with its name.
fn host_path_at<'p>(
    pod: &'p Res<Pod>,
    container: &str,
    path: &str,
) -> Option<(
    &'p str,
    &'p k8s_openapi::api::core::v1::HostPathVolumeSource,
)> {
    let name = volume_at(pod, container, path)?;
    let host = pod
        .spec
        .as_ref()?
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == name)?
        .host_path
        .as_ref()?;
    Some((name, host))
}

pub(super) fn denied(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    d: &crate::messages::fs::Denied,
) -> Option<Hypothesis> {
    if d.read_only {
        return read_only(a, pod, container, d);
    }
    let on_volume = volume_at(pod, container, &d.path).is_some();
    if let Some(h) = super::scc::restricted(a, pod, container, d, on_volume) {
        return Some(h);
    }
    if !d.ownership {
        if let Some(h) = super::dac::dropped(a, pod, container, d) {
            return Some(h);
        }
        return write_denied(a, pod, container, d);
    }
    if let Some(h) = chown_capability_dropped(a, pod, container, d) {
        return Some(h);
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

/// The claim mounted at a path of `container`: (volume name, claim).
pub(crate) fn claim_at<'c, 'p>(
    a: &Analysis<'c>,
    pod: &'p Res<Pod>,
    container: &str,
    path: &str,
) -> Option<(
    &'p str,
    &'c Res<k8s_openapi::api::core::v1::PersistentVolumeClaim>,
)> {
    let vol_name = volume_at(pod, container, path)?;
    let claim = pod
        .spec
        .as_ref()?
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == vol_name)?
        .persistent_volume_claim
        .as_ref()?
        .claim_name
        .as_str();
    let ns = pod.ns_or_default();
    let pvc = a
        .cluster
        .pvcs
        .iter()
        .find(|c| c.ns_or_default() == ns && c.name() == claim)?;
    Some((vol_name, pvc))
}

/// A chown refused (EPERM) to a container running as root whose
/// capabilities drop `CHOWN` (or `ALL`) without adding it back: root
/// without CAP_CHOWN may not change an owner, whatever the volume. A
/// PodSecurityPolicy that requires dropping them (`requiredDropCapabilities`,
/// the pod's `kubernetes.io/psp` annotation names it) is where that comes
/// from (grafana/helm-charts#752: `init-chown-data`).
fn chown_capability_dropped(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    d: &crate::messages::fs::Denied,
) -> Option<Hypothesis> {
    let caps = super::dac::of_root(pod, container)?;
    let has = |list: Option<&Vec<String>>| super::dac::listed(list, &["CHOWN", "ALL"]).is_some();
    if !has(caps.and_then(|c| c.drop.as_ref())) || has(caps.and_then(|c| c.add.as_ref())) {
        return None;
    }
    let owner = crate::model::workload_ref(a.cluster, pod);
    let psp = pod
        .metadata
        .annotations
        .as_ref()
        .and_then(|m| m.get("kubernetes.io/psp"))
        .and_then(|name| {
            a.cluster
                .other
                .iter()
                .find(|o| o.obj.kind == "PodSecurityPolicy" && o.name() == name)
        })
        .filter(|p| {
            p.obj
                .data
                .get("spec")
                .and_then(|s| s.get("requiredDropCapabilities"))
                .and_then(|v| v.as_array())
                .is_some_and(|l| {
                    l.iter()
                        .filter_map(|v| v.as_str())
                        .any(|x| x.eq_ignore_ascii_case("ALL") || x.eq_ignore_ascii_case("CHOWN"))
                })
        });
    let (root, from) = match psp {
        Some(p) => (
            p.objref(),
            format!(
                ", as PodSecurityPolicy {} requires (requiredDropCapabilities)",
                p.name()
            ),
        ),
        None => (owner.clone(), String::new()),
    };
    Some(
        Hypothesis::new(
            86,
            Loop::Compute,
            root,
            format!("container {container} of {owner} runs as root but drops the CHOWN capability{from}, so its chown of {} is refused (Operation not permitted) whatever the volume", d.path),
        )
        .fix(format!("Let the chown run: add `CHOWN` to container {container}'s `securityContext.capabilities.add` (and to the policy's allowedCapabilities, or drop CHOWN from its requiredDropCapabilities), or drop the chown step (a chart's `initChownData.enabled: false`) and let `fsGroup` give the volume to the app's group.")),
    )
}

/// EACCES on a node directory (a hostPath volume) to a container made to
/// run as a non-root user: the node's directory keeps its owner and mode
/// (the kubelet's `/var/lib/kubelet/pods` is root's, 0750), and no fsGroup
/// reaches a hostPath, so only root reads it (velero-io/velero#5238: the
/// restic DaemonSet set to run as non-root).
fn host_dir_denied(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    d: &crate::messages::fs::Denied,
    user: Option<i64>,
) -> Option<Hypothesis> {
    let spec = pod.spec.as_ref()?;
    let (vol_name, host) = host_path_at(pod, container, &d.path)?;
    let non_root = model::spec_container(pod, container)
        .and_then(|c| EffectiveSecurityContext::of(spec, c).run_as_non_root)
        .unwrap_or(false);
    let who = match user {
        Some(u) => format!("user {u}"),
        None if non_root => "a non-root user (runAsNonRoot)".to_owned(),
        None => return None,
    };
    let owner = crate::model::workload_ref(a.cluster, pod);
    Some(
        Hypothesis::new(
            84,
            Loop::Compute,
            owner.clone(),
            format!("container {container} of {owner} runs as {who} and may not open {} on volume {vol_name}, the node's directory {}: it keeps the owner and mode it has on the node (root's), and no fsGroup applies to a hostPath", d.path, host.path),
        )
        .fix(format!("Run container {container} of {owner} as root, as the project ships it (`securityContext.runAsUser: 0`, `runAsNonRoot: false`; the chart's default security context), since it reads node directories; or give that user the directory on every node, which the kubelet resets for its own directories.")),
    )
}

/// Node operating systems that ship SELinux enforcing: the Red Hat family,
/// Fedora's and Bottlerocket, as `osImage` names them (Amazon Linux 2023
/// ships it permissive).
const SELINUX_ENFORCING: [&str; 7] = [
    "Red Hat",
    "CentOS",
    "Rocky Linux",
    "AlmaLinux",
    "Oracle Linux",
    "Fedora",
    "Bottlerocket",
];

/// A write refused on a node directory (hostPath) to a container that runs
/// as root, or as its image's user on a node that enforces SELinux (a node
/// agent: a CNI installer, a log collector), and is not privileged: file
/// modes do not stop root, the node's mandatory access control does. SELinux enforcing labels host directories (`etc_t`,
/// `usr_t`, …) that a container's `container_t` may not write; a
/// privileged container, or one with `seLinuxOptions.type: spc_t`, may.
fn host_dir_confined(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    d: &crate::messages::fs::Denied,
    user: Option<i64>,
) -> Option<Hypothesis> {
    if !matches!(user, None | Some(0)) {
        return None;
    }
    let spec = pod.spec.as_ref()?;
    let c = model::spec_container(pod, container)?;
    let sc = EffectiveSecurityContext::of(spec, c);
    if sc.privileged == Some(true) || sc.run_as_non_root == Some(true) {
        return None;
    }
    let selinux_set = c
        .security_context
        .as_ref()
        .and_then(|s| s.se_linux_options.as_ref())
        .or_else(|| spec.security_context.as_ref()?.se_linux_options.as_ref())
        .is_some_and(|o| o.type_.is_some());
    if selinux_set {
        return None;
    }
    let (vol_name, host) = host_path_at(pod, container, &d.path)?;
    let os = model::node_name(pod)
        .and_then(|n| a.cluster.node(n))
        .and_then(|n| n.status.as_ref()?.node_info.as_ref())
        .map(|i| i.os_image.clone())
        .filter(|os| SELINUX_ENFORCING.iter().any(|f| os.contains(f)));
    // Without a user in the spec the image's may be anyone's (a uid its
    // Dockerfile sets): then only a node that enforces SELinux says which.
    if user.is_none() && os.is_none() {
        return None;
    }
    let owner = crate::model::workload_ref(a.cluster, pod);
    let loop_ = if model::is_cni_daemon(&owner.name) {
        Loop::Network
    } else {
        Loop::Compute
    };
    let who = match user {
        Some(_) => "as root",
        None => "as its image's user (root, for a node agent)",
    };
    let on = os
        .as_deref()
        .map(|os| format!("; the node runs {os}, which enforces SELinux by default"))
        .unwrap_or_default();
    Some(
        Hypothesis::new(
            if os.is_some() { 80 } else { 62 },
            loop_,
            owner.clone(),
            format!(
                "container {container} of {owner} runs {who}, unprivileged, and may not write {} on the node's directory {} (volume {vol_name}): file modes do not stop root, the node's mandatory access control does: SELinux in enforcing mode keeps a container's `container_t` out of host directories{on}",
                d.path, host.path
            ),
        )
        .fix(format!(
            "Let container {container} of {owner} write the node directory under SELinux: run it `privileged: true` (node agents that write host directories usually do), or give it `securityContext.seLinuxOptions.type: spc_t`; `ausearch -m avc -ts recent` on the node shows the denial. Setting SELinux permissive on the nodes works too, and gives up its protection."
        )),
    )
}

/// A write the kernel refuses (EACCES) on a claim's volume to a container
/// that runs as a non-root user: the volume's root is not that user's. A
/// pod-level `fsGroup` makes the kubelet give the volume to the group, but
/// file-storage and NFS volumes keep the owner the server gives them (and a
/// CSI driver with `fsGroupPolicy: None` skips it): then the class is where
/// to look. Without `fsGroup`, the pod template is.
fn write_denied(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    d: &crate::messages::fs::Denied,
) -> Option<Hypothesis> {
    let spec = pod.spec.as_ref()?;
    let user = match model::spec_container(pod, container) {
        Some(c) => EffectiveSecurityContext::of(spec, c).run_as_user,
        None => spec.security_context.as_ref().and_then(|s| s.run_as_user),
    };
    if let Some(h) = host_dir_confined(a, pod, container, d, user) {
        return Some(h);
    }
    if user == Some(0) {
        return None;
    }
    if let Some(h) = host_dir_denied(a, pod, container, d, user) {
        return Some(h);
    }
    let (vol_name, pvc) = claim_at(a, pod, container, &d.path)?;
    // A PersistentVolume on a node's directory (made by hand, or by a
    // hostPath provisioner such as local-path): the kubelet's hostPath
    // plugin applies no fsGroup, so the directory keeps the owner it has
    // on the node. A `local` volume takes the pod's fsGroup on its first
    // mount (`pkg/volume/local/local.go`), as a disk does.
    let pv = a.cluster.pv_of_claim(pvc);
    let on_node = pv.and_then(|p| Some(p.spec.as_ref()?.host_path.as_ref()?.path.clone()));
    let fs_group = spec.security_context.as_ref().and_then(|s| s.fs_group);
    if let (Some(dir), Some(pv)) = (&on_node, pv) {
        let ns = pod.ns_or_default();
        let who = user.map_or_else(|| "its image's user".to_owned(), |u| format!("user {u}"));
        let uid = user.map_or_else(|| "<uid>".to_owned(), |u| u.to_string());
        let gid = fs_group
            .or(user)
            .map_or_else(|| "<gid>".to_owned(), |g| g.to_string());
        return Some(
            Hypothesis::new(
                82,
                Loop::Storage,
                pvc.objref(),
                format!(
                    "container {container} ({who}) may not write {} on volume {vol_name} (claim {ns}/{}): PersistentVolume {} is directory {dir} of the node, which keeps the owner and mode it has there (the kubelet applies no fsGroup to hostPath volumes)",
                    d.path,
                    pvc.name(),
                    pv.name()
                ),
            )
            .fix(format!(
                "Give {who} the directory on the node: `chown -R {uid}:{gid} {dir}` (or `chmod 0777 {dir}` for a scratch volume), or run an init container as root that chowns the mount (a chart's `volumePermissions.enabled: true`); fsGroup does not reach a node directory."
            ))
            .link(Link::new(
                Loop::Storage,
                None,
                pvc.objref(),
                format!("mounted at {}, where {who} may not write", d.path),
            )),
        );
    }
    // No user in the spec: the image's own (a database image's `postgres`,
    // uid 26 or 999), which the volume's owner on the server does not let
    // write; an NFS export also squashes root.
    let Some(user) = user else {
        let owner = crate::model::workload_ref(a.cluster, pod);
        let ns = pod.ns_or_default();
        let nfs = a
            .cluster
            .pv_of_claim(pvc)
            .and_then(|pv| pv.spec.as_ref()?.nfs.as_ref())
            .map(|n| format!(" (NFS export {}:{})", n.server, n.path))
            .unwrap_or_default();
        // A volume the kubelet gives to an fsGroup (not an NFS export,
        // which keeps its server's owners): the pod template's missing
        // fsGroup is the thing to change.
        let root = if nfs.is_empty() {
            owner.clone()
        } else {
            pvc.objref()
        };
        return Some(
            Hypothesis::new(
                76,
                if nfs.is_empty() { Loop::Compute } else { Loop::Storage },
                root,
                format!("container {container} runs as its image's user and may not write {} on volume {vol_name} (claim {ns}/{}{nfs}): the directory's owner and permission on the volume do not admit that user, and the pod sets no fsGroup", d.path, pvc.name()),
            )
            .fix(format!("Give the container's user the volume: set `securityContext.fsGroup` (and `runAsUser`) on the pod template of {owner} to the image's uid and gid, or, for a volume that keeps its server's ownership (NFS), chown/chmod the exported directory to that uid on the server (`chown -R <uid>:<gid> <export>`) or run a `volumePermissions` init container as root."))
            .link(Link::new(Loop::Storage, None, pvc.objref(), format!("mounted at {}, where the container's user may not write", d.path))),
        );
    };
    let ns = pod.ns_or_default();
    let owner = crate::model::workload_ref(a.cluster, pod);
    let class = a.cluster.class_of_claim(pvc);
    let seen = Link::new(
        Loop::Storage,
        None,
        pvc.objref(),
        format!("mounted at {}, where user {user} may not write", d.path),
    );
    let h = match (fs_group, class) {
        (Some(g), Some(c)) => Hypothesis::new(
            82,
            Loop::Storage,
            c.objref(),
            format!(
                "container {container} (user {user}) may not write {} on volume {vol_name} (claim {ns}/{}): the pod sets fsGroup {g}, but volumes of StorageClass {} ({}) keep the owner their server gives them, so the group never applies",
                d.path,
                pvc.name(),
                c.name(),
                c.provisioner
            ),
        )
        .fix(format!(
            "Make the volume writable for user {user}: {}enable the chart's `volumePermissions` init container (it chowns the mount as root before the app starts), or use a class whose volumes take the pod's group or user (a block-storage class; for file storage a class or export owned by uid {user} / gid {g}); `kubectl get csidriver` shows whether the driver applies fsGroup (`fsGroupPolicy`).",
            class_owner_setting(&c.provisioner, c.name(), user, g)
                .map(|t| format!("{t}; or "))
                .unwrap_or_default()
        )),
        _ => Hypothesis::new(
            80,
            Loop::Storage,
            owner.clone(),
            format!(
                "container {container} runs as user {user} and may not write {} on volume {vol_name} (claim {ns}/{}); the pod sets no fsGroup, so the volume stays root's",
                d.path,
                pvc.name()
            ),
        )
        .fix(format!(
            "Set `securityContext.fsGroup: {user}` on the pod template of {owner} so the kubelet gives the volume to the container's group (or enable the chart's `volumePermissions` init container); the permission then allows the write."
        )),
    };
    Some(h.link(seen))
}

/// The setting of a file-storage class that decides who owns what its
/// driver creates or mounts, where the driver has one.
fn class_owner_setting(provisioner: &str, class: &str, user: i64, group: i64) -> Option<String> {
    match provisioner {
        // csi-driver-nfs chmods each volume's new directory to it.
        "nfs.csi.k8s.io" => Some(format!(
            "set `mountPermissions: \"0777\"` in the parameters of StorageClass {class} (csi-driver-nfs then chmods each new volume's directory; existing ones need a `chmod` on the server)"
        )),
        "smb.csi.k8s.io" | "file.csi.azure.com" => Some(format!(
            "add `uid={user}`, `gid={group}` (or `dir_mode=0777`, `file_mode=0777`) to the `mountOptions` of StorageClass {class}"
        )),
        "efs.csi.aws.com" => Some(format!(
            "set `uid: \"{user}\"`, `gid: \"{group}\"` (and `directoryPerms`) in the parameters of StorageClass {class}, so each access point is owned by that user"
        )),
        _ => None,
    }
}

/// A write refused with `Read-only file system`: the mount the pod asked
/// read-only, the container's read-only root, or, for an NFS volume the pod
/// mounts read-write, the server's export (`ro` in `/etc/exports`), outside
/// the cluster (aki0000/k8s-myplayground#27).
fn read_only(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    d: &crate::messages::fs::Denied,
) -> Option<Hypothesis> {
    let owner = crate::model::workload_ref(a.cluster, pod);
    let c = crate::model::spec_container(pod, container)?;
    if let Some(h) = host_read_only(pod, d, &owner) {
        return Some(h);
    }
    let Some(vol_name) = volume_at(pod, container, &d.path) else {
        // The container's own file system.
        let ro = c
            .security_context
            .as_ref()
            .and_then(|s| s.read_only_root_filesystem)
            == Some(true);
        return ro.then(|| {
            Hypothesis::new(
                80,
                Loop::Compute,
                owner.clone(),
                format!("container {container} writes {} on its root file system, which `readOnlyRootFilesystem: true` makes read-only", d.path),
            )
            .fix(format!("Mount an `emptyDir` volume at the directory of {} in container {container} of {owner} (or point the program's writable paths at a mounted volume); keep the root read-only.", d.path))
        });
    };
    let mount_ro = c
        .volume_mounts
        .iter()
        .flatten()
        .any(|m| m.name == vol_name && m.read_only == Some(true));
    if mount_ro {
        return Some(
            Hypothesis::new(
                80,
                Loop::Compute,
                owner.clone(),
                format!("container {container} writes {} on volume {vol_name}, which it mounts `readOnly: true`", d.path),
            )
            .fix(format!("Drop `readOnly: true` from the mount of volume {vol_name} in container {container} of {owner}, or point the program's writes elsewhere.")),
        );
    }
    let (_, pvc) = claim_at(a, pod, container, &d.path)?;
    let pv = a.cluster.pv_of_claim(pvc)?;
    let nfs = pv.spec.as_ref()?.nfs.as_ref()?;
    Some(
        Hypothesis::new(
            80,
            Loop::Storage,
            pv.objref(),
            format!("container {container} cannot write {} on NFS volume {} ({}:{}), which the pod mounts read-write: the kernel answers `Read-only file system`, so the server exports it read-only (or the node mounted it so)", d.path, pv.name(), nfs.server, nfs.path),
        )
        .fix(format!("Export {} read-write on NFS server {} (`rw` in /etc/exports, then `exportfs -ra`) and check the server's own file system is not mounted read-only; the pod starts on its next restart.", nfs.path, nfs.server))
        .missing(format!("NFS server {}'s export options (`showmount -e {}`, /etc/exports)", nfs.server, nfs.server))
        .unexplained(),
    )
}

/// The runtime cannot create the source of a hostPath volume (`error while
/// creating mount source path '<p>': mkdir <q>: read-only file system`):
/// the node's own file system is read-only there, as an image-based OS
/// (SUSE MicroOS, Talos, Flatcar, Bottlerocket) keeps its root
/// (openebs/openebs#2456).
fn host_read_only(
    pod: &Res<Pod>,
    d: &crate::messages::fs::Denied,
    owner: &ObjRef,
) -> Option<Hypothesis> {
    let (name, path) = pod.spec.as_ref()?.volumes.iter().flatten().find_map(|v| {
        let p = v.host_path.as_ref()?.path.trim_end_matches('/');
        (d.path == p || d.path.starts_with(&format!("{p}/"))).then_some((v.name.as_str(), p))
    })?;
    let node = crate::model::node_name(pod).unwrap_or("the node");
    Some(
        Hypothesis::new(
            80,
            Loop::Storage,
            owner.clone(),
            format!("the hostPath volume {name} of {owner} needs {path} on node {node}, and the node's file system is read-only there: the runtime cannot create it (`{}`: read-only file system)", d.path),
        )
        .fix(format!("Point hostPath volume {name} of {owner} at a writable directory of the node (on an image-based OS with a read-only root, under /var or the directory its vendor documents for workloads), or create {path} on a writable mount of every node first."))
        .missing(format!("node {node}'s mounts (`findmnt -T {path}` on the node)")),
    )
}
