//! Persistent state (Figure 2: currentTerm, votedFor, log[]; §7: the snapshot's metadata),
//! encoded with postcard, and the persister with 6.5840's semantics.

use super::log::Log;
use super::message::NodeId;
use super::{INDEX_MAX, TERM_MAX};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
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

    /// The state a node of a `peers`-node cluster restarts from: empty bytes are a first
    /// boot (the default state); anything else must decode and pass `validate`.
    pub fn restore(bytes: &[u8], peers: usize) -> Result<PersistentState, RestoreError> {
        if bytes.is_empty() {
            return Ok(PersistentState::default());
        }
        let state = PersistentState::decode(bytes).map_err(RestoreError::Decode)?;
        state.validate(peers).map_err(RestoreError::Invalid)?;
        Ok(state)
    }

    /// Ok when this state can be what a node of a `peers`-node cluster saved: the rules below
    /// are the invariants `Raft` keeps (see `Log`), so a node restored from a state that
    /// passes never overflows an index or a term, and never panics on it.
    ///
    /// Checked in this order (the first broken rule is reported):
    /// - currentTerm is at most `TERM_MAX`;
    /// - votedFor, if any, is a node (`0..peers`), and votes are cast in term 1 or later;
    /// - lastIncludedIndex, and the last log index (lastIncludedIndex + entries), are at most
    ///   `INDEX_MAX`;
    /// - lastIncludedTerm is 0 exactly when lastIncludedIndex is 0, and is at most currentTerm;
    /// - every entry's term is at least 1, at least lastIncludedTerm and the previous entry's
    ///   term (terms never decrease along the log), and at most currentTerm.
    pub fn validate(&self, peers: usize) -> Result<(), InvalidState> {
        let current_term = self.current_term;
        if current_term > TERM_MAX {
            return Err(InvalidState::TermOutOfRange { current_term });
        }
        if let Some(voted_for) = self.voted_for {
            if voted_for >= peers {
                return Err(InvalidState::VoteOutOfRange { voted_for, peers });
            }
            if current_term == 0 {
                return Err(InvalidState::VoteInTermZero { voted_for });
            }
        }
        let log = &self.log;
        let (snapshot_index, snapshot_term) = (log.snapshot_index(), log.snapshot_term());
        let entries = log.entries();
        let last_index = u64::try_from(entries.len())
            .ok()
            .and_then(|n| snapshot_index.checked_add(n));
        if last_index.is_none_or(|last| last > INDEX_MAX) {
            return Err(InvalidState::IndexOutOfRange {
                snapshot_index,
                entries: entries.len(),
            });
        }
        if (snapshot_index == 0) != (snapshot_term == 0) {
            return Err(InvalidState::SnapshotMetadata {
                snapshot_index,
                snapshot_term,
            });
        }
        if snapshot_term > current_term {
            return Err(InvalidState::SnapshotTermAfterCurrentTerm {
                snapshot_term,
                current_term,
            });
        }
        let mut previous = snapshot_term;
        for (index, entry) in (snapshot_index + 1..).zip(entries) {
            let term = entry.term;
            if term == 0 {
                return Err(InvalidState::EntryTermZero { index });
            }
            if term < previous {
                return Err(InvalidState::TermGoesBack {
                    index,
                    term,
                    previous,
                    after_snapshot: index == snapshot_index + 1,
                });
            }
            if term > current_term {
                return Err(InvalidState::EntryTermAfterCurrentTerm {
                    index,
                    term,
                    current_term,
                });
            }
            previous = term;
        }
        Ok(())
    }
}

/// Why a stored raft state cannot be restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RestoreError {
    /// The bytes are not an encoded `PersistentState`.
    Decode(postcard::Error),
    /// They are, but no node could have saved it.
    Invalid(InvalidState),
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RestoreError::Decode(e) => write!(f, "it does not decode: {e}"),
            RestoreError::Invalid(e) => write!(f, "it is invalid: {e}"),
        }
    }
}

/// The rule of `PersistentState::validate` a state breaks, with the values that break it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidState {
    TermOutOfRange {
        current_term: u64,
    },
    VoteOutOfRange {
        voted_for: NodeId,
        peers: usize,
    },
    VoteInTermZero {
        voted_for: NodeId,
    },
    /// lastIncludedIndex + entries passes `INDEX_MAX` (or u64).
    IndexOutOfRange {
        snapshot_index: u64,
        entries: usize,
    },
    /// One of lastIncludedIndex and lastIncludedTerm is 0, the other is not.
    SnapshotMetadata {
        snapshot_index: u64,
        snapshot_term: u64,
    },
    SnapshotTermAfterCurrentTerm {
        snapshot_term: u64,
        current_term: u64,
    },
    EntryTermZero {
        index: u64,
    },
    /// The entry at `index` has a lower term than the one before it (`previous`: the
    /// snapshot's lastIncludedTerm when `after_snapshot`).
    TermGoesBack {
        index: u64,
        term: u64,
        previous: u64,
        after_snapshot: bool,
    },
    EntryTermAfterCurrentTerm {
        index: u64,
        term: u64,
        current_term: u64,
    },
}

impl fmt::Display for InvalidState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            InvalidState::TermOutOfRange { current_term } => write!(
                f,
                "currentTerm {current_term} is out of range (at most {TERM_MAX})"
            ),
            InvalidState::VoteOutOfRange { voted_for, peers } => write!(
                f,
                "votedFor {voted_for} is not a node of the cluster (0-based, 0..{peers})"
            ),
            InvalidState::VoteInTermZero { voted_for } => write!(
                f,
                "votedFor {voted_for} in term 0 (votes are cast in term 1 or later)"
            ),
            InvalidState::IndexOutOfRange {
                snapshot_index,
                entries,
            } => write!(
                f,
                "its log index is out of range: lastIncludedIndex {snapshot_index} + {entries} entries passes index {INDEX_MAX}"
            ),
            InvalidState::SnapshotMetadata {
                snapshot_index,
                snapshot_term,
            } => write!(
                f,
                "lastIncludedIndex {snapshot_index} with lastIncludedTerm {snapshot_term} (a snapshot has a term exactly when it covers an index)"
            ),
            InvalidState::SnapshotTermAfterCurrentTerm {
                snapshot_term,
                current_term,
            } => write!(
                f,
                "lastIncludedTerm {snapshot_term} is after currentTerm {current_term}"
            ),
            InvalidState::EntryTermZero { index } => {
                write!(f, "the entry at index {index} has term 0")
            }
            InvalidState::TermGoesBack {
                index,
                term,
                previous,
                after_snapshot,
            } => {
                let before = if after_snapshot {
                    "lastIncludedTerm"
                } else {
                    "the entry before it"
                };
                write!(
                    f,
                    "the log goes back in term at index {index} (term {term}, after {before}'s term {previous})"
                )
            }
            InvalidState::EntryTermAfterCurrentTerm {
                index,
                term,
                current_term,
            } => write!(
                f,
                "the entry at index {index} has term {term}, after currentTerm {current_term}"
            ),
        }
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
