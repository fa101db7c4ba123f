//! ID016: hostPath volumes, above all container runtime sockets and sensitive node paths.

use crate::reads;
use crate::util::containers;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ID016",
    name: "host-path-mount",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES,
    severity: Severity::High,
    summary: "Pod mounts a hostPath volume (a runtime socket or a sensitive node path is high)",
    law: law::IDENTITY,
    rationale: "A hostPath volume gives the pod the node's files with the node's permissions. The container \
runtime socket (`docker.sock`, `containerd.sock`, `crio.sock`) is root on the node: it can start a \
privileged container. Writable mounts of `/`, `/etc`, `/root`, `/var/lib/kubelet` (the kubelet's \
credentials and every pod's volumes, Secrets included), `/var/lib/containerd`, `/proc`, `/sys` or \
`/dev` let the pod act as the node, including with the node's cloud role. Read-only mounts of those \
paths still leak credentials (medium); other host paths are low (they pin the pod's data to one node).",
    fix: Fix::generic(
        "Use a PersistentVolumeClaim, an `emptyDir`, a ConfigMap/Secret or a CSI driver instead of hostPath; if a node agent needs a host path, mount only the narrowest path, `readOnly: true`, and suppress with a reason.",
    ),
    sources: "Same on every source (pod templates of every workload).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID016/fire.yaml"),
        silent: include_str!("../../fixtures/ID016/silent.yaml"),
    },
    peers: &[
        "KubeLinter docker-sock, sensitive-host-mounts, writable-host-mount",
        "Polaris hostPathSet",
        "Checkov CKV_K8S_27",
        "Kubescape C-0045, C-0048, C-0074",
    ],
};

const SOCKETS: &[&str] = &[
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "dockershim.sock",
    "cri-dockerd.sock",
];

const SENSITIVE: &[&str] = &[
    "/",
    "/etc",
    "/root",
    "/home",
    "/boot",
    "/proc",
    "/sys",
    "/dev",
    "/var/run",
    "/run",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/crio",
    "/etc/kubernetes",
    "/var/lib/etcd",
];

/// Trees whose every file is sensitive.
const SENSITIVE_TREES: &[&str] = &[
    "/etc/kubernetes",
    "/var/lib/kubelet",
    "/var/lib/etcd",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/crio",
    "/root",
];

fn classify(path: &str) -> Option<&'static str> {
    let p = path.trim_end_matches('/');
    let p = if p.is_empty() { "/" } else { p };
    if SOCKETS.iter().any(|s| p.ends_with(s)) {
        return Some("the container runtime socket");
    }
    if SENSITIVE.contains(&p)
        || SENSITIVE_TREES
            .iter()
            .any(|t| p.starts_with(&format!("{t}/")))
    {
        return Some("a sensitive node path");
    }
    None
}

pub struct HostPathMount;

impl Rule for HostPathMount {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            let cs = containers(w.spec);
            for (i, v) in w.spec.volumes.iter().flatten().enumerate() {
                let Some(hp) = &v.host_path else {
                    continue;
                };
                let writable = cs.iter().any(|c| {
                    c.c.volume_mounts
                        .iter()
                        .flatten()
                        .any(|m| m.name == v.name && m.read_only != Some(true))
                });
                let (what, sev) = match classify(&hp.path) {
                    Some(k @ "the container runtime socket") => (k, Severity::High),
                    Some(k) if writable => (k, Severity::High),
                    Some(k) => (k, Severity::Medium),
                    None => ("a node path", Severity::Low),
                };
                sink.report_with(
                    Target::workload(&w),
                    format!(
                        "volume `{}` mounts {what} `{}` from the node{}",
                        v.name,
                        hp.path,
                        if writable {
                            " read-write"
                        } else {
                            " read-only"
                        }
                    ),
                    Some(&w.ptr(&format!("/volumes/{i}/hostPath"))),
                    None,
                    Some(sev),
                );
            }
        }
    }
}
