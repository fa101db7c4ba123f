//! The logs report in every output format.

use crate::{FIELD_THRESHOLD, GOLDEN, LogReport, STRUCTURED_THRESHOLD, SourceReport, Verdict};
use day2_model::escape::{markdown_code, sanitize_terminal};
use std::fmt::Write;

/// Escape for XML and HTML; control characters (from a file name) are shown.
fn esc(s: &str) -> String {
    sanitize_terminal(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn bar(pct: f64) -> String {
    let n = (pct / 10.0).round().clamp(0.0, 10.0) as usize;
    format!("{}{}", "█".repeat(n), "·".repeat(10 - n))
}

pub fn text(r: &LogReport) -> String {
    let mut o = String::new();
    let verdict = match r.verdict() {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Unknown => "UNKNOWN (no lines)",
    };
    let _ = writeln!(o, "day2 logs · Golden Rule: {verdict}");
    let _ = writeln!(
        o,
        "{} lines in {} source(s) · {:.1}% structured (JSON or logfmt) · {} malformed, {} huge, {} binary\n",
        r.lines,
        r.sources.len(),
        r.structured_share(),
        r.malformed,
        r.huge,
        r.binary
    );
    for (name, pct) in GOLDEN.iter().zip(r.coverage()) {
        let mark = if pct >= FIELD_THRESHOLD { "✓" } else { "✗" };
        let _ = writeln!(o, "  {mark} {name:<10} {} {pct:5.1}%", bar(pct));
    }
    let worst: Vec<&SourceReport> = r
        .worst_sources()
        .into_iter()
        .filter(|s| s.lines > 0)
        .take(5)
        .collect();
    if !worst.is_empty() {
        let _ = writeln!(o, "\nWorst sources:");
        for s in worst {
            let missing: Vec<&str> = GOLDEN
                .iter()
                .zip(s.coverage())
                .filter(|(_, c)| *c < FIELD_THRESHOLD)
                .map(|(n, _)| *n)
                .collect();
            let _ = writeln!(
                o,
                "  {} — {} lines, missing {}",
                s.source,
                s.lines,
                if missing.is_empty() {
                    "nothing".into()
                } else {
                    missing.join(", ")
                }
            );
            for e in &s.examples {
                let _ = writeln!(o, "      e.g. {e}");
            }
        }
    }
    for s in r.sources.iter().filter(|s| !s.errors.is_empty()) {
        for e in &s.errors {
            let _ = writeln!(o, "  ! {}: {e}", s.source);
        }
    }
    let _ = writeln!(
        o,
        "\nPass: every field on ≥ {FIELD_THRESHOLD}% of lines and ≥ {STRUCTURED_THRESHOLD}% of lines structured. Fix: log JSON with the Downward API's POD_NAME, POD_NAMESPACE, NODE_NAME and the node's zone, or let an agent (Fluent Bit, OpenTelemetry k8sattributes) add them."
    );
    // File names, example lines and errors may hold terminal escapes; the
    // text has no colour of its own, so every control character is shown.
    match sanitize_terminal(&o) {
        std::borrow::Cow::Borrowed(_) => o,
        std::borrow::Cow::Owned(clean) => clean,
    }
}

pub fn json(r: &LogReport) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(&serde_json::json!({"schema": "day2/v1", "logs": r}))?;
    s.push('\n');
    Ok(s)
}

pub fn markdown(r: &LogReport) -> String {
    let mut o = format!(
        "## day2 logs — Golden Rule\n\n{} lines · {:.1}% structured\n\n| field | coverage |\n|---|---|\n",
        r.lines,
        r.structured_share()
    );
    for (name, pct) in GOLDEN.iter().zip(r.coverage()) {
        let _ = writeln!(o, "| `{name}` | {pct:.1}% |");
    }
    let _ = writeln!(
        o,
        "\n| source | lines | structured | {} |\n|---|---|---|{}",
        GOLDEN.join(" | "),
        "---|".repeat(5)
    );
    for s in &r.sources {
        let cov: Vec<String> = s.coverage().iter().map(|c| format!("{c:.0}%")).collect();
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            markdown_code(&s.source, true),
            s.lines,
            s.structured,
            cov.join(" | ")
        );
    }
    o
}

