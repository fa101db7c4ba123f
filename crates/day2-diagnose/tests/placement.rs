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

/// A Pending pod the scheduler found no cpu for, on one node whose other
/// pod requests `taken` cpu of its 4.
fn pending_beside(taken: &str) -> day2_model::Cluster {
    common::crash::cluster(&[
        &common::crash::node("n1", "6.1.0"),
        &format!(
            r#"
- {{apiVersion: v1, kind: Pod, metadata: {{name: busy, namespace: app, uid: u-busy}}, spec: {{nodeName: n1, containers: [{{name: c, image: "c:1", resources: {{requests: {{cpu: "{taken}"}}}}}}]}}, status: {{phase: Running, conditions: [{{type: Ready, status: "True"}}]}}}}
- {{apiVersion: v1, kind: Pod, metadata: {{name: batch, namespace: app, uid: u-batch}}, spec: {{containers: [{{name: c, image: "c:1", resources: {{requests: {{cpu: "1"}}}}}}]}}, status: {{phase: Pending, conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/1 nodes are available: 1 Insufficient cpu."}}]}}}}
- {{apiVersion: v1, kind: Event, metadata: {{name: e-batch, namespace: app}}, involvedObject: {{kind: Pod, name: batch, namespace: app, uid: u-batch}}, reason: FailedScheduling, message: "0/1 nodes are available: 1 Insufficient cpu.", type: Warning, count: 3, firstTimestamp: "2026-03-02T10:00:00Z", lastTimestamp: "2026-03-02T10:20:00Z", source: {{component: default-scheduler}}}}
"#
        ),
    ])
}

#[test]
fn room_the_snapshot_shows_that_the_scheduler_did_not_find_is_said() {
    // 3 cpu of 4 free now, for a pod of 1: the scheduler's attempt is older.
    let out = diagnose(&pending_beside("1"));
    let d = about(&out, "PodPending", "app", "batch");
    assert_eq!(d.root_cause.loop_, Loop::Compute);
    assert!(
        d.root_cause
            .summary
            .contains("when the scheduler last tried"),
        "{}",
        d.root_cause.summary
    );
    assert!(d.fix.contains("kubectl describe node n1"), "{}", d.fix);
    // Half a cpu free for a pod of 1: plainly out of cpu.
    let out = diagnose(&pending_beside("3500m"));
    let d = about(&out, "PodPending", "app", "batch");
    assert!(
        d.root_cause.summary.starts_with("out of cpu: "),
        "{}",
        d.root_cause.summary
    );
    assert!(d.fix.contains("out of cpu"), "{}", d.fix);
}
