//! A cluster built after another from the same store (the agent's
//! evaluations): what did not change is not worked out again.

use super::index::{self, Index, index_events, sort_events_after};
use super::{Cluster, Note, SourceKind};
use crate::event::Event;
use crate::object::{KindSet, StoredKind, Stores};
use rayon::prelude::*;
use std::sync::Arc;

/// The indexes and sorted events of a cluster, kept for the next one
/// ([`Cluster::new_after`]). The default holds nothing: the next cluster is
/// built whole.
#[derive(Debug, Default)]
pub struct Reuse {
    idx: Option<Index>,
    events: Vec<Arc<Event>>,
    requests: Option<Arc<[[i64; 3]]>>,
}

impl Cluster {
    /// [`Cluster::new`] for the next of a sequence of clusters (the agent's
    /// evaluations): `prev` is what the cluster before gave up
    /// ([`Cluster::into_reuse`]), and `stores` holds the same objects in the
    /// same order as that cluster's for every kind not in `changed`. The
    /// indexes of those kinds, and the sorted events when no event changed,
    /// are taken from `prev` instead of built again; when some did, the
    /// events that did not are merged with the rest, not sorted again. The cluster is the one
    /// [`Cluster::new`] builds.
    pub fn new_after(
        mut stores: Stores,
        source: SourceKind,
        notes: Vec<Note>,
        prev: Reuse,
        changed: KindSet,
    ) -> Cluster {
        let Some(mut prev_idx) = prev.idx else {
            return Cluster::new(stores, source, notes);
        };
        // What the cluster before was built from, against what this one is.
        let lens = index::lens(&stores);
        let same = |k: StoredKind| {
            !changed.contains(k) && prev_idx.lens.get(k as usize) == lens.get(k as usize)
        };
        let keep_requests = same(StoredKind::Pod);
        let keep_events = same(StoredKind::Event);
        let requests = prev
            .requests
            .filter(|r| keep_requests && r.len() == stores.pods.len());
        let event_idx = std::mem::take(&mut prev_idx.events);
        let (kept_events, earlier) = if keep_events {
            (Some((prev.events, event_idx)), Vec::new())
        } else {
            (None, prev.events)
        };
        let events = std::mem::take(&mut stores.events);
        let (rest, (events, event_idx)) = rayon::join(
            || index::index_objects_after(&stores, prev_idx, &lens, changed),
            || {
                kept_events.unwrap_or_else(|| {
                    let events = sort_events_after(earlier, events);
                    let idx = index_events(&events);
                    (events, idx)
                })
            },
        );
        crate::timings::mark("events sorted, objects indexed");
        stores.events = events;
        let mut cluster =
            Cluster::indexed(stores, source, notes, Index::new(rest, event_idx, lens));
        if let Some(r) = requests {
            cluster.requests = std::sync::OnceLock::from(r);
        }
        cluster
    }

    /// What the next cluster of a sequence may take from this one
    /// ([`Cluster::new_after`]); the rest is dropped.
    pub fn into_reuse(mut self) -> Reuse {
        Reuse {
            idx: Some(std::mem::take(&mut self.idx)),
            events: std::mem::take(&mut self.stores.events),
            requests: self.requests.take(),
        }
    }

    /// Each pod's requests of cpu (millicores), memory and ephemeral storage
    /// (bytes), in `pods`' order, as the scheduler counts them
    /// ([`crate::resources::pod_requests`]; zero for a pod without a spec).
    /// Worked out once, in parallel, on first use, and taken over by a
    /// cluster built after this one when no pod changed.
    pub fn pod_requests(&self) -> &[[i64; 3]] {
        self.requests.get_or_init(|| {
            self.stores
                .pods
                .par_iter()
                .map(|p| {
                    p.spec.as_ref().map_or([0; 3], |s| {
                        crate::resources::pod_requests(s, ["cpu", "memory", "ephemeral-storage"])
                    })
                })
                .collect::<Vec<_>>()
                .into()
        })
    }
}
