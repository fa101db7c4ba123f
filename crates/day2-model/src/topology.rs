//! Where things live: the zones of a PersistentVolume, read one way for the
//! diagnosis and the scheduler simulator alike.

use crate::selector::Labels;
use k8s_openapi::api::core::v1::{Node, PersistentVolume};

/// Well-known zone labels, newest first.
pub const ZONE_LABELS: [&str; 5] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
    "topology.ebs.csi.aws.com/zone",
    "topology.disk.csi.azure.com/zone",
    "topology.gke.io/zone",
];

/// A node's `InternalIP` address, as its status lists it.
pub fn internal_ip(node: &Node) -> Option<&str> {
    address(node, "InternalIP")
}

/// A node's first address of `type_` (`InternalIP`, `ExternalIP`,
/// `Hostname`, …), as its status lists it.
pub fn address<'n>(node: &'n Node, type_: &str) -> Option<&'n str> {
    node.status
        .as_ref()?
        .addresses
        .iter()
        .flatten()
        .find(|a| a.type_ == type_)
        .map(|a| a.address.as_str())
}

/// The zone of a set of labels, if any.
pub fn zone_of(labels: &Labels) -> Option<&str> {
    ZONE_LABELS
        .iter()
        .find_map(|k| labels.get(*k))
        .map(String::as_str)
}

/// The region a node is in: its region label (`topology.kubernetes.io/region`,
/// or the legacy `failure-domain.beta.kubernetes.io/region`), else, on AWS,
/// the region of the zone its provider ID names (`aws:///eu-west-1a/i-0d3c…`
/// → `eu-west-1`).
pub fn node_region(node: &Node) -> Option<&str> {
    let labels = node.metadata.labels.as_ref();
    let label = labels.and_then(|l| {
        l.get("topology.kubernetes.io/region")
            .or_else(|| l.get("failure-domain.beta.kubernetes.io/region"))
    });
    if let Some(r) = label {
        return Some(r.as_str());
    }
    let id = node.spec.as_ref()?.provider_id.as_deref()?;
    let zone = id.strip_prefix("aws:///")?.split('/').next()?;
    is_aws_zone(zone).then(|| &zone[..zone.len() - 1])
}

/// An AWS zone (`us-east-2a`), not a region (`us-east-2`).
pub fn is_aws_zone(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() > 2
        && b[b.len() - 1].is_ascii_lowercase()
        && b[b.len() - 2].is_ascii_digit()
        && v.matches('-').count() == 2
}

/// Whether a topology key names the zone: `topology.kubernetes.io/zone` or
/// its legacy `failure-domain.beta.kubernetes.io/zone`.
pub fn is_zone_key(k: &str) -> bool {
    matches!(
        k,
        "topology.kubernetes.io/zone" | "failure-domain.beta.kubernetes.io/zone"
    )
}

/// Whether a PersistentVolume's required node affinity admits a node (what
/// the VolumeBinding filter checks for a bound volume); a volume without one
/// admits every node.
pub fn pv_node_affinity_admits(pv: &PersistentVolume, node: &str, labels: &Labels) -> bool {
    pv.spec
        .as_ref()
        .and_then(|s| s.node_affinity.as_ref())
        .and_then(|a| a.required.as_ref())
        .is_none_or(|req| crate::selector::node_selector_matches(req, node, labels))
}

/// The zones a PersistentVolume can be used in, sorted and without repeats.
///
/// Its required node affinity comes first: that is what CSI provisioners
/// write (`topology.ebs.csi.aws.com/zone`, `topology.gke.io/zone`,
/// `topology.kubernetes.io/zone`, …: any key ending in `/zone` with operator
/// `In`) and what the VolumeBinding filter enforces. Without such terms, the
/// zone labels the VolumeZone filter reads (`topology.kubernetes.io/zone`,
/// the legacy `failure-domain.beta.kubernetes.io/zone`), whose value may list
/// several zones separated by `__`. Empty when the volume names no zone.
pub fn pv_zones(pv: &PersistentVolume) -> Vec<&str> {
    let mut zones = required_in(pv, |k| k.ends_with("/zone"));
    if zones.is_empty()
        && let Some(z) = pv.metadata.labels.as_ref().and_then(zone_of)
    {
        zones.extend(z.split("__").filter(|z| !z.is_empty()));
    }
    zones.sort_unstable();
    zones.dedup();
    zones
}

/// The nodes a PersistentVolume is pinned to by its required node affinity
/// on `kubernetes.io/hostname` (local and hostPath volumes), sorted and
/// without repeats.
pub fn pv_hosts(pv: &PersistentVolume) -> Vec<&str> {
    let mut hosts = required_in(pv, |k| k == "kubernetes.io/hostname");
    hosts.sort_unstable();
    hosts.dedup();
    hosts
}

