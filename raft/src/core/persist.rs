//! Persistent state (Figure 2: currentTerm, votedFor, log[]; §7: the snapshot's metadata),
//! encoded with postcard, and the persister with 6.5840's semantics.

use super::log::{Entry, Log};
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

/// What changed on stable storage since the previous `Ready` (as etcd's Ready hands out a
/// HardState, entries from an index and a snapshot, never the whole log): the persister
/// applies it to what it holds (`Persister::update`), so a persist costs what changed, not
/// the log's length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersistUpdate {
    pub current_term: u64,
    /// What reaches the disk (a broken PersistVotedFor keeps it None).
    pub voted_for: Option<NodeId>,
    /// lastIncludedIndex / lastIncludedTerm of the snapshot.
    pub snapshot_index: u64,
    pub snapshot_term: u64,
    /// The stored log from `entries_from` on is replaced by `entries`; entries up to
    /// `snapshot_index` are dropped. Invariant: `entries_from > snapshot_index`.
    pub entries_from: u64,
    pub entries: Vec<Entry>,
    /// The service's snapshot, saved together with the rest (shared, never copied).
    pub snapshot: Arc<[u8]>,
}

/// Bytes of the longest header: postcard writes a u64 (and a usize, as serde hands it a u64)
/// as a varint of at most 10 bytes, an Option as a tag byte then the value.
const HEADER_LEN_MAX: usize = 10 + (1 + 10) + 10 + 10 + 10;

/// The header of the encoding: everything before the entries, in `PersistentState`'s
/// field order (postcard encodes a struct as its fields in order, a Vec as its length then
/// its items, a tuple as its items). Written into `buf` (no allocation per persist).
fn encode_header(
    current_term: u64,
    voted_for: Option<NodeId>,
    log: (u64, u64, usize),
    buf: &mut [u8; HEADER_LEN_MAX],
) -> &[u8] {
    let (snapshot_index, snapshot_term, entries) = log;
    let header = (
        current_term,
        voted_for,
        snapshot_index,
        snapshot_term,
        entries,
    );
    postcard::to_slice(&header, buf).expect("a header fits in HEADER_LEN_MAX bytes")
}

/// postcard's output appended to a Vec, each run of bytes (a command, a snapshot) copied as
/// one slice. postcard's own `to_extend` goes through `Extend<u8>` with a byte iterator: a
/// loop of one-byte loads and stores in wasm32 (no SIMD there to vectorise it), which was
/// a third of a 1 KiB command's persist in Chrome (README, "In Chrome").
struct Append<'a>(&'a mut Vec<u8>);

impl postcard::ser_flavors::Flavor for Append<'_> {
    type Output = ();

    fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
        self.0.push(byte);
        Ok(())
    }

    fn try_extend(&mut self, bytes: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// Where the parts of an encoded `PersistentState` lie in `Persister::raftstate`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Layout {
    /// Bytes before the first entry.
    header_len: usize,
    snapshot_index: u64,
    /// Invariant: `entry_ends[k]` is where the encoding of the held entry at index
    /// `snapshot_index + 1 + k` ends, counted from the end of the header; increasing.
    entry_ends: Vec<usize>,
}

/// 6.5840's Persister: the raft state and the snapshot, replaced together by `save` (or
/// brought up to date by `update`, with the same result).
///
/// The snapshot is shared (`Arc`); the raft state is owned, so a copy of a persister never
/// sees later saves to the original.
#[derive(Clone, Debug)]
pub struct Persister {
    /// Invariant: exactly the bytes a `save` of the same state would hold (the postcard
    /// encoding of `PersistentState`), also after any number of `update`s.
    raftstate: Vec<u8>,
    /// None when `raftstate` is not the canonical encoding of a state (bytes saved from
    /// outside); `update` then needs a full `save`.
    layout: Option<Layout>,
    snapshot: Arc<[u8]>,
}

impl Default for Persister {
    fn default() -> Persister {
        Persister {
            raftstate: Vec::new(),
            layout: Some(Layout::default()),
            snapshot: Arc::from(&[][..]),
        }
    }
}

impl PartialEq for Persister {
    fn eq(&self, other: &Persister) -> bool {
        self.raftstate == other.raftstate && self.snapshot == other.snapshot
    }
}
impl Eq for Persister {}

impl Persister {
    pub fn new() -> Persister {
        Persister::default()
    }

