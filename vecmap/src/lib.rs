//! `VecMap`: an ordered map kept as one sorted `Vec` of (key, value) pairs.
//!
//! Why not `BTreeMap`: every `BTreeMap<K, V>` instantiation brings its own copy of the B-tree's
//! node code (insert with splits, remove with merges and steals, clone, drop: about 8 KiB of
//! wasm each). The page's wasm module had nine of them, about 80 KiB of its code, for maps
//! that hold a few dozen to a few thousand entries and are filled mostly in key order (message
//! ids, log indices, terms). A sorted `Vec` does the same work here with a binary search and a
//! `Vec::insert`, in far less code per instantiation (README, "Weight").
//!
//! Costs: `insert` and `remove` move the entries after the key (cheap when keys arrive in
//! ascending order, as they do for every map here); lookups are `O(log n)`; iteration is in
//! key order, like `BTreeMap`'s. Only what this workspace uses is provided.
//!
//! Its own crate (no_std + alloc) so that both the simulator (`raftlab`, as
//! `raftlab::vec_map`) and the key/value store (`raftlab-kv`, which `raftlab` depends on) use it.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::ops::{Bound, RangeBounds};

/// An ordered map on a sorted `Vec`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VecMap<K, V> {
    /// Invariant: keys strictly ascending (so each key at most once).
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap::new()
    }
}

impl<K, V> VecMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }

    /// Entries in the map.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the map holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The entry with the smallest key.
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    /// Removes and returns the entry with the smallest key.
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        if self.entries.is_empty() {
            None
        } else {
            Some(self.entries.remove(0))
        }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// Where `key` is (`Ok`) or would go (`Err`).
    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value at `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value at `key`, to change.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        match self.find(key) {
            Ok(i) => Some(&mut self.entries[i].1),
            Err(_) => None,
        }
    }

    /// True when the map has `key`.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; the value it replaces, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        // Keys mostly arrive in ascending order: check the end first.
        match self.entries.last() {
            None => {
                self.entries.push((key, value));
                None
            }
            Some((last, _)) if *last < key => {
                self.entries.push((key, value));
                None
            }
            _ => match self.find(&key) {
                Ok(i) => Some(core::mem::replace(&mut self.entries[i].1, value)),
                Err(i) => {
                    self.entries.insert(i, (key, value));
                    None
                }
            },
        }
    }

    /// Removes `key`; its value, if it was there.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        match self.find(key) {
            Ok(i) => Some(self.entries.remove(i).1),
            Err(_) => None,
        }
    }

    /// The entries with keys in `range`, in order (as `BTreeMap::range`).
    pub fn range<Q, R>(
        &self,
        range: R,
    ) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
        R: RangeBounds<Q>,
    {
        let start = match range.start_bound() {
            Bound::Included(k) => self.find(k).unwrap_or_else(|i| i),
            Bound::Excluded(k) => self.find(k).map_or_else(|i| i, |i| i + 1),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(k) => self.find(k).map_or_else(|i| i, |i| i + 1),
            Bound::Excluded(k) => self.find(k).unwrap_or_else(|i| i),
            Bound::Unbounded => self.entries.len(),
        };
        self.entries[start..end.max(start)]
            .iter()
            .map(|(k, v)| (k, v))
    }

    /// As `BTreeMap::split_off`: moves the entries with keys at least `key` into the map
    /// returned, leaving those below it.
    pub fn split_off<Q>(&mut self, key: &Q) -> Self
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let at = self.find(key).unwrap_or_else(|i| i);
        VecMap {
            entries: self.entries.split_off(at),
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = VecMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter =
        core::iter::Map<core::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// Serialized as a map, as `BTreeMap` is (so JSON and postcard forms are the same).
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for VecMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.entries.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de, K: serde::Deserialize<'de> + Ord, V: serde::Deserialize<'de>> serde::Deserialize<'de>
    for VecMap<K, V>
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<K, V>(core::marker::PhantomData<(K, V)>);
        impl<'de, K: serde::Deserialize<'de> + Ord, V: serde::Deserialize<'de>>
            serde::de::Visitor<'de> for Visitor<K, V>
        {
            type Value = VecMap<K, V>;
            fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = VecMap::new();
                while let Some((k, v)) = map.next_entry()? {
                    out.insert(k, v);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Visitor(core::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::VecMap;
    use alloc::collections::BTreeMap;
    use alloc::vec::Vec;

    /// A small deterministic PRNG (xorshift), so the sequence is the same on every run.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn a_vec_map_agrees_with_a_btree_map_on_random_inserts_removes_and_split_offs() {
        for seed in 1..=20u64 {
            let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut ours: VecMap<u64, u64> = VecMap::new();
            let mut theirs: BTreeMap<u64, u64> = BTreeMap::new();
            for step in 0..2_000u64 {
                let k = next(&mut s) % 64;
                match next(&mut s) % 10 {
                    0..=4 => assert_eq!(
                        ours.insert(k, step),
                        theirs.insert(k, step),
                        "seed {seed} step {step}"
                    ),
                    5..=6 => assert_eq!(
                        ours.remove(&k),
                        theirs.remove(&k),
                        "seed {seed} step {step}"
                    ),
                    7 => assert_eq!(
                        ours.pop_first(),
                        theirs.pop_first(),
                        "seed {seed} step {step}"
                    ),
                    8 => {
                        if let Some(v) = ours.get_mut(&k) {
                            *v += 1;
                        }
                        if let Some(v) = theirs.get_mut(&k) {
                            *v += 1;
                        }
                    }
                    _ => {
                        let a = ours.split_off(&k);
                        let b = theirs.split_off(&k);
                        assert!(
                            a.iter().eq(b.iter()),
                            "seed {seed} step {step}: split-off parts"
                        );
                        // Put the upper part back half the time, so the map does not only shrink.
                        if step % 2 == 0 {
                            for (k, v) in b {
                                ours.insert(k, v);
                                theirs.insert(k, v);
                            }
                        }
                    }
                }
                assert_eq!(ours.get(&k), theirs.get(&k), "seed {seed} step {step}");
                assert_eq!(ours.contains_key(&k), theirs.contains_key(&k));
                assert_eq!(ours.len(), theirs.len(), "seed {seed} step {step}");
                assert_eq!(ours.first_key_value(), theirs.first_key_value());
                let lo = next(&mut s) % 64;
                assert!(
                    ours.range(lo..).eq(theirs.range(lo..)),
                    "seed {seed} step {step}: range {lo}.."
                );
                assert!(ours.range(..lo).eq(theirs.range(..lo)));
                assert!(ours
                    .range(k.min(lo)..=k.max(lo))
                    .eq(theirs.range(k.min(lo)..=k.max(lo))));
            }
            assert!(
                ours.iter().eq(theirs.iter()),
                "seed {seed}: final contents, in order"
            );
            let keys: Vec<_> = ours.keys().copied().collect();
            assert!(
                keys.windows(2).all(|w| w[0] < w[1]),
                "seed {seed}: keys strictly ascending"
            );
        }
    }

    #[test]
    fn a_vec_map_serializes_as_a_map_like_a_btree_map() {
        let ours: VecMap<u64, u64> = [(3, 30), (1, 10), (2, 20)].into_iter().collect();
        let theirs: BTreeMap<u64, u64> = [(3, 30), (1, 10), (2, 20)].into_iter().collect();
        let a = postcard::to_allocvec(&ours).unwrap();
        assert_eq!(a, postcard::to_allocvec(&theirs).unwrap());
        let back: VecMap<u64, u64> = postcard::from_bytes(&a).unwrap();
        assert_eq!(back, ours);
    }
}
