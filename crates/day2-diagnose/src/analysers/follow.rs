//! Following the error a container prints into the loop that holds its
//! cause. The text is read where Kubernetes keeps it (the last termination
//! message, waiting messages, the pod's events, log lines a dump carries) and
//! classified ([`crate::messages::errors`]); each class is traced through
//! the objects it names:
//!
//! - a DNS failure → egress to the cluster DNS on port 53 (NetworkPolicy),
//!   the DNS Service's endpoints, its Deployment (replicas, crash-looping pods
//!   and their own errors), the Corefile's upstream for external names, and
//!   the Service an in-cluster name should resolve to;
//! - a refused or timed-out connection → the Service the host or address
//!   names (port, endpoints), then the NetworkPolicies on both ends;
//! - a cloud identity error → the pod's ServiceAccount and its
//!   workload-identity annotations and labels;
//! - the Kubernetes API's refusals and a client without in-cluster
//!   configuration → the ServiceAccount, its bindings and roles, the
//!   token's automount ([`super::apierr`]);
//! - an object the error names → that object, looked up ([`super::named`]).
//!
//! What the input cannot explain (an external host that does not answer,
//! with nothing in the cluster blocking it) is said to be unexplained, not
//! blamed on the workload.

use super::{apierr, named};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::apiserver::{ApiError, InCluster};
use crate::messages::errors::{
    AuthProblem, Classified, CloudId, ConnectFailure, DnsFailure, ErrorClass, classify,
};
use crate::model;
use crate::netpol::{self, Direction, Peer, Port, Verdict};
use crate::symptoms::service::{endpoint_state, selected_pods};
use crate::symptoms::{Detail, Detected};
use day2_model::pod::Pod;
use day2_model::{Loop, ObjRef, Res, Workload};
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::net::IpAddr;

/// Longest excerpt of an error line a link carries.
const EXCERPT: usize = 300;

/// Labels controllers add to every pod: not the pod's identity in a selector.
const GENERATED_LABELS: [&str; 4] = [
    "pod-template-hash",
    "controller-revision-hash",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
];

/// The text a crashing container left: its termination and waiting
/// messages, the pod's events, and its log lines when the input has them.
fn crash_texts<'c>(
    a: &Analysis<'c>,
    d: &Detected<'c>,
    pod: &'c Res<Pod>,
    container: &str,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for cs in model::container_statuses(pod).filter(|c| c.name == container) {
        for st in [cs.last_state.as_deref(), cs.state.as_deref()]
            .into_iter()
            .flatten()
        {
            if let Some(m) = st.terminated.as_ref().and_then(|t| t.message.as_deref()) {
                out.push(m.to_owned());
            }
            if let Some(m) = st.waiting.as_ref().and_then(|w| w.message.as_deref())
                && !m.starts_with("back-off")
            {
                out.push(m.to_owned());
            }
        }
    }
    // Probe failures are the kubelet's words about the pod itself (the
    // probe analysers read them), not the app's about a dependency.
    for e in &d.events {
        if !matches!(&*e.reason, "BackOff" | "Unhealthy" | "Killing") {
            out.push(e.message_text().to_owned());
        }
    }
    let ns = pod.ns_or_default();
    for l in a.cluster.logs.iter().filter(|l| {
        l.namespace == ns
            && l.pod == pod.name()
            && l.container.as_deref().is_none_or(|c| c == container)
    }) {
        out.push(l.text.clone());
    }
    out
}

/// Every error the crashing container reports, each followed to a cause.
pub fn errors<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let mut found: Vec<Classified> = Vec::new();
    for t in crash_texts(a, d, pod, container) {
        for c in classify(&t) {
            if !found.iter().any(|f| f.class == c.class) {
                found.push(c);
            }
        }
    }
    let mut out = Vec::new();
    for c in &found {
        let seen = Link::new(
            Loop::Compute,
            d.since,
            pod.objref(),
            format!("container {container} reports: {}", describe(&c.class)),
        )
        .with_evidence([day2_model::redact::excerpt(&c.line, EXCERPT)]);
        let h = match &c.class {
            ErrorClass::Dns {
                host,
                server,
                failure,
            } => dns_cause(a, pod, host.as_deref(), server.as_deref(), *failure),
            ErrorClass::Connect {
                host,
                port,
                failure,
            } => connect_cause(a, pod, host, *port, *failure),
            ErrorClass::CloudAuth { cloud, problem } => {
                Some(cloud_identity(a, pod, container, *cloud, *problem))
            }
            ErrorClass::Api(ApiError::Forbidden { .. }) => {
                refused(&c.class).map(|r| apierr::rbac(a, &r))
            }
            ErrorClass::Api(ApiError::Unauthorized) => Some(apierr::unauthorized(a, pod)),
            ErrorClass::Api(ApiError::InCluster(what)) => apierr::in_cluster(a, pod, *what),
            ErrorClass::Api(ApiError::NotFound {
                kind,
                namespace,
                name,
            }) => named::not_found(a, pod, kind, namespace.as_deref(), name),
            ErrorClass::Api(ApiError::PodCidrUnassigned { node }) => named::pod_cidr(a, node),
            ErrorClass::ExecFormat => Some(exec_format(a, pod, container)),
            ErrorClass::Tls { .. } => None,
        };
        if let Some(h) = h {
            out.push(h.link(seen));
        }
    }
    out
}

