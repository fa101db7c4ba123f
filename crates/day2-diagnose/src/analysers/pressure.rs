//! Why the kubelet evicted a pod, and why a node is under resource
//! pressure: the eviction message names the resource and the containers
//! that used more than they requested; the node's conditions, taints and
//! reclaim events say what filled it.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::messages::runtime::parse_eviction;
use crate::model;
use crate::symptoms::{Detail, Detected, Subject};
use day2_model::{Loop, ObjRef, Res};
use k8s_openapi::api::core::v1::Node;

/// What a node pressure condition is about.
fn resource_of(condition: &str) -> &'static str {
    match condition {
        "MemoryPressure" => "memory",
        "PIDPressure" => "pids",
        _ => "disk (ephemeral-storage, images)",
    }
}

/// The node's reclaim evidence: eviction thresholds met, image GC failures.
fn reclaim_links(a: &Analysis<'_>, node: &Res<Node>) -> Vec<Link> {
    model::node_events(a.cluster, node)
        .into_iter()
        .filter(|e| {
            matches!(
                e.reason.as_ref(),
                "EvictionThresholdMet"
                    | "FreeDiskSpaceFailed"
                    | "ImageGCFailed"
                    | "NodeHasDiskPressure"
                    | "NodeHasInsufficientMemory"
                    | "NodeHasInsufficientPID"
            )
        })
        .map(|e| Link::from_event(Loop::Compute, e, e.reason.to_string()))
        .collect()
}

fn pressure_fix(node: &str, condition: &str, gc_failed: bool) -> String {
    match condition {
        "MemoryPressure" => format!(
            "Node {node} is short of memory: set memory requests close to real usage (and limits) on the pods that run there so the scheduler does not overcommit it, or use larger nodes."
        ),
        "PIDPressure" => format!(
            "Node {node} is out of process IDs: find the pod forking without bound (`ps` on the node), set the kubelet's podPidsLimit."
        ),
        _ => format!(
            "Free disk on node {node}: {}set ephemeral-storage requests and limits on pods that write logs or scratch data to their container layer or emptyDir, grow the node's root/image disk, or replace the node.",
            if gc_failed {
                "image garbage collection found nothing to delete, so the disk is held by containers' writable layers, logs or emptyDir volumes, not images; "
            } else {
                "remove unused images (`crictl rmi --prune`) and old logs; "
            }
        ),
    }
}

/// A volume of a pod on the node kept in a directory of the node's own root
/// file system (a hostPath or local volume under /var, /opt, /home, /srv or
/// /tmp, as hostpath provisioners make them: openebs-hostpath,
/// local-path-provisioner): nothing caps how much it holds, and the kubelet
/// counts it against no pod, so when the disk fills and the evicted pods
/// stayed within their requests, it is the writer to look at.
fn root_disk_volume(a: &Analysis<'_>, node: &Res<Node>) -> Option<Hypothesis> {
    const ROOT_DIRS: [&str; 5] = ["/var/", "/opt/", "/home/", "/srv/", "/tmp/"];
    let mut found = Vec::new();
    for p in a
        .cluster
        .pods_on_node(node.name())
        .filter(|p| !model::is_terminal(p))
    {
        let Some(spec) = p.spec.as_ref() else {
            continue;
        };
        for c in model::claims(spec) {
            let Some(pvc) = a.cluster.pvc(p.ns_or_default(), c) else {
                continue;
            };
            let Some(pv) = a.cluster.pv_of_claim(pvc) else {
                continue;
            };
            let Some(s) = pv.spec.as_ref() else { continue };
            let path = s
                .local
                .as_ref()
                .map(|l| l.path.as_str())
                .or_else(|| s.host_path.as_ref().map(|h| h.path.as_str()));
            if let Some(path) = path.filter(|path| ROOT_DIRS.iter().any(|d| path.starts_with(d))) {
                found.push((p, pvc, pv, path.to_owned()));
            }
        }
    }
    let more = found.len().saturating_sub(1);
    let (pod, pvc, pv, path) = found.into_iter().next()?;
    let workload = model::workload_ref(a.cluster, pod);
    let (ns, claim) = (pvc.ns_or_default(), pvc.name());
    Some(
        Hypothesis::new(
            74,
            Loop::Storage,
            pvc.objref(),
            format!(
                "node {} is out of disk, and not for images or pods over their requests: claim {ns}/{claim} of {workload} keeps its data in {path} on the node's root file system (volume {}), which no size limit caps and the kubelet counts against no pod{}",
                node.name(),
                pv.name(),
                if more > 0 { format!("; {more} more such volume(s) on the node") } else { String::new() }
            ),
        )
        .fix(format!(
            "Check how much {path} holds on {} (`du -sh {path}`); cap what {workload} keeps there (its retention or size settings), clean it up, or move claim {ns}/{claim} to a class that enforces size on a disk of its own (a cloud or CSI volume, or a hostpath directory on a separate mount).",
            node.name()
        )),
    )
}

