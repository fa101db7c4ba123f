//! What the tests against a real control plane share: the admin client,
//! creating objects from JSON, node objects, and waiting for nodes.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use k8s_openapi::api::core::v1::Node;
use kube::api::{Api, ListParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub fn kubeconfig() -> PathBuf {
    PathBuf::from(
        std::env::var("DAY2_E2E_KUBECONFIG")
            .expect("DAY2_E2E_KUBECONFIG: run through scripts/e2e.sh"),
    )
}

pub async fn client() -> Client {
    let kc = Kubeconfig::read_from(kubeconfig()).expect("kubeconfig");
    let cfg = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("config");
    Client::try_from(cfg).expect("client")
}

/// Create a namespace (already there is fine). Namespaces are left in
/// place: without a kubelet a bound pod never terminates, and each CI run
/// starts a fresh control plane.
pub async fn namespace(client: &Client, ns: &str) {
    create(
        client,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .await;
}

/// Create any object from JSON through the dynamic API.
pub async fn create(client: &Client, obj: Value) {
    let av = obj["apiVersion"].as_str().expect("apiVersion").to_owned();
    let kind = obj["kind"].as_str().expect("kind").to_owned();
    let (group, version) = av.rsplit_once('/').unwrap_or(("", &av));
    let gvk = kube::api::GroupVersionKind::gvk(group, version, &kind);
    let (ar, caps) = kube::discovery::pinned_kind(client, &gvk)
        .await
        .expect("discovery");
    let api: Api<kube::api::DynamicObject> =
        match (caps.scope, obj["metadata"]["namespace"].as_str()) {
            (kube::discovery::Scope::Namespaced, Some(ns)) => {
                Api::namespaced_with(client.clone(), ns, &ar)
            }
            _ => Api::all_with(client.clone(), &ar),
        };
    let dynobj: kube::api::DynamicObject = serde_json::from_value(obj.clone()).expect("object");
    match api.create(&PostParams::default(), &dynobj).await {
        Ok(_) => {}
        Err(kube::Error::Api(e)) if e.code == 409 => {}
        Err(e) => panic!("creating {kind} {}: {e}", obj["metadata"]["name"]),
    }
}

pub fn node(name: &str, zone: &str, cpu: &str, memory: &str, taints: Value) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {
            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
            "topology.kubernetes.io/zone": zone, "topology.kubernetes.io/region": "us-east-1",
            "node.kubernetes.io/instance-type": "m5.large", "day2-e2e": "true"}},
        "spec": {"providerID": format!("aws:///{zone}/i-{name}"), "taints": taints},
        "status": {
            "capacity": {"cpu": cpu, "memory": memory, "pods": "110"},
            "allocatable": {"cpu": cpu, "memory": memory, "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
                            "lastHeartbeatTime": "2026-01-01T00:00:00Z", "lastTransitionTime": "2026-01-01T00:00:00Z"}],
            "addresses": [{"type": "InternalIP", "address": "10.0.0.10"}, {"type": "Hostname", "address": name}],
            "nodeInfo": {"kubeletVersion": "v1.35.0", "containerRuntimeVersion": "containerd://2.0.0", "architecture": "amd64",
                         "operatingSystem": "linux", "osImage": "Linux", "kernelVersion": "6.1", "machineID": "m", "systemUUID": "s",
                         "bootID": "b", "kubeProxyVersion": ""}
        }
    })
}

pub async fn wait_nodes_schedulable(client: &Client, selector: &str, n: usize) {
    let nodes: Api<Node> = Api::all(client.clone());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let list = nodes
            .list(&ListParams::default().labels(selector))
            .await
            .expect("nodes");
        let ready = list
            .items
            .iter()
            .filter(|n| {
                n.spec
                    .as_ref()
                    .and_then(|s| s.taints.as_ref())
                    .is_none_or(|t| t.iter().all(|t| t.key != "node.kubernetes.io/not-ready"))
            })
            .count();
        if ready >= n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "nodes still tainted not-ready after 60s"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
