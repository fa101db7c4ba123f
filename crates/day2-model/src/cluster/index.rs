//! The indexes a [`Cluster`](super::Cluster) is built with: nodes, pods by
//! node, namespace, label and owner, claims, volumes and classes by name,
//! events by involved object. Built once, in parallel, when the cluster is.

use super::{WorkloadKey, ns_name};
use crate::event::Event;
use crate::object::{K8sObject, KindSet, Res, StoredKind as K, Stores};
use crate::topology::zone_of;
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::sync::Arc;

#[derive(Debug, Default, Clone)]
pub(super) struct Index {
    pub(super) pods: PodIndexes,
    pub(super) owners: OwnerIndexes,
    pub(super) misc: MiscIndexes,
    pub(super) events: EventIndexes,
    /// Objects per kind ([`StoredKind::ALL`]'s order) the index was built from.
    pub(super) lens: Vec<usize>,
}

/// Nodes by name, pods by node, namespace and label (from the nodes and pods).
#[derive(Debug, Default, Clone)]
pub(super) struct PodIndexes {
    pub(super) node_by_name: FxHashMap<String, u32>,
    pub(super) pods_by_node: FxHashMap<String, Vec<u32>>,
    pub(super) pods_by_ns: FxHashMap<String, Vec<u32>>,
    /// namespace → (label key, value) → pods
    pub(super) pod_labels: FxHashMap<String, FxHashMap<(String, String), Vec<u32>>>,
}

/// Each pod's workload (from the pods, ReplicaSets and Jobs).
#[derive(Debug, Default, Clone)]
pub(super) struct OwnerIndexes {
    /// Per pod: its workload's position in `workloads`, or [`NO_OWNER`].
    pub(super) pod_owner: Vec<u32>,
    pub(super) workloads: Vec<WorkloadKey>,
    pub(super) pods_by_workload: FxHashMap<WorkloadKey, Vec<u32>>,
}

/// Claims, volumes and classes by name; nodes by zone.
#[derive(Debug, Default, Clone)]
pub(super) struct MiscIndexes {
    pub(super) pvc_by_key: FxHashMap<(String, String), u32>,
    pub(super) pv_by_name: FxHashMap<String, u32>,
    pub(super) sc_by_name: FxHashMap<String, u32>,
    pub(super) nodes_by_zone: BTreeMap<String, Vec<u32>>,
}

/// Events by involved object: its uid, and its kind, namespace and name.
#[derive(Debug, Default, Clone)]
pub(super) struct EventIndexes {
    pub(super) by_uid: Postings,
    pub(super) by_obj: Postings,
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

/// The order of events: by time, then name, then namespace. Two events of
/// one cluster never tie (an Event's namespace and name are its key); events
/// read twice from files keep their input order ([`sort_events`]).
fn event_order(a: &Event, b: &Event) -> std::cmp::Ordering {
    a.at()
        .cmp(&b.at())
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.namespace.cmp(&b.namespace))
}