fn describe(c: &ErrorClass) -> String {
    match c {
        ErrorClass::Dns { host, failure, .. } => format!(
            "a DNS lookup{} fails ({})",
            host.as_deref()
                .map(|h| format!(" of {h}"))
                .unwrap_or_default(),
            match failure {
                DnsFailure::Timeout => "no answer",
                DnsFailure::NotFound => "no such name",
                DnsFailure::ServerFailure => "server failure",
            }
        ),
        ErrorClass::Connect {
            host,
            port,
            failure,
        } => format!(
            "connecting to {host}{} fails ({})",
            port.map(|p| format!(":{p}")).unwrap_or_default(),
            failure.as_str()
        ),
        ErrorClass::Tls { problem } => format!("a TLS certificate is {problem}"),
        ErrorClass::ExecFormat => {
            "the kernel cannot execute its binary (exec format error)".to_owned()
        }
        ErrorClass::CloudAuth { cloud, .. } => format!(
            "its {} identity is refused",
            match cloud {
                CloudId::Aws => "AWS",
                CloudId::Azure => "Azure",
                CloudId::Gcp => "Google Cloud",
            }
        ),
        ErrorClass::Api(ApiError::Forbidden {
            namespace,
            service_account,
            ..
        }) => format!("the API server refuses ServiceAccount {namespace}/{service_account}"),
        ErrorClass::Api(ApiError::Unauthorized) => {
            "the Kubernetes API does not accept its credentials".to_owned()
        }
        ErrorClass::Api(ApiError::InCluster(InCluster::Environment)) => {
            "its Kubernetes client finds no in-cluster configuration".to_owned()
        }
        ErrorClass::Api(ApiError::InCluster(InCluster::Token)) => {
            "its Kubernetes client finds no ServiceAccount token".to_owned()
        }
        ErrorClass::Api(ApiError::NotFound {
            kind,
            namespace,
            name,
        }) => format!(
            "{kind} {}{name} is not found",
            namespace
                .as_deref()
                .map(|n| format!("{n}/"))
                .unwrap_or_default()
        ),
        ErrorClass::Api(ApiError::PodCidrUnassigned { node }) => {
            format!("node {node} has no pod CIDR")
        }
    }
}

/// The refusal a `Forbidden` class carries.
fn refused(c: &ErrorClass) -> Option<apierr::Refused<'_>> {
    match c {
        ErrorClass::Api(ApiError::Forbidden {
            namespace,
            service_account,
            verb,
            resource,
            group,
            scope,
        }) => Some(apierr::Refused {
            namespace,
            service_account,
            verb: verb.as_deref(),
            resource: resource.as_deref(),
            group: group.as_deref(),
            scope: scope.as_deref(),
        }),
        _ => None,
    }
}

/// The pod's identity labels, as a selector would name them.
fn identity_labels(pod: &Res<Pod>) -> String {
    let l: Vec<String> = pod
        .labels()
        .iter()
        .filter(|(k, _)| !GENERATED_LABELS.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    l.join(", ")
}

/// The connection's cause is not in the input: say so, with what was checked.
fn unexplained(pod: &Res<Pod>, what: String, checked: &str, next: String) -> Hypothesis {
    Hypothesis::new(
        50,
        Loop::Network,
        pod.objref(),
        format!("{what}; the input holds no cause for it ({checked})"),
    )
    .fix(next)
    .missing(format!(
        "what lies outside the cluster's objects: {checked}"
    ))
    .unexplained()
}

// ------------------------------------------------------------------ DNS

/// The cluster's DNS: its Service, the pods behind it and their workload.
struct ClusterDns<'a> {
    svc: Option<&'a Res<Service>>,
    pods: Vec<&'a Res<Pod>>,
    workload: Option<&'a Workload<'a>>,
}

fn cluster_dns<'a>(a: &'a Analysis<'_>, server: Option<&str>) -> ClusterDns<'a> {
    let server_ip = server.map(|s| match s.rsplit_once(':') {
        Some((ip, _)) => ip.trim_start_matches('[').trim_end_matches(']'),
        None => s,
    });
    let by_ip = server_ip.and_then(|ip| {
        a.cluster.services.iter().find(|s| {
            s.spec
                .as_ref()
                .and_then(|sp| sp.cluster_ip.as_deref())
                .is_some_and(|c| c == ip)
        })
    });
    let svc = by_ip.or_else(|| {
        a.cluster.services.iter().find(|s| {
            s.ns_or_default() == "kube-system"
                && (s.name() == "kube-dns"
                    || s.labels().get("k8s-app").map(String::as_str) == Some("kube-dns"))
        })
    });
    let (pods, workload) = match svc {
        Some(s) => {
            let pods = selected_pods(a, s);
            let sel = s.spec.as_ref().and_then(|sp| sp.selector.as_ref());
            let workload = sel.and_then(|sel| {
                a.workloads_in(s.ns_or_default()).iter().find(|w| {
                    matches!(w.kind, "Deployment" | "DaemonSet" | "StatefulSet")
                        && day2_model::selector::map_selector_matches(sel, w.pod_labels())
                })
            });
            (pods, workload)
        }
        None => (Vec::new(), None),
    };
    ClusterDns {
        svc,
        pods,
        workload,
    }
}

