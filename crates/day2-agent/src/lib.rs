//! day2 in the cluster: watch, re-evaluate, serve metrics, optionally report
//!
//! [`run`] discovers which of day2's kinds ([`day2_live::kinds::KINDS`]) the
//! server serves, watches each with a kube-runtime watcher into one
//! [`store::Store`], and re-evaluates when the store changed: 0.2 s after the
//! last change (`debounce`), and no later than `interval` after the first
//! change not yet evaluated, so a cluster that never stops changing (Events
//! do not) is still evaluated at least that often. While changes keep coming,
//! evaluations take at most `max_busy` of a core (25% by default): after one
//! that took `t`, the next waits `t × (1 / max_busy − 1)`. Nothing changed,
//! nothing evaluated.
//!
//! Each evaluation builds a [`Cluster`] from the store (the objects are
//! shared, not copied) and hands it to the caller's `evaluate` (the same
//! rules, diagnosis and checklist as `day2 diagnose`) with the kinds whose
//! objects changed since the evaluation before ([`Store::take_changed`]):
//! `day2 agent` runs again only the rules that read one of them and keeps
//! the others' findings; the diagnosis and the checklist run whole.
//!
//! Results become [`metrics`] (`/metrics`, OpenMetrics), and, when asked,
//! [`reports`] (PolicyReports, openreports.io Reports) and [`events`] (an Event per new diagnosis),
//! written only by the holder of the [`leader`] Lease when `leader_elect`.
//!
//! Depends on `day2-model` and `day2-live` (the kinds, the decoding) and on
//! kube-rs; the analyses come from the caller's `evaluate`, so the agent
//! depends on none of them.
#![forbid(unsafe_code)]

pub mod events;
pub mod leader;
pub mod metrics;
pub mod replay;
pub mod reports;
pub mod server;
pub mod store;
pub mod watch;

use day2_live::{LiveOptions, Target};
use day2_model::{Cluster, KindSet, Note, Report};
use metrics::Metrics;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::Store;
use tokio::sync::Notify;

/// The analyses, as the CLI runs them, told which kinds changed since the
/// evaluation before (every kind the first time).
pub type Evaluate = Arc<dyn Fn(&Cluster, KindSet) -> Report + Send + Sync>;

/// How the agent runs.
#[derive(Debug, Clone)]
pub struct AgentOptions {
    /// Which cluster (kubeconfig, context; in-cluster config in a pod).
    pub live: LiveOptions,
    /// Address of `/metrics`, `/healthz`, `/readyz`.
    pub listen: SocketAddr,
    /// Write `wgpolicyk8s.io` PolicyReports.
    pub policy_reports: bool,
    /// Write `openreports.io` Reports.
    pub open_reports: bool,
    /// Post an Event on the affected object for each new diagnosis.
    pub events: bool,
    /// Hold a Lease before writing anything.
    pub leader_elect: bool,
    /// Namespace of the Lease.
    pub lease_namespace: String,
    /// Name of the Lease.
    pub lease_name: String,
    /// This replica's name (the Lease holder, the Events' reporting instance).
    pub identity: String,
    /// Longest time a change waits for its evaluation.
    pub interval: Duration,
    /// Quiet time after a change before evaluating.
    pub debounce: Duration,
    /// Largest share of one core evaluations may take while changes keep
    /// coming (0 < `max_busy` ≤ 1): after an evaluation that took `t`, the
    /// next starts no sooner than `t × (1 / max_busy − 1)` after it ended.
    pub max_busy: f64,
    /// Longest wait for every kind's first list before evaluating anyway.
    pub startup_wait: Duration,
    /// Kinds not to watch (matched case-insensitively), e.g. `Secret` when
    /// the agent's role may not read them.
    pub skip_kinds: Vec<String>,
}

/// Why the agent could not start.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    Live(#[from] day2_live::LiveError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// What one evaluation saw and took.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub objects: usize,
    pub findings: usize,
    pub diagnoses: usize,
    pub seconds: f64,
    /// Namespaces being deleted: nothing is written into them (the API
    /// server refuses new content there, and it would go with them).
    pub terminating: BTreeSet<String>,
}

