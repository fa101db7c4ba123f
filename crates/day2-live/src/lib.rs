//! day2's live source: a read-only capture of a cluster through its API.
//!
//! [`capture`] connects with the user's kubeconfig (or the in-cluster service
//! account), asks the server which of day2's kinds it serves
//! ([`kinds::KINDS`]: the built-in kinds, plus ServiceMonitor, PolicyReport
//! and other custom resources when installed), and lists them concurrently,
//! page by page (`limit`/`continue`). Only `GET` requests are ever sent.
//!
//! Secrets are classified as their page arrives and only their metadata and
//! the class of each value (`aws-access-key-id`, …) are kept.
//!
//! A kind that cannot be listed (403, 404, a server error after retries) is a
//! [`Note`] naming the loop that misses it, never a failure of the whole
//! capture. The [`Capture`] becomes a [`Cluster`] with [`to_cluster`] (the same
//! decoder the snapshot reader uses), or a day2 snapshot file with
//! [`write_snapshot_file`].
//!
//! Depends on `day2-model` and `day2-sources` (the decoder), and on kube-rs
//! for the API.
#![forbid(unsafe_code)]

mod config;
mod discovery;
mod fetch;
pub mod kinds;
mod list;
mod progress;

pub use config::{Connection, connect};
pub use discovery::Target;
pub use list::{REDACTED_ANNOTATION, redact};

use day2_model::object::Stores;
use day2_model::{Cluster, Note, Origin, SourceKind};
use futures::StreamExt;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Lists running at the same time.
pub const CONCURRENCY: usize = 8;

/// What to read, and how.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// `--kubeconfig`; `None`: `KUBECONFIG`, then `~/.kube/config`, then in-cluster.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`; `None`: the kubeconfig's current context.
    pub context: Option<String>,
    /// `-n`; `None`: all namespaces. Cluster-scoped kinds are read either way.
    pub namespace: Option<String>,
    /// Per-request timeout (each page, each retry).
    pub timeout: Duration,
    /// Objects per page (`limit`).
    pub page_size: u32,
    /// Show progress on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            kubeconfig: None,
            context: None,
            namespace: None,
            timeout: Duration::from_secs(30),
            page_size: 500,
            progress: true,
        }
    }
}

/// One kind that was listed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listed {
    pub api_version: String,
    pub kind: String,
    pub resource: String,
    pub namespaced: bool,
    pub objects: usize,
    pub pages: u32,
    /// Read to its end.
    pub complete: bool,
}

/// Everything read from the cluster.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capture {
    /// Objects as the API returns them, each with `apiVersion` and `kind`,
    /// without `managedFields`; Secrets already in value-free form.
    pub items: Vec<Value>,
    /// What could not be read (one per kind), for the report.
    pub notes: Vec<Note>,
    pub context: String,
    pub server: String,
    pub namespace: Option<String>,
    /// When the read began, to the second.
    pub captured_at: jiff::Timestamp,
    /// Per kind: what was listed (kinds the server does not serve are absent).
    pub listed: Vec<Listed>,
    /// GET requests sent (retries included).
    pub requests: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("cannot read kubeconfig{}: {message}", path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    Kubeconfig {
        path: Option<PathBuf>,
        message: String,
    },
    #[error(
        "no cluster configured: no kubeconfig ({kubeconfig}) and not running in a pod ({in_cluster}); \
         use --kubeconfig or --snapshot"
    )]
    NoConfig {
        kubeconfig: String,
        in_cluster: String,
    },
    #[error(
        "the kubeconfig has no current context; pick one with --context ({})",
        list_or_none(available)
    )]
    NoContext { available: Vec<String> },
    #[error(
        "context {context} is not in the kubeconfig (contexts: {})",
        list_or_none(available)
    )]
    UnknownContext {
        context: String,
        available: Vec<String>,
    },
    #[error("cannot build a client for context {context}: {message}")]
    Client { context: String, message: String },
    #[error("cannot reach the API server {server}: {message}")]
    Unreachable { server: String, message: String },
    #[error("the API server {server} rejected the credentials: {message}")]
    Unauthorized { server: String, message: String },
    #[error("cannot obtain credentials for {server}: {message}")]
    Credentials { server: String, message: String },
    #[error("{path}: not a Kubernetes API answer: {message}")]
    Protocol { path: String, message: String },
    #[error("nothing could be read from {server}:\n  {}", notes.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    NothingReadable { server: String, notes: Vec<Note> },
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// Connect as the options say and capture.
pub async fn capture(opts: &LiveOptions) -> Result<Capture, LiveError> {
    let conn = connect(opts).await?;
    capture_with_client(conn.client, &conn.context, &conn.server, opts).await
}

