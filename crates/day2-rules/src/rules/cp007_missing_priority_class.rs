//! CP007: workloads without a PriorityClass where the cluster defines them.

use crate::reads::{self, K};
use crate::util::{sees_whole_cluster, synthetic_target};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Origin, Severity};
use std::collections::HashSet;

pub static META: RuleMeta = RuleMeta {
    code: "CP007",
    name: "missing-priority-class",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES.with(&[K::PriorityClass]),
    severity: Severity::Medium,
    summary: "Workload has no `priorityClassName` although PriorityClasses exist (or names one that does not exist)",
    law: law::COMPUTE,
    rationale: "\"PriorityClass: define who dies first deliberately, not by accident.\" When the cluster is \
full, the scheduler preempts lower-priority pods to place higher-priority ones, and under node pressure \
the kubelet evicts by priority too. Pods without a class get the global default (or 0) and are the \
first victims — which is fine for batch, and an outage for the checkout service. Once a cluster defines \
its own PriorityClasses, every workload should say where it stands. A `priorityClassName` that names no \
existing class is worse: admission rejects the pods (`no PriorityClass with name … was \
found`).\n\n**Differs from peers.** Polaris `priorityClassNotSet` wants a class on every workload; \
with a `globalDefault` PriorityClass in the input the pods get it at admission, and day2 stays \
silent.",
    fix: Fix::generic(
        "Set `priorityClassName` on every workload (for example `business-critical`, `default`, `batch`), or mark one class `globalDefault: true` so unlabelled workloads get a deliberate priority.",
    ),
    sources: "Manifests: judged only when the input defines PriorityClasses (other than the built-in `system-*` ones); a name that is not defined in the input is reported only if it is not a built-in. Snapshot/live: when the cluster defines no PriorityClass of its own, one cluster-level finding (low) says so; otherwise as on manifests, and a name that does not exist is high.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP007/fire.yaml"),
        silent: include_str!("../../fixtures/CP007/silent.yaml"),
    },
    peers: &[
        "KubeLinter priority-class-name",
        "Polaris priorityClassNotSet",
    ],
};

pub struct MissingPriorityClass;

impl Rule for MissingPriorityClass {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let own: Vec<_> = c
            .priority_classes
            .iter()
            .filter(|p| !p.name().starts_with("system-"))
            .collect();
        let names: HashSet<&str> = c.priority_classes.iter().map(|p| p.name()).collect();
        let global_default = own.iter().any(|p| p.global_default == Some(true));
        let workloads = cx.workloads();
        let whole = sees_whole_cluster(c);
        if own.is_empty() {
            if whole && !workloads.is_empty() {
                let origin = Origin::default();
                sink.report_with(
                    synthetic_target(&origin, "Cluster", None, "cluster"),
                    format!(
                        "the cluster defines no PriorityClass of its own: all {} workloads compete at the same priority and preemption and eviction order are accidental",
                        workloads.len()
                    ),
                    None,
                    None,
                    Some(Severity::Low),
                );
            }
            return;
        }
        for w in &workloads {
            match w.spec.priority_class_name.as_deref().filter(|n| !n.is_empty()) {
                None if global_default => {}
                None => sink.report(
                    Target::workload(w),
                    format!(
                        "no priorityClassName although PriorityClasses exist ({}): its pods get priority 0 and are preempted and evicted first",
                        day2_model::text::short_list(&own.iter().map(|p| p.name()).collect::<Vec<_>>(), 4)
                    ),
                    Some(&w.ptr("/priorityClassName")),
                ),
                Some(n) if !names.contains(n) && !n.starts_with("system-") => {
                    sink.report_with(
                        Target::workload(w),
                        format!("priorityClassName `{n}` does not exist: admission rejects the pods"),
                        Some(&w.ptr("/priorityClassName")),
                        None,
                        Some(if whole { Severity::High } else { Severity::Medium }),
                    );
                }
                Some(_) => {}
            }
        }
    }
}