/// Build the model from the store, evaluate it and record the metrics.
pub fn evaluate_once(
    store: &Mutex<Store>,
    notes: Vec<Note>,
    input: &str,
    evaluate: &Evaluate,
    metrics: &Metrics,
) -> (Report, Evaluation) {
    let start = Instant::now();
    let (cluster, counts, changed) = {
        let mut s = store.lock().unwrap_or_else(|e| e.into_inner());
        let counts: Vec<(String, usize)> = s
            .counts()
            .into_iter()
            .map(|(k, n)| (k.to_owned(), n))
            .collect();
        let changed = s.take_changed();
        let prev = s.take_reuse();
        (
            s.cluster_after(input, notes, prev, changed),
            counts,
            changed,
        )
    };
    let objects = cluster.object_count();
    let terminating: BTreeSet<String> = cluster
        .namespaces
        .iter()
        .filter(|n| {
            n.metadata.deletion_timestamp.is_some()
                || n.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Terminating")
        })
        .map(|n| n.name().to_owned())
        .collect();
    let report = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        evaluate(&cluster, changed)
    })) {
        Ok(r) => r,
        Err(p) => {
            // The next evaluation reads what this one was to read.
            store
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .mark_changed(changed);
            std::panic::resume_unwind(p);
        }
    };
    // The indexes of what does not change before the next evaluation are
    // kept for it.
    let reuse = cluster.into_reuse();
    store
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .keep_reuse(reuse);
    // Pod spec texts read while decoding, and event messages and specs
    // no stored object holds any more.
    day2_model::pod_text::forget_all();
    day2_model::intern::forget_unused();
    let seconds = start.elapsed().as_secs_f64();
    let at = jiff::Timestamp::now().as_millisecond() as f64 / 1000.0;
    metrics.record(&report, seconds, at);
    let counts: Vec<(&str, usize)> = counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    metrics.objects(&counts);
    let e = Evaluation {
        objects,
        findings: report.findings.len(),
        diagnoses: report.diagnoses.len(),
        seconds,
        terminating,
    };
    (report, e)
}

/// Run until SIGINT or SIGTERM.
pub async fn run(opts: AgentOptions, evaluate: Evaluate) -> Result<(), AgentError> {
    let conn = day2_live::connect(&opts.live).await?;
    let listener = server::bind(opts.listen)
        .await
        .map_err(|source| AgentError::Listen {
            addr: opts.listen,
            source,
        })?;
    let metrics = Arc::new(Metrics::new());
    let ready = Arc::new(AtomicBool::new(false));
    let http = tokio::spawn(server::serve(
        listener,
        Arc::new(server::State {
            metrics: metrics.clone(),
            ready: ready.clone(),
        }),
    ));
    tracing::info!(listen = %opts.listen, server = %conn.server, context = %conn.context, "day2 agent starting");

    let (mut targets, mut discovery_notes) =
        day2_live::discover(conn.client.clone(), &conn.server, Duration::from_secs(30)).await?;
    skip_kinds(&mut targets, &mut discovery_notes, &opts.skip_kinds);
    let shared = watch::Shared {
        store: Arc::new(Mutex::new(Store::new(&format!("live:{}", conn.context)))),
        health: Default::default(),
        metrics: metrics.clone(),
        changed: Arc::new(Notify::new()),
    };
    let kinds: BTreeSet<String> = targets.iter().map(|t| t.kind.clone()).collect();
    let mut tasks = Vec::new();
    for t in targets {
        tasks.push(tokio::spawn(watch::watch(
            conn.client.clone(),
            t,
            shared.clone(),
        )));
    }

    let leader = Arc::new(AtomicBool::new(!opts.leader_elect));
    let writes = opts.policy_reports || opts.open_reports || opts.events;
    if opts.leader_elect && writes {
        tasks.push(tokio::spawn(leader::run(
            conn.client.clone(),
            opts.lease_namespace.clone(),
            opts.lease_name.clone(),
            opts.identity.clone(),
            leader.clone(),
            shared.changed.clone(),
        )));
    }

    let input = format!("live: {} (agent)", conn.context);
    let evaluator = evaluator_loop(
        opts.clone(),
        shared,
        kinds,
        discovery_notes,
        input,
        evaluate,
        ready,
        leader,
        conn.client.clone(),
    );
    tokio::select! {
        () = evaluator => {}
        () = shutdown() => tracing::info!("day2 agent stopping"),
    }
    for t in tasks {
        t.abort();
    }
    http.abort();
    Ok(())
}

