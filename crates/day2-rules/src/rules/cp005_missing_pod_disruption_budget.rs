//! CP005: multi-replica workloads without a PodDisruptionBudget.

use crate::reads::{self, K};
use crate::util::{hpas_by_target, max_replicas, wname};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use std::collections::HashSet;

pub static META: RuleMeta = RuleMeta {
    code: "CP005",
    name: "missing-pod-disruption-budget",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES.with(&[K::HorizontalPodAutoscaler, K::PodDisruptionBudget]),
    severity: Severity::Medium,
    summary: "Workload with two or more replicas is not covered by any PodDisruptionBudget",
    law: law::COMPUTE,
    rationale: "\"PodDisruptionBudget: kill 1 replica, never 2 — explicit, not implied.\" Node drains \
(upgrades, autoscaler scale-down, spot reclaims handled by a termination handler) evict through the \
eviction API, which honours PDBs and nothing else. Without one, a drain of two nodes can take every \
replica of a Deployment at once. A PDB covers a workload when its selector (matchLabels AND \
matchExpressions) selects the workload's pod labels in the same namespace. Single-replica workloads \
(`replicas` unset means 1) are not reported, DaemonSets and Jobs neither; workloads scaled by an HPA \
count with its `maxReplicas`.\n\n**Differs from peers.** \
Polaris `missingPodDisruptionBudget` asks a PDB of every Deployment; like kube-score, day2 asks it \
of workloads with two replicas or more (one replica can only be blocked or let go).",
    fix: Fix::generic(
        "Add a PodDisruptionBudget selecting the workload's pods with `maxUnavailable: 1` (or a percentage); prefer maxUnavailable over minAvailable so the budget keeps working when the replica count changes.",
    ),
    sources: "Same on every source: PDBs are matched against the pod templates of the workloads in the input.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP005/fire.yaml"),
        silent: include_str!("../../fixtures/CP005/silent.yaml"),
    },
    peers: &[
        "kube-score deployment-has-poddisruptionbudget, statefulset-has-poddisruptionbudget",
        "Polaris missingPodDisruptionBudget",
    ],
};

pub struct MissingPodDisruptionBudget;

impl Rule for MissingPodDisruptionBudget {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let index = cx.workload_index();
        let hpas = hpas_by_target(cx.cluster);
        let mut covered: HashSet<String> = HashSet::new();
        for pdb in &cx.cluster.pdbs {
            let Some(sel) = pdb.spec.as_ref().and_then(|s| s.selector.as_ref()) else {
                continue; // a null selector selects nothing
            };
            for w in index.matching(pdb.ns_or_default(), sel) {
                covered.insert(format!("{}/{}", w.namespace(), wname(w)));
            }
        }
        for w in &index.all {
            if !matches!(
                w.kind,
                "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController"
            ) {
                continue;
            }
            let Some(n) = max_replicas(w, &hpas) else {
                continue;
            };
            if n < 2 || covered.contains(&format!("{}/{}", w.namespace(), wname(w))) {
                continue;
            }
            sink.report(
                Target::workload(w),
                format!(
                    "{} runs up to {n} replicas and no PodDisruptionBudget selects its pods: a drain may evict all of them at once",
                    wname(w)
                ),
                Some("/spec/replicas"),
            );
        }
    }
}