/// Whether a name is the cluster's own (`svc`, `svc.ns`, `….svc`, `….cluster.local`).
fn in_cluster_name(a: &Analysis<'_>, host: &str) -> Option<(String, String)> {
    let host = host.trim_end_matches('.');
    let labels: Vec<&str> = host.split('.').collect();
    if let Some(i) = labels.iter().position(|l| *l == "svc") {
        return (i >= 2).then(|| (labels[i - 1].to_owned(), labels[i - 2].to_owned()));
    }
    if labels.len() == 2 && a.cluster.namespaces.iter().any(|n| n.name() == labels[1]) {
        return Some((labels[1].to_owned(), labels[0].to_owned()));
    }
    None
}

fn dns_cause(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    host: Option<&str>,
    server: Option<&str>,
    failure: DnsFailure,
) -> Option<Hypothesis> {
    let dns = cluster_dns(a, server);
    let ns = pod.ns_or_default();
    let what = format!(
        "pod {} cannot resolve {}",
        pod.name(),
        host.unwrap_or("names")
    );
    // 1. Egress to the DNS pods on port 53.
    let dns_peer = match (dns.pods.first(), dns.svc) {
        (Some(p), _) => Some(Peer::Pod(p)),
        (None, Some(s)) => s
            .spec
            .as_ref()
            .and_then(|sp| sp.cluster_ip.as_deref())
            .and_then(|ip| ip.parse::<IpAddr>().ok())
            .map(Peer::Ip),
        (None, None) => None,
    };
    if let Some(peer) = dns_peer {
        let v = netpol::evaluate(a.cluster, pod, Direction::Egress, peer, Port::udp(53));
        if !v.allowed() {
            return Some(policy_hypothesis(
                pod,
                Direction::Egress,
                &v,
                "the cluster DNS (kube-dns)",
                Port::udp(53),
                "to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]\n  ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]",
                &format!("{what}: DNS queries are dropped"),
            ));
        }
    }
    let dns_name = dns
        .workload
        .map(|w| format!("{} {}/{}", w.kind, w.namespace(), w.name()))
        .unwrap_or_else(|| "the cluster DNS".to_owned());
    // 2. The DNS Deployment scaled to zero.
    if let Some(w) = dns.workload
        && w.replicas == Some(0)
    {
        return Some(
            Hypothesis::new(
                86,
                Loop::Network,
                w.objref(),
                format!("{what}: {dns_name} is scaled to 0 replicas, so the DNS Service has no endpoint and every lookup times out"),
            )
            .fix(format!(
                "Scale the cluster DNS back up: `kubectl scale {}/{} -n {} --replicas=2`, and find what scaled it down (an autoscaler, a GitOps tool, a manual edit).",
                w.kind.to_ascii_lowercase(),
                w.name(),
                w.namespace()
            ))
            .link(Link::new(Loop::Network, None, w.objref(), "DNS Deployment has 0 replicas")),
        );
    }
    // 3. The DNS Service without a ready endpoint: why its pods are down.
    if let Some(svc) = dns.svc {
        let state = endpoint_state(a, svc, &dns.pods);
        if state.ready == 0 {
            return Some(dns_pods_down(a, &dns, svc, &what, &dns_name));
        }
    }
    // 4. An in-cluster name that does not exist.
    if let Some(h) = host
        && let Some((sns, sname)) = in_cluster_name(a, h)
            .or_else(|| (!h.contains('.')).then(|| (ns.to_owned(), h.to_owned())))
        && a.service(&sns, &sname).is_none()
        && failure == DnsFailure::NotFound
    {
        return Some(
            Hypothesis::new(
                80,
                Loop::Network,
                ObjRef::new("Service", Some(&sns), &sname),
                format!("{what}: no Service {sns}/{sname} exists, so the name has no record"),
            )
            .fix(format!("Create Service {sns}/{sname} or point the app at the Service's real name (`kubectl get svc -n {sns}`)."))
            .missing(format!("Service {sns}/{sname} (absent from the input)")),
        );
    }
    // 5. The DNS runs but an external name fails: its upstream.
    let external = host.is_some_and(|h| {
        h.contains('.') && in_cluster_name(a, h).is_none() && !h.ends_with(".cluster.local")
    });
    if external
        && failure != DnsFailure::NotFound
        && let Some(w) = dns.workload
    {
        let (cm, forward) = corefile(a, w);
        let target = cm.map(|c| c.objref()).unwrap_or_else(|| w.objref());
        let fwd = forward
            .map(|f| format!(" (its Corefile forwards to `{f}`)"))
            .unwrap_or_default();
        return Some(
            Hypothesis::new(
                62,
                Loop::Network,
                target,
                format!("{what}: the cluster DNS answers in-cluster names but its upstream resolver does not answer for external names{fwd}"),
            )
            .fix(format!(
                "Check the upstream resolver {dns_name} forwards to: `kubectl -n {} get configmap coredns -o yaml` (the `forward` line), test it from a node (`dig @<upstream> {}`), and point `forward` at a resolver that answers; the CoreDNS logs show the SERVFAIL/timeouts.",
                w.namespace(),
                host.unwrap_or("example.com")
            ))
            .missing("the CoreDNS logs (`kubectl logs -n kube-system -l k8s-app=kube-dns`)"),
        );
    }
    Some(unexplained(
        pod,
        what,
        "the cluster DNS has ready endpoints and no NetworkPolicy drops the queries",
        format!(
            "Query from the pod's namespace: `kubectl run -n {ns} dnscheck --rm -it --image=busybox:1.36 --restart=Never -- nslookup {}`; check the CoreDNS logs and the upstream resolver.",
            host.unwrap_or("kubernetes.default")
        ),
    ))
}

