//! Probes the kubelet cannot even connect with: the kubelet dials the pod
//! from its own node, and a connection that never opens (`dial tcp
//! 10.42.1.21:5432: i/o timeout`, `request canceled while waiting for
//! connection`) is no slow application, it is the path from the node to the
//! pod. Either a NetworkPolicy isolates the pod and its rules leave the
//! probed port out, which some CNIs apply to the kubelet's own probes
//! (antrea-io/antrea#176: a policy admitting port 80, the probe on 81), or
//! the pods of several workloads on one node all go unanswered, and the
//! node's own networking drops traffic to its pods (rancher/rke2#3914:
//! hardened hosts with `net.ipv4.conf.all.arp_ignore=2`).

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::netpol::{self, Direction, Peer, Port};
use crate::symptoms::{Detected, Subject};
use day2_model::{Loop, Pod, Res};
use std::net::IpAddr;

/// How far a failed probe got: `Some(true)` when the connection never
/// opened, `Some(false)` when it opened and the answer timed out, `None`
/// when it did not time out.
fn timed_out(msg: &str) -> Option<bool> {
    if (msg.contains("dial tcp") && msg.contains("i/o timeout"))
        || msg.contains("request canceled while waiting for connection")
    {
        return Some(true);
    }
    (msg.contains("context deadline exceeded") || msg.contains("Client.Timeout exceeded"))
        .then_some(false)
}

/// The port a probe failure names (`http://10.0.0.1:81/x`, `dial tcp 10.0.0.1:5432:`).
fn port_of(msg: &str) -> Option<u16> {
    let (_, rest) = msg
        .split_once("://")
        .or_else(|| msg.split_once("dial tcp "))?;
    let host_port = rest.split(['/', ' ', '"']).next()?.trim_end_matches(':');
    host_port.rsplit_once(':')?.1.parse().ok()
}

/// The probe timeouts of a pod: (connection never opened, port).
fn probe_timeouts(a: &Analysis<'_>, pod: &Res<Pod>) -> Vec<(bool, Option<u16>)> {
    a.cluster
        .events_for_obj(pod)
        .into_iter()
        .filter(|e| e.reason == "Unhealthy")
        .filter_map(|e| timed_out(&e.message).map(|c| (c, port_of(&e.message))))
        .collect()
}

fn symptom_pods<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<&'c Res<Pod>> {
    match d.subject {
        Subject::Pod(p) => vec![p],
        Subject::Service(s) => crate::symptoms::service::selected_pods(a, s),
        Subject::StatefulSet(s) => a
            .cluster
            .pods_of("StatefulSet", s.ns_or_default(), s.name()),
        _ => vec![],
    }
}

pub fn unreached<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    for pod in symptom_pods(a, d) {
        let timeouts = probe_timeouts(a, pod);
        let Some(&(_, port)) = timeouts.iter().find(|(connect, _)| *connect) else {
            continue;
        };
        let Some(node) = model::node_name(pod).and_then(|n| a.cluster.node(n)) else {
            continue;
        };
        // The kubelet dials from the node's address.
        let from = node
            .status
            .as_ref()
            .and_then(|s| s.addresses.as_deref())
            .into_iter()
            .flatten()
            .find(|x| x.type_ == "InternalIP")
            .and_then(|x| x.address.parse::<IpAddr>().ok());
        if let (Some(port), Some(ip)) = (port, from) {
            let v = netpol::evaluate(
                a.cluster,
                pod,
                Direction::Ingress,
                Peer::Ip(ip),
                Port::tcp(port),
            );
            if let Some(policy) = v.denier(Direction::Ingress).filter(|_| !v.allowed()) {
                let pref = policy.objref();
                return vec![Hypothesis::new(
                    80,
                    Loop::Network,
                    pref.clone(),
                    format!("the kubelet's probe of {} on port {port} never connects, and NetworkPolicy {}/{} isolates the pod for ingress without admitting port {port}: Kubernetes exempts the kubelet's probes from policies, but the CNI applies this one to them", pod.name(), policy.ns_or_default(), policy.name()),
                )
                .fix(format!("Admit the probed port in NetworkPolicy {}/{}: `ports: [{{port: {port}}}]` from the nodes (an `ipBlock` of the node network), or probe a port the policy admits; and run a CNI release that exempts the kubelet's probes (Antrea fixed this early; check the agent's version, `kubectl -n kube-system get ds antrea-agent -o wide`).", policy.ns_or_default(), policy.name()))];
            }
        }
        // Other workloads' pods on the same node, probed and unanswered too.
        let own = model::workload_ref(a.cluster, pod);
        let mut others: Vec<String> = a
            .cluster
            .pods_on_node(node.name())
            .filter(|p| p.spec.as_ref().is_none_or(|s| s.host_network != Some(true)))
            .filter(|p| !probe_timeouts(a, p).is_empty())
            .map(|p| model::workload_ref(a.cluster, p).to_string())
            .filter(|w| *w != own.to_string())
            .collect();
        others.sort();
        others.dedup();
        if others.is_empty() {
            continue;
        }
        let n = node.name();
        return vec![Hypothesis::new(
            70,
            Loop::Network,
            node.objref(),
            format!("the kubelet on node {n} cannot connect to {}'s pod {} for its probe, and its probes of {} on the same node time out too: the node does not reach its own pods", own, pod.name(), day2_model::text::short_list(&others.iter().map(String::as_str).collect::<Vec<_>>(), 3)),
        )
        .fix(format!("Look at node {n}'s own networking, outside the cluster's objects: kernel settings that make the host ignore or drop traffic to the pods' routes (a hardening profile's `net.ipv4.conf.all.arp_ignore=2` or `rp_filter=1`: `sysctl -a | grep -E 'arp_ignore|arp_announce|rp_filter'`), or a host firewall dropping traffic to the pod range (`iptables -S`, firewalld); restore the defaults and the probes pass."))
        .missing(format!("node {n}'s sysctls and firewall rules"))
        .unexplained()];
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn how_far_a_probe_got() {
        assert_eq!(
            timed_out("Readiness probe failed: dial tcp 10.42.1.21:5432: i/o timeout"),
            Some(true)
        );
        assert_eq!(
            timed_out(
                "Get http://10.10.1.14:81/healthz: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)"
            ),
            Some(true)
        );
        assert_eq!(
            timed_out(
                "Get \"http://10.42.0.4:8181/ready\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            ),
            Some(false)
        );
        assert_eq!(timed_out("HTTP probe failed with statuscode: 503"), None);
        assert_eq!(
            port_of("Get http://10.10.1.14:81/healthz: net/http"),
            Some(81)
        );
        assert_eq!(port_of("dial tcp 10.42.1.21:5432: i/o timeout"), Some(5432));
    }
}
