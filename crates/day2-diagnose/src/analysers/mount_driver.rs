//! A mount the CSI driver refuses for what the volume's objects ask of it:
//!
//! - the driver cannot format the volume with the file system asked for
//!   (`exec: "mkfs.xfs": executable file not found in $PATH`): the node
//!   plugin's image lacks that file system's tools, so the `fsType` of the
//!   StorageClass (or of the volume) is the field to change;
//! - the driver looks up an object the volume names and the API has none
//!   (`SecretProviderClass.secrets-store.csi.x-k8s.io "x" not found`): the
//!   volume's attribute that names it is a dangling reference.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

/// The PersistentVolume a message names in quotes (`for volume "pvc-…"`).
fn quoted_volume<'c>(
    a: &Analysis<'c>,
    message: &str,
) -> Option<&'c Res<k8s_openapi::api::core::v1::PersistentVolume>> {
    a.cluster
        .pvs
        .iter()
        .find(|pv| message.contains(&format!("\"{}\"", pv.name())))
}

/// The file system whose tool the driver lacks: `mkfs.xfs`, `fsck.ext4`.
fn missing_tool(message: &str) -> Option<(String, String)> {
    if !message.contains("executable file not found") {
        return None;
    }
    let at = message.find("mkfs.").or_else(|| message.find("fsck."))?;
    let tool: String = message[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let fs = tool.split_once('.')?.1.to_owned();
    (!fs.is_empty()).then_some((tool, fs))
}

/// The kind, API group and name of a custom resource the API says is not
/// found: `Kind.group.example.io "name" not found`.
fn missing_resource(message: &str) -> Option<(String, String)> {
    let (before, _) = message.split_once("\" not found")?;
    let (head, name) = before.rsplit_once(" \"")?;
    let qualified = head
        .rsplit(|c: char| c.is_whitespace() || c == ':')
        .next()?;
    let (kind, group) = qualified.split_once('.')?;
    let custom = group.contains('.') && kind.chars().next().is_some_and(char::is_uppercase);
    custom.then(|| (kind.to_owned(), name.to_owned()))
}

pub fn driver_side(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    message: &str,
    link: Option<Link>,
) -> Option<Hypothesis> {
    let ns = pod.ns_or_default();
    if let Some(h) = category_unsupported(a, pod, message, None)
        .or_else(|| host_dir_gone(a, pod, message))
        .or_else(|| super::mount_server_name::unresolved(a, pod, message))
        .or_else(|| super::staging_path::outside_plugin(a, pod, message))
        .or_else(|| super::csi_secret_keys::missing_key(a, pod, message))
    {
        return Some(h.links(link));
    }
    // A value of the volume's class the driver quotes as missing or refused
    // (ZFS LocalPV's `cannot open 'zfspv-pool1/pvc-…': dataset does not
    // exist` for a `poolname` no node has, openebs/zfs-localpv#111).
    if let Some(h) = pod
        .spec
        .as_ref()
        .into_iter()
        .flat_map(|s| model::claims(s))
        .filter_map(|c| a.cluster.pvc(ns, c))
        .filter_map(|c| a.cluster.class_of_claim(c))
        .find_map(|class| super::class_params::value_refused(class, message))
    {
        return Some(h.links(link));
    }
    if let Some((tool, fs)) = missing_tool(message) {
        // The volume the message names, and the class that asked for `fs`.
        let pv = quoted_volume(a, message);
        let class = pv
            .and_then(|pv| day2_model::cluster::volume_class_name(pv))
            .and_then(|sc| a.cluster.storage_classes.iter().find(|c| c.name() == sc));
        let root = class
            .map(|c| c.objref())
            .or_else(|| pv.map(|p| p.objref()))
            .unwrap_or_else(|| pod.objref());
        return Some(
            Hypothesis::new(
                85,
                Loop::Storage,
                root.clone(),
                format!(
                    "the CSI node plugin cannot format the volume of pod {} as {fs}: its image has no {tool} (`executable file not found`), and {} {} asks for {fs}",
                    pod.name(),
                    root.kind,
                    root.name
                ),
            )
            .fix(format!(
                "Use a file system the driver's node plugin can format: set the fsType of {} {} to ext4 (StorageClasses cannot be edited: create a new class and move the claim to it), or run a version of the driver whose image ships the {fs} tools ({tool}).",
                root.kind, root.name
            ))
            .links(link),
        );
    }
    let (kind, name) = missing_resource(message)?;
    // The volume attribute that names the object.
    let attribute = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| v.csi.as_ref()?.volume_attributes.as_ref())
        .flat_map(|attrs| attrs.iter())
        .find(|(_, v)| **v == name)
        .map(|(k, _)| k.clone());
    let workload = model::workload_ref(a.cluster, pod);
    let field = attribute
        .as_deref()
        .map(|k| format!("volumeAttributes.{k}"))
        .unwrap_or_else(|| "the volume's attributes".to_owned());
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            workload.clone(),
            format!(
                "the CSI volume of pod {} names {kind} {ns}/{name} ({field}), which does not exist, so the driver cannot mount it",
                pod.name()
            ),
        )
        .fix(format!(
            "Point {field} of the volume in {workload} at the {kind} that exists in namespace {ns} (`kubectl get {} -n {ns}`), or create {kind} {name} there.",
            kind.to_ascii_lowercase()
        ))
        .links(link),
    )
}

