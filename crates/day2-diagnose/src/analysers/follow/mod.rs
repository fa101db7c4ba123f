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
//! - an object the error names → that object, looked up ([`super::named`]);
//! - a change of owner or mode refused on a path → the volume mounted there,
//!   its claim and StorageClass (`volume.rs`).
//!
//! What the input cannot explain (an external host that does not answer,
//! with nothing in the cluster blocking it) is said to be unexplained, not
//! blamed on the workload.

mod calico_policy;
mod cilium;
mod config_arg;
mod connect;
mod cut_off;
mod dac;
mod dns;
mod domain;
pub(crate) mod identity;
mod node_path;
mod off_cloud;
mod overlay;
mod pod_record;
mod process;
mod proxy;
mod resolver;
mod said;
mod scc;
mod service_name;
mod silent;
pub(crate) mod sysctl;
pub(crate) use silent::{policy_on_awaited_peers, policy_on_configured_peers};
pub(crate) mod volume;
mod vxlan_udp;

pub use connect::configured_services;
use connect::{configured_peers, connect_cause};
pub use cut_off::{dns_cut_off, ingress_shut_out, route_shut_out, service_pods_cut_off};
pub(crate) use dns::dns_service;
use dns::{dns_cause, forward_without_nameservers};
use identity::{cloud_identity, exec_format};
use process::{entrypoint_unloadable, privileged_port};
pub(crate) use proxy::{proxied_pods, proxy_url, takes_proxy};
pub use said::said_services;

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

/// The NetworkPolicies cut `pod` off from the cluster DNS ([`dns::cut_off`]).
pub(crate) fn dns_cut_off_of(a: &Analysis<'_>, pod: &Res<Pod>) -> Option<Hypothesis> {
    dns::cut_off(a, pod)
}

/// The text a crashing container left: its termination and waiting
/// messages, the pod's events, and its log lines when the input has them.
pub(crate) fn crash_texts<'c>(
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
    let of_pod = a.references().logs.get(&(pod.ns_or_default(), pod.name()));
    for l in of_pod
        .into_iter()
        .flatten()
        .filter(|l| l.container.as_deref().is_none_or(|c| c == container))
    {
        out.push(l.text.clone());
    }
    out
}

/// The Service whose cluster IP is `ip`.
fn service_at<'c>(a: &Analysis<'c>, ip: &str) -> Option<&'c Res<Service>> {
    a.cluster.services.iter().find(|s| {
        s.spec
            .as_ref()
            .and_then(|sp| sp.cluster_ip.as_deref())
            .is_some_and(|c| c == ip)
    })
}

/// The address of a resolver as Go's resolver names it (`10.96.0.10:53`,
/// `[fd00::a]:53`), without the port and brackets.
fn server_host(server: &str) -> &str {
    if let Some(rest) = server.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match server.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.chars().all(|c| c.is_ascii_digit()) => {
            host
        }
        _ => server,
    }
}

/// Every error the crashing container reports, each followed to a cause.
/// A failed Job pod's message read as a crash's: the error families
/// (cloud identity refused, a name that does not resolve, a refused
/// connection) lead where they lead for a crash loop. The first pod whose
/// message one of them explains.
pub fn job_message<'c>(
    a: &Analysis<'c>,
    pods: &[&'c Res<Pod>],
    container: &str,
) -> Option<Hypothesis> {
    pods.iter().find_map(|pod| {
        let mut d = Detected::new(
            crate::symptoms::Kind::CrashLoopBackOff,
            pod.objref(),
            crate::symptoms::Subject::Pod(pod),
        );
        d.detail = Detail::Crash {
            container: container.to_owned(),
            exit_code: None,
            reason: None,
            restarts: 0,
            finished: None,
        };
        let found = errors(a, &d);
        found
            .iter()
            .filter(|h| !h.unexplained && h.score >= 70)
            .max_by_key(|h| h.score)
            .cloned()
            // A cause outside the cluster that the message leads to (the
            // upstream resolver it cannot reach) says more than the exit.
            .or_else(|| {
                found
                    .into_iter()
                    .filter(|h| h.unexplained && h.score >= 50)
                    .max_by_key(|h| h.score)
            })
    })
}

