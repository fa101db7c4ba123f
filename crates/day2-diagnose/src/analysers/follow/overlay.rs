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

/// flannel's network configurations: `net-conf.json` of the ConfigMaps
/// that carry one (flannel's own, canal's), parsed.
pub(super) fn flannel_net_confs<'c>(
    a: &Analysis<'c>,
) -> impl Iterator<
    Item = (
        &'c Res<k8s_openapi::api::core::v1::ConfigMap>,
        serde_json::Value,
    ),
> {
    a.cluster.config_maps.iter().filter_map(|cm| {
        let conf = cm.data.as_ref()?.get("net-conf.json")?;
        Some((cm, serde_json::from_str(conf).ok()?))
    })
}

/// flannel's pod network (`Network` of `net-conf.json` in its ConfigMap)
/// that does not hold the addresses the cluster gives pods: kubeadm was
/// initialised with `--pod-network-cidr=192.168.0.0/16` while flannel's
/// ConfigMap kept its default 10.244.0.0/16 (flannel-io/flannel#1054).
/// flanneld takes each node's subnet from `spec.podCIDR` but routes and
/// masquerades only its own Network, so a pod's traffic to other nodes and
/// to the API server leaves without a way back. `what` is what the pod
/// failed to reach.
pub(super) fn network_outside(a: &Analysis<'_>, pod: &Res<Pod>, what: &str) -> Option<Hypothesis> {
    let spec = pod.spec.as_ref()?;
    if spec.host_network == Some(true) {
        return None;
    }
    let node = a.cluster.node(model::node_name(pod)?)?;
    let pod_cidr = node.spec.as_ref()?.pod_cidr.as_deref()?;
    let ip: std::net::IpAddr = match pod.status.as_ref().and_then(|s| s.pod_ip.as_deref()) {
        Some(ip) => ip.parse().ok()?,
        None => pod_cidr.split_once('/')?.0.parse().ok()?,
    };
    let mut networks = flannel_net_confs(a).filter_map(|(cm, v)| {
        let net = v.get("Network")?.as_str()?.to_owned();
        Some((cm, net))
    });
    let (cm, network) = networks.next()?;
    if crate::netpol::cidr_contains(&network, ip)
        || networks.any(|(_, n)| crate::netpol::cidr_contains(&n, ip))
    {
        return None;
    }
    // Only an address flannel's Network does not hold while the node's own
    // block does: the node's subnet came from elsewhere.
    if !crate::netpol::cidr_contains(pod_cidr, ip) {
        return None;
    }
    let name = cm.name();
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            cm.objref(),
            format!("{what}: flannel's pod network is `\"Network\": \"{network}\"` (net-conf.json of ConfigMap {}/{name}), but node {} has podCIDR {pod_cidr} and the pod {ip}, outside it: flannel routes and masquerades only its Network, so pod traffic leaving the node has no way back", cm.ns_or_default(), node.name()),
        )
        .fix(format!("Make flannel's Network the cluster's pod CIDR: set `\"Network\"` in net-conf.json of ConfigMap {}/{name} to the range the nodes' podCIDRs come from (kube-controller-manager's `--cluster-cidr`, kubeadm's `--pod-network-cidr`/`networking.podSubnet`, here one holding {pod_cidr}), or re-initialise the cluster with `--pod-network-cidr={network}`; then delete the flannel pods and the pods started since.", cm.ns_or_default()))
        .link(Link::new(
            Loop::Network,
            None,
            ObjRef::new("Node", None, node.name()),
            format!("node {} has spec.podCIDR {pod_cidr}", node.name()),
        )),
    )
}