/// A PersistentVolume's required node affinity in words
/// (`csi.hetzner.cloud/location=fsn1`, `k in (a, b)`), its terms joined by `or`;
/// `None` without one. For drivers whose topology key is not a zone label.
pub fn pv_affinity_text(pv: &PersistentVolume) -> Option<String> {
    let terms: Vec<String> = pv_required_terms(pv)
        .iter()
        .map(|t| {
            t.match_expressions
                .iter()
                .flatten()
                .map(|e| {
                    let values = e.values.as_deref().unwrap_or_default().join(", ");
                    match e.operator.as_str() {
                        "In" if e.values.as_ref().is_some_and(|v| v.len() == 1) => {
                            format!("{}={values}", e.key)
                        }
                        "In" => format!("{} in ({values})", e.key),
                        "NotIn" => format!("{} not in ({values})", e.key),
                        op => format!("{} {}", e.key, op.to_ascii_lowercase()),
                    }
                })
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .filter(|t| !t.is_empty())
        .collect();
    (!terms.is_empty()).then(|| terms.join(" or "))
}

/// The terms of a PersistentVolume's required node affinity; empty without
/// one.
pub fn pv_required_terms(pv: &PersistentVolume) -> &[k8s_openapi::api::core::v1::NodeSelectorTerm] {
    pv.spec
        .as_ref()
        .and_then(|s| s.node_affinity.as_ref())
        .and_then(|a| a.required.as_ref())
        .map_or(&[], |r| r.node_selector_terms.as_slice())
}

/// The values of the `In` expressions of a PersistentVolume's required node
/// affinity whose key `key` accepts.
fn required_in(pv: &PersistentVolume, key: impl Fn(&str) -> bool) -> Vec<&str> {
    pv_required_terms(pv)
        .iter()
        .flat_map(|t| t.match_expressions.iter().flatten())
        .filter(|e| key(&e.key) && e.operator == "In")
        .flat_map(|e| e.values.iter().flatten().map(String::as_str))
        .collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_node_s_region_is_its_label_else_its_aws_zone_s() {
        let mut n = Node {
            spec: Some(k8s_openapi::api::core::v1::NodeSpec {
                provider_id: Some("aws:///eu-west-1a/i-0d3c8f601104455e3".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(node_region(&n), Some("eu-west-1"));
        n.metadata.labels = Some(
            [(
                "topology.kubernetes.io/region".to_owned(),
                "us-east-2".to_owned(),
            )]
            .into(),
        );
        assert_eq!(node_region(&n), Some("us-east-2"));
        assert!(is_aws_zone("us-east-2a"));
        assert!(!is_aws_zone("us-east-2"));
    }
    use super::*;
    use k8s_openapi::api::core::v1::{
        NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PersistentVolumeSpec,
        VolumeNodeAffinity,
    };
    use std::collections::BTreeMap;

    fn pv(labels: &[(&str, &str)], affinity: &[(&str, &str, &[&str])]) -> PersistentVolume {
        let mut pv = PersistentVolume::default();
        if !labels.is_empty() {
            pv.metadata.labels = Some(
                labels
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect::<BTreeMap<_, _>>(),
            );
        }
        if !affinity.is_empty() {
            let exprs = affinity
                .iter()
                .map(|(k, op, vs)| NodeSelectorRequirement {
                    key: (*k).to_owned(),
                    operator: (*op).to_owned(),
                    values: Some(vs.iter().map(|v| (*v).to_owned()).collect()),
                })
                .collect();
            pv.spec = Some(PersistentVolumeSpec {
                node_affinity: Some(VolumeNodeAffinity {
                    required: Some(NodeSelector {
                        node_selector_terms: vec![NodeSelectorTerm {
                            match_expressions: Some(exprs),
                            match_fields: None,
                        }],
                    }),
                }),
                ..Default::default()
            });
        }
        pv
    }

    #[test]
    fn a_csi_volume_lives_where_its_node_affinity_says() {
        // As the EBS CSI driver writes it.
        let v = pv(
            &[],
            &[("topology.ebs.csi.aws.com/zone", "In", &["us-east-1a"])],
        );
        assert_eq!(pv_zones(&v), ["us-east-1a"]);
        // Any driver's zone key, and several terms' values once each.
        let v = pv(
            &[],
            &[
                ("topology.hostpath.example.com/zone", "In", &["b", "a"]),
                ("topology.kubernetes.io/zone", "In", &["a"]),
                ("kubernetes.io/hostname", "In", &["node-1"]),
                ("topology.kubernetes.io/zone", "NotIn", &["c"]),
            ],
        );
        assert_eq!(pv_zones(&v), ["a", "b"]);
    }

    #[test]
    fn node_affinity_wins_over_labels_and_labels_are_the_fallback() {
        let v = pv(
            &[("topology.kubernetes.io/zone", "us-east-1b")],
            &[("topology.ebs.csi.aws.com/zone", "In", &["us-east-1a"])],
        );
        assert_eq!(pv_zones(&v), ["us-east-1a"]);
        // An in-tree volume labelled by the PersistentVolumeLabel admission, with `__` lists.
        let v = pv(
            &[(
                "failure-domain.beta.kubernetes.io/zone",
                "us-central1-b__us-central1-a",
            )],
            &[],
        );
        assert_eq!(pv_zones(&v), ["us-central1-a", "us-central1-b"]);
        assert!(pv_zones(&pv(&[], &[])).is_empty());
    }

    #[test]
    fn a_volume_pinned_by_hostname_names_its_node_and_no_zone() {
        let v = pv(&[], &[("kubernetes.io/hostname", "In", &["node4"])]);
        assert_eq!(pv_hosts(&v), ["node4"]);
        assert!(pv_zones(&v).is_empty());
        let v = pv(&[], &[("topology.kubernetes.io/zone", "In", &["a"])]);
        assert!(pv_hosts(&v).is_empty());
        let v = pv(&[], &[("kubernetes.io/hostname", "NotIn", &["node4"])]);
        assert!(pv_hosts(&v).is_empty());
    }

    #[test]
    fn a_volumes_affinity_in_words() {
        // hetznercloud/csi-driver#909: a volume's location is its own key.
        let pv: PersistentVolume = serde_json::from_str(
            r#"{"spec":{"nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"csi.hetzner.cloud/location","operator":"In","values":["fsn1"]}]}]}}}}"#,
        )
        .unwrap_or_default();
        assert_eq!(
            pv_affinity_text(&pv).as_deref(),
            Some("csi.hetzner.cloud/location=fsn1")
        );
        assert_eq!(pv_affinity_text(&PersistentVolume::default()), None);
    }
}
