//! NW002: readiness and liveness probes that check the same thing.

use crate::reads;
use crate::util::{containers, ios};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use k8s_openapi::api::core::v1::Probe;

pub static META: RuleMeta = RuleMeta {
    code: "NW002",
    name: "readiness-same-as-liveness",
    loop_: Loop::Network,
    reads: reads::TEMPLATES,
    severity: Severity::Medium,
    summary: "Readiness and liveness probes use the same check",
    law: law::NETWORK,
    rationale: "\"Wrong probes = load balancer sending traffic to dead pods.\" Readiness answers \"should I \
get traffic?\", liveness answers \"should I be killed?\". When both run the same check, the moment a \
dependency slows down (the database, a downstream API) every replica fails readiness *and* liveness: \
instead of shedding load for a few seconds, the kubelet restarts all of them, the Service has no \
endpoints, and a blip becomes an outage (a restart storm, 502s at the ingress). Two probes are the same \
when they use the same handler: HTTP path, port, scheme, host and headers; TCP port; gRPC port and \
service; or exec command.",
    fix: Fix::generic(
        "Make liveness check only that the process is alive (a cheap `/livez` that does not touch dependencies, with a generous `failureThreshold`), and readiness check that it can serve (`/readyz`, dependencies included).",
    ),
    sources: "Same on every source (pod templates of every workload).",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW002/fire.yaml"),
        silent: include_str!("../../fixtures/NW002/silent.yaml"),
    },
    peers: &["kube-score pod-probes-identical"],
};

/// A probe's handler, for comparison.
fn handler(p: &Probe) -> Option<String> {
    if let Some(h) = &p.http_get {
        let headers: Vec<String> = h
            .http_headers
            .iter()
            .flatten()
            .map(|x| format!("{}={}", x.name, x.value))
            .collect();
        return Some(format!(
            "http {} {} {} {} {}",
            h.scheme.as_deref().unwrap_or("HTTP"),
            h.host.as_deref().unwrap_or(""),
            ios(&h.port),
            h.path.as_deref().unwrap_or("/"),
            headers.join(",")
        ));
    }
    if let Some(t) = &p.tcp_socket {
        return Some(format!(
            "tcp {} {}",
            t.host.as_deref().unwrap_or(""),
            ios(&t.port)
        ));
    }
    if let Some(g) = &p.grpc {
        return Some(format!(
            "grpc {} {}",
            g.port,
            g.service.as_deref().unwrap_or("")
        ));
    }
    p.exec
        .as_ref()
        .map(|e| format!("exec {}", e.command.as_deref().unwrap_or(&[]).join("\u{0}")))
}

fn describe(p: &Probe) -> String {
    if let Some(h) = &p.http_get {
        format!(
            "HTTP GET {} on port {}",
            h.path.as_deref().unwrap_or("/"),
            ios(&h.port)
        )
    } else if let Some(t) = &p.tcp_socket {
        format!("TCP port {}", ios(&t.port))
    } else if let Some(g) = &p.grpc {
        format!("gRPC port {}", g.port)
    } else {
        "the same command".to_owned()
    }
}

pub struct ReadinessSameAsLiveness;

impl Rule for ReadinessSameAsLiveness {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            for c in containers(w.spec) {
                let (Some(r), Some(l)) = (&c.c.readiness_probe, &c.c.liveness_probe) else {
                    continue;
                };
                let (Some(hr), Some(hl)) = (handler(r), handler(l)) else {
                    continue;
                };
                if hr != hl {
                    continue;
                }
                sink.report(
                    Target::workload(&w),
                    format!(
                        "{} `{}` uses {} for both readiness and liveness: a slow dependency restarts every replica instead of taking them out of rotation",
                        c.role(),
                        c.c.name,
                        describe(r)
                    ),
                    Some(&w.ptr(&format!("{}/livenessProbe", c.pointer))),
                );
            }
        }
    }
}
