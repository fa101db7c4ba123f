//! Credentials and terminal escapes planted in every kind of input never
//! reach any output: every command, every format, stdout and stderr.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed expectation is a failed test

use assert_cmd::Command;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Each credential as it appears in a message, and the part of it that must
/// never be printed.
const CANARIES: &[(&str, &str)] = &[
    ("password=Cnry1pw7Q", "Cnry1pw7Q"),
    ("password: Cnry2pw8R", "Cnry2pw8R"),
    (r#"{"password": "Cnry3pw9S"}"#, "Cnry3pw9S"),
    ("passwd=Cnry4pw0T", "Cnry4pw0T"),
    ("secret=Cnry5sc1U", "Cnry5sc1U"),
    ("token=Cnry6tk2V", "Cnry6tk2V"),
    ("api-key=Cnry7ak3W", "Cnry7ak3W"),
    ("x-api-key: Cnry8xk4X", "Cnry8xk4X"),
    ("Authorization: Bearer Cnry9br5Y", "Cnry9br5Y"),
    ("Authorization: Basic Q25yeTBiczZa", "Q25yeTBiczZa"),
    ("ghp_Cnry0gh7Aabcdefghij0123456789", "Cnry0gh7A"),
    ("github_pat_Cnry1gp8B0123456789abcdef", "Cnry1gp8B"),
    ("xoxb-Cnry2sb9C-0123456789", "Cnry2sb9C"),
    ("xoxp-Cnry3sp0D-0123456789", "Cnry3sp0D"),
    ("glpat-Cnry4gl1E0123456789", "Cnry4gl1E"),
    ("AIzaCnry5go2F0123456789abcdefghijklmnop", "Cnry5go2F"),
    ("AKIACNRY6AK3G0123456", "CNRY6AK3G"),
    ("ASIACNRY7AS4H0123456", "CNRY7AS4H"),
    (
        "eyJhbGciOiJIUzI1NiJ9.eyJDbnJ5OGp3NUkiOjF9.Cnry8jw5Isig",
        "eyJDbnJ5OGp3NUkiOjF9",
    ),
    ("aws_secret_access_key=Cnry9as6J", "Cnry9as6J"),
    (
        "AccountName=acct;AccountKey=Cnry0az7K+abc==;EndpointSuffix=core.windows.net",
        "Cnry0az7K",
    ),
    ("postgres://app:Cnry1ur8L@db.shop:5432/app", "Cnry1ur8L"),
    (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAzCnry2pm9MxQ7vR4tY8wB3nL6cF1hJ5sD0gA+e/uKx7pQ2mZ\nq8Wz3Rv5Tb7Ny1Lc9Hd2Fg4Jk6Mp0Qs8Xu3Ye5Aw7Ci9Eo1Gr3Is5Ku7Mw9Oy0Q=\n-----END RSA PRIVATE KEY-----",
        "Cnry2pm9M",
    ),
    (
        "next PEM line q8Wz3Rv5Tb7Ny1Lc9Hd2Fg4Jk6Mp0Qs8Xu3Ye5Aw7Ci9Eo1Gr3Is5Ku7Mw9Oy0Q=",
        "q8Wz3Rv5Tb7Ny1Lc9",
    ),
    ("client_secret=Cnry3cs0N", "Cnry3cs0N"),
];

/// Terminal escapes: set the window title, clear the screen.
const ESCAPES: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J";

/// All canaries in one text, on several lines (a PEM block needs its own).
fn blob() -> String {
    let mut s: Vec<&str> = CANARIES.iter().map(|(c, _)| *c).collect();
    s.push(ESCAPES);
    s.join(" \n")
}

/// All canaries on one line.
fn line() -> String {
    CANARIES
        .iter()
        .filter(|(c, _)| !c.contains('\n'))
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(" ")
}

fn day2() -> Command {
    let mut c = Command::cargo_bin("day2").expect("binary");
    c.env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn pod(name: &str, waiting: (&str, &str), last: Option<&str>) -> Value {
    let mut status = json!({
        "name": "app",
        "ready": false,
        "restartCount": 7,
        "image": "reg.example.com/shop/app:v1",
        "imageID": "",
        "state": {"waiting": {"reason": waiting.0, "message": waiting.1}},
    });
    if let Some(m) = last {
        status["lastState"] = json!({"terminated": {
            "exitCode": 1, "reason": "Error", "message": m,
            "startedAt": "2026-03-01T09:00:00Z", "finishedAt": "2026-03-01T09:00:05Z"}});
    }
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "shop", "uid": format!("uid-{}", name.len()),
            "annotations": {"note": blob()}},
        "spec": {"nodeName": "node-a", "serviceAccountName": "app",
            "containers": [{"name": "app", "image": "reg.example.com/shop/app:v1",
                "env": [{"name": "DB_PASSWORD", "value": "Cnry1pw7Q"}]}]},
        "status": {"phase": if waiting.0 == "CrashLoopBackOff" { "Running" } else { "Pending" },
            "startTime": "2026-03-01T08:00:00Z",
            "conditions": [{"type": "Ready", "status": "False", "message": blob()}],
            "containerStatuses": [status]},
    })
}

