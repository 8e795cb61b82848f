//! Raft's safety properties (Figure 3), checked after every simulated event: election
//! safety, leader append-only, log matching, leader completeness and state machine safety,
//! plus the bookkeeping they rest on (commitIndex never goes back, every node applies each
//! index once and in order, snapshots carry committed state).
//!
//! The checker trusts no node's word. An index counts as committed only when the checker
//! itself sees an entry of the committing leader's own term, at that index or above, stored
//! on a majority of servers (in their logs, or covered by their snapshots; a crashed server
//! counts with what its persister holds). A node that marks anything else committed, or
//! commits an entry that differs from the committed one, is reported.
//!
//! Checks are incremental: each looks only at what the last event changed. It keeps
//! checking after a violation and records up to `VIOLATIONS_MAX` of them.
//!
//! Memory: the tables cover only indices above the lowest snapshot of any server (live or
//! on disk), which no log can hold again, so they are bounded by the longest log the
//! simulation holds anyway.

use super::rng::Fnv;
use super::service::StateMachine;
use super::NodeSlot;
use crate::core::{ApplyMsg, Log, NodeEvent, NodeId, PersistentState, Raft, Role};
use crate::vec_map::VecMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Violations kept; more are counted in `violations_dropped`.
pub const VIOLATIONS_MAX: usize = 64;

/// Raft's five safety properties (Figure 3), and the one thing the simulator reports that is
/// not one: `Progress`, its livelock guard.
///
/// Every check of the checker names the property whose guarantee it breaks: commitIndex
/// going back, applying out of order or twice, applying or snapshotting what is not
/// committed, service states that differ: State Machine Safety; a commit that is not on a
/// majority (or counts replicas of an older term, §5.4.2), a server whose stored state is
/// lost: Leader Completeness (a later leader may lack the entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Property {
    ElectionSafety,
    LeaderAppendOnly,
    LogMatching,
    LeaderCompleteness,
    StateMachineSafety,
    /// Not a safety property: the simulator's livelock guard (`ACTIONS_PER_MS_MAX`).
    Progress,
}

impl Property {
    /// The five safety properties, in Figure 3's order (the page's monitors).
    pub const SAFETY: [Property; 5] = [
        Property::ElectionSafety,
        Property::LeaderAppendOnly,
        Property::LogMatching,
        Property::LeaderCompleteness,
        Property::StateMachineSafety,
    ];

    /// Stable id (the page's `data-property`).
    pub fn id(self) -> &'static str {
        match self {
            Property::ElectionSafety => "election-safety",
            Property::LeaderAppendOnly => "leader-append-only",
            Property::LogMatching => "log-matching",
            Property::LeaderCompleteness => "leader-completeness",
            Property::StateMachineSafety => "state-machine-safety",
            Property::Progress => "progress",
        }
    }

    /// The paper's name.
    pub fn name(self) -> &'static str {
        match self {
            Property::ElectionSafety => "Election Safety",
            Property::LeaderAppendOnly => "Leader Append-Only",
            Property::LogMatching => "Log Matching",
            Property::LeaderCompleteness => "Leader Completeness",
            Property::StateMachineSafety => "State Machine Safety",
            Property::Progress => "Progress",
        }
    }

    /// What the property guarantees, in Figure 3's words.
    pub fn guarantee(self) -> &'static str {
        match self {
            Property::ElectionSafety => "at most one leader can be elected in a given term",
            Property::LeaderAppendOnly => {
                "a leader never overwrites or deletes entries in its log; it only appends new entries"
            }
            Property::LogMatching => {
                "if two logs contain an entry with the same index and term, then the logs are identical in all entries up through the given index"
            }
            Property::LeaderCompleteness => {
                "if a log entry is committed in a given term, then that entry will be present in the logs of the leaders for all higher-numbered terms"
            }
            Property::StateMachineSafety => {
                "if a server has applied a log entry at a given index to its state machine, no other server will ever apply a different log entry for the same index"
            }
            Property::Progress => "virtual time keeps advancing (not a safety property)",
        }
    }

    /// False only for `Progress`.
    pub fn is_safety(self) -> bool {
        self != Property::Progress
    }

    pub fn from_id(id: &str) -> Option<Property> {
        Property::SAFETY
            .into_iter()
            .chain([Property::Progress])
            .find(|p| p.id() == id)
    }
}

