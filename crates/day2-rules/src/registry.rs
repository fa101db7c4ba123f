//! The rule catalogue.

use crate::Rule;
use crate::rules::*;
use day2_model::report::RuleInfo;

static ALL: &[&dyn Rule] = &[
    // identity
    &id001_static_cloud_credentials::StaticCloudCredentials,
    // compute
    &cp001_missing_requests::MissingRequests,
    // network
    &nw001_missing_readiness_probe::MissingReadinessProbe,
    // storage
    &st001_immediate_binding_zonal_storage::ImmediateBindingZonalStorage,
    // observability
    &ob001_missing_golden_context::MissingGoldenContext,
];

/// Every rule, in catalogue order.
pub fn all() -> &'static [&'static dyn Rule] {
    ALL
}

/// A rule by code (case-insensitive) or name.
pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code) || r.meta().name == code)
}

/// The catalogue as renderers need it.
pub fn infos() -> Vec<RuleInfo> {
    ALL.iter().map(|r| r.meta().info()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::engine::{Context, run_rules};
    use crate::testing::cluster_from_yaml;
    use day2_model::{Loop, SourceKind};
    use std::collections::BTreeSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = BTreeSet::new();
        let mut names = BTreeSet::new();
        for r in ALL {
            let m = r.meta();
            assert!(codes.insert(m.code), "duplicate code {}", m.code);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert!(
                m.code.starts_with(m.loop_.code_prefix()),
                "{} is in loop {}",
                m.code,
                m.loop_
            );
            assert_eq!(m.code.len(), 5, "{}", m.code);
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                m.name
            );
            assert!(
                !m.summary.is_empty()
                    && !m.rationale.trim().is_empty()
                    && !m.fix.generic.is_empty(),
                "{}",
                m.code
            );
        }
        for l in Loop::ALL {
            assert!(
                ALL.iter().any(|r| r.meta().loop_ == l),
                "no rule for loop {l}"
            );
        }
    }

    /// Every rule fires on its `fire` fixture and stays silent on its `silent` fixture.
    #[test]
    fn fixtures_fire_and_stay_silent() {
        let config = Config::default();
        for r in ALL {
            let m = r.meta();
            for (text, should_fire) in [(m.fixtures.fire, true), (m.fixtures.silent, false)] {
                let cluster = cluster_from_yaml(text, SourceKind::Manifests)
                    .unwrap_or_else(|e| panic!("{} fixture does not parse: {e}", m.code));
                let cx = Context::new(&cluster, &config);
                let findings = run_rules(&cx, &[*r]);
                if should_fire {
                    assert!(
                        !findings.is_empty(),
                        "{} did not fire on its fire fixture",
                        m.code
                    );
                    assert!(findings.iter().all(|f| f.rule == m.code));
                } else {
                    assert!(
                        findings.is_empty(),
                        "{} fired on its silent fixture: {findings:#?}",
                        m.code
                    );
                }
            }
        }
    }

    #[test]
    fn suppression_by_annotation() {
        let yaml = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, annotations: {day2.dev/ignore: "CP001", day2.dev/ignore-reason: "batch"}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}, annotations: {day2.dev/ignore: "missing-resource-requests"}}
    spec: {containers: [{name: app, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec:
  selector: {matchLabels: {app: w}}
  template:
    metadata: {labels: {app: w}}
    spec: {containers: [{name: app, image: nginx}]}
"#;
        let cluster = cluster_from_yaml(yaml, SourceKind::Manifests).unwrap();
        let config = Config::default();
        let cx = Context::new(&cluster, &config);
        let f = run_rules(&cx, &[by_code("CP001").unwrap()]);
        let objs: Vec<_> = f.iter().map(|f| f.object.name.as_str()).collect();
        assert_eq!(objs, vec!["worker"]);
        let config = Config {
            exclude_namespaces: vec!["shop".into()],
            ..Config::default()
        };
        let cx = Context::new(&cluster, &config);
        assert!(run_rules(&cx, &[by_code("CP001").unwrap()]).is_empty());
    }
}
