//! `day2 snapshot` and `day2 diagnose` against the real control plane of
//! `scripts/e2e.sh` through a fault-injecting proxy
//! (`crates/day2-live/tests/support/proxy.rs`): slow answers, 429 with
//! Retry-After, 500, 403 on one kind, a connection dropped in the middle of a
//! list, an expired `continue` token (410).
//!
//! Each run must end (a 120 s guard fails the test on a hang), keep what
//! was read, name the kind and the HTTP status in a note, and exit as the
//! README documents: a partial capture is still a report (0, or 1 for
//! findings at `--fail-on`); 2 only when nothing at all could be read.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed expectation is a failed test

mod common;
#[path = "../../day2-live/tests/support/proxy.rs"]
mod proxy;

use proxy::{Fault, Proxy, Rule};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

const NS: &str = "day2-faults";
/// ConfigMaps `cm-0` … `cm-6`; with pages of 3, the first page is cm-0 … cm-2.
const CONFIGMAPS: usize = 7;
const PAGE: u32 = 3;
/// A hang guard, not a speed assertion: far above any retry schedule here.
const HANG_GUARD: Duration = Duration::from_secs(120);

async fn prepare() {
    let c = common::client().await;
    common::namespace(&c, NS).await;
    for i in 0..CONFIGMAPS {
        common::create(
            &c,
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": format!("cm-{i}"), "namespace": NS}, "data": {"i": i.to_string()}}),
        )
        .await;
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run day2; a run that does not end within the guard fails the test (and
/// is killed).
async fn day2(args: &[String]) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_day2"));
    cmd.args(args).env("NO_COLOR", "1").kill_on_drop(true);
    let out = match tokio::time::timeout(HANG_GUARD, cmd.output()).await {
        Ok(out) => out.expect("running day2"),
        Err(_) => panic!("day2 {args:?} did not end within {HANG_GUARD:?}"),
    };
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// What a capture through the proxy produced.
struct Captured {
    run: Run,
    /// The snapshot file (`Null` when none was written).
    snapshot: Value,
    proxy: Proxy,
}

impl Captured {
    fn notes(&self) -> Vec<String> {
        self.snapshot["notes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Notes about one resource.
    fn notes_on(&self, resource: &str) -> Vec<String> {
        self.notes()
            .into_iter()
            .filter(|n| n.contains(&format!(" {resource} ")))
            .collect()
    }

    /// Names of the test's ConfigMaps in the snapshot.
    fn configmaps(&self) -> BTreeSet<String> {
        self.snapshot["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|i| {
                i["kind"] == "ConfigMap"
                    && i["metadata"]["namespace"] == NS
                    && i["metadata"]["name"]
                        .as_str()
                        .is_some_and(|n| n.starts_with("cm-"))
            })
            .filter_map(|i| i["metadata"]["name"].as_str().map(str::to_owned))
            .collect()
    }

    fn has_namespace(&self) -> bool {
        self.snapshot["items"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|i| i["kind"] == "Namespace" && i["metadata"]["name"] == NS)
    }
}

fn names(n: usize) -> BTreeSet<String> {
    (0..n).map(|i| format!("cm-{i}")).collect()
}

/// `day2 snapshot -n NS` through a proxy with these rules.
async fn capture(rules: Vec<Rule>, timeout_s: u32) -> Captured {
    prepare().await;
    let proxy = Proxy::start(rules, Some(PAGE)).await;
    let dir = tempfile::tempdir().unwrap();
    let kc = proxy.kubeconfig(dir.path());
    let out = dir.path().join("snapshot.json");
    let run = day2(&[
        "snapshot".into(),
        "--kubeconfig".into(),
        kc.display().to_string(),
        "-n".into(),
        NS.into(),
        "--request-timeout".into(),
        timeout_s.to_string(),
        "-o".into(),
        out.display().to_string(),
    ])
    .await;
    let snapshot = std::fs::read(&out)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    Captured {
        run,
        snapshot,
        proxy,
    }
}

/// `day2 diagnose -n NS -o json --fail-on none` through a proxy: exit code and report.
async fn diagnose(rules: Vec<Rule>) -> (Run, Value) {
    prepare().await;
    let proxy = Proxy::start(rules, Some(PAGE)).await;
    let dir = tempfile::tempdir().unwrap();
    let kc = proxy.kubeconfig(dir.path());
    let run = day2(&[
        "diagnose".into(),
        "--kubeconfig".into(),
        kc.display().to_string(),
        "-n".into(),
        NS.into(),
        "--request-timeout".into(),
        "5".into(),
        "-o".into(),
        "json".into(),
        "--fail-on".into(),
        "none".into(),
    ])
    .await;
    let report = serde_json::from_str(&run.stdout).unwrap_or(Value::Null);
    (run, report)
}

fn assert_one_note(c: &Captured, resource: &str, needles: &[&str]) -> String {
    let notes = c.notes_on(resource);
    assert_eq!(
        notes.len(),
        1,
        "one note about {resource}: {:?}\nstderr: {}",
        c.notes(),
        c.run.stderr
    );
    for n in needles {
        assert!(notes[0].contains(n), "{:?} should contain {n:?}", notes[0]);
    }
    // The same note is shown on stderr as the capture ends.
    assert!(c.run.stderr.contains(&notes[0]), "{}", c.run.stderr);
    notes[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh"]
async fn slow_answers_are_waited_for_and_a_kind_that_never_answers_is_a_note() {
    let c = capture(
        vec![
            Rule::always("configmaps", Fault::Delay(Duration::from_secs(6))),
            Rule::always("*", Fault::Delay(Duration::from_millis(300))),
        ],
        2,
    )
    .await;
    assert_eq!(
        c.run.code, 0,
        "a partial capture is written: {}",
        c.run.stderr
    );
    assert_one_note(
        &c,
        "configmaps",
        &[
            "compute loop: cannot list configmaps in namespace day2-faults",
            "no answer within the timeout",
        ],
    );
    assert!(c.configmaps().is_empty());
    // Answers slower than usual but within the timeout lose nothing.
    assert!(c.has_namespace());
    assert_eq!(
        c.notes().len(),
        1,
        "nothing but configmaps is missing: {:?}",
        c.notes()
    );
    // Every attempt (the first and its retries) waited out the timeout.
    assert_eq!(c.proxy.faults_on("configmaps").len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh"]
async fn throttling_429_is_retried_after_retry_after_and_reported_when_it_persists() {
    let c = capture(
        vec![
            Rule::always(
                "configmaps",
                Fault::Status {
                    code: 429,
                    retry_after: Some(1),
                },
            )
            .times(2),
        ],
        5,
    )
    .await;
    assert_eq!(c.run.code, 0, "{}", c.run.stderr);
    assert!(c.notes_on("configmaps").is_empty(), "{:?}", c.notes());
    assert_eq!(c.configmaps(), names(CONFIGMAPS), "nothing lost");
    assert_eq!(c.proxy.faults_on("configmaps").len(), 2);

    let c = capture(
        vec![Rule::always(
            "configmaps",
            Fault::Status {
                code: 429,
                retry_after: Some(1),
            },
        )],
        5,
    )
    .await;
    assert_eq!(c.run.code, 0, "{}", c.run.stderr);
    assert_one_note(
        &c,
        "configmaps",
        &["cannot list configmaps in namespace day2-faults", "(429)"],
    );
    assert!(c.configmaps().is_empty());
    assert!(c.has_namespace());
    assert_eq!(c.proxy.faults_on("configmaps").len(), 5, "5 attempts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh"]
async fn server_error_500_on_one_kind_is_a_note_and_the_report_goes_on() {
    let rule = || {
        Rule::always(
            "configmaps",
            Fault::Status {
                code: 500,
                retry_after: None,
            },
        )
    };
    let c = capture(vec![rule()], 5).await;
    assert_eq!(c.run.code, 0, "{}", c.run.stderr);
    let note = assert_one_note(
        &c,
        "configmaps",
        &[
            "compute loop: cannot list configmaps in namespace day2-faults",
            "etcdserver: request timed out (500)",
        ],
    );
    assert!(c.configmaps().is_empty());
    assert!(c.has_namespace());
    assert_eq!(c.proxy.faults_on("configmaps").len(), 5, "500 is retried");

    // `day2 diagnose` reports the same note and exits 0 (`--fail-on none`).
    let (run, report) = diagnose(vec![rule()]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(report["schema"], "day2/v1", "{}", run.stdout);
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .expect("notes in the report")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(notes.contains(&note.as_str()), "{notes:?}");
    assert_eq!(report["source"]["kind"], "live");
    // A live read is captured when it is read.
    let at = report["source"]["captured_at"].as_str().unwrap_or_default();
    assert!(
        at.len() == 20 && at.as_bytes()[10] == b'T' && at.ends_with('Z'),
        "captured_at {at:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh"]
async fn forbidden_403_on_one_kind_is_a_note_and_not_retried() {
    let c = capture(
        vec![Rule::always(
            "configmaps",
            Fault::Status {
                code: 403,
                retry_after: None,
            },
        )],
        5,
    )
    .await;
    assert_eq!(c.run.code, 0, "{}", c.run.stderr);
    assert_one_note(
        &c,
        "configmaps",
        &["compute loop: no permission to list configmaps in namespace day2-faults (403)"],
    );
    assert!(c.configmaps().is_empty());
    assert!(c.has_namespace());
    assert_eq!(c.proxy.faults_on("configmaps").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh"]
async fn a_connection_dropped_mid_list_keeps_the_pages_read() {
    // Once: the retry reads the page again and nothing is lost.
    let c = capture(
        vec![
            Rule::always("configmaps", Fault::DropMidBody)
                .on_continue()
                .times(1),
        ],
        5,
    )
    .await;
    assert_eq!(c.run.code, 0, "{}", c.run.stderr);
    assert!(c.notes_on("configmaps").is_empty(), "{:?}", c.notes());
    assert_eq!(c.configmaps(), names(CONFIGMAPS));

    // Every time: the first page is kept, the note says the rest is missing.
    let c = capture(
        vec![Rule::always("configmaps", Fault::DropMidBody).on_continue()],
        5,
    )
    .await;
    assert_eq!(c.run.code, 0, "{}", c.run.stderr);
    assert_one_note(
        &c,
        "configmaps",
        &[
            "cannot list configmaps in namespace day2-faults",
            "3 objects read, the rest is missing",
        ],
    );
    assert_eq!(
        c.configmaps(),
        names(PAGE as usize),
        "the first page is kept"
    );
    assert_eq!(c.proxy.faults_on("configmaps").len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh"]
async fn an_expired_continue_token_restarts_the_list_then_is_reported() {
    // Once: the list is read again from the start, complete.
    let c = capture(
        vec![
            Rule::always(
                "configmaps",
                Fault::Gone {
                    inconsistent_token: false,
                },
            )
            .on_continue()
            .times(1),
        ],
        5,
    )
    .await;
    assert_eq!(c.run.code, 0, "{}", c.run.stderr);
    assert!(c.notes_on("configmaps").is_empty(), "{:?}", c.notes());
    assert_eq!(c.configmaps(), names(CONFIGMAPS));

    // Twice, with the server's inconsistent-continuation token: finished
    // with it, and said so.
    let c = capture(
        vec![
            Rule::always(
                "configmaps",
                Fault::Gone {
                    inconsistent_token: true,
                },
            )
            .on_continue()
            .times(2),
        ],
        5,
    )
    .await;
    assert_eq!(c.run.code, 0, "{}", c.run.stderr);
    assert_one_note(
        &c,
        "configmaps",
        &["expired twice (410 Gone) and was finished from a later state"],
    );
    assert_eq!(c.configmaps(), names(CONFIGMAPS));

    // Always, without a token: what was read, and a note.
    let c = capture(
        vec![
            Rule::always(
                "configmaps",
                Fault::Gone {
                    inconsistent_token: false,
                },
            )
            .on_continue(),
        ],
        5,
    )
    .await;
    assert_eq!(c.run.code, 0, "{}", c.run.stderr);
    let note = assert_one_note(
        &c,
        "configmaps",
        &[
            "the list of configmaps in namespace day2-faults expired twice (410 Gone)",
            "3 objects read, the rest is missing",
        ],
    );
    assert_eq!(c.configmaps(), names(PAGE as usize));

    let (run, report) = diagnose(vec![
        Rule::always(
            "configmaps",
            Fault::Gone {
                inconsistent_token: false,
            },
        )
        .on_continue(),
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        report["notes"]
            .as_array()
            .is_some_and(|n| n.iter().any(|n| n.as_str() == Some(note.as_str()))),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the control plane of scripts/e2e.sh"]
async fn nothing_readable_exits_2_and_says_why() {
    let forbidden = Fault::Status {
        code: 403,
        retry_after: None,
    };
    // Every list, and the GET of the namespace itself.
    let c = capture(
        vec![
            Rule::always("*", forbidden.clone()),
            Rule::always(NS, forbidden),
        ],
        5,
    )
    .await;
    assert_eq!(c.run.code, 2, "{}", c.run.stderr);
    assert!(c.snapshot.is_null(), "no snapshot is written");
    assert!(
        c.run.stderr.contains("nothing could be read from")
            && c.run.stderr.contains(&c.proxy.url)
            && c.run
                .stderr
                .contains("no permission to list configmaps in namespace day2-faults (403)"),
        "{}",
        c.run.stderr
    );
}
