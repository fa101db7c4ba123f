//! A mount that mount(8) refuses on the node ([`crate::messages::mount`]):
//! a file system whose `/sbin/mount.<type>` helper the node lacks is the
//! node's to fix (install the client package); a block device that does not
//! hold the file system asked for is the volume's.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::mount::{MountFailure, classify, helper_package};
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};

/// The cause of a mount(8) failure the message quotes, if it is one.
pub fn node_side(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    message: &str,
    link: Option<Link>,
) -> Option<Hypothesis> {
    if let Some(h) = newline_in_arguments(pod, message) {
        return Some(h.links(link));
    }
    let node = model::node_name(pod);
    match classify(message)? {
        MountFailure::HelperMissing { fstype } => {
            let (deb, rpm) = helper_package(&fstype)?;
            let node = node?;
            let obj = a
                .cluster
                .nodes
                .iter()
                .find(|n| n.name() == node)
                .map(|n| n.objref())
                .unwrap_or_else(|| ObjRef::new("Node", None, node));
            Some(
                Hypothesis::new(
                    86,
                    Loop::Storage,
                    obj,
                    format!("node {node} cannot mount the {fstype} volume of pod {}: mount(8) finds no /sbin/mount.{fstype} helper, so the {fstype} client is not installed on the node", pod.name()),
                )
                .fix(format!("Install the {fstype} client on node {node} and every node that may run the pod (`apt-get install {deb}` on Debian/Ubuntu, `yum install {rpm}` on RHEL/CentOS; it provides /sbin/mount.{fstype}), or bake it into the node image; then the kubelet's next retry mounts."))
                .links(link),
            )
        }
        MountFailure::HostToolMissing { tool } => {
            let (deb, rpm) = crate::messages::mount::host_tool_package(tool)?;
            let (obj, node) = model::pod_node_ref(a.cluster, pod);
            Some(
                Hypothesis::new(
                    86,
                    Loop::Storage,
                    obj,
                    format!("node {node} cannot stage the volume of pod {}: the CSI node plugin runs {tool} in the node's own root, and the node has no {tool} (its initiator tools are not installed)", pod.name()),
                )
                .fix(format!("Install {tool} on node {node} and every node that may mount these volumes (`apt-get install {deb}` on Debian/Ubuntu, `yum install {rpm}` on RHEL/CentOS; enable and start its service, e.g. `systemctl enable --now iscsid` for iSCSI), or bake it into the node image; the kubelet's next retry stages the volume."))
                .links(link),
            )
        }
        MountFailure::NfsAccessDenied { efs, iam } => {
            Some(nfs_denied(a, pod, efs, iam).links(link))
        }
        MountFailure::DeviceBusy { device } => Some(
            Hypothesis::new(
                58,
                Loop::Storage,
                pod.objref(),
                format!("node {} cannot mount {device} for pod {}: mount(8) finds the device `already mounted or mount point busy`, so a process of the host holds it, most often multipathd, which claims every new block device", node.unwrap_or("?"), pod.name()),
            )
            .fix(format!("On the node, `lsblk {device}` and `multipath -ll` show who holds it; when multipathd does, blacklist the volumes' devices in /etc/multipath.conf (`blacklist {{ devnode \"^sd[a-z0-9]+\" }}`, or the driver's vendor/product) and `systemctl restart multipathd`, then the kubelet's next retry mounts."))
            .missing(format!("what holds {device} on the node (`lsblk`, `multipath -ll`)"))
            .links(link)
            .unexplained(),
        ),
        MountFailure::WrongFsType { fstype } => {
            let what = fstype.as_deref().unwrap_or("the file system asked for");
            Some(
                Hypothesis::new(
                    60,
                    Loop::Storage,
                    pod.objref(),
                    format!("mount(8) on node {} finds no {what} on the volume's device of pod {} (wrong fs type, or a corrupt superblock)", node.unwrap_or("?"), pod.name()),
                )
                .fix(format!("Compare the PersistentVolume's `fsType` (or the StorageClass's `csi.storage.k8s.io/fstype`) with the file system on the disk (`blkid` on the node); a disk formatted with another file system, or a damaged one (`dmesg`), needs `fsType` set to match or a repair ({what})."))
                .links(link),
            )
        }
    }
}

