//! Small cluster builders for the simulator's tests.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use day2_model::{Cluster, SourceKind};
use day2_sched::{Explanation, NodeResult, Simulator};
use serde_json::{Value, json};

/// The cluster lives for the whole test (explanations borrow from it).
pub fn cluster(items: Vec<Value>) -> &'static Cluster {
    let list = json!({"apiVersion": "v1", "kind": "List", "items": items});
    let bytes = serde_json::to_vec(&list).unwrap();
    let c = day2_sources::load_bytes(
        "test.json",
        &bytes,
        SourceKind::Snapshot,
        &Default::default(),
    )
    .expect("fixture loads");
    Box::leak(Box::new(c))
}

/// A node in `zone` with `cpu` cores, `mem` GiB and 110 pod slots.
pub fn node(name: &str, zone: &str, cpu: &str, mem: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {
            "kubernetes.io/hostname": name,
            "topology.kubernetes.io/zone": zone,
            "topology.kubernetes.io/region": "us-east-1"}},
        "spec": {},
        "status": {"allocatable": {"cpu": cpu, "memory": mem, "pods": "110"}}})
}

/// Set a field of a JSON object by a dotted path, creating objects on the way.
pub fn with(mut v: Value, path: &str, x: Value) -> Value {
    let mut cur = &mut v;
    let parts: Vec<&str> = path.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        if cur.get(*p).is_none() {
            cur[*p] = json!({});
        }
        cur = &mut cur[*p];
    }
    cur[parts[parts.len() - 1]] = x;
    v
}

/// A pod requesting `cpu`/`mem`, bound to `node` when given (Running), else Pending.
pub fn pod(ns: &str, name: &str, node: Option<&str>, cpu: &str, mem: &str) -> Value {
    let mut p = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
        "spec": {"containers": [{"name": "app", "image": "app:1",
            "resources": {"requests": {"cpu": cpu, "memory": mem}}}]},
        "status": {"phase": "Pending"}});
    if let Some(n) = node {
        p["spec"]["nodeName"] = json!(n);
        p["status"]["phase"] = json!("Running");
    }
    p
}

pub fn explain(c: &'static Cluster, ns: &str, name: &str) -> Explanation<'static> {
    let sim: &'static Simulator<'static> = Box::leak(Box::new(Simulator::new(c)));
    let p = c
        .pods
        .iter()
        .find(|p| p.name() == name && p.ns_or_default() == ns)
        .expect("pod in fixture");
    sim.explain(p)
}

pub fn on<'a>(e: &'a Explanation<'static>, node: &str) -> &'a NodeResult<'static> {
    e.nodes
        .iter()
        .find(|n| n.name == node)
        .expect("node in explanation")
}

pub fn fits(e: &Explanation<'static>) -> Vec<&'static str> {
    e.nodes.iter().filter(|n| n.fits).map(|n| n.name).collect()
}
