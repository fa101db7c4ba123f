//! Hostile input at the command line: what a user sees when the input is a
//! FIFO, a loop of links, a decode error next to a secret, or nothing usable.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed expectation is a failed test

use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;

fn day2() -> Command {
    let mut c = Command::cargo_bin("day2").expect("binary");
    c.env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // A guard so that a regression fails instead of hanging the suite;
        // the tests assert exit codes and messages, not time.
        .timeout(Duration::from_secs(300));
    c
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", p.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_given_as_a_file_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("cluster.yaml");
    mkfifo(&fifo);
    for args in [
        vec!["audit".into(), fifo.display().to_string()],
        vec!["diagnose".into(), "-s".into(), fifo.display().to_string()],
        vec!["logs".into(), fifo.display().to_string()],
    ] {
        let out = day2().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("cluster.yaml") && err.contains("a FIFO is not a regular file"),
            "{args:?}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn logs_on_a_folder_with_a_fifo_and_link_loops_counts_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.log"),
        "{\"trace_id\":\"t\",\"pod\":\"p\"}\n".repeat(10),
    )
    .unwrap();
    mkfifo(&dir.path().join("pipe.log"));
    std::os::unix::fs::symlink(".", dir.path().join("self")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("again")).unwrap();
    let out = day2()
        .args(["logs", "-o", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["logs"]["lines"], 10, "app.log once, not once per link");
    let sources: Vec<&str> = v["logs"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["source"].as_str())
        .collect();
    assert_eq!(sources.len(), 2, "app.log and the FIFO: {sources:?}");
}

#[test]
fn what_if_nodes_are_capped_with_a_clear_error() {
    let mut cmd = day2();
    cmd.args(["explain", "pod", "--demo", "db/db-0"]);
    for _ in 0..3 {
        cmd.args(["--add-node", "cpu=8,memory=32Gi,count=1000"]);
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--add-node: 3000 what-if nodes in all (3 flags); at most 1000 are simulated"),
        "{err}"
    );
}

const SECRET_VALUES: [&str; 3] = ["hunter2-s3cr3t", "c2VjcmV0LXRva2Vu", "31337424242"];

#[test]
fn decode_errors_never_print_secret_values_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("app.yaml");
    std::fs::write(
        &f,
        "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\nstringData: hunter2-s3cr3t\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\ndata: c2VjcmV0LXRva2Vu\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    env:\n    - {name: TOKEN, value: 31337424242}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n",
    )
    .unwrap();
    for format in ["text", "json", "sarif", "markdown", "html"] {
        let out = day2()
            .args(["audit", "--fail-on", "none", "-o", format])
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for secret in SECRET_VALUES {
            assert!(!all.contains(secret), "{format} shows {secret}:\n{all}");
        }
        if format == "json" {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let notes: Vec<&str> = v["notes"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|n| n.as_str())
                .collect();
            assert!(
                notes.iter().any(|n| n.ends_with(
                    "app.yaml:19:28: Pod p: field `spec.containers[0].env[0].value`: invalid type: a number, expected a string, skipped"
                )),
                "{notes:#?}"
            );
        }
    }
}

#[test]
fn nothing_usable_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("scalars.yaml");
    std::fs::write(&f, "hello\n---\n- 1\n- 2\n").unwrap();
    let out = day2().arg("audit").arg(&f).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("scalars.yaml:1:1: the document is a string, not a Kubernetes object"),
        "{err}"
    );
    assert!(
        err.contains("scalars.yaml:3:1: the document is a list"),
        "{err}"
    );
}

#[test]
fn json_lists_at_most_a_hundred_notes_per_file_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("many.yaml");
    let mut text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n".to_owned();
    for _ in 0..1000 {
        text.push_str("---\n7\n");
    }
    std::fs::write(&f, text).unwrap();
    let out = day2()
        .args(["audit", "--fail-on", "none", "-o", "json"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = v["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 101);
    assert!(
        notes[100]
            .as_str()
            .unwrap()
            .ends_with("many.yaml: and 900 more problems in this file (the first 100 are listed)"),
        "{:?}",
        notes[100]
    );
}