/// The ConfigMap holding the DNS workload's Corefile and its `forward` target.
fn corefile<'c>(
    a: &Analysis<'c>,
    w: &Workload<'_>,
) -> (
    Option<&'c Res<k8s_openapi::api::core::v1::ConfigMap>>,
    Option<String>,
) {
    let names: Vec<&str> = w
        .spec
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| v.config_map.as_ref().map(|c| c.name.as_str()))
        .collect();
    let cm = a.cluster.config_maps.iter().find(|c| {
        c.ns_or_default() == w.namespace()
            && (names.contains(&c.name()) || (names.is_empty() && c.name() == "coredns"))
    });
    let forward = cm
        .and_then(|c| c.data.as_ref())
        .and_then(|d| d.get("Corefile"))
        .and_then(|f| {
            f.lines()
                .map(str::trim)
                .find(|l| l.starts_with("forward "))
                .map(str::to_owned)
        });
    (cm, forward)
}

/// The DNS Service has no ready endpoint: the DNS pods' own errors say why.
fn dns_pods_down(
    a: &Analysis<'_>,
    dns: &ClusterDns<'_>,
    svc: &Res<Service>,
    what: &str,
    dns_name: &str,
) -> Hypothesis {
    let svc_link = Link::new(
        Loop::Network,
        None,
        svc.objref(),
        format!("DNS Service {} has no ready endpoint", svc.name()),
    );
    let messages: Vec<&str> = dns
        .pods
        .iter()
        .flat_map(|p| model::container_statuses(p))
        .filter_map(|cs| {
            cs.last_state
                .as_ref()
                .or(cs.state.as_ref())
                .and_then(|s| s.terminated.as_ref())
                .and_then(|t| t.message.as_deref())
        })
        .collect();
    for m in &messages {
        for c in classify(m) {
            if let Some(r) = refused(&c.class) {
                let mut h = apierr::rbac(a, &r);
                h.root.summary = format!("{what}: {dns_name} exits because {}", h.root.summary);
                return h.link(svc_link).link(
                    Link::new(
                        Loop::Identity,
                        None,
                        svc.objref(),
                        "the DNS pods are refused by the API server",
                    )
                    .with_evidence([day2_model::redact::excerpt(&c.line, EXCERPT)]),
                );
            }
        }
    }
    let target = dns
        .workload
        .map(|w| w.objref())
        .unwrap_or_else(|| svc.objref());
    if let Some(line) = messages
        .iter()
        .flat_map(|m| m.lines())
        .find(|l| l.contains("plugin/loop: Loop"))
    {
        let cm = dns.workload.and_then(|w| corefile(a, w).0);
        return Hypothesis::new(
            86,
            Loop::Network,
            cm.map(|c| c.objref()).unwrap_or(target),
            format!("{what}: CoreDNS exits on a forwarding loop (its `loop` plugin): the Corefile forwards to the node's resolv.conf, which points back at a local resolver"),
        )
        .fix("Break the loop: on nodes with systemd-resolved set the kubelet's `resolvConf: /run/systemd/resolve/resolv.conf` (not the 127.0.0.53 stub), or point CoreDNS's `forward . /etc/resolv.conf` at a real upstream resolver in the coredns ConfigMap; then restart the coredns pods (https://coredns.io/plugins/loop#troubleshooting).")
        .link(svc_link)
        .link(Link::new(Loop::Network, None, target_of(dns, svc), "CoreDNS detects a forwarding loop and exits").with_evidence([day2_model::redact::excerpt(line, EXCERPT)]));
    }
    let states: Vec<String> = dns
        .pods
        .iter()
        .map(|p| format!("{} {}", p.name(), model::phase(p)))
        .collect();
    Hypothesis::new(
        80,
        Loop::Network,
        target,
        format!(
            "{what}: the DNS Service {} has no ready endpoint ({})",
            svc.name(),
            if states.is_empty() {
                "no DNS pod runs".to_owned()
            } else {
                day2_model::text::short_list(&states, 3)
            }
        ),
    )
    .fix(format!(
        "Bring {dns_name} back: `kubectl -n {} get pods -l k8s-app=kube-dns`, `kubectl -n {} logs -l k8s-app=kube-dns --previous`; every workload's lookups wait on it.",
        svc.ns_or_default(),
        svc.ns_or_default()
    ))
    .link(svc_link)
}

fn target_of(dns: &ClusterDns<'_>, svc: &Res<Service>) -> ObjRef {
    dns.workload
        .map(|w| w.objref())
        .unwrap_or_else(|| svc.objref())
}

// ------------------------------------------------------------ connections

