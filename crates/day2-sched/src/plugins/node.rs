//! NodeUnschedulable, NodeName, TaintToleration and NodeAffinity.

use crate::filter::{Failure, Plugin, Rejection};
use crate::pod::{Incoming, node_selection_matches, tolerates, untolerated};
use crate::state::SimNode;
use k8s_openapi::api::core::v1::Taint;

pub const UNSCHEDULABLE: Rejection = Rejection::Unschedulable;
pub const NODE_NAME: Rejection = Rejection::NodeName;
pub const TAINTS: Rejection = Rejection::UntoleratedTaint;
pub const AFFINITY: Rejection = Rejection::NodeAffinity;

pub fn unschedulable(pod: &Incoming<'_, '_>, node: &SimNode) -> Option<Failure> {
    if !node.unschedulable {
        return None;
    }
    static CORDON: std::sync::LazyLock<Taint> = std::sync::LazyLock::new(|| Taint {
        key: "node.kubernetes.io/unschedulable".into(),
        effect: "NoSchedule".into(),
        ..Taint::default()
    });
    // Tolerating the unschedulable taint lets the pod onto cordoned nodes.
    let tolerated = pod.tolerations().iter().any(|t| tolerates(t, &CORDON));
    if tolerated {
        return None;
    }
    Some(
        Failure::new(
            Plugin::NodeUnschedulable,
            UNSCHEDULABLE,
            "cordoned (spec.unschedulable)",
        )
        .unresolvable(),
    )
}

/// A pod already bound to an existing node is judged as if it were being
/// scheduled again, so its binding is not a constraint; a pod naming a node
/// that does not exist fits nowhere.
pub fn node_name(pod: &Incoming<'_, '_>, node: &SimNode) -> Option<Failure> {
    if pod.self_node.is_some() {
        return None;
    }
    let want = day2_model::pod::node_name(pod.pod)?;
    if want == node.name {
        return None;
    }
    Some(
        Failure::new(
            Plugin::NodeName,
            NODE_NAME,
            pod.say(|| format!("spec.nodeName is {want}")),
        )
        .unresolvable(),
    )
}

pub fn describe_taint(t: &Taint) -> String {
    match t.value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => format!("{}={}:{}", t.key, v, t.effect),
        None => format!("{}:{}", t.key, t.effect),
    }
}

pub fn taints(pod: &Incoming<'_, '_>, node: &SimNode) -> Option<Failure> {
    let t = untolerated(&node.taints, pod.tolerations())?;
    Some(
        Failure::new(
            Plugin::TaintToleration,
            TAINTS,
            pod.say(|| format!("taint {} is not tolerated", describe_taint(t))),
        )
        .unresolvable(),
    )
}

pub fn affinity(pod: &Incoming<'_, '_>, node: &SimNode) -> Option<Failure> {
    if node_selection_matches(pod.spec, node) {
        return None;
    }
    if !pod.detailed {
        return Some(Failure::new(Plugin::NodeAffinity, AFFINITY, "").unresolvable());
    }
    let mut missing: Vec<String> = pod
        .spec
        .node_selector
        .iter()
        .flatten()
        .filter(|(k, v)| node.labels.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let detail = if missing.is_empty() {
        "required node affinity does not match the node's labels".to_owned()
    } else {
        missing.sort();
        pod.say(|| format!("nodeSelector needs {}", missing.join(", ")))
    };
    Some(Failure::new(Plugin::NodeAffinity, AFFINITY, detail).unresolvable())
}
