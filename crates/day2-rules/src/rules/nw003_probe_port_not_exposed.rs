//! NW003: probes that check a port the container does not declare.

use crate::util::{container_role, containers, probe_port};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub static META: RuleMeta = RuleMeta {
    code: "NW003",
    name: "probe-port-not-exposed",
    loop_: Loop::Network,
    severity: Severity::High,
    summary: "Liveness, readiness or startup probe targets a port name the container does not define (or a number it does not declare)",
    law: law::NETWORK,
    rationale: "A probe's named port is resolved against the container's own `ports`; a name that is not \
there makes every probe fail (`port name … not found`): the container is never ready (no endpoints, \
503s) or is killed in a loop by liveness (CrashLoopBackOff) — high. A numeric port is probed whether \
declared or not, but when the container declares its ports and the probe's number is not among them the \
probe is almost always checking the wrong port (a renumbered app, a copy-pasted manifest) — medium.",
    fix: Fix::generic(
        "Point the probe at a port the container declares, preferably by name (`port: http`), so renumbering the port keeps probe and Service in step.",
    ),
    sources: "Same on every source (pod templates of every workload). Probes of another `host` and exec probes are skipped; numeric ports are judged only on containers that declare ports.",
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
                    let (message, severity) = match &port {
                        IntOrString::String(name) => {
                            if ports
                                .iter()
                                .any(|p| p.name.as_deref() == Some(name.as_str()))
                            {
                                continue;
                            }
                            (
                                format!(
                                    "{kind} probe of {} `{}` targets port name `{name}`, which the container does not define: the probe always fails",
                                    container_role(&c),
                                    c.c.name
                                ),
                                Severity::High,
                            )
                        }
                        IntOrString::Int(n) => {
                            if ports.is_empty() || ports.iter().any(|p| p.container_port == *n) {
                                continue;
                            }
                            let declared: Vec<String> =
                                ports.iter().map(|p| p.container_port.to_string()).collect();
                            (
                                format!(
                                    "{kind} probe of {} `{}` checks port {n} but the container declares {}",
                                    container_role(&c),
                                    c.c.name,
                                    declared.join(", ")
                                ),
                                Severity::Medium,
                            )
                        }
                    };
                    sink.report_with(
                        Target::workload(&w),
                        message,
                        Some(&w.ptr(&format!("{}/{field}", c.pointer))),
                        None,
                        Some(severity),
                    );
                }
            }
        }
    }
}
