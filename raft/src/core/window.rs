//! Flow control of replication (etcd raft's `Inflights` and `MaxInflightMsgs`): a leader keeps
//! at most `Timing::append_entries_in_flight_max` AppendEntries that carry entries unanswered
//! per follower. While a follower's window is full, new entries wait in the log; a reply
//! (success or rejection) frees slots, and the next message carries up to
//! `ENTRIES_PER_MESSAGE_MAX` of them. A batch of N commands thus reaches a follower in about
//! N / 64 messages rather than N, and pipelined requests rarely overtake one another.
//!
//! Heartbeats carry no entries and take no slot; they keep prevLogIndex = nextIndex - 1, so a
//! heartbeat is also a probe: its success says everything sent has arrived (every slot is
//! freed), its rejection ("log too short") says a message was lost, and the usual backup
//! resends from the follower's log end. A lost message in a full window is thus recovered
//! within a heartbeat interval or two, as before the cap.

use alloc::collections::VecDeque;

/// The default cap, chosen by measurement (README, "Performance"): with 2 the bench's batch
/// cells gain most (a follower persists one message while the next is on the wire), and the
/// Lab 3 suite and the sweep run no slower than with more.
pub const APPEND_ENTRIES_IN_FLIGHT_MAX: u32 = 2;

/// The largest cap a configuration may ask for (each slot is one `u64` per follower).
pub const APPEND_ENTRIES_IN_FLIGHT_MAX_LIMIT: u32 = 1024;

/// One follower's window: the last index carried by each entry-carrying AppendEntries not yet
/// answered, oldest first.
#[derive(Clone, Debug, Default)]
pub(super) struct Window {
    /// Invariant: `ends.len() <= cap` (the configured `append_entries_in_flight_max`), and
    /// `ends` strictly increasing, every end below the follower's nextIndex. Asserted in
    /// `sent`; nothing is recorded when there is no cap.
    ends: VecDeque<u64>,
    /// After a rejection, until a success: one message at a time (etcd's probe state), so a
    /// wrong backup guess costs one rejection, not a window of them.
    probing: bool,
}

impl Window {
    /// A new leader's window: empty, probing until the follower's first success.
    pub(super) fn new() -> Window {
        Window {
            ends: VecDeque::new(),
            probing: true,
        }
    }

    /// True when another entry-carrying message may be sent under `cap` (None: no cap).
    pub(super) fn has_room(&self, cap: Option<u32>) -> bool {
        match cap {
            None => true,
            Some(_) if self.probing => self.ends.is_empty(),
            Some(cap) => self.ends.len() < cap as usize,
        }
    }

    /// An AppendEntries carrying entries through `last` was sent.
    pub(super) fn sent(&mut self, last: u64, cap: Option<u32>) {
        let Some(cap) = cap else { return };
        assert!(
            self.ends.back().is_none_or(|&end| end < last),
            "in-flight ends must increase: {:?} then {last}",
            self.ends
        );
        self.ends.push_back(last);
        assert!(
            self.ends.len() <= cap as usize,
            "{} AppendEntries in flight, more than the cap of {cap}",
            self.ends.len()
        );
    }

    /// A success reply: the follower holds the leader's entries through `match_index`, so
    /// every message that carried no more than that is answered.
    pub(super) fn acknowledged(&mut self, match_index: u64) {
        while self.ends.front().is_some_and(|&end| end <= match_index) {
            self.ends.pop_front();
        }
        self.probing = false;
    }

    /// A rejection acted on: what is in flight is superseded by the backup that follows.
    pub(super) fn rejected(&mut self) {
        self.ends.clear();
        self.probing = true;
    }

    /// Entry-carrying messages counted in flight.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }
}
