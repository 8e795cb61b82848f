//! The set of linearized operations of one partition, with an incrementally kept hash.

use alloc::vec;
use alloc::vec::Vec;

/// A bitset over `0..n` and a Zobrist hash of its members (xor of one fixed random word per
/// member), so setting or clearing a bit updates the hash in O(1).
pub(crate) struct Bitset {
    // Invariant: `hash == xor of zobrist(i) for every set bit i`.
    words: Vec<u64>,
    hash: u64,
}

/// SplitMix64's finaliser: a fixed, well-mixed word per integer.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn zobrist(i: usize) -> u64 {
    mix64(i as u64 ^ 0x5851_f42d_4c95_7f2d)
}

impl Bitset {
    pub(crate) fn new(n: usize) -> Self {
        Bitset {
            words: vec![0; n.div_ceil(64).max(1)],
            hash: 0,
        }
    }

    pub(crate) fn set(&mut self, i: usize) {
        debug_assert!(!self.contains(i));
        self.words[i / 64] |= 1 << (i % 64);
        self.hash ^= zobrist(i);
    }

    pub(crate) fn clear(&mut self, i: usize) {
        debug_assert!(self.contains(i));
        self.words[i / 64] &= !(1 << (i % 64));
        self.hash ^= zobrist(i);
    }

    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    pub(crate) fn words(&self) -> &[u64] {
        &self.words
    }

    pub(crate) fn hash(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_only_on_the_members_not_the_order_they_came_in() {
        let mut a = Bitset::new(130);
        let mut b = Bitset::new(130);
        for i in [3, 64, 129, 7] {
            a.set(i);
        }
        for i in [129, 7, 3, 64, 100] {
            b.set(i);
        }
        assert_ne!(a.hash(), b.hash());
        b.clear(100);
        assert_eq!(a.hash(), b.hash());
        assert_eq!(a.words(), b.words());
        assert!(a.contains(129) && !a.contains(128));
    }
}