pub fn errors<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let mut found: Vec<Classified> = Vec::new();
    let texts = crash_texts(a, d, pod, container);
    for t in &texts {
        for c in classify(t) {
            if !found.iter().any(|f| f.class == c.class) {
                found.push(c);
            }
        }
    }
    // A refusal whose user the message leaves blank is the pod's own account.
    for c in &mut found {
        if let ErrorClass::Api(ApiError::Forbidden {
            namespace,
            service_account,
            scope,
            ..
        }) = &mut c.class
            && service_account.is_empty()
        {
            *namespace = pod.ns_or_default().to_owned();
            *service_account = model::pod_service_account(pod).to_owned();
            // Its namespace blanked too: the pod's own, where a
            // namespaced controller watches.
            if scope.as_deref() == Some("") {
                *scope = Some(pod.ns_or_default().to_owned());
            }
        }
    }
    // A program's own "not writable" beside the kernel's `Read-only file
    // system` for the same path: the kernel's says why.
    let read_only: Vec<String> = found
        .iter()
        .filter_map(|c| match &c.class {
            ErrorClass::Denied(d) if d.read_only => Some(d.path.clone()),
            _ => None,
        })
        .collect();
    found.retain(|c| {
        !matches!(&c.class, ErrorClass::Denied(d)
            if !d.read_only && !d.ownership && read_only.iter().any(|p| d.path.starts_with(p.as_str()) || p.starts_with(d.path.as_str())))
    });
    let mut out = Vec::new();
    if found.is_empty()
        && let Some(h) = silent::policy_on_configured_peers(a, pod, container)
            .or_else(|| config_arg::unparsed(a, pod, container, &texts))
    {
        out.push(h);
    }
    for c in &found {
        let seen = Link::new(
            Loop::Compute,
            d.since,
            pod.objref(),
            format!("container {container} reports: {}", describe(&c.class)),
        )
        .with_evidence([day2_model::redact::excerpt(&c.line, EXCERPT)]);
        let h = match &c.class {
            _ if let Some(h) = super::irsa::global_sts(&c.line, || {
                let sa = model::pod_service_account(pod);
                (
                    ObjRef::new("ServiceAccount", Some(pod.ns_or_default()), sa),
                    format!("pod {}", pod.name()),
                )
            }) =>
            {
                Some(h)
            }
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
            ErrorClass::ConnectUnnamed { failure } => configured_peers(a, pod, container, *failure),
            ErrorClass::CloudAuth { .. }
                if let Some(h) = super::irsa::node_role_used(a, pod, &c.line) =>
            {
                Some(h)
            }
            ErrorClass::CloudAuth { .. }
                if let Some(h) = super::irsa::token_unreadable(a, pod, &texts.join("\n")) =>
            {
                Some(h)
            }
            ErrorClass::CloudAuth { cloud, problem } => {
                let mut h = cloud_identity(a, pod, container, *cloud, *problem, &c.line);
                // The action the cloud refused, when the error names it.
                if let Some(r) = crate::messages::permission::refusal(&c.line) {
                    h.fix = format!(
                        "{} The action refused: `{}`{}.",
                        h.fix,
                        r.action,
                        r.scope.map(|s| format!(" on `{s}`")).unwrap_or_default()
                    );
                }
                Some(h)
            }
            ErrorClass::Api(ApiError::Forbidden { .. }) => {
                refused(&c.class).map(|r| apierr::rbac(a, &r.with_line(&c.line)))
            }
            ErrorClass::Api(ApiError::Unauthorized) => Some(apierr::unauthorized(a, pod)),
            ErrorClass::Api(ApiError::NoPermissions) => Some(apierr::no_permissions(a, pod)),
            ErrorClass::Api(ApiError::OwnerRefRefused {
                resource,
                name,
                finalizers,
            }) => Some(super::owner_ref::owner_ref_refused(
                a,
                pod,
                resource.as_deref(),
                name.as_deref(),
                *finalizers,
            )),
            ErrorClass::Api(ApiError::InCluster(what)) => apierr::in_cluster(a, pod, *what),
            ErrorClass::Api(ApiError::NotFound {
                kind,
                namespace,
                name,
            }) => named::not_found(a, pod, kind, namespace.as_deref(), name),
            ErrorClass::Api(ApiError::PodCidrUnassigned { node }) => named::pod_cidr(a, node),
            ErrorClass::KernelModule { module, reason } => {
                Some(process::kernel_module(a, pod, container, module, reason))
            }
            ErrorClass::ExecFormat => Some(exec_format(a, pod, container)),
            ErrorClass::EntrypointUnloadable => Some(entrypoint_unloadable(a, pod, container)),
            ErrorClass::ForwardWithoutNameservers => Some(forward_without_nameservers(a, pod)),
            ErrorClass::ForwardingLoop => Some(dns::forwarding_loop(a, pod, &c.line)),
            ErrorClass::CorefileRefused { plugin } => {
                dns::corefile_refused(a, pod, plugin, &c.line)
            }
            ErrorClass::PrivilegedPort { port } => Some(privileged_port(a, pod, container, *port)),
            ErrorClass::PortInUse { port } => super::port_in_use::in_use(a, pod, container, *port),
            ErrorClass::MissingFile { path } => {
                super::missing_file::unwritten(a, pod, container, path)
            }
            ErrorClass::NodeLimit { sysctl } => {
                Some(process::node_limit(a, pod, container, sysctl))
            }
            ErrorClass::ConfigFile { path } => {
                process::config_file(a, pod, container, path, &c.line)
            }
            ErrorClass::Denied(denied) => volume::denied(a, pod, container, denied),
            ErrorClass::KeyUnreadable(what) => {
                super::key_material::unreadable(a, pod, container, *what)
            }
            ErrorClass::Tls { problem } => super::mesh_cert::expired(a, pod, container, &c.line)
                .or_else(|| identity::untrusted_server(a, pod, container, &c.line, problem)),
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
        ErrorClass::ConnectUnnamed { failure } => {
            format!(
                "a connection fails ({}) without naming its peer",
                failure.as_str()
            )
        }
        ErrorClass::Tls { problem } => format!("a TLS certificate is {problem}"),
        ErrorClass::KeyUnreadable(what) => {
            format!("it cannot read its key material: {}", what.describe())
        }
        ErrorClass::KernelModule { module, reason } => {
            format!("the node's kernel will not load module {module} ({reason})")
        }
        ErrorClass::ExecFormat => {
            "the kernel cannot execute its binary (exec format error)".to_owned()
        }
        ErrorClass::EntrypointUnloadable => {
            "the kernel cannot load its entrypoint (no such file or directory)".to_owned()
        }
        ErrorClass::ForwardingLoop => "CoreDNS detects a forwarding loop and exits".to_owned(),
        ErrorClass::CorefileRefused { plugin } => {
            format!("CoreDNS refuses the `{plugin}` block of its Corefile and exits")
        }
        ErrorClass::ForwardWithoutNameservers => {
            "CoreDNS finds no nameserver to forward to".to_owned()
        }
        ErrorClass::PrivilegedPort { port } => {
            format!("binding port {port} is not permitted")
        }
        ErrorClass::MissingFile { path } => format!("{path} is not there"),
        ErrorClass::PortInUse { port } => match port {
            Some(p) => format!("port {p} is already in use"),
            None => "its port is already in use".to_owned(),
        },
        ErrorClass::NodeLimit { sysctl } => {
            format!("the node's kernel limit {sysctl} is used up")
        }
        ErrorClass::ConfigFile { path } => format!("it cannot parse its configuration file {path}"),
        ErrorClass::Denied(d) => format!(
            "the kernel refuses {} on {}",
            if d.ownership {
                "a change of owner or mode"
            } else {
                "access"
            },
            d.path
        ),
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
        ErrorClass::Api(ApiError::NoPermissions) => {
            "the API server refuses it, it says, for lack of RBAC permissions".to_owned()
        }
        ErrorClass::Api(ApiError::OwnerRefRefused { .. }) => {
            "the API server refuses the owner reference it sets".to_owned()
        }
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
pub(crate) fn refused(c: &ErrorClass) -> Option<apierr::Refused<'_>> {
    match c {
        ErrorClass::Api(e) => apierr::Refused::of(e),
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

/// Whether a name is the cluster's own (`svc`, `svc.ns`, `….svc`, `….cluster.local`).
pub(crate) fn in_cluster_name(a: &Analysis<'_>, host: &str) -> Option<(String, String)> {
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
    let Some(denier) = v.meant(dir, port).or_else(|| v.denier(dir)) else {
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_resolver_address_without_its_port() {
        assert_eq!(super::server_host("10.96.0.10:53"), "10.96.0.10");
        assert_eq!(super::server_host("[fd00::a]:53"), "fd00::a");
        assert_eq!(super::server_host("169.254.169.254"), "169.254.169.254");
        assert_eq!(super::server_host("fd00::a"), "fd00::a");
    }
}
