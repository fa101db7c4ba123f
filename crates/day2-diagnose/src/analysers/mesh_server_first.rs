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
fn serves(p: &k8s_openapi::api::core::v1::ServicePort, port: u16) -> bool {
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

pub fn server_first<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    if !sidecar(pod) {
        return vec![];
    }
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
    let sp = svc
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_ref())
        .and_then(|ps| ps.iter().find(|p| serves(p, port)));
    let declared = sp.is_some_and(|p| {
        p.app_protocol.is_some()
            || p.name.as_deref().is_some_and(|n| {
                let head = n.split('-').next().unwrap_or(n);
                DECLARED.contains(&head)
            })
    });
    if declared {
        return vec![];
    }
    let name = sp
        .and_then(|p| p.name.clone())
        .unwrap_or_else(|| "(unnamed)".to_owned());
    let ns = svc.ns_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    vec![
        Hypothesis::new(
            82,
            Loop::Network,
            svc.objref(),
            format!(
                "{workload} reads nothing from {ip}:{port} ({protocol}, Service {ns}/{}) and times out: its Istio sidecar does not know the port's protocol (port `{name}` has no protocol prefix and no appProtocol), so it waits for the client's first bytes to guess it, while {protocol}'s server speaks first",
                svc.name()
            ),
        )
        .fix(format!(
            "Declare the port's protocol in Service {ns}/{}: name it `tcp-{name}` (or set `appProtocol: tcp`), as Istio asks for server-first protocols; or keep the sidecar out of that traffic (`traffic.sidecar.istio.io/excludeOutboundPorts: \"{port}\"` on {workload}'s pods, `excludeInboundPorts` on the server's). The client reconnects on its own.",
            svc.name()
        ))
        .link(Link::new(
            Loop::Network,
            None,
            pod.objref(),
            format!("runs an istio-proxy sidecar; its read from {ip}:{port} timed out"),
        )),
    ]
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
