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

/// A probe timeout shared with the pods of other workloads on the same node:
/// the kubelet there gets no answer from several unrelated applications, so
/// what they share, the node's path from the host to its pods, is broken
/// (a host firewall; NetworkManager managing the CNI's interfaces, such as
/// RHEL 8's nm-cloud-setup under RKE2, rancher/rke2#1053; a hardening
/// profile's `arp_ignore=2`, rancher/rke2#3914). The cause is on the host,
/// which the input does not hold. `min_others`: how many other workloads
/// must share it (one is enough when this pod's own probe never connected).
pub fn node_wide_timeouts(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    kind: &str,
    container: &str,
    min_others: usize,
) -> Option<Hypothesis> {
    let node = crate::model::node_name(pod)?;
    let timeout = |m: &str| {
        m.contains("Client.Timeout exceeded")
            || m.contains("context deadline exceeded")
            || m.contains("i/o timeout")
            || m.contains("connection timed out")
    };
    // A probe of it that times out, or a crash on a connection that does.
    let timed_out = |p: &Res<Pod>| {
        a.cluster
            .events_for_obj(p)
            .iter()
            .any(|e| &*e.reason == "Unhealthy" && timeout(&e.message))
            || p.status
                .as_ref()
                .and_then(|s| s.container_statuses.as_ref())
                .into_iter()
                .flatten()
                .filter_map(|c| {
                    c.last_state
                        .as_ref()?
                        .terminated
                        .as_ref()?
                        .message
                        .as_deref()
                })
                .any(timeout)
    };
    let own = crate::model::workload_ref(a.cluster, pod);
    let mut others: Vec<String> = Vec::new();
    for p in a.cluster.pods_on_node(node) {
        let w = crate::model::workload_ref(a.cluster, p);
        if w != own
            && !others.contains(&w.name)
            && p.spec.as_ref().is_none_or(|s| s.host_network != Some(true))
            && timed_out(p)
        {
            others.push(w.name.clone());
        }
    }
    if others.len() < min_others.max(1) {
        return None;
    }
    let os = a
        .cluster
        .node(node)
        .and_then(|n| n.status.as_ref()?.node_info.as_ref())
        .map(|i| (i.os_image.clone(), i.kubelet_version.clone()))
        .unwrap_or_default();
    let rhel_rke2 = os.0.contains("Red Hat Enterprise Linux") && os.1.contains("rke2");
    let nm = if rhel_rke2 {
        format!(
            " The node runs {} with RKE2 ({}): RKE2 documents that NetworkManager's nm-cloud-setup service breaks the CNI's routes there; disable `nm-cloud-setup.service` and `nm-cloud-setup.timer` and reboot the node.",
            os.0, os.1
        )
    } else {
        String::new()
    };
    Some(
        Hypothesis::new(
            86,
            Loop::Network,
            pod.objref(),
            format!(
                "the {kind} probe of container {container} times out, and pods of {} other workload(s) on node {node} ({}) time out as well (their probes, or their own connections): the kubelet there gets no answer from its own pods, so the host's path to the pod network on {node} is what fails, not each application",
                others.len(),
                day2_model::text::short_list(&others, 3)
            ),
        )
        .fix(format!("On node {node}, check the host's path to its pods: `curl` a pod's probe from the node, the host firewall (firewalld, iptables/nftables rules), kernel settings a hardening profile changes (`sysctl -a | grep -E 'arp_ignore|arp_announce|rp_filter'`: `net.ipv4.conf.all.arp_ignore=2` makes the host ignore ARP for the pods' /32 routes, rancher/rke2#3914), and whether NetworkManager manages the CNI's interfaces (cali*, flannel*, cni0: mark them unmanaged).{nm}"))
        .missing(format!("the host's firewall and network configuration on {node}"))
        .unexplained(),
    )
}

/// The kubelet's probe of a pod on its own node answered `no route to host`:
/// no route is missing between a host and its own pods, so the host itself
/// rejects the connection, as a firewall does with `icmp-host-prohibited`
/// (firewalld's default reject; k3s-io/k3s#24, #7014: CoreDNS on CentOS 7
/// killed by its liveness probe and unable to reach 10.43.0.1). The rules
/// are on the host, which the input does not hold.
pub fn host_rejects(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    kind: &str,
    container: &str,
    output: &str,
) -> Option<Hypothesis> {
    if pod
        .spec
        .as_ref()
        .is_some_and(|s| s.host_network == Some(true))
    {
        return None;
    }
    let node = crate::model::node_name(pod)?;
    let os = a
        .cluster
        .node(node)
        .and_then(|n| n.status.as_ref()?.node_info.as_ref())
        .map(|i| i.os_image.clone())
        .unwrap_or_default();
    Some(
        Hypothesis::new(
            84,
            Loop::Network,
            pod.objref(),
            format!(
                "the kubelet's {kind} probe of container {container} gets `no route to host` from {}'s own node {node}{}: a host does not lack a route to its own pods, so a firewall on the node rejects the connection (`icmp-host-prohibited`), and the pod's own connections through the node are rejected the same way",
                pod.name(),
                if os.is_empty() { String::new() } else { format!(" ({os})") }
            ),
        )
        .fix(format!(
            "On node {node}, look at the host firewall: `firewall-cmd --state` and `iptables -S | grep -i reject`. Stop firewalld (`systemctl disable --now firewalld`), as k3s and RKE2 ask, or let the pod and Service networks through it (add the CNI's interfaces and the cluster's pod CIDR to a trusted zone: `firewall-cmd --permanent --zone=trusted --add-source=<pod CIDR>`), then reload; probe output: `{}`.",
            day2_model::redact::excerpt(output, 160)
        ))
        .missing(format!("the host firewall rules on {node}"))
        .unexplained(),
    )
}
