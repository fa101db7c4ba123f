//! Placement evidence is pluggable: a scheduler simulator's per-node verdicts
//! replace the model's, and the Pending analysers follow them.

mod common;

use common::*;
use day2_diagnose::{NodeVerdict, PlacementSource};
use day2_model::pod::Pod;
use day2_model::{Loop, Res};
use day2_rules::{Config, Context};

/// Only n-a could take the pod if it had room; n-b and n-c fail a filter the model does not know.
struct Simulated;

impl PlacementSource<'_> for Simulated {
    fn name(&self) -> &'static str {
        "simulator"
    }
    fn explain(&self, _pod: &Res<Pod>) -> Option<Vec<NodeVerdict<'static>>> {
        let v = |name: &'static str, reason: &'static str| NodeVerdict {
            name: name.into(),
            zone: None,
            fits: false,
            reasons: [reason.into()].into_iter().collect(),
        };
        Some(vec![
            v("n-a", "Insufficient cpu"),
            v(
                "n-b",
                "node(s) didn't match pod topology spread constraints",
            ),
            v(
                "n-c",
                "node(s) didn't match pod topology spread constraints",
            ),
        ])
    }
}

struct Blind;

impl PlacementSource<'_> for Blind {
    fn name(&self) -> &'static str {
        "simulator"
    }
    fn explain(&self, _pod: &Res<Pod>) -> Option<Vec<NodeVerdict<'static>>> {
        None
    }
}

#[test]
fn the_model_sees_fragmentation_a_simulator_can_narrow_it() {
    let cluster = snapshot("pending-fragmentation");
    let config = Config::default();
    let cx = Context::new(&cluster, &config);
    let model = day2_diagnose::diagnose(&cx, &[]);
    let d = about(&model, "PodPending", "shop", "api-6d8f7c9b5-k2x9p");
    assert!(
        d.root_cause.summary.starts_with("fragmentation"),
        "{}",
        d.root_cause.summary
    );

    let sim = day2_diagnose::diagnose_with(&cx, &[], Some(&Simulated));
    let d = about(&sim, "PodPending", "shop", "api-6d8f7c9b5-k2x9p");
    assert_eq!(d.root_cause.loop_, Loop::Compute);
    assert!(
        d.root_cause.summary.starts_with("out of cpu"),
        "only n-a is a candidate: {}",
        d.root_cause.summary
    );
    assert!(
        d.root_cause.summary.contains("n-a 1 cpu"),
        "{}",
        d.root_cause.summary
    );
}

#[test]
fn a_source_that_cannot_judge_is_named() {
    let cluster = snapshot("pending-fragmentation");
    let config = Config::default();
    let cx = Context::new(&cluster, &config);
    let out = day2_diagnose::diagnose_with(&cx, &[], Some(&Blind));
    let d = about(&out, "PodPending", "shop", "api-6d8f7c9b5-k2x9p");
    assert!(
        d.root_cause
            .summary
            .contains("simulator placement source could not judge"),
        "{}",
        d.root_cause.summary
    );
}