fn event(pod: &str, reason: &str, message: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{}.{reason}", pod.len()), "namespace": "shop"},
        "involvedObject": {"kind": "Pod", "namespace": "shop", "name": pod, "apiVersion": "v1"},
        "type": "Warning", "reason": reason, "message": message, "count": 3,
        "firstTimestamp": "2026-03-01T09:00:00Z", "lastTimestamp": "2026-03-01T09:10:00Z",
        "source": {"component": "kubelet", "host": "node-a"},
    })
}

/// A cluster-info-dump-like folder: pods, events, nodes and a pod's log.
fn snapshot(dir: &Path) -> PathBuf {
    let root = dir.join("dump");
    let crash = "api-7d9f8c6b5-x2x9z";
    let pull = format!("web{ESCAPES}");
    let pods = json!({"apiVersion": "v1", "kind": "List", "items": [
        pod(crash, ("CrashLoopBackOff", &format!("back-off 5m0s restarting failed container=app pod={crash}_shop(uid) {}", blob())), Some(&blob())),
        pod(&pull, ("ErrImagePull", &format!("failed to pull and unpack image \"reg.example.com/shop/app:v1\": {}", blob())), None),
    ]});
    let events = json!({"apiVersion": "v1", "kind": "List", "items": [
        event(crash, "BackOff", &format!("Back-off restarting failed container app in pod {crash}: {}", blob())),
        event(&pull, "Failed", &format!("Failed to pull image \"reg.example.com/shop/app:v1\": rpc error: code = Unknown desc = {}", blob())),
        event(crash, "Unhealthy", &format!("Liveness probe failed: Get \"http://10.0.0.5:8080/health?{}\": 401", line())),
    ]});
    let nodes = json!({"apiVersion": "v1", "kind": "List", "items": [{
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": "node-a", "labels": {"topology.kubernetes.io/zone": "us-east-1a"}},
        "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"},
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True"}]},
    }]});
    write(&root.join("nodes.json"), &nodes.to_string());
    write(&root.join("shop/pods.json"), &pods.to_string());
    write(&root.join("shop/events.json"), &events.to_string());
    write(
        &root.join(format!("shop/{crash}/logs.txt")),
        &format!(
            "==== START logs for container app of pod shop/{crash} ====\n\
             level=error msg=\"AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity {}\"\n\
             {ESCAPES}\n\
             ==== END logs for container app of pod shop/{crash} ====\n",
            line()
        ),
    );
    root
}

/// Manifests whose fields carry the canaries where rules quote them.
fn manifests(dir: &Path) -> PathBuf {
    let header = r#"[{"name": "Authorization", "value": "Bearer Cnry9br5Y"}, {"name": "X-Api-Key", "value": "Cnry8xk4X"}]"#;
    let probe = format!(
        r#"{{"httpGet": {{"path": "/health?token=Cnry6tk2V", "port": 8080, "httpHeaders": {header}}}, "periodSeconds": 10}}"#
    );
    let yaml = format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: "api{esc}"
  namespace: shop
  annotations:
    note: {blob}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata: {{labels: {{app: api}}}}
    spec:
      containers:
        - name: app
          image: "reg.example.com/shop/app:v1"
          env:
            - {{name: AWS_ACCESS_KEY_ID, value: AKIACNRY6AK3G0123456}}
            - {{name: AWS_SECRET_ACCESS_KEY, value: Cnry9as6J}}
            - {{name: DATABASE_URL, value: "postgres://app:Cnry1ur8L@db.shop:5432/app"}}
          readinessProbe: {probe}
          livenessProbe: {probe}
"#,
        esc = "\\e]0;owned\\a\\e[2J",
        blob = serde_json::to_string(&blob()).unwrap(),
    );
    let path = dir.join("manifests/app.yaml");
    write(&path, &yaml);
    // A document the reader refuses: its note may quote the value.
    write(
        &dir.join("manifests/broken.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec:\n  ports: \"password=Cnry1pw7Q ghp_Cnry0gh7Aabcdefghij0123456789\"\n",
    );
    dir.join("manifests")
}

