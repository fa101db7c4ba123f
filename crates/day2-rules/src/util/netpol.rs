//! NetworkPolicy semantics: what a policy selects and how broad its peers are.

use super::NamespaceLabels;
use day2_model::selector::{Labels, label_selector_is_empty, label_selector_matches};
use day2_model::{Cluster, Res};
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer};
use std::collections::{HashMap, HashSet};

pub use day2_model::netpol::{policy_selects, policy_types};

/// Whether a policy selects every pod of its namespace.
pub fn policy_selects_all(np: &NetworkPolicy) -> bool {
    np.spec
        .as_ref()
        .and_then(|s| s.pod_selector.as_ref())
        .is_none_or(label_selector_is_empty)
}

/// How far a set of peers reaches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Breadth {
    /// Specific pods or addresses.
    Restricted,
    /// Every pod of the namespaces named.
    Namespaces(Vec<String>),
    /// Every pod in the cluster.
    AllPods,
    /// Every pod and every address (no `from`, or `0.0.0.0/0`).
    Everyone,
}

fn is_any_cidr(cidr: &str) -> bool {
    matches!(cidr.trim(), "0.0.0.0/0" | "::/0")
}

/// The breadth of one peer of a policy in `policy_ns`; `namespaces` lists the
/// namespaces known with their labels (to resolve namespace selectors).
pub fn peer_breadth(
    peer: &NetworkPolicyPeer,
    policy_ns: &str,
    ns_labels: &NamespaceLabels,
    namespaces: &[&str],
) -> Breadth {
    if let Some(b) = &peer.ip_block {
        return if is_any_cidr(&b.cidr) {
            Breadth::Everyone
        } else {
            Breadth::Restricted
        };
    }
    let pods_all = peer
        .pod_selector
        .as_ref()
        .is_none_or(label_selector_is_empty);
    match (&peer.namespace_selector, &peer.pod_selector) {
        (None, Some(ps)) if label_selector_is_empty(ps) => {
            Breadth::Namespaces(vec![policy_ns.to_owned()])
        }
        (None, _) => Breadth::Restricted,
        (Some(ns), _) if label_selector_is_empty(ns) && pods_all => Breadth::AllPods,
        (Some(ns), _) if pods_all => {
            let hit: Vec<String> = namespaces
                .iter()
                .filter(|n| label_selector_matches(ns, &ns_labels.get(n)))
                .map(|n| (*n).to_owned())
                .collect();
            if hit.is_empty() {
                Breadth::Restricted
            } else {
                Breadth::Namespaces(hit)
            }
        }
        _ => Breadth::Restricted,
    }
}

/// The breadth of a rule's peer list (`from`/`to`): no peers means everyone.
pub fn peers_breadth(
    peers: Option<&Vec<NetworkPolicyPeer>>,
    policy_ns: &str,
    ns_labels: &NamespaceLabels,
    namespaces: &[&str],
) -> Breadth {
    let Some(peers) = peers.filter(|p| !p.is_empty()) else {
        return Breadth::Everyone;
    };
    let mut best = Breadth::Restricted;
    let mut nss: Vec<String> = Vec::new();
    for p in peers {
        match peer_breadth(p, policy_ns, ns_labels, namespaces) {
            Breadth::Namespaces(v) => nss.extend(v),
            b => best = best.max(b),
        }
    }
    if best >= Breadth::AllPods {
        return best;
    }
    if !nss.is_empty() {
        nss.sort();
        nss.dedup();
        return Breadth::Namespaces(nss);
    }
    best
}

/// Whether a peer admits a pod (namespace, namespace labels, pod labels).
/// IP blocks admit pods only when they cover every address (pod IPs are not
/// known from manifests).
pub fn peer_admits(
    peer: &NetworkPolicyPeer,
    policy_ns: &str,
    pod_ns: &str,
    pod_ns_labels: &Labels,
    pod_labels: &Labels,
) -> bool {
    if let Some(b) = &peer.ip_block {
        return is_any_cidr(&b.cidr);
    }
    match (&peer.namespace_selector, &peer.pod_selector) {
        (None, Some(ps)) => pod_ns == policy_ns && label_selector_matches(ps, pod_labels),
        (Some(ns), ps) => {
            label_selector_matches(ns, pod_ns_labels)
                && ps
                    .as_ref()
                    .is_none_or(|ps| label_selector_matches(ps, pod_labels))
        }
        (None, None) => false,
    }
}

pub use day2_model::netpol::ports_admit;

/// NetworkPolicies by namespace.
pub fn policies_by_namespace(cluster: &Cluster) -> HashMap<&str, Vec<&Res<NetworkPolicy>>> {
    let mut m: HashMap<&str, Vec<&Res<NetworkPolicy>>> = HashMap::new();
    for np in &cluster.network_policies {
        m.entry(np.ns_or_default()).or_default().push(np);
    }
    m
}

/// Kinds of policy objects day2 cannot evaluate that apply cluster-wide.
const CLUSTER_POLICY_KINDS: &[&str] = &[
    "GlobalNetworkPolicy",
    "CiliumClusterwideNetworkPolicy",
    "ClusterNetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
];

/// Whether the input holds cluster-wide policies of a CNI (Calico, Cilium,
/// Antrea, AdminNetworkPolicy) that day2 does not evaluate.
pub fn has_cluster_wide_cni_policies(cluster: &Cluster) -> bool {
    cluster
        .other
        .iter()
        .any(|o| CLUSTER_POLICY_KINDS.contains(&o.kind.as_str()))
}

/// Namespaces holding namespaced CNI policies day2 does not evaluate
/// (Calico `NetworkPolicy` of `projectcalico.org`, `CiliumNetworkPolicy`).
pub fn namespaces_with_cni_policies(cluster: &Cluster) -> HashSet<&str> {
    cluster
        .other
        .iter()
        .filter(|o| {
            o.kind == "CiliumNetworkPolicy"
                || (o.kind == "NetworkPolicy" && o.api_version.contains("projectcalico.org"))
        })
        .map(|o| o.ns_or_default())
        .collect()
}