/// Drop the kinds the operator asked not to watch, with a note for each, so
/// a role without them is not a watch refused forever.
fn skip_kinds(targets: &mut Vec<Target>, notes: &mut Vec<Note>, skip: &[String]) {
    targets.retain(|t| {
        let skipped = skip.iter().any(|k| k.eq_ignore_ascii_case(&t.kind));
        if skipped {
            notes.push(Note {
                at: String::new(),
                message: format!(
                    "{} not watched (--skip-kind): the rules that read them see none",
                    t.kind
                ),
            });
        }
        !skipped
    });
}

async fn shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The pause after an evaluation that took `took`, so that evaluating takes
/// at most `max_busy` of a core (clamped to (0, 1]).
fn rest_after(took: Duration, max_busy: f64) -> Duration {
    let busy = if max_busy.is_finite() {
        max_busy.clamp(0.01, 1.0)
    } else {
        1.0
    };
    took.mul_f64(1.0 / busy - 1.0)
}

#[allow(clippy::too_many_arguments)]
async fn evaluator_loop(
    opts: AgentOptions,
    shared: watch::Shared,
    kinds: BTreeSet<String>,
    discovery_notes: Vec<Note>,
    input: String,
    evaluate: Evaluate,
    ready: Arc<AtomicBool>,
    leader: Arc<AtomicBool>,
    client: kube::Client,
) {
    let started = Instant::now();
    let mut announced: Option<BTreeSet<String>> = None;
    // When the last evaluation ended, and how long it took.
    let mut last: Option<(Instant, Duration)> = None;
    loop {
        // Wait for a change, then for quiet (bounded by the interval).
        if ready.load(Ordering::SeqCst) {
            shared.changed.notified().await;
        } else {
            // A kind whose list never answers does not hold back the start.
            let _ = tokio::time::timeout(opts.startup_wait, shared.changed.notified()).await;
        }
        let first = Instant::now();
        loop {
            let deadline = (Instant::now() + opts.debounce).min(first + opts.interval);
            let until = tokio::time::Instant::from_std(deadline);
            if tokio::time::timeout_at(until, shared.changed.notified())
                .await
                .is_err()
            {
                break;
            }
        }
        // The first evaluation waits until every kind was listed or failed.
        if !ready.load(Ordering::SeqCst) {
            let h = shared.health.lock().unwrap_or_else(|e| e.into_inner());
            let waiting: Vec<&String> = kinds
                .iter()
                .filter(|k| !h.get(*k).is_some_and(|s| s.settled))
                .collect();
            if !waiting.is_empty() && started.elapsed() < opts.startup_wait {
                tracing::debug!(
                    waiting = waiting.len(),
                    "waiting for the first list of every kind"
                );
                // Come back when the next kind reports.
                continue;
            }
        }
        // Under steady change, evaluations take at most `max_busy` of a core.
        if let Some((ended, took)) = last {
            let rest = rest_after(took, opts.max_busy);
            tokio::time::sleep_until(tokio::time::Instant::from_std(ended + rest)).await;
        }
        let mut notes = discovery_notes.clone();
        {
            let h = shared.health.lock().unwrap_or_else(|e| e.into_inner());
            notes.extend(h.values().filter_map(|k| k.note.clone()));
        }
        let (store, metrics, input2, ev) = (
            shared.store.clone(),
            shared.metrics.clone(),
            input.clone(),
            evaluate.clone(),
        );
        let done = tokio::task::spawn_blocking(move || {
            evaluate_once(&store, notes, &input2, &ev, &metrics)
        })
        .await;
        let (report, e) = match done {
            Ok(r) => r,
            Err(err) => {
                tracing::error!(error = %err, "evaluation failed");
                continue;
            }
        };
        last = Some((Instant::now(), Duration::from_secs_f64(e.seconds)));
        ready.store(true, Ordering::SeqCst);
        tracing::info!(
            objects = e.objects,
            findings = e.findings,
            diagnoses = e.diagnoses,
            seconds = e.seconds,
            "evaluated"
        );
        if !leader.load(Ordering::SeqCst) {
            // A follower forgets what it announced: the leader announces.
            announced = None;
            continue;
        }
        let now = jiff::Timestamp::now();
        for (on, format) in [
            (opts.policy_reports, reports::Format::PolicyReport),
            (opts.open_reports, reports::Format::OpenReports),
        ] {
            if !on {
                continue;
            }
            let mut built = reports::build_as(format, &report, now);
            built.namespaced.retain(|ns, _| !e.terminating.contains(ns));
            let kind = format.namespaced_kind();
            let w = reports::write(&client, &built).await;
            tracing::info!(
                reports = w.applied,
                terminating = w.terminating,
                refused = w.errors.len(),
                kind,
                "reports applied"
            );
            for err in &w.errors {
                tracing::warn!(error = %err, kind, "report not written");
            }
        }
        if opts.events {
            let seen = announced.get_or_insert_with(BTreeSet::new);
            let now = jiff::Timestamp::now();
            let mut current = BTreeSet::new();
            for d in &report.diagnoses {
                if d.symptom
                    .object
                    .namespace
                    .as_deref()
                    .is_some_and(|ns| e.terminating.contains(ns))
                {
                    continue;
                }
                let key = events::key(d);
                if !seen.contains(&key) {
                    match events::announce(&client, &events::event(d, &opts.identity, now)).await {
                        Ok(created) => {
                            tracing::info!(diagnosis = %key, created, "diagnosis announced");
                        }
                        Err(err) if reports::namespace_terminating(&err) => continue,
                        Err(err) => {
                            tracing::warn!(diagnosis = %key, error = %err, "Event not written");
                            continue;
                        }
                    }
                }
                current.insert(key);
            }
            *seen = current;
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use day2_model::Report;
    use day2_model::report::{Checklist, LoopChecklist, SourceInfo};

    pub fn empty_report() -> Report {
        let empty = || LoopChecklist::from_items(Vec::new());
        Report {
            schema: "day2/v1".into(),
            source: SourceInfo {
                kind: "live".into(),
                cloud: "generic".into(),
                input: String::new(),
                captured_at: None,
            },
            findings: Vec::new(),
            diagnoses: Vec::new(),
            checklist: Checklist {
                identity: empty(),
                compute: empty(),
                network: empty(),
                storage: empty(),
                observability: empty(),
            },
            summary: Default::default(),
            timeline: Vec::new(),
            notes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rest_after;
    use std::time::Duration;

    #[test]
    fn evaluations_under_steady_change_take_at_most_their_share_of_a_core() {
        let took = Duration::from_millis(1400);
        // 25%: 1.4 s of work, then 4.2 s of rest.
        assert_eq!(rest_after(took, 0.25), Duration::from_millis(4200));
        // 100%: back to back.
        assert_eq!(rest_after(took, 1.0), Duration::ZERO);
        // Nonsense shares are clamped, never a panic or an endless pause.
        assert_eq!(rest_after(took, 7.0), Duration::ZERO);
        assert_eq!(rest_after(took, f64::NAN), Duration::ZERO);
        assert_eq!(rest_after(took, 0.0), took.mul_f64(99.0));
    }
}
