//! The replicated log with its snapshot prefix (Figure 2's log[], §7's lastIncludedIndex).

use alloc::sync::Arc;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// One log entry. Its index is implicit: its position after the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Term in which the leader created the entry.
    pub term: u64,
    /// The client's command: opaque bytes, shared (not copied) by every message, log,
    /// apply and checkpoint that holds it. Encoded as a `Vec<u8>` would be.
    #[serde(with = "super::bytes")]
    pub command: Arc<[u8]>,
}

/// The log: a snapshot prefix (indices `1..=snapshot_index`, discarded) followed by `entries`.
///
/// Invariant: `entries[k]` has index `snapshot_index + 1 + k`.
/// Invariant: entry terms never decrease along the log, and none exceeds the node's currentTerm.
/// Invariant: `snapshot_term` is the term of the entry at `snapshot_index` (0 when it is 0).
/// Invariant: `snapshot_index + entries.len() <=` [`INDEX_MAX`](super::INDEX_MAX), so index
/// arithmetic never wraps. Entry terms are at least 1.
/// (`PersistentState::validate` checks all of these for a log read from storage.)
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Log {
    snapshot_index: u64,
    snapshot_term: u64,
    entries: Vec<Entry>,
}

impl Log {
    pub fn new(snapshot_index: u64, snapshot_term: u64, entries: Vec<Entry>) -> Log {
        Log {
            snapshot_index,
            snapshot_term,
            entries,
        }
    }

    /// lastIncludedIndex of the snapshot (0 when there is none).
    pub fn snapshot_index(&self) -> u64 {
        self.snapshot_index
    }

    /// lastIncludedTerm of the snapshot (0 when there is none).
    pub fn snapshot_term(&self) -> u64 {
        self.snapshot_term
    }

    /// The held entries, from `first_index()` on.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Index of the first entry still held (`snapshot_index + 1`).
    pub fn first_index(&self) -> u64 {
        self.snapshot_index + 1
    }

