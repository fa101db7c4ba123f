//! NW001: pods behind a Service without a readiness probe.

use crate::reads::{self, K};
use crate::util::{is_metrics_service, serving_containers, target_port};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    code: "NW001",
    name: "missing-readiness-probe",
    loop_: Loop::Network,
    reads: reads::TEMPLATES.with(&[K::Service]),
    severity: Severity::High,
    summary: "Container serving a Service has no readiness probe",
    law: law::NETWORK,
    rationale: "Without a readiness probe a pod joins the Service's endpoints the moment its process \
starts, before it can answer, and stays there when it stops answering. The load balancer keeps sending \
traffic to it and users see 502/504s that look like an application bug. The probe is how the network \
loop learns what the compute loop knows. The container that serves the Service's `targetPort` (by port \
name or number) is the one that needs it; when no container declares the target port, the first \
container is assumed to serve it.\n\n**Differs from peers.** KubeLinter `no-readiness-probe`, \
Polaris `readinessProbeMissing`, Checkov CKV_K8S_9 and Kubescape C-0018 want a readiness probe on \
every container; like kube-score `pod-probes`, day2 asks for one only where a Service selects the \
pod, and only on the containers that serve its target ports (a sidecar without ports needs none).",
    fix: Fix::generic(
        "Add a `readinessProbe` that checks the serving path (an HTTP endpoint that verifies the app's dependencies, or a TCP check of the serving port), with `periodSeconds`/`failureThreshold` tuned to how fast the app should leave rotation.",
    ),
    sources: "Same on every source: Services are matched to the pod templates in the input by their selectors (Services without a selector are skipped). Jobs and CronJobs are not reported, nor Services that only expose metrics (every port named for metrics, or a `…-metrics` Service): only a scraper calls them.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW001/fire.yaml"),
        silent: include_str!("../../fixtures/NW001/silent.yaml"),
    },
    peers: &[
        "kube-score pod-probes",
        "KubeLinter no-readiness-probe",
        "Polaris readinessProbeMissing",
        "Checkov CKV_K8S_9",
        "Kubescape C-0018",
    ],
};

pub struct MissingReadinessProbe;

impl Rule for MissingReadinessProbe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let index = cx.workload_index();
        let services = cx.service_index();
        for (i, w) in index.all.iter().enumerate() {
            if matches!(w.kind, "Job" | "CronJob") {
                continue;
            }
            let mut serving: BTreeSet<usize> = BTreeSet::new();
            let mut names: Vec<&str> = Vec::new();
            for s in services.of_workload(i) {
                // Only a scraper calls a metrics Service; a missed scrape is not a failed request.
                if is_metrics_service(s) {
                    continue;
                }
                names.push(s.name());
                for p in s.spec.iter().flat_map(|sp| sp.ports.iter().flatten()) {
                    let hit = serving_containers(w.spec, &target_port(p));
                    if hit.is_empty() {
                        serving.insert(0);
                    }
                    serving.extend(hit);
                }
                if s.spec
                    .as_ref()
                    .is_some_and(|sp| sp.ports.as_ref().is_none_or(Vec::is_empty))
                {
                    serving.insert(0);
                }
            }
            if names.is_empty() {
                continue;
            }
            for ci in serving {
                let Some(c) = w.spec.containers.get(ci) else {
                    continue;
                };
                if c.readiness_probe.is_some() {
                    continue;
                }
                sink.report(
                    Target::workload(w),
                    format!(
                        "container `{}` has no readiness probe but serves Service {}: traffic reaches it before it is ready and after it stops answering",
                        c.name,
                        names.join(", ")
                    ),
                    Some(&w.ptr(&format!("/containers/{ci}"))),
                );
            }
        }
    }
}
