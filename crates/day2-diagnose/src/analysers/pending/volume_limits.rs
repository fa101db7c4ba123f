//! Pods whose only admissible nodes are at their attachable-volume limit:
//! the scheduler's `node(s) exceed max volume count` (NodeVolumeLimits,
//! `pkg/scheduler/framework/plugins/nodevolumelimits/csi.go`,
//! `ErrReasonMaxVolumeCountExceeded`) read against the nodes the pod's
//! selection admits and each node's CSINode `allocatable.count`.

use super::{parts, said, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::scheduler::Reason;
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::Node;

/// The volume limit each driver of the node's CSINode declares.
fn driver_limits<'a>(a: &'a Analysis<'_>, node: &'a str) -> impl Iterator<Item = (&'a str, i32)> {
    a.cluster
        .csi_nodes
        .iter()
        .filter(move |c| c.name() == node)
        .flat_map(|c| c.spec.drivers.iter())
        .filter_map(|d| Some((d.name.as_str(), d.allocatable.as_ref()?.count?)))
}

/// The volume limits the node's CSINode declares, per driver, as text.
fn limits(a: &Analysis<'_>, node: &str) -> Vec<String> {
    driver_limits(a, node)
        .map(|(driver, n)| format!("{driver} allows {n} volumes"))
        .collect()
}

/// The smallest volume limit the node's CSINode declares.
fn limit(a: &Analysis<'_>, node: &str) -> Option<usize> {
    driver_limits(a, node)
        .filter_map(|(_, n)| usize::try_from(n).ok())
        .min()
}

/// Volumes attached to a node: the claims its pods mount, or its
/// VolumeAttachments, whichever the input shows more of.
fn attached(a: &Analysis<'_>, node: &str) -> usize {
    let claims = a
        .cluster
        .pods_on_node(node)
        .filter(|p| !model::is_terminal(p))
        .filter_map(|p| p.spec.as_ref())
        .map(|s| model::claims(s).count())
        .sum();
    let attachments = a
        .cluster
        .volume_attachments
        .iter()
        .filter(|v| v.spec.node_name == node && v.status.as_ref().is_none_or(|s| s.attached))
        .count();
    attachments.max(claims)
}

pub fn volume_limits<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    let full = said(p, |r| *r == Reason::VolumeLimits);
    if full == 0 {
        return vec![];
    }
    // Every other node is excluded by the pod's own selection or a taint:
    // the nodes at their limit are all it may use.
    let excluded = said(p, |r| {
        matches!(
            r,
            Reason::NodeAffinity | Reason::Taint(_) | Reason::Unschedulable
        )
    });
    // Nodes full in another dimension (pods, cpu, memory) count with the
    // excluded ones while they are fewer than those at their volume limit:
    // the volume limit is then what keeps most usable nodes out.
    let other_full = said(p, |r| {
        matches!(r, Reason::TooManyPods | Reason::Insufficient(_))
    });
    let other_full = if other_full < full { other_full } else { 0 };
    let total = p.fit.as_ref().and_then(|f| f.total).unwrap_or(full);
    if full + excluded + other_full < total {
        return vec![];
    }
    let mut candidates: Vec<&Res<Node>> = a
        .selected_nodes(spec)
        .iter()
        .copied()
        .filter(|n| model::untolerated_taints(spec, n).is_empty() && !model::cordoned(n))
        .collect();
    // Where the input shows which nodes are at their limit (CSINode's count
    // against the claims their pods mount), those; else leave out the
    // nodes full of pods, which the scheduler turned away for that.
    let at_limit: Vec<&Res<Node>> = candidates
        .iter()
        .copied()
        .filter(|n| limit(a, n.name()).is_some_and(|l| attached(a, n.name()) >= l))
        .collect();
    if !at_limit.is_empty() {
        candidates = at_limit;
    } else if other_full > 0 {
        let capacity = a.capacity();
        candidates.retain(|n| {
            let pods = capacity.allocatable(n.name()).map_or(0, |r| r.pods);
            pods <= 0 || capacity.free(n.name()).is_some_and(|f| f.pods > 0)
        });
    }
    // One node: that node (its VM size); several: their pool.
    let root = match candidates.as_slice() {
        [] => model::workload_ref(a.cluster, pod),
        [one] => one.objref(),
        many => model::node_pool_ref(many.iter().copied()),
    };
    let described: Vec<String> = candidates
        .iter()
        .map(|n| {
            let l = limits(a, n.name());
            format!(
                "{} ({} volumes attached{})",
                n.name(),
                attached(a, n.name()),
                if l.is_empty() {
                    String::new()
                } else {
                    format!("; CSINode: {}", l.join(", "))
                }
            )
        })
        .collect();
    let workload = model::workload_ref(a.cluster, pod);
    let mut h = Hypothesis::new(
        80,
        Loop::Storage,
        root.clone(),
        format!(
            "{full} of {total} node(s) exceed their max volume count and the others are excluded by {}'s node selection or taints: the node(s) it may use cannot attach another volume{}",
            pod.name(),
            if described.is_empty() {
                String::new()
            } else {
                format!(": {}", described.join("; "))
            }
        ),
    )
    .fix(format!(
        "The node's attach limit (data disks per VM size on Azure, EBS attachments per instance type on AWS, PD per machine type on GCE) is reached: use a VM size with more data disks, add nodes that {workload} may use (widen its node affinity or scale the pool out), or move volume-heavy pods elsewhere; `kubectl get csinode <node> -o yaml` shows the volume limit."
    ))
    .links(scheduler_links(d));
    for n in &candidates {
        h = h.link(Link::new(
            Loop::Storage,
            None,
            n.objref(),
            "node at its attachable-volume limit",
        ));
    }
    vec![h]
}