/// A broken property: what broke in the paper's words, the nodes and log indices involved
/// (for highlighting) and the virtual time it was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub property: Property,
    pub detail: String,
    /// 0-based ids, the node that broke it first.
    pub nodes: Vec<NodeId>,
    pub indices: Vec<u64>,
    pub at_ms: u64,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} violated: {}", self.property.name(), self.detail)
    }
}

/// What a crashed server has on disk: its log (with the snapshot boundary) and its term.
#[derive(Clone, Debug)]
struct OnDisk {
    log: Log,
    term: u64,
}

/// What the checker recorded for an applied index.
#[derive(Clone, Copy, Debug)]
struct Applied {
    /// Digest of the command applied there.
    command: u64,
    /// The first server that applied it.
    by: NodeId,
    /// The simulation's own service right after applying it (None when the caller is the
    /// service, as in the lab harness).
    state: Option<StateMachine>,
}

#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// Election safety: the one leader of each term seen so far (terms below every
    /// server's current term are forgotten: no server can lead them any more).
    leader_of_term: VecMap<u64, NodeId>,
    /// Election safety: the (term, node) second leaders already reported, so each is reported
    /// once rather than after every event while it leads (pruned with `leader_of_term`).
    second_leaders: VecMap<(u64, NodeId), ()>,
    /// Leader append-only: (term, last index, term at last index) of each current leader.
    leader_tail: Vec<Option<(u64, u64, u64)>>,
    /// Log matching: for every (index, term) seen in any log, the command digest, the term
    /// of the entry before it and the first server seen holding it. Two logs holding
    /// (index, term) then agree on the entry and, by induction, on the whole prefix.
    entries: VecMap<(u64, u64), (u64, u64, NodeId)>,
    /// The checker's own record of committed entries: index -> (entry term, term of the
    /// leader whose majority committed it). Invariant: every index in
    /// `floor + 1 ..= committed_max` that the checker saw in a log is present.
    committed: VecMap<u64, (u64, u64)>,
    /// Highest index the checker saw committed by a majority in a leader's term.
    committed_max: u64,
    /// commitIndex of each node at the last check (restarts reset it).
    commit_seen: Vec<u64>,
    /// Last index each node handed to its service (restarts reset it to the snapshot).
    applied_seen: Vec<u64>,
    /// State machine safety: what was applied at each index.
    applied: VecMap<u64, Applied>,
    /// Crashed servers: what their persister holds.
    on_disk: Vec<Option<OnDisk>>,
    /// Every server (live or on disk) has a snapshot through at least this index.
    floor: u64,
    violations: Vec<Violation>,
    violations_dropped: u64,
    /// Virtual time of the event being checked (set by the simulation).
    now_ms: u64,
}

impl Checker {
    pub fn new(nodes: usize, now_ms: u64) -> Checker {
        Checker {
            now_ms,
            leader_tail: alloc::vec![None; nodes],
            commit_seen: alloc::vec![0; nodes],
            applied_seen: alloc::vec![0; nodes],
            on_disk: alloc::vec![None; nodes],
            ..Checker::default()
        }
    }

    /// Every violation found so far (the first `VIOLATIONS_MAX`).
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Violations found beyond `VIOLATIONS_MAX`.
    pub fn violations_dropped(&self) -> u64 {
        self.violations_dropped
    }

    /// The virtual time of the events checked from now on.
    pub fn set_time(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
    }

    /// Record the simulator's livelock guard tripping (not a safety property).
    pub fn report_stall(&mut self, detail: String) {
        self.report(Property::Progress, &[], &[], detail);
    }

    fn report(&mut self, property: Property, nodes: &[NodeId], indices: &[u64], detail: String) {
        if self.violations.len() < VIOLATIONS_MAX {
            let mut nodes = nodes.to_vec();
            nodes.dedup();
            self.violations.push(Violation {
                property,
                detail,
                nodes,
                indices: indices.to_vec(),
                at_ms: self.now_ms,
            });
        } else {
            self.violations_dropped += 1;
        }
    }

