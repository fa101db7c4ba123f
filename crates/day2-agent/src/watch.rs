//! One kube-runtime watcher per kind, feeding the [`Store`]
//!
//! The watcher lists (paginated), then watches from the list's resource
//! version; when the version expires (`410 Gone`), the connection drops or
//! the API server restarts, it lists again, and the store replaces the kind
//! with the new list. Errors back off (kube-runtime's default: exponential
//! from 0.8 s to 30 s) and are retried forever: a kind the service account
//! may not list (403) is a note in the report and `day2_watch_up{kind} 0`,
//! and the agent goes on with the kinds it can read.

use crate::metrics::Metrics;
use crate::store::Store;
use day2_live::Target;
use day2_model::Note;
use futures::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::discovery::ApiResource;
use kube::runtime::watcher::{self, Event};
use kube::runtime::{WatchStreamExt, watcher::Config};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// Server-side timeout of one watch request, below the client's read
/// timeout so an idle watch ends cleanly and resumes from its version.
pub const WATCH_TIMEOUT_SECS: u32 = 240;

/// The health of one kind's watch.
#[derive(Debug, Clone, Default)]
pub struct KindHealth {
    /// Listed and streaming.
    pub up: bool,
    /// Listed completely at least once, or failed at least once: the first
    /// evaluation does not wait for it any longer.
    pub settled: bool,
    /// Why the kind is not (fully) seen, while it is not.
    pub note: Option<Note>,
}

/// Health of every watched kind, by kind.
pub type Health = Arc<Mutex<BTreeMap<String, KindHealth>>>;

/// What every watch task shares.
#[derive(Clone)]
pub struct Shared {
    pub store: Arc<Mutex<Store>>,
    pub health: Health,
    pub metrics: Arc<Metrics>,
    /// Signalled on every change to the store.
    pub changed: Arc<Notify>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn now_secs() -> f64 {
    jiff::Timestamp::now().as_millisecond() as f64 / 1000.0
}

/// Watch `target` until the task is dropped.
pub async fn watch(client: kube::Client, target: Target, shared: Shared) {
    let (group, version) = match target.api_version.rsplit_once('/') {
        Some((g, v)) => (g.to_owned(), v.to_owned()),
        None => (String::new(), target.api_version.clone()),
    };
    let ar = ApiResource {
        group,
        version,
        api_version: target.api_version.clone(),
        kind: target.kind.clone(),
        plural: target.spec.resource.to_owned(),
    };
    let api: Api<DynamicObject> = Api::all_with(client, &ar);
    let kind = target.kind.clone();
    let av = target.api_version.clone();
    lock(&shared.health).entry(kind.clone()).or_default();
    shared.metrics.watch_up(&kind, false);
    let cfg = Config::default().timeout(WATCH_TIMEOUT_SECS);
    let mut stream = watcher::watcher(api, cfg).default_backoff().boxed();
    while let Some(ev) = stream.next().await {
        match ev {
            Ok(ev) => {
                shared.metrics.watch_event(&kind, now_secs());
                let changed = apply(&shared, &av, &kind, ev);
                if changed {
                    shared.changed.notify_one();
                }
            }
            Err(e) => {
                let forbidden = matches!(
                    &e,
                    watcher::Error::InitialListFailed(kube::Error::Api(s))
                        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
                        if s.code == 403
                );
                let message = format!(
                    "{} loop: {} not watched{}: {e}",
                    target.spec.loop_.as_str(),
                    target.spec.display(),
                    if forbidden { " (403)" } else { "" }
                );
                tracing::warn!(kind = %kind, forbidden, error = %e, "watch failed; retrying with backoff");
                shared.metrics.watch_up(&kind, false);
                shared.metrics.watch_restarted(&kind);
                let first = {
                    let mut h = lock(&shared.health);
                    let k = h.entry(kind.clone()).or_default();
                    let first = !k.settled;
                    k.up = false;
                    k.settled = true;
                    k.note = Some(Note {
                        at: "live".into(),
                        message,
                    });
                    first
                };
                if first {
                    // The first evaluation may be waiting for this kind.
                    shared.changed.notify_one();
                }
            }
        }
    }
}

/// Apply one watch event; whether the store changed.
fn apply(shared: &Shared, av: &str, kind: &str, ev: Event<DynamicObject>) -> bool {
    let to_value = |o: DynamicObject| serde_json::to_value(o).ok();
    match ev {
        Event::Init => {
            lock(&shared.store).relist_start(kind);
            false
        }
        Event::InitApply(o) => {
            if let Some(v) = to_value(o)
                && let Err(e) = lock(&shared.store).relist_item(av, kind, v)
            {
                tracing::warn!(kind, error = %e, "object not stored");
            }
            false
        }
        Event::InitDone => {
            lock(&shared.store).relist_done(kind);
            {
                let mut h = lock(&shared.health);
                let k = h.entry(kind.to_owned()).or_default();
                k.up = true;
                k.settled = true;
                k.note = None;
            }
            shared.metrics.watch_up(kind, true);
            tracing::info!(kind, "listed; watching");
            true
        }
        Event::Apply(o) => {
            let Some(v) = to_value(o) else { return false };
            if let Err(e) = lock(&shared.store).apply(av, kind, v) {
                tracing::warn!(kind, error = %e, "object not stored");
            }
            true
        }
        Event::Delete(o) => {
            let Some(v) = to_value(o) else { return false };
            lock(&shared.store).delete(kind, &v);
            true
        }
    }
}
