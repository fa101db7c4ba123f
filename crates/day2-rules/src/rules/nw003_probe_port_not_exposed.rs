//! NW003: probes that check a port the container does not declare.

use crate::reads;
use crate::util::{containers, probe_port};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub static META: RuleMeta = RuleMeta {
    code: "NW003",
    name: "probe-port-not-exposed",
    loop_: Loop::Network,
    reads: reads::TEMPLATES,
    severity: Severity::High,
    summary: "Liveness, readiness or startup probe targets a port name the container does not define",
    law: law::NETWORK,
    rationale: "A probe's named port is resolved against the container's own `ports`; a name that is not \
there makes every probe fail (`port name … not found`): the container is never ready (no endpoints, \
503s) or is killed in a loop by liveness (CrashLoopBackOff) — high. A numeric port is probed whether \
declared or not: `ports` is informational, and probing an undeclared port is valid and common (ingress-nginx \
probes its health port 10254, which it does not list, on purpose), so numbers are not reported.\n\n**Differs from peers.** \
KubeLinter `liveness-port`, `readiness-port` and `startup-port` also report numeric ports missing from \
`ports`; the kubelet probes a number whether or not it is declared, so day2 judges port names only.",
    fix: Fix::generic(
        "Point the probe at a port the container declares, preferably by name (`port: http`), so renumbering the port keeps probe and Service in step.",
    ),
    sources: "Same on every source (pod templates of every workload). Probes of another `host`, exec probes and numeric ports are not judged.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW003/fire.yaml"),
        silent: include_str!("../../fixtures/NW003/silent.yaml"),
    },
    peers: &["KubeLinter liveness-port, readiness-port, startup-port"],
};

pub struct ProbePortNotExposed;

impl Rule for ProbePortNotExposed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        for w in cx.workloads() {
            for c in containers(w.spec) {
                let ports: Vec<_> = c.c.ports.iter().flatten().collect();
                for (kind, field, probe) in [
                    ("liveness", "livenessProbe", &c.c.liveness_probe),
                    ("readiness", "readinessProbe", &c.c.readiness_probe),
                    ("startup", "startupProbe", &c.c.startup_probe),
                ] {
                    let Some(port) = probe.as_ref().and_then(probe_port) else {
                        continue;
                    };
                    // A number is probed whether declared or not (see the rationale).
                    let IntOrString::String(name) = &port else {
                        continue;
                    };
                    if ports
                        .iter()
                        .any(|p| p.name.as_deref() == Some(name.as_str()))
                    {
                        continue;
                    }
                    let message = format!(
                        "{kind} probe of {} `{}` targets port name `{name}`, which the container does not define: the probe always fails",
                        c.role(),
                        c.c.name
                    );
                    sink.report_with(
                        Target::workload(&w),
                        message,
                        Some(&w.ptr(&format!("{}/{field}", c.pointer))),
                        None,
                        None,
                    );
                }
            }
        }
    }
}