/// The NFS server refuses the node. For Amazon EFS mounted without the
/// `iam` option, a file system policy that requires IAM authorisation
/// refuses it: the StorageClass (or PV) is missing `mountOptions: [iam]`.
/// Otherwise the server's export list or a firewall outside the cluster.
fn nfs_denied(a: &Analysis<'_>, pod: &Res<Pod>, efs: bool, iam: bool) -> Hypothesis {
    let node = model::node_name(pod).unwrap_or("its node");
    let ns = pod.ns_or_default();
    // The volume's claim, PV and StorageClass.
    let claim = pod
        .spec
        .as_ref()
        .and_then(|s| model::claims(s).next())
        .and_then(|c| a.cluster.pvc(ns, c));
    let class = claim.and_then(|c| a.cluster.class_of_claim(c));
    if efs && !iam {
        let obj = class.map_or_else(|| pod.objref(), |c| c.objref());
        return Hypothesis::new(
            84,
            Loop::Storage,
            obj.clone(),
            format!("the EFS file system refuses the mount of pod {} on {node} (`access denied by server`), and the mount does not use IAM authorisation (no `iam` mount option): a file system policy that requires IAM, or grants only IAM principals, refuses it", pod.name()),
        )
        .fix(format!("Add `mountOptions: [tls, iam]` to {obj} (a StorageClass's mountOptions apply to volumes provisioned after the change: recreate the claim), and give the EFS CSI driver's ServiceAccounts an IAM role allowed `elasticfilesystem:ClientMount` (and `ClientWrite`) on the file system; or relax the file system policy."))
        .missing("the EFS file system policy, which lives in the AWS account");
    }
    Hypothesis::new(
        60,
        Loop::Storage,
        claim.and_then(|c| a.cluster.pv_of_claim(c)).map_or_else(|| pod.objref(), |pv| pv.objref()),
        format!("the NFS server refuses node {node} when pod {} mounts its volume (`access denied by server`)", pod.name()),
    )
    .fix(format!("Allow {node} in the NFS server's exports (the node's address, or the nodes' subnet, in /etc/exports or the filer's export policy), and check the security group or firewall in between; `showmount -e <server>` from the node lists what it exports to it."))
    .missing("the NFS server's export list")
    .unexplained()
}

/// CSI drivers that attach nothing (file shares, secret stores), for when
/// the input holds no CSIDriver object saying `attachRequired: false`.
const NO_ATTACH: [&str; 5] = [
    "efs.csi.aws.com",
    "nfs.csi.k8s.io",
    "file.csi.azure.com",
    "filestore.csi.storage.gke.io",
    "secrets-store.csi.k8s.io",
];

/// The kubelet's `timed out waiting for the condition` on volumes whose
/// driver attaches nothing: nothing is to be attached, so the mount itself
/// hangs. For a file share (EFS, NFS, Azure Files, Filestore) that is the
/// server not answering the node on NFS's port 2049 (a security group, a
/// firewall, a mount target missing in the node's zone), outside the
/// cluster (kubernetes-sigs/aws-efs-csi-driver#629).
pub fn unattachable_wait(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    volumes: &[&str],
    link: Option<Link>,
) -> Option<Hypothesis> {
    let spec = pod.spec.as_ref()?;
    let ns = pod.ns_or_default();
    let driver = volumes.iter().find_map(|v| {
        let vol = spec.volumes.iter().flatten().find(|x| x.name == *v)?;
        let claim = vol.persistent_volume_claim.as_ref()?;
        let pvc = a.cluster.pvc(ns, &claim.claim_name)?;
        let pv = a.cluster.pv_of_claim(pvc)?;
        let driver = pv.spec.as_ref()?.csi.as_ref()?.driver.clone();
        let declared = a
            .cluster
            .csi_drivers
            .iter()
            .find(|d| d.name() == driver)
            .and_then(|d| d.spec.attach_required);
        (declared == Some(false) || (declared.is_none() && NO_ATTACH.contains(&driver.as_str())))
            .then_some(driver)
    })?;
    let node = model::node_name(pod).unwrap_or("its node");
    Some(
        Hypothesis::new(
            52,
            Loop::Storage,
            pod.objref(),
            format!("the kubelet on {node} times out mounting the volume of pod {} from {driver}, which attaches nothing: the mount itself hangs, so the file server does not answer the node", pod.name()),
        )
        .fix("Check the path from the node to the file server: NFS (EFS, Azure Files, Filestore) needs TCP 2049 allowed from the nodes' security group or firewall to the server's, EFS a mount target in the node's zone and subnet, and the server's DNS name resolving from the node; the CSI node plugin's log on the node shows the hanging mount.")
        .missing("the network path between the node and the file server (security groups, firewall rules, mount targets)")
        .links(link)
        .unexplained(),
    )
}

/// mount(8)'s arguments, as the kubelet quotes them, broken by a newline:
/// a value from the volume's Secret ends in one (base64 of `echo value`,
/// not `echo -n value`), and the share's host or the user name is then
/// not what the server knows (kubernetes/kubernetes#63326).
fn newline_in_arguments(pod: &Res<Pod>, message: &str) -> Option<Hypothesis> {
    let (_, args) = message.split_once("Mounting arguments:")?;
    let args = args.split("Output:").next().unwrap_or(args).trim();
    if !args.contains('\n') {
        return None;
    }
    let (_, volume, _) = crate::messages::volume::parse_operation_error(message)?;
    let v = pod
        .spec
        .as_ref()?
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == volume)?;
    let ns = pod.ns_or_default();
    let (_, secret) = super::mount_secret::inline_secret(v, ns)?;
    Some(
        Hypothesis::new(
            88,
            Loop::Storage,
            ObjRef::new("Secret", Some(ns), &secret),
            format!("the mount arguments of volume {volume} of pod {} break at a newline inside a value: a value of Secret {ns}/{secret} (the account or user name, or the host it builds) ends in a newline, so the server's name or the user is not the one meant", pod.name()),
        )
        .fix(format!("Store the values of Secret {ns}/{secret} without the trailing newline: `kubectl create secret generic {secret} -n {ns} --from-literal=KEY=VALUE … --dry-run=client -o yaml | kubectl apply -f -`, or encode with `echo -n VALUE | base64` (plain `echo` adds the newline); then delete the pod so the kubelet mounts again.")),
    )
}
