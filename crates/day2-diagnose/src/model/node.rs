//! Reading nodes the way the control loops read them: allocatable, conditions,
//! the cloud identity, zones, taints against tolerations, node groups.

use super::Resources;
use day2_model::resources;
use day2_model::{Cluster, ObjRef, Res, zone_of};
use k8s_openapi::api::core::v1::{Node, NodeCondition, PodSpec, Taint};

/// A node's allocatable cpu, memory and pod slots
/// ([`day2_model::resources::node_allocatable`]: `status.allocatable`, else
/// `status.capacity`); `None` when the node reports neither.
pub fn allocatable(node: &Node) -> Option<Resources> {
    let a = resources::node_allocatable(node)?;
    let get = |k: &str| a.get(k).and_then(|q| resources::amount(k, &q.0));
    Some(Resources {
        cpu: get("cpu").unwrap_or(0),
        memory: get("memory").unwrap_or(0),
        pods: get("pods").unwrap_or(0),
    })
}

pub fn node_condition<'a>(node: &'a Node, type_: &str) -> Option<&'a NodeCondition> {
    node.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
}

/// A node condition as evidence: `DiskPressure=True (reason): message`.
pub fn condition_evidence(c: &NodeCondition) -> String {
    format!(
        "{}={} ({}): {}",
        c.type_,
        c.status,
        c.reason.as_deref().unwrap_or(""),
        c.message.as_deref().unwrap_or("")
    )
}

/// Ready condition status; None when the node reports no conditions.
pub fn node_ready(node: &Node) -> Option<bool> {
    node_condition(node, "Ready").map(|c| c.status == "True")
}

/// Events about a node, by name: the kubelet reports them with the node's
/// name as the involved uid (`pkg/kubelet/kubelet.go` nodeRef), the node
/// controller with the real uid, so the uid cannot tell incarnations apart.
pub fn node_events<'c>(cluster: &'c Cluster, node: &Res<Node>) -> Vec<&'c day2_model::Event> {
    cluster.events_for("Node", None, node.name(), None)
}

/// The node's cloud identity, `spec.providerID`, when the cloud provider set it.
pub fn provider_id(node: &Node) -> Option<&str> {
    node.spec
        .as_ref()?
        .provider_id
        .as_deref()
        .filter(|p| !p.is_empty())
}

pub fn cordoned(node: &Node) -> bool {
    node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true)
}

pub fn node_zone(node: &Res<Node>) -> Option<&str> {
    zone_of(node.labels())
}

pub use day2_sched::pod::tolerates;

/// NoSchedule/NoExecute taints of the node the pod does not tolerate.
pub fn untolerated_taints<'n>(spec: &PodSpec, node: &'n Node) -> Vec<&'n Taint> {
    let tol = spec.tolerations.as_deref().unwrap_or(&[]);
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .filter(|t| matches!(t.effect.as_str(), "NoSchedule" | "NoExecute"))
        .filter(|t| !tol.iter().any(|x| tolerates(x, t)))
        .collect()
}

pub use day2_sched::plugins::node::describe_taint;

/// nodeSelector and required node affinity.
pub fn matches_node_selection(spec: &PodSpec, node: &Res<Node>) -> bool {
    day2_model::selector::node_selection_admits(spec, node.name(), node.labels())
}

/// Node-group labels of the managed offerings and autoscalers.
/// Labels naming a node's group, with the kind of object the group is.
const NODE_GROUP_LABELS: [(&str, &str); 7] = [
    ("eks.amazonaws.com/nodegroup", "NodeGroup"),
    ("karpenter.sh/nodepool", "NodePool"),
    ("karpenter.sh/provisioner-name", "Provisioner"),
    ("alpha.eksctl.io/nodegroup-name", "NodeGroup"),
    ("kubernetes.azure.com/agentpool", "NodeGroup"),
    ("agentpool", "NodeGroup"),
    ("cloud.google.com/gke-nodepool", "NodeGroup"),
];

pub fn node_group(node: &Res<Node>) -> Option<&str> {
    node_group_of(node).map(|(_, name)| name)
}

/// The node's group and the kind of object it is (a Karpenter NodePool or
/// Provisioner, else a cloud node group).
fn node_group_of(node: &Res<Node>) -> Option<(&'static str, &str)> {
    NODE_GROUP_LABELS
        .iter()
        .find_map(|(k, kind)| node.labels().get(*k).map(|v| (*kind, v.as_str())))
}

/// The node pool a set of nodes belongs to, as an object reference: the node
/// group when they share one, else the single node, else all nodes.
pub fn node_pool_ref<'a>(nodes: impl IntoIterator<Item = &'a Res<Node>>) -> ObjRef {
    let nodes: Vec<&Res<Node>> = nodes.into_iter().collect();
    // Every node in one and the same group.
    let mut groups = nodes.iter().map(|n| node_group_of(n));
    if let Some(Some((kind, first))) = groups.next()
        && groups.all(|g| g == Some((kind, first)))
    {
        return ObjRef::new(kind, None, first);
    }
    match nodes.as_slice() {
        [one] => one.objref(),
        _ => ObjRef::new("NodeGroup", None, "(all nodes)"),
    }
}
