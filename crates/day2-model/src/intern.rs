//! One copy of text that many objects repeat.
//!
//! Event messages repeat: every replica of a Deployment that cannot pull
//! its image, every Pending pod the scheduler refuses for the same reason,
//! gets the same words, often a kilobyte of them. Decoded as they arrive,
//! each would be a string of its own; [`intern`] gives back the one shared
//! copy instead, and the decoded string is freed at once, so a large
//! snapshot never holds the repeats.
//!
//! Pod specs repeat too: every replica of a template has the same spec once
//! its node is kept apart ([`crate::pod`]); [`intern_spec`] gives back the
//! one shared copy.
//!
//! The tables are process-wide, sharded for parallel decoding. A copy no
//! object holds any more stays in them until [`forget_unused`], which a
//! long-running process (the agent) calls after each evaluation.

use k8s_openapi::api::core::v1::{Container, PodSpec};
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet, FxHasher};
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, LazyLock, Mutex};

const SHARDS: usize = 16;

type Shard = Mutex<FxHashSet<Arc<str>>>;

static TABLE: LazyLock<[Shard; SHARDS]> =
    LazyLock::new(|| std::array::from_fn(|_| Mutex::new(FxHashSet::default())));

/// The shard of `s`, chosen from its length and last bytes: the set hashes
/// the whole text once more, so the shard need not (messages are long).
fn shard(s: &str) -> &'static Shard {
    let b = s.as_bytes();
    let tail = &b[b.len().saturating_sub(8)..];
    let i = (FxBuildHasher.hash_one((b.len(), tail)) as usize) % SHARDS;
    &TABLE[i]
}

/// The shared copy of `s` (made from `s` when it is the first).
pub fn intern(s: String) -> Arc<str> {
    intern_str(&s)
}

/// The shared copy of `s`, copied only when it is the first: a decoder that
/// hands out its text borrowed (or unescaped into its own scratch buffer)
/// allocates nothing for a message it has seen.
pub fn intern_str(s: &str) -> Arc<str> {
    if s.is_empty() {
        return Arc::from("");
    }
    let mut set = shard(s).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(a) = set.get(s) {
        return a.clone();
    }
    let a: Arc<str> = Arc::from(s);
    set.insert(a.clone());
    a
}

/// Specs kept under one key at most: specs that differ only in what the
/// key does not read (a resource limit, a probe) share a key, and a pod
/// whose spec matches none of these keeps its own copy, so no input makes a
/// lookup compare against more than this many.
const SPECS_PER_KEY: usize = 4;

type SpecShard = Mutex<FxHashMap<u64, Vec<Arc<PodSpec>>>>;

static SPECS: LazyLock<[SpecShard; SHARDS]> =
    LazyLock::new(|| std::array::from_fn(|_| Mutex::new(FxHashMap::default())));

/// What most often tells two specs apart, hashed: the containers' names,
/// images, commands, arguments and environment, the volumes' names and
/// sources' names, the ServiceAccount, host name and node selector. Equal
/// specs have equal keys; the specs under a key are compared in full.
fn spec_key(s: &PodSpec) -> u64 {
    fn container(h: &mut FxHasher, c: &Container) {
        c.name.hash(h);
        c.image.hash(h);
        c.command.hash(h);
        c.args.hash(h);
        for e in c.env.iter().flatten() {
            e.name.hash(h);
            e.value.hash(h);
        }
        for m in c.volume_mounts.iter().flatten() {
            m.name.hash(h);
            m.mount_path.hash(h);
        }
        for p in c.ports.iter().flatten() {
            (p.container_port, p.host_port).hash(h);
        }
        if let Some(r) = &c.resources {
            for q in [&r.requests, &r.limits].into_iter().flatten() {
                for (k, v) in q {
                    (k, &v.0).hash(h);
                }
            }
        }
    }
    let mut h = FxHasher::default();
    s.containers.len().hash(&mut h);
    for c in s
        .containers
        .iter()
        .chain(s.init_containers.iter().flatten())
    {
        container(&mut h, c);
    }
    for v in s.volumes.iter().flatten() {
        v.name.hash(&mut h);
        v.persistent_volume_claim
            .as_ref()
            .map(|c| &c.claim_name)
            .hash(&mut h);
        v.config_map.as_ref().map(|c| &c.name).hash(&mut h);
        v.secret.as_ref().map(|c| &c.secret_name).hash(&mut h);
    }
    s.service_account_name.hash(&mut h);
    s.hostname.hash(&mut h);
    s.subdomain.hash(&mut h);
    s.node_name.hash(&mut h);
    s.node_selector.hash(&mut h);
    for c in s.topology_spread_constraints.iter().flatten() {
        c.topology_key.hash(&mut h);
        let labels = c
            .label_selector
            .as_ref()
            .and_then(|l| l.match_labels.as_ref());
        labels.hash(&mut h);
    }
    for t in s.tolerations.iter().flatten() {
        (&t.key, &t.value, &t.effect).hash(&mut h);
    }
    h.finish()
}

/// The shared copy of a spec equal to `spec` (`spec` itself when it is the
/// first, or when its key already holds four other specs).
pub fn intern_spec(spec: Arc<PodSpec>) -> Arc<PodSpec> {
    let key = spec_key(&spec);
    let shard = &SPECS[(key as usize) % SHARDS];
    let mut map = shard.lock().unwrap_or_else(|e| e.into_inner());
    let held = map.entry(key).or_default();
    if let Some(a) = held.iter().find(|a| ***a == *spec) {
        return a.clone();
    }
    if held.len() < SPECS_PER_KEY {
        held.push(spec.clone());
    }
    spec
}

/// Drop the copies nothing else holds; how many were dropped.
pub fn forget_unused() -> usize {
    let mut dropped = 0;
    for shard in TABLE.iter() {
        let mut set = shard.lock().unwrap_or_else(|e| e.into_inner());
        let before = set.len();
        set.retain(|a| Arc::strong_count(a) > 1);
        set.shrink_to_fit();
        dropped += before - set.len();
    }
    for shard in SPECS.iter() {
        let mut map = shard.lock().unwrap_or_else(|e| e.into_inner());
        for held in map.values_mut() {
            let before = held.len();
            held.retain(|a| Arc::strong_count(a) > 1);
            dropped += before - held.len();
        }
        map.retain(|_, held| !held.is_empty());
        map.shrink_to_fit();
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_one_copy_until_nothing_holds_it() {
        let text = "Back-off pulling image \"registry.example/intern-test:1\"";
        let a = intern(text.to_owned());
        let b = intern(text.to_owned());
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(&*a, text);
        let other = intern("another message for the intern test".to_owned());
        assert!(!Arc::ptr_eq(&a, &other));
        drop((a, b, other));
        forget_unused();
        // Gone from the table: the next one is a new copy, equal in text.
        let c = intern(text.to_owned());
        assert_eq!(Arc::strong_count(&c), 2);
    }
}
