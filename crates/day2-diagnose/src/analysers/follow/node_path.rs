//! A timeout from a pod whose own node breaks the path: the node's Service
//! proxy is down (kube-proxy there crash-loops, so no rule translates a
//! ClusterIP, and pods on that node time out to every Service, the API
//! server's included: rancher/rke2#8498, RHEL 10 without
//! `kernel-modules-extra`, where iptables answers `Extension MASQUERADE
//! revision 0 not supported, missing kernel module?`), or the overlay
//! between nodes is broken ([`super::overlay`]).

use super::overlay;
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::errors::{ErrorClass, classify};
use crate::model;
use day2_model::{Loop, Res, pod::Pod};

/// Whether `p` is kube-proxy: its DaemonSet's label, or a static pod's
/// container of that name.
fn is_kube_proxy(p: &Pod) -> bool {
    p.metadata.labels.as_ref().is_some_and(|l| {
        l.get("k8s-app").is_some_and(|v| v == "kube-proxy")
            || l.get("component").is_some_and(|v| v == "kube-proxy")
    }) || p
        .spec
        .as_ref()
        .is_some_and(|s| s.containers.iter().any(|c| c.name == "kube-proxy"))
}

/// kube-proxy on the pod's node, when it is down: a container waiting to
/// be restarted or one whose last run failed and is not running now.
fn proxy_down(a: &Analysis<'_>, pod: &Res<Pod>, what: &str) -> Option<Hypothesis> {
    let node = model::node_name(pod)?;
    let proxy = a
        .cluster
        .pods_on_node(node)
        .filter(|p| p.name() != pod.name())
        .find(|p| is_kube_proxy(p))?;
    let failing = model::container_statuses(proxy).find(|c| {
        let waiting = c
            .state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .is_some_and(|w| w.reason.as_deref() == Some("CrashLoopBackOff"));
        let failed = c
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .is_some_and(|t| t.exit_code != 0);
        let running = c.state.as_ref().is_some_and(|s| s.running.is_some());
        waiting || (failed && !running)
    })?;
    let said = failing
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .and_then(|t| t.message.as_deref())
        .unwrap_or_default();
    let link = Link::new(
        Loop::Network,
        None,
        proxy.objref(),
        format!(
            "kube-proxy {}/{} on node {node} is down",
            proxy.ns_or_default(),
            proxy.name()
        ),
    )
    .with_evidence(
        said.lines()
            .find(|l| l.contains("rror") || l.contains("failed"))
            .map(|l| day2_model::redact::excerpt(l, 200)),
    );
    let lead = format!(
        "{what}: kube-proxy on node {node} is down, so no rule there translates Service addresses"
    );
    // What kube-proxy itself says, when it names the cause.
    for c in classify(said) {
        if let ErrorClass::KernelModule { module, reason } = &c.class {
            let mut h = super::process::kernel_module(a, proxy, &failing.name, module, reason);
            h.root.summary = format!("{lead}: {}", h.root.summary);
            return Some(h.link(link));
        }
    }
    if let Some(mut h) = super::sysctl::read_only(a, proxy, &failing.name, &[said.to_owned()]) {
        h.root.summary = format!("{lead}: {}", h.root.summary);
        return Some(h.link(link));
    }
    let workload = model::workload_ref(a.cluster, proxy);
    Some(
        Hypothesis::new(
            72,
            Loop::Network,
            workload.clone(),
            format!("{lead}; its container {} fails{}", failing.name, said.lines().find(|l| l.contains("rror")).map(|l| format!(": {}", day2_model::redact::excerpt(l, 160))).unwrap_or_default()),
        )
        .fix(format!("Bring kube-proxy back on node {node}: read why it fails (`kubectl logs -n {} {} --previous`) and fix that; pods on the node reach Services again once it syncs its rules.", proxy.ns_or_default(), proxy.name()))
        .link(link),
    )
}

