//! A meshed client whose connections to a Service with ready endpoints
//! fail, where what the mesh does with that Service's port is the cause:
//!
//! - Istio parses a port whose name (or `appProtocol`) declares `mysql`,
//!   `mongo` or `redis` with that protocol's own proxy filter. Before 1.4
//!   the MySQL and Redis filters were on for such ports, and the MySQL one
//!   cannot carry a TLS session: clients fail in the handshake
//!   (istio/istio#10062: a port named `mysql-33061`, `ERROR 2026 (HY000):
//!   SSL connection error`).
//! - Linkerd detects the protocol of every connection it proxies, unless
//!   the port is opaque or skipped. Server-first protocols and pools of
//!   idle connections (MySQL, PostgreSQL, Redis, memcached, SMTP) stall
//!   or time out under detection; from 2.10 those ports are opaque by
//!   default, before it they must be named (linkerd/linkerd2#5344: a Redis
//!   pool's idle connections time out under 2.9).
//!
//! The Service the client talks to is the one its words or its
//! configuration name; the cause lives in that Service's port, so the
//! reading is about it.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;
use day2_model::Res;
use day2_model::pod::Pod;
use k8s_openapi::api::core::v1::{Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub const KINDS: &[crate::symptoms::Kind] = &[
    crate::symptoms::Kind::CrashLoopBackOff,
    crate::symptoms::Kind::JobFailed,
];

/// Ports Linkerd 2.10 and later make opaque by default
/// (`proxy.opaquePorts`), and the protocols on them.
const LINKERD_OPAQUE: [(u16, &str); 8] = [
    (25, "SMTP"),
    (587, "SMTP"),
    (3306, "MySQL"),
    (4444, "Galera"),
    (5432, "PostgreSQL"),
    (6379, "Redis"),
    (9300, "Elasticsearch transport"),
    (11211, "memcached"),
];

/// Words of a connection that opened and then failed: a read that timed
/// out, a reset, an end of stream, a TLS handshake the peer broke off.
const FAILED: [&str; 12] = [
    "i/o timeout",
    "timed out",
    "timeout",
    "connection reset",
    "broken pipe",
    "eof",
    "ssl connection error",
    "handshake",
    "lost connection",
    "closed the connection",
    "packets out of order",
    "malformed packet",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mesh {
    Istio,
    Linkerd,
}

/// The mesh whose proxy runs beside the pod's containers, with its proxy's image.
fn mesh(pod: &Pod) -> Option<(Mesh, Option<&str>)> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .find_map(|c| match c.name.as_str() {
            "istio-proxy" => Some((Mesh::Istio, c.image.as_deref())),
            "linkerd-proxy" => Some((Mesh::Linkerd, c.image.as_deref())),
            _ => None,
        })
}

/// `(major, minor)` of a proxy image (`istio/proxyv2:1.1.5`,
/// `ghcr.io/linkerd/proxy:stable-2.9.0`); an edge release says none.
fn proxy_version(image: Option<&str>) -> Option<(u32, u32)> {
    let image = image?;
    let (repo, tag) = image.rsplit_once(':')?;
    let tag = tag.strip_prefix("stable-").unwrap_or(tag);
    crate::messages::image::tag_version(&format!("{repo}:{tag}"))
}

/// The Service port the client reached: by number, else its only one.
fn port_of(svc: &Res<Service>, port: Option<u16>) -> Option<&ServicePort> {
    let ports = svc.spec.as_ref()?.ports.as_deref()?;
    match port {
        Some(n) => ports
            .iter()
            .find(|p| super::mesh_server_first::serves(p, n)),
        None => match ports {
            [p] => Some(p),
            _ => None,
        },
    }
}

/// The protocol a Service port declares to Istio: `appProtocol`, else its
/// name's prefix (`mysql-33061` → `mysql`).
fn declared(sp: &ServicePort) -> Option<String> {
    sp.app_protocol
        .as_deref()
        .or_else(|| sp.name.as_deref().map(|n| n.split('-').next().unwrap_or(n)))
        .map(str::to_ascii_lowercase)
}

/// A comma-separated port list (`"6379,3306"`, ranges `"4000-4100"`) holds `port`.
fn listed(list: &str, port: u16) -> bool {
    list.split(',').map(str::trim).any(|x| match x.split_once('-') {
        Some((lo, hi)) => matches!((lo.parse::<u16>(), hi.parse::<u16>()), (Ok(l), Ok(h)) if (l..=h).contains(&port)),
        None => x.parse::<u16>() == Ok(port),
    })
}

/// Where Linkerd is told to leave `port` to the application: opaque on
/// the Service, its namespace or its pods (annotation, or the proxy's
/// `LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION`), or skipped
/// by the client (`skip-outbound-ports`, proxy-init's
/// `--outbound-ports-to-ignore`).
fn linkerd_exempt(
    a: &Analysis<'_>,
    client: &Res<Pod>,
    svc: &Res<Service>,
    backends: &[&Res<Pod>],
    ports: &[u16],
) -> bool {
    let annotated = |m: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta, key: &str| {
        m.annotations
            .as_ref()
            .and_then(|x| x.get(key))
            .is_some_and(|v| ports.iter().any(|p| listed(v, *p)))
    };
    const OPAQUE: &str = "config.linkerd.io/opaque-ports";
    const SKIP: &str = "config.linkerd.io/skip-outbound-ports";
    if annotated(&svc.metadata, OPAQUE) || annotated(&client.metadata, SKIP) {
        return true;
    }
    if a.cluster
        .namespaces
        .iter()
        .find(|n| n.name() == svc.ns_or_default())
        .is_some_and(|n| annotated(&n.metadata, OPAQUE))
    {
        return true;
    }
    let proxy_says = |p: &Res<Pod>| {
        p.spec.iter().flat_map(|s| s.containers.iter()).any(|c| {
            c.name == "linkerd-proxy"
                && c.env.iter().flatten().any(|e| {
                    e.name == "LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION"
                        && e.value
                            .as_deref()
                            .is_some_and(|v| ports.iter().any(|p| listed(v, *p)))
                })
        })
    };
    let init_skips = client
        .spec
        .iter()
        .flat_map(|s| s.init_containers.iter().flatten())
        .any(|c| {
            let args: Vec<&str> = c.args.iter().flatten().map(String::as_str).collect();
            args.iter().enumerate().any(|(i, x)| {
                let value = match x.split_once('=') {
                    Some(("--outbound-ports-to-ignore", v)) => Some(v),
                    _ if *x == "--outbound-ports-to-ignore" => args.get(i + 1).copied(),
                    _ => None,
                };
                value.is_some_and(|v| ports.iter().any(|p| listed(v, *p)))
            })
        });
    init_skips
        || backends
            .iter()
            .any(|b| annotated(&b.metadata, OPAQUE) || proxy_says(b))
}

pub fn protocol_handled<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let Some((mesh, image)) = mesh(pod) else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let Some(line) = texts.iter().flat_map(|t| t.lines()).find(|l| {
        let l = l.to_ascii_lowercase();
        FAILED.iter().any(|w| l.contains(w))
    }) else {
        return vec![];
    };
    let mut peers = super::follow::said_services(a, pod, &texts);
    peers.extend(super::follow::configured_services(a, pod, container));
    let workload = model::workload_ref(a.cluster, pod);
    let version = proxy_version(image);
    peers
        .into_iter()
        .find_map(|(svc, port)| {
            let sp = port_of(svc, port)?;
            let backends = crate::symptoms::service::selected_pods(a, svc);
            if crate::symptoms::service::endpoint_state(a, svc, &backends).ready == 0 {
                return None;
            }
            let h = match mesh {
                Mesh::Istio => istio(svc, sp, version, &workload),
                Mesh::Linkerd => linkerd(a, pod, svc, sp, &backends, version, &workload),
            }?;
            let proxy = if mesh == Mesh::Istio {
                "istio-proxy"
            } else {
                "linkerd-proxy"
            };
            Some(h.link(
                Link::new(
                    Loop::Network,
                    d.since,
                    pod.objref(),
                    format!(
                        "runs {proxy}; container {container}'s connection to Service {}/{} fails",
                        svc.ns_or_default(),
                        svc.name()
                    ),
                )
                .with_evidence([day2_model::redact::excerpt(line, 200)]),
            ))
        })
        .into_iter()
        .collect()
}

