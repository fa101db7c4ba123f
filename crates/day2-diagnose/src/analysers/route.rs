//! A Gateway API route whose backend resolves to nothing
//! ([`crate::symptoms::route`]): the route's `backendRefs` is what to
//! correct, to a Service that exists and a port it has (by number: a
//! backendRef has no port names).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::{Detail, Detected, Subject, traefik};
use day2_model::Loop;

pub fn backend<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let (
        Subject::Route(route),
        Detail::Ingress {
            service,
            port,
            host,
            ..
        },
    ) = (&d.subject, &d.detail)
    else {
        return vec![];
    };
    let ns = route.ns_or_default();
    let kind = route.kind.as_str();
    let name = route.name();
    if traefik::is_route(route) {
        let controllers = traefik::controllers(a);
        if let Some(first) = controllers.first()
            && !traefik::cross_namespace_allowed(controllers)
            && let Some((other, svc, ..)) = traefik::backends(route)
                .into_iter()
                .find(|(n, ..)| *n != ns)
        {
            let traefik = crate::model::workload_ref(a.cluster, first);
            return vec![
                Hypothesis::new(
                    86,
                    Loop::Network,
                    traefik.clone(),
                    format!("{kind} {ns}/{name} sends {host} to Service {other}/{svc}, in another namespace, and {traefik} does not follow cross-namespace references (off by default since Traefik 2.5: `service {other}/{svc} not in the parent resource namespace {ns}`): requests get 404"),
                )
                .fix(format!("Start {traefik} with `--providers.kubernetescrd.allowCrossNamespace=true` (its Helm chart: `providers.kubernetesCRD.allowCrossNamespace: true`), or create {kind} {name} in namespace {other}, next to Service {svc}.")),
            ];
        }
    }
    let Some(svc) = a.service(ns, service) else {
        let near = day2_model::text::near_name(
            service,
            a.cluster
                .services
                .iter()
                .filter(|s| s.ns_or_default() == ns)
                .map(|s| s.name()),
        );
        return vec![
            Hypothesis::new(
                86,
                Loop::Network,
                route.objref(),
                format!("{kind} {ns}/{name} sends {host} to Service {service}, which does not exist in {ns}"),
            )
            .fix(match (near, elsewhere(a, ns, service), traefik::is_route(route)) {
                (Some(n), _, false) => format!("Set `backendRefs[].name: {n}` in {kind} {name} (Service {n} exists; {service} does not)."),
                (Some(n), _, true) => format!("Set `routes[].services[].name: {n}` in {kind} {name} (Service {n} exists; {service} does not)."),
                (None, Some(other), false) => format!("Service {service} is in namespace {other}: set `backendRefs[].namespace: {other}` in {kind} {name} and let the route in with a ReferenceGrant in {other} (from {kind} in {ns} to Service {service})."),
                (None, Some(other), true) => format!("Service {service} is in namespace {other}: create {kind} {name} in namespace {other}, next to it, or set `namespace: {other}` on the service in its `routes[].services[]` (Traefik 2.1 and later; since 2.5 with `--providers.kubernetescrd.allowCrossNamespace=true`)."),
                (None, None, false) => format!("Create Service {ns}/{service} or point `backendRefs[].name` of {kind} {name} at the Service that exists."),
                (None, None, true) => format!("Create Service {ns}/{service} or point `routes[].services[].name` of {kind} {name} at the Service that exists."),
            }),
        ];
    };
    let ports: Vec<(Option<&str>, i32)> = svc
        .spec
        .iter()
        .flat_map(|s| s.ports.iter().flatten())
        .map(|p| (p.name.as_deref(), p.port))
        .collect();
    let have: Vec<String> = ports
        .iter()
        .map(|(n, p)| n.map_or_else(|| p.to_string(), |n| format!("{p} ({n})")))
        .collect();
    let wanted = port.as_deref().unwrap_or("(none)");
    let field = if traefik::is_route(route) {
        "routes[].services[].port"
    } else {
        "backendRefs[].port"
    };
    let external = svc.spec.as_ref().and_then(|s| s.type_.as_deref()) == Some("ExternalName");
    let (has, fix) = match ports.first() {
        // A Service without ports: the gateway looks the port up on it
        // (an ExternalName Service too: traefik/traefik#6428).
        None => (
            "declares no port".to_owned(),
            format!(
                "Declare port {wanted} on Service {ns}/{service} (`ports: [{{port: {wanted}}}]`{}), so {kind} {name} finds the port it names.",
                if external {
                    "; an ExternalName Service needs it too, the gateway reads the port from it"
                } else {
                    ""
                }
            ),
        ),
        Some((_, to)) => (
            format!("has only {}", have.join(", ")),
            format!(
                "Set `{field}: {to}` in {kind} {name} (the Service's port, not the container's), or give Service {service} a port {wanted}."
            ),
        ),
    };
    vec![
        Hypothesis::new(
            87,
            Loop::Network,
            route.objref(),
            format!(
                "{kind} {ns}/{name} sends {host} to port {wanted} of Service {service}, which {has}: the gateway connects to a port nothing serves"
            ),
        )
        .fix(fix),
    ]
}

/// The namespace of another Service named `service`, when the route's own
/// namespace has none.
fn elsewhere<'c>(a: &Analysis<'c>, ns: &str, service: &str) -> Option<&'c str> {
    a.cluster
        .services
        .iter()
        .find(|s| s.name() == service && s.ns_or_default() != ns)
        .map(|s| s.ns_or_default())
}
