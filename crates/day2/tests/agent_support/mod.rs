//! What the tests of `day2 agent` against a real control plane share: the
//! agent process, its HTTP endpoints, Service selectors and the report CRDs.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crate::common::create;
use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, Patch, PatchParams};
use kube::discovery::ApiResource;
use serde_json::json;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The agent process, stopped when the test ends (also when it fails).
pub struct Agent(pub Child);

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Agent {
    /// `day2 agent --listen 127.0.0.1:PORT ARGS… --kubeconfig KUBECONFIG`
    /// with `env` added to the environment.
    pub fn start(port: u16, args: &[&str], kubeconfig: &Path, env: &[(&str, &str)]) -> Agent {
        Agent(
            Command::new(assert_cmd::cargo::cargo_bin("day2"))
                .args(["agent", "--listen", &format!("127.0.0.1:{port}")])
                .args(args)
                .arg("--kubeconfig")
                .arg(kubeconfig)
                .envs(env.iter().copied())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("starting day2 agent"),
        )
    }
}

impl Agent {
    /// The agent on a free port with a 1 s debounce and a 5 s interval
    /// (`args` added), once `/readyz` answers; the port.
    pub async fn ready(args: &[&str], kubeconfig: &Path) -> (Agent, u16) {
        let port = free_port();
        let all: Vec<&str> = ["--debounce", "1", "--interval", "5"]
            .into_iter()
            .chain(args.iter().copied())
            .collect();
        let agent = Agent::start(port, &all, kubeconfig, &[]);
        wait_ready(port, Duration::from_secs(60)).await;
        (agent, port)
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET path`: the status code and body, or `None` while nothing listens.
pub async fn get(port: u16, path: &str) -> Option<(u16, String)> {
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

/// Wait until `/readyz` answers 200.
pub async fn wait_ready(port: u16, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        match get(port, "/readyz").await {
            Some((200, _)) => return,
            other => assert!(
                Instant::now() < deadline,
                "not ready after {within:?}: {other:?}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Wait until the metrics satisfy `ok`; the last text on timeout.
pub async fn wait_metrics(
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

/// Set a Service's selector (the Service may remain from an earlier run).
pub async fn set_selector(client: &kube::Client, ns: &str, name: &str, app: &str) {
    Api::<Service>::namespaced(client.clone(), ns)
        .patch(
            name,
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"selector": {"app": app}}})),
        )
        .await
        .expect("setting the selector");
}

/// The resource `plural` (kind `kind`) of `group/version`.
pub fn report_resource(group: &str, version: &str, kind: &str, plural: &str) -> ApiResource {
    ApiResource {
        group: group.into(),
        version: version.into(),
        api_version: format!("{group}/{version}"),
        kind: kind.into(),
        plural: plural.into(),
    }
}

pub fn policy_report() -> ApiResource {
    report_resource(
        "wgpolicyk8s.io",
        "v1alpha2",
        "PolicyReport",
        "policyreports",
    )
}

pub fn open_report() -> ApiResource {
    report_resource("openreports.io", "v1alpha1", "Report", "reports")
}

/// Minimal `wgpolicyk8s.io/v1alpha2` and `openreports.io/v1alpha1` CRD
/// pairs (schema left open): the control plane has no policy engine
/// installed.
pub async fn install_report_crds(client: &kube::Client) {
    for (group, version, kind, plural, scope) in [
        (
            "wgpolicyk8s.io",
            "v1alpha2",
            "PolicyReport",
            "policyreports",
            "Namespaced",
        ),
        (
            "wgpolicyk8s.io",
            "v1alpha2",
            "ClusterPolicyReport",
            "clusterpolicyreports",
            "Cluster",
        ),
        (
            "openreports.io",
            "v1alpha1",
            "Report",
            "reports",
            "Namespaced",
        ),
        (
            "openreports.io",
            "v1alpha1",
            "ClusterReport",
            "clusterreports",
            "Cluster",
        ),
    ] {
        create(
            client,
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                   "metadata": {"name": format!("{plural}.{group}")},
                   "spec": {"group": group, "scope": scope,
                            "names": {"kind": kind, "plural": plural, "singular": kind.to_lowercase(), "listKind": format!("{kind}List")},
                            "versions": [{"name": version, "served": true, "storage": true,
                                          "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}}),
        )
        .await;
    }
    // Served once established.
    for ar in [policy_report(), open_report()] {
        let api: Api<kube::api::DynamicObject> = Api::all_with(client.clone(), &ar);
        let deadline = Instant::now() + Duration::from_secs(30);
        while api.list(&Default::default()).await.is_err() {
            assert!(
                Instant::now() < deadline,
                "{} CRD not served after 30 s",
                ar.kind
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// The NW007 results of day2's report of kind `ar` in `ns` (`None`: no report).
pub async fn nw007_results(client: &kube::Client, ar: &ApiResource, ns: &str) -> Option<usize> {
    let api: Api<kube::api::DynamicObject> = Api::namespaced_with(client.clone(), ns, ar);
    let r = api
        .get_opt("day2")
        .await
        .unwrap_or_else(|e| panic!("reading the {}: {e}", ar.kind))?;
    Some(
        r.data["results"]
            .as_array()
            .map(|v| v.iter().filter(|r| r["policy"] == "NW007").count())
            .unwrap_or(0),
    )
}

/// Wait (90 s at most for each) until the agent's PolicyReport and
/// openreports.io Report in `ns` carry an NW007 result.
pub async fn wait_nw007_reports(client: &kube::Client, ns: &str) {
    for ar in [policy_report(), open_report()] {
        let deadline = Instant::now() + Duration::from_secs(90);
        while nw007_results(client, &ar, ns).await.unwrap_or(0) == 0 {
            assert!(
                Instant::now() < deadline,
                "no {} with NW007 in {ns} after 90 s",
                ar.kind
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// The value of the `day2_diagnoses` series of `symptom` in `namespace`
/// ("" for a cluster-scoped object) whose root cause is in `cause_loop`
/// (0 when no such series is served).
pub fn diagnoses(text: &str, symptom: &str, cause_loop: &str, namespace: &str) -> i64 {
    text.lines()
        .filter(|l| l.starts_with("day2_diagnoses{"))
        .filter(|l| {
            l.contains(&format!("symptom=\"{symptom}\""))
                && l.contains(&format!("cause_loop=\"{cause_loop}\""))
                && l.contains(&format!("namespace=\"{namespace}\""))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<i64>().ok())
        .sum()
}
