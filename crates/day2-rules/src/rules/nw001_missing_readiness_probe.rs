//! NW001: pods behind a Service without a readiness probe.

use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::selector::map_selector_matches;
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "NW001",
    name: "missing-readiness-probe",
    loop_: Loop::Network,
    severity: Severity::High,
    summary: "Container serving a Service has no readiness probe",
    law: law::NETWORK,
    rationale: "Without a readiness probe a pod joins the Service's endpoints the moment its process \
starts, before it can answer, and stays there when it stops answering. The load balancer keeps sending \
traffic to it and users see 502/504s that look like an application bug. The probe is how the network \
loop learns what the compute loop knows.",
    fix: Fix::generic(
        "Add a `readinessProbe` that checks the serving path (an HTTP endpoint that verifies the app's dependencies, or a TCP check of the serving port), with `periodSeconds`/`failureThreshold` tuned to how fast the app should leave rotation.",
    ),
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW001/fire.yaml"),
        silent: include_str!("../../fixtures/NW001/silent.yaml"),
    },
    peers: &[
        "kube-score pod-probes",
        "KubeLinter no-readiness-probe",
        "Polaris readinessProbeMissing",
        "Checkov CKV_K8S_9",
    ],
};

pub struct MissingReadinessProbe;

impl Rule for MissingReadinessProbe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            if matches!(w.kind, "Job" | "CronJob") {
                continue;
            }
            let labels = w.pod_labels();
            let services: Vec<&str> = cx
                .cluster
                .services
                .iter()
                .filter(|s| s.ns_or_default() == w.namespace())
                .filter(|s| {
                    s.spec
                        .as_ref()
                        .and_then(|sp| sp.selector.as_ref())
                        .is_some_and(|sel| map_selector_matches(sel, labels))
                })
                .map(|s| s.name())
                .collect();
            if services.is_empty() {
                continue;
            }
            for (i, c) in w.spec.containers.iter().enumerate() {
                if c.readiness_probe.is_some() {
                    continue;
                }
                sink.report(
                    Target::workload(&w),
                    format!(
                        "container `{}` has no readiness probe but serves Service {}: traffic reaches it before it is ready and after it stops answering",
                        c.name,
                        services.join(", ")
                    ),
                    Some(&w.ptr(&format!("/containers/{i}"))),
                );
            }
        }
    }
}
