//! Pods blocked by taints they do not tolerate.

use super::{autoscaler_links, parts, said, scheduler_links};
use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::scheduler::Reason;
use crate::model;
use crate::symptoms::Detected;
use day2_model::Loop;
use day2_model::text::short_list;

/// Whether a kube-system pod is Pending and tolerates none of the taints
/// of `tainted`.
fn system_blocked(
    a: &Analysis<'_>,
    tainted: &[&day2_model::Res<k8s_openapi::api::core::v1::Node>],
) -> bool {
    a.cluster.pods_in_namespace("kube-system").any(|p| {
        model::phase(p) == "Pending"
            && model::node_name(p).is_none()
            && p.spec.as_ref().is_some_and(|s| {
                tainted
                    .iter()
                    .all(|n| !model::untolerated_taints(s, n).is_empty())
            })
    })
}

/// Untolerated taints.
pub fn taints<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some((pod, spec, p)) = parts(d) else {
        return vec![];
    };
    let told = said(p, |r| matches!(r, Reason::Taint(_)));
    let nodes = &a.cluster.nodes;
    let by_key = a.untolerated(spec);
    // A claim not yet bound stops the scheduler before any node's taints
    // are weighed (the VolumeBinding PreFilter): they are not why it waits.
    let prefiltered = p
        .message
        .as_deref()
        .is_some_and(|m| m.contains("unbound immediate PersistentVolumeClaims"));
    if told == 0
        && (prefiltered
            || p.fit.is_some()
            || by_key.is_empty()
            || a.verdicts(pod).is_some_and(|v| v.any_fits))
    {
        return vec![];
    }
    let total = p
        .fit
        .as_ref()
        .and_then(|f| f.total)
        .unwrap_or(nodes.len() as u32);
    let Some((taint, tainted)) = by_key.iter().max_by_key(|(_, v)| v.len()) else {
        return vec![Hypothesis::new(40, Loop::Compute, model::workload_ref(a.cluster, pod), format!("the scheduler reports {told} node(s) with taints the pod does not tolerate; the nodes are not in the input"))
            .fix("List the taints (`kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints`) and add a matching toleration or untainted capacity.")
            .missing("no Node objects (spec.taints) in the input")
            .links(scheduler_links(d))];
    };
    let key = taint.split([':', '=']).next().unwrap_or("");
    let names: Vec<&str> = tainted.iter().map(|n| n.name()).collect();
    let node_obj = if tainted.len() == 1 {
        tainted[0].objref()
    } else {
        model::node_pool_ref(tainted.iter().copied())
    };
    // A taint of a node's condition (`node.kubernetes.io/…`, set by the
    // node lifecycle controller) on every node the pod's selection leaves:
    // it covers all the pod could use, though other nodes were never
    // candidates. A role's taint there is the selection's choice instead.
    let covers_all = told >= total
        || tainted.len() as u32 >= total
        || (key.starts_with("node.kubernetes.io/") && {
            let selectable = a.selected_nodes(spec);
            !selectable.is_empty()
                && selectable
                    .iter()
                    .all(|n| tainted.iter().any(|t| t.name() == n.name()))
        });
    let base = if covers_all { 80 } else { 50 };
    let links = scheduler_links(d);
    let h = match key {
        "node.kubernetes.io/not-ready" | "node.kubernetes.io/unreachable" => {
            let ev: Vec<String> = tainted
                .iter()
                .filter_map(|n| model::node_condition(n, "Ready").map(|c| format!("{} Ready={} ({}): {}", n.name(), c.status, c.reason.as_deref().unwrap_or(""), c.message.as_deref().unwrap_or(""))))
                .take(3)
                .collect();
            Hypothesis::new(base - 5, Loop::Compute, node_obj.clone(), format!("node(s) {} are NotReady and carry the {key} taint", short_list(&names, 4)))
                .fix("Find why the nodes are NotReady (kubelet, container runtime, CNI): `kubectl describe node`; replace nodes that do not come back.")
                .link(Link::new(Loop::Compute, d.since, node_obj, format!("nodes carry {taint}")).with_evidence(ev))
        }
        "node.kubernetes.io/memory-pressure" | "node.kubernetes.io/disk-pressure" | "node.kubernetes.io/pid-pressure" => {
            let unreq: u32 = tainted.iter().map(|n| a.capacity().unrequested(n.name()).1).sum();
            Hypothesis::new(
                base,
                Loop::Compute,
                node_obj.clone(),
                format!("node(s) {} are under pressure ({key}); {unreq} pod(s) on them have no memory request, so the scheduler packed them past what the nodes hold", short_list(&names, 4)),
            )
            .fix("Give every container memory requests and limits (requests close to real usage) so the scheduler's budget matches reality; the kubelet evicts BestEffort pods first under pressure.")
        }
        "node.kubernetes.io/unschedulable" => Hypothesis::new(base, Loop::Compute, node_obj, format!("node(s) {} are cordoned", short_list(&names, 4)))
            .fix(format!("`kubectl uncordon {}` once maintenance is done, or add capacity.", names[0])),
        "node.kubernetes.io/network-unavailable" => {
            // The condition behind the taint: a route the cloud's route
            // controller did not create (`NoRouteCreated`), or a CNI that
            // has not set it false.
            let why = tainted.iter().find_map(|n| {
                let c = model::node_condition(n, "NetworkUnavailable").filter(|c| c.status == "True")?;
                Some((n.name(), c.reason.as_deref().unwrap_or(""), c.message.as_deref().unwrap_or("")))
            });
            let (summary, fix) = match why {
                Some((n, "NoRouteCreated", message)) => (
                    format!("node(s) {} have no pod network ({key}): their NetworkUnavailable condition is True with reason NoRouteCreated{}: the cloud's route controller has not created a route for {n}'s pod range", short_list(&names, 4), if message.is_empty() { String::new() } else { format!(" ({message})") }),
                    format!("The cloud controller manager's route controller sets NetworkUnavailable false once it has created the node's route in the cloud's route table; a node the cloud does not own (an edge or on-premises machine joined to a cloud cluster) never gets one. Let a CNI that needs no cloud route configure {n} (and set the condition), keep such nodes out of the route controller (`--configure-cloud-routes=false`), or fix the route table's permissions for the cloud controller; then the {key} taint goes."),
                ),
                _ => (
                    format!("node(s) {} have no pod network yet ({key}): the CNI has not configured them", short_list(&names, 4)),
                    "Check the CNI DaemonSet pods on these nodes (aws-node, azure-cni, cilium, calico-node) and their logs; the NetworkUnavailable condition says who set it.".to_owned(),
                ),
            };
            Hypothesis::new(base, Loop::Network, node_obj, summary).fix(fix)
        }
        // kubeadm taints control-plane nodes so workloads go to workers
        // (`kubeadm init`, `node-role.kubernetes.io/control-plane:NoSchedule`;
        // `…/master` before 1.24). Every node carrying it means the cluster
        // has no worker: the nodes, not the workload, are to change.
        "node-role.kubernetes.io/control-plane" | "node-role.kubernetes.io/master" if covers_all => Hypothesis::new(
            82,
            Loop::Compute,
            node_obj,
            format!("every node ({}) is a control-plane node with the taint {taint}: the cluster has no worker node for {}", short_list(&names, 4), pod.name()),
        )
        .fix(format!(
            "Join a worker node (`kubeadm join …`), or, on a single-node cluster, let workloads run on the control plane by removing the taint: `kubectl taint nodes --all {key}-`. A toleration on each workload would work too, but the taint is the cluster's setting."
        )),
        // EKS Fargate's nodes carry `eks.amazonaws.com/compute-type=fargate`
        // and take only pods that Fargate's admission gave to its own
        // scheduler (a profile matched the namespace and labels); a pod
        // annotated `eks.amazonaws.com/compute-type: ec2` is kept off them
        // on purpose and waits for EC2 nodes.
        "eks.amazonaws.com/compute-type" => {
            let workload = model::workload_ref(a.cluster, pod);
            let annotated = pod
                .annotations()
                .get("eks.amazonaws.com/compute-type")
                .is_some_and(|v| v == "ec2");
            if annotated {
                Hypothesis::new(
                    86,
                    Loop::Compute,
                    workload.clone(),
                    format!("{} is annotated `eks.amazonaws.com/compute-type: ec2`, which keeps it off Fargate, and the {} node(s) it could use ({}) are Fargate nodes: it waits for an EC2 node that does not exist", pod.name(), tainted.len(), short_list(&names, 3)),
                )
                .fix(format!("Remove the annotation from the pod template of {workload} (`kubectl patch {} {} -n {} --type json -p '[{{\"op\": \"remove\", \"path\": \"/spec/template/metadata/annotations/eks.amazonaws.com~1compute-type\"}}]'`) and restart it, so Fargate schedules it; or add an EC2 node group.", workload.kind.to_ascii_lowercase(), workload.name, pod.ns_or_default()))
            } else {
                Hypothesis::new(
                    80,
                    Loop::Compute,
                    workload.clone(),
                    format!("{} went to the default scheduler, and the {} node(s) it could use ({}) are Fargate nodes, which take only the pods a Fargate profile selects: no profile selects namespace {} with its labels", pod.name(), tainted.len(), short_list(&names, 3), pod.ns_or_default()),
                )
                .fix(format!("Create a Fargate profile whose selector matches namespace {} (and the pod's labels), then delete the pod so it is admitted again (Fargate's scheduler places it on a node of its own; the pod need not tolerate `{taint}`, and tolerating it does not make the existing Fargate nodes take it); or add an EC2 node group for it.", pod.ns_or_default()))
            }
        }
        // Set by the kubelet with `--cloud-provider=external` and removed by
        // the cloud controller manager once it has found the node in the
        // cloud: a CCM that runs and leaves it there is what to look at.
        "node.cloudprovider.kubernetes.io/uninitialized" => match cloud_controller(a) {
            Some(ccm) => {
                let owner = model::workload_ref(a.cluster, ccm);
                Hypothesis::new(base.max(80), Loop::Compute, owner.clone(), format!("node(s) {} still carry {taint}, which the cloud controller manager removes once it has initialised a node, and {owner} runs ({}) without initialising them: {} waits for it", short_list(&names, 4), ccm.name(), pod.name()))
                    .fix(format!("Read the logs of {owner} (`kubectl logs -n {} {}`): it must find each node in the cloud (its credentials, the nodes' provider IDs and names) and be a release made for the cluster's Kubernetes minor version (an older cloud-controller-manager may never initialise the nodes); upgrade it to the matching release. Removing the taint by hand (`kubectl taint nodes --all {key}-`) skips what it sets (addresses, zones).", ccm.ns_or_default(), ccm.name()))
            }
            None => Hypothesis::new(base.max(80), Loop::Compute, node_obj, format!("node(s) {} carry {taint}, which the kubelet sets with `--cloud-provider=external` until a cloud controller manager initialises the node, and no cloud controller manager runs in the cluster: {} waits for a controller that is not there", short_list(&names, 4), pod.name()))
                .fix(format!("Deploy the cloud provider's controller manager (AWS, Azure, GCP or vSphere CPI; it tolerates the taint itself), and let what installs it start first: whatever deploys it (an installer's Jobs, a GitOps controller's) must tolerate `{key}` with effect NoSchedule. Without a cloud provider, drop `--cloud-provider=external` from the kubelets and remove the taint (`kubectl taint nodes --all {key}-`).")),
        },
        // A taint of the cluster's own on every node that even its system
        // pods (kube-system's, which tolerate what a distribution sets on
        // purpose) do not tolerate: the nodes were tainted by mistake
        // (k3s-io/k3s#1401, a server installed with `--node-taint
        // …:NoExecute`), not every workload short of a toleration.
        _ if covers_all && system_blocked(a, tainted) => Hypothesis::new(
            82,
            Loop::Compute,
            node_obj,
            format!("every node ({}) carries the taint {taint}, which the cluster's own system pods do not tolerate either: nothing without that toleration, {} included, can run", short_list(&names, 4), pod.name()),
        )
        .fix(format!(
            "Remove the taint from the nodes (`kubectl taint nodes --all {key}-`), and from what sets it at start (k3s `--node-taint`, the kubelet's `--register-with-taints`, the node pool's taints), unless the nodes are meant to run only tolerating workloads; then add untainted nodes."
        )),
        // Karpenter's own start-up taints, which it removes once the node
        // is Ready and registered: on a Ready node it was left behind
        // (aws/karpenter-provider-aws#644), and the node is to fix.
        "karpenter.sh/not-ready" | "karpenter.sh/unregistered"
            if tainted.iter().all(|n| model::node_ready(n) == Some(true)) =>
        {
            Hypothesis::new(
                80,
                Loop::Compute,
                node_obj,
                format!("node(s) {} are Ready but still carry Karpenter's start-up taint {taint}, which it removes once a node is initialised; {} does not tolerate it", short_list(&names, 4), pod.name()),
            )
            .fix(format!("Remove the stale taint (`kubectl taint nodes {} {key}-`) and upgrade Karpenter if it keeps leaving it (a known bug of early releases); a toleration on the workload would only hide it.", names[0]))
        }
        _ => {
            let workload = model::workload_ref(a.cluster, pod);
            // The pod's nodeSelector/affinity picks nodes, and every one it
            // picks carries a taint it does not tolerate: that pair is the cause.
            let selected = a.selected_nodes(spec);
            let selected_all_tainted = !selected.is_empty()
                && (selected.len() as u32) < total
                && selected
                    .iter()
                    .all(|n| !model::untolerated_taints(spec, n).is_empty());
            let summary = if selected_all_tainted {
                let sel: Vec<&str> = selected.iter().map(|n| n.name()).collect();
                format!(
                    "the only node(s) {} selects ({}) carry the taint {taint}, which it does not tolerate; the other {} node(s) do not match its node selection",
                    pod.name(),
                    short_list(&sel, 4),
                    total as usize - selected.len()
                )
            } else {
                format!("{} of {total} node(s) carry the taint {taint} and {} has no toleration for it", tainted.len(), pod.name())
            };
            Hypothesis::new(
                if selected_all_tainted { 82 } else { base },
                Loop::Compute,
                workload.clone(),
                summary,
            )
            .fix(format!(
                "If {workload} belongs on those nodes, add `tolerations: [{{key: \"{key}\", operator: \"Exists\", effect: \"{}\"}}]` (with a matching nodeSelector); otherwise give it untainted capacity.",
                taint.rsplit(':').next().unwrap_or("NoSchedule")
            ))
        }
    };
    vec![h.links(links).links(autoscaler_links(a, d, None))]
}

/// A cloud controller manager's pod, by its name, its labels or its image
/// (`cloud-controller-manager`, `vsphere-cpi`, `ccm`).
fn cloud_controller<'c>(a: &Analysis<'c>) -> Option<&'c day2_model::Res<day2_model::Pod>> {
    let ccm = |t: &str| {
        t.contains("cloud-controller-manager")
            || t.contains("cloud-provider")
            || t.contains("cpi")
            || t.split(['-', '/', ':', '.']).any(|w| w == "ccm")
    };
    a.cluster.pods.iter().find(|p| {
        ccm(p.name())
            || p.labels().values().any(|v| ccm(v))
            || p.spec.as_ref().is_some_and(|s| {
                s.containers
                    .iter()
                    .any(|c| c.image.as_deref().is_some_and(ccm))
            })
    })
}
