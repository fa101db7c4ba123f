//! A hostPath volume whose `type` the node's path does not match: the
//! kubelet checks it before the mount (kubernetes/kubernetes
//! `pkg/volume/hostpath/host_path.go`, `checkTypeInternal`: `hostPath type
//! check failed: %s is not a directory`, `… is not a file`, `… is not a
//! socket file`, `… is not a character device`, `… is not a block device`).
//! A path that belongs to a container runtime (Docker's socket and data
//! directory, containerd's, CRI-O's) on a node running another runtime is
//! a workload written for the other runtime.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef};

const CHECK: &str = "hostPath type check failed: ";

/// Paths only one container runtime provides, with its name as
/// `containerRuntimeVersion` spells it (`docker://…`, `containerd://…`, `cri-o://…`).
const RUNTIME_PATHS: [(&str, &str); 6] = [
    ("/var/run/docker.sock", "docker"),
    ("/run/docker.sock", "docker"),
    ("/var/lib/docker", "docker"),
    ("/run/containerd/containerd.sock", "containerd"),
    ("/var/run/crio/crio.sock", "cri-o"),
    ("/run/crio/crio.sock", "cri-o"),
];

/// The kubelet root directories a hostPath may be under: the distributions
/// that move it ([`model::moved_kubelet_root`]), and the default.
const KUBELET_DIRS: [(&str, &str); 3] = [
    ("/var/snap/microk8s/common/var/lib/kubelet", "MicroK8s"),
    ("/var/lib/k0s/kubelet", "k0s"),
    ("/var/lib/kubelet", "the default"),
];

/// `(path, what it is not)` from a kubelet type-check error.
fn type_check(message: &str) -> Option<(&str, &str)> {
    let rest = &message[message.find(CHECK)? + CHECK.len()..];
    let (path, what) = rest.split_once(" is not a ")?;
    let what = what
        .split(['\n', '"', ','])
        .next()
        .unwrap_or(what)
        .trim_end();
    Some((path.trim(), what))
}

