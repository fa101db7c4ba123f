//! Gateway API routes (`HTTPRoute`, `GRPCRoute`, `TLSRoute`, `TCPRoute`,
//! `UDPRoute`) whose backend resolves to nothing: `IngressBackendMissing`
//! on the route, as for an Ingress. A backendRef names a Service and a port
//! of it (`backendRefs[].port` is the Service's port, not the pod's); a
//! name or port the Service does not have leaves the gateway nothing to
//! send to, and some gateways (Cilium) still report `ResolvedRefs: True`
//! and answer `Connection refused` (chr1sd/home-ops#4).

use super::{Detail, Detected, Kind, Subject, traefik};
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
    /// A Service port by name (Traefik's routes; a backendRef has none).
    pub port_name: Option<&'c str>,
}

impl Backend<'_> {
    /// The port as a Service port reference: its number, else its name.
    pub fn port_text(&self) -> Option<String> {
        self.port
            .map(|p| p.to_string())
            .or_else(|| self.port_name.map(str::to_owned))
    }
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
                port_name: None,
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
    let ports: Vec<String> = svc
        .spec
        .iter()
        .flat_map(|s| s.ports.iter().flatten())
        .map(|p| p.port.to_string())
        .collect();
    if let Some(name) = b.port_name {
        let named = svc
            .spec
            .iter()
            .flat_map(|s| s.ports.iter().flatten())
            .any(|p| p.name.as_deref() == Some(name));
        return (!named).then(|| {
            format!(
                "backend Service {}/{} has no port named {name} (its ports: {})",
                b.namespace,
                b.service,
                ports.join(", ")
            )
        });
    }
    let port = b.port?;
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
    let traefik = traefik::is_route(route);
    if a.cluster.source == SourceKind::Manifests
        || !(traefik || ROUTES.contains(&route.kind.as_str()))
    {
        return None;
    }
    let (all, host) = if traefik {
        let all: Vec<Backend<'c>> = traefik::backends(route)
            .into_iter()
            .map(|(namespace, service, port, port_name)| Backend {
                namespace,
                service,
                port,
                port_name,
            })
            .collect();
        (all, traefik::host(route))
    } else {
        let host = route
            .data
            .get("spec")
            .and_then(|s| s.get("hostnames"))
            .and_then(Value::as_array)
            .and_then(|h| h.first())
            .and_then(Value::as_str)
            .unwrap_or("*")
            .to_owned();
        (backends(route), host)
    };
    let (b, kind, text) = all
        .iter()
        .find_map(|b| problem(a, b).map(|t| (b, Kind::IngressBackendMissing, t)))
        .or_else(|| {
            traefik
                .then(|| traefik_problem(a, route, &all, &host))
                .flatten()
        })?;
    let mut d = Detected::new(kind, route.objref(), Subject::Route(route));
    // Traefik's problems say what the requests get; a missing backend does not.
    d.evidence.push(if text.contains("requests to") {
        text
    } else {
        format!("{text}: requests to {host} find no backend")
    });
    d.since = crate::model::creation(&route.metadata);
    d.events = a.cluster.events_for_obj(route);
    d.detail = Detail::Ingress {
        service: b.service.to_owned(),
        port: b.port_text(),
        host,
        path: "/".to_owned(),
    };
    Some(d)
}

/// What leaves Traefik nothing to send a route to although its Services
/// exist: a Service in another namespace it will not follow, or
/// NetworkPolicies that keep every Traefik pod out of the Service's pods.
fn traefik_problem<'b, 'c>(
    a: &Analysis<'c>,
    route: &'c Res<DynObject>,
    all: &'b [Backend<'c>],
    host: &str,
) -> Option<(&'b Backend<'c>, Kind, String)> {
    let controllers = traefik::controllers(a);
    if controllers.is_empty() {
        return None;
    }
    let ns = route.ns_or_default();
    if !traefik::cross_namespace_allowed(controllers)
        && let Some(b) = all.iter().find(|b| b.namespace != ns)
    {
        return Some((
            b,
            Kind::IngressBackendMissing,
            format!(
                "{} {ns}/{} sends {host} to Service {}/{}, in another namespace, which Traefik follows only with allowCrossNamespace: requests to {host} get 404",
                route.kind,
                route.name(),
                b.namespace,
                b.service
            ),
        ));
    }
    all.iter().find_map(|b| {
        let svc = a.service(b.namespace, b.service)?;
        let (c, pod, p) =
            super::ingress::shut_out(a, controllers, svc, b.port_text().as_deref())?;
        Some((
            b,
            Kind::IngressBackendUnavailable,
            format!(
                "NetworkPolicy lets no Traefik pod ({}/{}) reach backend pod {}/{} on port {}: requests to {host} fail (502/504) although the pods are Ready",
                c.ns_or_default(),
                c.name(),
                pod.ns_or_default(),
                pod.name(),
                p.number
            ),
        ))
    })
}
