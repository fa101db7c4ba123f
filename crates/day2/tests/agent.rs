//! `day2 agent` against the real control plane of `scripts/e2e.sh`: the
//! agent's metrics follow the cluster within seconds, both ways.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed expectation is a failed test

mod agent_support;
mod common;

use agent_support::*;
use common::*;
use kube::api::Api;
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
    assert_eq!(
        lease.spec.and_then(|s| s.holder_identity).as_deref(),
        Some("day2-agent-e2e")
    );
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
