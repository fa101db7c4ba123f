//! Why a node is NotReady: the CNI, a lost kubelet, pressure, the runtime.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::{Detected, Subject};
use day2_model::{Loop, ObjRef};

/// CNI DaemonSets by name, and the loop they belong to.
const CNI: &[&str] = &[
    "aws-node",
    "azure-cns",
    "azure-cni",
    "cilium",
    "calico-node",
    "kube-flannel-ds",
    "weave-net",
    "antrea-agent",
];

pub fn not_ready<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Node(node) = d.subject else {
        return vec![];
    };
    let Some(ready) = model::node_condition(node, "Ready") else {
        return vec![];
    };
    let msg = ready.message.as_deref().unwrap_or("");
    let reason = ready.reason.as_deref().unwrap_or("");
    let on_node: Vec<String> = a
        .cluster
        .pods_on_node(node.name())
        .filter(|p| !model::is_terminal(p))
        .map(|p| format!("{}/{}", p.ns_or_default(), p.name()))
        .collect();
    let pods = on_node.len();
    // The pods it takes down, by name: the first place an on-call looks.
    let named = match pods {
        0 => String::new(),
        _ => format!(" ({})", day2_model::text::short_list(&on_node, 3)),
    };
    let l = msg.to_ascii_lowercase();
    let cond_link = Link::new(
        Loop::Compute,
        d.since,
        node.objref(),
        format!("node {} Ready={} ({reason})", node.name(), ready.status),
    )
    .with_evidence([msg.to_owned()]);
    let pressure: Vec<&str> = ["MemoryPressure", "DiskPressure", "PIDPressure"]
        .into_iter()
        .filter(|t| model::node_condition(node, t).is_some_and(|c| c.status == "True"))
        .collect();
    let network_unavailable =
        model::node_condition(node, "NetworkUnavailable").is_some_and(|c| c.status == "True");
    if l.contains("networkpluginnotready")
        || l.contains("cni")
        || l.contains("network plugin")
        || network_unavailable
    {
        let ds = a
            .cluster
            .daemon_sets
            .iter()
            .find(|d| CNI.contains(&d.name()));
        let obj = ds.map(|d| d.objref()).unwrap_or_else(|| node.objref());
        return vec![Hypothesis::new(
            84,
            Loop::Network,
            obj,
            format!("the pod network on {} is not ready (the CNI plugin did not initialise): the kubelet reports NotReady and {pods} pod(s) there cannot start or serve{named}", node.name()),
        )
        .fix("Check the CNI DaemonSet pod on this node (`kubectl -n kube-system get pods -o wide --field-selector spec.nodeName=<node>`) and its logs; on AWS VPC CNI common causes are IP exhaustion in the subnet and the aws-node role lacking `AmazonEKS_CNI_Policy`.")
        .link(cond_link)];
    }
    if reason == "NodeStatusUnknown" || l.contains("stopped posting node status") {
        return vec![Hypothesis::new(
            62,
            Loop::Compute,
            node.objref(),
            format!("the kubelet on {} stopped reporting (instance stopped or unreachable, kubelet down, or network partition); {pods} pod(s) there are unreachable{named}", node.name()),
        )
        .fix("Check the instance in the cloud console and the kubelet (`journalctl -u kubelet`); replace the node if it does not return; PodDisruptionBudgets and replicas across zones limit the blast radius.")
        .link(cond_link)];
    }
    if !pressure.is_empty() {
        let unreq = a.capacity().unrequested(node.name()).1;
        return vec![Hypothesis::new(
            72,
            Loop::Compute,
            node.objref(),
            format!("node {} is under {}; {unreq} pod(s) on it have no memory request, so the scheduler packed it past its real capacity", node.name(), pressure.join(", ")),
        )
        .fix("Set requests and limits on every workload from measured usage; reserve system resources (kubeReserved/systemReserved) and keep eviction thresholds.")
        .link(cond_link)];
    }
    if l.contains("pleg") || l.contains("container runtime") {
        return vec![
            Hypothesis::new(
                60,
                Loop::Compute,
                node.objref(),
                format!(
                    "the container runtime on {} is unhealthy: {msg}{}",
                    node.name(),
                    on_it(pods, &named)
                ),
            )
            .fix("Check containerd/CRI-O on the node; restart or replace the node.")
            .link(cond_link),
        ];
    }
    vec![
        Hypothesis::new(
            35,
            Loop::Compute,
            ObjRef::new("Node", None, node.name()),
            format!(
                "node {} is NotReady: {reason} {msg}{}",
                node.name(),
                on_it(pods, &named)
            ),
        )
        .fix("`kubectl describe node` and the kubelet's log on the node.")
        .link(cond_link),
    ]
}

/// `; N pod(s) on it (a, b, c)`, or nothing for an empty node.
fn on_it(pods: usize, named: &str) -> String {
    match pods {
        0 => String::new(),
        n => format!("; {n} pod(s) on it{named}"),
    }
}
