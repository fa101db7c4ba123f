//! Diagnosis time on a large synthetic snapshot: 1,500 nodes, 150,000 pods
//! (1% unhealthy: Pending, image pulls, crash loops), 10,000 Services.
//! `cargo bench -p day2-diagnose --bench large` prints the median of 5 runs;
//! loading (decoding and indexing) is measured separately and not counted.

use day2_model::object::{Stores, decode_value};
use day2_model::{Cluster, Origin, SourceKind};
use day2_rules::{Config, Context};
use serde_json::{Value, json};
use std::time::Instant;

const NODES: usize = 1_500;
const PODS: usize = 150_000;
const SERVICES: usize = 10_000;

fn objects() -> Vec<Value> {
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let mut v = Vec::with_capacity(PODS + NODES + SERVICES + 5_000);
    for n in 0..NODES {
        v.push(json!({"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": format!("node-{n}"), "labels": {"topology.kubernetes.io/zone": zones[n % 3], "eks.amazonaws.com/nodegroup": format!("group-{}", n % 10)}},
            "spec": {"providerID": format!("aws:///{}/i-{n}", zones[n % 3])},
            "status": {"allocatable": {"cpu": "8", "memory": "32Gi", "pods": "110"}, "conditions": [{"type": "Ready", "status": "True"}]}}));
    }
    for p in 0..PODS {
        let app = format!("svc-{}", p % SERVICES);
        let ns = format!("ns-{}", p % 200);
        let name = format!("{app}-5d4c3b2a1f-{p:06}");
        let uid = format!("uid-{p}");
        let owner = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{app}-5d4c3b2a1f"), "uid": "rs", "controller": true}]);
        let labels = json!({"app": app, "pod-template-hash": "5d4c3b2a1f"});
        let containers = json!([{"name": "app", "image": format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/{app}:1"), "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}}}]);
        let meta = json!({"name": name, "namespace": ns, "uid": uid, "labels": labels, "ownerReferences": owner});
        match p % 100 {
            // 1%: Pending, not enough cpu anywhere (each asks for 12 cpu).
            0 => {
                v.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                    "spec": {"containers": [{"name": "app", "image": "x", "resources": {"requests": {"cpu": "12"}}}]},
                    "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/1500 nodes are available: 1500 Insufficient cpu. preemption: 0/1500 nodes are available: 1500 No preemption victims found for incoming pod."}]}}));
                v.push(json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": format!("{name}.1"), "namespace": ns},
                    "involvedObject": {"kind": "Pod", "namespace": ns, "name": name, "uid": uid}, "reason": "FailedScheduling", "type": "Warning",
                    "message": "0/1500 nodes are available: 1500 Insufficient cpu. preemption: 0/1500 nodes are available: 1500 No preemption victims found for incoming pod.",
                    "reportingComponent": "default-scheduler", "eventTime": "2026-03-02T09:00:00.000000Z"}));
            }
            // Image pulls refused (every 500th pod) and crash loops (every 700th).
            _ if p % 500 == 1 => {
                v.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                    "spec": {"nodeName": format!("node-{}", p % NODES), "containers": containers},
                    "status": {"phase": "Pending", "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0, "image": "x", "imageID": "", "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"x\""}}}]}}));
                v.push(json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": format!("{name}.1"), "namespace": ns},
                    "involvedObject": {"kind": "Pod", "namespace": ns, "name": name, "uid": uid, "fieldPath": "spec.containers{app}"}, "reason": "Failed", "type": "Warning",
                    "message": "Failed to pull image \"123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1\": failed to resolve reference: unexpected status from HEAD request: 401 Unauthorized",
                    "source": {"component": "kubelet"}, "firstTimestamp": "2026-03-02T09:00:00Z", "lastTimestamp": "2026-03-02T09:05:00Z", "count": 5}));
            }
            _ if p % 700 == 2 => {
                v.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                    "spec": {"nodeName": format!("node-{}", p % NODES), "containers": containers},
                    "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": false, "restartCount": 7, "image": "x", "imageID": "",
                        "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
                        "lastState": {"terminated": {"reason": "Error", "exitCode": 1}}}]}}));
            }
            _ => {
                v.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                    "spec": {"nodeName": format!("node-{}", p % NODES), "containers": containers},
                    "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}));
            }
        }
    }
    for s in 0..SERVICES {
        // Services live in the namespace of their first pod.
        v.push(json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": format!("svc-{s}"), "namespace": format!("ns-{}", s % 200)},
            "spec": {"selector": {"app": format!("svc-{s}")}, "ports": [{"port": 80, "targetPort": 8080}]}}));
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
    let config = Config::default();
    let cx = Context::new(&cluster, &config);
    let mut runs = Vec::new();
    let mut diagnoses = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let out = day2_diagnose::diagnose(&cx, &[]);
        runs.push(t.elapsed());
        diagnoses = out.diagnoses.len();
    }
    runs.sort();
    println!(
        "{} pods, {} nodes, {} services: load {:.0?}; diagnose median {:.0?} (min {:.0?}, max {:.0?}); {diagnoses} diagnoses",
        cluster.pods.len(),
        cluster.nodes.len(),
        cluster.services.len(),
        load,
        runs[2],
        runs[0],
        runs[4]
    );
}
