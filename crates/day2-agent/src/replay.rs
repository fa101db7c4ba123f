//! A snapshot replayed through the agent's store and evaluation, for
//! measuring what the agent costs on a large cluster without one
//!
//! Each object goes through the same path a watch's initial list takes
//! ([`Store::relist_item`], then [`Store::relist_done`] per kind), then the
//! cluster is evaluated as the agent evaluates it; then one Service changes
//! (a watch `Apply` event) and the cluster is evaluated again.

use crate::metrics::Metrics;
use crate::store::Store;
use crate::{Evaluate, Evaluation, evaluate_once};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::BufRead;
use std::sync::Mutex;
use std::time::Instant;

/// What a replay measured.
#[derive(Debug, Clone)]
pub struct Replayed {
    /// Objects read from the file.
    pub objects: usize,
    /// Objects the store refused (undecodable), each also a note.
    pub refused: usize,
    /// Seconds to decode and store every object.
    pub store_seconds: f64,
    /// The first evaluation.
    pub first: Evaluation,
    /// One change of each kind the agent sees change most (a Service's
    /// selector, a pod's container restarting, a new Event), each stored and
    /// evaluated in turn.
    pub changes: Vec<Change>,
    /// Bytes of the metrics text after the last evaluation.
    pub metrics_bytes: usize,
}

/// One change replayed, and what it cost.
#[derive(Debug, Clone)]
pub struct Change {
    /// What changed.
    pub what: &'static str,
    pub evaluation: Evaluation,
    /// Seconds from the watch event reaching the store to the metrics
    /// recorded (the agent waits its debounce before evaluating, on top).
    pub to_metric: f64,
}

/// Why a replay failed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("reading line {line}: {source}")]
    Read {
        line: usize,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "no object found: replay reads files written one object per line (day2 snapshot, `day2-bench gen`)"
    )]
    Empty,
}

