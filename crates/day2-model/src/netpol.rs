//! NetworkPolicy semantics shared by the rules and the diagnosis.

use crate::Cluster;
use crate::selector::{Labels, label_selector_matches};
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// The label the API server sets on every namespace, always to its name
/// (immutable; `kube-apiserver` overwrites any other value).
pub const NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// Whether a policy governs ingress and egress. Without `policyTypes`,
/// Ingress always applies and Egress applies when egress rules are present.
pub fn policy_types(np: &NetworkPolicy) -> (bool, bool) {
    let Some(spec) = np.spec.as_ref() else {
        return (true, false);
    };
    match &spec.policy_types {
        Some(t) if !t.is_empty() => (
            t.iter().any(|x| x == "Ingress"),
            t.iter().any(|x| x == "Egress"),
        ),
        _ => (true, spec.egress.as_ref().is_some_and(|e| !e.is_empty())),
    }
}

/// Whether one entry of a rule's `ports` admits a destination port: its
/// protocol (TCP when unset; the API accepts `TCP`, `UDP`, `SCTP`, compared
/// without case so a caller's `tcp` matches), and its port — none means every
/// port, a number that port or the range up to `endPort`, a name the
/// destination container port of that name.
pub fn port_admits(p: &NetworkPolicyPort, number: i32, name: Option<&str>, protocol: &str) -> bool {
    if !p
        .protocol
        .as_deref()
        .unwrap_or("TCP")
        .eq_ignore_ascii_case(protocol)
    {
        return false;
    }
    match &p.port {
        None => true,
        Some(IntOrString::Int(n)) => match p.end_port {
            Some(end) => *n <= number && number <= end,
            None => *n == number,
        },
        Some(IntOrString::String(s)) => Some(s.as_str()) == name,
    }
}

/// Whether a rule's port list admits a destination port; a rule without
/// ports (absent or empty) admits every port.
pub fn ports_admit(
    ports: Option<&[NetworkPolicyPort]>,
    number: i32,
    name: Option<&str>,
    protocol: &str,
) -> bool {
    match ports {
        Some(ps) if !ps.is_empty() => ps.iter().any(|p| port_admits(p, number, name, protocol)),
        _ => true,
    }
}

/// Whether the cluster's API server sets [`NAME_LABEL`]: from Kubernetes
/// 1.21 on (`NamespaceDefaultLabelName`). Before, a policy that selects a
/// namespace by it selects nothing (akash-network/node#1546 on 1.20). Told
/// from the input when no Namespace object carries the label and every
/// kubelet reports a version before 1.21 (the API server is at most a few
/// minors ahead, and a 1.21 one labels `kube-system` at once); otherwise
/// the label is taken as set.
pub fn sets_name_label(cluster: &Cluster) -> bool {
    if cluster.namespaces.is_empty()
        || cluster
            .namespaces
            .iter()
            .any(|n| n.labels().contains_key(NAME_LABEL))
    {
        return true;
    }
    let minor = |v: &str| -> Option<u32> {
        let v = v.trim_start_matches('v');
        let mut parts = v.split('.');
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts
            .next()?
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()?;
        (major == 1).then_some(minor)
    };
    let versions: Vec<Option<u32>> = cluster
        .nodes
        .iter()
        .map(|n| {
            n.status
                .as_ref()
                .and_then(|s| s.node_info.as_ref())
                .and_then(|i| minor(&i.kubelet_version))
        })
        .collect();
    versions.is_empty() || versions.iter().any(|v| v.is_none_or(|m| m >= 21))
}

/// The labels every namespace carries for a `namespaceSelector`, indexed
/// once: the Namespace objects' labels with [`NAME_LABEL`] set to the name,
/// and for a namespace with no object in the input, that label alone.
pub struct NamespaceLabels {
    map: FxHashMap<String, Labels>,
    named: bool,
}

/// The labels of one namespace as a `namespaceSelector` sees them (see
/// [`NamespaceLabels`], which indexes every namespace for many lookups).
pub fn namespace_labels(cluster: &Cluster, ns: &str) -> Labels {
    let mut l = cluster
        .namespaces
        .iter()
        .find(|n| n.name() == ns)
        .map(|n| n.labels().clone())
        .unwrap_or_default();
    if sets_name_label(cluster) {
        l.insert(NAME_LABEL.into(), ns.to_owned());
    }
    l
}