    /// The cluster was brought back from stored state (the page's reload): what the stored
    /// snapshots cover was committed before this checker existed.
    pub fn trust_restored(&mut self, raft: &Raft) {
        self.committed_max = self.committed_max.max(raft.log().snapshot_index());
    }

    /// A node (re)started from its persisted state: commitIndex and lastApplied restart at
    /// its snapshot, which must hold committed state.
    pub fn on_restart(&mut self, node: NodeId, raft: &Raft, service: Option<&StateMachine>) {
        self.leader_tail[node] = None;
        self.on_disk[node] = None;
        let snapshot = raft.log().snapshot_index();
        self.commit_seen[node] = raft.commit_index();
        self.applied_seen[node] = raft.last_applied();
        if raft.commit_index() != snapshot || raft.last_applied() != snapshot {
            self.report(
                Property::StateMachineSafety,
                &[node],
                &[snapshot],
                format!(
                    "S{} restarted with commitIndex {} and lastApplied {}, not at its snapshot (lastIncludedIndex {snapshot})",
                    node + 1,
                    raft.commit_index(),
                    raft.last_applied()
                ),
            );
        }
        if snapshot > self.committed_max {
            self.report(
                Property::StateMachineSafety,
                &[node],
                &[snapshot],
                format!(
                    "S{} restarted from a snapshot through index {snapshot}, but only indices through {} were committed",
                    node + 1,
                    self.committed_max
                ),
            );
        }
        if let Some(service) = service {
            self.check_service_state(node, snapshot, service, "restarted from its snapshot");
        }
    }

    /// A node crashed; `persisted` is what its persister holds (raft state).
    pub fn on_crash(&mut self, node: NodeId, persisted: &[u8]) {
        self.leader_tail[node] = None;
        let state = if persisted.is_empty() {
            Ok(PersistentState::default())
        } else {
            PersistentState::decode(persisted)
        };
        match state {
            Ok(state) => {
                self.on_disk[node] = Some(OnDisk {
                    log: state.log,
                    term: state.current_term,
                })
            }
            Err(e) => self.report(
                Property::LeaderCompleteness,
                &[node],
                &[],
                format!(
                    "S{} crashed with a persisted state that does not decode ({e}): the entries it stored are lost, and a later leader may lack a committed one",
                    node + 1
                ),
            ),
        }
    }

    /// Check node `node` after it handled an event, given what its Ready reported.
    /// Precondition: `slots[node]` is alive.
    pub fn after_step(
        &mut self,
        slots: &[NodeSlot],
        node: NodeId,
        log_changed_from: Option<u64>,
        events: &[NodeEvent],
    ) {
        let raft = slots[node].raft.as_ref().expect("checked node is alive");
        if let Some(from) = log_changed_from {
            self.check_log_matching(raft, from);
        }
        self.check_commits(slots, raft);
        if raft.role() == Role::Leader {
            self.check_election_safety(raft);
            if events
                .iter()
                .any(|e| matches!(e, NodeEvent::BecameLeader { .. }))
            {
                self.leader_tail[node] = None;
                self.check_leader_completeness(raft);
            }
            self.check_append_only(raft, log_changed_from);
        } else {
            self.leader_tail[node] = None;
        }
        for event in events {
            if let NodeEvent::SnapshotTaken { index } = *event {
                if index > self.applied_seen[node] {
                    self.report(
                        Property::StateMachineSafety,
                        &[node],
                        &[index],
                        format!(
                            "S{} took a snapshot through index {index} but its service applied only through {}",
                            node + 1,
                            self.applied_seen[node]
                        ),
                    );
                }
            }
        }
        if events.iter().any(|e| {
            matches!(
                e,
                NodeEvent::SnapshotTaken { .. } | NodeEvent::SnapshotInstalled { .. }
            )
        }) {
            self.forget_below_snapshots(slots);
        }
    }

