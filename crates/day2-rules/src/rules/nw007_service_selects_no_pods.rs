//! NW007: Services whose selector matches no pod.

use crate::util::{namespace_has_operator_objects, sees_whole_cluster};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::selector::describe_map_selector;
use day2_model::{Loop, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "NW007",
    name: "service-selects-no-pods",
    loop_: Loop::Network,
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
    sources: "Snapshot/live: matched against pod templates and running pods (high). Manifests: matched against the pod templates in the input (medium: the workload may live in other files); silent in namespaces where the input holds custom resources that may create pods.",
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
            sink.report_with(
                Target::of(*s),
                format!(
                    "Service {} selects {} but no pod{} in namespace {ns} has those labels: it has no endpoints",
                    s.name(),
                    describe_map_selector(sel),
                    if whole { "" } else { " template in the input" }
                ),
                Some("/spec/selector"),
                None,
                Some(if whole { Severity::High } else { Severity::Medium }),
            );
        }
    }
}