/// Istio before 1.4 with a port declared as a protocol it parses.
fn istio(
    svc: &Res<Service>,
    sp: &ServicePort,
    version: Option<(u32, u32)>,
    workload: &day2_model::ObjRef,
) -> Option<Hypothesis> {
    let protocol = declared(sp)?;
    let filter = match protocol.as_str() {
        // The MySQL and Redis filters were put behind flags in 1.4
        // (`PILOT_ENABLE_MYSQL_FILTER`, `PILOT_ENABLE_REDIS_FILTER`).
        "mysql" | "redis" if version.is_none_or(|v| v < (1, 4)) => protocol.as_str(),
        "mongo" => "mongo",
        _ => return None,
    };
    let (ns, name) = (svc.ns_or_default(), svc.name());
    let port_name = sp.name.as_deref().unwrap_or("");
    Some(
        Hypothesis::new(
            80,
            Loop::Network,
            svc.objref(),
            format!(
                "{workload}'s connections to Service {ns}/{name} port {} fail through its Istio sidecar, and the port declares protocol `{filter}` (port `{port_name}`{}): the sidecar runs every connection to it through Istio's {filter} filter, which parses the protocol itself and breaks what it does not follow (a TLS session inside it, a newer handshake)",
                sp.port,
                sp.app_protocol
                    .as_deref()
                    .map(|x| format!(", appProtocol {x}"))
                    .unwrap_or_default()
            ),
        )
        .fix(format!(
            "Rename port `{port_name}` of Service {ns}/{name} to `tcp-{}` (or set `appProtocol: tcp`), so that Istio proxies it as plain TCP; the clients connect again once their sidecars take the new listener (no restart of the server needed).",
            sp.port
        )),
    )
}

