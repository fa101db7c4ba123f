//! `day2 agent` against the real control plane of `scripts/e2e.sh`: the
//! agent's metrics follow the cluster within seconds, both ways.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed expectation is a failed test

mod agent_support;
mod common;

use agent_support::*;
use common::*;
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{Api, DeleteParams};
use serde_json::json;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh (DAY2_E2E_KUBECONFIG)"]
async fn a_service_selector_typo_shows_in_the_agents_metrics_and_goes_away_when_fixed() {
    let client = client().await;
    // Unique per run: a reused control plane keeps earlier namespaces.
    let ns = &format!("agent-selector-typo-{}", std::process::id());
    namespace(&client, ns).await;
    create(
        &client,
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": ns, "labels": {"app": "web"}},
               "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10"}]}}),
    )
    .await;

    let port = free_port();
    let _agent = Agent(
        Command::new(assert_cmd::cargo::cargo_bin("day2"))
            .args([
                "agent",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--debounce",
                "1",
                "--interval",
                "5",
            ])
            .arg("--kubeconfig")
            .arg(kubeconfig())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting day2 agent"),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match get(port, "/readyz").await {
            Some((200, _)) => break,
            other => assert!(Instant::now() < deadline, "not ready after 60 s: {other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let (code, _) = get(port, "/healthz").await.expect("healthz");
    assert_eq!(code, 200);

    // The typo: `wbe` for `web`.
    create(
        &client,
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": ns},
               "spec": {"selector": {"app": "wbe"}, "ports": [{"port": 80}]}}),
    )
    .await;
    set_selector(&client, ns, "web", "wbe").await;
    let series = format!(
        r#"day2_findings{{loop="network",rule="NW007",severity="high",namespace="{ns}"}} 1"#
    );
    let text = wait_metrics(port, Duration::from_secs(20), |t| t.contains(&series))
        .await
        .unwrap_or_else(|last| panic!("{series} not served within 20 s; last metrics:\n{last}"));
    assert!(
        text.contains(r#"day2_watch_up{kind="Service"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"day2_objects{kind="Pod"}"#), "{text}");

    set_selector(&client, ns, "web", "web").await;
    let gone = format!(r#"rule="NW007",severity="high",namespace="{ns}""#);
    wait_metrics(port, Duration::from_secs(20), |t| {
        !t.contains(&gone) && t.contains("day2_evaluation_duration_seconds_count")
    })
    .await
    .unwrap_or_else(|last| panic!("{gone} still served 20 s after the fix:\n{last}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh (DAY2_E2E_KUBECONFIG)"]
async fn with_writes_enabled_the_leader_reports_the_typo_as_a_policy_report_a_report_and_an_event()
{
    use k8s_openapi::api::coordination::v1::Lease;
    use k8s_openapi::api::core::v1::Event;
    use kube::api::ListParams;

    let client = client().await;
    install_report_crds(&client).await;
    // Unique per run: a reused control plane keeps earlier namespaces and Events.
    let ns = &format!("agent-writes-{}", std::process::id());
    namespace(&client, ns).await;
    create(
        &client,
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api", "namespace": ns, "labels": {"app": "api"}},
               "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10"}]}}),
    )
    .await;
    create(
        &client,
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": ns},
               "spec": {"selector": {"app": "apl"}, "ports": [{"port": 80}]}}),
    )
    .await;
    set_selector(&client, ns, "api", "apl").await;
    // The Lease is held by a replica that just died: the agent follows, its
    // first evaluation writes nothing, and it must write once it takes over
    // — in a namespace where nothing changes any more.
    let now = k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime(jiff::Timestamp::now());
    Api::<Lease>::namespaced(client.clone(), ns)
        .create(
            &Default::default(),
            &Lease {
                metadata: kube::api::ObjectMeta {
                    name: Some("day2-agent".into()),
                    ..Default::default()
                },
                spec: Some(k8s_openapi::api::coordination::v1::LeaseSpec {
                    holder_identity: Some("day2-agent-gone".into()),
                    lease_duration_seconds: Some(15),
                    acquire_time: Some(now.clone()),
                    renew_time: Some(now),
                    lease_transitions: Some(0),
                    ..Default::default()
                }),
            },
        )
        .await
        .expect("the dead replica's Lease");

    let port = free_port();
    let _agent = Agent(
        Command::new(assert_cmd::cargo::cargo_bin("day2"))
            .args([
                "agent",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--debounce",
                "1",
                "--interval",
                "5",
            ])
            .args([
                "--policy-reports",
                "--open-reports",
                "--events",
                "--leader-elect",
                "--namespace",
                ns,
            ])
            .arg("--kubeconfig")
            .arg(kubeconfig())
            .env("POD_NAME", "day2-agent-e2e")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting day2 agent"),
    );

    wait_nw007_reports(&client, ns).await;
    // The Report is openreports.io's, labelled as day2's.
    let report =
        Api::<kube::api::DynamicObject>::namespaced_with(client.clone(), ns, &open_report())
            .get("day2")
            .await
            .expect("the Report");
    assert_eq!(report.data["source"], "day2");
    assert_eq!(
        report
            .metadata
            .labels
            .unwrap_or_default()
            .get("app.kubernetes.io/managed-by")
            .map(String::as_str),
        Some("day2")
    );
    let lease = Api::<Lease>::namespaced(client.clone(), ns)
        .get("day2-agent")
        .await
        .expect("the Lease");
    let spec = lease.spec.unwrap_or_default();
    assert_eq!(spec.holder_identity.as_deref(), Some("day2-agent-e2e"));
    assert_eq!(spec.lease_transitions, Some(1), "taken over once");
    let events: Api<Event> = Api::namespaced(client.clone(), ns);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let list =
            events
                .list(&ListParams::default().fields(
                    "reason=Day2Diagnosis,involvedObject.kind=Service,involvedObject.name=api",
                ))
                .await
                .expect("events");
        if let Some(e) = list.items.first() {
            let m = e.message.clone().unwrap_or_default();
            assert!(m.starts_with("ServiceWithoutReadyEndpoints"), "{m}");
            assert_eq!(
                list.items.len(),
                1,
                "announced more than once: {:?}",
                list.items
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no Day2Diagnosis Event on Service {ns}/api after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    set_selector(&client, ns, "api", "api").await;
    for ar in [policy_report(), open_report()] {
        let deadline = Instant::now() + Duration::from_secs(30);
        while nw007_results(&client, &ar, ns).await.unwrap_or(0) > 0 {
            assert!(
                Instant::now() < deadline,
                "NW007 still in the {} of {ns} 30 s after the fix",
                ar.kind
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh (DAY2_E2E_KUBECONFIG)"]
async fn a_kind_the_agent_may_not_list_is_a_metric_and_a_note_and_the_rest_is_evaluated() {
    let client = client().await;
    let user = format!("day2-no-secrets-{}", std::process::id());
    // Read access to what day2 watches, Secrets excepted (RBAC cannot deny,
    // so the core resources are named one by one).
    create(
        &client,
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": user},
               "rules": [
                   {"apiGroups": [""], "verbs": ["get", "list", "watch"],
                    "resources": ["pods", "nodes", "namespaces", "services", "endpoints", "configmaps", "serviceaccounts",
                                  "persistentvolumes", "persistentvolumeclaims", "replicationcontrollers", "limitranges",
                                  "resourcequotas", "events"]},
                   {"apiGroups": ["apps", "batch", "autoscaling", "policy", "scheduling.k8s.io", "discovery.k8s.io",
                                  "networking.k8s.io", "storage.k8s.io", "rbac.authorization.k8s.io", "events.k8s.io",
                                  "wgpolicyk8s.io"],
                    "resources": ["*"], "verbs": ["get", "list", "watch"]}]}),
    )
    .await;
    create(
        &client,
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": user},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": user},
               "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]}),
    )
    .await;
    // The admin kubeconfig, impersonating that user.
    let admin = std::fs::read_to_string(kubeconfig()).expect("reading the kubeconfig");
    assert!(
        admin.contains("\n  user:\n"),
        "unexpected kubeconfig layout"
    );
    let limited = admin.replace("\n  user:\n", &format!("\n  user:\n    as: {user}\n"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("limited.kubeconfig");
    std::fs::write(&path, limited).unwrap();

    let port = free_port();
    let _agent = Agent(
        Command::new(assert_cmd::cargo::cargo_bin("day2"))
            .args([
                "agent",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--debounce",
                "1",
            ])
            .arg("--kubeconfig")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting day2 agent"),
    );
    let text = wait_metrics(port, Duration::from_secs(60), |t| {
        t.contains("day2_evaluation_duration_seconds_count 1")
            || t.contains("day2_evaluation_duration_seconds_count 2")
    })
    .await
    .unwrap_or_else(|last| panic!("no evaluation within 60 s:\n{last}"));
    assert!(text.contains(r#"day2_watch_up{kind="Secret"} 0"#), "{text}");
    assert!(
        text.contains(r#"day2_watch_restarts_total{kind="Secret"}"#),
        "{text}"
    );
    assert!(text.contains(r#"day2_watch_up{kind="Pod"} 1"#), "{text}");
    assert!(
        !text.contains("day2_notes 0\n"),
        "the missing Secrets are not noted:\n{text}"
    );
    assert!(
        text.contains("day2_findings{"),
        "nothing evaluated:\n{text}"
    );
    let (code, _) = get(port, "/readyz").await.expect("readyz");
    assert_eq!(code, 200);
}

/// The domino (a StatefulSet's disk pinned by Immediate binding to a zone
/// with no room) shows in the agent's metrics as a Pending pod whose root
/// cause is in the storage loop, and goes when the zone has room again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh (DAY2_E2E_KUBECONFIG)"]
async fn the_domino_is_a_storage_incident_in_the_agents_metrics_until_its_zone_has_room() {
    let client = client().await;
    let ns = &format!("agent-domino-{}", std::process::id());
    namespace(&client, ns).await;
    // Two nodes of their own, tainted so that no other test's pods land on
    // them: zone a (1 CPU) and zone b (4 CPU).
    let nodes: Api<Node> = Api::all(client.clone());
    let taint = json!([{"key": "day2-agent-domino", "value": "true", "effect": "NoSchedule"}]);
    let names = ["agent-domino-a-1", "agent-domino-b-1"];
    for (name, zone, cpu) in [(names[0], "domino-a", "1"), (names[1], "domino-b", "4")] {
        let _ = nodes.delete(name, &DeleteParams::default()).await;
        let mut n = node(name, zone, cpu, "8Gi", taint.clone());
        let labels = n["metadata"]["labels"].as_object_mut().unwrap();
        labels.remove("day2-e2e");
        labels.insert("day2-agent-domino".into(), json!("true"));
        create(&client, n).await;
    }
    wait_nodes_schedulable(&client, "day2-agent-domino=true", 2).await;
    let tolerate =
        json!([{"key": "day2-agent-domino", "operator": "Exists", "effect": "NoSchedule"}]);
    let class = format!("{ns}-gp3");
    let pv = format!("{ns}-data");
    create(&client, json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": class},
        "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "Immediate"})).await;
    create(&client, json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": pv},
        "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": class,
                 "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": format!("vol-{ns}")},
                 "claimRef": {"namespace": ns, "name": "data-db-0"},
                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                     {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["domino-a"]}]}]}}}})).await;
    // Zone a is full.
    create(&client, json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "filler", "namespace": ns},
        "spec": {"nodeName": names[0], "tolerations": tolerate,
                 "containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10", "resources": {"requests": {"cpu": "900m"}}}]}})).await;
    create(&client, json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": ns},
        "spec": {"serviceName": "db", "replicas": 1, "selector": {"matchLabels": {"app": "db"}},
                 "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"tolerations": tolerate,
                     "containers": [{"name": "db", "image": "registry.k8s.io/pause:3.10",
                         "resources": {"requests": {"cpu": "500m"}},
                         "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]}},
                 "volumeClaimTemplates": [{"metadata": {"name": "data"},
                     "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class,
                              "resources": {"requests": {"storage": "10Gi"}}}}]}})).await;

    let (_agent, port) = Agent::ready(&[], &kubeconfig()).await;
    let t0 = Instant::now();
    let text = wait_metrics(port, Duration::from_secs(60), |t| {
        diagnoses(t, "PodPending", "storage", ns) >= 1
    })
    .await
    .unwrap_or_else(|last| panic!("no PodPending rooted in storage in {ns} within 60 s:\n{last}"));
    eprintln!("domino in the metrics after {:?}", t0.elapsed());
    assert_eq!(
        diagnoses(&text, "PodPending", "compute", ns),
        0,
        "the domino is not blamed on compute:\n{text}"
    );

    // Room in zone a: the scheduler binds db-0 there, and the incident goes.
    Api::<Pod>::namespaced(client.clone(), ns)
        .delete("filler", &DeleteParams::default().grace_period(0))
        .await
        .expect("deleting the filler");
    let t1 = Instant::now();
    wait_metrics(port, Duration::from_secs(60), |t| {
        diagnoses(t, "PodPending", "storage", ns) == 0
            && t.contains("day2_evaluation_duration_seconds_count")
    })
    .await
    .unwrap_or_else(|last| panic!("the domino still served 60 s after zone a had room:\n{last}"));
    eprintln!("domino gone from the metrics after {:?}", t1.elapsed());

    let _ = Api::<k8s_openapi::api::core::v1::Namespace>::all(client.clone())
        .delete(ns, &DeleteParams::default())
        .await;
    let _ = Api::<k8s_openapi::api::core::v1::PersistentVolume>::all(client.clone())
        .delete(&pv, &DeleteParams::default())
        .await;
    let _ = Api::<StorageClass>::all(client.clone())
        .delete(&class, &DeleteParams::default())
        .await;
    for name in names {
        let _ = nodes.delete(name, &DeleteParams::default()).await;
    }
}
