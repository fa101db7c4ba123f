//! An overlay whose nodes all announce one address: flannel records the
//! address it sends VXLAN traffic from in each node's
//! `flannel.alpha.coreos.com/public-ip` annotation. It takes the interface
//! of the default route unless `--iface` says otherwise, and on VirtualBox
//! and Vagrant VMs that is the NAT interface, 10.0.2.15 on every VM, so
//! every node points its peers at the same address and no packet crosses
//! nodes (flannel-io/flannel#535, kubernetes-sigs/kubespray#2114).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use day2_model::{Loop, ObjRef, Res, pod::Pod};

const PUBLIC_IP: &str = "flannel.alpha.coreos.com/public-ip";

/// The pod's node shares its overlay address with other nodes: traffic to
/// pods elsewhere goes nowhere. `what` is what the pod failed to reach.
pub(super) fn shared_public_ip(a: &Analysis<'_>, pod: &Res<Pod>, what: &str) -> Option<Hypothesis> {
    let node = a.cluster.node(model::node_name(pod)?)?;
    let ip = node.annotations().get(PUBLIC_IP)?;
    let sharing: Vec<&str> = a
        .cluster
        .nodes
        .iter()
        .filter(|n| n.annotations().get(PUBLIC_IP) == Some(ip))
        .map(|n| n.name())
        .collect();
    // Its own node's address is what the node is known by; one the others
    // share too is no node's own.
    let addresses = node
        .status
        .as_ref()
        .and_then(|s| s.addresses.as_deref())
        .unwrap_or_default();
    let own = addresses
        .iter()
        .any(|x| x.type_ == "InternalIP" && x.address == *ip);
    if sharing.len() < 2 || own {
        return None;
    }
    let agent = a.cluster.pods.iter().find(|p| {
        p.spec.as_ref().is_some_and(|s| {
            s.containers
                .iter()
                .any(|c| c.image.as_deref().is_some_and(|i| i.contains("flannel")))
        })
    });
    let target = agent
        .map(|p| model::workload_ref(a.cluster, p))
        .unwrap_or_else(|| node.objref());
    let internal = addresses
        .iter()
        .find(|x| x.type_ == "InternalIP")
        .map(|x| format!(" (its InternalIP is {})", x.address))
        .unwrap_or_default();
    let nat = if ip == "10.0.2.15" {
        " (VirtualBox's NAT address, which every Vagrant VM has on eth0)"
    } else {
        ""
    };
    let shown = sharing
        .iter()
        .take(4)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    Some(
        Hypothesis::new(
            80,
            Loop::Network,
            target.clone(),
            format!("{what}: the overlay between nodes is broken: flannel announces one public IP, {ip}{nat}, for {} nodes ({shown}), so node {}{internal} and its peers send pod traffic to an address that is no node's, and packets to pods on other nodes are lost", sharing.len(), node.name()),
        )
        .fix(format!("Start flanneld with `--iface=<the interface holding each node's InternalIP>` (`--iface=eth1` on Vagrant, where eth0 is the NAT interface; kubespray's `flannel_interface`, or `--iface-regex`) in {target}'s container args, then delete the flannel pods so each node announces its own address."))
        .link(Link::new(
            Loop::Network,
            None,
            ObjRef::new("Node", None, node.name()),
            format!("node {} has `{PUBLIC_IP}: {ip}`, like {} other node(s)", node.name(), sharing.len() - 1),
        )),
    )
}
