//! The indexes a [`Cluster`](super::Cluster) is built with: nodes, pods by
//! node, namespace, label and owner, claims, volumes and classes by name,
//! events by involved object. Built once, in parallel, when the cluster is.

use super::{WorkloadKey, ns_name};
use crate::event::Event;
use crate::object::{K8sObject, Res, Stores};
use crate::topology::zone_of;
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::sync::Arc;

#[derive(Debug, Default, Clone)]
pub(super) struct Index {
    pub(super) node_by_name: FxHashMap<String, u32>,
    pub(super) pods_by_node: FxHashMap<String, Vec<u32>>,
    pub(super) pods_by_ns: FxHashMap<String, Vec<u32>>,
    /// namespace → (label key, value) → pods
    pub(super) pod_labels: FxHashMap<String, FxHashMap<(String, String), Vec<u32>>>,
    /// Per pod: its workload's position in `workloads`, or [`NO_OWNER`].
    pub(super) pod_owner: Vec<u32>,
    pub(super) workloads: Vec<WorkloadKey>,
    pub(super) pods_by_workload: FxHashMap<WorkloadKey, Vec<u32>>,
    pub(super) pvc_by_key: FxHashMap<(String, String), u32>,
    pub(super) pv_by_name: FxHashMap<String, u32>,
    pub(super) sc_by_name: FxHashMap<String, u32>,
    pub(super) nodes_by_zone: BTreeMap<String, Vec<u32>>,
    pub(super) events_by_uid: Postings,
    pub(super) events_by_obj: Postings,
}

/// No workload owns the pod.
pub(super) const NO_OWNER: u32 = u32::MAX;

/// Event positions by the hash of a key (an involved object's uid, or its
/// kind, namespace and name), in one flat list: no key is stored, so
/// readers check that each event found is about the object they asked for.
#[derive(Debug, Default, Clone)]
pub(super) struct Postings {
    pub(super) ranges: FxHashMap<u64, (u32, u32)>,
    pub(super) positions: Vec<u32>,
}

impl Postings {
    /// From (key hash, position) pairs.
    pub(super) fn new(mut pairs: Vec<(u64, u32)>) -> Postings {
        pairs.par_sort_unstable();
        let mut ranges = FxHashMap::default();
        let mut start = 0;
        while start < pairs.len() {
            let h = pairs[start].0;
            let len = pairs[start..].iter().take_while(|(k, _)| *k == h).count();
            ranges.insert(h, (start as u32, len as u32));
            start += len;
        }
        Postings {
            ranges,
            positions: pairs.into_iter().map(|(_, i)| i).collect(),
        }
    }

    /// Positions filed under `hash`, in ascending order.
    pub(super) fn get(&self, hash: u64) -> &[u32] {
        self.ranges.get(&hash).map_or(&[], |&(start, len)| {
            &self.positions[start as usize..(start + len) as usize]
        })
    }
}

pub(super) fn uid_hash(uid: &str) -> u64 {
    FxBuildHasher.hash_one(uid)
}

pub(super) fn obj_hash(kind: &str, namespace: &str, name: &str) -> u64 {
    FxBuildHasher.hash_one((kind, namespace, name))
}

type PodIndexes = (
    FxHashMap<String, u32>,
    FxHashMap<String, Vec<u32>>,
    FxHashMap<String, Vec<u32>>,
    FxHashMap<String, FxHashMap<(String, String), Vec<u32>>>,
);

/// Events by time, then name (a stable sort). The order is sorted as (time,
/// position) keys, so that a comparison reads no event but to break a tie,
/// and applied in one pass.
pub(super) fn sort_events(events: &mut [Arc<Event>]) {
    const DONE: u32 = u32::MAX;
    let Ok(n) = u32::try_from(events.len()) else {
        events.sort_by(|a, b| a.at().cmp(&b.at()).then_with(|| a.name.cmp(&b.name)));
        return;
    };
    // Sort (time, position) pairs in parallel, reading an event's name only
    // to break a tie in time; the position keeps the sort stable.
    let mut keys: Vec<(Option<jiff::Timestamp>, u32)> =
        events.iter().zip(0..n).map(|(e, i)| (e.at(), i)).collect();
    {
        use rayon::slice::ParallelSliceMut;
        let ev: &[Arc<Event>] = events;
        keys.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| ev[a.1 as usize].name.cmp(&ev[b.1 as usize].name))
                .then(a.1.cmp(&b.1))
        });
    }
    let mut order: Vec<u32> = keys.into_iter().map(|(_, i)| i).collect();
    // Position i receives the event at order[i]: follow each cycle once.
    for start in 0..order.len() {
        let mut cur = start;
        while order[cur] != DONE {
            let next = order[cur] as usize;
            order[cur] = DONE;
            if next == start {
                break;
            }
            events.swap(cur, next);
            cur = next;
        }
    }
}

