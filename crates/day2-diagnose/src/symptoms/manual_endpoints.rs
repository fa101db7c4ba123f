//! `ServiceWithoutReadyEndpoints` for a Service without a selector: its
//! endpoints are written by hand (or by an operator) in an Endpoints object
//! of its name, and kube-proxy pairs each Service port with the endpoint
//! port of the same name (EndpointSlice mirroring copies them as they are).
//! A Service port whose name no endpoint port carries (an unnamed endpoint
//! port behind a named Service port, istio/istio#18624) has no backend, and
//! neither has a Service whose Endpoints object lists no ready address.

use super::{Detail, Detected, Kind, Subject};
use crate::analysis::Analysis;
use day2_model::Res;
use k8s_openapi::api::core::v1::{Endpoints, Service};

/// The Endpoints object written for a selector-less Service.
pub fn endpoints_of<'c>(a: &Analysis<'c>, svc: &Res<Service>) -> Option<&'c Res<Endpoints>> {
    a.cluster
        .endpoints
        .iter()
        .find(|e| e.ns_or_default() == svc.ns_or_default() && e.name() == svc.name())
}

/// What is wrong with the endpoints of a selector-less Service, if anything.
pub fn problem(a: &Analysis<'_>, svc: &Res<Service>) -> Option<String> {
    let spec = svc.spec.as_ref()?;
    if spec.type_.as_deref() == Some("ExternalName")
        || spec.selector.as_ref().is_some_and(|s| !s.is_empty())
    {
        return None;
    }
    let ports = spec.ports.as_deref().unwrap_or_default();
    // Without an Endpoints object there is nothing to judge: captures leave
    // them out, and some controllers write EndpointSlices alone.
    let ep = endpoints_of(a, svc)?;
    let subsets = ep.subsets.as_deref().unwrap_or_default();
    let with_addresses: Vec<_> = subsets
        .iter()
        .filter(|s| s.addresses.as_ref().is_some_and(|a| !a.is_empty()))
        .collect();
    if with_addresses.is_empty() {
        return Some(format!(
            "Service {} has no selector and its Endpoints object lists no ready address",
            svc.name()
        ));
    }
    let name = |n: Option<&String>| n.map(String::as_str).unwrap_or("").to_owned();
    let unmatched: Vec<String> = ports
        .iter()
        .filter(|p| {
            let want = name(p.name.as_ref());
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            !with_addresses.iter().any(|s| {
                s.ports.iter().flatten().any(|e| {
                    name(e.name.as_ref()) == want && e.protocol.as_deref().unwrap_or("TCP") == proto
                })
            })
        })
        .map(|p| match p.name.as_deref().filter(|n| !n.is_empty()) {
            Some(n) => format!("{} (named {n})", p.port),
            None => format!("{} (unnamed)", p.port),
        })
        .collect();
    if unmatched.is_empty() {
        return None;
    }
    let have: Vec<String> = with_addresses
        .iter()
        .flat_map(|s| s.ports.iter().flatten())
        .map(|e| match e.name.as_deref().filter(|n| !n.is_empty()) {
            Some(n) => format!("{} named {n}", e.port),
            None => format!("{} unnamed", e.port),
        })
        .collect();
    Some(format!(
        "Service {} has no selector, and no port of its Endpoints object carries the name of Service port {}: kube-proxy pairs ports by name, so that port has no backend (the Endpoints' ports: {})",
        svc.name(),
        unmatched.join(", "),
        if have.is_empty() {
            "none".to_owned()
        } else {
            have.join(", ")
        }
    ))
}

pub fn detect<'c>(a: &Analysis<'c>, svc: &'c Res<Service>) -> Option<Detected<'c>> {
    let text = problem(a, svc)?;
    let mut d = Detected::new(
        Kind::ServiceWithoutReadyEndpoints,
        svc.objref(),
        Subject::Service(svc),
    );
    d.evidence.push(text.clone());
    d.since = crate::model::creation(&svc.metadata);
    d.events = a.cluster.events_for_obj(svc);
    d.detail = Detail::Message(text);
    Some(d)
}
