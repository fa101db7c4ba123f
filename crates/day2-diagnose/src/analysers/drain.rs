//! Why a PodDisruptionBudget keeps a cordoned node from draining
//! ([`crate::symptoms::drain`]). The budget allows no disruption either
//! because it asks for every pod it covers (`minAvailable` equal to the
//! replicas, `maxUnavailable: 0`: rule CP006), and then the budget or the
//! replica count is what to change; or because some of its pods are not
//! healthy, and then their own cause holds the drain.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::symptoms::drain::{held, selects};
use crate::symptoms::{Detected, Subject};
use day2_model::Loop;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

fn int_or_str(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

pub fn blocked<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Node(node) = d.subject else {
        return vec![];
    };
    let held = held(a, node.name());
    let Some(first) = held.first() else {
        return vec![];
    };
    let pdb = first.pdb;
    let ns = pdb.ns_or_default();
    let status = pdb.status.as_ref();
    let healthy = status.and_then(|s| s.current_healthy).unwrap_or(0);
    let desired = status.and_then(|s| s.desired_healthy).unwrap_or(0);
    let expected = status.and_then(|s| s.expected_pods).unwrap_or(0);
    let link = Link::new(
        Loop::Compute,
        d.since,
        node.objref(),
        format!(
            "node {} is cordoned, and pod {}/{} on it may not be evicted: PodDisruptionBudget {} allows 0 disruptions ({healthy} healthy, {desired} required)",
            node.name(),
            first.pod.ns_or_default(),
            first.pod.name(),
            pdb.name()
        ),
    );
    // Some of its pods are not healthy: their cause holds the drain.
    if healthy < desired {
        let sick = a
            .cluster
            .pods_in_namespace(ns)
            .find(|p| !crate::model::is_ready(p) && selects(pdb, p));
        if let Some(r) = sick.and_then(|p| a.pod_result(p.ns_or_default(), p.name())) {
            let mut h = r.as_upstream(1);
            h.links.push(link);
            return vec![h];
        }
    }
    let workload = crate::model::workload_ref(a.cluster, first.pod);
    let spec = pdb.spec.as_ref();
    let asks = match (
        spec.and_then(|s| s.min_available.as_ref()),
        spec.and_then(|s| s.max_unavailable.as_ref()),
    ) {
        (Some(m), _) => format!("minAvailable: {}", int_or_str(m)),
        (_, Some(m)) => format!("maxUnavailable: {}", int_or_str(m)),
        _ => "its bounds".to_owned(),
    };
    let others: Vec<String> = held
        .iter()
        .skip(1)
        .map(|h| format!("{}/{}", h.pdb.ns_or_default(), h.pdb.name()))
        .fold(Vec::new(), |mut v, n| {
            if !v.contains(&n) && n != format!("{ns}/{}", pdb.name()) {
                v.push(n);
            }
            v
        });
    let also = if others.is_empty() {
        String::new()
    } else {
        format!(" (and {} the same way)", others.join(", "))
    };
    vec![
        Hypothesis::new(
            86,
            Loop::Compute,
            pdb.objref(),
            format!(
                "PodDisruptionBudget {ns}/{} asks for {asks} over {expected} pod(s) of {workload}: with every pod healthy it still allows no eviction, so node {} cannot be drained{also}",
                pdb.name(),
                node.name()
            ),
        )
        .rule(a.findings.rule_on("CP006", &workload).map(|f| &*f.rule))
        .fix(format!(
            "Let one pod go at a time: run at least 2 replicas of {workload} (`kubectl scale -n {ns} {}/{} --replicas=2`, and in its chart or HPA), or give PodDisruptionBudget {} `maxUnavailable: 1` instead of {asks}; the drain's eviction retries then succeed. Deleting the pod (`kubectl delete pod`) bypasses the budget, with the outage the budget was meant to prevent.",
            workload.kind.to_ascii_lowercase(),
            workload.name,
            pdb.name()
        ))
        .link(link),
    ]
}