impl NamespaceLabels {
    pub fn new(cluster: &Cluster) -> Self {
        let mut map = FxHashMap::default();
        let named = sets_name_label(cluster);
        for n in &cluster.namespaces {
            let mut l = n.labels().clone();
            if named {
                l.insert(NAME_LABEL.into(), n.name().to_owned());
            }
            map.insert(n.name().to_owned(), l);
        }
        NamespaceLabels { map, named }
    }

    pub fn get(&self, ns: &str) -> Cow<'_, Labels> {
        match self.map.get(ns) {
            Some(l) => Cow::Borrowed(l),
            None if self.named => Cow::Owned([(NAME_LABEL.to_owned(), ns.to_owned())].into()),
            None => Cow::Owned(Labels::default()),
        }
    }

    /// Every namespace known (from Namespace objects and from `extra`).
    pub fn names<'a>(&'a self, extra: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        let mut v: Vec<&str> = self.map.keys().map(String::as_str).chain(extra).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Whether a policy applies to pods with these labels (its own namespace is
/// the caller's business). An empty or absent `podSelector` selects every pod.
pub fn policy_selects(np: &NetworkPolicy, labels: &Labels) -> bool {
    np.spec
        .as_ref()
        .and_then(|s| s.pod_selector.as_ref())
        .is_none_or(|sel| label_selector_matches(sel, labels))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::decode_value;
    use crate::{Origin, SourceKind, Stores};
    use serde_json::json;

    fn port(v: serde_json::Value) -> NetworkPolicyPort {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn ports_by_number_range_name_and_protocol() {
        // Protocol defaults to TCP.
        let p = port(json!({"port": 5432}));
        assert!(port_admits(&p, 5432, None, "TCP"));
        assert!(!port_admits(&p, 5432, None, "UDP"));
        assert!(!port_admits(&p, 5433, None, "TCP"));
        // endPort: an inclusive range.
        let r = port(json!({"port": 32000, "endPort": 32768}));
        assert!(port_admits(&r, 32000, None, "TCP") && port_admits(&r, 32768, None, "TCP"));
        assert!(!port_admits(&r, 32769, None, "TCP"));
        // A named port matches the destination container port of that name only.
        let n = port(json!({"port": "metrics", "protocol": "TCP"}));
        assert!(port_admits(&n, 9090, Some("metrics"), "TCP"));
        assert!(!port_admits(&n, 9090, None, "TCP"));
        // A protocol alone admits every port of it.
        let u = port(json!({"protocol": "UDP"}));
        assert!(port_admits(&u, 53, None, "UDP") && !port_admits(&u, 53, None, "TCP"));
        // No ports: every port.
        assert!(ports_admit(None, 1, None, "SCTP"));
        assert!(ports_admit(Some(&[]), 1, None, "TCP"));
        assert!(!ports_admit(Some(&[p]), 80, None, "TCP"));
    }

    #[test]
    fn the_name_label_is_always_the_namespace_name() {
        let mut st = Stores::default();
        let ns = json!({"apiVersion": "v1", "kind": "Namespace",
                        "metadata": {"name": "shop", "labels": {"team": "a", NAME_LABEL: "other"}}});
        st.push(decode_value(ns, Origin::default(), None).unwrap());
        let c = Cluster::new(st, SourceKind::Snapshot, vec![]);
        // The API server overwrites a forged value with the name.
        let l = namespace_labels(&c, "shop");
        assert_eq!(l.get(NAME_LABEL).map(String::as_str), Some("shop"));
        assert_eq!(l.get("team").map(String::as_str), Some("a"));
        let ix = NamespaceLabels::new(&c);
        assert_eq!(*ix.get("shop"), l);
        // A namespace without an object in the input has the name label alone.
        let none = ix.get("billing");
        assert_eq!(none.len(), 1);
        assert_eq!(none.get(NAME_LABEL).map(String::as_str), Some("billing"));
        assert_eq!(namespace_labels(&c, "billing"), *none);
    }
}
