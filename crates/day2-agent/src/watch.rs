//! One kube-runtime watcher per kind, feeding the [`Store`]
//!
//! The watcher lists (paginated), then watches from the list's resource
//! version. After any error (`410 Gone`, a dropped connection, an API server
//! restart, a refused list) the watcher is dropped and, after a backoff
//! (kube-runtime's default: exponential from 0.8 s to 30 s, reset by a
//! complete list), a new one lists again; the store replaces the kind with the
//! new list, and the list marks the kind up again. (A kube-runtime watcher
//! left to itself resumes a failed watch from its resource version without
//! saying so: the kind would stay `day2_watch_up 0`, with its note, while it
//! streams again.) Errors are retried forever: a kind the service account may
//! not list (403) is a note in the report and `day2_watch_up{kind} 0`, and
//! the agent goes on with the kinds it can read.

use crate::metrics::Metrics;
use crate::store::Store;
use day2_live::Target;
use day2_model::Note;
use futures::{Stream, StreamExt};
use kube::api::{Api, DynamicObject};
use kube::discovery::ApiResource;
use kube::runtime::utils::Backoff;
use kube::runtime::watcher::{self, Config, DefaultBackoff, Event};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
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
    let cfg = Config::default().timeout(WATCH_TIMEOUT_SECS);
    let what = format!(
        "{} loop: {} not watched",
        target.spec.loop_.as_str(),
        target.spec.display()
    );
    follow(
        &shared,
        &target.api_version,
        &target.kind,
        &what,
        || Some(watcher::watcher(api.clone(), cfg.clone()).boxed()),
        DefaultBackoff::default(),
    )
    .await;
}

/// Run the watch streams `start` makes, one at a time, until it makes none
/// (a watcher's stream never ends; a test's does): after an error the stream
/// is dropped and, after `backoff`, the next one lists the kind again.
/// `what` begins the note of a failing kind.
async fn follow<S>(
    shared: &Shared,
    av: &str,
    kind: &str,
    what: &str,
    mut start: impl FnMut() -> Option<S>,
    mut backoff: impl Backoff,
) where
    S: Stream<Item = Result<Event<DynamicObject>, watcher::Error>> + Unpin,
{
    lock(&shared.health).entry(kind.to_owned()).or_default();
    shared.metrics.watch_up(kind, false);
    while let Some(mut stream) = start() {
        while let Some(ev) = stream.next().await {
            match ev {
                Ok(ev) => {
                    shared.metrics.watch_event(kind, now_secs());
                    if matches!(ev, Event::InitDone) {
                        backoff.reset();
                    }
                    if apply(shared, av, kind, ev) {
                        shared.changed.notify_one();
                    }
                }
                Err(e) => {
                    failed(shared, kind, what, &e);
                    break;
                }
            }
        }
        drop(stream);
        let wait = backoff.next().unwrap_or(Duration::from_secs(30));
        tokio::time::sleep(wait).await;
    }
}

/// A kind's watch failed: down, one restart more, a note saying why.
fn failed(shared: &Shared, kind: &str, what: &str, e: &watcher::Error) {
    let forbidden = matches!(
        e,
        watcher::Error::InitialListFailed(kube::Error::Api(s))
            | watcher::Error::WatchStartFailed(kube::Error::Api(s))
            if s.code == 403
    );
    let message = format!("{what}{}: {e}", if forbidden { " (403)" } else { "" });
    tracing::warn!(kind = %kind, forbidden, error = %e, "watch failed; listing again after a backoff");
    shared.metrics.watch_up(kind, false);
    shared.metrics.watch_restarted(kind);
    let first = {
        let mut h = lock(&shared.health);
        let k = h.entry(kind.to_owned()).or_default();
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
            match lock(&shared.store).apply(av, kind, v) {
                Ok(changed) => changed,
                Err(e) => {
                    // Its note is new or changed.
                    tracing::warn!(kind, error = %e, "object not stored");
                    true
                }
            }
        }
        Event::Delete(o) => {
            let Some(v) = to_value(o) else { return false };
            lock(&shared.store).delete(kind, &v);
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// No waiting between watchers.
    struct NoWait;

    impl Iterator for NoWait {
        type Item = Duration;
        fn next(&mut self) -> Option<Duration> {
            Some(Duration::ZERO)
        }
    }

    impl Backoff for NoWait {
        fn reset(&mut self) {}
    }

    fn shared() -> Shared {
        Shared {
            store: Arc::new(Mutex::new(Store::new("live:test"))),
            health: Health::default(),
            metrics: Arc::new(Metrics::new()),
            changed: Arc::new(Notify::new()),
        }
    }

    fn pod(name: &str) -> DynamicObject {
        serde_json::from_value(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"namespace": "shop", "name": name},
            "spec": {"containers": [{"name": "app", "image": "app:1"}]}}))
        .unwrap()
    }

    #[tokio::test]
    async fn after_a_failed_watch_the_kind_is_listed_again_and_up_without_its_note() {
        let shared = shared();
        // The first watcher lists, then loses its connection (an API server
        // restart). Left to itself it would resume watching without a list
        // and without an event; the agent starts another, which lists.
        let mut watchers = vec![
            vec![
                Ok(Event::Init),
                Ok(Event::InitApply(pod("a"))),
                Ok(Event::InitDone),
                Err(watcher::Error::NoResourceVersion),
                Ok(Event::Apply(pod("never-read"))),
            ],
            vec![
                Ok(Event::Init),
                Ok(Event::InitApply(pod("a"))),
                Ok(Event::InitApply(pod("b"))),
                Ok(Event::InitDone),
            ],
        ]
        .into_iter();
        let mut started = 0;
        follow(
            &shared,
            "v1",
            "Pod",
            "compute loop: pods not watched",
            || {
                let events = watchers.next()?;
                started += 1;
                Some(futures::stream::iter(events))
            },
            NoWait,
        )
        .await;
        assert_eq!(started, 2);
        let h = shared.health.lock().unwrap()["Pod"].clone();
        assert!(h.up && h.settled, "{h:?}");
        assert!(h.note.is_none(), "a stale note: {h:?}");
        let text = shared.metrics.encode().unwrap();
        assert!(text.contains(r#"day2_watch_up{kind="Pod"} 1"#), "{text}");
        assert!(
            text.contains(r#"day2_watch_restarts_total{kind="Pod"} 1"#),
            "{text}"
        );
        // The second list replaced the first; the failed stream was not read on.
        assert_eq!(shared.store.lock().unwrap().counts(), [("Pod", 2)]);
    }

    #[tokio::test]
    async fn a_refused_list_is_a_note_marked_403() {
        let shared = shared();
        let forbidden = || {
            let mut s = kube::core::Status::failure("secrets is forbidden", "Forbidden");
            s.code = 403;
            watcher::Error::InitialListFailed(kube::Error::Api(Box::new(s)))
        };
        let mut watchers = vec![vec![Ok(Event::Init), Err(forbidden())]].into_iter();
        follow(
            &shared,
            "v1",
            "Secret",
            "identity loop: secrets not watched",
            || Some(futures::stream::iter(watchers.next()?)),
            NoWait,
        )
        .await;
        let h = shared.health.lock().unwrap()["Secret"].clone();
        assert!(!h.up && h.settled, "{h:?}");
        let note = h.note.expect("a note").message;
        assert!(
            note.starts_with("identity loop: secrets not watched (403): "),
            "{note}"
        );
    }
}
