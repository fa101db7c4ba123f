//! A client behind an Istio sidecar that times out on a protocol in which
//! the server speaks first (NATS on 4222, MySQL on 3306, SMTP): with the
//! Service's port not declared as TCP (its name has no protocol prefix, no
//! `appProtocol`), the sidecar waits for the client's first bytes to guess
//! the protocol while the client waits for the server's greeting, and the
//! read times out (argoproj/argo-events#1311: `read tcp …->…:4222: i/o
//! timeout` in an `istio-injection=enabled` namespace). Istio's own rule
//! for server-first protocols: declare the port's protocol.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// The symptoms read: a client's crash or probe, and a Service whose
/// meshed pods fail their readiness.
pub const KINDS: &[crate::symptoms::Kind] = &[
    crate::symptoms::Kind::CrashLoopBackOff,
    crate::symptoms::Kind::JobFailed,
    crate::symptoms::Kind::ProbeFailing,
    crate::symptoms::Kind::ServiceWithoutReadyEndpoints,
];

/// Well-known ports of protocols where the server sends the first bytes.
const SERVER_FIRST: [(u16, &str); 7] = [
    (4222, "NATS"),
    (3306, "MySQL"),
    (25, "SMTP"),
    (587, "SMTP"),
    (21, "FTP"),
    (110, "POP3"),
    (143, "IMAP"),
];

/// Port-name prefixes by which Istio takes a protocol as declared.
const DECLARED: [&str; 9] = [
    "tcp", "mysql", "mongo", "redis", "grpc", "http", "tls", "https", "udp",
];

/// The `IP:PORT` a timed-out read or dial names (`->10.42.2.28:4222: i/o timeout`).
fn timed_out_peer(text: &str) -> Option<(std::net::IpAddr, u16)> {
    let at = text.find(": i/o timeout")?;
    let head = &text[..at];
    let word = head.rsplit([' ', '>']).next()?;
    let (ip, port) = word.rsplit_once(':')?;
    Some((ip.parse().ok()?, port.parse().ok()?))
}

/// Whether a Service port is `port`, or forwards to it.
pub(super) fn serves(p: &k8s_openapi::api::core::v1::ServicePort, port: u16) -> bool {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    p.port == i32::from(port)
        || matches!(&p.target_port, Some(IntOrString::Int(t)) if *t == i32::from(port))
}

fn sidecar(pod: &day2_model::Res<day2_model::pod::Pod>) -> bool {
    pod.spec.as_ref().is_some_and(|s| {
        s.containers
            .iter()
            .chain(s.init_containers.iter().flatten())
            .any(|c| c.name == "istio-proxy")
    })
}

/// [`configured`] for the meshed pods behind a Service without ready
/// endpoints, whose readiness fails.
fn meshed_clients<'c>(
    a: &Analysis<'c>,
    svc: &day2_model::Res<k8s_openapi::api::core::v1::Service>,
) -> Vec<Hypothesis> {
    crate::symptoms::service::selected_pods(a, svc)
        .into_iter()
        .filter(|p| !model::is_ready(p) && sidecar(p))
        .find_map(|pod| {
            let failing = a.cluster.events_for_obj(pod).into_iter().rev().find(|e| {
                e.reason == "Unhealthy" && e.message_text().starts_with("Readiness probe failed")
            })?;
            pod.spec
                .iter()
                .flat_map(|s| s.containers.iter())
                .filter(|c| c.name != "istio-proxy")
                .find_map(|c| configured(a, pod, &c.name).into_iter().next())
                .map(|h| {
                    h.link(Link::from_event(
                        Loop::Network,
                        failing,
                        format!("{} fails its readiness probe", pod.name()),
                    ))
                })
        })
        .into_iter()
        .collect()
}

pub fn server_first<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    if let crate::symptoms::Subject::Service(svc) = d.subject {
        return meshed_clients(a, svc);
    }
    let Some(pod) = d.pod() else { return vec![] };
    if !sidecar(pod) {
        return vec![];
    }
    match &d.detail {
        Detail::Crash { container, .. } => {
            let mut out = timed_out(a, d, pod, container);
            if out.is_empty() {
                out.extend(declared_http(a, d, pod, container));
            }
            out
        }
        Detail::Probe { container } => configured(a, pod, container),
        _ => vec![],
    }
}

