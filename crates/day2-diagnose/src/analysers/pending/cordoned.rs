//! Pods whose only possible nodes are cordoned.

use super::{parts, said, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::messages::scheduler::Reason;
use crate::model;
use crate::symptoms::Detected;
use day2_model::text::short_list;
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::Node;

/// The only nodes that could run the pod are cordoned.
pub fn cordoned<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, _spec, p)) = parts(d) else {
        return vec![];
    };
    let told = said(p, |r| *r == Reason::Unschedulable);
    let Some(v) = a.verdicts(pod) else {
        return vec![];
    };
    if (told == 0 && p.fit.is_some()) || v.any_fits {
        return vec![];
    }
    // Nodes rejected only because they are cordoned.
    let only = v.cordoned_only();
    if only.is_empty() {
        return vec![];
    }
    let nodes: Vec<&Res<Node>> = only
        .iter()
        .filter_map(|&i| a.cluster.node(&v[i].name))
        .collect();
    let names: Vec<&str> = nodes.iter().map(|n| n.name()).collect();
    let obj = if nodes.len() == 1 {
        nodes[0].objref()
    } else {
        model::node_pool_ref(nodes.iter().copied())
    };
    vec![Hypothesis::new(
        80,
        Loop::Compute,
        obj,
        format!("the only node(s) that could run the pod are cordoned: {}", short_list(&names, 5)),
    )
    .fix(format!("`kubectl uncordon {}` once maintenance is done, or add capacity before draining; a PodDisruptionBudget and headroom keep drains from stranding pods.", names[0]))
    .links(scheduler_links(d))]
}
