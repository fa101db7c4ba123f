//! NW007: Services whose selector matches no pod.

use crate::reads::{self, K};
use crate::util::{namespace_has_operator_objects, sees_whole_cluster, wname};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::selector::describe_map_selector;
use day2_model::{Loop, Severity, Workload};
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    code: "NW007",
    name: "service-selects-no-pods",
    loop_: Loop::Network,
    reads: reads::TEMPLATES.with(&[K::Service]),
    severity: Severity::High,
    summary: "Service selector matches no pod: the Service has no endpoints",
    law: law::NETWORK,
    rationale: "\"Validate the entire path, not just the endpoint.\" A Service whose selector matches no pod \
has no endpoints: clients get connection refused, the ingress answers 503, and everything upstream looks \
healthy. The usual causes are a label renamed in the Deployment but not in the Service, the Service in \
another namespace, or a selector with one label too many (all of a Service's selector labels must be on \
the pod). Services without a selector (endpoints managed by hand) and ExternalName Services are not \
checked.",
    fix: Fix::generic(
        "Make every key/value of the Service's `selector` appear in the pod template's labels of the workload it fronts (`kubectl get endpointslices -l kubernetes.io/service-name=NAME` must list pods).",
    ),
    sources: "Snapshot/live: matched against pod templates and running pods (high). Manifests: matched against the pod templates in the input. When a workload of the namespace carries all but one of the selector's labels, or one of its keys with another value, the selector is probably mistyped (medium, the workload named). When no pod template of the input shares anything with the selector, its pods are probably deployed outside the input (an operator's exporter, another chart): low, said as unknown. Silent in namespaces where the input holds custom resources that may create pods (cluster-scoped objects such as CustomResourceDefinitions do not count).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW007/fire.yaml"),
        silent: include_str!("../../fixtures/NW007/silent.yaml"),
    },
    peers: &[
        "kube-score service-targets-pod",
        "KubeLinter dangling-service",
        "Kubescape C-0293",
    ],
};

/// A workload whose pod labels almost satisfy the selector: all pairs but
/// one, or one of its keys with another value. Returns the workload and
/// what differs (`app=web-api, selector wants app=webapi`).
fn near_miss<'w, 'a: 'w>(
    workloads: impl Iterator<Item = &'w Workload<'a>>,
    sel: &BTreeMap<String, String>,
) -> Option<(&'w Workload<'a>, String)> {
    let mut best: Option<(usize, &'w Workload<'a>, String)> = None;
    for w in workloads {
        let labels = w.pod_labels();
        let missing: Vec<(&String, &String)> = sel
            .iter()
            .filter(|(k, v)| labels.get(*k) != Some(*v))
            .collect();
        let same_key_other_value = missing.iter().find_map(|(k, v)| {
            labels
                .get(*k)
                .map(|have| format!("it has {k}={have}, the selector wants {k}={v}"))
        });
        let detail = match (missing.as_slice(), same_key_other_value) {
            (_, Some(d)) => d,
            ([(k, v)], None) if sel.len() > 1 => {
                format!("it has every selector label but {k}={v}")
            }
            _ => continue,
        };
        if best.as_ref().is_none_or(|(n, _, _)| missing.len() < *n) {
            best = Some((missing.len(), w, detail));
        }
    }
    best.map(|(_, w, d)| (w, d))
}

pub struct ServiceSelectsNoPods;

impl Rule for ServiceSelectsNoPods {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let c = cx.cluster;
        let _index = cx.workload_index();
        let services = cx.service_index();
        let whole = sees_whole_cluster(c);
        for (s, matched) in &services.services {
            if !matched.is_empty() {
                continue;
            }
            let ns = s.ns_or_default();
            let Some(sel) = s.spec.as_ref().and_then(|sp| sp.selector.as_ref()) else {
                continue;
            };
            if !c.pods_matching_map(ns, sel).is_empty() {
                continue;
            }
            if !whole && namespace_has_operator_objects(c, ns) {
                continue;
            }
            if whole {
                sink.report_with(
                    Target::of(*s),
                    format!(
                        "Service {} selects {} but no pod in namespace {ns} has those labels: it has no endpoints",
                        s.name(),
                        describe_map_selector(sel),
                    ),
                    Some("/spec/selector"),
                    None,
                    Some(Severity::High),
                );
                continue;
            }
            let (message, severity) = match near_miss(cx.workload_index().in_namespace(ns), sel) {
                Some((w, mismatch)) => (
                    format!(
                        "Service {} selects {} but no pod template in the input for namespace {ns} has those labels: {} is close ({mismatch}), so the selector is probably mistyped and the Service has no endpoints",
                        s.name(),
                        describe_map_selector(sel),
                        wname(w),
                    ),
                    Severity::Medium,
                ),
                None => (
                    format!(
                        "Service {} selects {}, which no pod template in the input for namespace {ns} carries: unless its pods are deployed outside these files (an operator, another chart), it has no endpoints",
                        s.name(),
                        describe_map_selector(sel),
                    ),
                    Severity::Low,
                ),
            };
            sink.report_with(
                Target::of(*s),
                message,
                Some("/spec/selector"),
                None,
                Some(severity),
            );
        }
    }
}
