//! day2's renderers: text, JSON (`day2/v1`), SARIF 2.1.0, JUnit XML, Markdown
//! and HTML views of one [`Report`].
//!
//! Renderers format; they never decide anything. Everything they print comes
//! from the [`Report`] (and, for SARIF rule metadata and help, the rule
//! catalogue passed beside it). Colour is the caller's decision
//! ([`RenderOptions::color`]): with it off the text output holds no escape
//! sequence at all.
//!
//! Depends on `day2-model` only (the report types). With the `clap` feature
//! [`Format`] is a `clap::ValueEnum`, taken by the CLI's `-o`.
#![forbid(unsafe_code)]

pub mod explain;
mod html;

/// The HTML view of `day2 explain pod`: every node's fit or why not.
pub use html::{ExplainView, NodeRow};
/// The HTML view of `day2 logs`: field coverage, overall and per source.
pub use html::{LogsSource, LogsView, logs as logs_html};
mod json;
mod junit;
mod markdown;
mod sarif;
mod text;
mod time;
mod wrap;

use day2_model::report::{Report, RuleInfo};
use std::fmt;
use std::str::FromStr;

/// Output formats (`-o` / `--output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// For people at a terminal: summary first, then what to act on.
    Text,
    /// The `day2/v1` JSON contract.
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// JUnit XML, for CI test dashboards.
    Junit,
    /// Markdown, for a pull-request comment.
    Markdown,
    /// One self-contained HTML page.
    Html,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Markdown,
        Format::Html,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// Formats `day2 rules` and `day2 rule CODE` print.
    pub const CATALOGUE: [Format; 3] = [Format::Text, Format::Json, Format::Markdown];
}

/// `-o FORMAT` on a command line: the names of [`Format::as_str`], `md`
/// for Markdown. Written out rather than derived so that help lists the
/// names alone, not the variants' documentation.
#[cfg(feature = "clap")]
impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = clap::builder::PossibleValue::new(self.as_str());
        Some(match self {
            Format::Markdown => value.alias("md"),
            _ => value,
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = RenderError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        if lower == "md" {
            return Ok(Format::Markdown);
        }
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == lower)
            .ok_or_else(|| RenderError::UnknownFormat(s.to_owned()))
    }
}

/// How to render. The caller decides every field; the renderers never look at
/// the terminal or the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colour in text output. The CLI turns it on for a terminal with
    /// `NO_COLOR` unset (or `--color always`). Ignored by the other formats.
    pub color: bool,
    /// Columns to wrap text output at; `0` does not wrap.
    pub width: usize,
    /// Show every finding (text, markdown, html) instead of collapsing a rule
    /// that fires on many objects.
    pub verbose: bool,
    /// day2's version, for SARIF `tool.driver.version` and the HTML footer.
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
    #[error("serialising the report as JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("writing JUnit XML: {0}")]
    Junit(String),
    #[error(
        "unknown output format `{0}` (expected one of text, json, sarif, junit, markdown, html)"
    )]
    UnknownFormat(String),
    #[error("{command} prints text, json or markdown, not {format}")]
    Unsupported {
        command: &'static str,
        format: Format,
    },
}

/// Render a report in one format.
///
/// `rules` is the rule catalogue: SARIF takes its rule metadata and help text
/// from it; the other formats only format the report.
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
        Format::Junit => junit::report(report)?,
        Format::Markdown => markdown::report(report, opts),
        Format::Html => html::report(report, rules, opts),
    })
}

/// A GitHub Actions job summary of a report (`--summary`): compact Markdown
/// for `$GITHUB_STEP_SUMMARY`, bounded whatever the size of the cluster.
pub fn render_summary(report: &Report) -> String {
    markdown::summary(report)
}

/// The JSON report ([`render`] with [`Format::Json`], the same bytes) written
/// as it is serialised: a large cluster's report is tens of megabytes and is
/// never held whole.
pub fn write_json(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    json::write(report, out)
}

/// The rule catalogue (`day2 rules`): a table in text and Markdown, and
/// `{"schema": "day2/v1", "rules": [{code, name, loop, severity, summary}]}` in JSON.
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
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "loop": r.loop_,
                        "severity": r.severity,
                        "summary": r.summary,
                    })
                })
                .collect();
            json_doc(serde_json::json!({"schema": day2_model::report::SCHEMA, "rules": list}))?
        }
        Format::Markdown => markdown::rules(rules),
        Format::Text => text::rules(rules, color),
        other => {
            return Err(RenderError::Unsupported {
                command: "`day2 rules`",
                format: other,
            });
        }
    })
}

/// One rule's documentation (`day2 rule CODE`). The docs are Markdown: the
/// Markdown format prints them as they are, text renders them for a terminal
/// (`width` columns, `0` for no wrapping), JSON wraps the rule's metadata as
/// `{"schema": "day2/v1", "rule": {…, "docs": "…"}}`.
pub fn render_rule(rule: &RuleInfo, format: Format, color: bool) -> Result<String, RenderError> {
    render_rule_with(
        rule,
        format,
        &RenderOptions {
            color,
            ..RenderOptions::default()
        },
    )
}

