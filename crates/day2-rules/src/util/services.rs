//! Services: the containers a Service port reaches and the port it targets.

use super::container_ports;
use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The container ports a Service port's `targetPort` reaches in a pod spec:
/// indices of the app containers serving it (by port name or number).
pub fn serving_containers(spec: &PodSpec, target: &IntOrString) -> Vec<usize> {
    spec.containers
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            container_ports(c).any(|p| match target {
                IntOrString::Int(n) => p.container_port == *n,
                IntOrString::String(s) => p.name.as_deref() == Some(s.as_str()),
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// A Service port's effective target port (`targetPort`, defaulting to `port`).
pub fn target_port(p: &k8s_openapi::api::core::v1::ServicePort) -> IntOrString {
    p.target_port.clone().unwrap_or(IntOrString::Int(p.port))
}