/// Events in [`event_order`] (a stable sort). The order is sorted as (time,
/// position) keys, so that a comparison reads no event but to break a tie,
/// and applied in one pass.
pub(super) fn sort_events(events: &mut [Arc<Event>]) {
    const DONE: u32 = u32::MAX;
    let Ok(n) = u32::try_from(events.len()) else {
        events.sort_by(|a, b| event_order(a, b));
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
                .then_with(|| event_order(&ev[a.1 as usize], &ev[b.1 as usize]))
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

/// `now` in [`event_order`], given `earlier`, the events of the cluster
/// before in that order, sharing every event that did not change (the
/// agent's store hands out the same `Arc`). The events still there keep
/// their order; the new and updated ones are sorted alone and merged in.
/// When most events are new, `now` is sorted whole. Either way the result is
/// what [`sort_events`] gives on a store's events (no two share a key).
pub(super) fn sort_events_after(
    earlier: Vec<Arc<Event>>,
    mut now: Vec<Arc<Event>>,
) -> Vec<Arc<Event>> {
    let addr = |e: &Arc<Event>| Arc::as_ptr(e) as usize;
    if earlier.is_empty() {
        sort_events(&mut now);
        return now;
    }
    let before: FxHashSet<usize> = earlier.iter().map(addr).collect();
    let mut fresh: Vec<Arc<Event>> = now
        .iter()
        .filter(|e| !before.contains(&addr(e)))
        .cloned()
        .collect();
    if fresh.len() * 4 > now.len() {
        sort_events(&mut now);
        return now;
    }
    let present: FxHashSet<usize> = now.iter().map(addr).collect();
    drop(now);
    sort_events(&mut fresh);
    let mut out = Vec::with_capacity(present.len());
    let mut fresh = fresh.into_iter().peekable();
    for e in earlier.into_iter().filter(|e| present.contains(&addr(e))) {
        while let Some(f) = fresh.next_if(|f| event_order(f, &e).is_lt()) {
            out.push(f);
        }
        out.push(e);
    }
    out.extend(fresh);
    out
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
        if let Some(n) = crate::pod::node_name(p) {
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
    PodIndexes {
        node_by_name,
        pods_by_node: by_node,
        pods_by_ns: by_ns,
        pod_labels: labels,
    }
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
    OwnerIndexes {
        pod_owner: owners,
        workloads,
        pods_by_workload: by_workload,
    }
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

/// The kinds each part of [`ObjectIndexes`] is built from.
const POD_PART: KindSet = KindSet::of(&[K::Node, K::Pod]);
const OWNER_PART: KindSet = KindSet::of(&[K::Pod, K::ReplicaSet, K::Job]);
const MISC_PART: KindSet = KindSet::of(&[
    K::PersistentVolumeClaim,
    K::PersistentVolume,
    K::StorageClass,
    K::Node,
]);

/// How many objects of each kind an index was built from.
pub(super) fn lens(s: &Stores) -> Vec<usize> {
    K::ALL.iter().map(|k| s.len_of(*k)).collect()
}

/// [`index_objects`], taking from `prev` each part whose kinds are not in
/// `changed`: `prev` indexes stores that held the same objects, in the same
/// order, for every kind not in `changed` ([`Cluster::new_after`](super::Cluster::new_after)).
/// A part whose kinds do not hold as many objects (`now`, per kind) as
/// `prev` was built from is built again all the same.
pub(super) fn index_objects_after(
    s: &Stores,
    prev: Index,
    now: &[usize],
    changed: KindSet,
) -> ObjectIndexes {
    let same = |part: KindSet| {
        !changed.intersects(part)
            && part
                .iter()
                .all(|k| prev.lens.get(k as usize) == now.get(k as usize))
    };
    let pods = same(POD_PART).then_some(prev.pods);
    let owners = same(OWNER_PART).then_some(prev.owners);
    let misc = same(MISC_PART).then_some(prev.misc);
    let ((pods, owners), misc) = rayon::join(
        || {
            rayon::join(
                || pods.unwrap_or_else(|| index_pods(s)),
                || owners.unwrap_or_else(|| index_owners(s)),
            )
        },
        || misc.unwrap_or_else(|| index_misc(s)),
    );
    (pods, owners, misc)
}

impl Index {
    pub(super) fn new(
        (pods, owners, misc): ObjectIndexes,
        events: EventIndexes,
        lens: Vec<usize>,
    ) -> Index {
        Index {
            pods,
            owners,
            misc,
            events,
            lens,
        }
    }
}

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
    EventIndexes {
        by_uid: Postings::new(by_uid),
        by_obj: Postings::new(by_obj),
    }
}

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
    MiscIndexes {
        pvc_by_key: pvc,
        pv_by_name: pv,
        sc_by_name: sc,
        nodes_by_zone: zones,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Cluster, SourceKind};
    use crate::object::{KindSet, StoredKind as K, Stores, decode_value};
    use crate::types::Origin;
    use serde_json::{Value, json};

    fn objects(pod_image: &str, claim: &str, event_reason: &str) -> Vec<Value> {
        let mut v = vec![
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {"topology.kubernetes.io/zone": "a"}}}),
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n2", "labels": {"topology.kubernetes.io/zone": "b"}}}),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-abc", "namespace": "shop", "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d", "controller": true}]}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"selector": {"app": "web"}}}),
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": claim, "namespace": "shop"}, "spec": {"storageClassName": "gp3"}}),
            json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "gp3"}, "provisioner": "ebs.csi.aws.com"}),
        ];
        for i in 0..6 {
            v.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("web-abc-{i}"), "namespace": "shop", "uid": format!("u{i}"), "labels": {"app": "web", "pod-template-hash": "abc"}, "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc", "uid": "r", "controller": true}]}, "spec": {"nodeName": format!("n{}", 1 + i % 2), "containers": [{"name": "c", "image": pod_image}]}}));
            v.push(json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": format!("e{i}"), "namespace": "shop"}, "involvedObject": {"kind": "Pod", "namespace": "shop", "name": format!("web-abc-{i}"), "uid": format!("u{i}")}, "reason": event_reason, "lastTimestamp": format!("2026-01-01T10:00:0{}Z", 5 - i % 5)}));
        }
        v
    }

    fn stores(values: Vec<Value>) -> Stores {
        let mut st = Stores::default();
        for v in values {
            st.push(decode_value(v, Origin::default(), None).unwrap());
        }
        st
    }

    /// Everything a cluster's indexes answer, as text.
    fn indexed(c: &Cluster) -> String {
        let events: Vec<&str> = c.stores.events.iter().map(|e| e.name.as_str()).collect();
        format!("{:?}\n{events:?}", c.idx)
    }

    #[test]
    fn a_cluster_built_after_another_indexes_what_one_built_whole_does() {
        let first = || stores(objects("web:1", "data", "Pulled"));
        // (what changed, the stores after the change)
        let steps: Vec<(KindSet, Stores)> = vec![
            (KindSet::EMPTY, first()),
            (KindSet::of(&[K::Service]), {
                let mut v = objects("web:1", "data", "Pulled");
                v[3]["spec"]["selector"]["app"] = json!("typo");
                stores(v)
            }),
            (
                KindSet::of(&[K::Pod]),
                stores(objects("web:2", "data", "Pulled")),
            ),
            // The kubelet's update: a pod's status alone.
            (KindSet::POD_STATUS, {
                let mut v = objects("web:1", "data", "Pulled");
                v[6]["status"] = json!({"phase": "Failed", "reason": "Evicted"});
                stores(v)
            }),
            (
                KindSet::of(&[K::Event]),
                stores(objects("web:1", "data", "BackOff")),
            ),
            (
                KindSet::of(&[K::PersistentVolumeClaim]),
                stores(objects("web:1", "logs", "Pulled")),
            ),
            (KindSet::of(&[K::Node]), {
                let mut v = objects("web:1", "data", "Pulled");
                v.remove(1);
                stores(v)
            }),
            // Told nothing changed, but a kind holds fewer objects: built again.
            (KindSet::EMPTY, {
                let mut v = objects("web:1", "data", "Pulled");
                v.retain(|o| o["metadata"]["name"] != "web-abc-5");
                stores(v)
            }),
        ];
        for (changed, st) in steps {
            let prev = Cluster::new(first(), SourceKind::Live, vec![]).into_reuse();
            let after = Cluster::new_after(st.clone(), SourceKind::Live, vec![], prev, changed);
            let whole = Cluster::new(st, SourceKind::Live, vec![]);
            assert_eq!(indexed(&after), indexed(&whole), "after {changed:?}");
        }
        // Without a cluster before, the cluster is built whole.
        let c = Cluster::new_after(
            first(),
            SourceKind::Live,
            vec![],
            Default::default(),
            KindSet::EMPTY,
        );
        assert_eq!(
            indexed(&c),
            indexed(&Cluster::new(first(), SourceKind::Live, vec![]))
        );
    }

    fn event(ns: &str, name: &str, second: u32) -> std::sync::Arc<crate::event::Event> {
        let v = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": name, "namespace": ns}, "involvedObject": {"kind": "Pod", "namespace": ns, "name": "p"}, "reason": "BackOff", "lastTimestamp": format!("2026-01-01T10:{:02}:{:02}Z", second / 60, second % 60)});
        match decode_value(v, Origin::default(), None).unwrap() {
            crate::object::Object::Event(e) => e,
            other => panic!("not an event: {other:?}"),
        }
    }

    #[test]
    fn events_merged_after_a_change_are_in_the_order_a_whole_sort_gives() {
        use super::{sort_events, sort_events_after};
        let key = |v: &[std::sync::Arc<crate::event::Event>]| -> Vec<(Option<String>, String)> {
            v.iter()
                .map(|e| (e.namespace.clone(), e.name.clone()))
                .collect()
        };
        // Forty events, several at the same second and of the same name in
        // two namespaces, so that ties are broken by name, then namespace.
        let mut earlier: Vec<_> = (0..40u32)
            .map(|i| {
                event(
                    ["a", "b"][(i % 2) as usize],
                    &format!("e{}", i / 2),
                    (i * 7) % 13,
                )
            })
            .collect();
        sort_events(&mut earlier);
        let mut now: Vec<_> = earlier.iter().rev().cloned().collect();
        // Updated (a new object under an old key, later), new (in the middle
        // and at the end), deleted.
        let at = |ns: &str, name: &str, v: &[std::sync::Arc<crate::event::Event>]| {
            v.iter()
                .position(|e| e.namespace.as_deref() == Some(ns) && e.name == name)
                .unwrap()
        };
        let i = at("a", "e3", &now);
        now[i] = event("a", "e3", 50);
        now.push(event("b", "new-mid", 5));
        now.push(event("a", "new-late", 99));
        now.remove(at("b", "e7", &now));
        let mut whole = now.clone();
        sort_events(&mut whole);
        let merged = sort_events_after(earlier.clone(), now.clone());
        assert_eq!(key(&merged), key(&whole));
        assert!(
            merged
                .iter()
                .zip(&whole)
                .all(|(a, b)| std::sync::Arc::ptr_eq(a, b))
        );
        // Mostly new: sorted whole, same order.
        let all_new: Vec<_> = now
            .iter()
            .map(|e| event(e.namespace.as_deref().unwrap(), &e.name, 1))
            .collect();
        let mut want = all_new.clone();
        sort_events(&mut want);
        assert_eq!(key(&sort_events_after(earlier, all_new)), key(&want));
    }

    #[test]
    fn a_part_kept_when_its_kinds_did_not_change_is_the_one_before() {
        // Told that only the Service changed while the pods did too: the
        // pods' index is the one before (which is why the store must tell).
        let prev = Cluster::new(
            stores(objects("web:1", "data", "Pulled")),
            SourceKind::Live,
            vec![],
        );
        let mut v = objects("web:1", "data", "Pulled");
        v[6]["spec"]["nodeName"] = json!("n2");
        let st = stores(v);
        let kept = Cluster::new_after(
            st.clone(),
            SourceKind::Live,
            vec![],
            prev.into_reuse(),
            KindSet::of(&[K::Service]),
        );
        let whole = Cluster::new(st, SourceKind::Live, vec![]);
        assert_ne!(indexed(&kept), indexed(&whole));
    }
}
