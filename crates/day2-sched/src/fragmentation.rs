//! Cluster-wide: free capacity in total against the largest single-node
//! block per resource, and for each Pending pod whether it lacks capacity,
//! is blocked by fragmentation, or by placement rules.

use crate::explain::Explanation;
use crate::state::State;
use day2_model::resources::format_amount;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ResourceFragmentation {
    pub resource: String,
    /// Free allocatable summed over schedulable nodes.
    pub total_free: String,
    /// The largest free amount on one node.
    pub largest_free: String,
    pub largest_node: Option<String>,
    /// Share of the total free that sits outside the largest block (0–100).
    pub fragmented_percent: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PendingKind {
    /// Some node fits now.
    Fits,
    /// The nodes the pod may use lack the resources even in total.
    Capacity,
    /// Enough in total on the nodes it may use, but on no single one.
    Fragmentation,
    /// Filters other than resources rule out every node.
    Placement,
    /// Rejected before any node is looked at (claims).
    Blocked,
}

#[derive(Debug, Clone, Serialize)]
pub struct PendingVerdict {
    pub namespace: String,
    pub name: String,
    pub kind: PendingKind,
    pub detail: String,
    pub aggregate: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fragmentation {
    pub nodes: usize,
    pub schedulable_nodes: usize,
    pub resources: Vec<ResourceFragmentation>,
    pub pending: Vec<PendingVerdict>,
}

/// Free capacity per resource over schedulable nodes.
pub fn resources(st: &State<'_>) -> (usize, Vec<ResourceFragmentation>) {
    let nodes: Vec<&crate::state::SimNode> = st.nodes.iter().filter(|n| !n.unschedulable).collect();
    let mut names: Vec<String> = vec!["cpu".into(), "memory".into()];
    for n in &nodes {
        for (k, _) in n.allocatable.iter() {
            if !names.iter().any(|x| x == k) && k != "ephemeral-storage" {
                names.push(k.to_owned());
            }
        }
    }
    names.push("pods".into());
    let rows = names
        .into_iter()
        .map(|r| {
            let free = |n: &crate::state::SimNode| -> i64 {
                if r == "pods" {
                    n.free_pods().max(0)
                } else {
                    n.free().get(&r).max(0)
                }
            };
            let total: i64 = nodes.iter().map(|n| free(n)).sum();
            let best = nodes.iter().max_by_key(|n| free(n));
            let largest = best.map(|n| free(n)).unwrap_or(0);
            let fmt = |v: i64| {
                if r == "pods" {
                    v.to_string()
                } else {
                    format_amount(&r, v)
                }
            };
            ResourceFragmentation {
                total_free: fmt(total),
                largest_free: fmt(largest),
                largest_node: best.map(|n| n.name.clone()),
                fragmented_percent: if total > 0 {
                    (100 - largest.saturating_mul(100) / total) as u32
                } else {
                    0
                },
                resource: r,
            }
        })
        .collect();
    (nodes.len(), rows)
}

/// Classify one explained Pending pod.
pub fn classify(st: &State<'_>, e: &Explanation<'_>) -> PendingVerdict {
    let (kind, detail) = kind_of(st, e);
    PendingVerdict {
        namespace: e.pod.namespace.clone(),
        name: e.pod.name.clone(),
        kind,
        detail,
        aggregate: e.aggregate.clone(),
    }
}

fn kind_of(st: &State<'_>, e: &Explanation<'_>) -> (PendingKind, String) {
    if let Some(p) = &e.prefilter {
        return (PendingKind::Blocked, p.clone());
    }
    let fitting: Vec<&str> = e.fitting().map(|n| n.name).collect();
    if !fitting.is_empty() {
        return (
            PendingKind::Fits,
            format!(
                "fits on {} node(s) now (e.g. {}): the scheduler has not retried it yet, or it is gated",
                fitting.len(),
                fitting[0]
            ),
        );
    }
    let candidates: Vec<usize> = e
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.only_resources())
        .map(|(i, _)| i)
        .collect();
    if candidates.is_empty() {
        return (
            PendingKind::Placement,
            "no node passes the placement filters (taints, affinity, volumes, spread), whatever its free capacity".to_owned(),
        );
    }
    let mut want: Vec<(String, i64)> = e
        .pod
        .requests
        .keys()
        .filter_map(|k| {
            let v = day2_model::resources::amount(k, e.pod.requests.get(k)?)?;
            Some((k.clone(), v))
        })
        .collect();
    want.push(("pods".into(), 1));
    let free = |ni: usize, r: &str| -> i64 {
        let n = &st.nodes[ni];
        if r == "pods" {
            n.free_pods().max(0)
        } else {
            n.free().get(r).max(0)
        }
    };
    let fmt = |r: &str, v: i64| {
        if r == "pods" {
            format!("{v} pod slot(s)")
        } else {
            format!("{} {r}", format_amount(r, v))
        }
    };
    for (r, w) in &want {
        let total: i64 = candidates.iter().map(|&i| free(i, r)).sum();
        if total < *w {
            return (
                PendingKind::Capacity,
                format!(
                    "the {} node(s) it may use have {} free in total; it needs {}",
                    candidates.len(),
                    fmt(r, total),
                    fmt(r, *w)
                ),
            );
        }
    }
    for (r, w) in &want {
        let total: i64 = candidates.iter().map(|&i| free(i, r)).sum();
        let max = candidates.iter().map(|&i| free(i, r)).max().unwrap_or(0);
        if max < *w {
            return (
                PendingKind::Fragmentation,
                format!(
                    "{} free across the {} node(s) it may use, but the most on one node is {}; it needs {}",
                    fmt(r, total),
                    candidates.len(),
                    fmt(r, max),
                    fmt(r, *w)
                ),
            );
        }
    }
    (
        PendingKind::Fragmentation,
        "enough of each resource on some node, but never all of them on the same node".to_owned(),
    )
}
