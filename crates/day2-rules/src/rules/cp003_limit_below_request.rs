//! CP003: limits lower than requests (rejected by the API server).

use crate::reads;
use crate::util::containers;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::resources::amount;
use day2_model::resources::format_amount as show;
use day2_model::{Loop, Severity};
use k8s_openapi::api::core::v1::ResourceRequirements;

pub static META: RuleMeta = RuleMeta {
    code: "CP003",
    name: "limit-below-request",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES,
    severity: Severity::High,
    summary: "A CPU, memory or ephemeral-storage limit is lower than its request",
    law: law::COMPUTE,
    rationale: "A request is what the scheduler reserves; a limit is the most the container may use. A limit \
below the request is a budget that cannot be honoured: the API server rejects the pod (`must be less than \
or equal to … limit`), so the Deployment's ReplicaSet reports FailedCreate and no pod of the new \
revision ever appears, while the old revision keeps running. The same holds for pod-level \
`spec.resources`.",
    fix: Fix::generic(
        "Raise the limit to at least the request (for memory, equal is the usual choice), or lower the request.",
    ),
    sources: "Same on every source (pod templates of every workload). On a live cluster such pods cannot exist; the finding appears on manifests before they are applied, and on controllers whose template was never admitted.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP003/fire.yaml"),
        silent: include_str!("../../fixtures/CP003/silent.yaml"),
    },
    peers: &[],
};

/// (resource, request, limit) pairs where the limit is below the request.
fn inverted(r: Option<&ResourceRequirements>) -> Vec<(&'static str, i64, i64)> {
    let Some(r) = r else { return Vec::new() };
    ["cpu", "memory", "ephemeral-storage"]
        .into_iter()
        .filter_map(|res| {
            let req = r.requests.as_ref()?.get(res)?;
            let lim = r.limits.as_ref()?.get(res)?;
            let (req, lim) = (amount(res, &req.0)?, amount(res, &lim.0)?);
            (lim < req).then_some((res, req, lim))
        })
        .collect()
}

pub struct LimitBelowRequest;

impl Rule for LimitBelowRequest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            for (res, req, lim) in inverted(w.spec.resources.as_ref()) {
                sink.report(
                    Target::workload(&w),
                    format!(
                        "pod-level {res} limit {} is below its request {}: the API server rejects the pod",
                        show(res, lim),
                        show(res, req)
                    ),
                    Some(&w.ptr("/resources")),
                );
            }
            for c in containers(w.spec) {
                for (res, req, lim) in inverted(c.c.resources.as_ref()) {
                    sink.report(
                        Target::workload(&w),
                        format!(
                            "{} `{}`: {res} limit {} is below its request {}: the API server rejects the pod",
                            c.role(),
                            c.c.name,
                            show(res, lim),
                            show(res, req)
                        ),
                        Some(&w.ptr(&format!("{}/resources/limits/{res}", c.pointer))),
                    );
                }
            }
        }
    }
}
