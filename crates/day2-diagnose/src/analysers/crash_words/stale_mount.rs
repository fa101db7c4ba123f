//! A container the runtime cannot start because the directory of a network
//! file system volume under the kubelet's pod directory cannot be made
//! (`error while creating mount source path
//! '/var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~nfs/<volume>': mkdir
//! …: file exists`): the path is there but cannot be read, as a mount whose
//! server no longer serves it is (NFS's stale file handle: the export
//! moved, was recreated or the server's path changed;
//! kubernetes-sigs/nfs-subdir-external-provisioner#214).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

/// The volume's name and plugin directory in the runtime's words.
fn stale_source(line: &str) -> Option<(&str, &str)> {
    let (_, rest) = line.split_once("error while creating mount source path '")?;
    let (path, after) = rest.split_once('\'')?;
    let lower = after.to_ascii_lowercase();
    if !(lower.contains("file exists") || lower.contains("stale file handle")) {
        return None;
    }
    let (_, vols) = path.split_once("/volumes/")?;
    let (plugin, volume) = vols.split_once('/')?;
    let network = ["nfs", "cifs", "smb", "glusterfs", "cephfs", "csi"];
    network
        .iter()
        .any(|n| plugin.contains(n))
        .then_some((volume.trim_end_matches('/'), plugin))
}

/// `texts`: what container `container` of `pod` said as it stopped.
pub fn stale(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    texts: &[String],
) -> Vec<Hypothesis> {
    let Some((line, (volume, plugin))) = texts
        .iter()
        .flat_map(|t| t.lines())
        .find_map(|l| stale_source(l).map(|s| (l, s)))
    else {
        return vec![];
    };
    // The server and export, when the pod names them itself.
    let export = pod
        .spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .find(|v| v.name == volume)
        .and_then(|v| v.nfs.as_ref())
        .map(|n| format!(" (NFS export {}:{})", n.server, n.path))
        .unwrap_or_default();
    let owner = model::workload_ref(a.cluster, pod);
    let node = model::node_name(pod).unwrap_or("?");
    vec![
        Hypothesis::new(
            80,
            Loop::Storage,
            owner.clone(),
            format!(
                "the runtime cannot start container {container} of pod {}: the directory of volume {volume}{export} on node {node} exists but cannot be used ({plugin}), a stale mount whose server no longer serves that path: {}",
                pod.name(),
                day2_model::redact::excerpt(line, 200)
            ),
        )
        .fix(format!(
            "Check that the server still exports the path the volume names{export} (an export moved or recreated leaves every mount of it stale); correct the path in {} if it changed, then on node {node} unmount the stale mount (`umount -f -l` on the volume's directory under /var/lib/kubelet/pods) or delete the pod so it is recreated and mounts afresh.",
            owner.display()
        )),
    ]
}
