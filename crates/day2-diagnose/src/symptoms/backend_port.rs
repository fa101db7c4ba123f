//! A backend Service that sends traffic to a port its Ready pods do not
//! serve: its `targetPort` is a number that none of the selected pods
//! declares, while every one of them declares the ports it listens on. The
//! endpoints controller lists the pods all the same (a numeric target needs
//! no declaration), so the Service has Ready endpoints and the connection
//! is refused: ingress-nginx logs `connect() failed (111: Connection
//! refused) while connecting to upstream` and answers 502.

use super::service;
use crate::analysis::Analysis;
use day2_model::{Pod, Res};
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The Service port `port` (a name or number; the first port when `None`)
/// sends to a numeric target none of its Ready pods declares.
pub struct Unserved<'c> {
    pub target: i32,
    /// The Ready pods the Service selects.
    pub pods: Vec<&'c Res<Pod>>,
    /// The ports those pods declare, ascending, without repeats.
    pub declared: Vec<i32>,
}

fn declared_ports(pod: &Pod) -> impl Iterator<Item = i32> + '_ {
    pod.spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| p.container_port)
}

/// Whether the pod declares container port `n`.
pub fn declares(pod: &Pod, n: i32) -> bool {
    declared_ports(pod).any(|p| p == n)
}

/// The Service port a backend names (by name or number), or the first.
pub fn service_port<'s>(
    svc: &'s k8s_openapi::api::core::v1::Service,
    port: Option<&str>,
) -> Option<&'s k8s_openapi::api::core::v1::ServicePort> {
    let ports = svc.spec.as_ref()?.ports.as_ref()?;
    match port {
        Some(p) => ports
            .iter()
            .find(|sp| sp.name.as_deref() == Some(p) || sp.port.to_string() == p),
        None => ports.first(),
    }
}

pub fn unserved<'c>(
    a: &Analysis<'c>,
    svc: &'c Res<Service>,
    port: Option<&str>,
) -> Option<Unserved<'c>> {
    let sp = service_port(svc, port)?;
    let target = match sp.target_port.as_ref() {
        None => sp.port,
        Some(IntOrString::Int(n)) => *n,
        Some(IntOrString::String(_)) => return None,
    };
    let pods: Vec<&Res<Pod>> = service::selected_pods(a, svc)
        .into_iter()
        .filter(|p| crate::model::is_ready(p))
        .collect();
    let mut declared = Vec::new();
    for p in &pods {
        let before = declared.len();
        declared.extend(declared_ports(p));
        if declared.len() == before {
            // A pod that declares nothing may serve any port.
            return None;
        }
    }
    if pods.is_empty() || declared.contains(&target) {
        return None;
    }
    declared.sort_unstable();
    declared.dedup();
    Some(Unserved {
        target,
        pods,
        declared,
    })
}

/// A backend Service port whose `targetPort` is a name none of the selected
/// Ready pods declares: the endpoints controller leaves the pods out of
/// that port, so it has no endpoint while the Service's other ports do
/// (clickvisual-io/clickvisual#414). The name, the pods, and the ports they
/// declare as `name/number`.
pub struct Unnamed<'c> {
    pub name: &'c str,
    pub pods: Vec<&'c Res<Pod>>,
    pub declared: Vec<String>,
}

pub fn unnamed<'c>(
    a: &Analysis<'c>,
    svc: &'c Res<Service>,
    port: Option<&str>,
) -> Option<Unnamed<'c>> {
    let sp = service_port(svc, port)?;
    let Some(IntOrString::String(name)) = sp.target_port.as_ref() else {
        return None;
    };
    let pods: Vec<&Res<Pod>> = service::selected_pods(a, svc)
        .into_iter()
        .filter(|p| crate::model::is_ready(p))
        .collect();
    if pods.is_empty()
        || pods
            .iter()
            .any(|p| crate::model::target_port(sp, p).is_some())
    {
        return None;
    }
    let mut declared: Vec<String> = pods
        .iter()
        .flat_map(|p| p.spec.iter().flat_map(|s| s.containers.iter()))
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| match &p.name {
            Some(n) => format!("{n}/{}", p.container_port),
            None => p.container_port.to_string(),
        })
        .collect();
    declared.sort();
    declared.dedup();
    Some(Unnamed {
        name: name.as_str(),
        pods,
        declared,
    })
}
