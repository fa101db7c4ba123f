//! The scheduler simulator's verdicts kept from one evaluation for the next
//! ([`day2_diagnose::diagnose_incremental`]) give the diagnosis a whole run
//! gives.
//!
//! Every incident snapshot here is diagnosed once to fill a memo; then, for
//! each kind [`day2_diagnose::PLACEMENT_IGNORES`] says the verdicts do not
//! read, the cluster without that kind's objects is diagnosed with the memo
//! (the verdicts kept) and whole, and the two must be equal. A kind wrongly
//! listed there, one the simulator or a signature reads, shows as a
//! difference on some snapshot.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use day2_diagnose::{DiagnoseOutput, Memo, PLACEMENT_IGNORES, diagnose, diagnose_incremental};
use day2_model::{Cluster, KindSet};
use day2_rules::{Config, Context};
use day2_sources::testing::without;
use day2_sources::{Input, LoadOptions, load_snapshot};
use rayon::prelude::*;
use std::path::PathBuf;

fn snapshots() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir()
            && p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("incidents")
        {
            for f in std::fs::read_dir(&p).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|x| x == "json") {
                    out.push(f);
                }
            }
        }
    }
    out.sort();
    out
}

/// `c` with `change` made to every pod's status.
fn with_pods(c: &Cluster, change: impl Fn(&mut day2_model::pod::PodStatus)) -> Cluster {
    let mut stores = c.stores.clone();
    for p in stores.pods.iter_mut() {
        let pod = std::sync::Arc::make_mut(&mut p.obj);
        if let Some(s) = pod.status.as_mut() {
            change(s);
        }
    }
    day2_sources::testing::with_stores(c, stores)
}

fn whole(c: &Cluster) -> DiagnoseOutput {
    let config = Config::default();
    let cx = Context::new(c, &config);
    diagnose(&cx, &day2_rules::run(&cx))
}

fn kept(c: &Cluster, memo: &mut Memo, changed: KindSet) -> DiagnoseOutput {
    let config = Config::default();
    let cx = Context::new(c, &config);
    diagnose_incremental(&cx, &day2_rules::run(&cx), memo, changed)
}

#[test]
fn kept_verdicts_give_the_diagnosis_a_whole_run_gives() {
    let files = snapshots();
    assert!(
        files.len() > 200,
        "the incident snapshots are missing: {}",
        files.len()
    );
    let used: usize = files
        .par_iter()
        .map(|f| {
            let c = load_snapshot(&[Input::Path(f.clone())], &LoadOptions::default()).unwrap();
            let mut memo = Memo::default();
            assert_eq!(
                kept(&c, &mut memo, KindSet::ALL),
                whole(&c),
                "{}: the first run",
                f.display()
            );
            if memo.kept() == 0 {
                return 0;
            }
            // The same cluster again: the verdicts are used, not worked out.
            let mut again = memo.clone();
            assert_eq!(
                kept(&c, &mut again, KindSet::EMPTY),
                whole(&c),
                "{}",
                f.display()
            );
            for kind in PLACEMENT_IGNORES.iter() {
                let changed = KindSet::of(&[kind]);
                let c2 = without(&c, changed);
                let mut m = memo.clone();
                assert_eq!(
                    kept(&c2, &mut m, changed),
                    whole(&c2),
                    "{}: without {kind:?}, the kept verdicts differ from a whole run",
                    f.display()
                );
            }
            // Every pod's status changed but its phase (a container
            // restarted, readiness flipped): the verdicts are kept.
            let restarted = with_pods(&c, |s| {
                for cs in s.container_statuses.iter_mut().flatten() {
                    cs.restart_count += 1;
                    cs.ready = !cs.ready;
                }
            });
            let mut m = memo.clone();
            assert_eq!(
                kept(&restarted, &mut m, KindSet::POD_STATUS),
                whole(&restarted),
                "{}: pods restarted, the kept verdicts differ from a whole run",
                f.display()
            );
            // Every running pod finished: the phase drops them.
            let finished = with_pods(&c, |s| {
                if s.phase.as_deref() == Some("Running") {
                    s.phase = Some("Succeeded".into());
                }
            });
            let mut m = memo.clone();
            assert_eq!(
                kept(
                    &finished,
                    &mut m,
                    KindSet::POD_STATUS.union(KindSet::POD_PHASE)
                ),
                whole(&finished),
                "{}: pods finished",
                f.display()
            );
            // A kind the verdicts read drops them.
            let mut m = memo.clone();
            let c3 = without(&c, KindSet::of(&[day2_model::StoredKind::Node]));
            assert_eq!(
                kept(&c3, &mut m, KindSet::of(&[day2_model::StoredKind::Node])),
                whole(&c3),
                "{}: without its nodes",
                f.display()
            );
            1
        })
        .sum();
    // Snapshots with Pending pods whose verdicts were kept and used.
    assert!(used >= 10, "only {used} snapshots kept verdicts");
}