    pub fn last_index(&self) -> u64 {
        self.snapshot_index + self.entries.len() as u64
    }

    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(self.snapshot_term, |e| e.term)
    }

    /// Term of the entry at `index`: known for the snapshot's last entry and for held entries,
    /// None for compacted indices below it and for indices past the end.
    pub fn term_at(&self, index: u64) -> Option<u64> {
        if index == self.snapshot_index {
            Some(self.snapshot_term)
        } else {
            self.entry(index).map(|e| e.term)
        }
    }

    /// Position in `entries` of `index`, when `index` is above the snapshot. Indices past
    /// what a `usize` holds (on 32-bit targets) are past the end, never truncated.
    fn position(&self, index: u64) -> Option<usize> {
        if index <= self.snapshot_index {
            return None;
        }
        usize::try_from(index - self.snapshot_index - 1).ok()
    }

    /// The held entry at `index` (None when compacted or past the end).
    pub fn entry(&self, index: u64) -> Option<&Entry> {
        self.entries.get(self.position(index)?)
    }

    /// Held entries from `from` (clamped to the first held index) to the end.
    pub fn entries_from(&self, from: u64) -> &[Entry] {
        let start = self
            .position(from.max(self.first_index()))
            .map_or(self.entries.len(), |p| p.min(self.entries.len()));
        &self.entries[start..]
    }

    pub fn append(&mut self, entry: Entry) -> u64 {
        self.entries.push(entry);
        self.last_index()
    }

    /// Removes the entries at `index` and after. Precondition: `index > snapshot_index`.
    pub fn truncate_from(&mut self, index: u64) {
        assert!(index > self.snapshot_index, "truncating into the snapshot");
        if let Some(keep) = self.position(index) {
            self.entries.truncate(keep);
        }
    }

    /// First index of the run of entries with the same term as the entry at `index`,
    /// stopping at the first held index.
    pub fn first_index_of_term_at(&self, index: u64) -> u64 {
        let term = self.term_at(index);
        let mut i = index;
        while i > self.first_index() && self.term_at(i - 1) == term {
            i -= 1;
        }
        i
    }

    /// Last index whose entry has exactly `term`, if the log holds one.
    pub fn last_index_of_term(&self, term: u64) -> Option<u64> {
        let mut i = self.last_index();
        while i > self.snapshot_index {
            match self.term_at(i) {
                Some(t) if t == term => return Some(i),
                Some(t) if t < term => return None,
                _ => i -= 1,
            }
        }
        (self.snapshot_term == term && self.snapshot_index > 0).then_some(self.snapshot_index)
    }

    /// Discards entries up to and including `index`, which becomes the snapshot's last
    /// included entry with term `term`. Entries after `index` are kept when the log holds
    /// `index` with that same term (§7); otherwise the whole log is discarded.
    pub fn compact_to(&mut self, index: u64, term: u64) {
        if index <= self.snapshot_index {
            return;
        }
        if self.term_at(index) == Some(term) {
            let keep_from = self.position(index).expect("a held index") + 1;
            self.entries.drain(..keep_from);
        } else {
            self.entries.clear();
        }
        self.snapshot_index = index;
        self.snapshot_term = term;
    }

    /// Candidate's log is at least as up-to-date as this one (§5.4.1).
    pub fn is_up_to_date(&self, last_log_index: u64, last_log_term: u64) -> bool {
        let my_term = self.last_term();
        last_log_term > my_term || (last_log_term == my_term && last_log_index >= self.last_index())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn e(term: u64) -> Entry {
        Entry {
            term,
            command: vec![term as u8].into(),
        }
    }

    #[test]
    fn indices_follow_the_snapshot() {
        let mut log = Log::new(5, 2, vec![e(2), e(3)]);
        assert_eq!(log.first_index(), 6);
        assert_eq!(log.last_index(), 7);
        assert_eq!(log.term_at(5), Some(2));
        assert_eq!(log.term_at(4), None);
        assert_eq!(log.term_at(7), Some(3));
        assert_eq!(log.term_at(8), None);
        log.compact_to(6, 2);
        assert_eq!((log.snapshot_index(), log.last_index()), (6, 7));
        log.compact_to(9, 4);
        assert_eq!(
            (log.snapshot_index(), log.last_index(), log.last_term()),
            (9, 9, 4)
        );
    }

    #[test]
    fn term_runs_are_found_for_fast_backup() {
        let log = Log::new(0, 0, vec![e(1), e(1), e(2), e(2), e(2), e(4)]);
        assert_eq!(log.first_index_of_term_at(5), 3);
        assert_eq!(log.last_index_of_term(2), Some(5));
        assert_eq!(log.last_index_of_term(3), None);
        assert_eq!(log.entries_from(5).len(), 2);
    }

    #[test]
    fn a_term_run_starts_at_the_first_held_index_after_a_snapshot_of_that_term() {
        // Snapshot through index 4 (term 2); entries 5..=7 are terms 2, 2, 3.
        let log = Log::new(4, 2, vec![e(2), e(2), e(3)]);
        assert_eq!(log.first_index_of_term_at(6), 5, "not into the snapshot");
        assert_eq!(log.first_index_of_term_at(7), 7);
        assert_eq!(log.last_index_of_term(2), Some(6));
        assert_eq!(log.last_index_of_term(1), None);
        let compacted = Log::new(4, 2, Vec::new());
        assert_eq!(
            compacted.last_index_of_term(2),
            Some(4),
            "the snapshot's own term"
        );
    }

    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let log = Log::new(0, 0, vec![e(1), e(3)]);
        assert!(log.is_up_to_date(1, 4));
        assert!(log.is_up_to_date(2, 3));
        assert!(!log.is_up_to_date(1, 3));
        assert!(!log.is_up_to_date(9, 2));
    }
}
