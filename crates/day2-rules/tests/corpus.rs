//! The public install manifests of `tests/corpus/` (each project's
//! `SOURCE.md` names the repository, path, commit and licence), audited as a
//! user would audit them: every folder of manifests is one input, read with
//! positions by `day2-sources`, every rule enabled.
//!
//! One snapshot per vendor file lists what day2 reports on it: rule,
//! severity, object and message. Each finding in them has been reviewed
//! (`tests/corpus/REVIEW.md` judges every class of medium-or-higher
//! finding); a new finding fails the test until it is reviewed and the
//! snapshot accepted.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test fixtures are ours

use day2_rules::{Config, Context};
use day2_sources::{Input, LoadOptions, load_manifests};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn is_manifest(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
}

/// Every folder holding manifests, with its manifests (sorted).
fn inputs(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<PathBuf>>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            inputs(&p, out);
        } else if is_manifest(&p) {
            out.entry(dir.to_path_buf()).or_default().push(p);
        }
    }
}

#[test]
fn public_manifests_report_only_reviewed_findings() {
    let root = corpus();
    let mut folders = BTreeMap::new();
    inputs(&root, &mut folders);
    assert!(folders.len() >= 7, "the corpus is missing");
    let config = Config::default();
    let mut reports: BTreeMap<String, String> = BTreeMap::new();
    for files in folders.values() {
        let input: Vec<Input> = files.iter().cloned().map(Input::Path).collect();
        let cluster = load_manifests(&input, &LoadOptions::default()).unwrap();
        // The example collections (kubernetes/examples, prometheus-operator's
        // user guides) ship alternative layouts of one app side by side (MinIO
        // standalone and distributed both define `minio-service`): the reader
        // notes the duplicates, and nothing else.
        let unexpected: Vec<_> = cluster
            .notes
            .iter()
            .filter(|n| {
                let example = ["/kubernetes-examples/", "/prometheus-operator/"]
                    .iter()
                    .any(|c| n.at.contains(c));
                !(example && n.message.contains(" is defined twice (first at "))
            })
            .collect();
        assert!(
            unexpected.is_empty(),
            "the corpus reads without notes: {unexpected:?}"
        );
        for f in files {
            reports.insert(f.display().to_string(), String::new());
        }
        let findings = day2_rules::run(&Context::new(&cluster, &config));
        for f in findings {
            let file = f
                .location
                .as_ref()
                .map(|l| l.file.to_string())
                .expect("every finding on a manifest has a location");
            let line = f.location.as_ref().map_or(0, |l| l.line);
            let text = reports.entry(file).or_default();
            text.push_str(&format!(
                "{} [{}] {} (line {line}): {}\n",
                f.rule, f.severity, f.object, f.message
            ));
        }
    }
    for (file, text) in reports {
        let rel = Path::new(&file)
            .strip_prefix(&root)
            .unwrap()
            .display()
            .to_string();
        let name = rel.replace(['/', '.'], "_");
        let body = if text.is_empty() {
            "(no findings)\n".to_owned()
        } else {
            text
        };
        insta::with_settings!({snapshot_path => "corpus_snapshots", prepend_module_to_snapshot => false, description => rel.as_str()}, {
            insta::assert_snapshot!(name, body);
        });
    }
}
