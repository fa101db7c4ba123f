//! The watched objects, per kind, kept current from watch events
//!
//! Objects are decoded as they arrive (Secrets reduced to their value-free
//! form first, by the same [`day2_live::redact`] a capture uses) and kept in
//! one map per kind, keyed by namespace and name. A re-list (the first list, or
//! the one a watch makes after `410 Gone`, an expired resource version or a
//! lost connection) is collected aside and then replaces the kind's map whole:
//! objects deleted while the watch was down disappear, and nothing is counted
//! twice. [`Store::cluster`] builds the same [`Cluster`] every other source
//! builds from the current objects.
//!
//! A change that changes nothing the analyses read is not a change: each
//! object is kept with a fingerprint of its content less its
//! `resourceVersion` and, for a Node, its conditions' heartbeat times, and an
//! update with the same fingerprint is not decoded and does not count. A
//! thousand kubelets posting their heartbeats then cost no evaluation.

use day2_model::object::Stores;
use day2_model::{Cluster, KindSet, Note, Object, Origin, Reuse, SourceKind, StoredKind};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Namespace (`None` for cluster-scoped objects) and name.
type Key = (Option<String>, String);

/// An object and the fingerprint of what the analyses read of it.
#[derive(Debug)]
struct Stored {
    print: Print,
    obj: Object,
}

/// The objects of one kind.
#[derive(Debug, Default)]
struct KindStore {
    objects: HashMap<Key, Stored>,
    /// A re-list in progress: replaces `objects` when complete.
    relist: Option<HashMap<Key, Stored>>,
    /// Lists completed (the first one included).
    lists: u64,
}

/// What the store holds, per kind (`Pod`, `Deployment`, …).
#[derive(Debug)]
pub struct Store {
    kinds: BTreeMap<String, KindStore>,
    source: Arc<str>,
    /// Changes since the store was created: an evaluation remembers the
    /// generation it saw.
    generation: u64,
    /// Objects that could not be decoded, per kind and object (latest reason).
    undecodable: BTreeMap<(String, String), String>,
    /// The kinds of the model that changed since [`Store::take_changed`].
    changed: KindSet,
    /// What the last evaluation's cluster left for the next.
    reuse: Reuse,
}

/// Why an object was not stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("{kind} without metadata.name")]
    NoName { kind: String },
    #[error("{kind} {name}: not decoded: {message}")]
    Undecodable {
        kind: String,
        name: String,
        message: String,
    },
}

