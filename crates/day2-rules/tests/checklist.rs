//! The Cluster Readiness Checklist: every line decided by real rules, and
//! pass / fail / unknown on small inputs.

#![allow(clippy::unwrap_used)] // test helpers unwrap their fixtures

use day2_model::report::{Checklist, ChecklistItem, Status};
use day2_model::{Loop, SourceKind};
use day2_rules::checklist::{ITEMS, build};
use day2_rules::{Config, Context};
use day2_sources::testing::cluster_from_yaml;

fn checklist(yaml: &str, kind: SourceKind, config: &Config, logs: Option<Status>) -> Checklist {
    let cluster = cluster_from_yaml(yaml, kind).unwrap();
    let cx = Context::new(&cluster, config);
    let findings = day2_rules::run(&cx);
    build(&cx, &findings, logs)
}

fn item<'a>(c: &'a Checklist, id: &str) -> &'a ChecklistItem {
    Loop::ALL
        .iter()
        .flat_map(|l| &c.get(*l).items)
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("no checklist line {id}"))
}

#[test]
fn every_line_is_decided_by_existing_rules_of_its_loop() {
    for def in ITEMS {
        assert!(!def.rules.is_empty(), "{} has no rule", def.id);
        for code in def.rules {
            let rule = day2_rules::by_code(code)
                .unwrap_or_else(|| panic!("{} names unknown rule {code}", def.id));
            assert_eq!(rule.meta().loop_, def.loop_, "{} in {}", code, def.id);
        }
        assert!(def.id.starts_with(def.loop_.as_str()), "{}", def.id);
    }
    // The seed's lines are all there.
    for id in [
        "identity.workload-identity",
        "identity.no-static-credentials",
        "compute.requests-limits",
        "compute.pdbs",
        "compute.priority-class",
        "network.readiness-probes",
        "network.network-policies",
        "network.ingress-timeouts",
        "storage.wait-for-first-consumer",
        "storage.statefulsets",
        "observability.structured-logs",
        "observability.red-use",
    ] {
        assert!(ITEMS.iter().any(|d| d.id == id), "missing {id}");
    }
}

#[test]
fn empty_input_is_unknown_everywhere() {
    let c = checklist("", SourceKind::Manifests, &Config::default(), None);
    for l in Loop::ALL {
        assert_eq!(c.get(l).status, Status::Unknown, "{l}");
        for i in &c.get(l).items {
            assert_eq!(i.status, Status::Unknown, "{}", i.id);
            assert!(i.detail.is_some(), "{} says why", i.id);
        }
    }
}

const IMMEDIATE: &str = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: gp2}\nprovisioner: kubernetes.io/aws-ebs\n";
const WFFC: &str = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: gp3}\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer\n";

#[test]
fn storage_class_line_passes_and_fails() {
    let c = checklist(WFFC, SourceKind::Manifests, &Config::default(), None);
    let line = item(&c, "storage.wait-for-first-consumer");
    assert_eq!((line.status, line.failing), (Status::Pass, 0));
    let c = checklist(
        &format!("{WFFC}---\n{IMMEDIATE}"),
        SourceKind::Manifests,
        &Config::default(),
        None,
    );
    let line = item(&c, "storage.wait-for-first-consumer");
    assert_eq!((line.status, line.failing), (Status::Fail, 1));
    assert_eq!(c.storage.status, Status::Fail);
}

#[test]
fn failing_counts_distinct_objects() {
    let yaml = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      containers:
        - {name: one, image: "x:1"}
        - {name: two, image: "y:1"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: shop}
spec:
  selector: {matchLabels: {app: b}}
  template:
    metadata: {labels: {app: b}}
    spec:
      containers:
        - {name: one, image: "x:1"}
"#;
    let c = checklist(yaml, SourceKind::Manifests, &Config::default(), None);
    let line = item(&c, "compute.requests-limits");
    // Four containers, several rules each: two objects fail.
    assert_eq!((line.status, line.failing), (Status::Fail, 2));
    // Manifests cannot show PriorityClasses or cluster-wide monitoring.
    assert_eq!(item(&c, "compute.priority-class").status, Status::Unknown);
    assert_eq!(item(&c, "observability.red-use").status, Status::Unknown);
    // No Ingress: the timeout line cannot be judged.
    assert_eq!(item(&c, "network.ingress-timeouts").status, Status::Unknown);
}

#[test]
fn logs_verdict_decides_the_structured_logs_line() {
    let c = checklist(
        WFFC,
        SourceKind::Manifests,
        &Config::default(),
        Some(Status::Pass),
    );
    assert_eq!(
        item(&c, "observability.structured-logs").status,
        Status::Pass
    );
}

#[test]
fn a_line_whose_rules_are_disabled_is_unknown() {
    let config = Config {
        disable: vec!["ST001".into()],
        ..Config::default()
    };
    let c = checklist(IMMEDIATE, SourceKind::Manifests, &config, None);
    let line = item(&c, "storage.wait-for-first-consumer");
    assert_eq!(line.status, Status::Unknown);
    assert_eq!(
        line.detail.as_deref(),
        Some("no enabled rule checks this line")
    );
}

#[test]
fn snapshot_without_monitoring_fails_red_use() {
    let yaml = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "w:1"}]
"#;
    let c = checklist(yaml, SourceKind::Snapshot, &Config::default(), None);
    let line = item(&c, "observability.red-use");
    assert_eq!(line.status, Status::Fail);
    assert_eq!(line.failing, 1, "one cluster object");
}
