//! Replicas of one pod template that fail on some nodes and run on the
//! others, where the nodes that fail them run another kernel, OS build,
//! container runtime or kubelet than the nodes that run them. The same
//! image, configuration and peers work on one node and not on the next: the
//! node is the difference, and what changed on it (an OS or kernel update, a
//! runtime upgrade: a Windows cumulative update that breaks the pod network,
//! a kernel built without a namespace runc needs, a Docker Engine whose API
//! cri-dockerd no longer reads) is outside what the cluster's objects hold.
//!
//! Read only when the nodes differ in one of those at all (once per run),
//! and only for replicas that share their spec: a rollout's old and new
//! pods differ by their template, not their node.

use crate::analysis::Analysis;
use crate::evidence::{Hypothesis, Link};
use crate::model;
use crate::symptoms::Detected;
use day2_model::pod::Pod;
use day2_model::{Loop, Res};
use k8s_openapi::api::core::v1::{Container, NodeSystemInfo, PodSpec, Volume};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Replicas compared at most: a larger workload is not read.
const MAX_REPLICAS: usize = 2_000;

/// One thing a node reports running, read from its system info.
type Field = fn(&NodeSystemInfo) -> &str;

/// What a node reports running, and how to name it.
const FIELDS: [(&str, Field); 4] = [
    ("kernel", |i| &i.kernel_version),
    ("OS image", |i| &i.os_image),
    ("container runtime", |i| &i.container_runtime_version),
    ("kubelet", |i| &i.kubelet_version),
];

/// Whether any two nodes report a different kernel, OS image, runtime or
/// kubelet.
fn nodes_differ(a: &Analysis<'_>) -> bool {
    *a.memo.node_versions_differ.get_or_init(|| {
        let infos: Vec<&NodeSystemInfo> = a
            .cluster
            .nodes
            .iter()
            .filter_map(|n| model::node_info(n))
            .collect();
        FIELDS.iter().any(|(_, f)| {
            infos
                .split_first()
                .is_some_and(|(first, rest)| rest.iter().any(|i| f(i) != f(first)))
        })
    })
}

/// Whether two replicas run the same containers with the same volumes: a
/// DaemonSet's pods differ in the node affinity that pins each to its node,
/// and every pod in the name of its injected token volume.
fn same_template(a: &Arc<PodSpec>, b: &Arc<PodSpec>) -> bool {
    fn runs(c: &Container) -> impl PartialEq + '_ {
        (
            &c.name,
            &c.image,
            &c.command,
            &c.args,
            &c.env,
            &c.env_from,
            &c.ports,
        )
    }
    fn containers(s: &PodSpec) -> impl Iterator<Item = &Container> {
        s.containers
            .iter()
            .chain(s.init_containers.iter().flatten())
    }
    fn volumes(s: &PodSpec) -> impl Iterator<Item = &Volume> {
        s.volumes
            .iter()
            .flatten()
            .filter(|v| !day2_model::references::is_injected_token_volume(&v.name))
    }
    Arc::ptr_eq(a, b)
        || (containers(a).map(runs).eq(containers(b).map(runs)) && volumes(a).eq(volumes(b)))
}

/// Running with every container ready.
fn runs(p: &Res<Pod>) -> bool {
    let s = p.status.as_ref();
    s.and_then(|s| s.phase.as_deref()) == Some("Running")
        && s.and_then(|s| s.container_statuses.as_ref())
            .is_some_and(|cs| !cs.is_empty() && cs.iter().all(|c| c.ready))
}