pub fn junit(r: &LogReport) -> String {
    let mut cases = String::new();
    let (mut tests, mut failures) = (0, 0);
    for s in &r.sources {
        for (name, pct) in GOLDEN.iter().zip(s.coverage()) {
            tests += 1;
            let case = format!("{} {name}", esc(&s.source));
            if pct >= FIELD_THRESHOLD {
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"day2.logs\" name=\"{case}\"/>"
                );
            } else {
                failures += 1;
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"day2.logs\" name=\"{case}\">\n      <failure message=\"{name} on {pct:.1}% of {} lines\"/>\n    </testcase>",
                    s.lines
                );
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"day2 logs\" tests=\"{tests}\" failures=\"{failures}\">\n  <testsuite name=\"day2.logs\" tests=\"{tests}\" failures=\"{failures}\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}

pub fn sarif(r: &LogReport, version: &str) -> Result<String, serde_json::Error> {
    let rules: Vec<serde_json::Value> = GOLDEN
        .iter()
        .enumerate()
        .map(|(i, f)| serde_json::json!({"id": format!("OB10{}", i + 1), "name": format!("log-field-{}", f.replace('_', "-")), "shortDescription": {"text": format!("Log lines carry `{f}`")}}))
        .collect();
    let mut results = Vec::new();
    for s in &r.sources {
        for (i, (name, pct)) in GOLDEN.iter().zip(s.coverage()).enumerate() {
            if pct < FIELD_THRESHOLD && s.lines > 0 {
                results.push(serde_json::json!({
                    "ruleId": format!("OB10{}", i + 1), "ruleIndex": i, "level": "warning",
                    "message": {"text": format!("{name} is present on {pct:.1}% of {} lines", s.lines)},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": sanitize_terminal(&s.source)}}}],
                }));
            }
        }
    }
    let doc = serde_json::json!({"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "day2", "version": version, "rules": rules}}, "results": results}]});
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

pub fn html(r: &LogReport) -> String {
    let mut rows = String::new();
    for s in &r.sources {
        let cov: String = s
            .coverage()
            .iter()
            .map(|c| format!("<td>{c:.1}%</td>"))
            .collect();
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td>{cov}</tr>",
            esc(&s.source),
            s.lines,
            s.structured
        );
    }
    let head: String = GOLDEN.iter().map(|g| format!("<th>{g}</th>")).collect();
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>day2 logs</title><style>body{{font:14px system-ui;margin:2rem}}td,th{{border:1px solid #ddd;padding:.3rem}}table{{border-collapse:collapse}}</style></head><body><h1>day2 logs — Golden Rule</h1><p>{} lines, {:.1}% structured</p><table><tr><th>source</th><th>lines</th><th>structured</th>{head}</tr>{rows}</table></body></html>\n",
        r.lines,
        r.structured_share()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FieldConfig, analyze_text};

    #[test]
    fn every_format_reports_coverage_without_secrets() {
        let r = analyze_text(
            "shop/web",
            "{\"trace_id\":\"a\",\"pod\":\"p\"}\nplain password=hunter2 line\n",
            &FieldConfig::default(),
        );
        let t = text(&r);
        assert!(t.contains("trace_id") && t.contains("50.0%"), "{t}");
        assert!(!t.contains("hunter2"), "{t}");
        let j: serde_json::Value = serde_json::from_str(&json(&r).unwrap()).unwrap();
        assert_eq!(j["schema"], "day2/v1");
        assert_eq!(j["logs"]["lines"], 2);
        assert_eq!(j["logs"]["structured"], 1);
        assert_eq!(j["logs"]["fields"]["trace_id"]["present"], 1);
        assert!(!json(&r).unwrap().contains("hunter2"));
        assert!(markdown(&r).contains("| `trace_id` | 50.0% |"));
        assert!(junit(&r).contains("failures=\"5\""));
        let s: serde_json::Value = serde_json::from_str(&sarif(&r, "0").unwrap()).unwrap();
        assert_eq!(s["runs"][0]["results"].as_array().unwrap().len(), 5);
        assert!(html(&r).contains("shop/web"));
    }

    #[test]
    fn names_and_lines_from_the_input_are_shown_not_interpreted() {
        let key = "ghp_0123456789abcdefghijABCDEFGHIJ0123";
        let mut r = analyze_text(
            "logs/`x` |\u{1b}]0;owned\u{7}.log",
            &format!(
                "{} password: s3cr3t-value {key} \u{1b}[2J\n",
                "x ".repeat(90)
            ),
            &FieldConfig::default(),
        );
        r.sources[0].errors.push("cannot read \u{1b}[2J".into());
        let t = text(&r);
        assert!(!t.contains('\u{1b}') && !t.contains('\u{7}'), "{t}");
        assert!(t.contains("\\u{1b}]0;owned\\u{7}"), "{t}");
        for out in [
            t,
            json(&r).unwrap(),
            markdown(&r),
            junit(&r),
            html(&r),
            sarif(&r, "0").unwrap(),
        ] {
            assert!(
                !out.contains("s3cr3t") && !out.contains("ABCDEFGHIJ"),
                "{out}"
            );
            assert!(!out.contains('\u{1b}'), "{out}");
        }
        let md = markdown(&r);
        assert!(
            md.contains("| ``logs/`x` \\|\\u{1b}]0;owned\\u{7}.log`` |"),
            "a backtick in a file name stays in its code span:\n{md}"
        );
    }
}
