//! day2's renderers. They format a [`Report`]; they never decide anything.
#![forbid(unsafe_code)]

mod html;
mod junit;
mod markdown;
mod sarif;
mod text;

use day2_model::report::{Report, RuleInfo};
use std::str::FromStr;

/// Output formats of the report commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Markdown,
    Html,
}

impl FromStr for Format {
    type Err = RenderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "text" => Format::Text,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            "markdown" | "md" => Format::Markdown,
            "html" => Format::Html,
            other => {
                return Err(RenderError::Unsupported(format!(
                    "unknown format `{other}`"
                )));
            }
        })
    }
}

#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// ANSI colours (text only). The caller decides: a terminal and `NO_COLOR` unset.
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: usize,
    /// Show every finding instead of collapsing long lists.
    pub verbose: bool,
    pub tool_version: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
            verbose: false,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("serialising the report: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Unsupported(String),
}

/// Render a report.
pub fn render(
    report: &Report,
    rules: &[RuleInfo],
    format: Format,
    opts: &RenderOptions,
) -> Result<String, RenderError> {
    Ok(match format {
        Format::Text => text::report(report, opts),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report)?;
            s.push('\n');
            s
        }
        Format::Sarif => sarif::report(report, rules, opts)?,
        Format::Junit => junit::report(report),
        Format::Markdown => markdown::report(report),
        Format::Html => html::report(report, opts),
    })
}

/// The rule catalogue (`day2 rules`).
pub fn render_rules(
    rules: &[RuleInfo],
    format: Format,
    color: bool,
) -> Result<String, RenderError> {
    Ok(match format {
        Format::Json => {
            let list: Vec<_> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({"code": r.code, "name": r.name, "loop": r.loop_, "severity": r.severity, "summary": r.summary})
                })
                .collect();
            let mut s = serde_json::to_string_pretty(
                &serde_json::json!({"schema": day2_model::report::SCHEMA, "rules": list}),
            )?;
            s.push('\n');
            s
        }
        Format::Markdown => markdown::rules(rules),
        Format::Text => text::rules(rules, color),
        other => {
            return Err(RenderError::Unsupported(format!(
                "`day2 rules` prints text, json or markdown, not {other:?}"
            )));
        }
    })
}

/// One rule's documentation (`day2 rule CODE`).
pub fn render_rule(rule: &RuleInfo, format: Format, color: bool) -> Result<String, RenderError> {
    Ok(match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(
                &serde_json::json!({"schema": day2_model::report::SCHEMA, "rule": rule}),
            )?;
            s.push('\n');
            s
        }
        Format::Markdown => rule.docs.clone(),
        Format::Text => text::rule_doc(rule, color),
        other => {
            return Err(RenderError::Unsupported(format!(
                "`day2 rule` prints text, json or markdown, not {other:?}"
            )));
        }
    })
}

/// Shared helpers.
pub(crate) fn object_label(o: &day2_model::ObjRef) -> String {
    o.to_string()
}

#[cfg(test)]
pub(crate) mod sample;

#[cfg(test)]
mod tests {
    use super::*;

    fn out(f: Format, color: bool) -> String {
        let opts = RenderOptions {
            color,
            tool_version: "0.0.0-test".into(),
            ..Default::default()
        };
        render(&sample::report(), &sample::rules(), f, &opts).unwrap()
    }

    #[test]
    fn text_snapshot() {
        insta::assert_snapshot!(out(Format::Text, false));
    }

    #[test]
    fn text_without_colour_has_no_escape_codes_and_with_colour_has_them() {
        assert!(!out(Format::Text, false).contains('\u{1b}'));
        assert!(out(Format::Text, true).contains('\u{1b}'));
    }

    #[test]
    fn text_leads_with_summary_and_ends_with_checklist() {
        let t = out(Format::Text, false);
        assert!(t.starts_with("day2 · snapshot · cloud aws"), "{t}");
        let checklist = t.find("Cluster Readiness Checklist").unwrap();
        let findings = t.find("Findings").unwrap();
        assert!(checklist > findings, "the checklist comes last");
        assert!(
            t.contains("… and 2 more CP001 finding(s)"),
            "long lists collapse"
        );
    }