    /// A node's service received `apply`; `service` is the simulation's own service after
    /// it (None when the caller is the service). Every node applies each index once, in
    /// order, only once it is committed, and exactly the committed command (state machine
    /// safety); a snapshot carries committed state.
    pub fn on_apply(&mut self, node: NodeId, apply: &ApplyMsg, service: Option<&StateMachine>) {
        let s = node + 1;
        let seen = self.applied_seen[node];
        match apply {
            ApplyMsg::Command { index, command } => {
                let index = *index;
                if index != seen + 1 {
                    self.report(
                        Property::StateMachineSafety,
                        &[node],
                        &[index],
                        format!(
                            "S{s} applied index {index} after index {seen}: indices must be applied in order, each once"
                        ),
                    );
                }
                self.applied_seen[node] = index;
                if index > self.committed_max {
                    self.report(
                        Property::StateMachineSafety,
                        &[node],
                        &[index],
                        format!(
                            "S{s} applied index {index}, which is not committed (committed through {})",
                            self.committed_max
                        ),
                    );
                }
                let digest = Fnv::of(command);
                if let Some(&(term, _)) = self.committed.get(&index) {
                    if self
                        .entries
                        .get(&(index, term))
                        .is_some_and(|&(d, _, _)| d != digest)
                    {
                        self.report(
                            Property::StateMachineSafety,
                            &[node],
                            &[index],
                            format!(
                                "S{s} applied a command at index {index} other than the committed entry (term {term})"
                            ),
                        );
                    }
                }
                match self.applied.get(&index) {
                    Some(a) if a.command != digest => self.report(
                        Property::StateMachineSafety,
                        &[node, a.by],
                        &[index],
                        format!(
                            "S{s} applied a different command at index {index} than another server did"
                        ),
                    ),
                    Some(_) => {}
                    None if index > self.floor => {
                        self.applied.insert(
                            index,
                            Applied {
                                command: digest,
                                by: node,
                                state: service.copied(),
                            },
                        );
                    }
                    None => {}
                }
                if let Some(service) = service {
                    self.check_service_state(node, index, service, "applied");
                }
            }
            ApplyMsg::Snapshot { index, term, .. } => {
                let (index, term) = (*index, *term);
                if index <= seen {
                    self.report(
                        Property::StateMachineSafety,
                        &[node],
                        &[index],
                        format!(
                            "S{s} was handed a snapshot through index {index} after applying index {seen}: its service would go back"
                        ),
                    );
                }
                self.applied_seen[node] = index;
                if index > self.committed_max {
                    self.report(
                        Property::StateMachineSafety,
                        &[node],
                        &[index],
                        format!(
                            "S{s} installed a snapshot through index {index}, which is not committed (committed through {})",
                            self.committed_max
                        ),
                    );
                }
                if let Some(&(committed_term, _)) = self.committed.get(&index) {
                    if committed_term != term {
                        self.report(
                            Property::StateMachineSafety,
                            &[node],
                            &[index],
                            format!(
                                "S{s} installed a snapshot ending at index {index} with term {term}, but the committed entry there has term {committed_term}"
                            ),
                        );
                    }
                }
                if let Some(service) = service {
                    self.check_service_state(node, index, service, "installed a snapshot");
                }
            }
        }
    }

    /// The service state at `index` agrees with what the first server to apply it had.
    fn check_service_state(&mut self, node: NodeId, index: u64, got: &StateMachine, what: &str) {
        if got.last_applied != index && index > 0 {
            self.report(
                Property::StateMachineSafety,
                &[node],
                &[index],
                format!(
                    "S{} {what} through index {index}, but its service state ends at index {}",
                    node + 1,
                    got.last_applied
                ),
            );
            return;
        }
        let expected = self.applied.get(&index).and_then(|a| a.state);
        if let Some(expected) = expected {
            if expected != *got {
                self.report(
                    Property::StateMachineSafety,
                    &[node],
                    &[index],
                    format!(
                        "S{} {what} through index {index}, but its service state differs from another server's at that index",
                        node + 1
                    ),
                );
            }
        } else if index > self.floor {
            if let Some(a) = self.applied.get_mut(&index) {
                a.state = Some(*got);
            }
        }
    }

