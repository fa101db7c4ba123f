//! CP010: PodDisruptionBudgets that select no pods.

use crate::reads::{self, K};
use crate::util::{namespace_has_operator_objects, sees_whole_cluster};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::selector::describe_label_selector;
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "CP010",
    name: "pdb-selects-nothing",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES.with(&[K::PodDisruptionBudget]),
    severity: Severity::Medium,
    summary: "PodDisruptionBudget selects no pod (null selector, or no workload in its namespace matches)",
    law: law::COMPUTE,
    rationale: "A budget that selects nothing protects nothing: the workload it was written for is drained \
like any other, and the PDB gives a false sense of safety. The usual causes are a label that changed \
in the Deployment but not in the PDB, the PDB in the wrong namespace, or a missing `selector` (in \
`policy/v1` a null selector selects no pods, while `{}` selects every pod of the namespace).",
    fix: Fix::generic(
        "Make the PDB's selector match the pod template labels of the workload it protects (`kubectl get pods -l <selector> -n <ns>` must list them), in the same namespace.",
    ),
    sources: "Manifests: matched against the pod templates in the input; silent in namespaces where the input holds custom resources that may create pods (an operator's database, for example). Snapshot/live: matched against templates and running pods; medium there, low on manifests.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP010/fire.yaml"),
        silent: include_str!("../../fixtures/CP010/silent.yaml"),
    },
    peers: &[],
};

pub struct PdbSelectsNothing;

impl Rule for PdbSelectsNothing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let index = cx.workload_index();
        let whole = sees_whole_cluster(c);
        let severity = if whole {
            Severity::Medium
        } else {
            Severity::Low
        };
        for pdb in &c.pdbs {
            let ns = pdb.ns_or_default();
            let Some(spec) = pdb.spec.as_ref() else {
                continue;
            };
            let message = match &spec.selector {
                None => format!(
                    "PodDisruptionBudget {} has no selector: in policy/v1 that selects no pods",
                    pdb.name()
                ),
                Some(sel) => {
                    if !index.matching(ns, sel).is_empty() || !c.pods_matching(ns, sel).is_empty() {
                        continue;
                    }
                    if !whole && namespace_has_operator_objects(c, ns) {
                        continue;
                    }
                    format!(
                        "PodDisruptionBudget {} selects {} but no pod in namespace {ns} matches: it protects nothing",
                        pdb.name(),
                        describe_label_selector(sel)
                    )
                }
            };
            sink.report_with(
                Target::of(pdb),
                message,
                Some("/spec/selector"),
                None,
                Some(severity),
            );
        }
    }
}