/// A broken path from the pod's node: its Service proxy down, or the
/// overlay to other nodes broken.
pub(super) fn broken(a: &Analysis<'_>, pod: &Res<Pod>, what: &str) -> Option<Hypothesis> {
    proxy_down(a, pod, what)
        .or_else(|| no_service_proxy(a, what))
        .or_else(|| overlay::shared_public_ip(a, pod, what))
        .or_else(|| overlay::network_outside(a, pod, what))
        .or_else(|| overlay::split_networks(a, pod, what))
}

/// How the pod network carries traffic between nodes, when it encapsulates:
/// the protocol and port the nodes' firewalls must admit between them.
fn encapsulation(a: &Analysis<'_>) -> Option<&'static str> {
    let annotation = a.cluster.nodes.iter().find_map(|n| {
        n.metadata
            .annotations
            .as_ref()?
            .get("flannel.alpha.coreos.com/backend-type")
            .cloned()
    });
    let net_conf = overlay::flannel_net_confs(a).find_map(|(_, v)| {
        Some(
            v.get("Backend")?
                .get("Type")?
                .as_str()?
                .to_ascii_lowercase(),
        )
    });
    if let Some(backend) = annotation.or(net_conf) {
        return match backend.as_str() {
            "vxlan" => Some("flannel's VXLAN backend (UDP 8472)"),
            "udp" => Some("flannel's UDP backend (UDP 8285)"),
            "wireguard" => Some("flannel's WireGuard backend (UDP 51820)"),
            _ => None,
        };
    }
    let cilium = a
        .cluster
        .config_maps
        .iter()
        .find(|cm| cm.name() == "cilium-config")
        .and_then(|cm| cm.data.as_ref());
    if let Some(data) = cilium {
        let mode = data
            .get("tunnel-protocol")
            .or_else(|| data.get("tunnel"))
            .map(String::as_str);
        let native = data.get("routing-mode").is_some_and(|m| m == "native");
        return match (native, mode) {
            (true, _) | (_, Some("disabled")) => None,
            (_, Some("geneve")) => Some("Cilium's Geneve tunnel (UDP 6081)"),
            _ => Some("Cilium's VXLAN tunnel (UDP 8472)"),
        };
    }
    None
}

/// A timeout to a Service whose pods all run on other nodes, where the pod
/// network encapsulates traffic between nodes: the cause is what carries it
/// outside the cluster, a security group or firewall between the nodes that
/// drops the encapsulation's port (flannel-io/flannel#871: an AWS security
/// group admitting TCP only, so VXLAN's UDP 8472 never arrives).
pub(super) fn between_nodes(
    a: &Analysis<'_>,
    pod: &Res<Pod>,
    backends: &[&Res<Pod>],
    desc: &str,
    what: &str,
) -> Option<Hypothesis> {
    let node = model::node_name(pod)?;
    let elsewhere = backends
        .iter()
        .filter(|b| model::node_name(b).is_some_and(|n| n != node))
        .count();
    if backends.is_empty() || elsewhere < backends.len() {
        return None;
    }
    let how = encapsulation(a)?;
    Some(super::unexplained(
        pod,
        what.to_owned(),
        &format!(
            "{desc} has ready endpoints, none on node {node}, and no NetworkPolicy on either end denies the path"
        ),
        format!(
            "The pods behind {desc} run on other nodes than {node}, and pod traffic between nodes goes over {how}: check that the nodes' security groups or firewalls admit it between every pair of nodes (a security group admitting only TCP drops VXLAN), e.g. a rule for the encapsulation's protocol and port with the nodes' own group as source."
        ),
    ))
}

/// A cluster without kube-proxy whose CNI translates Service addresses in
/// its stead, and a pod that times out to a Service, the API server's
/// included: the CNI programs Services only once its agent runs, so its own
/// components (and anything before them) must reach the API server at its
/// real address. Antrea's `proxyAll` with `kubeAPIServerOverride` on the
/// agent but not on the controller (antrea-io/antrea#5022, fixed by #5056);
/// Cilium's kube-proxy replacement without `k8sServiceHost`
/// (cilium/cilium#28807).
fn no_service_proxy(a: &Analysis<'_>, what: &str) -> Option<Hypothesis> {
    // The configuration first: scanning every pod for kube-proxy is the
    // dearer check, and only a CNI that replaces it needs it.
    let h = proxy_replaced(a, what)?;
    (!a.cluster.pods.iter().any(|p| is_kube_proxy(p))).then_some(h)
}

/// The hypothesis of [`no_service_proxy`] from the CNI's configuration
/// alone: kube-proxy replaced, the API server's real address not given.
fn proxy_replaced(a: &Analysis<'_>, what: &str) -> Option<Hypothesis> {
    let enabled = |text: &str, key: &str| {
        text.lines().any(|l| {
            let l = l.trim();
            !l.starts_with('#')
                && l.strip_prefix(key).is_some_and(|r| {
                    r.trim_start_matches([':', '=', ' ', '"'])
                        .starts_with("true")
                })
        })
    };
    let set = |text: &str, key: &str| {
        text.lines().any(|l| {
            let l = l.trim();
            !l.starts_with('#')
                && l.strip_prefix(key).is_some_and(|r| {
                    let v = r
                        .trim_start_matches([':', ' '])
                        .trim_matches(['"', '\'', ' ']);
                    !v.is_empty()
                })
        })
    };
    for cm in &a.cluster.config_maps {
        let Some(data) = cm.data.as_ref() else {
            continue;
        };
        let name = cm.name();
        let ns = cm.ns_or_default();
        // Antrea: the agent proxies everything; which of its components
        // lacks the API server's address.
        if let Some(agent) = data.get("antrea-agent.conf")
            && enabled(agent, "proxyAll")
        {
            let controller = data
                .get("antrea-controller.conf")
                .map(String::as_str)
                .unwrap_or("");
            let missing = if !set(controller, "kubeAPIServerOverride") {
                "antrea-controller.conf"
            } else if !set(agent, "kubeAPIServerOverride") {
                "antrea-agent.conf"
            } else {
                continue;
            };
            return Some(
                Hypothesis::new(
                    84,
                    Loop::Network,
                    cm.objref(),
                    format!("{what}: the cluster runs no kube-proxy, Antrea's `proxyAll` translates Service addresses once its agents run, and `{missing}` of ConfigMap {ns}/{name} sets no `kubeAPIServerOverride`, so that component reaches the API server only through the kubernetes Service, which nothing translates yet"),
                )
                .fix(format!("Set `kubeAPIServerOverride: \"<API server address:port>\"` in `{missing}` of ConfigMap {ns}/{name} (as in the other component's configuration; the chart's `kubeAPIServerOverride` value sets both), then restart antrea-controller and the agents.")),
            );
        }
        // Cilium: kube-proxy replaced, the API server's address not given.
        if name == "cilium-config"
            && data
                .get("kube-proxy-replacement")
                .is_some_and(|v| matches!(v.as_str(), "true" | "strict"))
            && data.get("k8s-service-host").is_none_or(|v| v.is_empty())
        {
            return Some(
                Hypothesis::new(
                    84,
                    Loop::Network,
                    cm.objref(),
                    format!("{what}: the cluster runs no kube-proxy and Cilium replaces it (`kube-proxy-replacement: {}`), but ConfigMap {ns}/{name} gives no `k8s-service-host`: the agent reaches the API server through the kubernetes Service, which only it could translate", data.get("kube-proxy-replacement").map(String::as_str).unwrap_or_default()),
                )
                .fix(format!("Give Cilium the API server's real address: Helm `k8sServiceHost=<address>` and `k8sServicePort=<port>` (ConfigMap {ns}/{name} keys `k8s-service-host`, `k8s-service-port`; or KUBERNETES_SERVICE_HOST/PORT in the agent's environment), then restart the cilium pods; or run kube-proxy until it is set.")),
            );
        }
    }
    None
}