/// `map[key].push(i)`, allocating the key only when it is new.
fn push_at<Q>(map: &mut FxHashMap<Q::Owned, Vec<u32>>, key: &Q, i: u32)
where
    Q: ToOwned + std::hash::Hash + Eq + ?Sized,
    Q::Owned: std::hash::Hash + Eq + std::borrow::Borrow<Q>,
{
    match map.get_mut(key) {
        Some(v) => v.push(i),
        None => {
            map.insert(key.to_owned(), vec![i]);
        }
    }
}

fn index_pods(s: &Stores) -> PodIndexes {
    let mut node_by_name = FxHashMap::default();
    for (i, n) in s.nodes.iter().enumerate() {
        node_by_name.insert(n.name().to_owned(), i as u32);
    }
    let mut by_node: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    let mut by_ns: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    // Built with borrowed keys (one allocation per distinct label, not per pod), then owned.
    let mut labels: FxHashMap<&str, FxHashMap<(&str, &str), Vec<u32>>> = FxHashMap::default();
    for (i, p) in s.pods.iter().enumerate() {
        let i = i as u32;
        if let Some(n) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            push_at(&mut by_node, n, i);
        }
        let ns = p.ns_or_default();
        push_at(&mut by_ns, ns, i);
        let per_ns = labels.entry(ns).or_default();
        for (k, v) in p.labels() {
            per_ns.entry((k.as_str(), v.as_str())).or_default().push(i);
        }
    }
    let labels = labels
        .into_iter()
        .map(|(ns, m)| {
            let m = m
                .into_iter()
                .map(|((k, v), pods)| ((k.to_owned(), v.to_owned()), pods))
                .collect();
            (ns.to_owned(), m)
        })
        .collect();
    (node_by_name, by_node, by_ns, labels)
}

/// (kind, name) of the controller owning each object of a kind, by (namespace, name).
fn controllers_of<'s, T: K8sObject + 's>(
    objects: impl Iterator<Item = &'s Res<T>>,
) -> FxHashMap<(&'s str, &'s str), (&'s str, &'s str)> {
    objects
        .filter_map(|r| {
            let m = r.obj.meta();
            let o = m
                .owner_references
                .iter()
                .flatten()
                .find(|o| o.controller == Some(true))?;
            Some((
                (
                    m.namespace.as_deref().unwrap_or("default"),
                    m.name.as_deref().unwrap_or_default(),
                ),
                (o.kind.as_str(), o.name.as_str()),
            ))
        })
        .collect()
}

type OwnerIndexes = (Vec<u32>, Vec<WorkloadKey>, FxHashMap<WorkloadKey, Vec<u32>>);

