//! NW014: probes that speak TCP to a port the container declares only for UDP or SCTP.

use crate::reads;
use crate::util::{containers, probe_port};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use k8s_openapi::api::core::v1::{ContainerPort, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub static META: RuleMeta = RuleMeta {
    code: "NW014",
    name: "probe-port-protocol-mismatch",
    loop_: Loop::Network,
    reads: reads::TEMPLATES,
    severity: Severity::High,
    summary: "HTTP, TCP or gRPC probe targets a port the container declares only as UDP or SCTP",
    law: law::NETWORK,
    rationale: "The kubelet's `httpGet`, `tcpSocket` and `grpc` probes open a TCP connection. A port the \
container declares as `protocol: UDP` (a DNS server, a syslog or StatsD receiver, QUIC) or SCTP has \
nothing listening on TCP unless the same number is also declared for TCP: every probe fails, so the \
container is never ready (readiness: no endpoints) or is restarted in a loop (liveness: \
CrashLoopBackOff). A port declared for both TCP and UDP (DNS on 53) is fine.",
    fix: Fix::generic(
        "Probe a TCP port the process serves (a health endpoint), or use an `exec` probe that speaks the UDP protocol (`dig`, `nc -u`); declare the port for TCP too if the process listens on both.",
    ),
    sources: "Same on every source (pod templates of every workload). Ports are matched by name, or by number among the container's declared ports; probes of ports the container does not declare are not judged.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW014/fire.yaml"),
        silent: include_str!("../../fixtures/NW014/silent.yaml"),
    },
    peers: &[],
};

/// The kind of a TCP-based probe of the pod's own address, and its port.
fn tcp_probe(p: &Probe) -> Option<(&'static str, IntOrString)> {
    let how = if p.http_get.is_some() {
        "HTTP"
    } else if p.tcp_socket.is_some() {
        "TCP"
    } else {
        "gRPC"
    };
    probe_port(p).map(|port| (how, port))
}

fn protocol(p: &ContainerPort) -> &str {
    p.protocol.as_deref().unwrap_or("TCP")
}

pub struct ProbePortProtocolMismatch;

impl Rule for ProbePortProtocolMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            for c in containers(w.spec) {
                let ports: Vec<&ContainerPort> = c.c.ports.iter().flatten().collect();
                for (kind, field, probe) in [
                    ("liveness", "livenessProbe", &c.c.liveness_probe),
                    ("readiness", "readinessProbe", &c.c.readiness_probe),
                    ("startup", "startupProbe", &c.c.startup_probe),
                ] {
                    let Some((how, port)) = probe.as_ref().and_then(tcp_probe) else {
                        continue;
                    };
                    let number = match &port {
                        IntOrString::Int(n) => Some(*n),
                        IntOrString::String(name) => ports
                            .iter()
                            .find(|p| p.name.as_deref() == Some(name.as_str()))
                            .map(|p| p.container_port),
                    };
                    let Some(number) = number else {
                        continue;
                    };
                    let declared: Vec<&str> = ports
                        .iter()
                        .filter(|p| p.container_port == number)
                        .map(|p| protocol(p))
                        .collect();
                    if declared.is_empty() || declared.contains(&"TCP") {
                        continue;
                    }
                    sink.report(
                        Target::workload(&w),
                        format!(
                            "{kind} probe of {} `{}` uses {how} on port {} but the container declares that port only as {}: nothing answers on TCP and the probe always fails",
                            c.role(),
                            c.c.name,
                            match &port {
                                IntOrString::String(name) => format!("`{name}` ({number})"),
                                IntOrString::Int(n) => n.to_string(),
                            },
                            declared.join("/")
                        ),
                        Some(&w.ptr(&format!("{}/{field}", c.pointer))),
                    );
                }
            }
        }
    }
}
