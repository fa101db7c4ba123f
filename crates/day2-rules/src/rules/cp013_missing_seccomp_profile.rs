//! CP013: containers without a seccomp profile.

use crate::reads;
use crate::util::container_security;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "CP013",
    name: "missing-seccomp-profile",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES,
    severity: Severity::Low,
    summary: "Container runs without a seccomp profile (none set, or `Unconfined`)",
    law: law::COMPUTE,
    rationale: "Unless the kubelet runs with `--seccomp-default`, a container without a seccomp profile runs \
Unconfined: every system call of the node's kernel is reachable, including the ones most kernel \
exploits use. `RuntimeDefault` blocks a few dozen rarely needed calls at no cost. The kubelet applies \
the container's `seccompProfile` over the pod's, so one pod-level setting covers every container. An \
explicit `Unconfined` is medium.",
    fix: Fix::generic(
        "Set `securityContext.seccompProfile.type: RuntimeDefault` at pod level (or `Localhost` with a tailored profile).",
    ),
    sources: "Same on every source (pod templates of every workload). Windows pods are skipped. A kubelet `--seccomp-default` setting is not visible and not assumed.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP013/fire.yaml"),
        silent: include_str!("../../fixtures/CP013/silent.yaml"),
    },
    peers: &[
        "kube-score container-seccomp-profile (optional)",
        "Polaris linuxHardening (partial)",
        "Checkov CKV_K8S_31",
        "Kubescape C-0210, C-0055",
    ],
};

pub struct MissingSeccompProfile;

impl Rule for MissingSeccompProfile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            let mut unset = Vec::new();
            let mut unconfined = Vec::new();
            for (c, sc) in container_security(w.spec) {
                let who = format!("{} `{}`", c.role(), c.c.name);
                match sc.seccomp_profile {
                    None => unset.push(who),
                    Some("Unconfined") => unconfined.push(who),
                    Some(_) => {}
                }
            }
            if !unconfined.is_empty() {
                sink.report_with(
                    Target::workload(&w),
                    format!("{} run(s) seccomp Unconfined", unconfined.join(", ")),
                    Some(&w.ptr("/securityContext/seccompProfile")),
                    None,
                    Some(Severity::Medium),
                );
            } else if !unset.is_empty() {
                sink.report(
                    Target::workload(&w),
                    format!(
                        "{} run(s) without a seccomp profile (Unconfined unless the kubelet defaults it)",
                        unset.join(", ")
                    ),
                    Some(&w.ptr("/securityContext")),
                );
            }
        }
    }
}