pub fn evicted<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let Detail::Message(message) = &d.detail else {
        return vec![];
    };
    let ev = parse_eviction(message);
    let node_name = model::node_name(pod).unwrap_or("?");
    let node_ref = ObjRef::new("Node", None, node_name);
    let node = a.cluster.node(node_name);
    let links = node.map(|n| reclaim_links(a, n)).unwrap_or_default();
    let workload = model::workload_ref(a.cluster, pod);
    let gc_failed = links.iter().any(|l| l.what == "FreeDiskSpaceFailed");
    // The node's condition evicted it (it was not the pod's own usage).
    if let Some(cond) = ev.conditions.first() {
        return vec![
            Hypothesis::new(
                80,
                Loop::Compute,
                node_ref,
                format!(
                    "node {node_name} has {cond}: the kubelet evicts pods to reclaim {}",
                    resource_of(cond)
                ),
            )
            .fix(pressure_fix(node_name, cond, gc_failed))
            .links(links),
        ];
    }
    let Some(resource) = ev.resource.clone() else {
        if ev.over_limit {
            // The kubelet's own words name the limit: more telling than
            // anything read from the pod's exit.
            return vec![Hypothesis::new(
                85,
                Loop::Compute,
                workload.clone(),
                format!("{} used more local ephemeral storage than its limit: {}", pod.name(), message.trim()),
            )
            .fix(format!("Raise the ephemeral-storage limit of {workload} or make it write less to its container layer and emptyDir volumes (logs to stdout, data to a volume)."))];
        }
        return vec![
            Hypothesis::new(
                25,
                Loop::Compute,
                node_ref,
                format!(
                    "the kubelet evicted {} from {node_name}: {}",
                    pod.name(),
                    message.trim()
                ),
            )
            .fix(format!(
                "Read the kubelet's log on {node_name} around the eviction."
            ))
            .missing("the eviction's resource (the pod's status.message is empty)")
            .links(links)
            .unexplained(),
        ];
    };
    let over: Vec<String> = ev
        .containers
        .iter()
        .map(|(c, used, req)| format!("container {c} used {used} against a request of {req}"))
        .collect();
    if over.is_empty() {
        if resource == "ephemeral-storage"
            && let Some(h) = node
                .and_then(|n| root_disk_volume(a, n))
                .map(|h| h.links(links.clone()))
        {
            return vec![h];
        }
        return vec![Hypothesis::new(
            70,
            Loop::Compute,
            node_ref,
            format!("node {node_name} ran low on {resource} and the kubelet evicted {} though it stayed within its requests", pod.name()),
        )
        .fix(format!("Find what else fills {resource} on {node_name} (other pods over their requests, system daemons); {}", pressure_fix(node_name, if resource == "memory" { "MemoryPressure" } else { "DiskPressure" }, gc_failed)))
        .links(links)];
    }
    let zero_request = ev.containers.iter().any(|(_, _, r)| r == "0");
    vec![Hypothesis::new(
        85,
        Loop::Compute,
        workload.clone(),
        format!(
            "node {node_name} ran low on {resource}; the kubelet evicts first the pods using most above their request: {} of {workload}",
            over.join(", ")
        ),
    )
    .fix(format!(
        "Set {resource} requests (and limits) on {workload}'s containers to their real usage{}, so the scheduler reserves it and the kubelet does not pick them first.",
        if zero_request && resource == "ephemeral-storage" { " (they request no ephemeral-storage at all: add resources.requests.ephemeral-storage and resources.limits.ephemeral-storage, and log to stdout instead of files in the container)" } else { "" }
    ))
    .links(links)]
}

pub fn node_pressure<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Subject::Node(node) = d.subject else {
        return vec![];
    };
    let Detail::Message(cond) = &d.detail else {
        return vec![];
    };
    let links = reclaim_links(a, node);
    let gc_failed = links.iter().any(|l| l.what == "FreeDiskSpaceFailed");
    let evicted = a
        .cluster
        .pods_on_node(node.name())
        .filter(|p| {
            p.status
                .as_ref()
                .is_some_and(|s| s.reason.as_deref() == Some("Evicted"))
        })
        .count();
    if cond == "DiskPressure"
        && (gc_failed || evicted > 0)
        && let Some(h) = root_disk_volume(a, node)
    {
        return vec![h.links(links)];
    }
    vec![
        Hypothesis::new(
            80,
            Loop::Compute,
            node.objref(),
            format!(
                "node {} reports {cond}{}{}",
                node.name(),
                if evicted > 0 {
                    format!("; {evicted} pod(s) evicted from it")
                } else {
                    String::new()
                },
                if gc_failed {
                    "; image garbage collection could free nothing"
                } else {
                    ""
                }
            ),
        )
        .fix(pressure_fix(node.name(), cond, gc_failed))
        .links(links),
    ]
}
