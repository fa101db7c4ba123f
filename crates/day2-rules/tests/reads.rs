//! What each rule says it reads (`RuleMeta::reads`) against what it reads.
//!
//! The agent reruns a rule only when a kind it reads changed, so a kind
//! missing from a rule's list would leave its findings stale. Every cluster
//! the tests hold (the incident snapshots of `day2-diagnose`, the public
//! manifests of `tests/corpus`, every rule's fixtures) is read, and each
//! kind it holds is taken away in turn, and so is the status of its pods: a
//! rule whose findings change then must list that kind (`KindSet::POD_STATUS`
//! for the pods' status). `DAY2_READS=print` prints, per rule, the kinds
//! whose removal changed its findings somewhere.
//!
//! Then the memo itself: [`day2_rules::run_incremental`], told which kinds
//! changed, must give what [`day2_rules::run`] gives, finding for finding.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test fixtures are ours

use day2_model::{Cluster, Finding, KindSet, StoredKind};
use day2_rules::{Config, Context, Memo};
use day2_sources::testing::{with_stores, without};
use day2_sources::{Input, LoadOptions, load_manifests, load_snapshot};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The name the pods' status goes by in the lists.
const POD_STATUS: &str = "(pods' status)";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files_under(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p.extension().is_some_and(|e| ext.iter().any(|x| e == *x)) {
            out.push(p);
        }
    }
}

/// Every cluster the tests hold, named.
fn clusters() -> Vec<(String, Cluster)> {
    let root = root();
    let mut inputs: Vec<(String, bool, Vec<PathBuf>)> = Vec::new();
    // Incident snapshots (`kubectl get -o json` / cluster-info dump shaped).
    let mut snaps = Vec::new();
    let diag = root.join("crates/day2-diagnose/tests");
    for e in std::fs::read_dir(&diag).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir()
            && p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("incidents")
        {
            files_under(&p, &["json"], &mut snaps);
        }
    }
    for p in snaps {
        inputs.push((p.display().to_string(), true, vec![p]));
    }
    // Manifests: the public corpus by folder, every rule's fixtures by file.
    let mut folders: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut manifests = Vec::new();
    files_under(
        &root.join("crates/day2-rules/tests/corpus"),
        &["yaml", "yml", "json"],
        &mut manifests,
    );
    for p in manifests {
        folders
            .entry(p.parent().unwrap().to_path_buf())
            .or_default()
            .push(p);
    }
    for (dir, files) in folders {
        inputs.push((dir.display().to_string(), false, files));
    }
    let mut fixtures = Vec::new();
    files_under(
        &root.join("crates/day2-rules/fixtures"),
        &["yaml", "yml"],
        &mut fixtures,
    );
    for p in fixtures {
        inputs.push((p.display().to_string(), false, vec![p]));
    }
    assert!(
        inputs.len() > 300,
        "the test clusters are missing: {}",
        inputs.len()
    );
    inputs
        .into_par_iter()
        .filter_map(|(name, snapshot, files)| {
            let input: Vec<Input> = files.into_iter().map(Input::Path).collect();
            let opts = LoadOptions::default();
            let c = if snapshot {
                load_snapshot(&input, &opts)
            } else {
                load_manifests(&input, &opts)
            };
            c.ok().map(|c| (name, c))
        })
        .collect()
}

/// `c` with every pod's status gone.
fn without_pod_status(c: &Cluster) -> Cluster {
    let mut stores = c.stores.clone();
    for p in &mut stores.pods {
        std::sync::Arc::make_mut(&mut p.obj).status = None;
    }
    with_stores(c, stores)
}

fn has_pod_status(c: &Cluster) -> bool {
    c.stores.pods.iter().any(|p| p.obj.status.is_some())
}

fn kinds_present(c: &Cluster) -> Vec<StoredKind> {
    StoredKind::ALL
        .iter()
        .copied()
        .filter(|k| c.stores.len_of(*k) > 0)
        .collect()
}

/// Findings per rule, as text (all that a report shows of them).
fn by_rule(findings: &[Finding]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in findings {
        out.entry(f.rule.to_string())
            .or_default()
            .push(serde_json::to_string(f).unwrap());
    }
    out
}

/// The rules whose findings differ between `got` and `want` (none when equal).
fn differ(got: &[Finding], want: &[Finding]) -> Vec<String> {
    if got == want {
        return Vec::new();
    }
    let (g, w) = (by_rule(got), by_rule(want));
    let rules: BTreeSet<&String> = g.keys().chain(w.keys()).collect();
    let mut out: Vec<String> = rules
        .into_iter()
        .filter(|r| g.get(*r) != w.get(*r))
        .cloned()
        .collect();
    if out.is_empty() {
        out.push("(the same findings in another order)".into());
    }
    out
}