pub fn type_mismatch<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let failed: Vec<_> = d
        .events_with("FailedMount")
        .filter_map(|e| type_check(e.message_text()).map(|c| (e, c)))
        .collect();
    let Some((event, _)) = failed.last() else {
        return vec![];
    };
    let node_name = model::node_name(pod).unwrap_or("the node");
    let node = model::node_name(pod).and_then(|n| a.cluster.node(n));
    let runtime_version = node
        .and_then(|n| n.status.as_ref()?.node_info.as_ref())
        .map(|i| i.container_runtime_version.as_str());
    let runtime = runtime_version.and_then(|v| v.split("://").next());
    let link = Link::from_event(
        Loop::Storage,
        event,
        "the kubelet's hostPath type check fails",
    );
    let paths: Vec<String> = failed
        .iter()
        .map(|(_, (p, w))| format!("{p} (not a {w})"))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let workload = model::workload_ref(a.cluster, pod);
    let foreign = failed.iter().find_map(|(_, (p, _))| {
        let (_, wants) = RUNTIME_PATHS.iter().find(|(rp, _)| p == rp)?;
        runtime.filter(|r| r != wants).map(|r| (*p, *wants, r))
    });
    if let Some((path, wants, has)) = foreign {
        return vec![Hypothesis::new(
            82,
            Loop::Storage,
            workload.clone(),
            format!(
                "pod {} mounts {path}, which only a {wants} node has, but node {node_name} runs {}: {}",
                pod.name(),
                runtime_version.unwrap_or(has),
                paths.join(", ")
            ),
        )
        .fix(format!(
            "{workload} is written for {wants} nodes: configure it for {has} (the tool's {has} or Kubernetes-API mode instead of its {wants} one), or run it on nodes whose runtime is {wants}; {path} does not exist on a {has} node."
        ))
        .link(link)];
    }
    // A path under another distribution's kubelet directory: the workload
    // (a CSI node plugin's chart, usually) was set for that distribution.
    if let Some(n) = node {
        let here = model::moved_kubelet_root(n).map_or("/var/lib/kubelet", |(root, _)| root);
        let other = failed.iter().find_map(|(_, (p, _))| {
            let (dir, distro) = KUBELET_DIRS.iter().find(|(d, _)| {
                p.strip_prefix(d)
                    .is_some_and(|r| r.is_empty() || r.starts_with('/'))
            })?;
            (*dir != here).then_some((*p, *dir, *distro))
        });
        if let Some((path, dir, distro)) = other {
            return vec![Hypothesis::new(
                84,
                Loop::Storage,
                workload.clone(),
                format!(
                    "pod {} mounts {path}, under {distro}'s kubelet directory {dir}, but the kubelet of node {node_name} keeps its files in {here}: {}",
                    pod.name(),
                    paths.join(", ")
                ),
            )
            .fix(format!(
                "Set the kubelet directory of {workload} to {here} (a CSI chart's `kubeletHostPath`, `kubeletDir` or `kubeletRootDir` value; every hostPath under {dir} moves with it), then let its pods restart."
            ))
            .link(link)];
        }
    }
    // The workload's own Running pods do without that path: a rollout
    // brought the volume in (a chart upgrade adding a hostPath), so the new
    // template is what every node now has to satisfy.
    let new_path = failed.iter().map(|(_, (p, _))| *p).find(|p| {
        let siblings = a.cluster.owner_of(pod).map(|o| {
            a.cluster
                .pods_of(&o.kind, &o.namespace, &o.name)
                .into_iter()
                .filter(|s| s.name() != pod.name() && model::phase(s) == "Running")
                .collect::<Vec<_>>()
        });
        siblings.is_some_and(|s| {
            !s.is_empty()
                && s.iter().all(|s| {
                    !s.spec.as_ref().is_some_and(|sp| {
                        sp.volumes
                            .iter()
                            .flatten()
                            .any(|v| v.host_path.as_ref().is_some_and(|h| h.path == *p))
                    })
                })
        })
    });
    if let Some(path) = new_path {
        return vec![Hypothesis::new(
            80,
            Loop::Storage,
            workload.clone(),
            format!(
                "{workload}'s new pod template mounts hostPath {path}, which its running pods did not, and node {node_name} does not have it as the volume's `type` requires: {}; the rollout stops at this pod",
                paths.join(", ")
            ),
        )
        .fix(format!(
            "Make the new hostPath volume {path} of {workload} fit every node: `type: FileOrCreate`/`DirectoryOrCreate` or no `type` (a chart value of the release that added it), or create {path} on the nodes (for /etc/machine-id: `systemd-machine-id-setup`), or roll back to the previous release."
        ))
        .link(link)];
    }
    vec![
        Hypothesis::new(
            72,
            Loop::Storage,
            node.map(|n| n.objref())
                .unwrap_or_else(|| ObjRef::new("Node", None, node_name)),
            format!(
                "the hostPath volume(s) of pod {} do not match node {node_name}: {}",
                pod.name(),
                paths.join(", ")
            ),
        )
        .fix(format!(
            "Create {} on node {node_name} as the volume's `type` requires (a path a service of the host creates, such as a device manager's run directory, means the host's operating system lacks that service), or correct the path or `type` in {workload} (`DirectoryOrCreate`/`FileOrCreate` create it), or keep the pod on nodes that have it.",
            failed
                .iter()
                .map(|(_, (p, _))| *p)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .link(link),
    ]
}

/// A container the runtime cannot create because the host directory of its
/// claim's volume is not on the pod's node (`stat <path>: no such file or
/// directory`): a hostPath volume a node-local provisioner made on another
/// node (MicroK8s' `microk8s.io/hostpath` records it in
/// `hostPathProvisionerIdentity`), with no nodeAffinity to keep the pod
/// there. Such storage serves one node (canonical/microk8s#1380, #1597).
pub fn volume_on_other_node(
    a: &Analysis<'_>,
    pod: &day2_model::Res<day2_model::pod::Pod>,
    message: &str,
) -> Option<Hypothesis> {
    if !message.contains("no such file or directory") {
        return None;
    }
    let node = model::node_name(pod)?;
    let ns = pod.ns_or_default();
    let spec = pod.spec.as_ref()?;
    let (pvc, pv, path) = model::claims(spec).find_map(|claim| {
        let pvc = a.cluster.pvc(ns, claim)?;
        let pv = a.cluster.pv_of_claim(pvc)?;
        let path = pv.spec.as_ref()?.host_path.as_ref()?.path.as_str();
        message.contains(path).then_some((pvc, pv, path))
    })?;
    if pv
        .spec
        .as_ref()
        .and_then(|s| s.node_affinity.as_ref())
        .is_some()
    {
        return None;
    }
    let made_on = pv
        .annotation("hostPathProvisionerIdentity")
        .filter(|n| *n != node);
    let class = day2_model::cluster::volume_class_name(pv).and_then(|c| a.cluster.storage_class(c));
    let target = class.map(|c| c.objref()).unwrap_or_else(|| pv.objref());
    let provisioner = class
        .map(|c| c.provisioner.as_str())
        .unwrap_or("a hostPath provisioner");
    let there = made_on
        .map(|n| format!(" (it was made on node {n})"))
        .unwrap_or_default();
    Some(
        Hypothesis::new(
            84,
            Loop::Storage,
            target.clone(),
            format!("{} runs on node {node}, but the directory {path} of its claim {}/{} exists only on the node where {provisioner} made it{there}: a hostPath volume lives on one node, and PersistentVolume {} has no nodeAffinity to keep the pod there", pod.name(), ns, pvc.name(), pv.name()),
        )
        .fix(format!("{target} provisions node-local hostPath directories, which serve single-node clusters only: on several nodes use storage every node reaches (NFS, Rook/Ceph, OpenEBS, Longhorn) and move the data there; until then pin the workload to {} with a required nodeAffinity (`kubernetes.io/hostname`).", made_on.unwrap_or("the node that holds the directory"))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubelet_type_check_in_its_spellings() {
        assert_eq!(
            type_check(
                "MountVolume.SetUp failed for volume \"docker-sock\" : hostPath type check failed: /var/run/docker.sock is not a socket file"
            ),
            Some(("/var/run/docker.sock", "socket file"))
        );
        assert_eq!(
            type_check(
                "MountVolume.SetUp failed for volume \"d\" : hostPath type check failed: /var/lib/docker is not a directory"
            ),
            Some(("/var/lib/docker", "directory"))
        );
        assert_eq!(
            type_check("MountVolume.SetUp failed for volume \"d\" : not found"),
            None
        );
    }
}
