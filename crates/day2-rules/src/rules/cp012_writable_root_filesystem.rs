//! CP012: containers with a writable root filesystem.

use crate::reads;
use crate::util::container_security;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "CP012",
    name: "writable-root-filesystem",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES,
    severity: Severity::Low,
    summary: "Container does not set `readOnlyRootFilesystem: true`",
    law: law::COMPUTE,
    rationale: "A writable root filesystem lets an intruder drop tools and modify the application in place, \
and lets the application write data where it is lost on restart and counted against the node's \
ephemeral storage (which evicts pods when it fills). A read-only root with explicit `emptyDir` mounts \
for scratch space makes every write deliberate and bounded (`emptyDir.sizeLimit`). Placed in compute: \
it is about what the container does on the node (see the placement note in docs/rules.md).",
    fix: Fix::generic(
        "Set `securityContext.readOnlyRootFilesystem: true` and mount `emptyDir` volumes (with `sizeLimit`) where the process writes (`/tmp`, caches).",
    ),
    sources: "Same on every source (pod templates of every workload). Windows pods are skipped.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP012/fire.yaml"),
        silent: include_str!("../../fixtures/CP012/silent.yaml"),
    },
    peers: &[
        "kube-score container-security-context-readonlyrootfilesystem",
        "KubeLinter no-read-only-root-fs",
        "Polaris notReadOnlyRootFilesystem",
        "Checkov CKV_K8S_22",
        "Kubescape C-0017",
    ],
};

pub struct WritableRootFilesystem;

impl Rule for WritableRootFilesystem {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            let offenders: Vec<_> = container_security(w.spec)
                .into_iter()
                .filter(|(_, sc)| sc.read_only_root_filesystem != Some(true))
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
                format!("{} can write to the root filesystem", names.join(", ")),
                Some(&w.ptr(&format!("{}/securityContext", first.pointer))),
            );
        }
    }
}