/// A read that timed out, naming its peer's address.
fn timed_out<'c>(
    a: &Analysis<'c>,
    d: &Detected<'c>,
    pod: &'c day2_model::Res<day2_model::pod::Pod>,
    container: &str,
) -> Vec<Hypothesis> {
    let Some((ip, port)) = super::follow::crash_texts(a, d, pod, container)
        .iter()
        .find_map(|t| timed_out_peer(t))
    else {
        return vec![];
    };
    let Some((_, protocol)) = SERVER_FIRST.iter().find(|(p, _)| *p == port) else {
        return vec![];
    };
    let ip_text = ip.to_string();
    // The Service in front of that address: its ClusterIP, or a pod it selects.
    let svc = a.cluster.services.iter().find(|s| {
        let Some(spec) = s.spec.as_ref() else {
            return false;
        };
        let has_port = spec.ports.iter().flatten().any(|p| serves(p, port));
        has_port
            && (spec.cluster_ip.as_deref() == Some(ip_text.as_str())
                || crate::symptoms::service::selected_pods(a, s)
                    .iter()
                    .any(|p| {
                        p.status.as_ref().and_then(|st| st.pod_ip.as_deref())
                            == Some(ip_text.as_str())
                    }))
    });
    let Some(svc) = svc else { return vec![] };
    let workload = model::workload_ref(a.cluster, pod);
    undeclared(svc, port)
        .map(|name| {
            hypothesis(
                82,
                svc,
                (port, protocol),
                &name,
                &workload,
                format!("{workload} reads nothing from {ip}:{port} ({protocol}, Service {}/{}) and times out", svc.ns_or_default(), svc.name()),
            )
            .link(Link::new(
                Loop::Network,
                None,
                pod.objref(),
                format!("runs an istio-proxy sidecar; its read from {ip}:{port} timed out"),
            ))
        })
        .into_iter()
        .collect()
}

/// A readiness that fails in a meshed pod whose configuration names a
/// Service on a server-first port the sidecar cannot tell the protocol of
/// (istio/istio#38284: a MySQL proxy on a port named `proxy`; the app's
/// health check waits on its database).
fn configured<'c>(
    a: &Analysis<'c>,
    pod: &day2_model::Res<day2_model::pod::Pod>,
    container: &str,
) -> Vec<Hypothesis> {
    let workload = model::workload_ref(a.cluster, pod);
    super::follow::configured_services(a, pod, container)
        .into_iter()
        .find_map(|(svc, port)| {
            let spec = svc.spec.as_ref()?;
            // The port the configuration names, or the Service's only one.
            let port = port.or_else(|| match spec.ports.as_deref() {
                Some([p]) => u16::try_from(p.port).ok(),
                _ => None,
            })?;
            let (_, protocol) = SERVER_FIRST.iter().find(|(p, _)| *p == port)?;
            let name = undeclared(svc, port)?;
            Some(
                hypothesis(
                    74,
                    svc,
                    (port, protocol),
                    &name,
                    &workload,
                    format!("{workload} is not ready, and its configuration names {protocol} at Service {}/{} port {port}", svc.ns_or_default(), svc.name()),
                )
                .link(Link::new(
                    Loop::Network,
                    None,
                    pod.objref(),
                    format!("runs an istio-proxy sidecar and fails its readiness probe; container {container} is configured for {}:{port}", svc.name()),
                )),
            )
        })
        .into_iter()
        .collect()
}

/// Ports of protocols that are not HTTP, and the words their clients fail with.
const NOT_HTTP: [(u16, &str, &[&str]); 6] = [
    (
        3306,
        "MySQL",
        &["communications link failure", "mysql", "mariadb"],
    ),
    (5432, "PostgreSQL", &["postgres", "psqlexception"]),
    (6379, "Redis", &["redis"]),
    (27017, "MongoDB", &["mongo"]),
    (9092, "Kafka", &["kafka"]),
    (5672, "AMQP", &["amqp", "rabbitmq"]),
];