impl Store {
    /// An empty store; `source` labels where objects come from (`live:prod`).
    pub fn new(source: &str) -> Store {
        Store {
            kinds: BTreeMap::new(),
            source: Arc::from(source),
            generation: 0,
            undecodable: BTreeMap::new(),
            changed: KindSet::ALL,
            reuse: Reuse::default(),
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// An object was added or changed; whether it changed what the analyses
    /// read (a Node's heartbeat alone does not).
    pub fn apply(&mut self, api_version: &str, kind: &str, v: Value) -> Result<bool, StoreError> {
        let Some((key, print, v)) = self.prepare(api_version, kind, v)? else {
            return Ok(false);
        };
        if self
            .kinds
            .get(kind)
            .and_then(|k| k.objects.get(&key))
            .is_some_and(|s| s.print == print)
        {
            return Ok(false);
        }
        let obj = self.decode(kind, &key, v)?;
        let stored = obj.stored_kind();
        let new_phase = phase(&obj).map(str::to_owned);
        match self
            .kinds
            .entry(kind.to_owned())
            .or_default()
            .objects
            .insert(key, Stored { print, obj })
        {
            // A pod whose status alone changed; its phase too, or not.
            Some(old)
                if old.print.rest == print.rest
                    && stored == StoredKind::Pod
                    && old.obj.stored_kind() == stored =>
            {
                let same_phase = phase(&old.obj) == new_phase.as_deref();
                self.changed = self.changed.union(if same_phase {
                    KindSet::POD_STATUS
                } else {
                    KindSet::POD_STATUS.union(KindSet::POD_PHASE)
                });
            }
            Some(old) => {
                self.mark(stored);
                self.mark(old.obj.stored_kind());
            }
            None => self.mark(stored),
        }
        self.generation += 1;
        Ok(true)
    }

    /// An object was deleted.
    pub fn delete(&mut self, kind: &str, v: &Value) {
        let Some(key) = key_of(v) else { return };
        self.undecodable.remove(&(kind.to_owned(), display(&key)));
        if let Some(k) = self.kinds.get_mut(kind)
            && let Some(old) = k.objects.remove(&key)
        {
            let kind = old.obj.stored_kind();
            self.mark(kind);
            self.generation += 1;
        }
    }

    /// A (re-)list of `kind` starts: what follows until [`Store::relist_done`]
    /// is the complete set of its objects.
    pub fn relist_start(&mut self, kind: &str) {
        self.kinds.entry(kind.to_owned()).or_default().relist = Some(HashMap::new());
    }

    /// One object of a re-list.
    pub fn relist_item(
        &mut self,
        api_version: &str,
        kind: &str,
        v: Value,
    ) -> Result<(), StoreError> {
        let Some((key, print, v)) = self.prepare(api_version, kind, v)? else {
            return Ok(());
        };
        let obj = self.decode(kind, &key, v)?;
        let k = self.kinds.entry(kind.to_owned()).or_default();
        k.relist
            .get_or_insert_with(HashMap::new)
            .insert(key, Stored { print, obj });
        Ok(())
    }

    /// The re-list is complete: it replaces what the kind held.
    pub fn relist_done(&mut self, kind: &str) {
        let k = self.kinds.entry(kind.to_owned()).or_default();
        let old = std::mem::replace(&mut k.objects, k.relist.take().unwrap_or_default());
        k.lists += 1;
        // What was and what is: a relist may replace, add or take away.
        let mut kinds = KindSet::EMPTY;
        for s in old.values().chain(k.objects.values()) {
            kinds.insert(s.obj.stored_kind());
        }
        let kind = kind.to_owned();
        let objects = &k.objects;
        self.undecodable
            .retain(|(uk, name), _| *uk != kind || objects.keys().any(|key| display(key) == *name));
        for k in kinds.iter() {
            self.mark(k);
        }
        self.generation += 1;
    }

    /// Objects of `kind` changed (all of a pod: its status too).
    fn mark(&mut self, kind: StoredKind) {
        self.changed.insert(kind);
        if kind == StoredKind::Pod {
            self.changed = self
                .changed
                .union(KindSet::POD_STATUS.union(KindSet::POD_PHASE));
        }
    }

    /// The kinds of the model whose objects changed since the last call
    /// (every kind, the first time): what an evaluation must read again.
    pub fn take_changed(&mut self) -> KindSet {
        std::mem::take(&mut self.changed)
    }

    /// What the last evaluation's cluster left for the next (nothing, the
    /// first time or after an evaluation that failed).
    pub fn take_reuse(&mut self) -> Reuse {
        std::mem::take(&mut self.reuse)
    }

    /// Keep what an evaluation's cluster leaves for the next.
    pub fn keep_reuse(&mut self, reuse: Reuse) {
        self.reuse = reuse;
    }

    /// Count `kinds` as changed again (an evaluation that took them failed).
    pub fn mark_changed(&mut self, kinds: KindSet) {
        self.changed = self.changed.union(kinds);
    }

    /// Whether `kind` has been listed completely at least once.
    pub fn synced(&self, kind: &str) -> bool {
        self.kinds.get(kind).is_some_and(|k| k.lists > 0)
    }

    /// Objects held per kind (kinds that were listed, empty ones included).
    pub fn counts(&self) -> Vec<(&str, usize)> {
        self.kinds
            .iter()
            .map(|(k, s)| (k.as_str(), s.objects.len()))
            .collect()
    }

    /// Objects held, all kinds.
    pub fn len(&self) -> usize {
        self.kinds.values().map(|k| k.objects.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The current objects as a [`Cluster`] (`SourceKind::Live`), with
    /// `notes` and one note per object that could not be decoded.
    pub fn cluster(&self, input: &str, notes: Vec<Note>) -> Cluster {
        self.cluster_after(input, notes, Reuse::default(), KindSet::ALL)
    }

    /// [`Store::cluster`], the indexes of the kinds not in `changed` taken
    /// from `prev`, what the cluster built before gave up
    /// ([`Cluster::into_reuse`]). `changed` must hold every kind changed
    /// since that cluster was built ([`Store::take_changed`] then): a kind
    /// that did not change comes in the same order, its map untouched.
    pub fn cluster_after(
        &self,
        input: &str,
        mut notes: Vec<Note>,
        prev: Reuse,
        changed: KindSet,
    ) -> Cluster {
        day2_model::timings::mark("evaluation starts");
        let mut stores = Stores::default();
        for k in self.kinds.values() {
            for o in k.objects.values() {
                stores.push(o.obj.clone());
            }
        }
        notes.extend(self.undecodable.values().map(|message| Note {
            at: self.source.to_string(),
            message: message.clone(),
        }));
        day2_model::timings::mark("objects copied");
        let mut cluster = Cluster::new_after(stores, SourceKind::Live, notes, prev, changed);
        cluster.input = input.to_owned();
        cluster.captured_at = jiff::Timestamp::now().round(jiff::Unit::Second).ok();
        cluster
    }

    /// The object's key, its fingerprint and the object ready to decode:
    /// type filled in, managed fields gone, a Secret's values gone.
    fn prepare(
        &mut self,
        api_version: &str,
        kind: &str,
        mut v: Value,
    ) -> Result<Option<(Key, Print, Value)>, StoreError> {
        // Items of a list and watch events may omit their type.
        if let Some(o) = v.as_object_mut() {
            o.entry("apiVersion")
                .or_insert_with(|| Value::String(api_version.to_owned()));
            o.entry("kind")
                .or_insert_with(|| Value::String(kind.to_owned()));
            if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
                m.remove("managedFields");
            }
        }
        let key = key_of(&v).ok_or_else(|| StoreError::NoName {
            kind: kind.to_owned(),
        })?;
        if api_version == "v1" && kind == "Secret" {
            // Values never enter the store, nor its fingerprints.
            match day2_live::redact(v) {
                Ok(r) => v = r,
                Err(_) => {
                    return Err(self.refuse(kind, &key, "not a valid Secret".into()));
                }
            }
        }
        let print = fingerprint(kind, &v);
        Ok(Some((key, print, v)))
    }

    fn refuse(&mut self, kind: &str, key: &Key, message: String) -> StoreError {
        let e = StoreError::Undecodable {
            kind: kind.to_owned(),
            name: display(key),
            message,
        };
        self.undecodable
            .insert((kind.to_owned(), display(key)), e.to_string());
        e
    }

    fn decode(&mut self, kind: &str, key: &Key, v: Value) -> Result<Object, StoreError> {
        let origin = Origin {
            source: Some(self.source.clone()),
            ..Origin::default()
        };
        let mut obj = day2_model::decode_value(v, origin, None)
            .map_err(|e| self.refuse(kind, key, e.to_string()))?;
        obj.trim();
        self.undecodable.remove(&(kind.to_owned(), display(key)));
        Ok(obj)
    }
}

/// A pod's `status.phase` (`None` for other objects and pods without one).
fn phase(obj: &Object) -> Option<&str> {
    match obj {
        Object::Pod(p) => p.status.as_ref()?.phase.as_deref(),
        _ => None,
    }
}

/// A fingerprint of what the analyses read of an object: all of it but its
/// `resourceVersion` and, for a Node, the heartbeat times of its conditions
/// (a kubelet posts them with nothing else changed).
fn fingerprint(kind: &str, v: &Value) -> Print {
    let skip = |path: &[&str]| match path {
        ["metadata", "resourceVersion"] => true,
        ["status", "conditions", "lastHeartbeatTime"] => kind == "Node",
        _ => false,
    };
    // The status apart, so that an update of it alone is told apart.
    let (mut rest, mut status) = (
        std::hash::DefaultHasher::new(),
        std::hash::DefaultHasher::new(),
    );
    match v.as_object() {
        Some(m) => {
            for (k, x) in m {
                let h = if k == "status" {
                    &mut status
                } else {
                    &mut rest
                };
                k.hash(h);
                hash_value(x, h, &skip, &mut vec![k.as_str()]);
            }
        }
        None => hash_value(v, &mut rest, &skip, &mut Vec::new()),
    }
    Print {
        rest: rest.finish(),
        status: status.finish(),
    }
}

/// An object's fingerprint: of its `status`, and of the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Print {
    rest: u64,
    status: u64,
}

/// Hash `v`, leaving out the object fields whose path (field names only,
/// list positions left out) `skip` names.
fn hash_value<'a>(
    v: &'a Value,
    h: &mut impl Hasher,
    skip: &dyn Fn(&[&str]) -> bool,
    path: &mut Vec<&'a str>,
) {
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => (2u8, n.to_string()).hash(h),
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(a) => {
            (4u8, a.len()).hash(h);
            for x in a {
                hash_value(x, h, skip, path);
            }
        }
        Value::Object(m) => {
            5u8.hash(h);
            // serde_json's map is ordered by key: the same object hashes the
            // same whatever order its fields arrived in.
            for (k, x) in m {
                path.push(k);
                if !skip(path) {
                    k.hash(h);
                    hash_value(x, h, skip, path);
                }
                path.pop();
            }
        }
    }
}

fn key_of(v: &Value) -> Option<Key> {
    let name = v.pointer("/metadata/name").and_then(Value::as_str)?;
    let ns = v
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty());
    Some((ns.map(str::to_owned), name.to_owned()))
}

fn display(k: &Key) -> String {
    match &k.0 {
        Some(ns) => format!("{ns}/{}", k.1),
        None => k.1.clone(),
    }
}

#[cfg(test)]
mod tests;
