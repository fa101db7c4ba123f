//! A pod labelled for Azure workload identity that the webhook did not
//! mutate: it has no `AZURE_FEDERATED_TOKEN_FILE` and no
//! `azure-identity-token` volume, so its Azure calls fail (`AZURE_CLIENT_ID
//! environment variable is not set`, or msal's `the Authority does not
//! appear to use https` with no authority host). Either the webhook's
//! `namespaceSelector` leaves the pod's namespace out (AKS's Admissions
//! Enforcer adds `control-plane` and `kubernetes.azure.com/managedby`
//! exclusions to every webhook, so kube-system is never mutated:
//! Azure/azure-workload-identity#525), or, with `failurePolicy: Ignore`,
//! the API server could not call it and created the pod as it was (a
//! NetworkPolicy in the webhook's namespace: Azure/azure-workload-identity#611).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

const WEBHOOK: &str = "azure-workload-identity.io";

fn mutated(pod: &Pod) -> bool {
    let Some(spec) = pod.spec.as_ref() else {
        return false;
    };
    spec.volumes
        .iter()
        .flatten()
        .any(|v| v.name == "azure-identity-token")
        || spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .flat_map(|c| c.env.iter().flatten())
            .any(|e| e.name == "AZURE_FEDERATED_TOKEN_FILE")
}

pub(super) fn unmutated(a: &Analysis<'_>, pod: &Res<Pod>) -> Option<Hypothesis> {
    if mutated(pod) {
        return None;
    }
    let (config, hook) = super::super::admission::webhooks(a).find(|(o, h)| {
        o.obj.kind == "MutatingWebhookConfiguration"
            && h.get("name")
                .and_then(|n| n.as_str())
                .is_some_and(|n| n.ends_with(WEBHOOK))
    })?;
    let name = hook.get("name").and_then(|n| n.as_str()).unwrap_or(WEBHOOK);
    let ns = pod.ns_or_default();
    let unmutated = format!(
        "pod {} is labelled for Azure workload identity but was created without the webhook's mutation (no AZURE_FEDERATED_TOKEN_FILE, no token volume), so its Azure calls have no identity",
        pod.name()
    );
    let selector: Option<LabelSelector> = hook
        .get("namespaceSelector")
        .and_then(|s| serde_json::from_value(s.clone()).ok());
    let labels = day2_model::netpol::namespace_labels(a.cluster, ns);
    let held = a.cluster.namespaces.iter().any(|n| n.name() == ns);
    if held
        && let Some(sel) = selector.as_ref()
        && !day2_model::selector::label_selector_matches(sel, &labels)
    {
        let aks = sel
            .match_expressions
            .iter()
            .flatten()
            .any(|e| e.key == "control-plane" || e.key == "kubernetes.azure.com/managedby");
        let why = if aks {
            " (on AKS the Admissions Enforcer adds these exclusions to every webhook, so kube-system and other system namespaces are never mutated)"
        } else {
            ""
        };
        return Some(
            Hypothesis::new(
                84,
                Loop::Identity,
                config.objref(),
                format!("{unmutated}: webhook \"{name}\" of {} {} selects no pod of namespace {ns}: its namespaceSelector leaves {ns} out{why}", config.obj.kind, config.name()),
            )
            .fix(format!(
                "Run the workload in a namespace the webhook's namespaceSelector admits (not {ns}){}, then recreate the pods.",
                if aks {
                    format!(", or annotate {} {} with `admissions.enforcer/disabled: \"true\"` so AKS leaves its namespaceSelector alone", config.obj.kind, config.name())
                } else {
                    format!(", or widen the namespaceSelector of {} {}", config.obj.kind, config.name())
                }
            )),
        );
    }
    if hook.get("failurePolicy").and_then(|p| p.as_str()) != Some("Ignore") {
        return None;
    }
    let service =
        super::super::admission::webhook_service(hook).map(|(n, s)| (n.to_owned(), s.to_owned()));
    let mut h = super::super::webhook_path::unreachable(a, name, service.as_ref())?;
    h.root.summary = format!(
        "{unmutated}: webhook \"{name}\" has failurePolicy Ignore, so a call that fails lets the pod through unchanged, and {}",
        h.root.summary
    );
    h.fix = format!("{} Then recreate pod {ns}/{}.", h.fix, pod.name());
    h = h.link(crate::evidence::Link::new(
        Loop::Identity,
        None,
        ObjRef::new("Pod", Some(ns), pod.name()),
        "labelled azure.workload.identity/use, not mutated",
    ));
    Some(h)
}
