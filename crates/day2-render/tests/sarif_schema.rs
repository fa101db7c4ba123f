//! day2's SARIF validates against the SARIF 2.1.0 JSON schema.

use day2_model::report::*;
use day2_model::{Location, Loop, ObjRef, Severity};
use day2_render::{Format, RenderOptions, render};

fn report() -> Report {
    let finding = |rule: &str, loc: bool| Finding {
        rule: rule.into(),
        name: "immediate-binding-zonal-storage".into(),
        loop_: Loop::Storage,
        severity: Severity::Critical,
        object: ObjRef::new("StorageClass", None, "gp3").with_api_version("storage.k8s.io/v1"),
        message: "StorageClass gp3 binds zonal disks immediately".into(),
        location: loc.then(|| Location {
            file: "deploy/storage.yaml".into(),
            line: 7,
            column: 1,
        }),
        fix: "Set volumeBindingMode: WaitForFirstConsumer.".into(),
    };
    let d = Diagnosis {
        symptom: Symptom {
            kind: "PodPending".into(),
            loop_: Loop::Compute,
            object: ObjRef::new("Pod", Some("db"), "postgres-0"),
            since: Some("2026-01-01T09:00:00Z".into()),
            evidence: vec!["0/3 nodes are available".into()],
        },
        root_cause: RootCause {
            loop_: Loop::Storage,
            rule: Some("ST001".into()),
            summary: "zonal disk".into(),
            object: ObjRef::new("StorageClass", None, "gp3"),
        },
        chain: vec![],
        fix: "WaitForFirstConsumer".into(),
        confidence: Confidence::High,
        also_affected: vec![],
        missing_evidence: vec![],
    };
    let item = ChecklistItem {
        id: "x".into(),
        text: "x".into(),
        status: Status::Unknown,
        failing: 0,
        detail: None,
    };
    let lc = || LoopChecklist::from_items(vec![item.clone()]);
    let mut r = Report {
        schema: SCHEMA.into(),
        source: SourceInfo {
            kind: "manifests".into(),
            cloud: "aws".into(),
            input: String::new(),
        },
        findings: vec![
            finding("ST001", true),
            finding("ST001", false),
            finding("XX999", false),
        ],
        diagnoses: vec![d],
        checklist: Checklist {
            identity: lc(),
            compute: lc(),
            network: lc(),
            storage: lc(),
            observability: lc(),
        },
        summary: Summary::default(),
        timeline: vec![],
        notes: vec![],
    };
    r.finalize(3);
    r
}

#[test]
fn sarif_output_is_valid_against_the_2_1_0_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("schema/sarif-2.1.0-rtm.5.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let rules = vec![RuleInfo {
        code: "ST001".into(),
        name: "immediate-binding-zonal-storage".into(),
        loop_: Loop::Storage,
        severity: Severity::Critical,
        summary: "zonal disks bound immediately".into(),
        law: "Data has mass.".into(),
        docs: "# ST001\n\ndocs".into(),
    }];
    let out = render(&report(), &rules, Format::Sarif, &RenderOptions::default()).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
    // The schema rejects what it should: a result without a message.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&broken));
}
