//! Loading fixture snapshots and diagnosing them as `day2 diagnose` does.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

pub mod crash;

use day2_diagnose::DiagnoseOutput;
use day2_model::report::Diagnosis;
use day2_model::{Cluster, Loop, SourceKind};
use day2_rules::{Config, Context};

pub fn load(text: &str) -> Cluster {
    day2_sources::testing::cluster_from_yaml(text, SourceKind::Snapshot).expect("fixture parses")
}

pub fn snapshot(name: &str) -> Cluster {
    let path = format!("{}/tests/snapshots/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    load(&text)
}

/// Rules, then diagnoses, as the CLI pipeline runs them.
pub fn diagnose(cluster: &Cluster) -> DiagnoseOutput {
    let config = Config::default();
    let cx = Context::new(cluster, &config);
    let findings = day2_rules::run(&cx);
    day2_diagnose::diagnose(&cx, &findings)
}

/// The diagnosis of symptom `kind` on `ns/name` (`ns` empty for a
/// cluster-scoped object such as a Node).
pub fn about<'a>(out: &'a DiagnoseOutput, kind: &str, ns: &str, name: &str) -> &'a Diagnosis {
    out.diagnoses
        .iter()
        .find(|d| {
            d.symptom.kind == kind
                && d.symptom.object.namespace.as_deref().unwrap_or_default() == ns
                && d.symptom.object.name == name
        })
        .or_else(|| {
            out.diagnoses.iter().find(|d| {
                d.symptom.kind == kind
                    && d.also_affected
                        .iter()
                        .any(|o| o.namespace.as_deref().unwrap_or_default() == ns && o.name == name)
            })
        })
        .unwrap_or_else(|| panic!("no {kind} diagnosis for {ns}/{name}: {}", summary(out)))
}

/// Assert the root cause's loop and object.
pub fn assert_root(d: &Diagnosis, loop_: Loop, kind: &str, name: &str) {
    let r = &d.root_cause;
    assert!(
        r.loop_ == loop_ && r.object.kind == kind && r.object.name == name,
        "expected root cause {loop_} {kind}/{name}, got {} {}: {}\nchain: {:#?}",
        r.loop_,
        r.object,
        r.summary,
        d.chain
    );
}

pub fn summary(out: &DiagnoseOutput) -> String {
    out.diagnoses
        .iter()
        .map(|d| {
            format!(
                "\n  {} {} -> {} {} ({:?}): {}",
                d.symptom.kind,
                d.symptom.object,
                d.root_cause.loop_,
                d.root_cause.object,
                d.confidence,
                d.root_cause.summary
            )
        })
        .collect()
}

/// The snapshot of held-out incident `id` of set `set`
/// (`tests/incidents-heldout-<set>/<id>-*.json`).
pub fn heldout(set: u32, id: &str) -> String {
    let dir = format!(
        "{}/tests/incidents-heldout-{set}",
        env!("CARGO_MANIFEST_DIR")
    );
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let path = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{id}-")) && n.ends_with(".json"))
        })
        .unwrap_or_else(|| panic!("no incident {id} in {dir}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `text` with `from` replaced, which must be there: a sibling of a
/// snapshot, edited where the reading turns.
pub fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the snapshot holds no {from:?}");
    text.replace(from, to)
}
