//! A pod that names its node in `spec.nodeName` never passes the scheduler,
//! and a `WaitForFirstConsumer` claim is bound only through the scheduler:
//! its VolumeBinding plugin writes `volume.kubernetes.io/selected-node` on
//! the claim (kubernetes/kubernetes
//! `pkg/scheduler/framework/plugins/volumebinding/binder.go`,
//! `AnnSelectedNode`), which the provisioner waits for. So the claim stays
//! Pending ("waiting for first consumer to be created before binding") and
//! the pod waits for its volume on the node it named, for ever.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::Detected;
use day2_model::Loop;

const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";

/// The pod's own `nodeName` keeps its `WaitForFirstConsumer` claim from binding.
pub fn node_name_bypasses_binding<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Some(spec) = pod.spec.as_ref() else {
        return vec![];
    };
    let Some(node) = day2_model::pod::node_name(pod) else {
        return vec![];
    };
    let ns = pod.ns_or_default();
    let waiting: Vec<_> = model::claims(spec)
        .filter_map(|name| a.cluster.pvc(ns, name))
        .filter(|pvc| {
            pvc.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Pending")
                && pvc.annotation(SELECTED_NODE).is_none()
                && a.cluster
                    .class_of_claim(pvc)
                    .and_then(|sc| sc.volume_binding_mode.as_deref())
                    == Some("WaitForFirstConsumer")
        })
        .collect();
    let Some(first) = waiting.first() else {
        return vec![];
    };
    let names: Vec<&str> = waiting.iter().map(|p| p.name()).collect();
    let class = a
        .cluster
        .class_of_claim(first)
        .map(|sc| sc.name().to_owned())
        .unwrap_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    let mut h = Hypothesis::new(
        84,
        Loop::Storage,
        workload.clone(),
        format!(
            "pod {} sets `nodeName: {node}`, so it skips the scheduler; claim(s) {} of StorageClass {class} (volumeBindingMode: WaitForFirstConsumer) are bound only once the scheduler selects a node for their consumer, so they stay Pending and the pod waits for its volume",
            pod.name(),
            names.join(", ")
        ),
    )
    .fix(format!(
        "Replace `nodeName: {node}` in {workload} with a node selection the scheduler applies: `nodeSelector: {{kubernetes.io/hostname: {node}}}` (or a required nodeAffinity on that label); the scheduler then writes `{SELECTED_NODE}` on the claim and the provisioner creates its volume on that node."
    ));
    for pvc in &waiting {
        let evs = a.cluster.events_for_obj(*pvc);
        let wait = evs
            .iter()
            .rev()
            .find(|e| e.reason == "WaitForFirstConsumer");
        h = h.link(match wait {
            Some(e) => Link::from_event(
                Loop::Storage,
                e,
                format!("claim {} waits for a consumer to be scheduled", pvc.name()),
            ),
            None => Link::new(
                Loop::Storage,
                None,
                pvc.objref(),
                format!("claim {} is Pending without a selected node", pvc.name()),
            ),
        });
    }
    vec![h]
}
