//! Container ports and probes, and values scaled against a replica count.

use k8s_openapi::api::core::v1::{Container, ContainerPort, PodSpec, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The ports a container serves: (number, name, protocol).
pub fn container_ports(c: &Container) -> impl Iterator<Item = &ContainerPort> {
    c.ports.iter().flatten()
}

/// Whether any container of the spec declares a port with this name.
pub fn spec_has_port_name(spec: &PodSpec, name: &str) -> bool {
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(container_ports)
        .any(|p| p.name.as_deref() == Some(name))
}

/// Whether any container of the spec declares this port number.
pub fn spec_has_port_number(spec: &PodSpec, number: i32) -> bool {
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(container_ports)
        .any(|p| p.container_port == number)
}

/// Whether any container of the spec declares any port.
pub fn spec_declares_ports(spec: &PodSpec) -> bool {
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .any(|c| c.ports.as_ref().is_some_and(|p| !p.is_empty()))
}

/// The port a probe checks: an `IntOrString` for HTTP/TCP, a number for gRPC.
/// `None` for exec probes and HTTP probes of another host.
pub fn probe_port(p: &Probe) -> Option<IntOrString> {
    if let Some(h) = &p.http_get {
        if h.host.as_deref().is_some_and(|h| !h.is_empty()) {
            return None;
        }
        return Some(h.port.clone());
    }
    if let Some(t) = &p.tcp_socket {
        if t.host.as_deref().is_some_and(|h| !h.is_empty()) {
            return None;
        }
        return Some(t.port.clone());
    }
    p.grpc.as_ref().map(|g| IntOrString::Int(g.port))
}

/// `IntOrString` for messages.
pub fn ios(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// An `IntOrString` count or percentage scaled against `total`, rounded up
/// or down as the controllers do. `None` for malformed values.
pub fn scaled(v: &IntOrString, total: i64, round_up: bool) -> Option<i64> {
    match v {
        IntOrString::Int(i) => Some(i64::from(*i)),
        IntOrString::String(s) => match s.strip_suffix('%') {
            Some(p) => {
                let pct: i64 = p.trim().parse().ok()?;
                let num = pct * total;
                Some(if round_up {
                    (num + 99).div_euclid(100)
                } else {
                    num.div_euclid(100)
                })
            }
            None => s.trim().parse().ok(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_values_round_like_the_controllers() {
        let pct = |s: &str| IntOrString::String(s.into());
        assert_eq!(scaled(&pct("25%"), 3, true), Some(1));
        assert_eq!(scaled(&pct("25%"), 3, false), Some(0));
        assert_eq!(scaled(&pct("90%"), 3, true), Some(3));
        assert_eq!(scaled(&IntOrString::Int(2), 3, true), Some(2));
        assert_eq!(scaled(&pct("x%"), 3, true), None);
    }
}
