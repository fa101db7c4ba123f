//! The bundled demo cluster tells the seed's domino story end to end.

mod common;

use common::*;
use day2_model::Loop;
use day2_model::report::Confidence;

#[test]
fn the_storage_class_is_the_root_cause_of_the_pending_database() {
    let cluster = load(day2_diagnose::DEMO_CLUSTER);
    let out = diagnose(&cluster);
    let first = &out.diagnoses[0];
    assert_eq!(first.symptom.kind, "PodPending", "{}", summary(&out));
    assert_eq!(first.symptom.object.name, "postgres-0");
    assert_root(first, Loop::Storage, "StorageClass", "gp3");
    assert_eq!(first.root_cause.rule.as_deref(), Some("ST001"));
    assert_eq!(first.confidence, Confidence::High);
    assert!(first.fix.contains("WaitForFirstConsumer"), "{}", first.fix);

    // compute -> storage -> network, in time order.
    let timed: Vec<_> = first.chain.iter().filter(|l| l.at.is_some()).collect();
    let times: Vec<jiff::Timestamp> = timed.iter().filter_map(|l| l.at).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "chain out of order: {:#?}",
        first.chain
    );
    let loops: Vec<Loop> = timed.iter().map(|l| l.loop_).collect();
    let c = loops
        .iter()
        .position(|l| *l == Loop::Compute)
        .expect("a compute link");
    let s = c + loops[c..]
        .iter()
        .position(|l| *l == Loop::Storage)
        .expect("a storage link after compute");
    assert!(
        loops[s..].contains(&Loop::Network),
        "a network link after storage: {loops:?}"
    );
    for (what, needle) in [
        ("the autoscaler's scale-up", "cluster-autoscaler scaled up"),
        (
            "the new node outside the volume's zone",
            "joined in us-east-1b, outside the volume's zone us-east-1a",
        ),
        ("the zonal disk", "with Immediate binding"),
        (
            "the cross-zone traffic",
            "crosses an availability-zone boundary",
        ),
        ("the 502s", "502/503"),
    ] {
        assert!(
            first.chain.iter().any(|l| l.what.contains(needle)),
            "chain lacks {what}: {:#?}",
            first.chain
        );
    }
}

#[test]
fn the_network_symptoms_share_the_storage_root_cause() {
    let out = diagnose(&load(day2_diagnose::DEMO_CLUSTER));
    for (kind, ns, name) in [
        ("ServiceWithoutReadyEndpoints", "shop", "frontend"),
        ("IngressBackendUnavailable", "shop", "frontend"),
        ("StatefulSetRolloutStuck", "db", "postgres"),
    ] {
        assert_root(
            about(&out, kind, ns, name),
            Loop::Storage,
            "StorageClass",
            "gp3",
        );
    }
    // One incident: nothing else is diagnosed in the demo.
    assert!(
        out.diagnoses
            .iter()
            .all(|d| d.root_cause.object.name == "gp3"),
        "{}",
        summary(&out)
    );
    // The timeline runs 09:00 -> 09:10 across loops (after the class's creation, the standing cause).
    let at: Vec<String> = out
        .timeline
        .iter()
        .filter_map(|t| t.at.map(|t| t.to_string()))
        .collect();
    assert!(
        at[0].starts_with("2025-11-03"),
        "the StorageClass came first: {at:?}"
    );
    assert!(
        at.iter().any(|t| t.starts_with("2026-03-02T09:00")),
        "{at:?}"
    );
    assert!(
        at.iter().any(|t| t.starts_with("2026-03-02T09:05")),
        "{at:?}"
    );
    let loops: std::collections::BTreeSet<Loop> = out.timeline.iter().map(|t| t.loop_).collect();
    assert!(
        loops.contains(&Loop::Compute)
            && loops.contains(&Loop::Storage)
            && loops.contains(&Loop::Network)
    );
}

#[test]
fn the_demo_breaks_each_law() {
    let cluster = load(day2_diagnose::DEMO_CLUSTER);
    let config = day2_rules::Config::default();
    let cx = day2_rules::Context::new(&cluster, &config);
    let findings = day2_rules::run(&cx);
    // One violation of each law the method names (rules are looked up by code:
    // a rule missing from the catalogue is skipped, one present must fire).
    for (law, codes) in [
        ("static cloud key in a Secret", &["ID001"][..]),
        ("cluster-admin binding", &["ID005"]),
        ("missing requests", &["CP001"]),
        ("no PodDisruptionBudget", &["CP005"]),
        ("no readiness probe", &["NW001"]),
        ("no NetworkPolicy", &["NW004", "NW005"]),
        ("ingress timeouts at defaults", &["NW009"]),
        ("Immediate binding on zonal disks", &["ST001"]),
        ("database as a Deployment", &["ST002"]),
        ("logs without golden-rule context", &["OB001"]),
        ("no metrics scraping", &["OB002", "OB003"]),
    ] {
        let known: Vec<&str> = codes
            .iter()
            .copied()
            .filter(|c| day2_rules::by_code(c).is_some())
            .collect();
        if !known.is_empty() {
            assert!(
                findings.iter().any(|f| known.contains(&&*f.rule)),
                "demo does not break the law \"{law}\" ({known:?})"
            );
        }
    }
    for l in Loop::ALL {
        assert!(
            findings.iter().any(|f| f.loop_ == l),
            "no finding in loop {l}"
        );
    }
}
