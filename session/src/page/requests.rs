//! The client requests accepted from this page, as data: each with the leader that took it,
//! its index and term and when (at most `REQUESTS_TRACKED_MAX`). What became of each at the
//! moment shown is a view (`view::requests`).

use alloc::collections::VecDeque;
use alloc::string::String;
use core::cell::Cell;
use raftlab::core::NodeId;

/// The most requests tracked; when full, the oldest goes (counted in `omitted`).
pub const REQUESTS_TRACKED_MAX: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestStatus {
    /// Not yet committed at its index, nor replaced there by a committed entry.
    Pending,
    /// Its entry (its index, its term) is committed.
    Committed,
    /// Another entry was committed at its index: the request is lost.
    Lost,
}

impl RequestStatus {
    pub fn name(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Committed => "committed",
            RequestStatus::Lost => "lost",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Tracked {
    /// The leader that took it (0-based).
    pub(crate) leader: NodeId,
    pub(crate) command: String,
    pub(crate) index: u64,
    pub(crate) term: u64,
    pub(crate) at_ms: u64,
    /// The last status read while some node still held the entry's index; used once every
    /// node that committed it has compacted it into a snapshot (its term no longer known).
    pub(crate) settled: Cell<Option<RequestStatus>>,
}

/// The requests accepted from this page, oldest first.
#[derive(Clone, Debug, Default)]
pub struct RequestTracker {
    pub(crate) list: VecDeque<Tracked>,
    pub(crate) omitted: u64,
}

impl RequestTracker {
    /// Track a request `leader` took at `index` in `term`, at virtual ms `at_ms`.
    pub fn track(&mut self, leader: NodeId, command: String, index: u64, term: u64, at_ms: u64) {
        if self.list.len() == REQUESTS_TRACKED_MAX {
            self.list.pop_front();
            self.omitted += 1;
        }
        self.list.push_back(Tracked {
            leader,
            command,
            index,
            term,
            at_ms,
            settled: Cell::new(None),
        });
    }

    /// The run forked at `end_ms`: requests made after it were never made.
    pub fn forget_after(&mut self, end_ms: u64) {
        self.list.retain(|t| t.at_ms <= end_ms);
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
