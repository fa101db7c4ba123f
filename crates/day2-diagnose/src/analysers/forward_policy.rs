//! Docker 1.13 set the policy of iptables' FORWARD chain to DROP
//! (moby/moby#28257), and until kube-proxy 1.9 (kubernetes/kubernetes#52569)
//! nothing in the cluster accepted forwarded pod traffic again: a pod that
//! reaches a Service or a pod on another node gets no answer. The cluster
//! DNS shows it first: it must reach the API server's Service to serve, so
//! its probes fail on every node upgraded to the new Docker
//! (kubernetes/kubernetes#39823, #40182).

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::Detected;
use day2_model::text::major_minor;
use day2_model::{Loop, ObjRef, Pod};

/// The cluster DNS by its label (kube-dns, and CoreDNS under it).
fn cluster_dns(pod: &Pod) -> bool {
    pod.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("k8s-app"))
        .is_some_and(|v| v == "kube-dns" || v == "coredns")
}

pub fn dropped<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    if !cluster_dns(pod) {
        return vec![];
    }
    let probes_fail = a
        .cluster
        .events_for_obj(pod)
        .iter()
        .any(|e| &*e.reason == "Unhealthy");
    let Some(node) = model::node_name(pod).and_then(|n| a.cluster.node(n)) else {
        return vec![];
    };
    let Some(info) = model::node_info(node) else {
        return vec![];
    };
    let docker = info
        .container_runtime_version
        .strip_prefix("docker://")
        .and_then(major_minor)
        .filter(|v| *v >= (1, 13));
    let old_proxy = major_minor(&info.kube_proxy_version).is_some_and(|v| v < (1, 9));
    let (Some(_), true, true) = (docker, old_proxy, probes_fail) else {
        return vec![];
    };
    let name = node.metadata.name.as_deref().unwrap_or_default();
    vec![
        Hypothesis::new(
            84,
            Loop::Network,
            ObjRef::new("Node", None, name),
            format!(
                "node {name} runs Docker {} with kube-proxy {}: Docker 1.13 and later set the iptables FORWARD policy to DROP, and kube-proxy adds no rule accepting pod traffic before 1.9, so what {} sends to the API server's Service and to pods on other nodes is dropped and its probes fail",
                info.container_runtime_version.trim_start_matches("docker://"),
                info.kube_proxy_version,
                pod.name()
            ),
        )
        .fix(format!(
            "On every node running Docker 1.13 or later, accept forwarded traffic: `iptables -P FORWARD ACCEPT`, kept across Docker restarts (a systemd drop-in for docker.service with `ExecStartPost=/sbin/iptables -P FORWARD ACCEPT`); or upgrade kube-proxy to 1.9 or later with `--cluster-cidr` set, which adds FORWARD ACCEPT rules for the pod range. Then restart the DNS pods (`kubectl -n {} delete pod -l k8s-app=kube-dns`).",
            pod.ns_or_default()
        )),
    ]
}

/// kube-proxy's kubeconfig names no address for the API server (`server:
/// MASTER_ENDPOINT`, a placeholder an upgrade left unrendered:
/// aws/amazon-vpc-cni-k8s#1267): kube-proxy writes no Service rules, so an
/// agent that reaches the API server through the `kubernetes` Service's
/// ClusterIP (the VPC CNI's ipamd) fails on every node. The ConfigMap the
/// kube-proxy pods mount is the cause.
pub(crate) fn proxy_kubeconfig(a: &Analysis<'_>, agent: &ObjRef) -> Option<Hypothesis> {
    let proxy = a.cluster.pods.iter().find(|p| {
        p.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("k8s-app"))
            .is_some_and(|v| v == "kube-proxy")
            || p.name().starts_with("kube-proxy-")
    })?;
    let ns = proxy.ns_or_default();
    let (cm, server) = proxy
        .spec
        .as_ref()?
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| v.config_map.as_ref())
        .filter_map(|c| {
            a.cluster
                .config_maps
                .iter()
                .find(|m| m.ns_or_default() == ns && m.name() == c.name)
        })
        .find_map(|m| {
            let server = m.data.as_ref()?.values().find_map(|text| {
                text.contains("kind: Config")
                    .then(|| text.lines().find_map(|l| l.trim().strip_prefix("server:")))?
                    .map(|s| s.trim().trim_matches('"').to_owned())
            })?;
            (!server.contains("://")).then_some((m, server))
        })?;
    Some(
        Hypothesis::new(
            88,
            Loop::Network,
            cm.objref(),
            format!("the kubeconfig kube-proxy reads from ConfigMap {ns}/{} names `server: {server}`, not the API server's address: kube-proxy cannot reach the API server and writes no Service rules, so {agent}, which reaches the API server through the `kubernetes` Service's ClusterIP, fails on every node", cm.name()),
        )
        .fix(format!("Set `server:` in ConfigMap {ns}/{} to the API server's endpoint (`https://…`; on EKS `aws eks describe-cluster --name <cluster> --query cluster.endpoint`), then restart kube-proxy (`kubectl -n {ns} rollout restart daemonset/kube-proxy`) and the failing pods.", cm.name()))
        .link(Link::new(Loop::Network, None, proxy.objref(), format!("mounts ConfigMap {}", cm.name()))),
    )
}
