//! The command line as a user meets it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed expectation is a failed test

use assert_cmd::Command;
use std::path::PathBuf;

fn day2() -> Command {
    let mut c = Command::cargo_bin("day2").expect("binary");
    c.env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn demo_tells_the_domino_story() {
    let out = day2().arg("demo").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the demo shows, it does not gate: {text}"
    );
    assert!(text.contains("ST001"), "{text}");
    assert!(text.contains("gp3"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "NO_COLOR output has no escape codes"
    );
}

#[test]
fn demo_gates_only_when_asked() {
    day2().args(["demo", "--fail-on", "high"]).assert().code(1);
}

#[test]
fn demo_json_follows_the_contract() {
    let out = day2().args(["demo", "-o", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "day2/v1");
    assert_eq!(v["source"]["kind"], "snapshot");
    assert_eq!(v["source"]["cloud"], "aws");
    for l in ["identity", "compute", "network", "storage", "observability"] {
        assert!(v["checklist"][l]["status"].is_string(), "checklist.{l}");
        assert!(
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["loop"] == l),
            "a finding in every loop: {l}"
        );
    }
    let d = &v["diagnoses"][0];
    assert_eq!(d["root_cause"]["loop"], "storage");
    assert_eq!(d["root_cause"]["object"]["kind"], "StorageClass");
    assert_eq!(d["root_cause"]["object"]["name"], "gp3");
}

#[test]
fn audit_files_and_stdin_agree() {
    let file = day2()
        .args(["audit", "-o", "json"])
        .arg(fixture("app.yaml"))
        .output()
        .unwrap();
    let stdin = day2()
        .args(["audit", "-o", "json", "-"])
        .write_stdin(std::fs::read(fixture("app.yaml")).unwrap())
        .output()
        .unwrap();
    assert_eq!(file.status.code(), Some(1));
    assert_eq!(stdin.status.code(), Some(1));
    let f: serde_json::Value = serde_json::from_slice(&file.stdout).unwrap();
    let s: serde_json::Value = serde_json::from_slice(&stdin.stdout).unwrap();
    let rules = |v: &serde_json::Value| {
        let mut r: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect();
        r.sort();
        r
    };
    assert_eq!(rules(&f), rules(&s));
    assert!(rules(&f).contains(&"ST001".to_owned()));
    // Manifest findings point at the file and line.
    let st = f["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "ST001")
        .unwrap();
    assert!(
        st["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("app.yaml")
    );
    assert_eq!(st["location"]["line"], 37);
}

#[test]
fn fail_on_decides_the_exit_code() {
    day2()
        .args(["audit", "--fail-on", "none"])
        .arg(fixture("app.yaml"))
        .assert()
        .code(0);
    day2()
        .args(["audit", "--fail-on", "critical"])
        .arg(fixture("app.yaml"))
        .assert()
        .code(1);
}

#[test]
fn config_disables_rules_and_names_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".day2.yaml"),
        "rules:\n  disable: [ST001]\n",
    )
    .unwrap();
    let out = day2()
        .current_dir(dir.path())
        .args(["audit", "-o", "json"])
        .arg(fixture("app.yaml"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "ST001")
    );
    std::fs::write(
        dir.path().join(".day2.yaml"),
        "rules:\n  disable: [NOPE1]\n",
    )
    .unwrap();
    let out = day2()
        .current_dir(dir.path())
        .arg("audit")
        .arg(fixture("app.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".day2.yaml") && err.contains("NOPE1"), "{err}");
}

#[test]
fn unreadable_input_exits_2_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "kind: Pod\nmetadata: [unclosed\n").unwrap();
    let out = day2().arg("audit").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.yaml:"), "{err}");
    let out = day2()
        .arg("audit")
        .arg(dir.path().join("missing.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_catalogue_and_rule_docs() {
    let out = day2().args(["rules", "-o", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "day2/v1");
    let rules = v["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["code"] == "ST001" && r["loop"] == "storage")
    );
    let out = day2().args(["rule", "ST001"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("WaitForFirstConsumer") && text.contains("volumeBindingMode"),
        "{text}"
    );
    day2().args(["rule", "XX999"]).assert().code(2);
}

#[test]
fn completions_and_man_pages() {
    let out = day2().args(["completions", "bash"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("diagnose"));
    let dir = tempfile::tempdir().unwrap();
    day2()
        .args(["man", "--out-dir"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(dir.path().join("day2.1").is_file());
    assert!(dir.path().join("day2-diagnose.1").is_file());
}

#[test]
fn help_has_examples_on_every_command() {
    for cmd in [
        "demo", "audit", "diagnose", "explain", "snapshot", "logs", "rules", "rule",
    ] {
        let out = day2().args([cmd, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Examples:"), "{cmd} --help has no examples");
    }
}

#[test]
fn logs_from_stdin_files_and_fail_under() {
    let lines = "{\"trace_id\":\"a\",\"pod_name\":\"p\",\"node_name\":\"n\",\"namespace\":\"x\",\"zone\":\"z\"}\nplain text password=hunter2\n";
    let out = day2()
        .args(["logs", "-o", "json", "-"])
        .write_stdin(lines)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "day2/v1");
    assert_eq!(v["logs"]["lines"], 2);
    assert_eq!(v["logs"]["structured"], 1);
    for f in ["trace_id", "pod_name", "node_name", "namespace", "zone"] {
        assert_eq!(v["logs"]["fields"][f]["present"], 1, "{f}");
    }
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("hunter2"),
        "secrets are redacted from examples"
    );
    day2()
        .args(["logs", "--fail-under", "90", "-"])
        .write_stdin(lines)
        .assert()
        .code(1);
    day2()
        .args(["logs", "--fail-under", "40", "-"])
        .write_stdin(lines)
        .assert()
        .code(0);
    day2()
        .args(["logs", "/nonexistent/app.log"])
        .assert()
        .code(2);
}

#[test]
fn diagnose_reads_a_dump_and_judges_its_logs() {
    let dump =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../day2-sources/tests/fixtures/dump");
    let out = day2()
        .args(["diagnose", "-o", "json", "--snapshot"])
        .arg(&dump)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"]["kind"], "snapshot");
    assert!(
        v["source"].get("captured_at").is_none(),
        "a dump does not say when it was taken: {}",
        v["source"]
    );
    let items = v["checklist"]["observability"]["items"].as_array().unwrap();
    let logs = items
        .iter()
        .find(|i| i["id"] == "observability.structured-logs")
        .unwrap();
    assert_eq!(
        logs["status"], "fail",
        "the dump's pod logs lack the golden fields: {logs}"
    );
}

#[test]
fn a_day2_snapshot_report_says_when_it_was_captured() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("prod.json");
    std::fs::write(
        &snap,
        r#"{"apiVersion":"day2.dev/v1","kind":"Snapshot","metadata":{"capturedAt":"2026-01-01T09:10:00Z","context":"prod"},"items":[
{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}
],"notes":[]}"#,
    )
    .unwrap();
    let run = |format: &str| {
        let out = day2()
            .args(["diagnose", "--fail-on", "none", "-o", format, "--snapshot"])
            .arg(&snap)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let v: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(v["source"]["captured_at"], "2026-01-01T09:10:00Z");
    assert!(
        run("html").contains("<dt>captured</dt><dd><time datetime=\"2026-01-01T09:10:00Z\">"),
        "the page's header"
    );
    assert!(
        run("text")
            .lines()
            .next()
            .unwrap_or_default()
            .contains("captured 2026-01-01T09:10:00Z")
    );
}

#[test]
fn explain_pod_reads_like_the_scheduler_and_says_what_would_fit() {
    let out = day2()
        .args(["explain", "pod", "db/postgres-0", "--demo"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't match PersistentVolume's node affinity."),
        "{text}"
    );
    assert!(text.contains("lives in us-east-1a"), "{text}");
    assert!(text.contains("What would make it fit:"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "NO_COLOR output has no escape codes"
    );

    // JSON: every node once, with the DESIGN.md fields.
    let out = day2()
        .args(["explain", "pod", "db/postgres-0", "--demo", "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["schema"], "day2/v1");
    assert_eq!(v["pod"]["name"], "postgres-0");
    let nodes = v["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 4);
    for n in nodes {
        assert!(n["name"].is_string() && n["zone"].is_string() && n["fits"] == false);
        assert!(!n["reasons"].as_array().expect("reasons").is_empty());
    }
    assert!(
        v["aggregate"]
            .as_str()
            .unwrap_or("")
            .starts_with("0/4 nodes are available:")
    );
    assert!(!v["suggestions"].as_array().expect("suggestions").is_empty());
}

#[test]
fn explain_what_if_a_node_is_added_or_the_request_shrinks() {
    let out = day2()
        .args(["explain", "pod", "db/postgres-0", "--demo", "-o", "json"])
        .args(["--add-node", "cpu=4,memory=16Gi,zone=us-east-1a"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["whatif"]["fits"],
        serde_json::json!(["whatif-us-east-1a-1"]),
        "{v:#}"
    );
    // A node in the wrong zone does not help: the disk is in us-east-1a.
    let out = day2()
        .args(["explain", "pod", "db/postgres-0", "--demo", "-o", "json"])
        .args(["--add-node", "cpu=4,memory=16Gi,zone=us-east-1b,count=3"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["whatif"]["fits"], serde_json::json!([]));
    assert!(
        v["whatif"]["aggregate"]
            .as_str()
            .unwrap_or("")
            .starts_with("0/7 nodes")
    );
    // Shrinking the request to what the volume's zone has free fits.
    let out = day2()
        .args([
            "explain",
            "pod",
            "db/postgres-0",
            "--demo",
            "--requests",
            "cpu=500m",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("What if: pod requests cpu=500m"), "{text}");
    assert!(
        text.contains("fits on: ip-10-0-1-10.ec2.internal"),
        "{text}"
    );
}

#[test]
fn explain_refuses_bad_input_with_exit_2() {
    let out = day2()
        .args(["explain", "pod", "db/nope", "--demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pod db/nope not found") && err.contains("db/postgres-0"),
        "{err}"
    );
    let out = day2()
        .args([
            "explain",
            "pod",
            "db/postgres-0",
            "--demo",
            "--add-node",
            "cpu=lots",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cpu=lots is not a quantity"));
}

#[test]
fn explain_fragmentation_classifies_pending_pods() {
    let out = day2()
        .args(["explain", "fragmentation", "--demo", "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let f = &v["fragmentation"];
    assert_eq!(f["nodes"], 4);
    let cpu = &f["resources"][0];
    assert_eq!(cpu["resource"], "cpu");
    assert_eq!(cpu["total_free"], "5470m");
    assert_eq!(cpu["largest_free"], "1930m");
    let pending = f["pending"].as_array().expect("pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["name"], "postgres-0");
    assert_eq!(pending[0]["kind"], "capacity", "{pending:#?}");
    // With a node added in the volume's zone it fits.
    let out = day2()
        .args([
            "explain",
            "fragmentation",
            "--demo",
            "--add-node",
            "cpu=4,memory=16Gi,zone=us-east-1a",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("db/postgres-0  fits"), "{text}");
}

#[test]
fn kube_version_decides_whether_an_old_api_version_is_removed_or_deprecated() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cronjob.yaml");
    std::fs::write(
        &file,
        "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: report, namespace: ops}\nspec:\n  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: report, image: 'ops/report:1.0.0'}]\n",
    )
    .unwrap();
    let run = |version: &str| {
        let out = day2()
            .args(["audit", "-o", "json", "--kube-version", version])
            .arg(&file)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "CP016")
            .map(|f| f["severity"].as_str().unwrap_or("").to_owned())
    };
    assert_eq!(run("1.25").as_deref(), Some("high"), "removed in 1.25");
    assert_eq!(run("1.23").as_deref(), Some("low"), "deprecated since 1.21");
    assert_eq!(run("1.20"), None, "served and not yet deprecated");
    let bad = day2()
        .args(["audit", "--kube-version", "latest"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a version like 1.31"));
}

#[test]
fn summary_and_html_views_for_ci_and_people() {
    // A job summary: compact Markdown, the checklist per loop and the incident.
    let out = day2().args(["demo", "--summary"]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.starts_with("### day2 · "), "{s}");
    assert!(s.contains("| storage | ❌ fail |"), "{s}");
    assert!(
        s.contains("root cause in storage: `StorageClass/gp3` (ST001)"),
        "{s}"
    );
    assert!(s.len() < 8_000, "compact: {} bytes", s.len());

    // The explain page: every node with why it does not fit.
    let out = day2()
        .args(["explain", "pod", "db/postgres-0", "--demo", "-o", "html"])
        .output()
        .unwrap();
    let h = String::from_utf8_lossy(&out.stdout);
    assert!(h.starts_with("<!DOCTYPE html>"), "{h:.200}");
    assert_eq!(h.matches("✗ no").count(), 4, "four nodes, none fits");
    assert!(h.contains("VolumeBinding"), "why not");

    // Fragmentation has no page.
    let out = day2()
        .args(["explain", "fragmentation", "--demo", "-o", "html"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("text or json"));
}