/// Nodes in separate private networks whose overlay runs over the private
/// addresses: flannel announces each node's InternalIP as its VXLAN
/// endpoint while the nodes reach each other only by their ExternalIPs
/// (k3s nodes at two Scaleway sites, k3s-io/k3s#1824), so packets to pods on
/// the other node are lost. Only when both nodes announce their InternalIP,
/// both have an ExternalIP, and the InternalIPs share no /16.
pub(super) fn split_networks(a: &Analysis<'_>, pod: &Res<Pod>, what: &str) -> Option<Hypothesis> {
    let node = a.cluster.node(model::node_name(pod)?)?;
    let private_only =
        |n: &k8s_openapi::api::core::v1::Node| -> Option<(std::net::Ipv4Addr, String)> {
            let internal = day2_model::topology::internal_ip(n)?;
            let external = day2_model::topology::address(n, "ExternalIP")?;
            (n.metadata.annotations.as_ref()?.get(PUBLIC_IP)? == internal && internal != external)
                .then_some(())?;
            Some((internal.parse().ok()?, external.to_owned()))
        };
    let (mine, my_external) = private_only(node)?;
    let same_16 = |x: std::net::Ipv4Addr, y: std::net::Ipv4Addr| x.octets()[..2] == y.octets()[..2];
    let others: Vec<&str> = a
        .cluster
        .nodes
        .iter()
        .filter(|n| n.name() != node.name())
        .filter(|n| private_only(n).is_some_and(|(ip, _)| !same_16(ip, mine)))
        .map(|n| n.name())
        .collect();
    if others.is_empty() {
        return None;
    }
    let name = node.name();
    Some(
        Hypothesis::new(
            78,
            Loop::Network,
            node.objref(),
            format!("{what}: the overlay between nodes runs over private addresses of separate networks: flannel on node {name} announces its InternalIP {mine} (`{PUBLIC_IP}`), and so do {} in other private ranges, while the nodes have ExternalIPs ({name}: {my_external}); VXLAN packets to pods on the other nodes go to addresses they cannot reach", day2_model::text::short_list(&others, 3)),
        )
        .fix("Make flannel announce the address the nodes reach each other on: annotate each node `flannel.alpha.coreos.com/public-ip-overwrite=<its ExternalIP>` (on k3s start the servers and agents with `--flannel-external-ip` beside `--node-external-ip`), or `--flannel-iface`/`--iface` on an interface they share (a VPN); then restart flannel (k3s) on every node.")
        .link(Link::new(
            Loop::Network,
            None,
            ObjRef::new("Node", None, name),
            format!("node {name} has `{PUBLIC_IP}: {mine}` (its InternalIP) and ExternalIP {my_external}"),
        )),
    )
}

/// The VXLAN overlay on VMware virtual NICs, read from flannel's node
/// annotations (backend `vxlan`, a VTEP MAC in VMware's ranges 00:50:56,
/// 00:0c:29, 00:05:69): vmxnet3's checksum offload corrupts encapsulated
/// packets, so traffic between nodes is dropped while each node reaches its
/// own pods (rancher/rke2#6307, flannel-io/flannel#1279). What to try.
pub(super) fn vmware_vxlan_note(a: &Analysis<'_>) -> Option<String> {
    let vxlan_on_vmware = a.cluster.nodes.iter().any(|n| {
        let notes = n.metadata.annotations.as_ref();
        let vxlan = notes
            .and_then(|m| m.get("flannel.alpha.coreos.com/backend-type"))
            .is_some_and(|t| t == "vxlan");
        let mac = notes
            .and_then(|m| m.get("flannel.alpha.coreos.com/backend-data"))
            .map(|d| d.to_ascii_lowercase())
            .is_some_and(|d| {
                ["00:50:56", "00:0c:29", "00:05:69"]
                    .iter()
                    .any(|o| d.contains(o))
            });
        vxlan && mac
    });
    vxlan_on_vmware.then(|| {
        " The nodes are VMware VMs (their VXLAN devices carry VMware MAC addresses) on flannel's VXLAN backend: vmxnet3's checksum offload corrupts encapsulated packets, so traffic that crosses nodes is dropped; test it with `ethtool -K flannel.<VNI> tx-checksum-ip-generic off` on each Linux node (make it permanent with a udev rule or NetworkManager dispatcher), or upgrade to a flannel/RKE2/k3s release that turns the offload off itself.".to_owned()
    })
}
