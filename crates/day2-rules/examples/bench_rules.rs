//! Times the whole rule set on a large synthetic snapshot:
//! `cargo run --release -p day2-rules --example bench_rules [namespaces]`.

use day2_model::object::{Stores, decode_value};
use day2_model::{Cluster, Origin, SourceKind};
use serde_json::json;
use std::time::Instant;

fn main() -> Result<(), day2_model::DecodeError> {
    let namespaces: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let mut docs = Vec::new();
    for z in 0..60 {
        docs.push(json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": format!("node-{z}"), "labels": {"topology.kubernetes.io/zone": format!("zone-{}", z % 3)}}, "status": {"allocatable": {"cpu": "4", "memory": "16Gi"}}}));
    }
    for n in 0..namespaces {
        let ns = format!("team-{n}");
        docs.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}));
        if n % 2 == 0 {
            docs.push(json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": ns}, "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}));
        }
        for d in 0..10 {
            let app = format!("app-{d}");
            let image = if d == 0 {
                "postgres:16.4"
            } else {
                "team/app:1.0.0"
            };
            docs.push(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": app, "namespace": ns},
                "spec": {"replicas": 3, "selector": {"matchLabels": {"app": app}}, "template": {"metadata": {"labels": {"app": app, "team": ns}},
                "spec": {"containers": [{"name": "main", "image": image, "ports": [{"name": "http", "containerPort": 8080}],
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}, "readinessProbe": {"httpGet": {"path": "/", "port": "http"}}}]}}}}));
            docs.push(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": format!("{app}-abc"), "namespace": ns,
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": app, "uid": "u", "controller": true}]},
                "spec": {"selector": {"matchLabels": {"app": app}}}}));
            for p in 0..3 {
                docs.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("{app}-abc-{p}"), "namespace": ns,
                    "labels": {"app": app, "pod-template-hash": "abc"},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{app}-abc"), "uid": "r", "controller": true}]},
                    "spec": {"nodeName": format!("node-{}", (n + d + p) % 60), "containers": [{"name": "main", "image": image}]}}));
            }
            docs.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": app, "namespace": ns},
                "spec": {"selector": {"app": app}, "ports": [{"port": 80, "targetPort": "http"}]}}));
            if d % 3 == 0 {
                docs.push(json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": app, "namespace": ns},
                    "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": app}}}}));
            }
        }
    }
    let mut stores = Stores::default();
    for d in docs {
        stores.push(decode_value(d, Origin::default(), None)?);
    }
    let cluster = Cluster::new(stores, SourceKind::Snapshot, Vec::new());
    let config = day2_rules::Config::default();
    let cx = day2_rules::Context::new(&cluster, &config);
    let start = Instant::now();
    let findings = day2_rules::run(&cx);
    let all = start.elapsed();
    let start = Instant::now();
    let _ = day2_rules::checklist::build(&cx, &findings, None);
    let checklist = start.elapsed();
    println!(
        "{} objects ({} pods, {} workloads): {} findings; rules {:.1} ms, checklist {:.1} ms",
        cluster.object_count(),
        cluster.pods.len(),
        cluster.workloads().len(),
        findings.len(),
        all.as_secs_f64() * 1e3,
        checklist.as_secs_f64() * 1e3
    );
    let mut per_rule: Vec<(String, f64)> = day2_rules::all()
        .iter()
        .map(|r| {
            let only = day2_rules::Config {
                enable: vec![r.meta().code.to_owned()],
                ..day2_rules::Config::default()
            };
            let cx = day2_rules::Context::new(&cluster, &only);
            let t = Instant::now();
            let _ = day2_rules::run(&cx);
            (r.meta().code.to_owned(), t.elapsed().as_secs_f64() * 1e3)
        })
        .collect();
    per_rule.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top: Vec<String> = per_rule
        .iter()
        .take(5)
        .map(|(c, t)| format!("{c} {t:.1} ms"))
        .collect();
    println!("slowest rules alone: {}", top.join(", "));
    Ok(())
}