    /// Atomically replaces both the raft state and the snapshot.
    pub fn save(&mut self, raftstate: Arc<[u8]>, snapshot: Arc<[u8]>) {
        self.raftstate = raftstate.to_vec();
        self.layout = Layout::of(&self.raftstate);
        self.snapshot = snapshot;
    }

    /// Brings the stored state up to what `update` describes, as one atomic save: the raft
    /// state becomes the bytes a `save` of the whole new state would hold, at a cost that
    /// does not grow with the log (except when the header changes length, a move of the
    /// bytes). False, and nothing changed, when this persister does not hold a state `update`
    /// can apply to (bytes saved from outside that are not canonical, or entries missing
    /// before `entries_from`); the caller then saves the whole state.
    pub fn update(&mut self, update: &PersistUpdate) -> bool {
        let Some(layout) = self.layout.as_mut() else {
            return false;
        };
        let held_last = layout.snapshot_index + layout.entry_ends.len() as u64;
        if update.entries_from <= update.snapshot_index
            || update.entries_from > held_last.max(update.snapshot_index) + 1
            || update.snapshot_index < layout.snapshot_index
        {
            return false;
        }
        let body_start = layout.header_len;
        // Drop what the snapshot now covers.
        let dropped = usize::try_from(update.snapshot_index - layout.snapshot_index)
            .unwrap_or(usize::MAX)
            .min(layout.entry_ends.len());
        if dropped > 0 {
            let cut = layout.entry_ends[dropped - 1];
            self.raftstate.drain(body_start..body_start + cut);
            layout.entry_ends.drain(..dropped);
            for end in &mut layout.entry_ends {
                *end -= cut;
            }
        }
        // Replace from entries_from on.
        let keep = usize::try_from(update.entries_from - update.snapshot_index - 1)
            .unwrap_or(usize::MAX)
            .min(layout.entry_ends.len());
        let keep_bytes = keep.checked_sub(1).map_or(0, |k| layout.entry_ends[k]);
        self.raftstate.truncate(body_start + keep_bytes);
        layout.entry_ends.truncate(keep);
        for entry in &update.entries {
            postcard::serialize_with_flavor(entry, Append(&mut self.raftstate))
                .expect("encoding into a Vec cannot fail");
            layout.entry_ends.push(self.raftstate.len() - body_start);
        }
        // The header, last: its entry count is known now.
        let mut buf = [0; HEADER_LEN_MAX];
        let header = encode_header(
            update.current_term,
            update.voted_for,
            (
                update.snapshot_index,
                update.snapshot_term,
                layout.entry_ends.len(),
            ),
            &mut buf,
        );
        if header.len() == body_start {
            self.raftstate[..body_start].copy_from_slice(header);
        } else {
            self.raftstate.splice(..body_start, header.iter().copied());
        }
        layout.header_len = header.len();
        layout.snapshot_index = update.snapshot_index;
        self.snapshot = update.snapshot.clone();
        true
    }

    /// The stored raft state: the postcard encoding of a `PersistentState` (or, saved from
    /// outside, any bytes).
    pub fn raftstate(&self) -> &[u8] {
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

impl Layout {
    /// The layout of `bytes` when they are the canonical encoding of a state.
    fn of(bytes: &[u8]) -> Option<Layout> {
        if bytes.is_empty() {
            return Some(Layout::default());
        }
        let state = PersistentState::decode(bytes).ok()?;
        let log = &state.log;
        let mut buf = [0; HEADER_LEN_MAX];
        let header = encode_header(
            state.current_term,
            state.voted_for,
            (
                log.snapshot_index(),
                log.snapshot_term(),
                log.entries().len(),
            ),
            &mut buf,
        );
        // Non-canonical bytes (say, padded varints) decode too: only the canonical ones
        // can be updated in place.
        if state.encode() != bytes {
            return None;
        }
        let mut entry_ends = Vec::with_capacity(log.entries().len());
        let mut end = 0;
        for entry in log.entries() {
            end += postcard::experimental::serialized_size(entry).ok()?;
            entry_ends.push(end);
        }
        Some(Layout {
            header_len: header.len(),
            snapshot_index: log.snapshot_index(),
            entry_ends,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{encode_header, HEADER_LEN_MAX};

    #[test]
    fn the_longest_header_fills_header_len_max_exactly() {
        let mut buf = [0; HEADER_LEN_MAX];
        let longest = (u64::MAX, u64::MAX, usize::MAX);
        let header = encode_header(u64::MAX, Some(usize::MAX), longest, &mut buf);
        assert_eq!(header.len(), HEADER_LEN_MAX);
    }
}
