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
    /// The evaluation after one Service changed.
    pub after_change: Option<Evaluation>,
    /// Bytes of the metrics text after the last evaluation.
    pub metrics_bytes: usize,
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
    let after_change = service.map(|mut svc| {
        // A selector typo, as a watch would deliver it.
        svc["spec"]["selector"] = serde_json::json!({"app": "replay-typo"});
        let av = svc["apiVersion"].as_str().unwrap_or("v1").to_owned();
        if let Err(e) = store
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .apply(&av, "Service", svc)
        {
            tracing::warn!(error = %e, "the changed Service was not stored");
        }
        evaluate_once(&store, Vec::new(), "replay", evaluate, &metrics).1
    });
    let metrics_bytes = metrics.encode().map(|t| t.len()).unwrap_or(0);
    Ok(Replayed {
        objects,
        refused,
        store_seconds,
        first,
        after_change,
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
        assert!(r.after_change.is_some());
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
