//! A realistic application built to every law must produce no finding at or
//! above high — and, as built here, no finding at all — on every source.

#![allow(clippy::unwrap_used)] // test helpers unwrap their fixtures

use day2_model::{Severity, SourceKind};
use day2_rules::{Config, Context};
use day2_sources::testing::cluster_from_yaml;

const APP: &str = include_str!("../fixtures/apps/compliant.yaml");

fn findings(kind: SourceKind) -> Vec<String> {
    let cluster = cluster_from_yaml(APP, kind).unwrap();
    let config = Config::default();
    let cx = Context::new(&cluster, &config);
    day2_rules::run(&cx)
        .into_iter()
        .filter(|f| {
            // Cluster-wide monitoring is not part of an application.
            !(kind != SourceKind::Manifests && f.rule == "OB003")
        })
        .map(|f| format!("{} [{}] {}: {}", f.rule, f.severity, f.object, f.message))
        .collect()
}

#[test]
fn compliant_app_has_no_high_findings_as_manifests() {
    let cluster = cluster_from_yaml(APP, SourceKind::Manifests).unwrap();
    let config = Config::default();
    let cx = Context::new(&cluster, &config);
    let high: Vec<_> = day2_rules::run(&cx)
        .into_iter()
        .filter(|f| f.severity >= Severity::High)
        .map(|f| format!("{} {}: {}", f.rule, f.object, f.message))
        .collect();
    assert!(high.is_empty(), "{high:#?}");
}

#[test]
fn compliant_app_is_clean_as_manifests() {
    let f = findings(SourceKind::Manifests);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn compliant_app_is_clean_as_snapshot() {
    let f = findings(SourceKind::Snapshot);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn compliant_app_checklist_has_no_failures() {
    let cluster = cluster_from_yaml(APP, SourceKind::Manifests).unwrap();
    let config = Config::default();
    let cx = Context::new(&cluster, &config);
    let found = day2_rules::run(&cx);
    let checklist = day2_rules::checklist::build(&cx, &found, None);
    for l in day2_model::Loop::ALL {
        for item in &checklist.get(l).items {
            assert_ne!(
                item.status,
                day2_model::report::Status::Fail,
                "{}: {:?}",
                item.id,
                item.detail
            );
        }
    }
}
