//! Sets of the model's stores: what an analysis reads, what changed.

use super::StoredKind;

/// A set of [`StoredKind`]s: what an analysis reads, what changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct KindSet(u64);

impl KindSet {
    pub const EMPTY: KindSet = KindSet(0);
    /// Every kind, those without a typed model included.
    pub const ALL: KindSet = KindSet(u64::MAX);
    /// The `status` of pods, apart from the rest of them: the kubelet
    /// updates it far more often than anything else. [`StoredKind::Pod`]
    /// stands for the pods' metadata and spec, and for pods coming and
    /// going; a reader of the pods' status lists both.
    pub const POD_STATUS: KindSet = KindSet(1 << 63);
    /// Within [`KindSet::POD_STATUS`]: some pod's `status.phase` changed, so
    /// it holds or frees its node's resources (a pod `Succeeded` or
    /// `Failed` holds none). Set with `POD_STATUS`, never alone.
    pub const POD_PHASE: KindSet = KindSet(1 << 62);

    pub const fn of(kinds: &[StoredKind]) -> KindSet {
        let mut bits = 0u64;
        let mut i = 0;
        while i < kinds.len() {
            bits |= 1 << (kinds[i] as u8);
            i += 1;
        }
        KindSet(bits)
    }

    pub const fn union(self, other: KindSet) -> KindSet {
        KindSet(self.0 | other.0)
    }

    pub const fn with(self, kinds: &[StoredKind]) -> KindSet {
        self.union(KindSet::of(kinds))
    }

    pub const fn intersects(self, other: KindSet) -> bool {
        self.0 & other.0 != 0
    }

    pub const fn contains(self, kind: StoredKind) -> bool {
        self.0 & (1 << (kind as u8)) != 0
    }

    pub fn insert(&mut self, kind: StoredKind) {
        self.0 |= 1 << (kind as u8);
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kinds in the set, in [`StoredKind::ALL`]'s order.
    pub fn iter(self) -> impl Iterator<Item = StoredKind> {
        StoredKind::ALL
            .iter()
            .copied()
            .filter(move |k| self.contains(*k))
    }
}

// The stores, the pods' status and their phase each have a bit of their own.
const _: () = assert!(StoredKind::ALL.len() < 62);