/// A meshed client failing on a protocol whose port some Service of the
/// mesh declares as HTTP (its name `http-…`, `http2`, `grpc…`, or an HTTP
/// `appProtocol`): Istio then builds an HTTP listener for that port in
/// every sidecar (`0.0.0.0_3306`), and plain TCP to any server on that
/// port, outside the cluster too, is cut (istio/istio#22150: a port named
/// `http-3306`, MySQL clients reset).
fn declared_http<'c>(
    a: &Analysis<'c>,
    d: &Detected<'c>,
    pod: &'c day2_model::Res<day2_model::pod::Pod>,
    container: &str,
) -> Vec<Hypothesis> {
    let texts = super::follow::crash_texts(a, d, pod, container);
    let said = texts.join("\n").to_ascii_lowercase();
    let http = |n: &str| {
        let head = n.split('-').next().unwrap_or(n);
        matches!(head, "http" | "http2" | "grpc" | "grpc-web")
    };
    let workload = model::workload_ref(a.cluster, pod);
    NOT_HTTP
        .iter()
        .filter(|(_, _, words)| words.iter().any(|w| said.contains(w)))
        .find_map(|(port, protocol, _)| {
            a.cluster.services.iter().find_map(|svc| {
                let sp = svc
                    .spec
                    .as_ref()?
                    .ports
                    .iter()
                    .flatten()
                    .find(|p| p.port == i32::from(*port))?;
                let declared = sp
                    .app_protocol
                    .as_deref()
                    .map(|x| http(&x.to_ascii_lowercase()))
                    .or_else(|| sp.name.as_deref().map(http))?;
                declared.then(|| {
                    let name = sp.name.clone().unwrap_or_default();
                    let ns = svc.ns_or_default();
                    Hypothesis::new(
                        80,
                        Loop::Network,
                        svc.objref(),
                        format!(
                            "{workload} fails to talk {protocol} through its Istio sidecar, and Service {ns}/{} declares port {port} as HTTP (port `{name}`{}): Istio then treats outbound port {port} as HTTP in every sidecar of the mesh, so plain {protocol} connections on it are reset",
                            svc.name(),
                            sp.app_protocol
                                .as_deref()
                                .map(|x| format!(", appProtocol {x}"))
                                .unwrap_or_default()
                        ),
                    )
                    .fix(format!(
                        "Rename port `{name}` of Service {ns}/{} to `tcp-{port}` (or `mysql`/`tcp` as fits, or set `appProtocol: tcp`): Istio takes a port's protocol from its name prefix, and a wrong `http-` port name changes every sidecar's listener for {port}; the clients reconnect once the sidecars get the new listener.",
                        svc.name()
                    ))
                    .link(Link::new(
                        Loop::Network,
                        None,
                        pod.objref(),
                        format!("runs an istio-proxy sidecar; its {protocol} connection fails"),
                    ))
                })
            })
        })
        .into_iter()
        .collect()
}

/// The name of Service `svc`'s port `port` when its protocol is not
/// declared to Istio (no protocol prefix, no `appProtocol`).
fn undeclared(
    svc: &day2_model::Res<k8s_openapi::api::core::v1::Service>,
    port: u16,
) -> Option<String> {
    let sp = svc
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_ref())
        .and_then(|ps| ps.iter().find(|p| serves(p, port)))?;
    let declared = sp.app_protocol.is_some()
        || sp.name.as_deref().is_some_and(|n| {
            let head = n.split('-').next().unwrap_or(n);
            DECLARED.contains(&head)
        });
    (!declared).then(|| sp.name.clone().unwrap_or_else(|| "(unnamed)".to_owned()))
}

fn hypothesis(
    score: u32,
    svc: &day2_model::Res<k8s_openapi::api::core::v1::Service>,
    (port, protocol): (u16, &str),
    name: &str,
    workload: &day2_model::ObjRef,
    what: String,
) -> Hypothesis {
    let ns = svc.ns_or_default();
    Hypothesis::new(
        score,
        Loop::Network,
        svc.objref(),
        format!("{what}: its Istio sidecar does not know the port's protocol (port `{name}` has no protocol prefix and no appProtocol), so it waits for the client's first bytes to guess it, while {protocol}'s server speaks first"),
    )
    .fix(format!(
        "Declare the port's protocol in Service {ns}/{}: name it `tcp-{name}` (or set `appProtocol: tcp`), as Istio asks for server-first protocols; or keep the sidecar out of that traffic (`traffic.sidecar.istio.io/excludeOutboundPorts: \"{port}\"` on {workload}'s pods, `excludeInboundPorts` on the server's). The client reconnects on its own.",
        svc.name()
    ))
}

#[cfg(test)]
mod tests {
    use super::timed_out_peer;

    #[test]
    fn the_peer_of_a_timed_out_read() {
        assert_eq!(
            timed_out_peer(
                "failed to connect to eventbus, read tcp 10.42.0.40:42834->10.42.2.28:4222: i/o timeout"
            ),
            Some(("10.42.2.28".parse().unwrap(), 4222))
        );
        assert_eq!(
            timed_out_peer("dial tcp 10.43.0.9:3306: i/o timeout"),
            Some(("10.43.0.9".parse().unwrap(), 3306))
        );
        assert_eq!(
            timed_out_peer("lookup nats on 10.43.0.10:53: no such host"),
            None
        );
    }
}
