//! CP001: containers without CPU or memory requests.

use crate::reads;
use crate::util::{LimitRangeDefaults, containers, is_best_effort, runs_to_completion};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::resources::{container_request, pod_level_request};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "CP001",
    name: "missing-resource-requests",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES,
    severity: Severity::High,
    summary: "Container has no CPU or memory request",
    law: law::COMPUTE,
    rationale: "The scheduler places pods by their requests, not by what they use. A container without \
requests is free to the scheduler: nodes fill with pods that then compete for the same CPU and memory, \
neighbours get throttled or OOM-killed, and the cluster looks 40% utilised while new pods stay Pending. \
Requests are the budget the scheduler plans with; without them it is guessing. When no container of \
the pod has requests or limits the pod is also BestEffort (evicted and OOM-killed first), and the \
message says so (CP009 then stays silent). Run-to-completion pods (Jobs, CronJobs) hold their share \
briefly: medium. Init containers run before the app and count only where they ask for more than the \
app containers: low.\n\n**Differs from peers.** kube-score `container-resources` and KubeLinter \
`unset-cpu-requirements` also require a CPU limit; day2 does not (CP002 asks for the memory limit). \
A limit without a request counts as the request, as the API server defaults it, where Polaris \
`cpuRequestsMissing` and Checkov CKV_K8S_10 read `requests` only. A pod with no resources at all \
(Kubescape C-0009) is reported here once, with the BestEffort consequence, and not again as CP009.",
    fix: Fix::generic(
        "Set `resources.requests.cpu` and `resources.requests.memory` on every container (start from observed p95 usage, e.g. from metrics-server or VPA recommendations), or set pod-level `spec.resources`.",
    ),
    sources: "Same on every source (pod templates of every workload). Pod-level `spec.resources` covers every container, as in Kubernetes; a limit without a request counts as the request, as the API server defaults it. A LimitRange of the namespace in the input that defaults the request (`defaultRequest` or `default`) covers the container, as admission would.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP001/fire.yaml"),
        silent: include_str!("../../fixtures/CP001/silent.yaml"),
    },
    peers: &[
        "kube-score container-resources",
        "KubeLinter unset-cpu-requirements, unset-memory-requirements",
        "Polaris cpuRequestsMissing, memoryRequestsMissing",
        "Checkov CKV_K8S_10, CKV_K8S_12",
        "Kubescape C-0268, C-0269",
    ],
};

pub struct MissingRequests;

impl Rule for MissingRequests {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let defaults = LimitRangeDefaults::new(cx.cluster);
        for w in cx.workloads() {
            let ns = w.namespace();
            let pod_cpu = pod_level_request(w.spec, "cpu").is_some();
            let pod_mem = pod_level_request(w.spec, "memory").is_some();
            let best_effort = is_best_effort(w.spec) && !defaults.any(ns);
            let batch = runs_to_completion(&w);
            for c in containers(w.spec) {
                let mut missing = Vec::new();
                for (resource, at_pod) in [("cpu", pod_cpu), ("memory", pod_mem)] {
                    if !at_pod
                        && container_request(c.c, resource).is_none()
                        && !defaults.request(ns, resource)
                    {
                        missing.push(resource);
                    }
                }
                if missing.is_empty() {
                    continue;
                }
                let what = if c.init {
                    "init container"
                } else if c.sidecar {
                    "sidecar"
                } else {
                    "container"
                };
                let consequence = if best_effort {
                    ": no container of the pod requests or limits anything, so it is BestEffort, evicted and OOM-killed first and invisible to the scheduler's budget"
                } else {
                    ""
                };
                sink.report_with(
                    Target::workload(&w),
                    format!(
                        "{what} `{}` has no {} request{consequence}",
                        c.c.name,
                        missing.join(" and ")
                    ),
                    Some(&w.ptr(&format!("{}/resources", c.pointer))),
                    None,
                    if c.init {
                        Some(Severity::Low)
                    } else {
                        batch.then_some(Severity::Medium)
                    },
                );
            }
        }
    }
}
