//! Why the kubelet refused a pod at admission
//! ([`crate::symptoms::admission_rejected`]): its request against what the
//! pods already admitted on the node hold.

use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::admission_rejected::refused_resource;
use crate::symptoms::{Detail, Detected, Subject};
use day2_model::Loop;

/// `requested: 480, used: 3601, capacity: 4000` (milli-units for cpu).
fn figures(msg: &str) -> Option<(i64, i64, i64)> {
    let num = |key: &str| -> Option<i64> {
        let (_, rest) = msg.split_once(key)?;
        rest.trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    Some((num("requested:")?, num("used:")?, num("capacity:")?))
}

pub fn refused<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Pod(pod) = d.subject else {
        return vec![];
    };
    let Some(resource) = refused_resource(pod) else {
        return vec![];
    };
    let Detail::Message(msg) = &d.detail else {
        return vec![];
    };
    let node = model::node_name(pod).unwrap_or("its node");
    let workload = model::workload_ref(a.cluster, pod);
    let unit = if resource == "cpu" { "m" } else { "" };
    let numbers = figures(msg)
        .map(|(req, used, cap)| {
            format!(
                ": it requests {req}{unit} {resource}, and the pods admitted there already request {used}{unit} of {cap}{unit}"
            )
        })
        .unwrap_or_default();
    vec![
        Hypothesis::new(
            76,
            Loop::Compute,
            workload.clone(),
            format!(
                "the kubelet on {node} refused pod {} at admission (OutOf{resource}){numbers}; the scheduler would not have placed it there, so its controller bound it to the node itself (spec.nodeName) or the node's allocatable shrank",
                pod.name()
            ),
        )
        .fix(format!(
            "Lower the {resource} request of {workload} (for an operator's own pods, the setting that sizes them, e.g. Longhorn's guaranteed instance-manager CPU) or free {resource} on {node} (`kubectl describe node {node}` lists what the pods there request); a controller that sets spec.nodeName skips the scheduler's fit check, so the node must have room for it."
        )),
    ]
}