/// Linkerd detecting the protocol on a port that wants none.
fn linkerd(
    a: &Analysis<'_>,
    client: &Res<Pod>,
    svc: &Res<Service>,
    sp: &ServicePort,
    backends: &[&Res<Pod>],
    version: Option<(u32, u32)>,
    workload: &day2_model::ObjRef,
) -> Option<Hypothesis> {
    let service_port = u16::try_from(sp.port).ok()?;
    let mut ports = vec![service_port];
    match &sp.target_port {
        Some(IntOrString::Int(t)) => ports.extend(u16::try_from(*t).ok()),
        Some(IntOrString::String(_)) => {
            ports.extend(backends.first().and_then(|b| model::target_port(sp, b)))
        }
        None => {}
    }
    ports.dedup();
    let (_, protocol) = LINKERD_OPAQUE.iter().find(|(p, _)| ports.contains(p))?;
    // From 2.10 the install makes these ports opaque unless told otherwise.
    if version.is_some_and(|v| v >= (2, 10)) {
        return None;
    }
    if linkerd_exempt(a, client, svc, backends, &ports) {
        return None;
    }
    let (ns, name) = (svc.ns_or_default(), svc.name());
    let p = service_port;
    Some(
        Hypothesis::new(
            80,
            Loop::Network,
            svc.objref(),
            format!(
                "{workload}'s connections to Service {ns}/{name} port {p} ({protocol}) fail through its Linkerd proxy, and the port is neither opaque nor skipped{}: the proxy detects the protocol of each connection it carries, which a server-first protocol or a pool of idle connections does not survive",
                version
                    .map(|(x, y)| format!(" (Linkerd {x}.{y}, which marks no port opaque by default)"))
                    .unwrap_or_default()
            ),
        )
        .fix(format!(
            "Mark the port opaque: `kubectl annotate service -n {ns} {name} config.linkerd.io/opaque-ports={p}` (and the same annotation on the server's pod template), or skip it in the clients' proxies (`config.linkerd.io/skip-outbound-ports: \"{p}\"` on {workload}'s pod template); then restart the clients. Linkerd 2.10 and later make {protocol}'s port opaque by default."
        )),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn port_lists_and_proxy_versions() {
        assert!(super::listed("25,587, 6379", 6379));
        assert!(super::listed("4000-4100", 4010));
        assert!(!super::listed("4000-4100,80", 6379));
        assert_eq!(
            super::proxy_version(Some("ghcr.io/linkerd/proxy:stable-2.9.0")),
            Some((2, 9))
        );
        assert_eq!(
            super::proxy_version(Some("docker.io/istio/proxyv2:1.1.5")),
            Some((1, 1))
        );
        assert_eq!(
            super::proxy_version(Some("cr.l5d.io/linkerd/proxy:edge-21.1.3")),
            None
        );
    }
}