/// Log files for `day2 logs`: canaries past the 200-character cut, escapes,
/// and a file name with a backtick and an escape.
fn logs(dir: &Path) -> PathBuf {
    let root = dir.join("logs");
    let mut text = String::new();
    for (c, _) in CANARIES {
        // Each canary straddles the 200th character.
        text.push_str(&format!(
            "{} {} {ESCAPES}\n",
            "x".repeat(195),
            c.replace('\n', " ")
        ));
        text.push_str(&format!("{c}\n"));
    }
    write(&root.join("app.log"), &text);
    write(&root.join(format!("odd`name`{ESCAPES}.log")), &text);
    root
}

const FORMATS: [&str; 6] = ["text", "json", "sarif", "junit", "markdown", "html"];

fn check(args: &[&str], out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?} failed: {stderr}"
    );
    for (_, secret) in CANARIES {
        assert!(
            !stdout.contains(secret),
            "{args:?}: `{secret}` on stdout:\n{stdout}"
        );
        assert!(
            !stderr.contains(secret),
            "{args:?}: `{secret}` on stderr:\n{stderr}"
        );
    }
    for (name, s) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(
            !s.contains('\u{1b}') && !s.contains('\u{7}'),
            "{args:?}: a raw control character on {name}:\n{s}"
        );
    }
    stdout
}

#[test]
fn no_planted_credential_or_escape_reaches_any_command_or_format() {
    let dir = tempfile::tempdir().unwrap();
    let snap = snapshot(dir.path());
    let mans = manifests(dir.path());
    let logs = logs(dir.path());
    let (snap, mans, logs) = (
        snap.to_str().unwrap(),
        mans.to_str().unwrap(),
        logs.to_str().unwrap(),
    );
    let mut shown = String::new();
    for f in FORMATS {
        for args in [
            vec!["diagnose", "--snapshot", snap, "-o", f],
            vec!["audit", mans, "-o", f],
            vec!["diagnose", "--snapshot", mans, "-o", f],
            vec!["logs", logs, snap, "-o", f],
        ] {
            let out = day2().args(&args).output().unwrap();
            shown.push_str(&check(&args, &out));
        }
    }
    for f in ["text", "json"] {
        for args in [
            vec![
                "explain",
                "pod",
                "shop/api-7d9f8c6b5-x2x9z",
                "--snapshot",
                snap,
                "-o",
                f,
            ],
            vec!["explain", "fragmentation", "--snapshot", snap, "-o", f],
        ] {
            let out = day2().args(&args).output().unwrap();
            shown.push_str(&check(&args, &out));
        }
    }
    // The planted text did reach the outputs, redacted and made visible.
    for seen in [
        "password=[redacted]",
        "Authorization: Bearer [redacted]",
        "ghp_[redacted]",
        "postgres://app:[redacted]@db.shop",
        "\\u{1b}]0;owned\\u{7}",
    ] {
        assert!(shown.contains(seen), "`{seen}` is shown:\n{shown}");
    }
}

#[test]
fn a_diagnosis_shows_the_message_with_its_credentials_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let snap = snapshot(dir.path());
    let out = day2()
        .args([
            "diagnose",
            "--snapshot",
            snap.to_str().unwrap(),
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let text = check(&["diagnose"], &out);
    let v: Value = serde_json::from_str(&text).unwrap();
    let evidence: Vec<&str> = v["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| {
            d["symptom"]["evidence"].as_array().unwrap().iter().chain(
                d["chain"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|l| l["evidence"].as_array().unwrap().iter()),
            )
        })
        .filter_map(Value::as_str)
        .collect();
    assert!(
        evidence
            .iter()
            .any(|e| e.contains("secret=[redacted]") && e.contains("AKIA[redacted]")),
        "{evidence:#?}"
    );
}
