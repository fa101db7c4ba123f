//! Pods held back by `schedulingGates` that were never removed.

use super::parts;
use crate::analysis::Analysis;
use crate::evidence::Hypothesis;
use crate::model;
use crate::symptoms::Detected;
use day2_model::Loop;

/// `schedulingGates` that were never removed.
pub fn gated<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, _)) = parts(d) else {
        return vec![];
    };
    let Some(gates) = spec.scheduling_gates.as_ref().filter(|g| !g.is_empty()) else {
        return vec![];
    };
    let names: Vec<&str> = gates.iter().map(|g| g.name.as_str()).collect();
    vec![Hypothesis::new(
        92,
        Loop::Compute,
        model::workload_ref(a.cluster, pod),
        format!("the pod carries scheduling gates that were never removed: {}", names.join(", ")),
    )
    .fix(format!("The controller that owns the gate ({}) must remove it; check that it runs. Removing `spec.schedulingGates` by hand releases the pod to the scheduler.", names.join(", ")))]
}
