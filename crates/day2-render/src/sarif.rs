//! SARIF 2.1.0 for code-scanning services.

use crate::{RenderError, RenderOptions};
use day2_model::report::{Report, RuleInfo};
use day2_model::{ObjRef, Severity};
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn logical(o: &ObjRef) -> Value {
    json!([{
        "name": o.name,
        "fullyQualifiedName": o.to_string(),
        "kind": "resource",
        "properties": {"apiVersion": o.api_version, "kind": o.kind, "namespace": o.namespace},
    }])
}

pub fn report(r: &Report, rules: &[RuleInfo], opts: &RenderOptions) -> Result<String, RenderError> {
    let mut descriptors: Vec<Value> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for rule in rules {
        index.insert(rule.code.clone(), descriptors.len());
        descriptors.push(json!({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": format!("{} Law: {}", rule.summary, rule.law)},
            "help": {"text": rule.docs, "markdown": rule.docs},
            "defaultConfiguration": {"level": level(rule.severity)},
            "properties": {"tags": [rule.loop_.as_str()], "problem.severity": rule.severity.as_str()},
        }));
    }
    let mut results: Vec<Value> = Vec::new();
    for f in &r.findings {
        let mut res = json!({
            "ruleId": f.rule,
            "level": level(f.severity),
            "message": {"text": format!("{} Fix: {}", f.message, f.fix)},
            "properties": {"loop": f.loop_.as_str(), "severity": f.severity.as_str()},
        });
        if let Some(i) = index.get(&f.rule) {
            res["ruleIndex"] = json!(i);
        }
        let mut loc = json!({"logicalLocations": logical(&f.object)});
        if let Some(l) = &f.location {
            loc["physicalLocation"] = json!({
                "artifactLocation": {"uri": l.file.replace('\\', "/")},
                "region": {"startLine": l.line.max(1), "startColumn": l.column.max(1)},
            });
        }
        res["locations"] = json!([loc]);
        results.push(res);
    }
    for d in &r.diagnoses {
        let id = d
            .root_cause
            .rule
            .clone()
            .unwrap_or_else(|| format!("DIAG-{}", d.symptom.kind));
        let mut res = json!({
            "ruleId": id,
            "level": "error",
            "message": {"text": format!("{} {} — root cause in the {} loop: {} ({}). Fix: {}",
                d.symptom.kind, d.symptom.object, d.root_cause.loop_, d.root_cause.summary, d.root_cause.object, d.fix)},
            "locations": [{"logicalLocations": logical(&d.symptom.object)}],
            "properties": {"kind": "diagnosis", "confidence": d.confidence},
        });
        if let Some(i) = index.get(&id) {
            res["ruleIndex"] = json!(i);
        }
        results.push(res);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "day2",
                "version": opts.tool_version,
                "informationUri": "https://github.com/day2-dev/day2",
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}
