//! A Pending pod refused by the scheduler's ServiceAffinity policy
//! (`CheckServiceAffinity`, or `node(s) didn't match service affinity`;
//! removed in Kubernetes 1.25, still in OpenShift 3's default policy): the
//! pods of one Service must run on nodes whose configured labels (a region,
//! a zone) have the values of the node its first pod landed on. Nodes that
//! differ in such a label refuse the rest, and the labels, not the pods, are
//! what to change.

use super::{parts, said, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::scheduler::Reason;
use crate::model;
use crate::symptoms::Detected;
use crate::symptoms::service::selected_pods;
use day2_model::text::short_list;
use day2_model::{Loop, ObjRef};

/// Labels that name one node each, never a policy's grouping.
fn per_node(key: &str) -> bool {
    key == "kubernetes.io/hostname" || key.ends_with("/hostname") || key.contains("instance-id")
}

pub fn service_affinity<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, _spec, p)) = parts(d) else {
        return vec![];
    };
    if said(p, |r| *r == Reason::ServiceAffinity) == 0 {
        return vec![];
    }
    // The Service the pod belongs to, and the node its running pods hold;
    // without its Service in the input, the pod's siblings (the pods of its
    // workload, which the Service selects).
    let ns = pod.ns_or_default();
    let placed = |pods: Vec<&'c day2_model::Res<day2_model::Pod>>| {
        pods.into_iter()
            .find_map(|q| a.cluster.node(day2_model::pod::node_name(q)?))
    };
    let by_service = a
        .cluster
        .services
        .iter()
        .filter(|s| s.ns_or_default() == ns)
        .find_map(|s| {
            let pods = selected_pods(a, s);
            if !pods.iter().any(|q| q.name() == pod.name()) {
                return None;
            }
            Some((format!("Service {}", s.name()), placed(pods)?))
        });
    let by_workload = || {
        let own = model::workload_ref(a.cluster, pod);
        let siblings: Vec<_> = a
            .cluster
            .pods
            .iter()
            .filter(|q| q.ns_or_default() == ns && q.name() != pod.name())
            .filter(|q| model::workload_ref(a.cluster, q) == own)
            .collect();
        Some((format!("{own}'s Service"), placed(siblings)?))
    };
    let Some((svc, first)) = by_service.or_else(by_workload) else {
        return vec![];
    };
    let theirs = first.labels();
    // Labels on which other nodes differ from the first pod's node.
    let mut keys: Vec<&str> = Vec::new();
    let mut differing: Vec<&str> = Vec::new();
    for n in a.cluster.nodes.iter().filter(|n| n.name() != first.name()) {
        let mine = n.labels();
        let diff: Vec<&str> = theirs
            .iter()
            .filter(|(k, v)| !per_node(k) && mine.get(*k) != Some(*v))
            .map(|(k, _)| k.as_str())
            .collect();
        if !diff.is_empty() {
            differing.push(n.name());
            for k in diff {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
    }
    if keys.is_empty() {
        return vec![];
    }
    let shown: Vec<String> = keys
        .iter()
        .map(|k| format!("{k}={}", theirs.get(*k).map(String::as_str).unwrap_or("")))
        .collect();
    let others: Vec<String> = keys
        .iter()
        .filter_map(|k| {
            let n = a.cluster.node(differing[0])?;
            Some(format!(
                "{k}={}",
                n.labels().get(*k).map(String::as_str).unwrap_or("(none)")
            ))
        })
        .collect();
    let key = keys[0];
    let value = theirs.get(key).map(String::as_str).unwrap_or("");
    vec![
        Hypothesis::new(
            82,
            Loop::Compute,
            ObjRef::new("Node", None, differing[0]),
            format!(
                "the scheduler's ServiceAffinity policy keeps the pods of {} on nodes labelled like {}, where its first pod runs ({}); node(s) {} differ ({}), so {} has nowhere to go",
                svc,
                first.name(),
                short_list(&shown, 3),
                short_list(&differing, 3),
                short_list(&others, 3),
                pod.name()
            ),
        )
        .fix(format!(
            "Label the nodes alike for the policy's label: `kubectl label node {} {key}={value} --overwrite` (and the others that should take these pods), or drop `serviceAffinity` from the scheduler policy (OpenShift 3: `/etc/origin/master/scheduler.json`; Kubernetes removed it in 1.25).",
            differing.join(" ")
        ))
        .link(Link::new(
            Loop::Compute,
            None,
            first.objref(),
            format!("the first pod of {svc} runs on {}", first.name()),
        ))
        .links(scheduler_links(d)),
    ]
}
