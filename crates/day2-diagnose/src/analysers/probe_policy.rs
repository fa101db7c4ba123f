//! A probe that times out because a NetworkPolicy leaves the node out: the
//! kubelet probes from the node's own address, and a policy selecting the
//! pod whose ingress rules admit only pods and namespaces (no `ipBlock` for
//! the nodes) drops those probes on CNIs that apply policies to traffic
//! from the host (Azure NPM; Calico and Cilium let the node through by
//! default). Azure/AKS#1563: metrics-server behind a kube-system
//! "zero-trust" policy, killed by its liveness probe.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::netpol::{Direction, Peer, Port, evaluate};
use day2_model::{Loop, Pod, Res};
use std::net::IpAddr;

/// The policy that keeps the kubelet's probes from `port` of `pod`.
pub fn node_denied(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    port: Option<i32>,
    kind: &str,
    container: &str,
) -> Option<Hypothesis> {
    // Calico's and Cilium's agents let a node reach its own pods whatever
    // the policies say.
    let exempting = a
        .cluster
        .daemon_sets
        .iter()
        .any(|d| matches!(d.name(), "calico-node" | "cilium"));
    if exempting {
        return None;
    }
    let port = u16::try_from(port?).ok()?;
    let node = a.cluster.node(crate::model::node_name(pod)?)?;
    let ip: IpAddr = day2_model::topology::internal_ip(node)?.parse().ok()?;
    let verdict = evaluate(
        a.cluster,
        pod,
        Direction::Ingress,
        Peer::Ip(ip),
        Port::tcp(port),
    );
    if verdict.allowed() {
        return None;
    }
    let policy = verdict.denier(Direction::Ingress)?;
    let (ns, name) = (policy.ns_or_default(), policy.name());
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            policy.objref(),
            format!(
                "NetworkPolicy {ns}/{name} selects {} and admits no traffic from its node's address {ip} on port {port}, where the kubelet's {kind} probe of container {container} comes from: on CNIs that apply policies to traffic from the host (Azure NPM among them) the probes are dropped and time out",
                pod.name()
            ),
        )
        .fix(format!(
            "Let the nodes reach the pod: add an ingress rule to NetworkPolicy {ns}/{name} with an `ipBlock` for the node subnet (here {ip}) on port {port}, or leave {} out of the policy's podSelector; then check the probe passes (`kubectl describe pod -n {} {}`).",
            pod.name(),
            pod.ns_or_default(),
            pod.name()
        )),
    )
}