pub fn split<'c>(a: &Analysis<'c>, d: &Detected<'c>) -> Vec<Hypothesis> {
    let Some(pod) = d.pod() else { return vec![] };
    let (Some(spec), Some(_)) = (pod.spec.as_ref(), model::node_name(pod)) else {
        return vec![];
    };
    if runs(pod) || pod.metadata.deletion_timestamp.is_some() || !nodes_differ(a) {
        return vec![];
    }
    let w = model::workload_ref(a.cluster, pod);
    if w.kind == "Pod" {
        return vec![];
    }
    let replicas = a.cluster.pods_of(
        &w.kind,
        w.namespace.as_deref().unwrap_or("default"),
        &w.name,
    );
    if replicas.len() > MAX_REPLICAS {
        return vec![];
    }
    let mut failing: BTreeSet<&str> = BTreeSet::new();
    let mut healthy: BTreeSet<&str> = BTreeSet::new();
    for p in replicas {
        let (Some(s), Some(node)) = (p.spec.as_ref(), model::node_name(p)) else {
            continue;
        };
        if p.metadata.deletion_timestamp.is_some() || !same_template(s, spec) {
            continue;
        }
        if runs(p) {
            healthy.insert(node);
        } else {
            failing.insert(node);
        }
    }
    if healthy.is_empty() || !failing.is_disjoint(&healthy) {
        return vec![];
    }
    let info = |n: &str| a.cluster.node(n).and_then(|n| model::node_info(n));
    let Some((what, bad, good)) = FIELDS.iter().find_map(|(what, f)| {
        let values = |nodes: &BTreeSet<&str>| -> Option<BTreeSet<String>> {
            nodes
                .iter()
                .map(|n| info(n).map(|i| f(i).to_owned()))
                .collect()
        };
        let (bad, good) = (values(&failing)?, values(&healthy)?);
        (bad.is_disjoint(&good) && !bad.iter().any(String::is_empty)).then_some((*what, bad, good))
    }) else {
        return vec![];
    };
    let list = |s: &BTreeSet<&str>| s.iter().copied().collect::<Vec<_>>().join(", ");
    let values = |s: &BTreeSet<String>| s.iter().map(String::as_str).collect::<Vec<_>>().join(", ");
    let (bad_nodes, good_nodes) = (list(&failing), list(&healthy));
    let windows = info(failing.first().copied().unwrap_or_default())
        .is_some_and(|i| i.operating_system == "windows" || i.os_image.contains("Windows"));
    let first = failing.first().copied().unwrap_or_default();
    let node_ref = a
        .cluster
        .node(first)
        .map(|n| n.objref())
        .unwrap_or_else(|| day2_model::ObjRef::new("Node", None, first));
    let advice = if windows {
        "a Windows cumulative update installed on them (compare the build numbers: uninstall the update, or move to the build that fixes it)"
    } else {
        match what {
            "kernel" => {
                "a kernel update, or a kernel built without something the runtime needs (namespaces, cgroup controllers, modules)"
            }
            "container runtime" => {
                "a container runtime upgrade (downgrade the runtime to the version the healthy nodes run, or upgrade what talks to it: the kubelet, cri-dockerd)"
            }
            _ => "an update of the node image",
        }
    };
    vec![
        Hypothesis::new(
            76,
            Loop::Compute,
            node_ref.clone(),
            format!(
                "the pods of {w} fail on node(s) {bad_nodes}, whose {what} is {}, and run on node(s) {good_nodes}, whose {what} is {}: the same spec works on one node and not the other, so the node is the difference",
                values(&bad),
                values(&good)
            ),
        )
        .fix(format!(
            "Look at what changed on node(s) {bad_nodes} against {good_nodes}: {advice}. Until it is fixed, cordon and drain them (`kubectl drain {first} --ignore-daemonsets`) so the pods run where they work, and roll the {what} back or forward to the one the healthy nodes run (a downgrade, a fixed update)."
        ))
        .link(Link::new(
            Loop::Compute,
            d.since,
            node_ref,
            format!(
                "node {first} runs {what} {} and fails {}, while node(s) {good_nodes} run {} and run its siblings",
                values(&bad),
                pod.name(),
                values(&good)
            ),
        ))
        .missing(format!(
            "what changed on node(s) {bad_nodes} (its update history, the runtime's and kubelet's logs)"
        ))
        .unexplained(),
    ]
}