/// What a host in a connection error names in the cluster.
enum Target<'c> {
    Service(&'c Res<Service>),
    Pod(&'c Res<Pod>),
    Ip(IpAddr),
    External,
}

fn resolve_host<'c>(a: &Analysis<'c>, ns: &str, host: &str) -> Target<'c> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        if let Some(s) = a.cluster.services.iter().find(|s| {
            s.spec
                .as_ref()
                .and_then(|sp| sp.cluster_ip.as_deref())
                .is_some_and(|c| c == host)
        }) {
            return Target::Service(s);
        }
        // A pod address the endpoints name.
        for ep in &a.cluster.endpoints {
            for sub in ep.subsets.iter().flatten() {
                for addr in sub
                    .addresses
                    .iter()
                    .flatten()
                    .chain(sub.not_ready_addresses.iter().flatten())
                {
                    if addr.ip == host
                        && let Some(r) = &addr.target_ref
                        && r.kind.as_deref() == Some("Pod")
                        && let Some(p) = a.cluster.pods.iter().find(|p| {
                            Some(p.name()) == r.name.as_deref()
                                && Some(p.ns_or_default()) == r.namespace.as_deref()
                        })
                    {
                        return Target::Pod(p);
                    }
                }
            }
        }
        return Target::Ip(ip);
    }
    if let Some((sns, sname)) = in_cluster_name(a, host)
        && let Some(s) = a.service(&sns, &sname)
    {
        return Target::Service(s);
    }
    if !host.contains('.')
        && let Some(s) = a.service(ns, host)
    {
        return Target::Service(s);
    }
    Target::External
}

fn connect_cause(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    host: &str,
    port: Option<u16>,
    failure: ConnectFailure,
) -> Option<Hypothesis> {
    if matches!(host, "localhost" | "127.0.0.1" | "::1" | "0.0.0.0") {
        return None;
    }
    let ns = pod.ns_or_default();
    let hp = format!(
        "{host}{}",
        port.map(|p| format!(":{p}")).unwrap_or_default()
    );
    let what = format!(
        "pod {} cannot connect to {hp} ({})",
        pod.name(),
        failure.as_str()
    );
    match resolve_host(a, ns, host) {
        Target::Service(svc) => service_cause(a, pod, svc, port, failure, &what),
        // The pod's own address: its own process, not a dependency.
        Target::Pod(p) if p.name() == pod.name() && p.ns_or_default() == ns => None,
        Target::Pod(p) => {
            let port = port?;
            let name = netpol::port_name(p, port, "TCP");
            let dst = Port {
                number: port,
                name,
                protocol: "TCP",
            };
            path_policies(
                a,
                pod,
                Peer::Pod(p),
                &format!("pod {}/{}", p.ns_or_default(), p.name()),
                dst,
                &what,
            )
            .or_else(|| {
                Some(unexplained(
                    pod,
                    what,
                    "no NetworkPolicy on either end denies the path",
                    format!(
                        "Check pod {}/{} listens on {port}.",
                        p.ns_or_default(),
                        p.name()
                    ),
                ))
            })
        }
        Target::Ip(ip) => {
            let port = port?;
            path_policies(a, pod, Peer::Ip(ip), &format!("{ip}"), Port::tcp(port), &what).or_else(|| {
                Some(unexplained(
                    pod,
                    what.clone(),
                    "the address is no Service or pod of the input and no NetworkPolicy denies egress to it",
                    format!("Check what answers at {hp} from the node (`nc -vz {ip} {port}`): a firewall, security group or route outside the cluster."),
                ))
            })
        }
        Target::External => {
            let port = port?;
            path_policies(a, pod, Peer::External, host, Port::tcp(port), &what).or_else(|| {
                Some(unexplained(
                    pod,
                    what.clone(),
                    "the host is outside the cluster and no NetworkPolicy denies egress to it",
                    format!("The cause is outside the cluster: check that {hp} answers from a node (`curl -v https://{host}`), and the egress path (NAT gateway, firewall, proxy, security groups)."),
                ))
            })
        }
    }
}

