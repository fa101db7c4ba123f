//! day2's SARIF validates against the official SARIF 2.1.0 JSON schema (OASIS,
//! errata 01; see `schema/README.md` for where the files come from), and
//! against the rtm.5 revision that SchemaStore-based tools use.
#![allow(clippy::unwrap_used)] // test helpers unwrap: a failure is a failed test

#[path = "../src/sample.rs"]
mod sample;

use day2_model::report::*;
use day2_model::{Location, Loop, ObjRef, Severity};
use day2_render::{Format, RenderOptions, render};
use jsonschema::Validator;
use serde_json::{Value, json};

const OASIS: &str = include_str!("schema/sarif-schema-2.1.0.json");
const RTM5: &str = include_str!("schema/sarif-2.1.0-rtm.5.json");

fn validator(schema: &str) -> Validator {
    let schema: Value = serde_json::from_str(schema).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn errors(v: &Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// The schema is draft-04, where `format: uri-reference` is not checked (the
/// format came with draft-06): check every `uri` the way a newer draft would.
fn bad_uris(doc: &Value) -> Vec<String> {
    let uri_ref = jsonschema::options()
        .should_validate_formats(true)
        .build(&json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "string", "format": "uri-reference"}))
        .unwrap();
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "uri" {
                        out.push(x);
                    }
                    walk(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut uris = Vec::new();
    walk(doc, &mut uris);
    uris.into_iter()
        .filter(|u| !uri_ref.is_valid(u))
        .map(ToString::to_string)
        .collect()
}

fn sarif(report: &Report, rules: &[RuleInfo]) -> Value {
    let out = render(report, rules, Format::Sarif, &RenderOptions::default()).unwrap();
    serde_json::from_str(&out).unwrap()
}

fn assert_valid(doc: &Value) {
    for (name, schema) in [("OASIS 2.1.0 errata 01", OASIS), ("2.1.0-rtm.5", RTM5)] {
        let errs = errors(&validator(schema), doc);
        assert!(
            errs.is_empty(),
            "SARIF violates the {name} schema:\n{}",
            errs.join("\n")
        );
    }
    let bad = bad_uris(doc);
    assert!(bad.is_empty(), "not URI references: {bad:?}");
}

#[test]
fn the_full_sample_report_is_valid_sarif() {
    let doc = sarif(&sample::report(), &sample::rules());
    assert_valid(&doc);
    assert!(doc["runs"][0]["results"].as_array().unwrap().len() > 10);
}

#[test]
fn a_report_without_catalogue_or_findings_is_valid_sarif() {
    let mut r = sample::report();
    r.findings.clear();
    r.diagnoses.clear();
    r.notes.clear();
    r.timeline.clear();
    assert_valid(&sarif(&r, &[]));
    // Diagnoses alone, without a catalogue: DIAG-… descriptors carry them.
    assert_valid(&sarif(&sample::report(), &[]));
}

#[test]
fn awkward_paths_and_positions_stay_valid() {
    let mut r = sample::report();
    let f0 = r.findings[0].clone();
    for (file, line, column) in [
        ("my manifests/app one.yaml", 3, 5),
        ("/srv/k8s/app.yaml", 1, 1),
        ("C:\\k8s\\app.yaml", 9, 2),
        ("<stdin>", 2, 1),
        ("50%/ünïcode:x.yaml", 4, 7),
        ("no-position.yaml", 0, 0),
        ("line-only.yaml", 12, 0),
    ] {
        let mut f = f0.clone();
        f.location = Some(Location {
            file: file.into(),
            line,
            column,
        });
        r.findings.push(f);
    }
    r.findings.push(Finding {
        message: String::new(),
        object: ObjRef::new("ConfigMap", Some("ns"), "empty-message"),
        loop_: Loop::Observability,
        severity: Severity::Info,
        ..f0
    });
    assert_valid(&sarif(&r, &sample::rules()));
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    // Without these the test above could pass by validating nothing.
    let doc = sarif(&sample::report(), &sample::rules());
    let oasis = validator(OASIS);
    let broken = |f: &dyn Fn(&mut Value)| {
        let mut d = doc.clone();
        f(&mut d);
        d
    };
    let cases: Vec<(&str, Value)> = vec![
        (
            "no message",
            broken(&|d| {
                d["runs"][0]["results"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("message");
            }),
        ),
        (
            "unknown level",
            broken(&|d| d["runs"][0]["results"][0]["level"] = json!("critical")),
        ),
        (
            "line 0",
            broken(&|d| {
                let r = d["runs"][0]["results"].as_array_mut().unwrap();
                let with_region = r
                    .iter_mut()
                    .find(|x| x["locations"][0].get("physicalLocation").is_some())
                    .unwrap();
                with_region["locations"][0]["physicalLocation"]["region"]["startLine"] = json!(0);
            }),
        ),
        ("bad version", broken(&|d| d["version"] = json!("2.0.0"))),
        (
            "unknown property",
            broken(&|d| d["runs"][0]["tool"]["driver"]["colour"] = json!("red")),
        ),
        (
            "$schema not a URI",
            broken(&|d| d["$schema"] = json!("not a uri")),
        ),
    ];
    for (what, d) in cases {
        assert!(!oasis.is_valid(&d), "the schema should reject: {what}");
    }
    let spaced = json!({"artifactLocation": {"uri": "my manifests/app.yaml"}});
    assert_eq!(bad_uris(&spaced), ["\"my manifests/app.yaml\""]);
}
