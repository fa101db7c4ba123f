//! `ServiceWithoutReadyEndpoints`: a Service with a selector and no ready
//! endpoint, so clients (and ingress controllers) get refused connections,
//! 502s or 503s.
//!
//! Endpoints are read from EndpointSlices (`kubernetes.io/service-name`
//! label; `conditions.ready` absent means ready, per discovery.k8s.io/v1),
//! else the Endpoints object (`addresses` vs `notReadyAddresses`), else
//! computed from the selected pods' `Ready` condition.

use super::{Detail, Detected, Kind, Subject};
use crate::analysis::Analysis;
use crate::model;
use day2_model::pod::Pod;
use day2_model::{Res, SourceKind};
use k8s_openapi::api::core::v1::Service;

/// Ready and not-ready endpoints of a Service, and where they were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointState {
    pub ready: usize,
    pub not_ready: usize,
    pub source: &'static str,
}

/// The Service's selector, when it has one the endpoints controller acts on.
pub fn selector(svc: &Service) -> Option<&std::collections::BTreeMap<String, String>> {
    let spec = svc.spec.as_ref()?;
    if spec.type_.as_deref() == Some("ExternalName") {
        return None;
    }
    spec.selector.as_ref().filter(|s| !s.is_empty())
}

/// Pods the Service selects (not terminated, not being deleted).
pub fn selected_pods<'c>(a: &Analysis<'c>, svc: &Res<Service>) -> Vec<&'c Res<Pod>> {
    let Some(sel) = selector(svc) else {
        return Vec::new();
    };
    a.cluster
        .pods_matching_map(svc.ns_or_default(), sel)
        .into_iter()
        .filter(|p| !model::is_terminal(p) && !model::is_deleting(p))
        .collect()
}

pub fn endpoint_state(a: &Analysis<'_>, svc: &Res<Service>, pods: &[&Res<Pod>]) -> EndpointState {
    let ns = svc.ns_or_default();
    let slices = a.slices_of(ns, svc.name());
    if !slices.is_empty() {
        // A slice without port numbers, for a Service that has ports: the
        // controller found none of the Service's ports on those pods (a
        // named targetPort no container declares; kubernetes/kubernetes#109627
        // shows its port unset), and the proxies send nothing to them.
        let has_ports = svc
            .spec
            .as_ref()
            .and_then(|sp| sp.ports.as_ref())
            .is_some_and(|p| !p.is_empty());
        let (mut ready, mut not_ready) = (0, 0);
        for s in slices {
            if has_ports
                && s.ports
                    .as_ref()
                    .is_none_or(|ps| ps.iter().all(|p| p.port.is_none()))
            {
                not_ready += s.endpoints.as_ref().map_or(0, Vec::len);
                continue;
            }
            for e in s.endpoints.iter().flatten() {
                if e.conditions.as_ref().and_then(|c| c.ready) == Some(false) {
                    not_ready += 1;
                } else {
                    ready += 1;
                }
            }
        }
        return EndpointState {
            ready,
            not_ready,
            source: "EndpointSlice",
        };
    }
    if let Some(ep) = a.endpoints_of(ns, svc.name()) {
        let (mut ready, mut not_ready) = (0, 0);
        for s in ep.subsets.iter().flatten() {
            ready += s.addresses.as_ref().map_or(0, Vec::len);
            not_ready += s.not_ready_addresses.as_ref().map_or(0, Vec::len);
        }
        return EndpointState {
            ready,
            not_ready,
            source: "Endpoints",
        };
    }
    let ready = pods.iter().filter(|p| model::is_ready(p)).count();
    EndpointState {
        ready,
        not_ready: pods.len() - ready,
        source: "pods",
    }
}

/// When the selected pods stopped being ready (the earliest of them): their
/// own symptom's start when one was diagnosed, else the Ready condition.
pub fn unready_since(a: &Analysis<'_>, pods: &[&Res<Pod>]) -> Option<jiff::Timestamp> {
    pods.iter()
        .filter(|p| !model::is_ready(p))
        .filter_map(|p| {
            a.pod_result(p.ns_or_default(), p.name())
                .and_then(|r| r.since)
                .or_else(|| {
                    model::condition(p, "Ready")
                        .filter(|c| c.status != "True")
                        .and_then(model::condition_since)
                })
                .or_else(|| model::condition(p, "PodScheduled").and_then(model::condition_since))
                .or_else(|| model::creation(&p.metadata))
        })
        .min()
}