/// The cloud refuses to attach the disk to the node's machine because its
/// instance type does not take the disk's category (Alibaba Cloud's
/// `InvalidInstanceType.NotSupportDiskCategory: The instanceType of the
/// specified instance does not support this disk category`,
/// kubernetes-sigs/alibaba-cloud-csi-driver#274): the class's disk type
/// and the node's instance type do not go together.
pub(super) fn category_unsupported<'c>(
    a: &Analysis<'c>,
    pod: &Res<Pod>,
    message: &str,
    volume: Option<&'c Res<k8s_openapi::api::core::v1::PersistentVolume>>,
) -> Option<Hypothesis> {
    let l = message.to_ascii_lowercase();
    // GCE's `'[pd-standard] features are not compatible for creating
    // instance'` (a C3 machine, kubernetes-sigs/gcp-compute-persistent-disk-csi-driver#1212).
    let refused = l.contains("notsupportdiskcategory")
        || l.contains("features are not compatible for creating instance")
        || (l.contains("instance")
            && l.contains("does not support")
            && l.contains("disk category"));
    if !refused {
        return None;
    }
    let pv = quoted_volume(a, message).or(volume)?;
    let class = day2_model::cluster::volume_class_name(pv)
        .and_then(|sc| a.cluster.storage_classes.iter().find(|c| c.name() == sc));
    let category = class
        .and_then(|c| c.parameters.as_ref())
        .and_then(|p| {
            ["type", "category", "diskCategory", "skuName"]
                .iter()
                .find_map(|k| p.get(*k).map(|v| format!("{k}: {v}")))
        })
        .unwrap_or_else(|| "its disk type".to_owned());
    let (node_ref, node) = model::pod_node_ref(a.cluster, pod);
    let instance = a
        .cluster
        .node(node)
        .and_then(|n| {
            n.metadata
                .labels
                .as_ref()?
                .get("node.kubernetes.io/instance-type")
                .cloned()
        })
        .map(|t| format!(" ({t})"))
        .unwrap_or_default();
    let root = class.map(|c| c.objref()).unwrap_or_else(|| pv.objref());
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            root.clone(),
            format!(
                "the cloud will not attach volume {} to node {node}{instance}: its instance type does not support the disk category {} {} asks for ({category})",
                pv.name(),
                root.kind,
                root.name
            ),
        )
        .fix(format!(
            "Match the disk type (category) to the machines: use a StorageClass whose `{category}` is one node {node}'s instance type supports (the cloud's instance-family table lists them{}), or keep these pods on instance types that take it (node affinity on `node.kubernetes.io/instance-type`); a volume already made in the wrong category must be recreated (or snapshotted and restored) in the right one.",
            if category.contains("pd-") {
                "; on GCE the C3, N4 and newer series take only `pd-balanced`, `pd-ssd` or Hyperdisk"
            } else {
                ""
            }
        ))
        .link(Link::new(Loop::Compute, None, node_ref, format!("node {node}{instance}"))),
    )
}

