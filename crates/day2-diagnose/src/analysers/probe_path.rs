//! Readiness probes the kubelet cannot even connect with, seen from the
//! Service or StatefulSet that waits for the pods: the kubelet dials the
//! pod from its own node, and a connection that never opens (`dial tcp
//! 10.42.1.21:5432: i/o timeout`, `request canceled while waiting for
//! connection`) is no slow application but the path from the node to the
//! pod. The same two readings as for a failing probe
//! ([`super::probe_policy`]): a policy that leaves the node out on a CNI
//! that applies it to the host's traffic (antrea-io/antrea#176), or a node
//! that reaches none of its pods, here already when one other workload's
//! pods there time out too, as this pod's probe never connected
//! (rancher/rke2#3914).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::symptoms::{Detected, Subject};
use day2_model::{Pod, Res};

/// Whether a probe failure says the connection never opened.
fn never_connected(msg: &str) -> bool {
    (msg.contains("dial tcp") && msg.contains("i/o timeout"))
        || msg.contains("request canceled while waiting for connection")
}

/// The port a probe failure names (`http://10.0.0.1:81/x`, `dial tcp 10.0.0.1:5432:`).
fn port_of(msg: &str) -> Option<u16> {
    let (_, rest) = msg
        .split_once("://")
        .or_else(|| msg.split_once("dial tcp "))?;
    let host_port = rest.split(['/', ' ', '"']).next()?.trim_end_matches(':');
    host_port.rsplit_once(':')?.1.parse().ok()
}

fn symptom_pods<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<&'c Res<Pod>> {
    match d.subject {
        Subject::Service(s) => crate::symptoms::service::selected_pods(a, s),
        Subject::StatefulSet(s) => a
            .cluster
            .pods_of("StatefulSet", s.ns_or_default(), s.name()),
        _ => vec![],
    }
}

pub fn unreached<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    for pod in symptom_pods(a, d) {
        let Some(port) = a
            .cluster
            .events_for_obj(pod)
            .into_iter()
            .filter(|e| e.reason == "Unhealthy" && never_connected(&e.message))
            .find_map(|e| port_of(&e.message))
        else {
            continue;
        };
        // The container that listens on the probed port, else the first.
        let container = pod
            .spec
            .as_ref()
            .and_then(|s| {
                s.containers
                    .iter()
                    .find(|c| {
                        c.ports
                            .iter()
                            .flatten()
                            .any(|p| p.container_port == i32::from(port))
                    })
                    .or_else(|| s.containers.first())
            })
            .map(|c| c.name.as_str())
            .unwrap_or_default();
        if let Some(h) =
            super::probe_policy::node_denied(a, pod, Some(i32::from(port)), "readiness", container)
                .or_else(|| {
                    super::probe_policy::node_wide_timeouts(a, pod, "readiness", container, 1)
                })
        {
            return vec![h];
        }
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn how_far_a_probe_got() {
        assert!(never_connected(
            "Readiness probe failed: dial tcp 10.42.1.21:5432: i/o timeout"
        ));
        assert!(never_connected(
            "Get http://10.10.1.14:81/healthz: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)"
        ));
        assert!(!never_connected(
            "Get \"http://10.42.0.4:8181/ready\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
        ));
        assert_eq!(
            port_of("Get http://10.10.1.14:81/healthz: net/http"),
            Some(81)
        );
        assert_eq!(port_of("dial tcp 10.42.1.21:5432: i/o timeout"), Some(5432));
    }
}
