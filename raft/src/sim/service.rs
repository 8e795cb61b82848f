//! The simulator's own service: a tiny state machine each node applies commands to, and
//! snapshots every `snapshot_every` commands (the page's cluster uses it; the lab harness
//! runs 6.5840's appliers instead).

use super::rng::Fnv;
use crate::kv::Store;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The applied state: how many commands, and a digest of all of them in order.
///
/// Invariant: two nodes that applied the same prefix of the log have equal `count` and
/// `digest` (state machine safety makes them agree).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateMachine {
    pub last_applied: u64,
    pub count: u64,
    pub digest: u64,
}

impl StateMachine {
    pub fn apply(&mut self, index: u64, command: &[u8]) {
        self.last_applied = index;
        self.count += 1;
        self.digest = Fnv(self.digest ^ Fnv::default().0)
            .u64(index)
            .bytes(command)
            .0;
    }

    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("encoding into a Vec cannot fail")
    }

    /// An empty snapshot is the empty state; anything else must decode.
    pub fn decode(bytes: &[u8]) -> Result<StateMachine, postcard::Error> {
        Ok(StateMachine::decode_with_store(bytes)?.0)
    }

    /// A node's whole snapshot: this state's encoding, then, only when `store` is not empty,
    /// the key/value store's own snapshot (so runs without key/value clients keep their
    /// bytes exactly).
    pub fn snapshot(&self, store: &Store) -> Vec<u8> {
        let mut bytes = self.encode();
        if !store.is_empty() {
            bytes.extend(store.snapshot());
        }
        bytes
    }

    /// The state and the key/value store a snapshot holds (`snapshot`'s inverse). The state
    /// must decode; bytes after it that are not a store's snapshot (a caller's own snapshot,
    /// as the lab harness takes) leave the store empty.
    pub fn decode_with_store(bytes: &[u8]) -> Result<(StateMachine, Store), postcard::Error> {
        if bytes.is_empty() {
            return Ok((StateMachine::default(), Store::new()));
        }
        let (state, rest) = postcard::take_from_bytes(bytes)?;
        let store = if rest.is_empty() {
            Store::new()
        } else {
            Store::restore(rest).unwrap_or_default()
        };
        Ok((state, store))
    }
}
