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
