//! A small multiplicative hasher for the engine's integer keys.
//!
//! The memo tables are keyed by node ids (small integers); SipHash (std's default) costs
//! more than the lookups it protects. This is the rustc "Fx" mix, written out here so the
//! crate needs no extra dependency for it.

use std::hash::{BuildHasherDefault, Hash, Hasher};

use hashbrown::HashTable;

#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            for (d, s) in buf.iter_mut().zip(chunk) {
                *d = *s;
            }
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

pub type FxBuild = BuildHasherDefault<FxHasher>;
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, FxBuild>;
pub type FxHashSet<K> = std::collections::HashSet<K, FxBuild>;

/// A map from slices to values whose keys lie end to end in one arena, looked up by
/// slice: the searches that remember tens of thousands of states (the counting sweep,
/// the walks past other rules) allocated and freed a boxed key for each, a fifth of
/// the analysis of 200 rules in the sweep's case.
pub struct SliceMap<K, V> {
    keys: Vec<K>,
    /// Per entry: the hash of its key, where the key lies in `keys`, its value.
    table: HashTable<(u64, u32, u32, V)>,
}

impl<K, V> Default for SliceMap<K, V> {
    fn default() -> Self {
        SliceMap {
            keys: Vec::new(),
            table: HashTable::new(),
        }
    }
}

impl<K: Hash + Eq + Copy, V: Copy> SliceMap<K, V> {
    /// The hash [`SliceMap::get`] and [`SliceMap::insert`] take, computed once for
    /// both when a miss is followed by an insert.
    pub fn hash(key: &[K]) -> u64 {
        let mut h = FxHasher::default();
        key.hash(&mut h);
        h.finish()
    }

    fn key(&self, start: u32, len: u32) -> &[K] {
        let start = start as usize;
        self.keys.get(start..start + len as usize).unwrap_or(&[])
    }

    /// The value of `key`, whose [`SliceMap::hash`] is `hash`.
    pub fn get(&self, hash: u64, key: &[K]) -> Option<V> {
        self.table
            .find(hash, |&(h, s, l, _)| h == hash && self.key(s, l) == key)
            .map(|e| e.3)
    }

    /// Remembers `value` for `key` (not yet in the map), whose [`SliceMap::hash`] is
    /// `hash`.
    pub fn insert(&mut self, hash: u64, key: &[K], value: V) {
        let (Ok(start), Ok(len)) = (u32::try_from(self.keys.len()), u32::try_from(key.len()))
        else {
            // Past 4 billion remembered elements: forget rather than wrap.
            return;
        };
        self.keys.extend_from_slice(key);
        self.table
            .insert_unique(hash, (hash, start, len, value), |e| e.0);
    }
}

#[cfg(test)]
mod tests {
    use super::SliceMap;

    #[test]
    fn slice_map_finds_each_key_by_its_slice() {
        let mut m: SliceMap<u32, bool> = SliceMap::default();
        let keys: [&[u32]; 4] = [&[1, 2, 3], &[1, 2], &[], &[3, 2, 1]];
        for (i, k) in keys.iter().enumerate() {
            let h = SliceMap::<u32, bool>::hash(k);
            assert_eq!(m.get(h, k), None);
            m.insert(h, k, i % 2 == 0);
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(m.get(SliceMap::<u32, bool>::hash(k), k), Some(i % 2 == 0));
        }
        assert_eq!(m.get(SliceMap::<u32, bool>::hash(&[2, 1]), &[2, 1]), None);
    }
}
