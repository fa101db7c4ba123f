//! CP001: containers without CPU or memory requests.

use crate::util::{containers, pod_level_request, request};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "CP001",
    name: "missing-resource-requests",
    loop_: Loop::Compute,
    severity: Severity::High,
    summary: "Container has no CPU or memory request",
    law: law::COMPUTE,
    rationale: "The scheduler places pods by their requests, not by what they use. A container without \
requests is free to the scheduler: nodes fill with pods that then compete for the same CPU and memory, \
neighbours get throttled or OOM-killed, and the cluster looks 40% utilised while new pods stay Pending. \
Requests are the budget the scheduler plans with; without them it is guessing.",
    fix: Fix::generic(
        "Set `resources.requests.cpu` and `resources.requests.memory` on every container (start from observed p95 usage, e.g. from metrics-server or VPA recommendations), or set pod-level `spec.resources`.",
    ),
    sources: "Same on every source (pod templates of every workload). Pod-level `spec.resources` covers every container, as in Kubernetes; a limit without a request counts as the request, as the API server defaults it.",
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
        for w in cx.workloads() {
            let pod_cpu = pod_level_request(w.spec, "cpu").is_some();
            let pod_mem = pod_level_request(w.spec, "memory").is_some();
            for c in containers(w.spec) {
                let mut missing = Vec::new();
                if !pod_cpu && request(c.c, "cpu").is_none() {
                    missing.push("cpu");
                }
                if !pod_mem && request(c.c, "memory").is_none() {
                    missing.push("memory");
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
                sink.report(
                    Target::workload(&w),
                    format!(
                        "{what} `{}` has no {} request",
                        c.c.name,
                        missing.join(" and ")
                    ),
                    Some(&w.ptr(&format!("{}/resources", c.pointer))),
                );
            }
        }
    }
}
