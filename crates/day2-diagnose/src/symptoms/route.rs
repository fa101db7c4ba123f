//! Gateway API routes (`HTTPRoute`, `GRPCRoute`, `TLSRoute`, `TCPRoute`,
//! `UDPRoute`) whose backend resolves to nothing: `IngressBackendMissing`
//! on the route, as for an Ingress. A backendRef names a Service and a port
//! of it (`backendRefs[].port` is the Service's port, not the pod's); a
//! name or port the Service does not have leaves the gateway nothing to
//! send to, and some gateways (Cilium) still report `ResolvedRefs: True`
//! and answer `Connection refused` (chr1sd/home-ops#4).

use super::{Detail, Detected, Kind, Subject};
use crate::analysis::Analysis;
use day2_model::object::DynObject;
use day2_model::{Res, SourceKind};
use serde_json::Value;

pub const ROUTES: [&str; 5] = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];

/// A backend a route names: (namespace, Service, port).
pub struct Backend<'c> {
    pub namespace: &'c str,
    pub service: &'c str,
    pub port: Option<i64>,
}

pub fn backends<'c>(route: &'c Res<DynObject>) -> Vec<Backend<'c>> {
    let ns = route.ns_or_default();
    let rules = route
        .data
        .get("spec")
        .and_then(|s| s.get("rules"))
        .and_then(Value::as_array);
    rules
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("backendRefs").and_then(Value::as_array))
        .flatten()
        .filter(|b| {
            b.get("kind")
                .and_then(Value::as_str)
                .is_none_or(|k| k == "Service")
                && b.get("group")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
        })
        .filter_map(|b| {
            Some(Backend {
                namespace: b.get("namespace").and_then(Value::as_str).unwrap_or(ns),
                service: b.get("name")?.as_str()?,
                port: b.get("port").and_then(Value::as_i64),
            })
        })
        .collect()
}

/// What is wrong with a backend, if anything.
pub fn problem(a: &Analysis<'_>, b: &Backend<'_>) -> Option<String> {
    let Some(svc) = a.service(b.namespace, b.service) else {
        return (!a.cluster.services.is_empty()).then(|| {
            format!(
                "backend Service {}/{} does not exist",
                b.namespace, b.service
            )
        });
    };
    let port = b.port?;
    let ports: Vec<String> = svc
        .spec
        .iter()
        .flat_map(|s| s.ports.iter().flatten())
        .map(|p| p.port.to_string())
        .collect();
    (!ports.iter().any(|p| *p == port.to_string())).then(|| {
        format!(
            "backend Service {}/{} has no port {port} (its ports: {})",
            b.namespace,
            b.service,
            ports.join(", ")
        )
    })
}

pub fn detect<'c>(a: &Analysis<'c>, route: &'c Res<DynObject>) -> Option<Detected<'c>> {
    if a.cluster.source == SourceKind::Manifests || !ROUTES.contains(&route.kind.as_str()) {
        return None;
    }
    let (b, text) = backends(route)
        .into_iter()
        .find_map(|b| problem(a, &b).map(|t| (b, t)))?;
    let host = route
        .data
        .get("spec")
        .and_then(|s| s.get("hostnames"))
        .and_then(Value::as_array)
        .and_then(|h| h.first())
        .and_then(Value::as_str)
        .unwrap_or("*")
        .to_owned();
    let mut d = Detected::new(
        Kind::IngressBackendMissing,
        route.objref(),
        Subject::Route(route),
    );
    d.evidence
        .push(format!("{text}: requests to {host} find no backend"));
    d.since = crate::model::creation(&route.metadata);
    d.events = a.cluster.events_for_obj(route);
    d.detail = Detail::Ingress {
        service: b.service.to_owned(),
        port: b.port.map(|p| p.to_string()),
        host,
        path: "/".to_owned(),
    };
    Some(d)
}