    fn check_election_safety(&mut self, raft: &Raft) {
        let (term, node) = (raft.current_term(), raft.id());
        match self.leader_of_term.get(&term) {
            Some(&other) if other != node => {
                if self.second_leaders.insert((term, node), ()).is_none() {
                    self.report(
                        Property::ElectionSafety,
                        &[other, node],
                        &[],
                        format!(
                            "S{} and S{} were both leader in term {term}",
                            other + 1,
                            node + 1
                        ),
                    );
                }
            }
            Some(_) => {}
            None => {
                self.leader_of_term.insert(term, node);
            }
        }
    }

    /// A leader only appends: within its term, no write below its previous last index, and
    /// that last entry stays (compaction into a snapshot aside).
    fn check_append_only(&mut self, raft: &Raft, log_changed_from: Option<u64>) {
        let log = raft.log();
        let term = raft.current_term();
        if let Some((t, last, last_term)) = self.leader_tail[raft.id()] {
            let rewrote = log_changed_from.is_some_and(|from| from <= last);
            let lost = last > log.snapshot_index()
                && (last > log.last_index() || log.term_at(last) != Some(last_term));
            if t == term && (rewrote || lost) {
                let at = log_changed_from.filter(|_| rewrote).unwrap_or(last);
                self.report(
                    Property::LeaderAppendOnly,
                    &[raft.id()],
                    &[at],
                    format!(
                        "leader S{} of term {term} overwrote or deleted its entry {at} (its log ended at {last}, term {last_term})",
                        raft.id() + 1
                    ),
                );
            }
        }
        self.leader_tail[raft.id()] = Some((term, log.last_index(), log.last_term()));
    }

