//! A CNI agent that refuses to start because its pod network overlaps a
//! route the node already has: Weave Net's `Network 10.32.0.0/12 overlaps
//! with existing route 10.0.0.0/8 on host` (weaveworks/weave#3211: a
//! corporate 10/8 route; weaveworks/weave#3987: a route an earlier CNI
//! left on one node). Routing the same addresses two ways would cut the
//! node off, so the agent exits and the node's pods get no network.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// `(pod network, route)` from the agent's words.
fn overlap(text: &str) -> Option<(&str, &str)> {
    let (head, tail) = text.split_once(" overlaps with existing route ")?;
    let net = head.rsplit(' ').next()?;
    let route = tail.split_whitespace().next()?;
    (net.contains('/') && route.contains('/')).then_some((net, route))
}

pub fn overlapping<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let Some((net, route)) = texts.iter().find_map(|t| overlap(t)) else {
        return vec![];
    };
    let owner = model::workload_ref(a.cluster, pod);
    let node = model::node_name(pod).unwrap_or("its node");
    let setting = model::spec_container(pod, container)
        .and_then(|c| {
            c.env
                .iter()
                .flatten()
                .find(|e| e.name == "IPALLOC_RANGE")
                .map(|e| {
                    format!(
                        "its IPALLOC_RANGE (now {})",
                        e.value.as_deref().unwrap_or("unset")
                    )
                })
        })
        .unwrap_or_else(|| {
            if owner.name.contains("weave") {
                "its IPALLOC_RANGE environment variable (unset: 10.32.0.0/12)".to_owned()
            } else {
                "its pod network range".to_owned()
            }
        });
    vec![
        Hypothesis::new(
            86,
            Loop::Network,
            owner.clone(),
            format!(
                "the CNI agent {} on {node} refuses to start: its pod network {net} overlaps the route {route} the node already has, and routing the same addresses two ways would cut the node off",
                pod.name()
            ),
        )
        .fix(format!(
            "Give {owner} a pod network that overlaps no route of the nodes, through {setting} (and the cluster's pod CIDR to match), or, when {route} is a leftover of an earlier network add-on on {node}, remove it there (`ip route del {route}`, and the old add-on's interfaces) and restart the pod."
        )),
    ]
}

/// `(net config network, node's podCIDR, node)` from flannel's `failed to
/// acquire lease: subnet "10.244.0.0/16" specified in the flannel net
/// config doesn't contain "10.224.0.0/24" PodCIDR of the "k8s-master"
/// node`.
fn outside(text: &str) -> Option<(&str, &str, &str)> {
    let (head, tail) =
        text.split_once("\" specified in the flannel net config doesn't contain \"")?;
    let net = head.rsplit('"').next()?;
    let (cidr, rest) = tail.split_once('"')?;
    let node = rest.split_once("of the \"")?.1.split('"').next()?;
    Some((net, cidr, node))
}

/// flannel's `Network` (net-conf.json) and the nodes' pod CIDRs (the
/// cluster's `--pod-network-cidr`, `--cluster-cidr`) disagree: flannel
/// will not lease a node a subnet outside its network, exits, and no pod
/// gets a network (flannel-io/flannel#1607: kubeadm given 10.224.0.0/16,
/// the manifest's 10.244.0.0/16 kept).
pub fn outside_net_conf<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = super::follow::crash_texts(a, d, pod, container);
    let Some((net, cidr, node)) = texts.iter().find_map(|t| outside(t)) else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let config = a.cluster.config_maps.iter().find(|c| {
        c.ns_or_default() == ns
            && c.data
                .as_ref()
                .is_some_and(|d| d.contains_key("net-conf.json"))
    });
    let owner = model::workload_ref(a.cluster, pod);
    let (obj, place) = match config {
        Some(c) => (c.objref(), format!("ConfigMap {ns}/{}", c.name())),
        None => (owner.clone(), format!("the net-conf.json of {owner}")),
    };
    vec![
        Hypothesis::new(
            88,
            Loop::Network,
            obj,
            format!(
                "flannel's network {net} ({place}, `Network` in net-conf.json) does not contain {cidr}, the podCIDR node {node} was given from the cluster's pod CIDR: flannel will not lease a subnet outside its network, so {} exits and no pod on the node gets an address",
                pod.name()
            ),
        )
        .fix(format!(
            "Make the two agree: set `Network` in net-conf.json of {place} to the cluster's pod CIDR (the range {cidr} is part of, the `--pod-network-cidr` kubeadm was given), then restart {owner}'s pods; or re-create the cluster with `kubeadm init --pod-network-cidr={net}`."
        )),
    ]
}

#[cfg(test)]
mod tests {
    use super::overlap;

    #[test]
    fn flannel_net_config_and_pod_cidr_are_read() {
        assert_eq!(
            super::outside(
                r#"Error registering network: failed to acquire lease: subnet "10.244.0.0/16" specified in the flannel net config doesn't contain "10.224.0.0/24" PodCIDR of the "k8s-master.lab.example.com" node"#
            ),
            Some((
                "10.244.0.0/16",
                "10.224.0.0/24",
                "k8s-master.lab.example.com"
            ))
        );
        assert_eq!(
            super::outside("failed to acquire lease: node \"x\" pod cidr not assigned"),
            None
        );
    }

    #[test]
    fn the_network_and_the_route_are_read() {
        assert_eq!(
            overlap("Network 10.32.0.0/12 overlaps with existing route 10.0.0.0/8 on host\n"),
            Some(("10.32.0.0/12", "10.0.0.0/8"))
        );
        assert_eq!(overlap("route 10.0.0.0/8 added on host"), None);
    }
}