/// A connection to a Service: its port, its endpoints, the policies on the path.
fn service_cause(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    svc: &Res<Service>,
    port: Option<u16>,
    failure: ConnectFailure,
    what: &str,
) -> Option<Hypothesis> {
    let sns = svc.ns_or_default();
    let ports = svc
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_deref())
        .unwrap_or(&[]);
    let sp = match port {
        Some(n) => ports.iter().find(|p| i64::from(p.port) == i64::from(n)),
        None => ports.first(),
    };
    if let Some(n) = port
        && sp.is_none()
        && !ports.is_empty()
    {
        let have: Vec<String> = ports.iter().map(|p| p.port.to_string()).collect();
        return Some(
            Hypothesis::new(
                80,
                Loop::Network,
                svc.objref(),
                format!("{what}: Service {sns}/{} has no port {n} (it serves {})", svc.name(), have.join(", ")),
            )
            .fix(format!("Point the client at one of Service {}'s ports ({}), or add port {n} to the Service.", svc.name(), have.join(", "))),
        );
    }
    let has_selector = svc
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .is_some_and(|s| !s.is_empty());
    let backends = selected_pods(a, svc);
    if has_selector && endpoint_state(a, svc, &backends).ready == 0 {
        let mut h = crate::analysers::network::resolve_service(a, svc, 1)?;
        h.score = h.score.saturating_sub(3).max(60);
        h.links.push(Link::new(
            Loop::Network,
            None,
            svc.objref(),
            format!("Service {sns}/{} has no ready endpoint", svc.name()),
        ));
        return Some(h);
    }
    let number = sp.map_or_else(
        || port.unwrap_or(0),
        |p| match &p.target_port {
            Some(IntOrString::Int(n)) => u16::try_from(*n).unwrap_or(0),
            Some(IntOrString::String(_)) => 0,
            None => u16::try_from(p.port).unwrap_or(0),
        },
    );
    let target_name = sp.and_then(|p| match &p.target_port {
        Some(IntOrString::String(s)) => Some(s.as_str()),
        _ => None,
    });
    let protocol = sp.and_then(|p| p.protocol.as_deref()).unwrap_or("TCP");
    let desc = format!("Service {sns}/{}", svc.name());
    if has_selector {
        for b in &backends {
            let number = match target_name {
                Some(name) => b
                    .spec
                    .as_ref()
                    .into_iter()
                    .flat_map(|s| s.containers.iter())
                    .flat_map(|c| c.ports.iter().flatten())
                    .find(|p| p.name.as_deref() == Some(name))
                    .and_then(|p| u16::try_from(p.container_port).ok())
                    .unwrap_or(0),
                None => number,
            };
            let dst = Port {
                number,
                name: target_name.or_else(|| netpol::port_name(b, number, protocol)),
                protocol,
            };
            if let Some(h) = path_policies(
                a,
                pod,
                Peer::Pod(b),
                &format!("{desc} (pod {})", b.name()),
                dst,
                what,
            ) {
                return Some(h);
            }
        }
    } else {
        // Endpoints kept by hand or by the API server (`kubernetes`).
        if let Some(ep) = a.endpoints_of(sns, svc.name()) {
            for sub in ep.subsets.iter().flatten() {
                let n = sub
                    .ports
                    .iter()
                    .flatten()
                    .next()
                    .and_then(|p| u16::try_from(p.port).ok())
                    .unwrap_or(number);
                for addr in sub.addresses.iter().flatten() {
                    if let Ok(ip) = addr.ip.parse::<IpAddr>()
                        && let Some(h) = path_policies(
                            a,
                            pod,
                            Peer::Ip(ip),
                            &format!("{desc} ({ip}:{n})"),
                            Port::tcp(n),
                            what,
                        )
                    {
                        return Some(h);
                    }
                }
            }
        }
        let ip = svc
            .spec
            .as_ref()
            .and_then(|s| s.cluster_ip.as_deref())
            .and_then(|ip| ip.parse::<IpAddr>().ok());
        if let Some(ip) = ip
            && let Some(h) = path_policies(a, pod, Peer::Ip(ip), &desc, Port::tcp(number), what)
        {
            return Some(h);
        }
    }
    Some(unexplained(
        pod,
        what.to_owned(),
        &format!("{desc} has ready endpoints and no NetworkPolicy on either end denies the path"),
        format!(
            "Check that the pods behind {desc} listen on the target port and answer (`kubectl -n {sns} get endpointslices -l kubernetes.io/service-name={}`), and the app's logs; {}.",
            svc.name(),
            match failure {
                ConnectFailure::Refused =>
                    "a refusal means the address answers but nothing listens on the port",
                _ => "a timeout with no policy in the way points at the node network or the CNI",
            }
        ),
    ))
}

/// The NetworkPolicies on a path: egress from `pod`, ingress at the peer pod.
fn path_policies(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    peer: Peer<'_>,
    peer_desc: &str,
    port: Port<'_>,
    what: &str,
) -> Option<Hypothesis> {
    let v = netpol::evaluate(a.cluster, pod, Direction::Egress, peer, port);
    if !v.allowed() {
        let to = match peer {
            Peer::Pod(p) => format!(
                "to: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: {}}}}}, podSelector: {{matchLabels: {{{}}}}}}}]",
                p.ns_or_default(),
                identity_labels(p)
            ),
            Peer::Ip(ip) => format!("to: [{{ipBlock: {{cidr: {ip}/{}}}}}]", if ip.is_ipv4() { 32 } else { 128 }),
            Peer::External => "to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]}}]".to_owned(),
        };
        let rule = format!(
            "{to}\n  ports: [{{protocol: {}, port: {}}}]",
            port.protocol, port.number
        );
        return Some(policy_hypothesis(
            pod,
            Direction::Egress,
            &v,
            peer_desc,
            port,
            &rule,
            what,
        ));
    }
    if let Peer::Pod(dst) = peer {
        let v = netpol::evaluate(a.cluster, dst, Direction::Ingress, Peer::Pod(pod), port);
        if !v.allowed() {
            let rule = format!(
                "from: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: {}}}}}, podSelector: {{matchLabels: {{{}}}}}}}]\n  ports: [{{protocol: {}, port: {}}}]",
                pod.ns_or_default(),
                identity_labels(pod),
                port.protocol,
                port.number
            );
            let mut h = policy_hypothesis(
                dst,
                Direction::Ingress,
                &v,
                &format!("pod {}/{}", pod.ns_or_default(), pod.name()),
                port,
                &rule,
                what,
            );
            h.root.summary = format!(
                "{what}: {} (the destination, pod {}/{})",
                h.root
                    .summary
                    .split_once(": ")
                    .map_or(h.root.summary.as_str(), |(_, r)| r),
                dst.ns_or_default(),
                dst.name()
            );
            return Some(h);
        }
    }
    None
}

