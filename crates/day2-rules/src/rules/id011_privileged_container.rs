//! ID011: privileged containers.

use crate::reads;
use crate::util::container_security;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ID011",
    name: "privileged-container",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES,
    severity: Severity::High,
    summary: "Container runs with `securityContext.privileged: true`",
    law: law::IDENTITY,
    rationale: "A privileged container has every capability and every device of the node, with no seccomp or \
AppArmor confinement: it is root on the node. Whatever identity the pod was meant to have, it can take \
the kubelet's credentials, the node's cloud role and every other pod's secrets from the node. Placed in \
the identity loop because it decides *who* the workload effectively is (see the placement note in \
docs/rules.md). Node agents that truly need it (CNI, CSI node plugins) should be few, in system \
namespaces, and suppressed explicitly.",
    fix: Fix::generic(
        "Remove `privileged: true`; add only the capabilities the process needs (`capabilities.add`) with everything else dropped. For node agents that need it, keep them in a system namespace and suppress with `day2.dev/ignore: ID011` and a reason.",
    ),
    sources: "Same on every source (pod templates of every workload). Windows pods are skipped.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID011/fire.yaml"),
        silent: include_str!("../../fixtures/ID011/silent.yaml"),
    },
    peers: &[
        "kube-score container-security-context-privileged",
        "KubeLinter privileged-container",
        "Polaris runAsPrivileged",
        "Checkov CKV_K8S_16",
        "Kubescape C-0057",
    ],
};

pub struct PrivilegedContainer;

impl Rule for PrivilegedContainer {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            for (c, sc) in container_security(w.spec) {
                if sc.privileged == Some(true) {
                    sink.report(
                        Target::workload(&w),
                        format!(
                            "{} `{}` is privileged: root on the node, unconfined",
                            c.role(),
                            c.c.name
                        ),
                        Some(&w.ptr(&format!("{}/securityContext/privileged", c.pointer))),
                    );
                }
            }
        }
    }
}
