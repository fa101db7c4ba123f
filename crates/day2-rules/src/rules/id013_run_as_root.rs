//! ID013: containers that run (or may run) as root.

use crate::reads;
use crate::util::container_security;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ID013",
    name: "run-as-root",
    loop_: Loop::Identity,
    reads: reads::TEMPLATES,
    severity: Severity::Medium,
    summary: "Container runs as root, or may (neither `runAsNonRoot: true` nor a non-zero `runAsUser`)",
    law: law::IDENTITY,
    rationale: "A process running as UID 0 is root inside the container and, through any container escape or \
writable host mount, root on the node. When neither `runAsNonRoot: true` nor a non-zero `runAsUser` is \
set, the image's `USER` decides, and most images default to root. The kubelet applies the container's \
`securityContext` over the pod's, so a pod-level `runAsNonRoot: true` covers every container that does \
not override it. `runAsNonRoot: true` together with `runAsUser: 0` is a contradiction the kubelet refuses \
to start (CreateContainerConfigError) and is reported as high.\n\n**Differs from peers.** kube-score \
`container-security-context-user-group-id` also wants UID and GID above 10000; day2 asks only that \
the container is not root, so UID 1000 passes.",
    fix: Fix::generic(
        "Set `securityContext.runAsNonRoot: true` at pod level (and `runAsUser`/`runAsGroup` to the image's unprivileged user, e.g. 65532 for distroless `nonroot`); build images with a numeric non-root `USER`.",
    ),
    sources: "Same on every source (pod templates of every workload). Windows pods are skipped.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/ID013/fire.yaml"),
        silent: include_str!("../../fixtures/ID013/silent.yaml"),
    },
    peers: &[
        "kube-score container-security-context-user-group-id (partial: UID > 10000)",
        "KubeLinter run-as-non-root",
        "Polaris runAsRootAllowed",
        "Checkov CKV_K8S_23",
        "Kubescape C-0013",
    ],
};

pub struct RunAsRoot;

impl Rule for RunAsRoot {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            let mut parts = Vec::new();
            let mut worst = None;
            for (c, sc) in container_security(w.spec) {
                let (non_root, uid) = (sc.run_as_non_root, sc.run_as_user);
                let who = format!("{} `{}`", c.role(), c.c.name);
                let (what, sev) = match (uid, non_root) {
                    (Some(0), Some(true)) => (
                        format!(
                            "{who} sets runAsNonRoot with runAsUser 0: the kubelet refuses to start it"
                        ),
                        Severity::High,
                    ),
                    (Some(0), _) => (
                        format!("{who} runs as root (runAsUser: 0)"),
                        Severity::Medium,
                    ),
                    (Some(_), _) | (None, Some(true)) => continue,
                    (None, _) => (
                        format!("{who} may run as root (the image's USER decides)"),
                        Severity::Medium,
                    ),
                };
                parts.push(what);
                if worst.as_ref().is_none_or(|(s, _)| sev > *s) {
                    worst = Some((sev, c.pointer.clone()));
                }
            }
            if let Some((sev, pointer)) = worst {
                sink.report_with(
                    Target::workload(&w),
                    parts.join("; "),
                    Some(&w.ptr(&format!("{pointer}/securityContext"))),
                    None,
                    Some(sev),
                );
            }
        }
    }
}
