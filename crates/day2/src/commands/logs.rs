//! `day2 logs`: Golden-Rule coverage of log lines.

use crate::cli::LogsArgs;
use crate::term::Term;
use crate::{Outcome, pipeline};
use anyhow::{Result, bail};
use day2_logs::{FieldConfig, render};
use day2_render::Format;
use std::sync::atomic::{AtomicU64, Ordering};

pub fn run(a: LogsArgs, term: &Term) -> Result<Outcome> {
    let config = pipeline::load_config(&crate::cli::ReportOpts {
        output: a.output,
        fail_on: None,
        config: a.config.clone(),
        cloud: None,
        kube_version: None,
        verbose: false,
        summary: false,
    })?;
    let cfg = match &config.logs {
        Some(v) => FieldConfig::with_config(v).map_err(|e| {
            anyhow::anyhow!(
                "{}: {e}",
                config
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            )
        })?,
        None => FieldConfig::default(),
    };
    let stdin = a.paths.is_empty() || a.paths.iter().any(|p| p.as_os_str() == "-");
    let files: Vec<_> = a
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    for f in &files {
        if !f.exists() {
            bail!("{}: no such file or folder", f.display());
        }
    }
    let seen = AtomicU64::new(0);
    let progress = |n: u64| {
        let total = seen.fetch_add(n, Ordering::Relaxed) + n;
        term.progress(&format!("{total} lines read …"));
    };
    let report = day2_logs::analyze_paths(&files, stdin, &cfg, Some(&progress));
    term.progress_done();
    if report.lines == 0
        && report.sources.iter().all(|s| !s.errors.is_empty())
        && !report.sources.is_empty()
    {
        let errs: Vec<String> = report
            .sources
            .iter()
            .flat_map(|s| s.errors.iter().map(move |e| format!("{}: {e}", s.source)))
            .collect();
        bail!("nothing could be read:\n  {}", errs.join("\n  "));
    }
    let text = match a.output {
        Format::Text => render::text(&report),
        Format::Json => render::json(&report)?,
        Format::Markdown => render::markdown(&report),
        Format::Junit => render::junit(&report),
        Format::Sarif => render::sarif(&report, env!("CARGO_PKG_VERSION"))?,
        Format::Html => day2_render::logs_html(&html_view(&report), env!("CARGO_PKG_VERSION")),
    };
    term.print(&text)?;
    Ok(match a.fail_under {
        Some(pct) if report.lines > 0 && report.min_coverage() < pct => Outcome::Findings,
        _ => Outcome::Clean,
    })
}

/// The figures `day2 logs -o html` draws, worst source first.
fn html_view(r: &day2_logs::LogReport) -> day2_render::LogsView {
    day2_render::LogsView {
        verdict: match r.verdict() {
            day2_logs::Verdict::Pass => "pass",
            day2_logs::Verdict::Fail => "fail",
            day2_logs::Verdict::Unknown => "unknown",
        }
        .to_owned(),
        lines: r.lines,
        structured_pct: r.structured_share(),
        malformed: r.malformed,
        huge: r.huge,
        binary: r.binary,
        field_threshold: day2_logs::FIELD_THRESHOLD,
        structured_threshold: day2_logs::STRUCTURED_THRESHOLD,
        fields: day2_logs::GOLDEN.iter().map(|f| (*f).to_owned()).collect(),
        coverage: r.coverage().to_vec(),
        sources: r
            .worst_sources()
            .into_iter()
            .map(|s| day2_render::LogsSource {
                name: s.source.clone(),
                lines: s.lines,
                structured_pct: if s.lines == 0 {
                    0.0
                } else {
                    s.structured as f64 * 100.0 / s.lines as f64
                },
                coverage: s.coverage().to_vec(),
                examples: s.examples.clone(),
                errors: s.errors.clone(),
            })
            .collect(),
        fix: "log JSON with the Downward API's POD_NAME, POD_NAMESPACE, NODE_NAME and the node's zone, or let an agent (Fluent Bit, OpenTelemetry k8sattributes) add them.".to_owned(),
    }
}