/// A NetworkPolicy isolates `subject` in `dir` and none admits the connection.
fn policy_hypothesis(
    subject: &Res<Pod>,
    dir: Direction,
    v: &Verdict<'_>,
    peer: &str,
    port: Port<'_>,
    rule: &str,
    what: &str,
) -> Hypothesis {
    let names: Vec<&str> = v.isolating.iter().map(|p| p.name()).collect();
    let Some(denier) = v.denier(dir) else {
        // Unreachable by construction (a denied verdict has an isolating policy).
        return Hypothesis::new(10, Loop::Network, subject.objref(), what.to_owned());
    };
    let (way, key) = match dir {
        Direction::Egress => ("egress to", "egress"),
        Direction::Ingress => ("ingress from", "ingress"),
    };
    Hypothesis::new(
        86,
        Loop::Network,
        denier.objref(),
        format!(
            "{what}: NetworkPolicy {} selects pod {} for {}, and no policy that selects it ({}) allows {way} {peer} on {}/{}",
            denier.name(),
            subject.name(),
            dir.as_str(),
            names.join(", "),
            port.protocol,
            port.number
        ),
    )
    .fix(format!(
        "Allow it in a NetworkPolicy selecting pod {} in {} (or extend {}): add under `spec.{key}`:\n- {rule}\nand make sure `policyTypes` lists {}.",
        subject.name(),
        subject.ns_or_default(),
        denier.name(),
        dir.as_str()
    ))
    .link(Link::new(
        Loop::Network,
        None,
        denier.objref(),
        format!(
            "NetworkPolicy {} isolates pod {} for {}; {way} {peer} on port {} is not admitted",
            denier.name(),
            subject.name(),
            dir.as_str(),
            port.number
        ),
    ))
}

// --------------------------------------------------------- architecture

/// `exec format error`: the image's binary is built for another CPU than the node's.
fn exec_format(a: &Analysis<'_>, pod: &Res<Pod>, container: &str) -> Hypothesis {
    let workload = model::workload_ref(a.cluster, pod);
    let node = model::node_name(pod).and_then(|n| a.cluster.node(n));
    let arch = node.and_then(|n| n.labels().get("kubernetes.io/arch").map(String::as_str));
    let image = pod
        .spec
        .as_ref()
        .and_then(|s| s.containers.iter().find(|c| c.name == container))
        .and_then(|c| c.image.as_deref())
        .unwrap_or("the image");
    let on = match (node, arch) {
        (Some(n), Some(arch)) => format!(" on node {} ({arch})", n.name()),
        (Some(n), None) => format!(" on node {}", n.name()),
        _ => String::new(),
    };
    Hypothesis::new(
        82,
        Loop::Compute,
        workload.clone(),
        format!("container {container} cannot start: {image} has no build for the node's CPU architecture{on} (exec format error)"),
    )
    .fix(format!(
        "Use a multi-architecture image (or one built for {}: `docker buildx build --platform linux/amd64,linux/arm64`), or keep {workload} on nodes of the image's architecture with `nodeSelector: {{kubernetes.io/arch: amd64}}`; `docker manifest inspect {image}` lists the architectures it has.",
        arch.unwrap_or("the node's architecture")
    ))
}

// ------------------------------------------------------------- identity

const AWS_ROLE: &str = "eks.amazonaws.com/role-arn";
const AZURE_CLIENT: &str = "azure.workload.identity/client-id";
const AZURE_USE: &str = "azure.workload.identity/use";
const GKE_GSA: &str = "iam.gke.io/gcp-service-account";