    #[test]
    fn json_follows_the_contract() {
        let v: serde_json::Value = serde_json::from_str(&out(Format::Json, false)).unwrap();
        assert_eq!(v["schema"], "day2/v1");
        for k in ["kind", "cloud"] {
            assert!(v["source"][k].is_string());
        }
        let f = &v["findings"][0];
        for k in [
            "rule", "name", "loop", "severity", "object", "message", "location", "fix",
        ] {
            assert!(f.get(k).is_some(), "finding.{k}");
        }
        for k in ["apiVersion", "kind", "namespace", "name"] {
            assert!(
                v["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["object"].get(k).is_some()),
                "object.{k}"
            );
        }
        let d = &v["diagnoses"][0];
        for p in [
            "/symptom/kind",
            "/symptom/loop",
            "/symptom/object",
            "/symptom/since",
            "/symptom/evidence",
            "/root_cause/loop",
            "/root_cause/rule",
            "/root_cause/summary",
            "/root_cause/object",
            "/chain/0/loop",
            "/chain/0/at",
            "/chain/0/object",
            "/chain/0/what",
            "/chain/0/evidence",
            "/fix",
            "/confidence",
        ] {
            assert!(d.pointer(p).is_some(), "diagnosis{p}");
        }
        for p in [
            "/checklist/identity/status",
            "/checklist/identity/items/0/id",
            "/checklist/identity/items/0/text",
            "/checklist/identity/items/0/status",
            "/checklist/identity/items/0/failing",
            "/summary/objects",
            "/summary/findings/critical",
            "/summary/findings/info",
        ] {
            assert!(v.pointer(p).is_some(), "{p}");
        }
    }

    #[test]
    fn sarif_has_rules_results_and_locations() {
        let v: serde_json::Value = serde_json::from_str(&out(Format::Sarif, false)).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "day2");
        assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 5);
        let results = run["results"].as_array().unwrap();
        let st = results.iter().find(|r| r["ruleId"] == "ST001").unwrap();
        assert_eq!(st["level"], "error");
        assert_eq!(
            st["locations"][0]["physicalLocation"]["region"]["startLine"],
            7
        );
        assert_eq!(
            st["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "deploy/storage.yaml"
        );
        assert_eq!(st["ruleIndex"], 3);
        let id = results.iter().find(|r| r["ruleId"] == "ID001").unwrap();
        assert!(id["locations"][0].get("physicalLocation").is_none());
        assert_eq!(
            id["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "Secret/shop/aws-creds"
        );
        assert!(
            results
                .iter()
                .any(|r| r["ruleId"] == "DIAG-ImagePullBackOff")
        );
        insta::assert_snapshot!(out(Format::Sarif, false));
    }

    #[test]
    fn junit_markdown_html_snapshots() {
        insta::assert_snapshot!("junit", out(Format::Junit, false));
        insta::assert_snapshot!("markdown", out(Format::Markdown, false));
        insta::assert_snapshot!("html", out(Format::Html, false));
    }

    #[test]
    fn escaping() {
        let html = out(Format::Html, false);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        let md = out(Format::Markdown, false);
        assert!(
            md.contains("pod_name \\| namespace"),
            "pipes escaped in tables"
        );
        let junit = out(Format::Junit, false);
        assert!(!junit.contains("<script>"));
        assert!(junit.contains("failures=\"13\""), "{junit}");
    }

    #[test]
    fn catalogue_formats() {
        let rules = sample::rules();
        let t = render_rules(&rules, Format::Text, false).unwrap();
        assert!(t.contains("ST001") && t.contains("5 rules"));
        let j: serde_json::Value =
            serde_json::from_str(&render_rules(&rules, Format::Json, false).unwrap()).unwrap();
        assert_eq!(j["rules"][0]["code"], "ID001");
        assert!(render_rules(&rules, Format::Sarif, false).is_err());
        let doc = render_rule(&rules[3], Format::Text, false).unwrap();
        assert!(
            doc.contains("FIX") && doc.contains("    kind: StorageClass"),
            "{doc}"
        );
    }
}
