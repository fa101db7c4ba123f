//! Namespace isolation under NetworkPolicy.

use super::{
    Breadth, NamespaceLabels, WorkloadIndex, has_cluster_wide_cni_policies, is_system_namespace,
    namespaces_with_cni_policies, peers_breadth, policies_by_namespace, policy_selects,
    policy_selects_all, policy_types, sees_whole_cluster,
};
use day2_model::selector::Labels;
use day2_model::{Cluster, Res};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use std::collections::{HashMap, HashSet};

/// Which namespaces the input lets day2 judge for NetworkPolicy isolation,
/// and which of them have an ingress default deny.
pub struct Isolation<'c> {
    pub policies: HashMap<&'c str, Vec<&'c Res<NetworkPolicy>>>,
    /// Namespaces whose isolation can be judged (see NW004).
    pub judged: Vec<String>,
    /// Namespaces with CNI-specific policies day2 does not evaluate.
    pub cni: HashSet<&'c str>,
    /// The input holds cluster-wide CNI policies: nothing is judged.
    pub cluster_wide: bool,
}

impl<'c> Isolation<'c> {
    pub fn new(cluster: &'c Cluster, index: &WorkloadIndex<'_>) -> Self {
        let policies = policies_by_namespace(cluster);
        let cni = namespaces_with_cni_policies(cluster);
        let cluster_wide = has_cluster_wide_cni_policies(cluster);
        let mut judged: Vec<String> = if sees_whole_cluster(cluster) {
            index.namespaces().map(str::to_owned).collect()
        } else {
            cluster
                .namespaces
                .iter()
                .map(|n| n.name().to_owned())
                .collect()
        };
        judged.retain(|n| !is_system_namespace(n) && !cni.contains(n.as_str()));
        if cluster_wide {
            judged.clear();
        }
        judged.sort();
        judged.dedup();
        Isolation {
            policies,
            judged,
            cni,
            cluster_wide,
        }
    }

    /// Whether the isolation of a namespace can be judged (NW004).
    pub fn is_judged(&self, ns: &str) -> bool {
        self.judged.binary_search_by(|j| j.as_str().cmp(ns)).is_ok()
    }

    pub fn policies_in(&self, ns: &str) -> &[&'c Res<NetworkPolicy>] {
        self.policies.get(ns).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether a namespace has a policy isolating every pod for ingress
    /// without admitting every pod or address.
    pub fn has_default_deny(
        &self,
        ns: &str,
        ns_labels: &NamespaceLabels,
        namespaces: &[&str],
    ) -> bool {
        self.policies_in(ns).iter().any(|np| {
            policy_selects_all(np)
                && policy_types(np).0
                && np
                    .spec
                    .as_ref()
                    .and_then(|s| s.ingress.as_ref())
                    .into_iter()
                    .flatten()
                    .all(|r| {
                        peers_breadth(r.from.as_ref(), ns, ns_labels, namespaces) < Breadth::AllPods
                    })
        })
    }

    /// Ingress policies of `ns` selecting pods with these labels.
    pub fn ingress_policies_for(&self, ns: &str, labels: &Labels) -> Vec<&'c Res<NetworkPolicy>> {
        self.policies_in(ns)
            .iter()
            .copied()
            .filter(|np| policy_types(np).0 && policy_selects(np, labels))
            .collect()
    }

    /// Egress policies of `ns` selecting pods with these labels.
    pub fn egress_policies_for(&self, ns: &str, labels: &Labels) -> Vec<&'c Res<NetworkPolicy>> {
        if self.policies_in(ns).is_empty() {
            return Vec::new();
        }
        self.policies_in(ns)
            .iter()
            .copied()
            .filter(|np| policy_types(np).1 && policy_selects(np, labels))
            .collect()
    }

    /// Whether the CNI policies of the input leave `ns` unjudgeable.
    pub fn opaque(&self, ns: &str) -> bool {
        self.cluster_wide || self.cni.contains(ns)
    }
}
