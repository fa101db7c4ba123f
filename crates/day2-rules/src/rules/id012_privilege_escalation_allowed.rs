//! ID012: containers that may gain privileges (setuid binaries, file capabilities).

use crate::reads;
use crate::util::container_security;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ID012",
    name: "privilege-escalation-allowed",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES,
    severity: Severity::Medium,
    summary: "Container does not set `allowPrivilegeEscalation: false`",
    law: law::IDENTITY,
    rationale: "Unless `allowPrivilegeEscalation` is explicitly `false`, the kernel's `no_new_privs` flag is \
not set and a process can become more privileged than it started (setuid binaries such as `su`, file \
capabilities). The identity the pod was given is then a floor, not a ceiling. The field is per \
container (there is no pod-level default); privileged containers are reported by ID011 instead.",
    fix: Fix::generic(
        "Set `securityContext.allowPrivilegeEscalation: false` on every container (and init container); with `capabilities.drop: [ALL]` and `runAsNonRoot: true` this is the Pod Security `restricted` profile.",
    ),
    sources: "Same on every source (pod templates of every workload). Windows pods are skipped.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID012/fire.yaml"),
        silent: include_str!("../../fixtures/ID012/silent.yaml"),
    },
    peers: &[
        "KubeLinter privilege-escalation-container",
        "Polaris privilegeEscalationAllowed",
        "Checkov CKV_K8S_20",
        "Kubescape C-0016",
    ],
};

pub struct PrivilegeEscalationAllowed;

impl Rule for PrivilegeEscalationAllowed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            let offenders: Vec<_> = container_security(w.spec)
                .into_iter()
                .filter(|(_, sc)| {
                    sc.privileged != Some(true) && sc.allow_privilege_escalation != Some(false)
                })
                .map(|(c, _)| c)
                .collect();
            let Some(first) = offenders.first() else {
                continue;
            };
            let names: Vec<String> = offenders
                .iter()
                .map(|c| format!("{} `{}`", c.role(), c.c.name))
                .collect();
            sink.report(
                Target::workload(&w),
                format!(
                    "{} may gain privileges (allowPrivilegeEscalation is not false)",
                    names.join(", ")
                ),
                Some(&w.ptr(&format!("{}/securityContext", first.pointer))),
            );
        }
    }
}
