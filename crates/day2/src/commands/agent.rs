//! `day2 agent`: the in-cluster agent, with the CLI's own analyses.

use crate::cli::{AgentArgs, LogFormat, ReportOpts};
use crate::term::Term;
use crate::{Outcome, pipeline};
use anyhow::{Context as _, Result};
use day2_render::Format;
use std::sync::Arc;
use std::time::Duration;

pub fn run(a: AgentArgs, term: &Term) -> Result<Outcome> {
    let config = pipeline::load_config(&ReportOpts {
        output: Format::Text,
        fail_on: None,
        config: a.config.clone(),
        cloud: a.cloud,
        kube_version: None,
        verbose: false,
        summary: false,
    })?;
    // The same analyses `day2 diagnose` runs: rules, diagnosis, checklist.
    // A rule runs again only when a kind it reads changed; the simulator's
    // verdicts are kept while nothing they read changed.
    let memo = std::sync::Mutex::new(pipeline::Memo::default());
    let evaluate: day2_agent::Evaluate = Arc::new(move |cluster, changed| {
        let mut memo = memo.lock().unwrap_or_else(|e| e.into_inner());
        pipeline::analyze_incremental(cluster, &config, &mut memo, changed)
    });

    if let Some(path) = &a.replay {
        return replay(path, &evaluate, term);
    }
    init_logs(a.log_format);
    let identity = std::env::var("POD_NAME")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "day2-agent".into());
    let opts = day2_agent::AgentOptions {
        live: day2_live::LiveOptions {
            kubeconfig: a.kubeconfig,
            context: a.context,
            namespace: None,
            // Above the watches' own server-side timeout, so an idle watch
            // ends on the server's terms and resumes where it was.
            timeout: Duration::from_secs(u64::from(day2_agent::watch::WATCH_TIMEOUT_SECS) + 60),
            progress: false,
            ..day2_live::LiveOptions::default()
        },
        listen: a.listen,
        policy_reports: a.policy_reports,
        open_reports: a.open_reports,
        events: a.events,
        leader_elect: a.leader_elect,
        lease_namespace: a.namespace,
        lease_name: "day2-agent".into(),
        identity,
        interval: Duration::from_secs(a.interval),
        debounce: Duration::from_secs_f64(a.debounce),
        max_busy: f64::from(a.max_busy) / 100.0,
        startup_wait: Duration::from_secs(120),
        skip_kinds: a.skip_kind,
    };
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(day2_agent::run(opts, evaluate))?;
    Ok(Outcome::Clean)
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DAY2_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests) keeps the first.
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

fn replay(path: &std::path::Path, evaluate: &day2_agent::Evaluate, term: &Term) -> Result<Outcome> {
    let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let reader: Box<dyn std::io::BufRead> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(std::io::BufReader::new(flate2::read::GzDecoder::new(f)))
    } else {
        Box::new(std::io::BufReader::new(f))
    };
    let r = day2_agent::replay::replay(reader, evaluate)
        .with_context(|| format!("replaying {}", path.display()))?;
    let mut out = format!(
        "objects {} (refused {})\nstore (decode and insert) {:.2} s\nfirst evaluation {:.2} s: {} findings, {} diagnoses\n",
        r.objects, r.refused, r.store_seconds, r.first.seconds, r.first.findings, r.first.diagnoses
    );
    for c in &r.changes {
        out.push_str(&format!(
            "after {}: evaluation {:.2} s, change to metric {:.2} s (the debounce not counted): {} findings, {} diagnoses\n",
            c.what, c.evaluation.seconds, c.to_metric, c.evaluation.findings, c.evaluation.diagnoses
        ));
    }
    out.push_str(&format!("metrics text {} bytes\n", r.metrics_bytes));
    if let Some(kib) = peak_rss_kib() {
        out.push_str(&format!("peak RSS {} MiB\n", kib / 1024));
    }
    term.print(&out)?;
    Ok(Outcome::Clean)
}

/// `VmHWM` of `/proc/self/status` (Linux).
fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