/// Values of a role label that name a replicated database's followers
/// (Patroni and the Postgres operators: `replica`, `standby`; MySQL and
/// Redis charts: `slave`, `secondary`, `reader`).
const FOLLOWER_ROLES: &[&str] = &[
    "replica",
    "replicas",
    "standby",
    "slave",
    "secondary",
    "reader",
];

/// The Service of a replicated database's follower role, while the database
/// runs without followers: its selector matches no pod only because of a
/// `…role` label, whose value names followers, and a Ready pod matching the
/// rest of the selector holds that label with another value (the leader's).
/// A replicas Service of a single-instance cluster is empty by design (its
/// clients use the primary's); followers that exist but are not Ready are
/// still selected, and followers that cannot be created are their
/// controller's symptom.
fn replica_role_vacant(
    a: &Analysis<'_>,
    svc: &Res<Service>,
    sel: &std::collections::BTreeMap<String, String>,
) -> bool {
    let role = |k: &str| k == "role" || k.ends_with("/role") || k.ends_with("-role");
    let Some((key, value)) = sel.iter().find(|(k, _)| role(k)) else {
        return false;
    };
    if !FOLLOWER_ROLES.contains(&value.to_ascii_lowercase().as_str()) {
        return false;
    }
    a.cluster
        .pods_in_namespace(svc.ns_or_default())
        .filter(|p| model::is_ready(p))
        .any(|p| {
            let labels = p.labels();
            labels.get(key).is_some_and(|v| v != value)
                && sel
                    .iter()
                    .filter(|(k, _)| *k != key)
                    .all(|(k, v)| labels.get(k) == Some(v))
        })
}

/// Whether an Ingress of the Service's namespace routes to it.
fn routed_to(a: &Analysis<'_>, svc: &Res<Service>) -> bool {
    let ns = svc.ns_or_default();
    a.cluster
        .ingresses
        .iter()
        .filter(|i| i.ns_or_default() == ns)
        .filter_map(|i| i.spec.as_ref())
        .any(|s| {
            let named = |b: &k8s_openapi::api::networking::v1::IngressBackend| {
                b.service.as_ref().is_some_and(|b| b.name == svc.name())
            };
            s.default_backend.as_ref().is_some_and(named)
                || s.rules
                    .iter()
                    .flatten()
                    .filter_map(|r| r.http.as_ref())
                    .flat_map(|h| h.paths.iter())
                    .any(|p| named(&p.backend))
        })
}

pub fn detect<'c>(a: &Analysis<'c>, svc: &'c Res<Service>) -> Option<Detected<'c>> {
    if a.cluster.source == SourceKind::Manifests {
        return None;
    }
    let Some(sel) = selector(svc) else {
        return super::manual_endpoints::detect(a, svc);
    };
    let pods = selected_pods(a, svc);
    let state = endpoint_state(a, svc, &pods);
    if state.ready > 0 {
        return None;
    }
    if pods.is_empty()
        && a.cluster
            .pods_in_namespace(svc.ns_or_default())
            .next()
            .is_none()
        && !routed_to(a, svc)
    {
        // Nothing runs in the namespace: nothing to judge (or not
        // captured), unless an Ingress sends its traffic to the Service.
        return None;
    }
    if pods.is_empty() && replica_role_vacant(a, svc, sel) {
        return None;
    }
    let mut d = Detected::new(
        Kind::ServiceWithoutReadyEndpoints,
        svc.objref(),
        Subject::Service(svc),
    );
    let sel_text = sel
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    d.evidence.push(format!(
        "selector {sel_text} matches {} pod(s), {} ready; {} ready / {} not-ready endpoint(s) ({})",
        pods.len(),
        pods.iter().filter(|p| model::is_ready(p)).count(),
        state.ready,
        state.not_ready,
        state.source
    ));
    d.since = unready_since(a, &pods).or_else(|| model::creation(&svc.metadata));
    d.events = a.cluster.events_for_obj(svc);
    d.detail = Detail::None;
    Some(d)
}
