//! CP009: pods in the BestEffort QoS class.

use crate::reads;
use crate::util::is_best_effort;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "CP009",
    name: "best-effort-pod",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES,
    severity: Severity::Medium,
    summary: "Pod has no CPU or memory request or limit on any container: QoS class BestEffort",
    law: law::COMPUTE,
    rationale: "A pod with no requests or limits at all (init containers and pod-level resources included, \
as the kubelet computes the QoS class) is BestEffort: the scheduler treats it as free, the kubelet \
evicts it first under memory pressure, and the kernel's OOM killer prefers it (oom_score_adj 1000). It \
also hides real load from the scheduler, which keeps packing pods onto the node. CP001 names the \
containers and says the pod is BestEffort: this rule reports only when CP001 is disabled, so that one \
fact is not reported twice.\n\n**Differs from peers.** Kubescape C-0009 fires on any container \
without CPU and memory limits; this rule is about the QoS class, so requests without limits pass (a \
missing memory limit is CP002).",
    fix: Fix::generic(
        "Give at least the main container CPU and memory requests (and a memory limit) so the pod is Burstable, or requests equal to limits on every container for Guaranteed.",
    ),
    sources: "Same on every source. On manifests a LimitRange in the namespace would default requests at admission; when the input holds a LimitRange with default requests for the namespace, the rule stays silent there.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP009/fire.yaml"),
        silent: include_str!("../../fixtures/CP009/silent.yaml"),
    },
    peers: &["Kubescape C-0009 (partial: resource limits)"],
};

pub struct BestEffortPod;

impl Rule for BestEffortPod {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        // CP001 fires on every container of a BestEffort pod and says so.
        let cp001 = &crate::rules::cp001_missing_resource_requests::META;
        if cx.config.rule_enabled(cp001.code, cp001.name) {
            return;
        }
        let defaulted: std::collections::HashSet<&str> = cx
            .cluster
            .limit_ranges
            .iter()
            .filter(|lr| {
                lr.spec.iter().flat_map(|s| &s.limits).any(|l| {
                    l.type_ == "Container"
                        && (l.default_request.as_ref().is_some_and(|d| !d.is_empty())
                            || l.default.as_ref().is_some_and(|d| !d.is_empty()))
                })
            })
            .map(|lr| lr.ns_or_default())
            .collect();
        for w in cx.workloads() {
            if defaulted.contains(w.namespace()) || !is_best_effort(w.spec) {
                continue;
            }
            sink.report(
                Target::workload(&w),
                "no container requests or limits CPU or memory: the pods are BestEffort, evicted and OOM-killed first and invisible to the scheduler's budget",
                Some(&w.ptr("/containers")),
            );
        }
    }
}
