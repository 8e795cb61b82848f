//! Persistent state (Figure 2: currentTerm, votedFor, log[]; §7: the snapshot's metadata),
//! encoded with postcard, and the persister with 6.5840's semantics.

use super::log::Log;
use super::message::NodeId;
use alloc::sync::Arc;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// What a node must have on stable storage before it answers any RPC.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersistentState {
    pub current_term: u64,
    pub voted_for: Option<NodeId>,
    /// The log, with lastIncludedIndex / lastIncludedTerm of the snapshot.
    pub log: Log,
}

/// The same encoding as `PersistentState`, borrowing the log instead of copying it.
#[derive(Serialize)]
pub(crate) struct PersistentStateRef<'a> {
    pub current_term: u64,
    pub voted_for: Option<NodeId>,
    pub log: &'a Log,
}

impl PersistentStateRef<'_> {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("encoding into a Vec cannot fail")
    }
}

impl PersistentState {
    pub fn encode(&self) -> Vec<u8> {
        PersistentStateRef {
            current_term: self.current_term,
            voted_for: self.voted_for,
            log: &self.log,
        }
        .encode()
    }

    pub fn decode(bytes: &[u8]) -> Result<PersistentState, postcard::Error> {
        postcard::from_bytes(bytes)
    }
}

/// 6.5840's Persister: the raft state and the snapshot, replaced together by `save`.
///
/// Byte buffers are shared (`Arc`), so copying a persister is cheap, and a copy never sees
/// later saves to the original: `save` installs new buffers and never mutates in place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Persister {
    raftstate: Arc<[u8]>,
    snapshot: Arc<[u8]>,
}

impl Persister {
    pub fn new() -> Persister {
        Persister::default()
    }

    /// Atomically replaces both the raft state and the snapshot.
    pub fn save(&mut self, raftstate: Arc<[u8]>, snapshot: Arc<[u8]>) {
        self.raftstate = raftstate;
        self.snapshot = snapshot;
    }

    pub fn raftstate(&self) -> &Arc<[u8]> {
        &self.raftstate
    }

    pub fn snapshot(&self) -> &Arc<[u8]> {
        &self.snapshot
    }

    /// What MAXLOGSIZE limits.
    pub fn raftstate_size(&self) -> usize {
        self.raftstate.len()
    }

    pub fn snapshot_size(&self) -> usize {
        self.snapshot.len()
    }
}
