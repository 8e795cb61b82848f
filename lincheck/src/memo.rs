//! Lowe's memoisation: the (linearized set, model state) pairs the search has been in.
//!
//! The search only ever adds an operation to the linearized set when the pair it reaches is
//! new; a pair seen before was explored to the end already (a pair on the current path
//! cannot come back: the set only grows along a path). So a repeat is a dead end.

use crate::bitset::{mix64, Bitset};
use alloc::vec::Vec;
use core::hash::{Hash, Hasher};
use core::mem::size_of;
use hashbrown::HashTable;

/// The memo's default size limit in bytes: its bitsets, its table's slots (counted at twice an
/// entry, for the table's spare capacity) and the heap bytes of the states it keeps
/// (`Model::state_heap_bytes`). When it is reached the search goes on without
/// memoising new pairs (still correct, possibly slower) and the report says so.
pub const MEMO_BYTES_MAX: usize = 1 << 30;

struct Entry<S> {
    hash: u64,
    // Invariant: the linearized set is `words[at * words_per..(at + 1) * words_per]`.
    at: usize,
    state: S,
}

pub(crate) struct Memo<S> {
    table: HashTable<Entry<S>>,
    words: Vec<u64>,
    words_per: usize,
    bytes: usize,
    bytes_max: usize,
    // Invariant: once true, nothing more is inserted.
    pub(crate) full: bool,
}

/// FxHash's word step: enough for hashing states, deterministic, no_std.
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u8(&mut self, b: u8) {
        self.write_u64(b as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn hash_pair<S: Hash>(linearized: &Bitset, state: &S) -> u64 {
    let mut h = FxHasher(0);
    state.hash(&mut h);
    mix64(h.finish() ^ linearized.hash())
}

impl<S: Clone + Eq + Hash> Memo<S> {
    pub(crate) fn new(words_per: usize, bytes_max: usize) -> Self {
        Memo {
            table: HashTable::new(),
            words: Vec::new(),
            words_per,
            bytes: 0,
            bytes_max,
            full: false,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// Record (linearized, state); false if it was there already. `state_heap_bytes`: what a
    /// copy of `state` holds on the heap (counted against the limit).
    pub(crate) fn insert_if_new(
        &mut self,
        linearized: &Bitset,
        state: &S,
        state_heap_bytes: usize,
    ) -> bool {
        let hash = hash_pair(linearized, state);
        let words_per = self.words_per;
        let bits = linearized.words();
        debug_assert_eq!(bits.len(), words_per);
        let words = &self.words;
        let seen = self
            .table
            .find(hash, |e| {
                e.hash == hash
                    && &words[e.at * words_per..(e.at + 1) * words_per] == bits
                    && e.state == *state
            })
            .is_some();
        if seen {
            return false;
        }
        if self.full {
            return true;
        }
        let cost = (words_per * size_of::<u64>())
            .saturating_add(2 * (size_of::<Entry<S>>() + 1))
            .saturating_add(state_heap_bytes);
        if self.bytes.saturating_add(cost) > self.bytes_max {
            self.full = true;
            return true;
        }
        self.bytes += cost;
        let at = self.words.len() / words_per;
        self.words.extend_from_slice(bits);
        self.table.insert_unique(
            hash,
            Entry {
                hash,
                at,
                state: state.clone(),
            },
            |e| e.hash,
        );
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_is_new_once_and_a_full_memo_stops_remembering() {
        let mut set = Bitset::new(10);
        let mut memo: Memo<u32> = Memo::new(1, MEMO_BYTES_MAX);
        set.set(3);
        assert!(memo.insert_if_new(&set, &7, 0));
        assert!(!memo.insert_if_new(&set, &7, 0));
        assert!(
            memo.insert_if_new(&set, &8, 0),
            "same set, other state: new"
        );
        set.set(4);
        assert!(
            memo.insert_if_new(&set, &7, 0),
            "other set, same state: new"
        );
        assert_eq!(memo.len(), 3);

        let one = size_of::<u64>() + 2 * (size_of::<Entry<u32>>() + 1);
        let mut small: Memo<u32> = Memo::new(1, one);
        assert!(small.insert_if_new(&set, &1, 0));
        assert!(!small.full);
        assert!(small.insert_if_new(&set, &2, 0));
        assert!(small.full);
        assert!(small.insert_if_new(&set, &2, 0), "not remembered once full");
        assert!(
            !small.insert_if_new(&set, &1, 0),
            "what it had is still there"
        );
    }

    #[test]
    fn the_states_heap_bytes_count_against_the_limit() {
        // Long states (an append-heavy key's value) fill the memo in far fewer entries: the
        // limit bounds what the memo really holds, not just its table.
        let set = Bitset::new(10);
        let per_entry = size_of::<u64>() + 2 * (size_of::<Entry<u32>>() + 1);
        let mut memo: Memo<u32> = Memo::new(1, 10 * per_entry + 10 * 1000);
        let mut inserted = 0;
        for state in 0..100u32 {
            memo.insert_if_new(&set, &state, 1000);
            if !memo.full {
                inserted += 1;
            }
        }
        assert_eq!(inserted, 10, "ten entries of 1000 heap bytes each fill it");
        assert_eq!(memo.len(), 10);
    }
}
