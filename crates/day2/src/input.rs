//! Turning command-line inputs into a `Cluster`.

use crate::cli::LiveOpts;
use crate::term::Term;
use anyhow::Result;
use day2_model::{Cluster, SourceKind};
use day2_sources::{Input, LoadOptions};
use std::path::PathBuf;
use std::sync::Arc;

fn inputs(paths: &[PathBuf]) -> Vec<Input> {
    paths
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                Input::Stdin
            } else {
                Input::Path(p.clone())
            }
        })
        .collect()
}

fn options(term: &Term) -> LoadOptions {
    let mut opts = LoadOptions::default();
    if term.stderr_tty {
        let tty = Term {
            color: false,
            stderr_tty: true,
        };
        opts.progress = Some(Arc::new(move |msg: &str| tty.progress(msg)));
    }
    opts
}

fn report_notes(term: &Term, cluster: &Cluster) {
    term.progress_done();
    for n in cluster.notes.iter().take(20) {
        term.warn(&n.to_string());
    }
    if cluster.notes.len() > 20 {
        term.warn(&format!(
            "… and {} more input problems (all are listed in the report)",
            cluster.notes.len() - 20
        ));
    }
}

pub fn manifests(paths: &[PathBuf], term: &Term) -> Result<Cluster> {
    let c = day2_sources::load_manifests(&inputs(paths), &options(term))?;
    report_notes(term, &c);
    Ok(c)
}

pub fn snapshot(paths: &[PathBuf], term: &Term) -> Result<Cluster> {
    let c = day2_sources::load_snapshot(&inputs(paths), &options(term))?;
    report_notes(term, &c);
    Ok(c)
}

/// How to read the live cluster, from the command line.
pub fn live_options(live: &LiveOpts, term: &Term) -> day2_live::LiveOptions {
    day2_live::LiveOptions {
        kubeconfig: live.kubeconfig.clone(),
        context: live.context.clone(),
        namespace: live.namespace.clone(),
        timeout: std::time::Duration::from_secs(live.request_timeout.max(1)),
        progress: term.stderr_tty,
        ..day2_live::LiveOptions::default()
    }
}

/// The cluster of the current (or given) kubeconfig context, read-only.
pub fn live(live: &LiveOpts, term: &Term) -> Result<Cluster> {
    let capture = day2_live::capture_blocking(&live_options(live, term))?;
    let c = day2_live::to_cluster(capture);
    report_notes(term, &c);
    Ok(c)
}

/// The bundled example cluster.
pub fn demo(term: &Term) -> Result<Cluster> {
    let mut c = day2_sources::load_bytes(
        "demo/cluster.yaml",
        day2_diagnose::DEMO_CLUSTER.as_bytes(),
        SourceKind::Snapshot,
        &options(term),
    )?;
    c.input = "bundled demo cluster (the domino incident)".into();
    report_notes(term, &c);
    Ok(c)
}