fn index_owners(s: &Stores) -> OwnerIndexes {
    let rs_owner = controllers_of(s.replica_sets.iter());
    let job_owner = controllers_of(s.jobs.iter());
    // Each pod's workload as borrowed (kind, namespace, name); owned once per workload.
    let mut owners: Vec<Option<(&str, &str, &str)>> = Vec::with_capacity(s.pods.len());
    let mut by_workload: FxHashMap<(&str, &str, &str), Vec<u32>> = FxHashMap::default();
    for (i, p) in s.pods.iter().enumerate() {
        let ns = p.ns_or_default();
        let owner = p
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.controller == Some(true))
            .map(|o| {
                let (mut kind, mut name) = (o.kind.as_str(), o.name.as_str());
                if kind == "ReplicaSet" {
                    if let Some((k, n)) = rs_owner.get(&(ns, name)) {
                        (kind, name) = (k, n);
                    } else if let Some(hash) = p.labels().get("pod-template-hash")
                        && let Some(dep) = name
                            .strip_suffix(hash.as_str())
                            .and_then(|n| n.strip_suffix('-'))
                    {
                        // The ReplicaSet is not in the input; its name tells its Deployment.
                        (kind, name) = ("Deployment", dep);
                    }
                } else if kind == "Job"
                    && let Some((k, n)) = job_owner.get(&(ns, name))
                {
                    (kind, name) = (k, n);
                }
                (kind, ns, name)
            });
        if let Some(o) = owner {
            by_workload.entry(o).or_default().push(i as u32);
        }
        owners.push(owner);
    }
    let key = |(kind, namespace, name): (&str, &str, &str)| WorkloadKey {
        kind: kind.to_owned(),
        namespace: namespace.to_owned(),
        name: name.to_owned(),
    };
    // Each workload once; pods refer to it by position.
    let mut position: FxHashMap<(&str, &str, &str), u32> = FxHashMap::default();
    let mut workloads = Vec::with_capacity(by_workload.len());
    let owners = owners
        .into_iter()
        .map(|o| {
            o.map_or(NO_OWNER, |o| {
                *position.entry(o).or_insert_with(|| {
                    workloads.push(key(o));
                    workloads.len() as u32 - 1
                })
            })
        })
        .collect();
    let by_workload = by_workload
        .into_iter()
        .map(|(k, pods)| (key(k), pods))
        .collect();
    (owners, workloads, by_workload)
}

/// Every index but the events'.
pub(super) type ObjectIndexes = (PodIndexes, OwnerIndexes, MiscIndexes);

pub(super) fn index_objects(s: &Stores) -> ObjectIndexes {
    let ((pods, owners), misc) = rayon::join(
        || rayon::join(|| index_pods(s), || index_owners(s)),
        || index_misc(s),
    );
    (pods, owners, misc)
}

impl Index {
    pub(super) fn new((pods, owners, misc): ObjectIndexes, events: EventIndexes) -> Index {
        let (node_by_name, pods_by_node, pods_by_ns, pod_labels) = pods;
        let (pod_owner, workloads, pods_by_workload) = owners;
        let (events_by_uid, events_by_obj) = events;
        let (pvc_by_key, pv_by_name, sc_by_name, nodes_by_zone) = misc;
        Index {
            node_by_name,
            pods_by_node,
            pods_by_ns,
            pod_labels,
            pod_owner,
            workloads,
            pods_by_workload,
            pvc_by_key,
            pv_by_name,
            sc_by_name,
            nodes_by_zone,
            events_by_uid,
            events_by_obj,
        }
    }
}

pub(super) type EventIndexes = (Postings, Postings);

pub(super) fn index_events(events: &[Arc<Event>]) -> EventIndexes {
    let (by_uid, by_obj) = rayon::join(
        || {
            events
                .par_iter()
                .enumerate()
                .filter_map(|(i, e)| Some((uid_hash(e.involved_uid.as_deref()?), i as u32)))
                .collect()
        },
        || {
            events
                .par_iter()
                .enumerate()
                .map(|(i, e)| {
                    let o = &e.involved;
                    let ns = o.namespace.as_deref().unwrap_or_default();
                    (obj_hash(&o.kind, ns, &o.name), i as u32)
                })
                .collect()
        },
    );
    (Postings::new(by_uid), Postings::new(by_obj))
}

type MiscIndexes = (
    FxHashMap<(String, String), u32>,
    FxHashMap<String, u32>,
    FxHashMap<String, u32>,
    BTreeMap<String, Vec<u32>>,
);

fn index_misc(s: &Stores) -> MiscIndexes {
    let pvc = s
        .pvcs
        .iter()
        .enumerate()
        .map(|(i, p)| (ns_name(&p.metadata), i as u32))
        .collect();
    let pv = s
        .pvs
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name().to_owned(), i as u32))
        .collect();
    let sc = s
        .storage_classes
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name().to_owned(), i as u32))
        .collect();
    let mut zones: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (i, n) in s.nodes.iter().enumerate() {
        if let Some(z) = zone_of(n.labels()) {
            zones.entry(z.to_owned()).or_default().push(i as u32);
        }
    }
    (pvc, pv, sc, zones)
}
