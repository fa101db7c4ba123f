//! The capture against a fake API server that records every request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use day2_live::{
    Capture, LiveError, LiveOptions, capture_with_client, capture_with_retry, to_cluster,
};
use serde_json::Value;
use std::time::Duration;
use support::{Fake, seed};

fn opts() -> LiveOptions {
    LiveOptions {
        page_size: 2,
        progress: false,
        ..LiveOptions::default()
    }
}

async fn run(f: &Fake, o: &LiveOptions) -> Result<Capture, LiveError> {
    // Short backoff: the tests run on paused time anyway.
    capture_with_retry(
        f.client(),
        "test",
        "https://fake",
        o,
        4,
        Duration::from_millis(10),
    )
    .await
}

fn of_kind<'a>(c: &'a Capture, kind: &str) -> Vec<&'a Value> {
    c.items.iter().filter(|i| i["kind"] == kind).collect()
}

fn names(c: &Capture, kind: &str) -> Vec<String> {
    let mut v: Vec<String> = of_kind(c, kind)
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

fn messages(c: &Capture) -> Vec<String> {
    c.notes.iter().map(|n| n.message.clone()).collect()
}

fn assert_only_gets(f: &Fake) {
    let log = f.log();
    assert!(!log.is_empty());
    for s in &log {
        assert_eq!(s.method, "GET", "day2 sent {} {}", s.method, s.path);
    }
}

#[tokio::test(start_paused = true)]
async fn lists_every_kind_page_by_page_and_only_reads() {
    let f = Fake::new();
    seed(&f);
    let c = run(&f, &opts()).await.unwrap();
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    assert_only_gets(&f);

    // Six pods in pages of two: three requests, the first without `continue`,
    // each next one with the token the previous page returned.
    let pods = f.lists_of("pods");
    assert_eq!(pods.len(), 3, "{pods:?}");
    assert!(
        pods.iter()
            .all(|s| s.path == "/api/v1/pods" && s.query["limit"] == "2")
    );
    assert!(!pods[0].query.contains_key("continue"));
    assert_eq!(pods[1].query["continue"], "off:2==");
    assert_eq!(pods[2].query["continue"], "off:4==");
    assert_eq!(names(&c, "Pod").len(), 6);
    let listed = c.listed.iter().find(|l| l.resource == "pods").unwrap();
    assert_eq!(
        (listed.objects, listed.pages, listed.complete),
        (6, 3, true)
    );

    // Typed list items get their apiVersion and kind; managedFields are dropped.
    let sts = of_kind(&c, "StatefulSet");
    assert_eq!(sts[0]["apiVersion"], "apps/v1");
    assert!(
        c.items
            .iter()
            .all(|i| i["metadata"].get("managedFields").is_none())
    );
    // Optional kinds are read when discovered.
    assert_eq!(names(&c, "ServiceMonitor"), ["web"]);
    assert_eq!(
        of_kind(&c, "ServiceMonitor")[0]["apiVersion"],
        "monitoring.coreos.com/v1"
    );
    // events.k8s.io is not read when core events are served.
    assert!(
        f.log()
            .iter()
            .all(|s| !s.path.starts_with("/apis/events.k8s.io/v1/"))
    );
    assert_eq!(of_kind(&c, "Event").len(), 1);
    // Kinds appear in the table's order: namespaces first.
    assert_eq!(c.items[0]["kind"], "Namespace");
}

#[tokio::test(start_paused = true)]
async fn a_forbidden_kind_is_a_note_and_the_rest_is_read() {
    let f = Fake::new();
    seed(&f);
    f.state().forbidden.insert("persistentvolumes".into());
    f.state().forbidden.insert("storageclasses".into());
    let c = run(&f, &opts()).await.unwrap();
    assert_eq!(
        messages(&c),
        [
            "storage loop: no permission to list persistentvolumes (403)",
            "storage loop: no permission to list storageclasses.storage.k8s.io (403)",
        ]
    );
    assert!(of_kind(&c, "PersistentVolume").is_empty());
    assert_eq!(names(&c, "PersistentVolumeClaim"), ["data-db-0"]);
    assert_eq!(names(&c, "Pod").len(), 6);
    // The note reaches the cluster (and so the report).
    let cluster = to_cluster(c);
    assert!(cluster.notes.iter().any(|n| n.to_string() == "storage loop: no permission to list persistentvolumes (403)"));
}

#[tokio::test(start_paused = true)]
async fn an_expired_continue_token_restarts_the_list_once() {
    let f = Fake::new();
    seed(&f);
    f.state().expire.insert("pods".into(), 1);
    let c = run(&f, &opts()).await.unwrap();
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    // No pod twice, none missing.
    assert_eq!(
        names(&c, "Pod"),
        [
            "db-0",
            "web-5d4f-0",
            "web-5d4f-1",
            "web-5d4f-2",
            "web-5d4f-3",
            "web-5d4f-4"
        ]
    );
    let starts = f
        .lists_of("pods")
        .iter()
        .filter(|s| !s.query.contains_key("continue"))
        .count();
    assert_eq!(starts, 2, "the list starts again from the first page");
}

#[tokio::test(start_paused = true)]
async fn a_list_that_expires_twice_is_finished_from_the_servers_token() {
    let f = Fake::new();
    seed(&f);
    f.state().expire.insert("pods".into(), 2);
    f.state().expire_with_token = true;
    let c = run(&f, &opts()).await.unwrap();
    assert_eq!(names(&c, "Pod").len(), 6);
    assert_eq!(c.notes.len(), 1);
    assert!(
        c.notes[0]
            .message
            .starts_with("compute loop: the list of pods expired twice (410 Gone)")
    );
    // Without a token from the server, what was read is kept and the note says so.
    let f = Fake::new();
    seed(&f);
    f.state().expire.insert("pods".into(), 2);
    let c = run(&f, &opts()).await.unwrap();
    assert_eq!(names(&c, "Pod").len(), 2);
    assert_eq!(
        messages(&c),
        [
            "compute loop: the list of pods expired twice (410 Gone); 2 objects read, the rest is missing"
        ]
    );
    assert!(
        !c.listed
            .iter()
            .find(|l| l.resource == "pods")
            .unwrap()
            .complete
    );
}

#[tokio::test(start_paused = true)]
async fn server_errors_and_throttling_are_retried() {
    let f = Fake::new();
    seed(&f);
    f.state().unavailable.insert("pods".into(), 2);
    f.state().throttled.insert("nodes".into(), 3);
    let c = run(&f, &opts()).await.unwrap();
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    assert_eq!(names(&c, "Pod").len(), 6);
    assert_eq!(names(&c, "Node").len(), 3);
    assert_eq!(f.lists_of("pods").len(), 2 + 3);
    assert_eq!(f.lists_of("nodes").len(), 3 + 2);

    // Past the last attempt the kind is a note.
    let f = Fake::new();
    seed(&f);
    f.state().unavailable.insert("nodes".into(), 100);
    let c = run(&f, &opts()).await.unwrap();
    assert_eq!(
        messages(&c),
        ["compute loop: cannot list nodes: try again later (503)"]
    );
    assert_eq!(f.lists_of("nodes").len(), 4, "four attempts");
    assert_eq!(names(&c, "Pod").len(), 6);
}

#[tokio::test(start_paused = true)]
async fn unanswered_requests_time_out_and_are_retried() {
    let f = Fake::new();
    seed(&f);
    f.state().hang.insert("pods".into(), 1);
    f.state().hang.insert("nodes".into(), 100);
    let o = LiveOptions {
        timeout: Duration::from_secs(5),
        ..opts()
    };
    let c = run(&f, &o).await.unwrap();
    assert_eq!(names(&c, "Pod").len(), 6);
    assert_eq!(
        messages(&c),
        ["compute loop: cannot list nodes: no answer within the timeout"]
    );
}

#[tokio::test(start_paused = true)]
async fn secret_values_never_reach_the_capture_or_the_snapshot() {
    let f = Fake::new();
    seed(&f);
    let c = run(&f, &opts()).await.unwrap();
    let secrets = of_kind(&c, "Secret");
    assert_eq!(secrets.len(), 2);
    let aws = secrets
        .iter()
        .find(|s| s["metadata"]["name"] == "aws-creds")
        .unwrap();
    assert_eq!(
        aws["metadata"]["annotations"][day2_live::REDACTED_ANNOTATION],
        "true"
    );
    assert!(aws.get("data").is_none() && aws.get("stringData").is_none());
    let classes: Vec<(&str, &str)> = aws["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["name"].as_str().unwrap(),
                k["class"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        classes,
        [
            ("AWS_ACCESS_KEY_ID", "aws-access-key-id"),
            ("AWS_SECRET_ACCESS_KEY", "aws-secret-access-key"),
            ("db-password", "password")
        ]
    );

    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("snap.json");
    day2_live::write_snapshot_file(&c, &plain).unwrap();
    let texts = [
        serde_json::to_string(&c).unwrap(),
        format!("{:?}", c),
        std::fs::read_to_string(&plain).unwrap(),
    ];
    for text in &texts {
        for v in support::secret_values() {
            assert!(!text.contains(&v), "secret value {v:?} leaked");
        }
    }
    // The classes survive the round trip.
    let cluster =
        day2_sources::load_snapshot(&[day2_sources::Input::Path(plain)], &Default::default())
            .unwrap();
    let aws = cluster
        .secrets
        .iter()
        .find(|s| s.name() == "aws-creds")
        .unwrap();
    assert_eq!(
        aws.credential_kinds()
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>(),
        ["aws-access-key-id", "aws-secret-access-key", "password"]
    );
}

#[tokio::test(start_paused = true)]
async fn a_namespace_scopes_namespaced_lists() {
    let f = Fake::new();
    seed(&f);
    let o = LiveOptions {
        namespace: Some("monitoring".into()),
        ..opts()
    };
    let c = run(&f, &o).await.unwrap();
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    assert_eq!(c.namespace.as_deref(), Some("monitoring"));
    let log = f.log();
    assert!(
        log.iter()
            .any(|s| s.path == "/api/v1/namespaces/monitoring/pods")
    );
    assert!(
        log.iter()
            .any(|s| s.path
                == "/apis/monitoring.coreos.com/v1/namespaces/monitoring/servicemonitors")
    );
    // The Namespace itself is read with a GET, not a list of all namespaces.
    assert!(
        log.iter()
            .any(|s| s.path == "/api/v1/namespaces/monitoring" && s.query.is_empty())
    );
    assert!(!log.iter().any(|s| s.path == "/api/v1/namespaces"));
    // Cluster-scoped kinds are still read: scheduling and storage need them.
    assert!(log.iter().any(|s| s.path == "/api/v1/nodes"));
    assert_eq!(names(&c, "Namespace"), ["monitoring"]);
    assert_eq!(names(&c, "Node").len(), 3);
    // Pods of other namespaces bound to nodes are read for node capacity
    // only, marked so nothing reports on them.
    assert!(log.iter().any(|s| {
        s.path == "/api/v1/pods"
            && s.query
                .get("fieldSelector")
                .is_some_and(|f| f.starts_with("spec.nodeName!="))
    }));
    assert_capacity_only(&c, "monitoring");
    assert_eq!(names(&c, "ServiceMonitor"), ["web"]);
}

#[tokio::test(start_paused = true)]
async fn optional_kinds_are_read_only_when_served() {
    let f = Fake::new();
    seed(&f);
    f.unserve("monitoring.coreos.com", "servicemonitors");
    f.unserve("monitoring.coreos.com", "podmonitors");
    f.unserve("storage.k8s.io", "volumeattachments");
    f.unserve("", "events");
    f.add("events.k8s.io", "events", serde_json::json!({"metadata": {"name": "e1", "namespace": "app"},
        "regarding": {"kind": "Pod", "namespace": "app", "name": "db-0"}, "reason": "FailedScheduling",
        "type": "Warning", "note": "0/3 nodes are available", "eventTime": "2026-01-01T09:00:00.000000Z",
        "reportingController": "default-scheduler", "reportingInstance": "s", "action": "Scheduling"}));
    let c = run(&f, &opts()).await.unwrap();
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    let log = f.log();
    assert!(
        !log.iter()
            .any(|s| s.path.contains("monitoring.coreos.com/v1/"))
    );
    assert!(!log.iter().any(|s| s.path.ends_with("/volumeattachments")));
    // Without core events, events.k8s.io/v1 is read instead.
    let events = of_kind(&c, "Event");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["apiVersion"], "events.k8s.io/v1");
    let cluster = to_cluster(c);
    assert_eq!(cluster.events.len(), 1);
    assert!(cluster.notes.is_empty(), "{:?}", cluster.notes);
}

#[tokio::test(start_paused = true)]
async fn older_versions_are_used_when_the_preferred_one_is_not_served() {
    let f = Fake::new();
    seed(&f);
    {
        let mut st = f.state();
        for s in st.served.iter_mut() {
            if s.resource == "poddisruptionbudgets" {
                s.version = "v1beta1".into();
            }
        }
    }
    f.add(
        "policy",
        "poddisruptionbudgets",
        serde_json::json!({"metadata": {"name": "db", "namespace": "app"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "db"}}}}),
    );
    let c = run(&f, &opts()).await.unwrap();
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    assert!(
        f.log()
            .iter()
            .any(|s| s.path == "/apis/policy/v1beta1/poddisruptionbudgets")
    );
    assert_eq!(
        of_kind(&c, "PodDisruptionBudget")[0]["apiVersion"],
        "policy/v1beta1"
    );
    let cluster = to_cluster(c);
    assert_eq!(cluster.pdbs.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_group_whose_discovery_fails_is_a_note() {
    let f = Fake::new();
    seed(&f);
    f.state()
        .broken_discovery
        .insert("storage.k8s.io/v1".into());
    let c = run(&f, &opts()).await.unwrap();
    let m = messages(&c);
    assert_eq!(m.len(), 4, "{m:?}");
    assert_eq!(
        m[0],
        "storage loop: storageclasses.storage.k8s.io not read: discovery of storage.k8s.io/v1 failed: \
         the server is currently unable to handle the request (503)"
    );
    assert_eq!(names(&c, "PersistentVolume"), ["pvc-1"]);
}

#[tokio::test(start_paused = true)]
async fn nothing_readable_is_an_error_naming_each_kind() {
    let f = Fake::new();
    seed(&f);
    f.state().rules = Some(Vec::new());
    let e = run(&f, &opts()).await.unwrap_err();
    let LiveError::NothingReadable { notes, .. } = &e else {
        panic!("{e}")
    };
    assert!(
        notes
            .iter()
            .any(|n| n.message == "identity loop: no permission to list secrets (403)")
    );
    assert!(
        e.to_string()
            .starts_with("nothing could be read from https://fake:")
    );
}

#[tokio::test(start_paused = true)]
async fn the_snapshot_reads_back_to_the_same_report() {
    let f = Fake::new();
    seed(&f);
    f.state().forbidden.insert("volumeattachments".into());
    let c = capture_with_client(f.client(), "prod", "https://fake", &opts())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prod.json.gz");
    day2_live::write_snapshot_file(&c, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a .gz name compresses");

    let live = to_cluster(c);
    let snap = day2_sources::load_snapshot(&[day2_sources::Input::Path(path)], &Default::default())
        .unwrap();
    assert_eq!(live.source, day2_model::SourceKind::Live);
    assert_eq!(live.input, "live: prod");
    assert_eq!(live.counts(), snap.counts());
    let msgs = |c: &day2_model::Cluster| {
        c.notes
            .iter()
            .map(|n| n.message.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        msgs(&live),
        ["storage loop: no permission to list volumeattachments.storage.k8s.io (403)"]
    );
    assert_eq!(msgs(&live), msgs(&snap));

    let config = day2_rules::Config::default();
    let report = |c: &day2_model::Cluster| {
        let cx = day2_rules::Context::new(c, &config);
        let findings = day2_rules::run(&cx);
        let diagnoses = day2_diagnose::diagnose(&cx, &findings).diagnoses;
        let mut f: Vec<String> = findings
            .iter()
            .map(|f| format!("{} {:?} {}", f.rule, f.object, f.message))
            .collect();
        f.sort();
        let mut d: Vec<String> = diagnoses
            .iter()
            .map(|d| serde_json::to_string(&(&d.symptom, &d.root_cause, &d.fix)).unwrap())
            .collect();
        d.sort();
        (f, d)
    };
    let (live_findings, live_diagnoses) = report(&live);
    assert_eq!(
        (live_findings.clone(), live_diagnoses.clone()),
        report(&snap)
    );
    // The seeded incidents are found.
    assert!(
        live_findings.iter().any(|f| f.starts_with("ST001")),
        "{live_findings:#?}"
    );
    assert!(!live_diagnoses.is_empty());
}

#[tokio::test(start_paused = true)]
async fn without_discovery_the_built_in_kinds_are_still_read() {
    let f = Fake::new();
    seed(&f);
    f.state().forbid_discovery = true;
    let c = run(&f, &opts()).await.unwrap();
    assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
    assert!(
        c.notes[0]
            .message
            .starts_with("API discovery failed (forbidden"),
        "{}",
        c.notes[0]
    );
    assert_eq!(names(&c, "Pod").len(), 6);
    assert_eq!(names(&c, "StorageClass"), ["gp2"]);
    // Custom resources need discovery.
    assert!(of_kind(&c, "ServiceMonitor").is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_namespace_that_does_not_exist_is_a_note() {
    let f = Fake::new();
    seed(&f);
    let o = LiveOptions {
        namespace: Some("nope".into()),
        ..opts()
    };
    let c = run(&f, &o).await.unwrap();
    assert_eq!(
        messages(&c),
        ["compute loop: namespace nope not found (404)"]
    );
    assert_capacity_only(&c, "nope");
    assert_eq!(names(&c, "Node").len(), 3);
}

/// Every pod read is from another namespace, bound to a node, and marked
/// capacity-only.
fn assert_capacity_only(c: &Capture, ns: &str) {
    let pods = of_kind(c, "Pod");
    assert!(!pods.is_empty());
    for p in pods {
        assert_ne!(p["metadata"]["namespace"], ns);
        assert!(p["spec"]["nodeName"].is_string(), "{p}");
        assert_eq!(p["metadata"]["annotations"]["day2.dev/ignore"], "all");
        assert!(p["metadata"]["annotations"][day2_live::CAPACITY_ONLY_ANNOTATION].is_string());
    }
}

#[tokio::test(start_paused = true)]
async fn a_list_that_keeps_expiring_ends_with_what_was_read() {
    let f = Fake::new();
    seed(&f);
    f.state().expire.insert("pods".into(), 100);
    f.state().expire_with_token = true;
    let c = run(&f, &opts()).await.unwrap();
    let m = messages(&c);
    assert_eq!(m.len(), 2, "{m:?}");
    assert_eq!(
        m[1],
        "compute loop: the list of pods expired again (410 Gone); 2 objects read, the rest is missing"
    );
    // Page, expired; page again, expired; the server's continuation, expired: then stop.
    assert_eq!(f.lists_of("pods").len(), 5);
}

#[tokio::test(start_paused = true)]
async fn a_list_that_fails_midway_says_how_much_was_read() {
    let f = Fake::new();
    seed(&f);
    f.state().broken_after_first_page.insert("pods".into());
    let c = run(&f, &opts()).await.unwrap();
    assert_eq!(
        messages(&c),
        [
            "compute loop: cannot list pods: etcd leader changed (503); 2 objects read, the rest is missing"
        ]
    );
    assert_eq!(names(&c, "Pod").len(), 2);
    assert!(
        !c.listed
            .iter()
            .find(|l| l.resource == "pods")
            .unwrap()
            .complete
    );
}
