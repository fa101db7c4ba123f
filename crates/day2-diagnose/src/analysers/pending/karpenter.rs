//! A Pending pod Karpenter cannot provision a node for because the node
//! pool meant for it (a NodePool, or a Provisioner before v0.32) allows no
//! instance type that satisfies the pod's requests under the pool's
//! requirements ([`crate::messages::karpenter`]). With Karpenter, no
//! existing node fitting the pod is the normal start; the pool that cannot
//! make one is the cause.

use super::{parts, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::karpenter::parse_refusals;
use crate::model;
use crate::symptoms::Detected;
use day2_model::{Loop, ObjRef};

pub fn karpenter_pool<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, _spec, _p)) = parts(d) else {
        return vec![];
    };
    let found = d
        .events_with("FailedScheduling")
        .filter(|e| e.message_text().contains("incompatible with "))
        .filter_map(|e| {
            parse_refusals(e.message_text())
                .into_iter()
                .find(|r| r.no_instance_type.is_some())
                .map(|r| (e, r))
        })
        .last();
    let Some((event, refusal)) = found else {
        return vec![];
    };
    let kind = refusal.kind.as_str();
    let pool = &refusal.pool;
    let requirements = refusal.no_instance_type.clone().unwrap_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    vec![
        Hypothesis::new(
            88,
            Loop::Compute,
            ObjRef::new(kind, None, pool.clone()),
            format!(
                "Karpenter cannot launch a node for {}: {kind} {pool} allows no instance type that offers the pod's requests (with the daemonset overhead) under its requirements: {requirements}",
                pod.name()
            ),
        )
        .fix(format!(
            "Widen the requirements of {kind} {pool} (more zones, instance categories, families or sizes; drop a requirement few instance types meet) so that some instance type offers the pod's requests plus the daemonset overhead, or lower the requests of {workload}; `kubectl get {} {pool} -o yaml` shows the requirements.",
            kind.to_ascii_lowercase()
        ))
        .link(Link::from_event(
            Loop::Compute,
            event,
            format!("Karpenter: no instance type satisfies {kind} {pool}'s requirements for the pod"),
        ))
        .links(scheduler_links(d)),
    ]
}
