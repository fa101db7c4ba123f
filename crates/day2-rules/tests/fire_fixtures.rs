//! What every rule reports on its `fire` fixture: rule, severity, object and
//! message, as a user reads them. A change in wording or in what fires shows
//! up here for review.

use day2_rules::{Config, Context};
use day2_sources::testing::{cluster_from_yaml, fixture_source};

#[test]
fn fire_fixture_findings() {
    let mut out = String::new();
    for r in day2_rules::all() {
        let m = r.meta();
        let cluster = cluster_from_yaml(m.fixtures.fire, fixture_source(m.fixtures.fire)).unwrap();
        let only = Config {
            enable: vec![m.code.to_owned()],
            ..Config::default()
        };
        let cx = Context::new(&cluster, &only);
        for f in day2_rules::run(&cx) {
            out.push_str(&format!(
                "{} [{}] {}: {}\n",
                f.rule, f.severity, f.object, f.message
            ));
        }
    }
    insta::assert_snapshot!(out);
}
