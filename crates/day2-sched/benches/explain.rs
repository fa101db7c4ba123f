//! Explaining every Pending pod of a large cluster: 5,000 nodes in three
//! zones (some tainted, some cordoned, mixed sizes), 150,000 bound pods in
//! 200 namespaces, and 1,000 Pending pods with the constraints real pods
//! carry (big requests, node selectors, tolerations, zone affinity, topology
//! spread, pod anti-affinity, host ports). Every pod is explained against
//! every node (no sharing between replicas).
//!
//! `cargo bench -p day2-sched --bench explain` prints the state build time,
//! the median of 5 runs, and pods×nodes evaluated per second.

use day2_model::object::{Stores, decode_value};
use day2_model::{Cluster, Origin, SourceKind};
use day2_sched::Simulator;
use rayon::prelude::*;
use serde_json::{Value, json};
use std::time::Instant;

// The allocator the day2 binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const NODES: usize = 5_000;
const PODS: usize = 150_000;
const PENDING: usize = 1_000;

fn objects() -> Vec<Value> {
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let mut v = Vec::with_capacity(NODES + PODS + PENDING);
    for n in 0..NODES {
        let zone = zones[n % 3];
        let (cpu, mem) = if n % 4 == 0 {
            ("16", "64Gi")
        } else {
            ("8", "32Gi")
        };
        let mut node = json!({"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": format!("node-{n}"), "labels": {
                "kubernetes.io/hostname": format!("node-{n}"),
                "topology.kubernetes.io/zone": zone, "topology.kubernetes.io/region": "us-east-1",
                "node.kubernetes.io/instance-type": if n % 4 == 0 { "m5.4xlarge" } else { "m5.2xlarge" },
                "eks.amazonaws.com/nodegroup": format!("group-{}", n % 10)}},
            "spec": {"providerID": format!("aws:///{zone}/i-{n}")},
            "status": {"allocatable": {"cpu": cpu, "memory": mem, "pods": "58"}}});
        if n % 10 == 0 {
            node["metadata"]["labels"]["disk"] = json!("ssd");
        }
        if n % 25 == 0 {
            node["spec"]["taints"] =
                json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]);
        }
        if n % 200 == 0 {
            node["spec"]["unschedulable"] = json!(true);
        }
        v.push(node);
    }
    for p in 0..PODS {
        let app = format!("app-{}", p % 5_000);
        let ns = format!("ns-{}", p % 200);
        let mut spec = json!({"nodeName": format!("node-{}", p % NODES),
            "containers": [{"name": "app", "image": "app:1",
                "resources": {"requests": {"cpu": format!("{}m", 100 + (p % 5) * 50), "memory": "256Mi"}}}]});
        if p % 50 == 0 {
            spec["containers"][0]["ports"] = json!([{"containerPort": 9100, "hostPort": 9100}]);
        }
        if p % 100 == 0 {
            spec["affinity"] = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": "kubernetes.io/hostname"}]}});
        }
        v.push(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("{app}-{p}"), "namespace": ns, "labels": {"app": app, "tier": "web"}},
            "spec": spec, "status": {"phase": "Running"}}));
    }
    for p in 0..PENDING {
        let app = format!("app-{}", p % 5_000);
        let ns = format!("ns-{}", p % 200);
        let mut spec = json!({"containers": [{"name": "app", "image": "app:1",
            "resources": {"requests": {"cpu": format!("{}m", 500 + (p % 40) * 250), "memory": "1Gi"}}}]});
        match p % 8 {
            0 => spec["nodeSelector"] = json!({"disk": "ssd"}),
            1 => {
                spec["tolerations"] = json!([{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}])
            }
            2 => {
                spec["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["us-east-1a"]}]}]}}})
            }
            3 => {
                spec["topologySpreadConstraints"] = json!([{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": app}}}])
            }
            4 => {
                spec["affinity"] = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": "kubernetes.io/hostname"}]}})
            }
            5 => {
                spec["containers"][0]["ports"] = json!([{"containerPort": 9100, "hostPort": 9100}])
            }
            _ => {}
        }
        v.push(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("pending-{p}"), "namespace": ns, "labels": {"app": app}},
            "spec": spec, "status": {"phase": "Pending"}}));
    }
    v
}

fn main() {
    let t = Instant::now();
    let mut stores = Stores::default();
    for o in objects() {
        match decode_value(o, Origin::default(), None) {
            Ok(obj) => stores.push(obj),
            Err(e) => panic!("synthetic object does not decode: {e}"),
        }
    }
    let cluster = Cluster::new(stores, SourceKind::Snapshot, Vec::new());
    let load = t.elapsed();

    let t = Instant::now();
    let sim = Simulator::new(&cluster);
    let build = t.elapsed();
    let pending = sim.pending_pods();
    assert_eq!(pending.len(), PENDING);

    println!(
        "{} nodes, {} pods, {} pending: load {load:.0?}, simulator state {build:.0?}",
        cluster.nodes.len(),
        cluster.pods.len(),
        pending.len()
    );
    let pairs = (PENDING * NODES) as f64;
    let mut fitting = 0;
    for (what, detailed) in [
        ("verdicts (what the diagnosis uses)", false),
        ("full explanations (details, suggestions)", true),
    ] {
        let mut runs = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            // Each explanation is used (its verdict counted) and dropped, as
            // `day2 explain fragmentation` and the diagnosis do.
            fitting = pending
                .par_iter()
                .filter(|p| {
                    let e = if detailed {
                        sim.explain(p)
                    } else {
                        sim.verdicts(p)
                    };
                    e.fits_anywhere()
                })
                .count();
            runs.push(t.elapsed());
        }
        runs.sort();
        let median = runs[2];
        println!(
            "  {what}: {PENDING} pods × {NODES} nodes in {median:.0?} median (min {:.0?}, max {:.0?}): {:.1} M pod×node evaluations/s, {:.0} pods/s",
            runs[0],
            runs[4],
            pairs / median.as_secs_f64() / 1e6,
            PENDING as f64 / median.as_secs_f64(),
        );
    }
    println!("  {fitting} of the {PENDING} pending pods fit somewhere");
    let mut runs = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let f = sim.fragmentation();
        runs.push(t.elapsed());
        assert_eq!(f.pending.len(), PENDING);
    }
    runs.sort();
    println!(
        "  explain fragmentation (every pending pod classified): {:.0?} median",
        runs[2]
    );
}
