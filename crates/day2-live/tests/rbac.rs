//! `deploy/rbac.yaml` grants what the capture reads, nothing more, and only
//! read verbs; the capture runs fully under it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use day2_live::LiveOptions;
use day2_live::kinds::KINDS;
use serde_json::Value;
use std::time::Duration;
use support::{Fake, cluster_role_rules, seed};

fn docs() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/rbac.yaml"
    ))
    .unwrap();
    serde_saphyr::from_multiple(&text).unwrap()
}

fn allows(rules: &[support::Rule], verb: &str, group: &str, resource: &str) -> bool {
    rules.iter().any(|r| {
        r.groups.iter().any(|g| g == group)
            && r.resources.iter().any(|x| x == resource)
            && r.verbs.iter().any(|v| v == verb)
    })
}

#[test]
fn every_verb_is_a_read() {
    let docs = docs();
    let roles: Vec<&Value> = docs
        .iter()
        .filter(|d| d["kind"] == "ClusterRole" || d["kind"] == "Role")
        .collect();
    assert_eq!(roles.len(), 2);
    for role in roles {
        for rule in role["rules"].as_array().unwrap() {
            for v in rule["verbs"].as_array().unwrap() {
                assert!(
                    matches!(v.as_str(), Some("get" | "list" | "watch")),
                    "{}: verb {v} in {rule}",
                    role["metadata"]["name"]
                );
            }
            for key in ["apiGroups", "resources", "verbs", "nonResourceURLs"] {
                for x in rule[key].as_array().into_iter().flatten() {
                    assert_ne!(x, "*", "{}: wildcard in {key}", role["metadata"]["name"]);
                }
            }
            if let Some(urls) = rule["nonResourceURLs"].as_array() {
                assert_eq!(rule["verbs"], serde_json::json!(["get"]));
                for u in urls {
                    assert!(
                        u.as_str().unwrap().starts_with("/api") || u == "/version",
                        "{u}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_reader_grants_every_kind_the_capture_lists_and_nothing_else() {
    let reader = cluster_role_rules("day2-reader");
    let no_secrets = cluster_role_rules("day2-reader-no-secrets");
    for k in KINDS {
        for verb in ["list", "get", "watch"] {
            assert!(
                allows(&reader, verb, k.group, k.resource),
                "day2-reader lacks {verb} on {}",
                k.display()
            );
            assert_eq!(
                allows(&no_secrets, verb, k.group, k.resource),
                !k.is_secret(),
                "day2-reader-no-secrets and {verb} on {}",
                k.display()
            );
        }
    }
    for rule in reader.iter().chain(&no_secrets) {
        for g in &rule.groups {
            for r in &rule.resources {
                assert!(
                    KINDS.iter().any(|k| k.group == g && k.resource == r),
                    "rbac.yaml grants {r} in group {g:?}, which day2 never reads"
                );
            }
        }
    }
}

#[test]
fn the_service_account_is_bound_to_the_reader() {
    let docs = docs();
    let sa = docs.iter().find(|d| d["kind"] == "ServiceAccount").unwrap();
    assert_eq!(
        (
            sa["metadata"]["name"].as_str(),
            sa["metadata"]["namespace"].as_str()
        ),
        (Some("day2"), Some("day2"))
    );
    let b = docs
        .iter()
        .find(|d| d["kind"] == "ClusterRoleBinding")
        .unwrap();
    assert_eq!(b["roleRef"]["kind"], "ClusterRole");
    assert_eq!(b["roleRef"]["name"], "day2-reader");
    assert_eq!(
        b["subjects"],
        serde_json::json!([{"kind": "ServiceAccount", "name": "day2", "namespace": "day2"}])
    );
}

fn opts(namespace: Option<&str>) -> LiveOptions {
    LiveOptions {
        namespace: namespace.map(str::to_owned),
        page_size: 3,
        progress: false,
        timeout: Duration::from_secs(5),
        ..LiveOptions::default()
    }
}

#[tokio::test(start_paused = true)]
async fn the_capture_runs_fully_under_day2_reader_and_never_writes() {
    for ns in [None, Some("app")] {
        let f = Fake::new();
        seed(&f);
        f.state().rules = Some(cluster_role_rules("day2-reader"));
        let c = day2_live::capture_with_client(f.client(), "t", "https://fake", &opts(ns))
            .await
            .unwrap();
        assert!(c.notes.is_empty(), "{ns:?}: {:?}", c.notes);
        assert!(c.listed.iter().all(|l| l.complete), "{:?}", c.listed);
        assert_eq!(
            c.listed.len(),
            KINDS.len() - 1,
            "every served kind but events.k8s.io"
        );
        for s in f.log() {
            assert_eq!(s.method, "GET", "{} {}", s.method, s.path);
        }
    }
}

#[tokio::test(start_paused = true)]
async fn without_secrets_the_only_gap_is_one_identity_note() {
    let f = Fake::new();
    seed(&f);
    f.state().rules = Some(cluster_role_rules("day2-reader-no-secrets"));
    let c = day2_live::capture_with_client(f.client(), "t", "https://fake", &opts(None))
        .await
        .unwrap();
    let notes: Vec<String> = c.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        ["identity loop: no permission to list secrets (403)"]
    );
    assert!(c.items.iter().all(|i| i["kind"] != "Secret"));
    assert!(c.items.iter().any(|i| i["kind"] == "Pod"));
}
