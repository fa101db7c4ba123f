//! Pods whose nodeSelector or required node affinity no (or too few) node satisfies.

use super::{autoscaler_links, parts, said, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::messages::scheduler::Reason;
use crate::model;
use crate::symptoms::Detected;
use day2_model::Loop;
use std::collections::BTreeSet;

/// nodeSelector / required node affinity that no (or too few) node satisfies.
pub fn node_selection<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    let told = said(p, |r| *r == Reason::NodeAffinity);
    let nodes = &a.cluster.nodes;
    let matching = a.selected_nodes(spec).len();
    if told == 0 && (p.fit.is_some() || matching > 0 || nodes.is_empty()) {
        return vec![];
    }
    let workload = model::workload_ref(a.cluster, pod);
    let total = p
        .fit
        .as_ref()
        .and_then(|f| f.total)
        .unwrap_or(nodes.len() as u32);
    let mut unmatched = Vec::new();
    // The selector's labels no node carries, as `key=value` to put on one.
    let mut wanted = Vec::new();
    for (k, v) in spec.node_selector.iter().flatten() {
        let have = nodes
            .iter()
            .filter(|n| n.labels().get(k) == Some(v))
            .count();
        if have == 0 {
            wanted.push(format!("{k}={v}"));
            let values: BTreeSet<&str> = nodes
                .iter()
                .filter_map(|n| n.labels().get(k).map(String::as_str))
                .collect();
            unmatched.push(if values.is_empty() {
                format!("no node has the label {k} (wanted {k}={v})")
            } else {
                format!(
                    "no node has {k}={v} (nodes carry {k}: {})",
                    values.into_iter().collect::<Vec<_>>().join(", ")
                )
            });
        }
    }
    let affinity = day2_model::selector::required_node_affinity(spec);
    // The affinity's expressions no node satisfies, as `key op [values]`
    // (an `In` of one value is a label to put on a node).
    if let Some(sel) = affinity
        && matching == 0
    {
        for e in sel
            .node_selector_terms
            .iter()
            .flat_map(|t| t.match_expressions.iter().flatten())
        {
            let values = e.values.as_deref().unwrap_or_default();
            let holds = |n: &day2_model::Res<k8s_openapi::api::core::v1::Node>| {
                day2_model::selector::node_requirement_matches(
                    e,
                    n.labels().get(&e.key).map(String::as_str),
                )
            };
            if !nodes.iter().any(holds) {
                unmatched.push(format!(
                    "no node satisfies `{} {} [{}]` of its required node affinity",
                    e.key,
                    e.operator,
                    values.join(", ")
                ));
                if e.operator == "In" && values.len() == 1 {
                    wanted.push(format!("{}={}", e.key, values[0]));
                }
            }
        }
    }
    if unmatched.is_empty() && affinity.is_some() && matching == 0 && !nodes.is_empty() {
        unmatched.push("the required node affinity matches no node".to_owned());
    }
    if nodes.is_empty() {
        return vec![Hypothesis::new(40, Loop::Compute, workload, format!("the scheduler reports {told} node(s) that do not match the pod's node selector/affinity; the nodes are not in the input"))
            .fix("Compare the pod's nodeSelector/affinity with the nodes' labels (`kubectl get nodes --show-labels`).")
            .missing("no Node objects (labels) in the input")
            .links(scheduler_links(d))];
    }
    let kind = nodes.iter().any(|n| {
        n.spec
            .as_ref()
            .and_then(|s| s.provider_id.as_deref())
            .is_some_and(|p| p.starts_with("kind://"))
    });
    let (score, summary) = if matching == 0 {
        (
            84,
            format!(
                "{}'s node selection matches none of the {total} node(s): {}",
                pod.name(),
                if unmatched.is_empty() {
                    "no node satisfies all terms".to_owned()
                } else {
                    unmatched.join("; ")
                }
            ),
        )
    } else if told >= total.saturating_sub(1) && told > 0 {
        (
            55,
            format!(
                "{}'s node selection leaves {matching} of {total} node(s), and those cannot take it",
                pod.name()
            ),
        )
    } else {
        return vec![];
    };
    vec![Hypothesis::new(score, Loop::Compute, workload.clone(), summary)
        .fix(format!(
            "Fix the nodeSelector/affinity of {workload} to labels nodes carry, or label a node pool to match (`kubectl label node <node> {}`; for autoscaled groups put the label in the node group template so new nodes get it{}).",
            if wanted.is_empty() { "key=value".to_owned() } else { wanted.join(" ") },
            if kind { "; on kind, in the cluster config, `kubeadmConfigPatches` with `node-labels` and the node's `extraPortMappings`, as kind's ingress guide does" } else { "" }
        ))
        .links(scheduler_links(d))
        .links(autoscaler_links(a, d, None))]
}
