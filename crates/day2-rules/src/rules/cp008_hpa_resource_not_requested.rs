//! CP008: HPAs scaling on utilisation of a resource the pods do not request.

use crate::reads::{self, K};
use crate::util::wname;
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::resources::{container_request, pod_level_request};
use day2_model::{Loop, Severity};
use k8s_openapi::api::core::v1::{Container, PodSpec};

pub static META: RuleMeta = RuleMeta {
    code: "CP008",
    name: "hpa-resource-not-requested",
    loop_: Loop::Compute,
    reads: reads::TEMPLATES.with(&[K::HorizontalPodAutoscaler]),
    severity: Severity::High,
    summary: "HPA targets a utilisation of CPU or memory that the target's containers do not request",
    law: law::COMPUTE,
    rationale: "Utilisation is usage divided by request. The HPA controller computes it per pod from every \
app container and restartable sidecar (or from pod-level requests when set, or from the one container \
a `ContainerResource` metric names); if any of them has no request for the resource, the controller \
fails with `missing request for cpu in container …` (FailedGetResourceMetric), reports `<unknown>` and \
never scales. The workload then meets the traffic peak at its minimum replica count. An HPA without \
`metrics` scales on 80% CPU utilisation by default, so it needs CPU requests too.",
    fix: Fix::generic(
        "Add the resource's request to every container of the target (sidecars included), or scale on `AverageValue` instead of `Utilization`, or use a `ContainerResource` metric for the container that carries the load.",
    ),
    sources: "Same on every source: the HPA's target is looked up among the workloads in the input; HPAs whose target is not in the input are reported by CP015, not here.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/CP008/fire.yaml"),
        silent: include_str!("../../fixtures/CP008/silent.yaml"),
    },
    peers: &[],
};

/// Containers the HPA sums for a `Resource` metric: app containers and restartable sidecars.
fn summed(spec: &PodSpec) -> impl Iterator<Item = &Container> {
    spec.containers.iter().chain(
        spec.init_containers
            .iter()
            .flatten()
            .filter(|c| day2_model::resources::is_sidecar(c)),
    )
}

pub struct HpaResourceNotRequested;

impl Rule for HpaResourceNotRequested {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let index = cx.workload_index();
        for hpa in &cx.cluster.hpas {
            let spec = &hpa.spec;
            let t = &spec.scale_target_ref;
            let Some(w) = index.find(&t.kind, hpa.ns_or_default(), &t.name) else {
                continue;
            };
            // (pointer, resource, container or None for the whole pod)
            let mut wanted: Vec<(String, String, Option<String>)> = Vec::new();
            match spec.metrics.as_deref() {
                None | Some([]) => wanted.push(("/spec".into(), "cpu".into(), None)),
                Some(metrics) => {
                    for (i, m) in metrics.iter().enumerate() {
                        if let Some(r) = &m.resource
                            && r.target.type_ == "Utilization"
                        {
                            wanted.push((format!("/spec/metrics/{i}"), r.name.clone(), None));
                        }
                        if let Some(r) = &m.container_resource
                            && r.target.type_ == "Utilization"
                        {
                            wanted.push((
                                format!("/spec/metrics/{i}"),
                                r.name.clone(),
                                Some(r.container.clone()),
                            ));
                        }
                    }
                }
            }
            for (pointer, res, container) in wanted {
                let problem = match &container {
                    None => {
                        if pod_level_request(w.spec, &res).is_some() {
                            continue;
                        }
                        let missing: Vec<&str> = summed(w.spec)
                            .filter(|c| container_request(c, &res).is_none())
                            .map(|c| c.name.as_str())
                            .collect();
                        if missing.is_empty() {
                            continue;
                        }
                        format!(
                            "container(s) {} of {} have no {res} request",
                            missing.join(", "),
                            wname(w)
                        )
                    }
                    Some(name) => match summed(w.spec).find(|c| &c.name == name) {
                        None => format!("{} has no container `{name}`", wname(w)),
                        Some(c) if container_request(c, &res).is_none() => {
                            format!("container `{name}` of {} has no {res} request", wname(w))
                        }
                        Some(_) => continue,
                    },
                };
                sink.report(
                    Target::of(hpa),
                    format!(
                        "HorizontalPodAutoscaler {} scales on {res} utilisation but {problem}: it reports <unknown> and never scales",
                        hpa.name()
                    ),
                    Some(&pointer),
                );
            }
        }
    }
}
