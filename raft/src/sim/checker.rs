//! Raft's safety properties (Figure 3), checked after every simulated event:
//! election safety, leader append-only, log matching, leader completeness and state
//! machine safety. Checks are incremental: each looks only at what the last event changed.

use super::rng::Fnv;
use crate::core::{NodeEvent, NodeId, Raft, Role};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// A broken safety property, with the nodes, terms and indices involved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub property: &'static str,
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} violated: {}", self.property, self.detail)
    }
}

fn violation(property: &'static str, detail: String) -> Result<(), Violation> {
    Err(Violation { property, detail })
}

#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// Election safety: the one leader of each term seen so far.
    leader_of_term: BTreeMap<u64, NodeId>,
    /// Leader append-only: (term, last index, term at last index) of each current leader.
    leader_tail: Vec<Option<(u64, u64, u64)>>,
    /// Log matching: for every (index, term) seen in any log, the command digest and the term
    /// of the entry before it. Two logs holding (index, term) then agree on the entry and,
    /// by induction, on the whole prefix.
    entries: BTreeMap<(u64, u64), (u64, u64)>,
    /// Leader completeness: for each committed index the checker saw as an entry, the entry's
    /// term and the term it was committed in (as first seen: the committing node's current
    /// term, never below the true one). Indices committed inside a snapshot it never saw
    /// are absent.
    committed: BTreeMap<u64, (u64, u64)>,
    /// commitIndex of each node at the last check.
    commit_seen: Vec<u64>,
    /// State machine safety: digest of the command applied at each index.
    applied: BTreeMap<u64, u64>,
}

impl Checker {
    pub fn new(nodes: usize) -> Checker {
        Checker {
            leader_tail: alloc::vec![None; nodes],
            commit_seen: alloc::vec![0; nodes],
            ..Checker::default()
        }
    }

    /// A node (re)started from its persisted state: it has applied nothing yet.
    pub fn on_restart(&mut self, node: NodeId, raft: &Raft) {
        self.leader_tail[node] = None;
        self.commit_seen[node] = raft.commit_index();
    }

    /// A node crashed.
    pub fn on_crash(&mut self, node: NodeId) {
        self.leader_tail[node] = None;
    }

    /// Check `raft` after it handled an event, given what its Ready reported.
    pub fn after_step(
        &mut self,
        raft: &Raft,
        log_changed_from: Option<u64>,
        events: &[NodeEvent],
    ) -> Result<(), Violation> {
        let node = raft.id();
        if let Some(from) = log_changed_from {
            self.check_log_matching(raft, from)?;
        }
        self.check_commits(raft)?;
        if raft.role() == Role::Leader {
            self.check_election_safety(raft)?;
            if events
                .iter()
                .any(|e| matches!(e, NodeEvent::BecameLeader { .. }))
            {
                self.leader_tail[node] = None;
                self.check_leader_completeness(raft)?;
            }
            self.check_append_only(raft)?;
        } else {
            self.leader_tail[node] = None;
        }
        Ok(())
    }

    /// State machine safety: no two nodes apply different commands at one index.
    pub fn on_apply(&mut self, node: NodeId, index: u64, command: &[u8]) -> Result<(), Violation> {
        let digest = Fnv::of(command);
        match self.applied.get(&index) {
            Some(&d) if d != digest => violation(
                "state machine safety",
                format!(
                    "S{} applied a different command at index {index} than another server did",
                    node + 1
                ),
            ),
            _ => {
                self.applied.insert(index, digest);
                Ok(())
            }
        }
    }

    fn check_election_safety(&mut self, raft: &Raft) -> Result<(), Violation> {
        let (term, node) = (raft.current_term(), raft.id());
        match self.leader_of_term.get(&term) {
            Some(&other) if other != node => violation(
                "election safety",
                format!(
                    "S{} and S{} were both leader in term {term}",
                    other + 1,
                    node + 1
                ),
            ),
            _ => {
                self.leader_of_term.insert(term, node);
                Ok(())
            }
        }
    }

    fn check_append_only(&mut self, raft: &Raft) -> Result<(), Violation> {
        let log = raft.log();
        let term = raft.current_term();
        if let Some((t, last, last_term)) = self.leader_tail[raft.id()] {
            if t == term
                && last > log.snapshot_index()
                && (last > log.last_index() || log.term_at(last) != Some(last_term))
            {
                return violation(
                    "leader append-only",
                    format!("leader S{} of term {term} lost or overwrote its entry {last} (term {last_term})", raft.id() + 1),
                );
            }
        }
        self.leader_tail[raft.id()] = Some((term, log.last_index(), log.last_term()));
        Ok(())
    }

    fn check_log_matching(&mut self, raft: &Raft, from: u64) -> Result<(), Violation> {
        let log = raft.log();
        for index in from.max(log.first_index())..=log.last_index() {
            let entry = log.entry(index).expect("held");
            let prev_term = log.term_at(index - 1).unwrap_or(0);
            let seen = (Fnv::of(&entry.command), prev_term);
            match self.entries.get(&(index, entry.term)) {
                Some(&(digest, prev)) if (digest, prev) != seen => {
                    let what = if digest != seen.0 {
                        "a different command"
                    } else {
                        "a different previous entry"
                    };
                    return violation(
                        "log matching",
                        format!(
                            "S{} holds entry {index} of term {} with {what} than another server",
                            raft.id() + 1,
                            entry.term
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    self.entries.insert((index, entry.term), seen);
                }
            }
        }
        Ok(())
    }

    /// Committed entries never change: every node's newly committed entries agree with
    /// what was committed before, and extend the record.
    fn check_commits(&mut self, raft: &Raft) -> Result<(), Violation> {
        let node = raft.id();
        let (seen, commit) = (self.commit_seen[node], raft.commit_index());
        if commit <= seen {
            self.commit_seen[node] = commit;
            return Ok(());
        }
        self.commit_seen[node] = commit;
        for index in (seen + 1).max(raft.log().snapshot_index())..=commit {
            let Some(term) = raft.log().term_at(index) else {
                continue;
            };
            let (slot, _) = self
                .committed
                .entry(index)
                .or_insert((term, raft.current_term()));
            if *slot != term {
                return violation(
                    "state machine safety",
                    format!("S{} committed index {index} with term {term}, but term {} was committed there before", node + 1, *slot),
                );
            }
        }
        Ok(())
    }

    /// A new leader holds every entry committed in an earlier term. (A leader of an old term
    /// can still be elected late, by delayed votes, after a higher term committed entries.)
    fn check_leader_completeness(&self, raft: &Raft) -> Result<(), Violation> {
        let log = raft.log();
        let leader_term = raft.current_term();
        let earlier = self
            .committed
            .range(log.snapshot_index()..)
            .filter(|(_, &(_, committed_in))| committed_in < leader_term);
        for (&index, &(term, _)) in earlier {
            if log.term_at(index) != Some(term) {
                return violation(
                    "leader completeness",
                    format!(
                        "S{} became leader of term {} without committed entry {index} (term {term})",
                        raft.id() + 1,
                        raft.current_term()
                    ),
                );
            }
        }
        Ok(())
    }
}
