//! A DaemonSet's pod Pending on a virtual node. The DaemonSet controller
//! makes one pod per node its selection and tolerations admit, pinned with
//! `matchFields: metadata.name`; a DaemonSet that tolerates every taint
//! (`operator: Exists` without a key) gets a pod for nodes that run no
//! DaemonSets at all: EKS Fargate's (one pod per node, label
//! `eks.amazonaws.com/compute-type=fargate`) and Virtual Kubelet's (AKS
//! virtual nodes, label `type=virtual-kubelet`). The pod waits forever;
//! the DaemonSet's placement is what to change
//! (kubernetes-sigs/aws-efs-csi-driver#340).

use super::{parts, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::Detected;
use day2_model::Loop;

/// The label that marks a virtual node, and its value, if `labels` has it.
fn virtual_label(
    labels: &std::collections::BTreeMap<String, String>,
) -> Option<(&'static str, &'static str)> {
    if labels
        .get("eks.amazonaws.com/compute-type")
        .map(String::as_str)
        == Some("fargate")
    {
        return Some(("eks.amazonaws.com/compute-type", "fargate"));
    }
    if labels.get("type").map(String::as_str) == Some("virtual-kubelet") {
        return Some(("type", "virtual-kubelet"));
    }
    None
}

pub fn virtual_node<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, _)) = parts(d) else {
        return vec![];
    };
    let Some(ds) = a.cluster.owner_of(pod).filter(|w| w.kind == "DaemonSet") else {
        return vec![];
    };
    // The node the controller pinned it to.
    let pinned = spec
        .affinity
        .as_ref()
        .and_then(|af| af.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .into_iter()
        .flat_map(|r| r.node_selector_terms.iter())
        .flat_map(|t| t.match_fields.iter().flatten())
        .find(|f| f.key == "metadata.name" && f.operator == "In")
        .and_then(|f| f.values.as_ref()?.first().cloned());
    let Some(node) = pinned.as_deref().and_then(|n| a.cluster.node(n)) else {
        return vec![];
    };
    let Some((key, value)) = virtual_label(node.labels()) else {
        return vec![];
    };
    let tolerates_all = spec.tolerations.iter().flatten().any(|t| {
        t.key.as_deref().unwrap_or("").is_empty() && t.operator.as_deref() == Some("Exists")
    });
    let ds_ref = ds.objref();
    let why = if tolerates_all {
        "; the DaemonSet tolerates every taint (`operator: Exists` without a key), the virtual node's included, so its controller made one"
    } else {
        ""
    };
    vec![
        Hypothesis::new(
            86,
            Loop::Compute,
            ds_ref.clone(),
            format!(
                "{ds_ref} has a pod for node {}, a virtual node ({key}={value}) that runs no DaemonSets{why}; {} can never start there",
                node.name(),
                pod.name()
            ),
        )
        .fix(format!(
            "Keep {ds_ref} off virtual nodes: add to its pod template `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: [{{matchExpressions: [{{key: {key}, operator: NotIn, values: [{value}]}}]}}]`{}; the controller then deletes the Pending pod.",
            if tolerates_all {
                ", and narrow its tolerations to the taints it must run under"
            } else {
                ""
            }
        ))
        .link(Link::new(
            Loop::Compute,
            None,
            node.objref(),
            format!("node {} is virtual ({key}={value})", node.name()),
        ))
        .links(scheduler_links(d)),
    ]
}
