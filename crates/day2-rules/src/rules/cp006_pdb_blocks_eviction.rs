//! CP006: PodDisruptionBudgets that refuse every eviction.

use crate::reads::{self, K};
use crate::util::{hpas_by_target, ios, min_replicas, scaled, wname};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "CP006",
    name: "pdb-blocks-eviction",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES.with(&[K::HorizontalPodAutoscaler, K::PodDisruptionBudget]),
    severity: Severity::High,
    summary: "PodDisruptionBudget allows no disruption (`maxUnavailable: 0`, `minAvailable` ≥ replicas), or pods are covered by more than one PDB",
    law: law::COMPUTE,
    rationale: "A budget of zero disruptions does not protect the workload, it freezes the node: `kubectl \
drain`, managed node-group upgrades and autoscaler scale-down wait on it forever (or until a timeout \
forces the node away). `maxUnavailable: 0` (or `0%`) always blocks; `minAvailable` blocks when, rounded \
up as the disruption controller rounds, it reaches the expected replica count — the HPA's \
`minReplicas` when an HPA scales the workload, since that is where it sits at night. A pod selected by \
two PDBs cannot be evicted at all: the eviction API answers `This pod has more than one \
PodDisruptionBudget, which the eviction subresource does not support`.",
    fix: Fix::generic(
        "Use `maxUnavailable: 1` (or a percentage that rounds to at least one pod) instead of `maxUnavailable: 0` or a `minAvailable` equal to the replica count; run at least two replicas of anything that has a budget; make sure each pod is selected by exactly one PDB.",
    ),
    sources: "Same on every source: expected replica counts come from the workloads in the input (and their HPAs). Budgets over DaemonSet pods are not evaluated for `minAvailable` (their count depends on the nodes).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP006/fire.yaml"),
        silent: include_str!("../../fixtures/CP006/silent.yaml"),
    },
    peers: &[
        "KubeLinter pdb-max-unavailable, pdb-min-available",
        "Polaris pdbDisruptionsIsZero, pdbMinAvailableGreaterThanHPAMinReplicas",
    ],
};

pub struct PdbBlocksEviction;

impl Rule for PdbBlocksEviction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let index = cx.workload_index();
        let hpas = hpas_by_target(cx.cluster);
        let mut pdbs_of: HashMap<String, Vec<&str>> = HashMap::new();
        for pdb in &cx.cluster.pdbs {
            let Some(spec) = pdb.spec.as_ref() else {
                continue;
            };
            let Some(sel) = spec.selector.as_ref() else {
                continue;
            };
            let matched = index.matching(pdb.ns_or_default(), sel);
            for w in &matched {
                pdbs_of
                    .entry(format!("{}/{}", w.namespace(), wname(w)))
                    .or_default()
                    .push(pdb.name());
            }
            if matched.is_empty() {
                continue; // CP010
            }
            let counts: Option<Vec<i64>> = matched.iter().map(|w| min_replicas(w, &hpas)).collect();
            let expected: Option<i64> = counts.map(|c| c.iter().sum());
            let names: Vec<String> = matched.iter().map(|w| wname(w)).collect();
            let names = day2_model::text::short_list(&names, 3);
            if let Some(mu) = &spec.max_unavailable
                && scaled(mu, expected.unwrap_or(1).max(1), true) == Some(0)
            {
                sink.report(
                    Target::of(pdb),
                    format!(
                        "PodDisruptionBudget {} has maxUnavailable {}: no pod of {names} can ever be evicted, so drains of their nodes never finish",
                        pdb.name(),
                        ios(mu)
                    ),
                    Some("/spec/maxUnavailable"),
                );
            }
            if let (Some(ma), Some(expected)) = (&spec.min_available, expected)
                && expected > 0
                && scaled(ma, expected, true).is_some_and(|m| m >= expected)
            {
                sink.report(
                    Target::of(pdb),
                    format!(
                        "PodDisruptionBudget {} requires minAvailable {} of {expected} expected pod(s) of {names}: no eviction is ever allowed",
                        pdb.name(),
                        ios(ma)
                    ),
                    Some("/spec/minAvailable"),
                );
            }
        }
        for w in &index.all {
            if let Some(list) = pdbs_of.get(&format!("{}/{}", w.namespace(), wname(w)))
                && list.len() > 1
            {
                sink.report(
                    Target::workload(w),
                    format!(
                        "pods of {} are selected by {} PodDisruptionBudgets ({}): the eviction API refuses to evict them",
                        wname(w),
                        list.len(),
                        list.join(", ")
                    ),
                    None,
                );
            }
        }
    }
}