    fn check_log_matching(&mut self, raft: &Raft, from: u64) {
        let log = raft.log();
        for index in from.max(log.first_index())..=log.last_index() {
            let Some(entry) = log.entry(index) else {
                continue;
            };
            let prev_term = log.term_at(index - 1).unwrap_or(0);
            let seen = (Fnv::of(&entry.command), prev_term);
            match self.entries.get(&(index, entry.term)) {
                Some(&(digest, prev, by)) if (digest, prev) != seen => {
                    let what = if digest != seen.0 {
                        "a different command"
                    } else {
                        "a different previous entry"
                    };
                    self.report(
                        Property::LogMatching,
                        &[raft.id(), by],
                        &[index],
                        format!(
                            "S{} holds entry {index} of term {} with {what} than another server",
                            raft.id() + 1,
                            entry.term
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    self.entries
                        .insert((index, entry.term), (seen.0, seen.1, raft.id()));
                }
            }
        }
    }

    /// The term of the entry at `index` that server `node` stores (log or snapshot), as its
    /// disk would give it back. `Some(None)`: covered by its snapshot.
    fn stored_term(&self, slots: &[NodeSlot], node: NodeId, index: u64) -> Option<Option<u64>> {
        let log = match (&slots[node].raft, &self.on_disk[node]) {
            (Some(raft), _) => raft.log(),
            (None, Some(disk)) => &disk.log,
            (None, None) => return None,
        };
        if index <= log.snapshot_index() {
            Some(None)
        } else {
            log.term_at(index).map(Some)
        }
    }

    /// commitIndex never goes back; a leader's commit is verified against a majority of the
    /// servers' stored logs in its own term; anything else a node marks committed must be
    /// what the checker already saw committed.
    fn check_commits(&mut self, slots: &[NodeSlot], raft: &Raft) {
        let node = raft.id();
        let s = node + 1;
        let (seen, commit) = (self.commit_seen[node], raft.commit_index());
        self.commit_seen[node] = commit;
        if commit < seen {
            self.report(
                Property::StateMachineSafety,
                &[node],
                &[seen],
                format!("S{s}'s commitIndex went back from {seen} to {commit}"),
            );
            return;
        }
        if commit == seen {
            return;
        }
        let log = raft.log();
        let term = raft.current_term();
        if raft.role() == Role::Leader && commit > self.committed_max {
            match log.term_at(commit) {
                Some(t) if t == term => {
                    let stored = (0..slots.len())
                        .filter(|&n| {
                            self.stored_term(slots, n, commit)
                                .is_some_and(|t| t.is_none_or(|t| t == term))
                        })
                        .count();
                    if stored < slots.len() / 2 + 1 {
                        self.report(
                            Property::LeaderCompleteness,
                            &[node],
                            &[commit],
                            format!(
                                "leader S{s} of term {term} marked index {commit} committed, but only {stored} of {} servers store it: a later leader may lack it",
                                slots.len()
                            ),
                        );
                        return;
                    }
                    // Committed: the entry and, by log matching, every entry before it.
                    for index in (self.committed_max + 1).max(log.first_index())..=commit {
                        if let Some(t) = log.term_at(index) {
                            self.committed.insert(index, (t, term));
                        }
                    }
                    self.committed_max = commit;
                }
                other => {
                    let t = other.map_or_else(|| String::from("?"), |t| format!("{t}"));
                    self.report(
                        Property::LeaderCompleteness,
                        &[node],
                        &[commit],
                        format!(
                            "leader S{s} of term {term} marked index {commit} (term {t}) committed by counting replicas: a leader commits that way only entries of its own term (§5.4.2), since an older one on a majority can still be overwritten by a later leader (Figure 8)"
                        ),
                    );
                    return;
                }
            }
        }
        if commit > self.committed_max {
            self.report(
                Property::LeaderCompleteness,
                &[node],
                &[commit],
                format!(
                    "S{s} advanced commitIndex to {commit}, but no leader stored an entry of its own term through index {commit} on a majority (committed through {}): a later leader may lack it",
                    self.committed_max
                ),
            );
            return;
        }
        for index in (seen + 1).max(log.snapshot_index())..=commit {
            let (Some(t), Some(&(committed, _))) = (log.term_at(index), self.committed.get(&index))
            else {
                continue;
            };
            if t != committed {
                self.report(
                    Property::StateMachineSafety,
                    &[node],
                    &[index],
                    format!(
                        "S{s} marked index {index} committed with term {t}, but the committed entry there has term {committed}"
                    ),
                );
                return;
            }
        }
    }

    /// A new leader holds every entry committed in an earlier term. (A leader of an old term
    /// can still be elected late, by delayed votes, after a higher term committed entries.)
    fn check_leader_completeness(&mut self, raft: &Raft) {
        let log = raft.log();
        let leader_term = raft.current_term();
        let missing = self
            .committed
            .range(log.snapshot_index() + 1..)
            .filter(|(_, &(_, committed_in))| committed_in < leader_term)
            .find(|(&index, &(term, _))| log.term_at(index) != Some(term))
            .map(|(&index, &(term, _))| (index, term));
        if let Some((index, term)) = missing {
            self.report(
                Property::LeaderCompleteness,
                &[raft.id()],
                &[index],
                format!(
                    "S{} became leader of term {leader_term} without committed entry {index} (term {term})",
                    raft.id() + 1,
                ),
            );
        }
    }

    /// Forget what no server can hold again: indices at or below every server's snapshot,
    /// and terms below every server's current term.
    fn forget_below_snapshots(&mut self, slots: &[NodeSlot]) {
        let mut floor = u64::MAX;
        let mut term = u64::MAX;
        for (n, slot) in slots.iter().enumerate() {
            let (index, t) = match (&slot.raft, &self.on_disk[n]) {
                (Some(raft), _) => (raft.log().snapshot_index(), raft.current_term()),
                (None, Some(disk)) => (disk.log.snapshot_index(), disk.term),
                (None, None) => (0, 0),
            };
            floor = floor.min(index);
            term = term.min(t);
        }
        if floor > self.floor {
            self.floor = floor;
            self.entries = self.entries.split_off(&(floor + 1, 0));
            self.committed = self.committed.split_off(&(floor + 1));
            // Keep the state at the floor itself: a restart or snapshot there compares with it.
            self.applied = self.applied.split_off(&floor);
        }
        self.leader_of_term = self.leader_of_term.split_off(&term);
        self.second_leaders = self.second_leaders.split_off(&(term, 0));
    }
}
