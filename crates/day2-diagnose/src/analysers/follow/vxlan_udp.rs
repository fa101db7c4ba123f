//! DNS lookups that time out from a pod whose node runs none of the
//! cluster DNS's pods, on a pod network that carries traffic between nodes
//! in VXLAN. The query is UDP to the DNS Service: the node translates it to
//! a DNS pod elsewhere and sends it through the VXLAN device, whose
//! checksum offload miscomputes the outer UDP checksum of such translated
//! packets on many kernels, and the receiving node drops them. A pod on a
//! DNS pod's own node never crosses the tunnel and resolves
//! (projectcalico/calico#3145, rancher/rke2#1541: Calico VXLAN on Ubuntu's
//! 5.8 kernel; flannel-io/flannel#1279 on VMware). The same lookups cut by
//! a firewall between the nodes read alike, so the fix names both.

use super::*;
use crate::analysis::Vxlan;

fn daemon_set<'c>(
    a: &Analysis<'c>,
    names: &[&str],
) -> Option<&'c Res<k8s_openapi::api::apps::v1::DaemonSet>> {
    a.cluster
        .daemon_sets
        .iter()
        .find(|d| names.iter().any(|n| d.name() == *n))
}

/// The pod network's VXLAN, found once per run.
fn vxlan<'a, 'c>(a: &'a Analysis<'c>) -> Option<&'a Vxlan<'c>> {
    a.memo.vxlan.get_or_init(|| find(a)).as_ref()
}

/// Calico's pools in VXLAN (`IPPool` `vxlanMode`, the operator's
/// `Installation` encapsulation, calico-node's environment), else
/// flannel's VXLAN backend.
fn find<'c>(a: &Analysis<'c>) -> Option<Vxlan<'c>> {
    let pool = a.cluster.other.iter().any(|o| {
        let spec = o.obj.data.get("spec");
        match o.obj.kind.as_str() {
            "IPPool" => spec
                .and_then(|s| s.get("vxlanMode"))
                .and_then(|m| m.as_str())
                .is_some_and(|m| matches!(m, "Always" | "CrossSubnet")),
            "Installation" => spec
                .and_then(|s| s.get("calicoNetwork"))
                .and_then(|n| n.get("ipPools"))
                .and_then(|p| p.as_array())
                .is_some_and(|ps| {
                    ps.iter().any(|p| {
                        p.get("encapsulation")
                            .and_then(|e| e.as_str())
                            .is_some_and(|e| e.starts_with("VXLAN"))
                    })
                }),
            _ => false,
        }
    });
    let calico = daemon_set(a, &["calico-node"]);
    let env_says = calico.is_some_and(|d| {
        d.spec
            .template
            .spec
            .iter()
            .flat_map(|s| s.containers.iter())
            .flat_map(|c| c.env.iter().flatten())
            .any(|e| match e.name.as_str() {
                "CALICO_NETWORKING_BACKEND" => e.value.as_deref() == Some("vxlan"),
                "CALICO_IPV4POOL_VXLAN" => {
                    matches!(e.value.as_deref(), Some("Always" | "CrossSubnet"))
                }
                _ => false,
            })
    });
    if pool || env_says {
        return Some(Vxlan {
            what: "Calico's VXLAN (UDP 4789)",
            agent: calico,
            device: "vxlan.calico",
            off: "set `featureDetectOverride: \"ChecksumOffloadBroken=true\"` in FelixConfiguration `default` (Calico 3.20 and later do it by themselves only on kernels before 5.7; on RKE2, through the rke2-calico HelmChartConfig's `felixConfiguration`), or `ethtool -K vxlan.calico tx-checksum-ip-generic off` on every node",
        });
    }
    let flannel = a.cluster.nodes.iter().any(|n| {
        n.annotations()
            .get("flannel.alpha.coreos.com/backend-type")
            .is_some_and(|t| t == "vxlan")
    });
    flannel.then(|| Vxlan {
        what: "flannel's VXLAN (UDP 8472)",
        agent: daemon_set(a, &["kube-flannel-ds", "kube-flannel", "flannel"]),
        device: "flannel.1",
        off: "`ethtool -K flannel.1 tx-checksum-ip-generic off` on every node (kept across reboots by a udev rule or a systemd unit), or a flannel/k3s/RKE2 release that turns it off itself",
    })
}

/// The lookups of `pod` time out and no pod of the cluster DNS runs on its
/// node, over a VXLAN pod network.
pub(super) fn lookups_across(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    dns_pods: &[&Res<Pod>],
    what: &str,
) -> Option<Hypothesis> {
    let node = model::node_name(pod)?;
    let ready: Vec<&&Res<Pod>> = dns_pods.iter().filter(|p| model::is_ready(p)).collect();
    if ready.is_empty() || ready.iter().any(|p| model::node_name(p) == Some(node)) {
        return None;
    }
    let v = vxlan(a)?;
    let on: Vec<&str> = ready.iter().filter_map(|p| model::node_name(p)).collect();
    let summary = format!(
        "{what}: its DNS queries time out, and no DNS pod runs on its node {node} (they run on {}): every query crosses nodes in {}, after the node translated the DNS Service's address, which is the traffic the VXLAN device's checksum offload corrupts on many kernels (or a firewall between the nodes drops)",
        on.join(", "),
        v.what
    );
    let fix = format!(
        "Turn checksum offload off on the VXLAN device {}: {}; lookups from {node} resolve at once. If they still time out, check the nodes admit {} from each other (security groups, host firewalls such as firewalld). Meanwhile, a DNS pod on every node (NodeLocal DNSCache) keeps lookups off the tunnel.",
        v.device, v.off, v.what
    );
    // Calico's agent owns the device's offload (Felix's feature override):
    // the fix is its configuration. flannel leaves it to the host, with
    // the firewalls between the nodes: outside the cluster's objects.
    match v.agent {
        Some(agent) if v.device == "vxlan.calico" => {
            Some(Hypothesis::new(64, Loop::Network, agent.objref(), summary).fix(fix))
        }
        _ => Some(super::unexplained(
            pod,
            summary,
            &format!(
                "the cluster DNS has ready pods, none on node {node}, and no NetworkPolicy drops the queries"
            ),
            fix,
        )),
    }
}
