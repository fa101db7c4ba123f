//! ID014: pods that share the node's network, PID or IPC namespace.

use crate::reads;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ID014",
    name: "host-namespaces",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES,
    severity: Severity::High,
    summary: "Pod uses `hostNetwork`, `hostPID` or `hostIPC`",
    law: law::IDENTITY,
    rationale: "A pod in the host's network namespace speaks with the node's IP: it reaches the cloud \
metadata endpoint (IMDS) as the node and can obtain the node's cloud role, bypassing IRSA/Workload \
Identity; it sees every connection of the node and is not subject to NetworkPolicy. `hostPID` lets it see \
and signal every process on the node (and read their environment, secrets included); `hostIPC` shares \
the node's shared memory. Each breaks the identity boundary of the pod. CNI agents, kube-proxy and some \
node exporters need them: keep those in system namespaces and suppress explicitly.",
    fix: Fix {
        generic: "Remove `hostNetwork`, `hostPID` and `hostIPC`; expose ports through a Service (or `hostPort` if a node port is really needed). For node agents that need them, suppress with `day2.dev/ignore: ID014` and a reason.",
        aws: Some(
            "If a host-network pod must stay, require IMDSv2 with a hop limit of 1 on the nodes (`HttpPutResponseHopLimit=1`) so containers cannot read the node role — this does not help host-network pods, which is why they should be rare.",
        ),
        azure: None,
        gcp: Some(
            "Enable GKE Workload Identity (the GKE metadata server hides the node's service account from pods), and keep host-network pods to system agents.",
        ),
    },
    sources: "Same on every source (pod templates of every workload).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID014/fire.yaml"),
        silent: include_str!("../../fixtures/ID014/silent.yaml"),
    },
    peers: &[
        "KubeLinter host-network, host-pid, host-ipc",
        "Polaris hostNetworkSet, hostPIDSet, hostIPCSet",
        "Checkov CKV_K8S_17, CKV_K8S_18, CKV_K8S_19",
        "Kubescape C-0038, C-0041",
    ],
};

pub struct HostNamespaces;

impl Rule for HostNamespaces {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            let mut used = Vec::new();
            let mut ptr = None;
            for (on, name, field) in [
                (w.spec.host_network, "hostNetwork", "/hostNetwork"),
                (w.spec.host_pid, "hostPID", "/hostPID"),
                (w.spec.host_ipc, "hostIPC", "/hostIPC"),
            ] {
                if on == Some(true) {
                    used.push(name);
                    ptr.get_or_insert(field);
                }
            }
            if let Some(field) = ptr {
                sink.report(
                    Target::workload(&w),
                    format!(
                        "pods share the node's {} namespace(s): they act with the node's identity",
                        used.join(", ")
                    ),
                    Some(&w.ptr(field)),
                );
            }
        }
    }
}
