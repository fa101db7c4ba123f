//! One copy of text that many objects repeat.
//!
//! Event messages repeat: every replica of a Deployment that cannot pull
//! its image, every Pending pod the scheduler refuses for the same reason,
//! gets the same words, often a kilobyte of them. Decoded as they arrive,
//! each would be a string of its own; [`intern`] gives back the one shared
//! copy instead, and the decoded string is freed at once, so a large
//! snapshot never holds the repeats.
//!
//! The table is process-wide, sharded for parallel decoding. A copy no
//! object holds any more stays in it until [`forget_unused`], which a
//! long-running process (the agent) calls after each evaluation.

use rustc_hash::{FxBuildHasher, FxHashSet};
use std::hash::BuildHasher;
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
    if s.is_empty() {
        return Arc::from("");
    }
    let mut set = shard(&s).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(a) = set.get(s.as_str()) {
        return a.clone();
    }
    let a: Arc<str> = Arc::from(s);
    set.insert(a.clone());
    a
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