/// A local volume (hostPath or `local` PersistentVolume) whose directory
/// the kubelet does not find on the node (`MountVolume.NewMounter
/// initialization failed for volume "pvc-…" : path "/var/local-path-
/// provisioner/…" does not exist`): the provisioner made it where the
/// kubelet does not look (a kubelet in a container, as on Talos, needs the
/// directory mounted in: siderolabs/talos#9003), or the node was rebuilt
/// and its local data went with it.
fn host_dir_gone(a: &Analysis<'_>, pod: &Res<Pod>, message: &str) -> Option<Hypothesis> {
    if !message.contains("NewMounter initialization failed") || !message.contains("does not exist")
    {
        return None;
    }
    let pv = quoted_volume(a, message)?;
    let spec = pv.spec.as_ref()?;
    let path = spec
        .host_path
        .as_ref()
        .map(|h| h.path.clone())
        .or_else(|| spec.local.as_ref().map(|l| l.path.clone()))?;
    let (node_ref, node) = model::pod_node_ref(a.cluster, pod);
    let base = path
        .trim_start_matches('/')
        .split('/')
        .take(2)
        .collect::<Vec<_>>()
        .join("/");
    Some(
        Hypothesis::new(
            80,
            Loop::Storage,
            node_ref,
            format!(
                "the kubelet on node {node} does not find directory {path} of local volume {}: the provisioner created it where the kubelet does not see it, or the node lost it",
                pv.name()
            ),
        )
        .fix(format!(
            "If the kubelet runs in a container (Talos, k0s, kind), mount the provisioner's directory into it (Talos: `machine.kubelet.extraMounts` with /{base} as source and destination, `rbind`), then recreate the pod; if node {node} was rebuilt, its local data is gone: delete PersistentVolume {} and its claim so a new volume is provisioned.",
            pv.name()
        )),
    )
}

/// What the node itself lacks for the mount: a resource the driver's
/// helper has used up ([`node_exhausted`]), or a kernel module its kernel
/// will not load (`modprobe: FATAL: Module rbd not found in directory
/// /lib/modules/3.10.107-pine64`, rook/rook#1677), which is the host's,
/// outside the cluster.
pub fn node_lacks(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    message: &str,
    link: Option<Link>,
) -> Option<Hypothesis> {
    if let Some(h) = node_exhausted(a, pod, message, link.clone()) {
        return Some(h);
    }
    let (module, reason) =
        message
            .lines()
            .find_map(|l| match crate::messages::errors::classify_line(l)? {
                crate::messages::errors::ErrorClass::KernelModule { module, reason } => {
                    Some((module, reason))
                }
                _ => None,
            })?;
    let (on_node, node) = model::pod_node_ref(a.cluster, pod);
    let kernel = a
        .cluster
        .node(node)
        .and_then(|n| model::node_info(n))
        .map(|i| format!(" (kernel {})", i.kernel_version))
        .unwrap_or_default();
    Some(
        Hypothesis::new(
            80,
            Loop::Storage,
            on_node,
            format!("mounting the volume of pod {} needs kernel module {module}, and node {node}'s kernel{kernel} will not load it ({reason}): that is the host's, outside the cluster", pod.name()),
        )
        .fix(format!("On node {node}, install and load the module for the running kernel (`sudo modprobe {module}`, listed in /etc/modules-load.d/; the distribution's module package, or a kernel built with it), or keep the pods that mount this storage off nodes whose kernel lacks it; the mount retries on its own."))
        .missing(format!("node {node}'s kernel modules (`lsmod`, /lib/modules)"))
        .links(link)
        .unexplained(),
    )
}

