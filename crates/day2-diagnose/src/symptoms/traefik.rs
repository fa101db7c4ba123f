//! Traefik's own routes, `IngressRoute` and `IngressRouteTCP`
//! (`traefik.io/v1alpha1`, before Traefik 3 `traefik.containo.us/v1alpha1`):
//! `spec.routes[].services[]` name the Services, by name, namespace and
//! port (a number or the Service port's name). Two ways the proxy is left
//! with nothing to send to while every pod is Ready:
//!
//! - a Service in another namespace than the route's: Traefik 2.5 turned
//!   `providers.kubernetesCRD.allowCrossNamespace` off by default and logs
//!   `service NS/NAME not in the parent resource namespace ROUTE_NS`, so the
//!   route answers 404 (traefik/traefik#8465);
//! - NetworkPolicies that let no Traefik pod reach the Service's pods
//!   (502/504), evaluated as for an Ingress controller.

use crate::analysis::Analysis;
use day2_model::object::DynObject;
use day2_model::pod::Pod;
use day2_model::{Res, text::major_minor};
use serde_json::Value;

pub const KINDS: [&str; 2] = ["IngressRoute", "IngressRouteTCP"];

/// Whether `o` is one of Traefik's routes.
pub fn is_route(o: &DynObject) -> bool {
    KINDS.contains(&o.kind.as_str())
        && (o.api_version.starts_with("traefik.io/")
            || o.api_version.starts_with("traefik.containo.us/"))
}

/// A Service a route sends to: its namespace, name, and port by number or
/// by name.
pub type ServiceRef<'a> = (&'a str, &'a str, Option<i64>, Option<&'a str>);

/// The Services a route sends to (TraefikServices, which weigh or mirror
/// other services, are left out).
pub fn backends(route: &Res<DynObject>) -> Vec<ServiceRef<'_>> {
    let ns = route.ns_or_default();
    routes(route)
        .filter_map(|r| r.get("services").and_then(Value::as_array))
        .flatten()
        .filter(|s| {
            s.get("kind")
                .and_then(Value::as_str)
                .is_none_or(|k| k == "Service")
        })
        .filter_map(|s| {
            let port = s.get("port");
            Some((
                s.get("namespace").and_then(Value::as_str).unwrap_or(ns),
                s.get("name")?.as_str()?,
                port.and_then(Value::as_i64),
                port.and_then(Value::as_str),
            ))
        })
        .collect()
}

fn routes(route: &Res<DynObject>) -> impl Iterator<Item = &Value> {
    route
        .data
        .get("spec")
        .and_then(|s| s.get("routes"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The first host the route matches (`Host(`a.example`)`, `HostSNI(…)`).
pub fn host(route: &Res<DynObject>) -> String {
    routes(route)
        .filter_map(|r| r.get("match").and_then(Value::as_str))
        .find_map(|m| {
            let (_, rest) = m.split_once("Host")?;
            let (_, rest) = rest.split_once('`')?;
            let (h, _) = rest.split_once('`')?;
            Some(h.to_owned())
        })
        .unwrap_or_else(|| "*".to_owned())
}

/// Traefik's Ready pods: a container whose image is Traefik's (found once
/// per analysis).
pub fn controllers<'a, 'c>(a: &'a Analysis<'c>) -> &'a [&'c Res<Pod>] {
    a.memo.traefik_controllers.get_or_init(|| {
        a.cluster
            .pods
            .iter()
            .filter(|p| crate::model::is_ready(p))
            .filter(|p| traefik_image(p).is_some())
            .collect()
    })
}

fn traefik_image(p: &Pod) -> Option<&str> {
    p.spec.as_ref()?.containers.iter().find_map(|c| {
        let image = c.image.as_deref()?;
        let repo = image.rsplit('/').next().unwrap_or(image);
        (repo.starts_with("traefik:")
            || repo.starts_with("mirrored-library-traefik:")
            || repo == "traefik")
            .then_some(image)
    })
}

/// Whether Traefik follows a route to a Service in another namespace: the
/// flag set, or a release before 2.5, when it was on by default.
pub fn cross_namespace_allowed(controllers: &[&Res<Pod>]) -> bool {
    controllers.iter().any(|p| {
        crate::model::any_arg(p, |arg| {
            let arg = arg.to_ascii_lowercase();
            arg.contains("allowcrossnamespace=true")
                || (arg.ends_with("allowcrossnamespace") && !arg.contains('='))
        }) || traefik_image(p)
            .and_then(|i| i.rsplit_once(':'))
            .and_then(|(_, tag)| major_minor(tag))
            .is_some_and(|(major, minor)| major < 2 || (major == 2 && minor < 5))
    })
}