fn cloud_identity(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    container: &str,
    cloud: CloudId,
    problem: AuthProblem,
) -> Hypothesis {
    let ns = pod.ns_or_default();
    let sa = pod
        .spec
        .as_ref()
        .map(day2_model::pod::service_account)
        .unwrap_or("default");
    let sa_obj = a
        .cluster
        .service_accounts
        .iter()
        .find(|s| s.ns_or_default() == ns && s.name() == sa);
    let ann = |k: &str| sa_obj.and_then(|s| s.annotation(k));
    let subject = format!("system:serviceaccount:{ns}:{sa}");
    let (why, fix) = match (cloud, problem) {
        (CloudId::Aws, AuthProblem::Expired) => (
            "the web identity token it presents has expired: the app read the projected token once and never re-reads it".to_owned(),
            format!("The kubelet refreshes the projected token in `AWS_WEB_IDENTITY_TOKEN_FILE`; make the app refresh its credentials from it (a current AWS SDK does; a credentials object built once at start-up does not) and restart {}.", pod.name()),
        ),
        (CloudId::Aws, AuthProblem::InvalidToken) => (
            "STS does not accept the cluster's token: the account has no IAM OIDC provider for the cluster's issuer, or its audience differs".to_owned(),
            "Create the IAM OIDC identity provider for the cluster's issuer URL (`eksctl utils associate-iam-oidc-provider --cluster <cluster> --approve`) with audience `sts.amazonaws.com`.".to_owned(),
        ),
        (CloudId::Aws, AuthProblem::Trust) => match ann(AWS_ROLE) {
            Some(role) => (
                format!("the IAM role {role} refuses AssumeRoleWithWebIdentity for this ServiceAccount: its trust policy does not trust {subject}"),
                format!("Fix the trust policy of role {role}: allow `sts:AssumeRoleWithWebIdentity` for the cluster's OIDC provider with conditions `<issuer>:sub` = `{subject}` and `<issuer>:aud` = `sts.amazonaws.com` (a condition on the wrong key or a typo in the subject refuses every pod)."),
            ),
            None => (
                format!("AssumeRoleWithWebIdentity is refused and ServiceAccount {ns}/{sa} has no `{AWS_ROLE}` annotation"),
                format!("Annotate ServiceAccount {sa} with `{AWS_ROLE}: arn:aws:iam::<account>:role/<role>` whose trust policy allows `sts:AssumeRoleWithWebIdentity` for `{subject}`, then restart the pods."),
            ),
        },
        (CloudId::Aws, AuthProblem::Other) => (
            format!("the web identity exchange for ServiceAccount {ns}/{sa} fails (role {})", ann(AWS_ROLE).unwrap_or("unset")),
            format!("Check the role in `{AWS_ROLE}` of ServiceAccount {sa}, its trust policy for `{subject}` and the cluster's IAM OIDC provider; the `caused by:` line of the error says which."),
        ),
        (CloudId::Aws, _) => {
            match ann(AWS_ROLE) {
                None => (
                    format!("ServiceAccount {ns}/{sa} has no `{AWS_ROLE}` annotation, so the SDK falls back to the node's instance role (or finds no credentials)"),
                    format!("Give the workload its own role (IRSA): annotate ServiceAccount {sa} with `{AWS_ROLE}: arn:aws:iam::<account>:role/<role>` granting what the app needs, trusted for `{subject}` (or create an EKS Pod Identity association for it), then restart the pods."),
                ),
                Some(role) => (
                    format!("the role {role} of ServiceAccount {ns}/{sa} is not allowed what the app asks"),
                    format!("Grant the denied action to role {role} in its IAM policy (the error names the action and resource)."),
                ),
            }
        }
        (CloudId::Azure, AuthProblem::UnknownClient) => (
            format!("Entra ID knows no application with the client id in `{AZURE_CLIENT}` of ServiceAccount {ns}/{sa} ({})", ann(AZURE_CLIENT).unwrap_or("unset")),
            format!("Set `{AZURE_CLIENT}` on ServiceAccount {sa} to the client id of the managed identity or app registration (`az identity show -g <rg> -n <identity> --query clientId`), then restart the pods."),
        ),
        (CloudId::Azure, AuthProblem::NoFederation) => (
            format!("no federated identity credential on the identity matches the token's issuer and subject {subject}"),
            format!("Create a federated credential on the identity in `{AZURE_CLIENT}`: `az identity federated-credential create --identity-name <identity> -g <rg> --issuer <cluster OIDC issuer> --subject {subject} --audience api://AzureADTokenExchange`."),
        ),
        (CloudId::Azure, _) => {
            let labelled = pod.labels().get(AZURE_USE).map(String::as_str) == Some("true");
            match (ann(AZURE_CLIENT), labelled) {
                (None, _) => (
                    format!("ServiceAccount {ns}/{sa} has no `{AZURE_CLIENT}` annotation"),
                    format!("Annotate ServiceAccount {sa} with `{AZURE_CLIENT}: <client id>`, label the pod template `{AZURE_USE}: \"true\"`, and create a federated credential for `{subject}`."),
                ),
                (Some(_), false) => (
                    format!("the pod lacks the label `{AZURE_USE}: \"true\"`, so the webhook injects no token"),
                    format!("Label the pod template `{AZURE_USE}: \"true\"` (a label, not an annotation, since v1.0) and restart the pods."),
                ),
                (Some(id), true) => (
                    format!("the workload identity {id} of ServiceAccount {ns}/{sa} is refused"),
                    format!("Check the federated credential for `{subject}` on identity {id} and its role assignments."),
                ),
            }
        }
        (CloudId::Gcp, AuthProblem::Impersonation) => (
            format!("ServiceAccount {ns}/{sa} may not impersonate the Google service account {}: the binding `roles/iam.workloadIdentityUser` is missing", ann(GKE_GSA).unwrap_or("(no annotation)")),
            format!("Grant the binding: `gcloud iam service-accounts add-iam-policy-binding {} --role roles/iam.workloadIdentityUser --member \"serviceAccount:<project>.svc.id.goog[{ns}/{sa}]\"`.", ann(GKE_GSA).unwrap_or("<gsa>@<project>.iam.gserviceaccount.com")),
        ),
        (CloudId::Gcp, AuthProblem::Scopes) => (
            "the node's access scopes do not cover the call: the pod uses the node's identity".to_owned(),
            format!("Use Workload Identity: annotate ServiceAccount {sa} with `{GKE_GSA}` and enable the GKE metadata server on the node pool; or recreate the node pool with the needed scopes."),
        ),
        (CloudId::Gcp, _) => match ann(GKE_GSA) {
            None => (
                format!("ServiceAccount {ns}/{sa} has no `{GKE_GSA}` annotation, so the pod has no Google identity of its own"),
                format!("Annotate ServiceAccount {sa} with `{GKE_GSA}: <gsa>@<project>.iam.gserviceaccount.com` and grant `roles/iam.workloadIdentityUser` to `serviceAccount:<project>.svc.id.goog[{ns}/{sa}]`."),
            ),
            Some(gsa) => (
                format!("the Google service account {gsa} of ServiceAccount {ns}/{sa} lacks the permission"),
                format!("Grant {gsa} the IAM role the call needs (the error names the permission)."),
            ),
        },
    };
    // A specific refusal (a code naming what is wrong) outranks a generic one.
    let score = match problem {
        AuthProblem::Other | AuthProblem::NoCredentials => 80,
        _ => 84,
    };
    Hypothesis::new(
        score,
        Loop::Identity,
        ObjRef::new("ServiceAccount", Some(ns), sa),
        format!("container {container} exits because its cloud identity is refused: {why}"),
    )
    .fix(fix)
}
