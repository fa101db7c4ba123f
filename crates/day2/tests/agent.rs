//! `day2 agent` against the real control plane of `scripts/e2e.sh`: the
//! agent's metrics follow the cluster within seconds, both ways.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed expectation is a failed test

mod common;

use common::*;
use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The agent process, stopped when the test ends (also when it fails).
struct Agent(Child);

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET path`: the status code and body, or `None` while nothing listens.
async fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).await.ok()?;
    let code = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((code, body))
}

/// Wait until the metrics satisfy `ok`; the last text on timeout.
async fn wait_metrics(
    port: u16,
    within: Duration,
    ok: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let deadline = Instant::now() + within;
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Some((200, body)) = get(port, "/metrics").await {
            if ok(&body) {
                return Ok(body);
            }
            last = body;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Err(last)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh (DAY2_E2E_KUBECONFIG)"]
async fn a_service_selector_typo_shows_in_the_agents_metrics_and_goes_away_when_fixed() {
    let client = client().await;
    let ns = "agent-selector-typo";
    create(
        &client,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .await;
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

    let services: Api<Service> = Api::namespaced(client.clone(), ns);
    services
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"selector": {"app": "web"}}})),
        )
        .await
        .expect("fixing the selector");
    let gone = format!(r#"rule="NW007",severity="high",namespace="{ns}""#);
    wait_metrics(port, Duration::from_secs(20), |t| {
        !t.contains(&gone) && t.contains("day2_evaluation_seconds_count")
    })
    .await
    .unwrap_or_else(|last| panic!("{gone} still served 20 s after the fix:\n{last}"));
}
