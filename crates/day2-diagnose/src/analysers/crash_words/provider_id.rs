//! A cloud's node agent or CSI driver that reads the node's instance from
//! `spec.providerID` and finds none: the AWS EBS CSI driver on a kubeadm
//! cluster built on EC2 without a cloud provider, where the metadata
//! service is out of reach and the Node objects carry no providerID, panics
//! `node providerID empty, cannot parse` (kubernetes-sigs/aws-ebs-csi-driver#1144).
//! The nodes lack what the driver needs; the kubelet (or a cloud controller
//! manager) sets it.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detail, Detected};
use day2_model::Loop;

/// Whether a program's words say the node's providerID is missing.
fn says_missing(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("providerid")
        && [
            "empty",
            "cannot parse",
            "not set",
            "is missing",
            "no providerid",
        ]
        .iter()
        .any(|m| lower.contains(m))
}

pub fn missing<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Crash { container, .. } = &d.detail else {
        return vec![];
    };
    let texts = crate::analysers::follow::crash_texts(a, d, pod, container);
    let Some(line) = texts
        .iter()
        .flat_map(|t| t.lines())
        .find(|l| says_missing(l))
    else {
        return vec![];
    };
    let (on_node, node) = model::pod_node_ref(a.cluster, pod);
    // Only when the node indeed has none.
    if a.cluster
        .node(node)
        .is_none_or(|n| model::provider_id(n).is_some())
    {
        return vec![];
    }
    let without: Vec<&str> = a
        .cluster
        .nodes
        .iter()
        .filter(|n| model::provider_id(n).is_none())
        .map(|n| n.name())
        .collect();
    let workload = model::workload_ref(a.cluster, pod);
    vec![
        Hypothesis::new(
            86,
            Loop::Compute,
            on_node.clone(),
            format!("{workload} needs the node's cloud instance from `spec.providerID` and node {node} has none ({} of {} nodes have none): container {container} says `{}`", without.len(), a.cluster.nodes.len(), day2_model::redact::excerpt(line.trim(), 160)),
        )
        .fix(format!("Give the nodes their providerID: run the cloud's controller manager (kubelet `--cloud-provider=external`), or start each kubelet with `--provider-id=<cloud>:///<zone>/<instance-id>` (`aws:///us-east-1a/i-0abc…` on EC2); the field cannot change once set, so nodes registered without it re-join. Then restart {workload}. Nodes without one: {}.", day2_model::text::short_list(&without, 4)))
        .link(Link::new(Loop::Compute, None, on_node, format!("node {node} has no spec.providerID"))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_about_a_missing_provider_id() {
        assert!(says_missing("panic: node providerID empty, cannot parse"));
        assert!(says_missing(
            "failed to get instance: ProviderID is not set on node"
        ));
        assert!(!says_missing(
            "instance i-0abc found by providerID aws:///us-east-1a/i-0abc"
        ));
    }
}
