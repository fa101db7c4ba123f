//! A Service port whose named `targetPort` resolves to no port of its
//! ready pods: the endpoints controller finds a port by name and protocol
//! (`podutil.FindPort`), and leaves out every pod that declares none.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::service::selected_pods;
use crate::symptoms::{Detected, Subject};
use day2_model::pod::Pod;
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::Service;

/// A named targetPort no selected pod declares: the endpoints controller skips those pods.
pub fn port_mismatch<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Service(svc) = d.subject else {
        return vec![];
    };
    port_hypothesis(a, svc).into_iter().collect()
}

pub(crate) fn port_hypothesis(a: &Analysis<'_>, svc: &Res<Service>) -> Option<Hypothesis> {
    let pods = selected_pods(a, svc);
    let ready: Vec<&&Res<Pod>> = pods.iter().filter(|p| model::is_ready(p)).collect();
    if ready.is_empty() {
        return None;
    }
    let ports = svc.spec.as_ref()?.ports.as_ref()?;
    for p in ports {
        let Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(name)) =
            &p.target_port
        else {
            continue;
        };
        let declared = ready.iter().any(|pod| {
            pod.spec
                .as_ref()
                .is_some_and(|s| model::declares_port_name(s, name))
        });
        // The endpoints controller resolves a named port by name and
        // protocol (`podutil.FindPort`): the name on a port of another
        // protocol is no match.
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        let other_protocol = ready.iter().find_map(|pod| {
            pod.spec.as_ref()?.containers.iter().find_map(|c| {
                c.ports.iter().flatten().find(|cp| {
                    cp.name.as_deref() == Some(name.as_str())
                        && cp.protocol.as_deref().unwrap_or("TCP") != proto
                })
            })
        });
        if let Some(cp) = other_protocol
            && !ready.iter().any(|pod| {
                pod.spec.as_ref().is_some_and(|s| {
                    s.containers
                        .iter()
                        .flat_map(|c| c.ports.iter().flatten())
                        .any(|x| {
                            x.name.as_deref() == Some(name.as_str())
                                && x.protocol.as_deref().unwrap_or("TCP") == proto
                        })
                })
            })
        {
            let theirs = cp.protocol.as_deref().unwrap_or("TCP");
            return Some(
                Hypothesis::new(
                    86,
                    Loop::Network,
                    svc.objref(),
                    format!("Service {} port {} ({proto}) targets port name {name:?}, and the container port of that name on its ready pods is {theirs}: a named targetPort resolves only to a container port of the same protocol, so the port gets no endpoints", svc.name(), p.port),
                )
                .fix(format!("Declare a {proto} container port for it in the pod template (`ports: [{{name: {name}-{}, containerPort: {}, protocol: {proto}}}]`) and target that name, or set the Service's `targetPort: {}`.", proto.to_ascii_lowercase(), cp.container_port, cp.container_port)),
            );
        }
        if !declared {
            return Some(
                Hypothesis::new(
                    86,
                    Loop::Network,
                    svc.objref(),
                    format!("Service {} targets port name {name:?}, which none of its {} ready pod(s) declare: the endpoints controller leaves them out", svc.name(), ready.len()),
                )
                .rule(a.findings.rule_on("NW008", &svc.objref()).map(|f| &*f.rule))
                .fix(match listening_port(&ready, p.port) {
                    Some((container, port)) => format!("Container {container} serves on {port}: declare it under the name in the pod template (`ports: [{{name: {name}, containerPort: {port}}}]`), or set the Service's `targetPort: {port}`."),
                    None => format!("Name the container port `{name}` in the pod template, or set `targetPort` to the container's port number/name."),
                }),
            );
        }
    }
    None
}

/// The container of `pods` that serves on the Service's own `port` number:
/// one declaring it as a containerPort, or one whose arguments bind it
/// (`--metrics-bind-address=:8443`, `--port=8443`). The number a named
/// targetPort that resolves to nothing most likely meant.
fn listening_port(pods: &[&&Res<Pod>], port: i32) -> Option<(String, i32)> {
    let containers = || {
        pods.iter()
            .filter_map(|p| p.spec.as_ref())
            .flat_map(|s| s.containers.iter())
    };
    let declared =
        containers().find(|c| c.ports.iter().flatten().any(|cp| cp.container_port == port));
    let bound = || {
        containers().find(|c| {
            c.args.iter().chain(c.command.iter()).flatten().any(|a| {
                a.strip_prefix("--").is_some_and(|flag| {
                    let value = flag.split_once('=').map_or("", |(_, v)| v);
                    value.rsplit(':').next() == Some(port.to_string().as_str())
                })
            })
        })
    };
    declared.or_else(bound).map(|c| (c.name.clone(), port))
}