/// An attach the storage backend fails, whose own objects for the volume
/// (Longhorn's `Engine` and `Replica`, named after the PersistentVolume)
/// report in their events a kernel module the node will not load
/// (`could not find module by name='iscsi_tcp'`, longhorn/longhorn#1853):
/// [`node_lacks`], read from there.
pub fn backend_node_lacks(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    pv: Option<&Res<k8s_openapi::api::core::v1::PersistentVolume>>,
) -> Option<Hypothesis> {
    let name = pv?.name();
    let said = a.memo.module_warnings.get_or_init(|| {
        let other = |k: &str| !matches!(k, "Pod" | "PersistentVolume" | "PersistentVolumeClaim");
        a.cluster
            .events
            .iter()
            .filter(|e| {
                e.is_warning() && other(&e.involved.kind) && e.message_text().contains("module")
            })
            .map(|e| &**e)
            .collect()
    });
    said.iter()
        .filter(|e| e.involved.name.starts_with(name))
        .find_map(|e| node_lacks(a, pod, e.message_text(), None))
}

/// A static PersistentVolume whose GCE persistent disk the cloud does not
/// find (`RESOURCE_NOT_FOUND: The resource
/// 'projects/P/zones/Z/disks/D' was not found`): the `volumeHandle` names
/// a project, zone or disk the cluster's service account does not see, as
/// a PV copied from another project's cluster does
/// (kubernetes-sigs/gcp-compute-persistent-disk-csi-driver#1314: a disk of
/// another project, which the driver cannot attach across projects).
pub fn disk_not_found(
    pv: Option<&Res<k8s_openapi::api::core::v1::PersistentVolume>>,
    err: &str,
) -> Option<Hypothesis> {
    let pv = pv?;
    let handle = &pv.spec.as_ref()?.csi.as_ref()?.volume_handle;
    let project = handle.strip_prefix("projects/")?.split('/').next()?;
    let lower = err.to_ascii_lowercase();
    if !(err.contains(handle.as_str())
        && (lower.contains("not found")
            || lower.contains("notfound")
            || lower.contains("resource_not_found")))
    {
        return None;
    }
    Some(
        Hypothesis::new(
            70,
            Loop::Storage,
            pv.objref(),
            format!(
                "PersistentVolume {} names disk {handle}, which the cloud does not find for the cluster: the `volumeHandle` points at project {project}, a zone or a disk the cluster's nodes and driver cannot use",
                pv.name()
            ),
        )
        .fix(format!(
            "Correct `spec.csi.volumeHandle` of PersistentVolume {} (immutable: recreate the PV and its claim) to a disk in the cluster's own project and the nodes' zone; a disk of project {project} cannot be attached across projects: snapshot it there and create a disk from the snapshot in the cluster's project (`gcloud compute disks create --source-snapshot projects/{project}/global/snapshots/<snap> --project <cluster project> --zone <zone>`).",
            pv.name()
        )),
    )
}

