//! NW012: long-running containers without a liveness probe.

use crate::reads;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "NW012",
    name: "missing-liveness-probe",
    loop_: Loop::Network,
    reads: reads::WORKLOADS,
    severity: Severity::Low,
    summary: "Long-running container has no liveness probe",
    law: law::NETWORK,
    rationale: "A process that deadlocks or wedges (a stuck event loop, an exhausted connection pool that \
never recovers) keeps running: without a liveness probe the kubelet never restarts it, and if it still \
passes readiness it keeps receiving traffic it cannot serve. A liveness probe should be cheap and must \
not depend on other services (see NW002); it is low severity because a wrong liveness probe is worse than \
none. Jobs and CronJobs are not reported.\n\n**Differs from peers.** KubeLinter `no-liveness-probe` \
applies to Jobs and CronJobs too; day2 asks only long-running workloads.",
    fix: Fix::generic(
        "Add a `livenessProbe` that checks only the process itself (a `/livez` endpoint or a TCP check of the serving port) with a generous `failureThreshold`, and a `startupProbe` if the app starts slowly.",
    ),
    sources: "Same on every source (app containers of every long-running workload).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW012/fire.yaml"),
        silent: include_str!("../../fixtures/NW012/silent.yaml"),
    },
    peers: &[
        "KubeLinter no-liveness-probe",
        "Polaris livenessProbeMissing",
        "Checkov CKV_K8S_8",
        "Kubescape C-0056",
    ],
};

pub struct MissingLivenessProbe;

impl Rule for MissingLivenessProbe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            if matches!(w.kind, "Job" | "CronJob") {
                continue;
            }
            let missing: Vec<(usize, &str)> = w
                .spec
                .containers
                .iter()
                .enumerate()
                .filter(|(_, c)| c.liveness_probe.is_none())
                .map(|(i, c)| (i, c.name.as_str()))
                .collect();
            let Some((first, _)) = missing.first() else {
                continue;
            };
            let names: Vec<String> = missing.iter().map(|(_, n)| format!("`{n}`")).collect();
            sink.report(
                Target::workload(&w),
                format!(
                    "container(s) {} have no liveness probe: a wedged process is never restarted",
                    names.join(", ")
                ),
                Some(&w.ptr(&format!("/containers/{first}"))),
            );
        }
    }
}