/// [`render_rule`] with every option (wrapping width).
pub fn render_rule_with(
    rule: &RuleInfo,
    format: Format,
    opts: &RenderOptions,
) -> Result<String, RenderError> {
    Ok(match format {
        Format::Json => {
            json_doc(serde_json::json!({"schema": day2_model::report::SCHEMA, "rule": rule}))?
        }
        Format::Markdown => {
            let mut s = rule.docs.clone();
            if !s.ends_with('\n') {
                s.push('\n');
            }
            s
        }
        Format::Text => text::rule_doc(rule, opts),
        other => {
            return Err(RenderError::Unsupported {
                command: "`day2 rule`",
                format: other,
            });
        }
    })
}

fn json_doc(v: serde_json::Value) -> Result<String, RenderError> {
    let mut s = serde_json::to_string_pretty(&v)?;
    s.push('\n');
    Ok(s)
}

/// Findings of one loop, grouped by rule in report order (the report sorts
/// them by severity, loop, rule, object).
pub(crate) fn by_rule<'a>(
    findings: impl IntoIterator<Item = &'a day2_model::Finding>,
) -> Vec<(&'a str, Vec<&'a day2_model::Finding>)> {
    let mut groups: Vec<(&str, Vec<&day2_model::Finding>)> = Vec::new();
    for f in findings {
        match groups.iter_mut().find(|(r, _)| *r == f.rule) {
            Some((_, g)) => g.push(f),
            None => groups.push((&f.rule, vec![f])),
        }
    }
    groups
}

/// A rule's findings grouped by identical message, in order of first
/// appearance: a template problem shared by many workloads reads once.
pub(crate) fn by_message<'a>(
    findings: &[&'a day2_model::Finding],
) -> Vec<Vec<&'a day2_model::Finding>> {
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut groups: Vec<Vec<&day2_model::Finding>> = Vec::new();
    for f in findings {
        match at.get(f.message.as_str()) {
            Some(i) => groups[*i].push(f),
            None => {
                at.insert(&f.message, groups.len());
                groups.push(vec![f]);
            }
        }
    }
    groups
}

/// `· 120 pods (web-1, web-2, web-3, …)` for findings about pod templates
/// that pods in the input run; empty otherwise.
pub(crate) fn pods_suffix(fs: &[&day2_model::Finding]) -> String {
    let pods: u64 = fs.iter().filter_map(|f| f.pods).map(u64::from).sum();
    if pods == 0 {
        return String::new();
    }
    let examples: Vec<&str> = fs
        .iter()
        .flat_map(|f| f.examples.iter().map(String::as_str))
        .take(day2_model::cluster::EXAMPLES)
        .collect();
    let more = if (examples.len() as u64) < pods {
        ", …"
    } else {
        ""
    };
    format!(
        " · {} ({}{more})",
        plural(pods as usize, "pod", "pods"),
        examples.join(", ")
    )
}

/// Whether the cross-loop timeline only repeats the one incident chain a
/// renderer already shows (then it is left out).
pub(crate) fn timeline_repeats_chains(
    r: &Report,
    groups: &[&[day2_model::report::Diagnosis]],
) -> bool {
    if groups.len() != 1 {
        return false;
    }
    let shown: Vec<(&Option<jiff::Timestamp>, &day2_model::ObjRef, &str)> = groups
        .iter()
        .filter_map(|g| g.iter().max_by_key(|d| d.chain.len()))
        .flat_map(|d| d.chain.iter().map(|l| (&l.at, &l.object, l.what.as_str())))
        .collect();
    r.timeline
        .iter()
        .all(|t| shown.contains(&(&t.at, &t.object, t.what.as_str())))
}

/// When the input was captured, for a header: the time of a snapshot or a
/// live read; "unknown" for a snapshot that does not say (a `kubectl get -o
/// json` list); `None` for manifests, which are not a capture.
pub(crate) fn captured(r: &Report) -> Option<String> {
    match (&r.source.captured_at, r.source.kind.as_str()) {
        (Some(at), _) => Some(at.to_string()),
        (None, "snapshot" | "live") => Some("unknown".to_owned()),
        (None, _) => None,
    }
}

/// `1 finding`, `2 findings`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A rule shows this many objects before it collapses (unless verbose)…
/// What every format says of a diagnosis whose cause the input does not hold.
pub(crate) const UNEXPLAINED: &str = "cause not in the input";

pub(crate) const COLLAPSE_OVER: usize = 5;
/// …and then shows only the first this many.
pub(crate) const COLLAPSED_SHOW: usize = 3;

/// How many findings of a rule with `n` findings to show.
pub(crate) fn shown(n: usize, verbose: bool) -> usize {
    if verbose || n <= COLLAPSE_OVER {
        n
    } else {
        COLLAPSED_SHOW
    }
}

#[cfg(test)]
pub(crate) mod sample;

#[cfg(test)]
mod tests;