/// A mount helper of the driver that has run out of something the node
/// plugin's processes hold on that node: efs-utils' `Failed to locate an
/// available port in the range [20049, 20449]` (every local port taken by
/// TLS tunnels, stunnel, never reaped after their volumes were unmounted:
/// kubernetes-sigs/aws-efs-csi-driver#281), or `too many open files`. Other
/// nodes mount fine; the node plugin on this one is what to restart.
fn node_exhausted(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    message: &str,
    link: Option<Link>,
) -> Option<Hypothesis> {
    let what = if message.contains("available port in the range") {
        "local ports (its TLS tunnels, stunnel processes of volumes long unmounted, still hold them)"
    } else if message.to_ascii_lowercase().contains("too many open files") {
        "file descriptors"
    } else {
        return None;
    };
    let node = model::node_name(pod)?;
    let ns = pod.ns_or_default();
    let driver = model::claims(pod.spec.as_ref()?)
        .filter_map(|c| a.cluster.pvc(ns, c))
        .filter_map(|c| a.cluster.pv_of_claim(c))
        .filter_map(|pv| pv.spec.as_ref()?.csi.as_ref())
        .map(|csi| csi.driver.as_str())
        .next()?;
    let ds = super::csi_registration::node_plugin(a, driver)?;
    let plugin = a.cluster.pods_on_node(node).find(|p| {
        a.cluster
            .owner_of(p)
            .is_some_and(|o| o.kind == "DaemonSet" && o.name == ds.name())
    });
    let root = plugin.map_or_else(|| ds.objref(), |p| p.objref());
    let restart = plugin.map_or_else(
        || format!("the {} pod on {node}", ds.name()),
        |p| format!("`kubectl delete pod -n {} {}`", p.ns_or_default(), p.name()),
    );
    Some(
        Hypothesis::new(
            78,
            Loop::Storage,
            root,
            format!(
                "the {driver} node plugin on {node} ({}) has run out of {what}: new mounts on that node fail while other nodes mount ({})",
                ds.name(),
                day2_model::redact::excerpt(message, 160)
            ),
        )
        .fix(format!(
            "Restart the node plugin on {node} ({restart}; DaemonSet {}/{}) to free what its processes hold, and upgrade the driver to a release that reaps them; the mounts then retry on their own.",
            ds.ns_or_default(),
            ds.name()
        ))
        .links(link),
    )
}

