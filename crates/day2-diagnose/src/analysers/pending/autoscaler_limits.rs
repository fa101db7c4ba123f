//! Pods the cluster-autoscaler will not add nodes for because of its limits.

use super::{autoscaler_links, parts, said, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, per_cloud};
use crate::messages::autoscaler::{parse_not_triggered, parse_triggered};
use crate::messages::scheduler::Reason;
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef};
use std::collections::BTreeSet;

/// The autoscaler refuses to add nodes because of its limits.
pub fn autoscaler_limits<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((_, _, p)) = parts(d) else {
        return vec![];
    };
    let mut limits: Vec<String> = Vec::new();
    for e in d.events_with("NotTriggerScaleUp") {
        if let Some(n) = parse_not_triggered(e.message_text()) {
            for l in n.limits() {
                if !limits.contains(&l) {
                    limits.push(l);
                }
            }
        }
    }
    if limits.is_empty() {
        return vec![];
    }
    let capacity_bound = said(p, |r| {
        matches!(r, Reason::Insufficient(_) | Reason::TooManyPods)
    }) > 0;
    let groups: BTreeSet<String> = d
        .events_with("TriggeredScaleUp")
        .flat_map(|e| parse_triggered(e.message_text()).unwrap_or_default())
        .map(|g| g.group)
        .collect();
    let obj = match groups.iter().next() {
        Some(g) if groups.len() == 1 => ObjRef::new("NodeGroup", None, g.clone()),
        _ => model::node_pool_ref(a.cluster.nodes.iter()),
    };
    let score = if capacity_bound { 84 } else { 55 };
    vec![Hypothesis::new(
        score,
        Loop::Compute,
        obj,
        format!("cluster-autoscaler cannot add the node the pod needs: {}", limits.join(", ")),
    )
    .fix(per_cloud(
        a.cloud,
        "Raise the node group's maximum size (or the autoscaler's --max-nodes-total / --cores-total / --memory-total), or free capacity by right-sizing requests.",
        "Raise the node group's max size (`aws eks update-nodegroup-config --scaling-config maxSize=N` or the ASG's MaxSize) or the autoscaler's `--max-nodes-total`; or right-size requests so pods fit the existing nodes.",
        "Raise the node pool's maximum (`az aks nodepool update --update-cluster-autoscaler --max-count N`), or right-size requests.",
        "Raise the node pool's maximum (`gcloud container clusters update --enable-autoscaling --max-nodes N --node-pool POOL`), or right-size requests.",
    ))
    .links(scheduler_links(d))
    .links(autoscaler_links(a, d, None))]
}
