//! Calico's BGP mesh that does not come up. calico-node reports it in its
//! readiness probe (`calico/node is not ready: BIRD is not ready: BGP not
//! established with 192.168.10.172,192.168.10.8`, `confd/health.go`), so
//! the symptom is a probe that fails on every calico-node while the cause
//! is the network between the nodes. Two readings, from what the cluster
//! holds:
//!
//! - a node whose Calico address (the `projectcalico.org/IPv4Address`
//!   annotation calico-node writes) is none of the node's own addresses:
//!   address autodetection (`first-found` by default) chose another
//!   interface, so the mesh peers over a network the other nodes are not
//!   on. The DaemonSet's `IP_AUTODETECTION_METHOD` is the fix
//!   (projectcalico/calico#3541);
//! - every node peers from its own address: BGP (TCP 179) between them is
//!   blocked on the path, by a firewall, a security group or a router
//!   between their subnets, which the cluster does not hold
//!   (projectcalico/calico#4059).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::core::v1::Node;

const NOT_ESTABLISHED: &str = "BGP not established with ";
const CALICO_ADDRESS: &str = "projectcalico.org/IPv4Address";

/// The peers a calico-node readiness message says it has no session with.
pub fn peers(message: &str) -> Option<Vec<&str>> {
    let (_, rest) = message.split_once(NOT_ESTABLISHED)?;
    let list = rest.split(|c: char| c.is_whitespace() || c == '"').next()?;
    let v: Vec<&str> = list
        .split(',')
        .map(|p| p.trim().trim_end_matches('.'))
        .filter(|p| !p.is_empty())
        .collect();
    (!v.is_empty()).then_some(v)
}

fn own_addresses(n: &Node) -> Vec<&str> {
    n.status
        .iter()
        .flat_map(|s| s.addresses.iter().flatten())
        .map(|a| a.address.as_str())
        .collect()
}

/// A node whose Calico address is not one of its own: (node, Calico's, the node's InternalIP).
fn misdetected(nodes: &[Res<Node>]) -> Option<(&Res<Node>, &str, &str)> {
    nodes.iter().find_map(|n| {
        let calico = n.annotation(CALICO_ADDRESS)?;
        let ip = calico.split('/').next().unwrap_or(calico);
        let own = own_addresses(n);
        if own.is_empty() || own.contains(&ip) {
            return None;
        }
        let internal = day2_model::topology::internal_ip(n).unwrap_or(own[0]);
        Some((n, ip, internal))
    })
}

pub fn mesh_down<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(e) = d
        .events_with("Unhealthy")
        .filter(|e| e.message_text().contains(NOT_ESTABLISHED))
        .last()
    else {
        return vec![];
    };
    let Some(peers) = peers(e.message_text()) else {
        return vec![];
    };
    let Some(pod) = d.pod() else { return vec![] };
    let ds = crate::model::workload_ref(a.cluster, pod);
    let link = Link::from_event(
        Loop::Network,
        e,
        format!("calico-node has no BGP session with {}", peers.join(", ")),
    );
    if let Some((node, calico, internal)) = misdetected(&a.cluster.nodes) {
        // Under the Tigera operator (its Installation in the input) the
        // DaemonSet is the operator's output: the Installation is the
        // setting to change (projectcalico/calico#8607).
        let root = a
            .cluster
            .other
            .iter()
            .find(|o| o.kind == "Installation" && o.api_version.starts_with("operator.tigera.io/"))
            .map_or_else(|| ds.clone(), |i| i.objref());
        return vec![
            Hypothesis::new(
                89,
                Loop::Network,
                root,
                format!(
                    "Calico's address autodetection chose {calico} on node {}, which is not the node's address ({internal}): the BGP mesh peers over a network the other nodes are not on, so sessions are not established",
                    node.name()
                ),
            )
            .fix(format!(
                "Tell calico-node which interface to use: set IP_AUTODETECTION_METHOD in {ds} (`kubectl set env -n {} daemonset/{} IP_AUTODETECTION_METHOD=kubernetes-internal-ip`, or `interface=<the NIC of {internal}>`, or `can-reach=<a peer address>`); on the operator, `spec.calicoNetwork.nodeAddressAutodetectionV4` of the Installation. The annotation {CALICO_ADDRESS} then shows the node's address and the mesh comes up.",
                ds.namespace.as_deref().unwrap_or("kube-system"),
                ds.name
            ))
            .link(Link::new(
                Loop::Network,
                None,
                node.objref(),
                format!("{CALICO_ADDRESS}={calico}, InternalIP {internal}"),
            ))
            .link(link),
        ];
    }
    // Every node peers from its own address: the path between them.
    let known: Vec<&str> = peers
        .iter()
        .copied()
        .filter(|p| a.cluster.nodes.iter().any(|n| own_addresses(n).contains(p)))
        .collect();
    if known.is_empty() {
        return vec![];
    }
    let from = crate::model::node_name(pod).unwrap_or("this node");
    vec![
        Hypothesis::new(
            70,
            Loop::Network,
            ObjRef::new("Node", None, from),
            format!(
                "calico-node on {from} cannot establish BGP with {} although every node peers from its own address: BGP (TCP 179) is blocked between them",
                known.join(", ")
            ),
        )
        .fix(format!(
            "Open TCP 179 (BGP) between the nodes, both ways, along the whole path from {from} to {}: host firewalls, security groups, and any router between their subnets (old routers may drop or not forward BGP). Test with `nc -zv <peer> 179` from the node. If the path cannot carry BGP, use encapsulation across subnets (IP-in-IP or VXLAN `CrossSubnet`) or a route reflector in each subnet.",
            known.join(", ")
        ))
        .missing("the network path between the nodes (firewalls, routers), not in the cluster's objects")
        .link(link)
        .unexplained(),
    ]
}

#[cfg(test)]
mod tests {
    use super::peers;

    #[test]
    fn peers_are_read_from_calicos_readiness_message() {
        let m = "Readiness probe failed: 2020-05-12 05:43:43.500 [INFO][5161] confd/health.go 177: Number of node(s) with BGP peering established = 0\ncalico/node is not ready: BIRD is not ready: BGP not established with 192.168.10.172,192.168.10.8";
        assert_eq!(peers(m), Some(vec!["192.168.10.172", "192.168.10.8"]));
        assert_eq!(
            peers(
                "calico/node is not ready: BIRD is not ready: BGP not established with 10.0.0.1\n"
            ),
            Some(vec!["10.0.0.1"])
        );
        assert_eq!(
            peers("Readiness probe failed: HTTP probe failed with statuscode: 503"),
            None
        );
    }
}
