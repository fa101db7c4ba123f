//! SARIF 2.1.0 for code-scanning services (GitHub code scanning, Azure DevOps,
//! SARIF viewers).
//!
//! One run. Rules come from the catalogue (plus a descriptor for every other
//! rule id a result uses, so every result has a `ruleIndex`). Findings are
//! results at the manifest position when known (`physicalLocation`) and always
//! at the Kubernetes object (`logicalLocations`, `Kind/namespace/name`).
//! Diagnoses are results too: rule id = the root cause's rule, or
//! `DIAG-<SymptomKind>`; the causal chain is a code flow, the root cause a
//! related location. Input problems are tool notifications.

use crate::{RenderError, RenderOptions, UNEXPLAINED};
use day2_model::report::{Confidence, Diagnosis, Report, RuleInfo};
use day2_model::{Finding, Location, ObjRef, Severity};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub(crate) const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/day2-dev/day2";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn diagnosis_level(c: Confidence) -> &'static str {
    match c {
        Confidence::High | Confidence::Medium => "error",
        Confidence::Low => "warning",
    }
}

fn logical(o: &ObjRef) -> Value {
    let mut props = Map::new();
    if let Some(v) = &o.api_version {
        props.insert("apiVersion".into(), json!(v));
    }
    props.insert("kind".into(), json!(o.kind));
    props.insert("namespace".into(), json!(o.namespace));
    props.insert("name".into(), json!(o.name));
    json!({
        "name": o.name,
        "fullyQualifiedName": o.to_string(),
        "kind": "resource",
        "properties": props,
    })
}

/// A file path as a SARIF `uri`: a relative path stays relative (with `/`
/// separators, as given); an absolute one becomes a `file://` URI; characters
/// a URI cannot hold are percent-encoded.
pub(crate) fn path_uri(file: &str) -> String {
    let path = file.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let (prefix, rest) = if drive {
        ("file:///", path.as_str())
    } else if path.starts_with("//") {
        // UNC path: //server/share/…
        ("file:", path.as_str())
    } else if path.starts_with('/') {
        ("file://", path.as_str())
    } else {
        ("", path.as_str())
    };
    let mut out = String::from(prefix);
    for (i, b) in rest.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'@')
            // A colon is fine after the first segment and in a drive letter;
            // in a relative path's first segment it would read as a scheme.
            || (b == b':' && (drive || !prefix.is_empty() || rest.as_bytes()[..i].contains(&b'/')));
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn physical(l: &Location) -> Value {
    let mut region = Map::new();
    if l.line >= 1 {
        region.insert("startLine".into(), json!(l.line));
        if l.column >= 1 {
            region.insert("startColumn".into(), json!(l.column));
        }
    }
    let mut v = json!({"artifactLocation": {"uri": path_uri(&l.file)}});
    if !region.is_empty() {
        v["region"] = Value::Object(region);
    }
    v
}

fn text(s: &str) -> Value {
    // SARIF messages must not be empty; viewers print them to terminals, so
    // control characters are shown, not sent.
    let s = day2_model::escape::sanitize_terminal(s);
    json!({"text": if s.trim().is_empty() { "(no message)" } else { &*s }})
}

/// Markdown docs as plain text for `help.text`: markup dropped, code kept.
fn plain_docs(md: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str("    ");
            out.push_str(line);
        } else {
            let l = line.trim_start_matches('#').trim_start();
            out.push_str(&l.replace("**", "").replace('`', ""));
        }
        out.push('\n');
    }
    out.trim_end().to_owned()
}

struct Rules {
    descriptors: Vec<Value>,
    index: BTreeMap<String, usize>,
}

impl Rules {
    fn add(&mut self, id: &str, descriptor: Value) -> usize {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = self.descriptors.len();
        self.index.insert(id.to_owned(), i);
        self.descriptors.push(descriptor);
        i
    }
}

fn catalogue_descriptor(rule: &RuleInfo) -> Value {
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": text(&rule.summary),
        "fullDescription": text(&format!("{}. Law: {}", rule.summary.trim_end_matches('.'), rule.law)),
        "help": {"text": plain_docs(&rule.docs), "markdown": rule.docs},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"tags": [rule.loop_.as_str()], "severity": rule.severity.as_str()},
    })
}

fn finding_result(f: &Finding, rule_index: usize) -> Value {
    let mut loc = json!({"logicalLocations": [logical(&f.object)]});
    if let Some(l) = &f.location {
        loc["physicalLocation"] = physical(l);
    }
    json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": level(f.severity),
        "message": text(&format!("{}\nFix: {}", f.message, f.fix)),
        "locations": [loc],
        "partialFingerprints": {"day2/object/v1": format!("{}:{}", f.rule, f.object)},
        "properties": {"loop": f.loop_.as_str(), "severity": f.severity.as_str(), "name": f.name},
    })
}

