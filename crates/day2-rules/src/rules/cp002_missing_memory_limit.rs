//! CP002: containers without a memory limit.

use crate::reads;
use crate::util::{LimitRangeDefaults, containers, runs_to_completion};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::resources::{container_limit, pod_level_limit};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "CP002",
    name: "missing-memory-limit",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES,
    severity: Severity::Medium,
    summary: "Container has no memory limit (and the pod has no pod-level memory limit)",
    law: law::COMPUTE,
    rationale: "Memory is not compressible. A container without a memory limit can grow until the node runs \
out, and then the kubelet evicts pods and the kernel OOM-kills processes — usually neighbours that stayed \
within their budget, not the one that overspent. A memory limit turns an unbounded leak into an \
OOMKilled restart of the offender alone. (CPU limits are not required: CPU is throttled, not \
killed.)\n\n**Differs from peers.** The peers judge the container alone; a LimitRange of the \
namespace in the input that defaults the memory limit covers it here, as admission would.",
    fix: Fix::generic(
        "Set `resources.limits.memory` on every container (commonly equal to the memory request, which makes memory Guaranteed), or a pod-level `spec.resources.limits.memory`.",
    ),
    sources: "Same on every source (pod templates of every workload). A pod-level memory limit covers every container, as in Kubernetes. A LimitRange default in the namespace is applied at admission: on a snapshot the defaulted pods are what is judged; on manifests a LimitRange of the input with a `default` memory limit for the namespace covers the container. Init containers and run-to-completion pods (Jobs, CronJobs) are low: they hold memory briefly.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP002/fire.yaml"),
        silent: include_str!("../../fixtures/CP002/silent.yaml"),
    },
    peers: &[
        "kube-score container-resources",
        "Polaris memoryLimitsMissing",
        "Checkov CKV_K8S_13",
        "Kubescape C-0004, C-0271",
    ],
};

pub struct MissingMemoryLimit;

impl Rule for MissingMemoryLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let defaults = LimitRangeDefaults::new(cx.cluster);
        for w in cx.workloads() {
            if pod_level_limit(w.spec, "memory").is_some()
                || defaults.limit(w.namespace(), "memory")
            {
                continue;
            }
            let batch = runs_to_completion(&w);
            for c in containers(w.spec) {
                if container_limit(c.c, "memory").is_some() {
                    continue;
                }
                sink.report_with(
                    Target::workload(&w),
                    format!(
                        "{} `{}` has no memory limit: it can take the node's memory and get neighbours evicted",
                        c.role(),
                        c.c.name
                    ),
                    Some(&w.ptr(&format!("{}/resources", c.pointer))),
                    None,
                    (c.init || batch).then_some(Severity::Low),
                );
            }
        }
    }
}