/// [`capture`] on a runtime of its own, for synchronous callers.
pub fn capture_blocking(opts: &LiveOptions) -> Result<Capture, LiveError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(LiveError::Runtime)?
        .block_on(capture(opts))
}

/// Capture through an existing client (tests, embedders). `context` and
/// `server` only label the capture.
pub async fn capture_with_client(
    client: kube::Client,
    context: &str,
    server: &str,
    opts: &LiveOptions,
) -> Result<Capture, LiveError> {
    capture_with(client, context, server, opts, fetch::RetryPolicy::default()).await
}

async fn capture_with(
    client: kube::Client,
    context: &str,
    server: &str,
    opts: &LiveOptions,
    retry: fetch::RetryPolicy,
) -> Result<Capture, LiveError> {
    let captured_at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now());
    let fetcher = fetch::Fetcher::new(client, opts.timeout, retry);
    let progress = progress::Progress::new(opts.progress);
    progress.message(&format!("day2: discovering the API of {server} …"));
    let discovered = match discovery::discover(&fetcher, server, CONCURRENCY).await {
        Ok(d) => d,
        Err(e) => {
            progress.finish();
            return Err(e);
        }
    };
    progress.start(discovered.targets.len());
    let namespace = opts.namespace.as_deref().filter(|n| !n.is_empty());
    let page_size = opts.page_size.max(1);
    let mut results: Vec<(usize, list::Listing)> =
        futures::stream::iter(discovered.targets.iter().enumerate())
            .map(|(i, t)| {
                let (fetcher, progress) = (&fetcher, &progress);
                async move {
                    (
                        i,
                        list::list(fetcher, t, namespace, page_size, progress).await,
                    )
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
    progress.finish();
    results.sort_by_key(|(i, _)| *i);

    let mut notes = discovered.notes;
    let mut items = Vec::with_capacity(results.iter().map(|(_, l)| l.items.len()).sum());
    let mut listed = Vec::with_capacity(results.len());
    let mut any_read = false;
    for (i, l) in results {
        let t = &discovered.targets[i];
        any_read |= l.pages > 0;
        listed.push(Listed {
            api_version: t.api_version.clone(),
            kind: t.kind.clone(),
            resource: t.spec.resource.to_owned(),
            namespaced: t.namespaced,
            objects: l.items.len(),
            pages: l.pages,
            complete: l.complete,
        });
        notes.extend(l.notes);
        items.extend(l.items);
    }
    // Node capacity is shared across namespaces: a namespace-scoped capture
    // also reads the pods other namespaces run on the nodes, marked so that
    // they count for capacity and are not themselves analysed.
    if let Some(ns) = namespace
        && any_read
        && let Some(pods) = discovered
            .targets
            .iter()
            .find(|t| t.spec.group.is_empty() && t.spec.resource == "pods")
    {
        let l = list::list_selected(
            &fetcher,
            pods,
            None,
            Some("spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed"),
            page_size,
            &progress,
        )
        .await;
        if l.pages == 0 || !l.complete {
            notes.push(Note {
                at: "live".into(),
                message: format!(
                    "compute loop: cannot list the pods of other namespaces{}: free node capacity counts only the pods of namespace {ns}",
                    if l.notes.iter().any(|n| n.message.contains("(403)")) {
                        " (403)"
                    } else {
                        ""
                    }
                ),
            });
        }
        items.extend(
            l.items
                .into_iter()
                .filter(|p| {
                    let s = |ptr: &str| p.pointer(ptr).and_then(Value::as_str);
                    s("/metadata/namespace") != Some(ns)
                        && s("/spec/nodeName").is_some_and(|n| !n.is_empty())
                        && !matches!(s("/status/phase"), Some("Succeeded" | "Failed"))
                })
                .map(capacity_only),
        );
    }
    if !any_read {
        return Err(LiveError::NothingReadable {
            server: server.to_owned(),
            notes,
        });
    }
    Ok(Capture {
        items,
        notes,
        context: context.to_owned(),
        server: server.to_owned(),
        namespace: namespace.map(str::to_owned),
        captured_at,
        listed,
        requests: fetcher.sent(),
    })
}

/// A pod of another namespace kept for node capacity only: its requests and
/// node, with `day2.dev/ignore: all` so no rule or diagnosis reports on it.
fn capacity_only(mut pod: Value) -> Value {
    if let Some(meta) = pod.get_mut("metadata").and_then(Value::as_object_mut) {
        let ann = meta
            .entry("annotations")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(ann) = ann.as_object_mut() {
            ann.insert(IGNORE_ANNOTATION.into(), Value::String("all".into()));
            ann.insert(
                CAPACITY_ONLY_ANNOTATION.into(),
                Value::String("outside the captured namespace; counts for node capacity".into()),
            );
        }
    }
    pod
}

/// Set on pods a namespace-scoped capture keeps only for node capacity.
pub const CAPACITY_ONLY_ANNOTATION: &str = "day2.dev/capacity-only";
const IGNORE_ANNOTATION: &str = "day2.dev/ignore";

/// The capture as a [`Cluster`] (`SourceKind::Live`), decoded by the same
/// [`day2_model::decode_value`] every other source uses.
pub fn to_cluster(c: Capture) -> Cluster {
    let source: Arc<str> = Arc::from(format!("live:{}", c.context));
    let decoded: Vec<Result<day2_model::Object, String>> = c
        .items
        .into_par_iter()
        .map(|v| {
            let origin = Origin {
                source: Some(source.clone()),
                ..Origin::default()
            };
            day2_model::decode_value(v, origin, None).map_err(|e| e.to_string())
        })
        .collect();
    let mut stores = Stores::default();
    let mut notes = c.notes;
    for d in decoded {
        match d {
            Ok(o) => stores.push(o),
            Err(message) => notes.push(Note {
                at: source.to_string(),
                message,
            }),
        }
    }
    let mut cluster = Cluster::new(stores, SourceKind::Live, notes);
    cluster.captured_at = Some(c.captured_at);
    cluster.input = match &c.namespace {
        Some(ns) => format!("live: {} (namespace {ns})", c.context),
        None => format!("live: {}", c.context),
    };
    cluster
}

/// The snapshot header of a capture.
pub fn snapshot_meta(c: &Capture) -> day2_sources::SnapshotMeta {
    day2_sources::SnapshotMeta {
        captured_at: c.captured_at.to_string(),
        context: Some(c.context.clone()),
        server: Some(c.server.clone()),
        namespace: c.namespace.clone(),
    }
}

/// Write the capture as a day2 snapshot (`day2.dev/v1`, `kind: Snapshot`),
/// one item per line.
pub fn write_snapshot(c: &Capture, w: impl Write) -> std::io::Result<()> {
    let mut sw = day2_sources::SnapshotWriter::new(w, &snapshot_meta(c))?;
    for item in &c.items {
        sw.item(item)?;
    }
    let notes: Vec<String> = c.notes.iter().map(ToString::to_string).collect();
    sw.finish(&notes).map(drop)
}

/// Write the capture to `path`; a name ending in `.gz` is compressed.
pub fn write_snapshot_file(c: &Capture, path: &Path) -> std::io::Result<()> {
    let f = std::io::BufWriter::new(std::fs::File::create(path)?);
    if path.extension().is_some_and(|e| e == "gz") {
        let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::default());
        write_snapshot(c, &mut gz)?;
        gz.finish()?.flush()
    } else {
        let mut f = f;
        write_snapshot(c, &mut f)?;
        f.flush()
    }
}

/// Which of day2's kinds ([`kinds::KINDS`]) the server serves, at which
/// version, for a caller that reads them itself (the agent's watches). Kinds
/// whose discovery failed are notes.
pub async fn discover(
    client: kube::Client,
    server: &str,
    timeout: Duration,
) -> Result<(Vec<Target>, Vec<Note>), LiveError> {
    let fetcher = fetch::Fetcher::new(client, timeout, fetch::RetryPolicy::default());
    let d = discovery::discover(&fetcher, server, CONCURRENCY).await?;
    Ok((d.targets, d.notes))
}

#[doc(hidden)]
/// Capture with a given retry policy (tests shorten the backoff).
pub async fn capture_with_retry(
    client: kube::Client,
    context: &str,
    server: &str,
    opts: &LiveOptions,
    attempts: u32,
    base: Duration,
) -> Result<Capture, LiveError> {
    let retry = fetch::RetryPolicy {
        attempts,
        base,
        cap: base.saturating_mul(32),
    };
    capture_with(client, context, server, opts, retry).await
}