fn run(c: &Cluster, config: &Config) -> Vec<Finding> {
    day2_rules::run(&Context::new(c, config))
}

#[test]
fn every_rule_lists_the_kinds_its_findings_depend_on() {
    let clusters = clusters();
    // (rule, kind) → the first cluster where removing the kind changed the rule's findings.
    let seen: BTreeMap<(String, &'static str), String> = clusters
        .par_iter()
        .flat_map_iter(|(name, c)| {
            // The cloud stays what it was: the memo is keyed by it apart.
            let config = Config {
                cloud: Some(c.detect_cloud()),
                ..Config::default()
            };
            let full = by_rule(&run(c, &config));
            let mut out = Vec::new();
            let mut variants: Vec<(&'static str, Cluster)> = kinds_present(c)
                .into_iter()
                .map(|k| (k.name(), without(c, KindSet::of(&[k]))))
                .collect();
            if has_pod_status(c) {
                variants.push((POD_STATUS, without_pod_status(c)));
            }
            for (k, less) in variants {
                let less = by_rule(&run(&less, &config));
                let rules: BTreeSet<&String> = full.keys().chain(less.keys()).collect();
                for r in rules {
                    if full.get(r) != less.get(r) {
                        out.push(((r.clone(), k), name.clone()));
                    }
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if std::env::var("DAY2_READS").as_deref() == Ok("print") {
        let mut per_rule: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (r, k) in seen.keys() {
            per_rule.entry(r).or_default().push(k);
        }
        for (r, ks) in per_rule {
            eprintln!("{r}: {}", ks.join(", "));
        }
    }
    let mut missing = Vec::new();
    for ((rule, kind), at) in &seen {
        let meta = day2_rules::by_code(rule).unwrap().meta();
        let listed = if *kind == POD_STATUS {
            meta.reads.intersects(KindSet::POD_STATUS)
        } else {
            let k = StoredKind::ALL.iter().find(|k| k.name() == *kind).unwrap();
            meta.reads.contains(*k)
        };
        if !listed {
            missing.push(format!(
                "{rule} reads {kind} (its findings change without them in {at})"
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_memo_gives_what_a_full_run_gives_after_each_change() {
    let clusters = clusters();
    let checked: usize = clusters
        .par_iter()
        .map(|(name, c)| {
            let config = Config::default();
            let mut memo = Memo::default();
            let first =
                day2_rules::run_incremental(&Context::new(c, &config), &mut memo, KindSet::ALL);
            let no: Vec<String> = Vec::new();
            assert_eq!(differ(&first, &run(c, &config)), no, "{name}: first run");
            // Take each kind away and bring it back, telling the memo which.
            let mut steps = 0;
            for k in kinds_present(c) {
                let set = KindSet::of(&[k]);
                let less = without(c, set);
                let got =
                    day2_rules::run_incremental(&Context::new(&less, &config), &mut memo, set);
                assert_eq!(
                    differ(&got, &run(&less, &config)),
                    no,
                    "{name}: without {}",
                    k.name()
                );
                let back = day2_rules::run_incremental(&Context::new(c, &config), &mut memo, set);
                assert_eq!(
                    differ(&back, &run(c, &config)),
                    no,
                    "{name}: {} back",
                    k.name()
                );
                steps += 2;
            }
            // The kubelet's update: the pods' status alone.
            if has_pod_status(c) {
                let less = without_pod_status(c);
                let set = KindSet::POD_STATUS;
                let got =
                    day2_rules::run_incremental(&Context::new(&less, &config), &mut memo, set);
                assert_eq!(
                    differ(&got, &run(&less, &config)),
                    no,
                    "{name}: without pod status"
                );
                let back = day2_rules::run_incremental(&Context::new(c, &config), &mut memo, set);
                assert_eq!(
                    differ(&back, &run(c, &config)),
                    no,
                    "{name}: pod status back"
                );
                steps += 2;
            }
            // Nothing changed: nothing is run again, the same findings.
            let same =
                day2_rules::run_incremental(&Context::new(c, &config), &mut memo, KindSet::EMPTY);
            assert_eq!(memo.rerun(), 0, "{name}");
            assert_eq!(differ(&same, &run(c, &config)), no, "{name}: unchanged");
            steps + 1
        })
        .sum();
    assert!(checked > 1000, "{checked} steps");
}
