//! NW008: Service target ports that the selected pods do not expose.

use crate::reads::{self, K};
use crate::util::{
    ios, spec_declares_ports, spec_has_port_name, spec_has_port_number, target_port, wname,
};
use crate::{Context, Fix, Fixtures, Rule, RuleMeta, Sink, Target, law};
use day2_model::{Loop, Severity};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub static META: RuleMeta = RuleMeta {
    code: "NW008",
    name: "service-target-port-not-exposed",
    loop_: Loop::Network,
    reads: reads::TEMPLATES.with(&[K::Service]),
    severity: Severity::High,
    summary: "Service `targetPort` names a port the selected pods do not define (or a number none declares)",
    law: law::NETWORK,
    rationale: "The endpoints controller resolves a named `targetPort` on each selected pod; a pod without a \
container port of that name is left out of the endpoints. When no selected pod has it, the Service has \
no endpoints for that port (high): 503s at the ingress, connection refused in-cluster — while every pod \
is Running and Ready. When only some selected workloads have it, traffic silently skips the others \
(medium). A numeric `targetPort` is forwarded as is; when the pods declare their ports and none is that \
number, traffic almost certainly goes to a closed port (medium).\n\n**Differs from peers.** \
kube-score's optional `container-ports-check` judges container port names on their own; day2 judges \
only the ports that Services target.",
    fix: Fix::generic(
        "Name the container port and use the same name as the Service's `targetPort` (`ports: [{name: http, containerPort: 8080}]` and `targetPort: http`), so the two cannot drift apart.",
    ),
    sources: "Same on every source: Services are matched to the pod templates in the input. Services with no matching pod are reported by NW007, not here.",
    fixtures: Fixtures {
        fire: include_str!("../../fixtures/NW008/fire.yaml"),
        silent: include_str!("../../fixtures/NW008/silent.yaml"),
    },
    peers: &[
        "KubeLinter invalid-target-ports (partial: port-name syntax)",
        "kube-score container-ports-check (optional, partial)",
    ],
};

pub struct ServiceTargetPortNotExposed;

impl Rule for ServiceTargetPortNotExposed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, sink: &mut Sink<'_>) {
        let index = cx.workload_index();
        let services = cx.service_index();
        for (s, matched) in &services.services {
            if matched.is_empty() {
                continue;
            }
            let workloads: Vec<_> = matched.iter().map(|i| &index.all[*i]).collect();
            for (pi, p) in s
                .spec
                .iter()
                .flat_map(|sp| sp.ports.iter().flatten())
                .enumerate()
            {
                let target = target_port(p);
                let (message, severity) = match &target {
                    IntOrString::String(name) => {
                        let missing: Vec<String> = workloads
                            .iter()
                            .filter(|w| !spec_has_port_name(w.spec, name))
                            .map(|w| wname(w))
                            .collect();
                        if missing.is_empty() {
                            continue;
                        }
                        if missing.len() == workloads.len() {
                            (
                                format!(
                                    "Service {} port {} targets port name `{name}`, which no selected pod defines ({}): no endpoints for this port",
                                    s.name(),
                                    p.port,
                                    missing.join(", ")
                                ),
                                Severity::High,
                            )
                        } else {
                            (
                                format!(
                                    "Service {} port {} targets port name `{name}`, which {} do not define: their pods get no traffic on it",
                                    s.name(),
                                    p.port,
                                    missing.join(", ")
                                ),
                                Severity::Medium,
                            )
                        }
                    }
                    IntOrString::Int(n) => {
                        let declaring: Vec<_> = workloads
                            .iter()
                            .filter(|w| spec_declares_ports(w.spec))
                            .collect();
                        if declaring.is_empty()
                            || declaring.iter().any(|w| spec_has_port_number(w.spec, *n))
                        {
                            continue;
                        }
                        (
                            format!(
                                "Service {} port {} forwards to {} but the selected pods declare no such container port",
                                s.name(),
                                p.port,
                                ios(&target)
                            ),
                            Severity::Medium,
                        )
                    }
                };
                sink.report_with(
                    Target::of(*s),
                    message,
                    Some(&format!("/spec/ports/{pi}/targetPort")),
                    None,
                    Some(severity),
                );
            }
        }
    }
}