fn diagnosis_result(d: &Diagnosis, rule_id: &str, rule_index: usize) -> Value {
    let since = d
        .symptom
        .since
        .as_ref()
        .map(|s| format!(" since {s}"))
        .unwrap_or_default();
    let message = if d.unexplained {
        format!(
            "{} on {}{since}: {UNEXPLAINED}: {}.\nNext: {}",
            d.symptom.kind, d.symptom.object, d.root_cause.summary, d.fix
        )
    } else {
        format!(
            "{} on {}{since}: root cause in the {} loop: {} ({}).\nFix: {}",
            d.symptom.kind,
            d.symptom.object,
            d.root_cause.loop_,
            d.root_cause.summary,
            d.root_cause.object,
            d.fix
        )
    };
    let related = if d.unexplained {
        format!("{UNEXPLAINED}: {}", d.root_cause.summary)
    } else {
        format!(
            "root cause ({} loop): {}",
            d.root_cause.loop_, d.root_cause.summary
        )
    };
    let mut res = json!({
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": diagnosis_level(d.confidence),
        "message": text(&message),
        "locations": [{"logicalLocations": [logical(&d.symptom.object)]}],
        "relatedLocations": [{
            "id": 1,
            "logicalLocations": [logical(&d.root_cause.object)],
            "message": text(&related),
        }],
        "partialFingerprints": {"day2/diagnosis/v1": format!("{}:{}", d.symptom.kind, d.symptom.object)},
        "properties": {
            "kind": "diagnosis",
            "symptom": d.symptom.kind,
            "symptomLoop": d.symptom.loop_.as_str(),
            "rootCauseLoop": d.root_cause.loop_.as_str(),
            "confidence": d.confidence,
            "since": d.symptom.since,
            "evidence": d.symptom.evidence,
            "alsoAffected": d.also_affected.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "missingEvidence": d.missing_evidence,
            "unexplained": d.unexplained,
        },
    });
    if !d.chain.is_empty() {
        let steps: Vec<Value> = d
            .chain
            .iter()
            .enumerate()
            .map(|(i, link)| {
                json!({
                    "executionOrder": i + 1,
                    "location": {
                        "logicalLocations": [logical(&link.object)],
                        "message": text(&format!(
                            "{} [{}] {}",
                            crate::time::stamp(link.at),
                            link.loop_,
                            link.what
                        )),
                    },
                    "kinds": [link.loop_.as_str()],
                    "properties": {"at": link.at, "loop": link.loop_.as_str(), "evidence": link.evidence},
                })
            })
            .collect();
        res["codeFlows"] = json!([{
            "message": text(&format!("{} across loops, in time order", d.symptom.kind)),
            "threadFlows": [{"locations": steps}],
        }]);
    }
    res
}

pub fn report(r: &Report, rules: &[RuleInfo], opts: &RenderOptions) -> Result<String, RenderError> {
    let mut reg = Rules {
        descriptors: Vec::new(),
        index: BTreeMap::new(),
    };
    for rule in rules {
        reg.add(&rule.code, catalogue_descriptor(rule));
    }
    let mut results: Vec<Value> = Vec::new();
    for f in &r.findings {
        // A rule outside the catalogue (a plug-in, an older catalogue) still
        // gets a descriptor, so every result has a `ruleIndex`.
        let i = reg.add(
            &f.rule,
            json!({
                "id": f.rule,
                "name": f.name,
                "shortDescription": text(&f.name),
                "defaultConfiguration": {"level": level(f.severity)},
                "properties": {"tags": [f.loop_.as_str()], "severity": f.severity.as_str()},
            }),
        );
        results.push(finding_result(f, i));
    }
    for d in &r.diagnoses {
        let id = d
            .root_cause
            .rule
            .clone()
            .unwrap_or_else(|| format!("DIAG-{}", d.symptom.kind));
        let i = reg.add(
            &id,
            json!({
                "id": id,
                "name": format!("diagnosis-{}", d.symptom.kind),
                "shortDescription": text(&format!(
                    "Cross-loop diagnosis of the {} symptom: its root cause, the chain that led to it and the fix",
                    d.symptom.kind
                )),
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": [d.symptom.loop_.as_str(), "diagnosis"]},
            }),
        );
        results.push(diagnosis_result(d, &id, i));
    }
    let notifications: Vec<Value> = r
        .notes
        .iter()
        .map(|n| json!({"level": "warning", "message": text(n)}))
        .collect();
    let mut invocation = json!({"executionSuccessful": true});
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notifications);
    }
    let checklist: Map<String, Value> = day2_model::Loop::ALL
        .iter()
        .map(|l| (l.as_str().to_owned(), json!(r.checklist.get(*l).status)))
        .collect();
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "day2",
                "version": opts.tool_version,
                "semanticVersion": opts.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": reg.descriptors,
            }},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "schema": r.schema,
                "source": {"kind": r.source.kind, "cloud": r.source.cloud},
                "objects": r.summary.objects,
                "checklist": checklist,
            },
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::path_uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(path_uri("deploy/web.yaml"), "deploy/web.yaml");
        assert_eq!(path_uri("deploy\\web.yaml"), "deploy/web.yaml");
        assert_eq!(path_uri("my app/a b.yaml"), "my%20app/a%20b.yaml");
        assert_eq!(path_uri("/srv/k8s/app.yaml"), "file:///srv/k8s/app.yaml");
        assert_eq!(path_uri("C:\\k8s\\app.yaml"), "file:///C:/k8s/app.yaml");
        assert_eq!(path_uri("a:b.yaml"), "a%3Ab.yaml", "no scheme by accident");
        assert_eq!(path_uri("50%.yaml"), "50%25.yaml");
        assert_eq!(path_uri("dir/a:b.yaml"), "dir/a:b.yaml");
        assert_eq!(path_uri("ünï.yaml"), "%C3%BCn%C3%AF.yaml");
        assert_eq!(path_uri("<stdin>"), "%3Cstdin%3E");
    }
}