/// Replay the objects of `input`, one JSON object per line (a trailing comma
/// allowed; other lines, such as a snapshot's header, are skipped).
pub fn replay(input: impl BufRead, evaluate: &Evaluate) -> Result<Replayed, ReplayError> {
    let store = Mutex::new(Store::new("replay"));
    let metrics = Metrics::new();
    let start = Instant::now();
    let (mut objects, mut refused) = (0, 0);
    let mut kinds: BTreeSet<String> = BTreeSet::new();
    let mut service: Option<Value> = None;
    let mut pod: Option<Value> = None;
    let mut event: Option<Value> = None;
    {
        let mut s = store.lock().unwrap_or_else(|e| e.into_inner());
        for (i, line) in input.lines().enumerate() {
            let line = line.map_err(|source| ReplayError::Read {
                line: i + 1,
                source,
            })?;
            let t = line.trim().trim_end_matches(',');
            if !t.starts_with('{') || !t.ends_with('}') {
                continue;
            }
            let Ok(v) = serde_json::from_str::<Value>(t) else {
                continue;
            };
            let (Some(av), Some(kind)) = (
                v.get("apiVersion")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                v.get("kind").and_then(Value::as_str).map(str::to_owned),
            ) else {
                continue;
            };
            if kind == "Snapshot" || kind == "List" {
                continue;
            }
            if kinds.insert(kind.clone()) {
                s.relist_start(&kind);
            }
            // The last Service: an application's, more likely than the
            // system Services listed first to have matching pods.
            if kind == "Service" {
                service = Some(v.clone());
            }
            // The first pod and event: any will do.
            if kind == "Pod" && pod.is_none() {
                pod = Some(v.clone());
            }
            if kind == "Event" && event.is_none() {
                event = Some(v.clone());
            }
            objects += 1;
            if s.relist_item(&av, &kind, v).is_err() {
                refused += 1;
            }
        }
        for k in &kinds {
            s.relist_done(k);
        }
    }
    if objects == 0 {
        return Err(ReplayError::Empty);
    }
    let store_seconds = start.elapsed().as_secs_f64();
    let (_, first) = evaluate_once(&store, Vec::new(), "replay", evaluate, &metrics);
    let mut changes = Vec::new();
    let mut change = |what: &'static str, kind: &str, v: Value| {
        let av = v["apiVersion"].as_str().unwrap_or("v1").to_owned();
        let start = Instant::now();
        if let Err(e) = store
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .apply(&av, kind, v)
        {
            tracing::warn!(error = %e, what, "the changed object was not stored");
        }
        let evaluation = evaluate_once(&store, Vec::new(), "replay", evaluate, &metrics).1;
        changes.push(Change {
            what,
            evaluation,
            to_metric: start.elapsed().as_secs_f64(),
        });
    };
    if let Some(mut svc) = service {
        // A selector typo, as a watch would deliver it.
        svc["spec"]["selector"] = serde_json::json!({"app": "replay-typo"});
        change("a Service's selector", "Service", svc);
    }
    if let Some(mut p) = pod {
        // Its first container restarted (the kubelet's most frequent update);
        // a pod without container statuses gets a condition instead.
        match p
            .pointer_mut("/status/containerStatuses/0")
            .and_then(Value::as_object_mut)
        {
            Some(c) => {
                let n = c.get("restartCount").and_then(Value::as_i64).unwrap_or(0);
                c.insert("restartCount".into(), serde_json::json!(n + 1));
            }
            None => {
                p["status"]["conditions"] =
                    serde_json::json!([{"type": "Ready", "status": "False"}]);
            }
        }
        change("a pod's container restarted", "Pod", p);
    }
    if let Some(mut e) = event {
        // A new Event.
        e["metadata"]["name"] = serde_json::json!("day2-replay.1");
        e["metadata"]["uid"] = serde_json::json!("day2-replay-1");
        let kind = e["kind"].as_str().unwrap_or("Event").to_owned();
        change("a new Event", &kind, e);
    }
    let metrics_bytes = metrics.encode().map(|t| t.len()).unwrap_or(0);
    Ok(Replayed {
        objects,
        refused,
        store_seconds,
        first,
        changes,
        metrics_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use day2_model::{KindSet, StoredKind};
    use std::sync::Arc;

    #[test]
    fn a_snapshot_is_replayed_through_the_store_and_evaluated_twice() {
        let snapshot = concat!(
            "{\"apiVersion\":\"day2.dev/v1\",\"kind\":\"Snapshot\",\"metadata\":{},\"items\":[\n",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"namespace\":\"shop\",\"name\":\"web-1\",\"labels\":{\"app\":\"web\"}}},\n",
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"namespace\":\"shop\",\"name\":\"web\"},\"spec\":{\"selector\":{\"app\":\"web\"}}}\n",
            "],\"notes\":[]}\n"
        );
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let evaluate: Evaluate = Arc::new(move |c, changed| {
            let sel = c.stores.services[0]
                .obj
                .spec
                .as_ref()
                .and_then(|s| s.selector.as_ref())
                .and_then(|s| s.get("app").cloned())
                .unwrap_or_default();
            s2.lock().unwrap().push((c.stores.pods.len(), sel, changed));
            crate::test_support::empty_report()
        });
        let r = replay(snapshot.as_bytes(), &evaluate).unwrap();
        assert_eq!(r.objects, 2);
        assert_eq!(r.refused, 0);
        assert_eq!(r.first.objects, 2);
        assert_eq!(r.changes.len(), 2, "a Service and a pod, no Event");
        assert_eq!(
            *seen.lock().unwrap(),
            [
                (1, "web".to_owned(), KindSet::ALL),
                // Only the Service changed, and the evaluation is told so.
                (
                    1,
                    "replay-typo".to_owned(),
                    KindSet::of(&[StoredKind::Service])
                ),
                // The pod's status alone.
                (1, "replay-typo".to_owned(), KindSet::POD_STATUS),
            ]
        );
    }

    #[test]
    fn a_file_without_objects_is_an_error() {
        let evaluate: Evaluate = Arc::new(|_, _| crate::test_support::empty_report());
        let e = replay("not json\n".as_bytes(), &evaluate).unwrap_err();
        assert!(matches!(e, ReplayError::Empty), "{e}");
    }
}
