//! `IngressBackendUnavailable` from GKE's own word: its Ingress controller
//! writes each backend's health, as the load balancer's health check sees
//! it, into the Ingress's `ingress.kubernetes.io/backends` annotation
//! (`{"k8s-be-30450--<hash>":"UNHEALTHY"}`, ingress-gce's
//! `pkg/backends`). A backend is named by its Service's node port (or its
//! NEG); an UNHEALTHY one gets no traffic, and clients get 502.

use super::{Detail, Detected, Kind, Subject};
use crate::analysis::Analysis;
use day2_model::{Res, SourceKind};
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::Ingress;

pub(crate) const BACKENDS: &str = "ingress.kubernetes.io/backends";

/// A backend's Service and Service port, found by its node port.
pub type Backend<'c> = Option<(&'c Res<Service>, i32)>;

/// The backends the annotation calls UNHEALTHY: (backend name, its
/// Service and Service port, when a node port names one).
pub fn unhealthy<'c>(a: &Analysis<'c>, ing: &Ingress) -> Vec<(String, Backend<'c>)> {
    let Some(text) = ing
        .metadata
        .annotations
        .as_ref()
        .and_then(|m| m.get(BACKENDS))
    else {
        return Vec::new();
    };
    let Ok(map) = serde_json::from_str::<std::collections::BTreeMap<String, String>>(text) else {
        return Vec::new();
    };
    let ns = ing.metadata.namespace.as_deref().unwrap_or("default");
    map.into_iter()
        .filter(|(_, health)| health.eq_ignore_ascii_case("UNHEALTHY"))
        .map(|(name, _)| {
            let node_port = name
                .strip_prefix("k8s-be-")
                .and_then(|r| r.split("--").next())
                .and_then(|p| p.parse::<i32>().ok());
            // NEG backends name the Service itself:
            // `k8s1-<cluster uid>-<namespace>-<service>-<port>-<hash>`.
            let named = || {
                let rest = name.strip_prefix("k8s1-")?.split_once('-')?.1;
                let rest = rest.strip_prefix(ns)?.strip_prefix('-')?;
                let (rest, _hash) = rest.rsplit_once('-')?;
                let (service, port) = rest.rsplit_once('-')?;
                let port: i32 = port.parse().ok()?;
                let s = a
                    .cluster
                    .services
                    .iter()
                    .find(|s| s.ns_or_default() == ns && s.name() == service)?;
                Some((s, port))
            };
            let svc = node_port.and_then(|np| {
                a.cluster
                    .services
                    .iter()
                    .filter(|s| s.ns_or_default() == ns)
                    .find_map(|s| {
                        let port = s
                            .spec
                            .as_ref()?
                            .ports
                            .iter()
                            .flatten()
                            .find(|p| p.node_port == Some(np))?;
                        Some((s, port.port))
                    })
            });
            let svc = svc.or_else(named);
            (name, svc)
        })
        .collect()
}

pub fn detect<'c>(a: &Analysis<'c>, ing: &'c Res<Ingress>) -> Option<Detected<'c>> {
    if a.cluster.source == SourceKind::Manifests {
        return None;
    }
    let bad = unhealthy(a, ing);
    let (name, svc) = bad.first()?;
    let mut d = Detected::new(
        Kind::IngressBackendUnavailable,
        ing.objref(),
        Subject::Ingress(ing),
    );
    d.evidence.push(format!(
        "{BACKENDS}: backend {name} is UNHEALTHY{}",
        svc.map(|(s, p)| format!(" (Service {} port {p})", s.name()))
            .unwrap_or_default()
    ));
    d.since = crate::model::creation(&ing.metadata);
    d.events = a.cluster.events_for_obj(ing);
    d.detail = Detail::Ingress {
        service: svc.map(|(s, _)| s.name().to_owned()).unwrap_or_default(),
        port: svc.map(|(_, p)| p.to_string()),
        host: "*".to_owned(),
        path: "/".to_owned(),
    };
    Some(d)
}