/// A mount the CSI driver fails for a reason no reading names: the driver's
/// words are the evidence, and its node plugin's log on that node is where
/// the rest is. Names that pod and the command that reads it; for a block
/// volume (one with an `fsType`, a device the node must first reach) whose
/// stage (`MountDevice`, NodeStageVolume) timed out, the node's paths to
/// the array: its iSCSI sessions to the portals the VolumeAttachment
/// records, or its multipath devices.
pub fn unread(a: &Analysis<'_>, pod: &Res<Pod>, message: &str, link: Option<Link>) -> Hypothesis {
    if let Some(h) = super::mount_kubelet::kubelet_own(a, pod, message)
        .or_else(|| super::mount_kubelet::flex_garbled(pod, message))
        .or_else(|| super::csi_secret_keys::account_keys(a, pod, message))
    {
        return h.links(link);
    }
    let node = model::node_name(pod).unwrap_or("?");
    let pvs: Vec<_> = model::claimed_volumes(a.cluster, pod).into_iter().collect();
    let pv = pvs
        .iter()
        .find(|pv| message.contains(pv.name()))
        .or_else(|| pvs.first())
        .copied();
    let csi = pv.and_then(|p| p.spec.as_ref()?.csi.as_ref());
    let plugin = csi
        .and_then(|c| super::csi_registration::node_plugin(a, &c.driver))
        .and_then(|ds| {
            a.cluster.pods_on_node(node).find(|p| {
                a.cluster
                    .owner_of(p)
                    .is_some_and(|o| o.kind == "DaemonSet" && o.name == ds.name())
            })
        });
    let read = match plugin {
        Some(p) => {
            let container = p
                .spec
                .as_ref()
                .and_then(|s| {
                    s.containers.iter().find(|c| {
                        let i = c.image.as_deref().unwrap_or("");
                        !i.contains("registrar") && !i.contains("livenessprobe")
                    })
                })
                .map(|c| format!(" -c {}", c.name))
                .unwrap_or_default();
            format!(
                "Read the CSI node plugin's log on {node}: `kubectl logs -n {} {}{container}` (the driver's reason for this volume)",
                p.ns_or_default(),
                p.name()
            )
        }
        None => format!("Read the CSI node plugin's logs on {node} (the driver's node DaemonSet)"),
    };
    let lower = message.to_ascii_lowercase();
    let staged_late = message.contains("MountDevice")
        && (lower.contains("timeout") || lower.contains("timed out") || lower.contains("deadline"));
    let block = csi.is_some_and(|c| c.fs_type.as_deref().is_some_and(|t| !t.is_empty()));
    let portals: Vec<String> = pv
        .map(|pv| {
            a.cluster
                .stores
                .volume_attachments
                .iter()
                .filter(|va| va.spec.source.persistent_volume_name.as_deref() == Some(pv.name()))
                .filter_map(|va| va.status.as_ref()?.attachment_metadata.as_ref())
                .filter(|m| m.keys().any(|k| k.to_ascii_lowercase().contains("iscsi")))
                .flat_map(|m| m.values())
                .filter(|v| {
                    v.split(':')
                        .next()
                        .is_some_and(|h| h.parse::<std::net::IpAddr>().is_ok())
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let paths = if !portals.is_empty() {
        format!(
            " The volume is attached over iSCSI: on {node}, `iscsiadm -m session -P 1` shows whether each portal of the array ({}) is logged in, and `multipath -ll` its paths; a portal that does not answer is the array's or the network's.",
            portals.join(", ")
        )
    } else if let Some(note) = super::mount_tls::note(node, message) {
        note
    } else if let Some(code) = smb_unreachable(message) {
        let host = message
            .split(|c: char| c.is_whitespace())
            .find_map(|w| w.strip_prefix("//")?.split('/').next())
            .filter(|h| !h.is_empty() && !h.contains('*'))
            .unwrap_or("<account>.file.core.windows.net");
        format!(
            " `mount error({code})` is the SMB client getting no connection to the file server: outbound TCP 445 from {node} is blocked (a firewall, network security group or ISP; or the storage account accepts only its private endpoint). From the node, `nc -zv {host} 445` shows it; open port 445 to the account or reach it through a private endpoint."
        )
    } else if message.contains("-t lustre")
        && [
            "Is the MGS running",
            "exit status 5",
            "Input/output error",
            "Connection timed out",
        ]
        .iter()
        .any(|w| message.contains(w))
    {
        format!(
            " The Lustre client on {node} gets no answer from the file system's servers (`mount.lustre` fails): LNet's TCP port 988 from the node to the file system must be open; for Amazon FSx for Lustre, the file system's security group must allow inbound TCP 988 from the nodes' security group (and the nodes' outbound rules allow it)."
        )
    } else if staged_late && block {
        format!(
            " Staging a block volume connects {node} to the storage array first: on the node, `iscsiadm -m session -P 1` (iSCSI portals), `multipath -ll` and `dmesg` show a path or portal that does not answer, which is the array's or the network's."
        )
    } else {
        String::new()
    };
    Hypothesis::new(
        40,
        Loop::Storage,
        pod.objref(),
        format!(
            "mounting fails on node {node}: {}",
            day2_model::redact::excerpt(message, 200)
        ),
    )
    .fix(format!("{read}.{paths}"))
    .missing("the CSI node plugin's log on that node, and the node's own view of the disk")
    .links(link)
    // Nothing the input holds names a cause: the driver's words are
    // the evidence, not an object to change.
    .unexplained()
}

/// The mount.cifs error codes of a server it cannot reach: `(115)`
/// EINPROGRESS, `(113)` EHOSTUNREACH, `(112)` EHOSTDOWN, `(110)` ETIMEDOUT
/// (Azure/AKS#1592: outbound port 445 blocked).
fn smb_unreachable(message: &str) -> Option<&'static str> {
    if !message.contains("cifs") && !message.contains("smb") {
        return None;
    }
    ["115", "113", "112", "110"]
        .into_iter()
        .find(|c| message.contains(&format!("mount error({c})")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_smb_server_out_of_reach() {
        let m = "MountVolume.SetUp failed for volume \"pvc-1\" : mount failed: exit status 32\nMounting command: systemd-run\nMounting arguments: --scope -- mount -t cifs -o vers=3.0 //acct.file.core.windows.net/share /var/lib/kubelet/pods/x\nOutput: mount error(115): Operation now in progress";
        assert_eq!(super::smb_unreachable(m), Some("115"));
        assert_eq!(
            super::smb_unreachable("mount -t cifs ... mount error(13): Permission denied"),
            None
        );
        assert_eq!(
            super::smb_unreachable("mount -t nfs: mount error(115)"),
            None
        );
    }
}
