//! CP015: HPAs whose target is missing, or whose target also pins `replicas`.

use crate::reads::{self, K};
use crate::util::{namespace_has_operator_objects, sees_whole_cluster};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "CP015",
    name: "hpa-target-mismatch",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES.with(&[K::HorizontalPodAutoscaler]),
    severity: Severity::Medium,
    summary: "HPA targets a workload that does not exist, or a Deployment/StatefulSet manifest that also sets `replicas`",
    law: law::COMPUTE,
    rationale: "An HPA whose `scaleTargetRef` names nothing scales nothing (`FailedGetScale`), and the \
workload it was meant for meets peaks at a fixed size. An HPA whose target manifest also sets \
`spec.replicas` fights every deploy: each `kubectl apply` or GitOps sync resets the replica count to the \
manifest's value, scaling a busy service down in the middle of a peak until the HPA notices again (low).",
    fix: Fix::generic(
        "Point `scaleTargetRef` at the workload's exact kind and name in the HPA's namespace; remove `spec.replicas` from manifests of HPA-scaled workloads (let the HPA own it).",
    ),
    sources: "Missing targets: snapshot/live always; manifests only in namespaces without custom resources that may own scalable objects, and medium there. The `replicas` conflict is judged on manifests only (a live object always carries the current count).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP015/fire.yaml"),
        silent: include_str!("../../fixtures/CP015/silent.yaml"),
    },
    peers: &[
        "kube-score horizontalpodautoscaler-has-target, deployment-targeted-by-hpa-does-not-have-replicas-configured",
        "KubeLinter dangling-horizontalpodautoscaler",
        "Kubescape C-0300",
    ],
};

pub struct HpaTargetMismatch;

impl Rule for HpaTargetMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let index = cx.workload_index();
        let whole = sees_whole_cluster(c);
        let deployments = crate::util::ByName::new(&c.deployments);
        let sets = crate::util::StatefulSets::new(&c.stateful_sets);
        for hpa in &c.hpas {
            let spec = &hpa.spec;
            let ns = hpa.ns_or_default();
            let t = &spec.scale_target_ref;
            let scalable = matches!(
                t.kind.as_str(),
                "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController"
            );
            match index.find(&t.kind, ns, &t.name) {
                None if scalable && (whole || !namespace_has_operator_objects(c, ns)) => {
                    sink.report(
                        Target::of(hpa),
                        format!(
                            "HorizontalPodAutoscaler {} targets {}/{} which does not exist in namespace {ns}: it scales nothing",
                            hpa.name(),
                            t.kind,
                            t.name
                        ),
                        Some("/spec/scaleTargetRef"),
                    );
                }
                Some(w) if !whole => {
                    let pinned = match w.kind {
                        "Deployment" => deployments.get(ns, &t.name).and_then(|d| d.spec.replicas),
                        "StatefulSet" => sets.get(ns, &t.name).and_then(|d| d.spec.replicas),
                        _ => None,
                    };
                    if let Some(r) = pinned {
                        sink.report_with(
                            Target::workload(w),
                            format!(
                                "{}/{} sets replicas: {r} but HorizontalPodAutoscaler {} scales it: every apply resets the replica count",
                                w.kind,
                                t.name,
                                hpa.name()
                            ),
                            Some("/spec/replicas"),
                            None,
                            Some(Severity::Low),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}
