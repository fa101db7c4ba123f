//! Pods the NetworkPolicies cut off, found from the symptom's side rather
//! than from an error the pod prints: a crash loop or unready Service whose
//! pods resolve no name (see [`super::dns::cut_off`]) or cannot reach the
//! peer their configuration names, and an Ingress or Traefik route whose
//! controller cannot reach its Ready backend.

use super::{connect, dns, silent};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::netpol::Peer;
use crate::symptoms::{Detected, Subject};
use day2_model::pod::Pod;
use day2_model::{Loop, Res};

/// A crash loop or failing probe of a pod the NetworkPolicies cut off from
/// the cluster DNS (see [`dns::cut_off`]): evidence on the policy edge,
/// whatever the symptom's words.
pub fn dns_cut_off<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    dns::cut_off(a, pod)
        .map(|h| {
            h.link(Link::new(
                Loop::Network,
                d.since,
                pod.objref(),
                format!(
                    "{} {}: a pod that resolves no name fails its start-up and its probes",
                    d.kind.as_str(),
                    pod.name()
                ),
            ))
        })
        .into_iter()
        .collect()
}

/// A Service without ready endpoints whose not-ready pods the
/// NetworkPolicies cut off from the cluster DNS (see [`dns::cut_off`]): the
/// readiness probe of a pod that resolves no name fails, whatever it checks.
/// Or from the peer a running but unready container's configuration names
/// (see [`silent::policy_on_unready_peers`]: a mesh sidecar and its control
/// plane).
pub fn service_pods_cut_off<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Service(svc) = d.subject else {
        return vec![];
    };
    let unready_peers = |pod: &Res<Pod>| {
        crate::model::container_statuses(pod)
            .filter(|s| !s.ready && s.state.as_ref().is_some_and(|st| st.running.is_some()))
            .find_map(|s| {
                silent::policy_on_unready_peers(a, pod, &s.name)
                    .or_else(|| silent::unready_peer_down(a, pod, &s.name))
            })
    };
    let link = |pod: &Res<Pod>, why: &str| {
        Link::new(
            Loop::Network,
            d.since,
            svc.objref(),
            format!(
                "Service {} has no ready endpoint: its pod {} {why} and fails its readiness probe",
                svc.name(),
                pod.name()
            ),
        )
    };
    crate::symptoms::service::selected_pods(a, svc)
        .into_iter()
        .find_map(|pod| {
            dns::cut_off(a, pod)
                .map(|h| h.link(link(pod, "resolves no name")))
                .or_else(|| {
                    unready_peers(pod)
                        .map(|h| h.link(link(pod, "cannot reach the peer its configuration names")))
                })
        })
        .into_iter()
        .collect()
}

/// The Ingress's controller cannot reach its Ready backend: the
/// NetworkPolicies on that path, evaluated as for any connection
/// ([`crate::symptoms::ingress::controller_shut_out`]).
pub fn ingress_shut_out<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((ing, svc, service, port, host, path)) = crate::analysers::backend_port::backend(a, d)
    else {
        return vec![];
    };
    let Some((controller, backend, p)) =
        crate::symptoms::ingress::controller_shut_out(a, ing, svc, port)
    else {
        return vec![];
    };
    let what = format!(
        "Ingress {} routes {host}{path} to Service {service}, but its controller cannot reach the backend",
        ing.name()
    );
    let desc = format!("pod {}/{}", backend.ns_or_default(), backend.name());
    connect::path_policies(a, controller, Peer::Pod(backend), &desc, p, &what)
        .into_iter()
        .collect()
}

/// A Traefik route whose proxy cannot reach its Ready backend: the
/// NetworkPolicies on that path, as for an Ingress's controller.
pub fn route_shut_out<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Route(route) = &d.subject else {
        return vec![];
    };
    if !crate::symptoms::traefik::is_route(route) {
        return vec![];
    }
    let controllers = crate::symptoms::traefik::controllers(a);
    let host = crate::symptoms::traefik::host(route);
    crate::symptoms::traefik::backends(route)
        .into_iter()
        .find_map(|(ns, name, number, port_name)| {
            let svc = a.service(ns, name)?;
            let port = number
                .map(|n| n.to_string())
                .or(port_name.map(str::to_owned));
            let (controller, backend, p) =
                crate::symptoms::ingress::shut_out(a, controllers, svc, port.as_deref())?;
            let what = format!(
                "{} {} sends {host} to Service {ns}/{name}, but Traefik cannot reach the backend",
                route.kind,
                route.name()
            );
            let desc = format!("pod {}/{}", backend.ns_or_default(), backend.name());
            connect::path_policies(a, controller, Peer::Pod(backend), &desc, p, &what)
        })
        .into_iter()
        .collect()
}
