//! One pipeline for every report command: rules → diagnoses → checklist → report.

use crate::cli::{CloudArg, FailOn, ReportOpts};
use crate::term::Term;
use anyhow::{Context as _, Result};
use day2_logs::FieldConfig;
use day2_model::report::{Report, SCHEMA, SourceInfo, Status};
use day2_model::{Cloud, Cluster, Severity};
use day2_render::Format;
use day2_rules::{Config, Context};
use rayon::prelude::*;

pub fn load_config(opts: &ReportOpts) -> Result<Config> {
    let mut config = match &opts.config {
        Some(p) => day2_rules::config::load(p)?,
        None => day2_rules::config::discover(
            &std::env::current_dir().context("reading the working directory")?,
        )?,
    };
    if let Some(c) = opts.cloud {
        config.cloud = Some(match c {
            CloudArg::Aws => Cloud::Aws,
            CloudArg::Azure => Cloud::Azure,
            CloudArg::Gcp => Cloud::Gcp,
            CloudArg::Generic => Cloud::Generic,
        });
    }
    if let Some(v) = opts.kube_version {
        config.kube_version = Some(v);
    }
    Ok(config)
}

/// Golden-rule verdict of the pod logs a snapshot carries, if any.
fn logs_status(cluster: &Cluster, config: &Config) -> Option<Status> {
    if cluster.logs.is_empty() {
        return None;
    }
    let cfg = field_config(config);
    let mut report = day2_logs::LogReport::default();
    for l in &cluster.logs {
        report.merge(day2_logs::analyze_text(&l.source, &l.text, &cfg));
    }
    Some(match report.verdict() {
        day2_logs::Verdict::Pass => Status::Pass,
        day2_logs::Verdict::Fail => Status::Fail,
        day2_logs::Verdict::Unknown => Status::Unknown,
    })
}

/// Run the analyses over a cluster.
pub fn analyze(cluster: &Cluster, config: &Config, diagnose: bool) -> Report {
    analyze_with(cluster, config, diagnose, day2_rules::run, |cx, f| {
        day2_diagnose::diagnose(cx, f)
    })
}

/// What [`analyze_incremental`] keeps from one evaluation for the next.
#[derive(Debug, Default)]
pub struct Memo {
    pub rules: day2_rules::Memo,
    pub diagnosis: day2_diagnose::Memo,
}

/// [`analyze`] for one of a sequence of clusters (the agent's): only the
/// rules that read a kind in `changed` since the last call with `memo`
/// run, the others' findings are kept; the diagnosis keeps the scheduler
/// simulator's verdicts while nothing they are worked out from changed.
/// The report is the one [`analyze`] writes.
pub fn analyze_incremental(
    cluster: &Cluster,
    config: &Config,
    memo: &mut Memo,
    changed: day2_model::KindSet,
) -> Report {
    let Memo { rules, diagnosis } = memo;
    analyze_with(
        cluster,
        config,
        true,
        |cx| day2_rules::run_incremental(cx, rules, changed),
        |cx, findings| day2_diagnose::diagnose_incremental(cx, findings, diagnosis, changed),
    )
}

fn analyze_with(
    cluster: &Cluster,
    config: &Config,
    diagnose: bool,
    rules: impl FnOnce(&Context<'_>) -> Vec<day2_model::Finding>,
    diagnosis: impl FnOnce(&Context<'_>, &[day2_model::Finding]) -> day2_diagnose::DiagnoseOutput,
) -> Report {
    let cx = Context::new(cluster, config);
    let findings = rules(&cx);
    day2_model::timings::mark("rules");
    let (diagnoses, timeline) = if diagnose {
        let out = diagnosis(&cx, &findings);
        day2_model::timings::mark("diagnosis");
        (out.diagnoses, out.timeline)
    } else {
        (Vec::new(), Vec::new())
    };
    let checklist = day2_rules::checklist::build(&cx, &findings, logs_status(cluster, config));
    day2_model::timings::mark("checklist");
    let mut report = Report {
        schema: SCHEMA.to_owned(),
        source: SourceInfo {
            kind: cluster.source.as_str().to_owned(),
            cloud: cx.cloud.as_str().to_owned(),
            input: cluster.input.clone(),
            captured_at: cluster.captured_at,
        },
        findings,
        diagnoses,
        checklist,
        summary: Default::default(),
        timeline,
        notes: cluster.notes.iter().map(ToString::to_string).collect(),
    };
    report.finalize(cluster.object_count());
    redact_quoted_input(&mut report);
    report
}

/// Findings and notes may quote the input (a probe's header, a value a
/// decoder could not read): redacted like diagnoses, before any format.
fn redact_quoted_input(report: &mut Report) {
    use day2_model::redact::redact_in_place;
    report
        .findings
        .par_iter_mut()
        .for_each(|f| redact_in_place(&mut f.message));
    report.notes.iter_mut().for_each(redact_in_place);
}

fn threshold(opts: &ReportOpts, config: &Config) -> Option<Severity> {
    match opts.fail_on {
        Some(FailOn::None) => None,
        Some(FailOn::Critical) => Some(Severity::Critical),
        Some(FailOn::High) => Some(Severity::High),
        Some(FailOn::Medium) => Some(Severity::Medium),
        Some(FailOn::Low) => Some(Severity::Low),
        Some(FailOn::Info) => Some(Severity::Info),
        None => Some(config.fail_on.unwrap_or(Severity::High)),
    }
}

/// Render and print the report; decide the exit outcome. A diagnosis counts
/// as a high-severity result.
pub fn emit(
    report: &Report,
    opts: &ReportOpts,
    config: &Config,
    term: &Term,
) -> Result<crate::Outcome> {
    let rules = day2_rules::infos();
    let render_opts = day2_render::RenderOptions {
        color: term.color && opts.output == Format::Text,
        verbose: opts.verbose,
        ..Default::default()
    };
    let format = opts.output;
    if opts.summary {
        term.print(&day2_render::render_summary(report))?;
    } else if format == day2_render::Format::Json {
        // Serialised straight to the output: never held whole.
        term.print_with(|out| day2_render::write_json(report, out))?;
    } else {
        let text = day2_render::render(report, &rules, format, &render_opts)?;
        term.print(&text)?;
    }
    day2_model::timings::mark("written");
    let worst = report
        .findings
        .iter()
        .map(|f| f.severity)
        .chain(report.diagnoses.iter().map(|_| Severity::High))
        .max();
    Ok(match (threshold(opts, config), worst) {
        (Some(t), Some(w)) if w >= t => crate::Outcome::Findings,
        _ => crate::Outcome::Clean,
    })
}

/// Field spellings: the built-ins plus `.day2.yaml`'s `logs:` section.
pub fn field_config(config: &Config) -> FieldConfig {
    config
        .logs
        .as_ref()
        .and_then(|v| FieldConfig::with_config(v).ok())
        .unwrap_or_default()
}
