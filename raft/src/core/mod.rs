//! The Raft core: a pure state machine. It never touches a clock, a thread, I/O, storage or a
//! global random source. Callers feed it virtual time (`tick`), messages (`step`) and client
//! commands (`start`), then drain what it produced with `ready()`: messages to send, the
//! state to persist (before sending), entries to apply, and events to narrate.
//!
//! Concepts live in their own files: `election` (RequestVote, timers, roles), `replication`
//! (AppendEntries, commit), `snapshot` (§7), `log` and `persist`.

mod bytes;
mod election;
pub mod log;
pub mod message;
pub mod persist;
mod replication;
pub mod rules;
mod snapshot;
mod window;

use alloc::sync::Arc;
use alloc::vec::Vec;
use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg32;

pub use log::{Entry, Log};
pub use message::*;
pub use persist::{InvalidState, PersistUpdate, PersistentState, Persister, RestoreError};
pub use rules::{BrokenRules, Rule};
pub use window::{APPEND_ENTRIES_IN_FLIGHT_MAX, APPEND_ENTRIES_IN_FLIGHT_MAX_LIMIT};

/// A limit on every AppendEntries: a follower far behind catches up in several round trips
/// rather than in one unbounded message.
pub const ENTRIES_PER_MESSAGE_MAX: usize = 64;

/// The highest term a node takes. Terms arrive from outside (stored state, messages), so the
/// core bounds them: a message with a higher term is ignored, a stored state with one is
/// refused, and a node at this term no longer campaigns (`current_term + 1` never wraps).
pub const TERM_MAX: u64 = i64::MAX as u64;

/// The highest log index. As for terms: messages and stored states that claim a higher index
/// are refused, and a leader whose log ends here accepts no more commands, so `index + 1` and
/// `index + entries` never wrap (even on 32-bit targets' `usize`).
pub const INDEX_MAX: u64 = i64::MAX as u64;

/// Timing and pacing of a node: times in virtual milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// Election timeouts are drawn uniformly from `[election_timeout_ms_min, election_timeout_ms_max)`.
    pub election_timeout_ms_min: u64,
    pub election_timeout_ms_max: u64,
    /// A leader sends AppendEntries to every peer at least this often.
    pub heartbeat_ms: u64,
    /// At most this many AppendEntries carrying entries unanswered per follower (see
    /// `window`); None: no cap, every new command is sent at once to every caught-up
    /// follower (the pacing of runs recorded before the cap, which replay with it).
    pub append_entries_in_flight_max: Option<u32>,
}

impl Timing {
    /// 6.5840-friendly: at most 10 heartbeats per second; timeouts long enough that a few lost
    /// heartbeats do not start an election, short enough to elect within 5 s of a failure.
    pub const LAB: Timing = Timing {
        election_timeout_ms_min: 300,
        election_timeout_ms_max: 600,
        heartbeat_ms: 100,
        append_entries_in_flight_max: Some(APPEND_ENTRIES_IN_FLIGHT_MAX),
    };

    /// Ok when the timing can elect a leader at all.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.heartbeat_ms == 0 {
            return Err("heartbeatMs must be at least 1");
        }
        if self.election_timeout_ms_min <= self.heartbeat_ms {
            return Err("the election timeout must be longer than the heartbeat interval");
        }
        if self.election_timeout_ms_max <= self.election_timeout_ms_min {
            return Err("the election timeout range is empty");
        }
        if let Some(cap) = self.append_entries_in_flight_max {
            if !(1..=APPEND_ENTRIES_IN_FLIGHT_MAX_LIMIT).contains(&cap) {
                return Err("appendEntriesInFlightMax must be 1..1024 (or none)");
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Follower,
    Candidate,
    Leader,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// What the service receives, in index order (6.5840's ApplyMsg).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyMsg {
    Command {
        index: u64,
        /// Shared with the log entry it comes from.
        command: Arc<[u8]>,
    },
    /// A snapshot installed from the leader: the service replaces its state with it.
    Snapshot {
        index: u64,
        term: u64,
        data: Arc<[u8]>,
    },
}

/// What happened inside a node, for the event stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeEvent {
    ElectionStarted {
        term: u64,
    },
    VoteGranted {
        candidate: NodeId,
        term: u64,
    },
    BecameLeader {
        term: u64,
    },
    SteppedDown {
        term: u64,
        was: Role,
        cause: StepDownCause,
    },
    /// This node refused its vote to `candidate`; `term` is its own currentTerm.
    VoteRefused {
        candidate: NodeId,
        term: u64,
        reason: VoteRefusal,
    },
    /// This node refused `leader`'s AppendEntries; `term` is its own currentTerm.
    AppendEntriesRefused {
        leader: NodeId,
        term: u64,
        reason: AppendRefusal,
    },
    /// commitIndex advanced to `index`.
    Committed {
        index: u64,
    },
    /// The service snapshotted through `index`; the log was trimmed.
    SnapshotTaken {
        index: u64,
    },
    /// A snapshot from the leader replaced the log through `index`.
    SnapshotInstalled {
        index: u64,
        term: u64,
    },
    /// A follower deleted its entries `from..=to` (Figure 2, AppendEntries step 3).
    /// With every rule kept they conflicted with the leader's and were never committed;
    /// a broken rule can delete entries that matched (`conflicted` false) or were
    /// committed (`committed` true: `from` was at or below commitIndex).
    LogTruncated {
        from: u64,
        to: u64,
        conflicted: bool,
        committed: bool,
    },
}

/// Why a leader or candidate became a follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepDownCause {
    /// A message from `from` carried `term`, higher than this node's (Figure 2, "All Servers").
    HigherTerm {
        from: NodeId,
        kind: MessageKind,
        term: u64,
    },
    /// `leader` sent an AppendEntries or InstallSnapshot of `term` (this node's own term; an
    /// older one only with `Rule::AppendEntriesTerm` broken): a candidate (or, with two
    /// leaders in a term, a leader) follows this term's leader.
    LeaderOfTerm {
        leader: NodeId,
        kind: MessageKind,
        term: u64,
    },
}

/// Why a vote was refused (Figure 2, RequestVote RPC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteRefusal {
    /// The candidate's term is older than this node's.
    StaleTerm { candidate_term: u64 },
    /// This node already voted in this term (for itself, when it campaigns).
    AlreadyVoted { voted_for: NodeId },
    /// §5.4.1: the candidate's log is not at least as up to date; each is (last log term,
    /// last log index).
    LogNotUpToDate {
        candidate_last: (u64, u64),
        own_last: (u64, u64),
    },
}

/// Why an AppendEntries was refused (Figure 2, AppendEntries RPC steps 1 and 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendRefusal {
    /// Step 1: the request's term is older than this node's.
    StaleTerm { leader_term: u64 },
    /// Step 2: no entry at prevLogIndex; the log ends at `last_index`.
    LogTooShort {
        prev_log_index: u64,
        last_index: u64,
    },
    /// Step 2: the entry at prevLogIndex has `term`, not prevLogTerm.
    TermMismatch {
        prev_log_index: u64,
        prev_log_term: u64,
        term: u64,
    },
}

/// An outgoing message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub to: NodeId,
    pub message: Message,
}

/// Everything a node produced since the last `ready()`. The caller must persist `persist`
/// (if any) before sending `messages`, then hand `applies` to the service in order.
#[derive(Clone, Debug, Default)]
pub struct Ready {
    /// What changed on stable storage (the raft state and the snapshot, saved together by
    /// `Persister::update`).
    pub persist: Option<PersistUpdate>,
    pub messages: Vec<Outgoing>,
    pub applies: Vec<ApplyMsg>,
    pub events: Vec<NodeEvent>,
    /// Lowest log index whose entry was written or removed (for the safety checker).
    pub log_changed_from: Option<u64>,
}

/// One Raft peer.
#[derive(Clone, Debug)]
pub struct Raft {
    me: NodeId,
    peers: usize,
    timing: Timing,
    rng: Pcg32,

    // Persistent state (Figure 2), saved through `Ready::persist` before any reply.
    current_term: u64,
    /// Candidate that received this node's vote in current_term.
    /// Invariant: reset to None whenever current_term increases.
    voted_for: Option<NodeId>,
    log: Log,
    /// The service's latest snapshot; covers indices `1..=log.snapshot_index()`.
    snapshot: Arc<[u8]>,

    /// Rules switched off (see `rules`): every rule is kept unless a caller breaks it.
    broken: BrokenRules,

    // Volatile state on all servers.
    role: Role,
    /// Invariant: `log.snapshot_index() <= last_applied <= commit_index`, and
    /// `commit_index <= log.last_index()` while every rule is kept (a broken rule can delete
    /// committed entries; commitIndex and lastApplied never go back, as in real code).
    commit_index: u64,
    last_applied: u64,
    /// Virtual time of the latest call.
    now_ms: u64,
    /// When the election timer was last reset, and how long it runs this time.
    election_reset_ms: u64,
    election_timeout_ms: u64,

    // Candidates: votes[i] is true when peer i granted its vote in current_term.
    votes: Vec<bool>,

    // Leaders (reinitialized after election).
    /// Invariant: `match_index[i] < next_index[i] <= log.last_index() + 1` for peers i.
    next_index: Vec<u64>,
    match_index: Vec<u64>,
    /// The last backup after a rejection, per peer: (first index resent, when). Pipelined
    /// requests overtake each other on the wire (as in labrpc); rejections of the overtaken
    /// ones that arrive while the backup is in flight are answered by it.
    backup: Vec<Option<(u64, u64)>>,
    /// Entry-carrying AppendEntries in flight per peer (`window`; empty without a cap).
    windows: Vec<window::Window>,
    /// With a cap: commands started since the last `ready()` wait for it, so that a batch
    /// of them leaves in messages of up to ENTRIES_PER_MESSAGE_MAX entries.
    replicate_pending: bool,
    next_heartbeat_ms: u64,

    ready: Ready,
    persist_needed: bool,
    /// Lowest log index written or removed since the last persist (persisted or not: a
    /// broken PersistLog defers the save, not what it will hold).
    /// Invariant: the persister's log equals this log below it (and above the snapshot).
    unsaved_from: Option<u64>,
}

impl Raft {
    /// 6.5840's Make(): `me` among `peers` nodes, restarting from `persister` (empty on first
    /// boot). `seed` feeds this node's private PRNG (election timeouts). A stored state that
    /// does not decode or breaks a rule of `PersistentState::validate` is an error.
    pub fn new(
        me: NodeId,
        peers: usize,
        persister: &Persister,
        timing: Timing,
        seed: u64,
        now_ms: u64,
    ) -> Result<Raft, RestoreError> {
        assert!(me < peers, "me ({me}) out of range for {peers} peers");
        let state = PersistentState::restore(persister.raftstate(), peers)?;
        let snapshot_index = state.log.snapshot_index();
        let mut raft = Raft {
            me,
            peers,
            timing,
            rng: Pcg32::seed_from_u64(seed),
            current_term: state.current_term,
            voted_for: state.voted_for,
            log: state.log,
            snapshot: persister.snapshot().clone(),
            broken: BrokenRules::NONE,
            role: Role::Follower,
            commit_index: snapshot_index,
            last_applied: snapshot_index,
            now_ms,
            election_reset_ms: now_ms,
            election_timeout_ms: 0,
            votes: alloc::vec![false; peers],
            next_index: alloc::vec![0; peers],
            match_index: alloc::vec![0; peers],
            backup: alloc::vec![None; peers],
            windows: alloc::vec![window::Window::new(); peers],
            replicate_pending: false,
            next_heartbeat_ms: 0,
            ready: Ready::default(),
            persist_needed: false,
            unsaved_from: None,
        };
        raft.reset_election_timer();
        if raft.log.last_index() >= raft.log.first_index() {
            raft.ready.log_changed_from = Some(raft.log.first_index());
        }
        Ok(raft)
    }

    // ----- 6.5840's API -----

    /// Start agreement on `command`. Returns (index, term) when this node is the leader.
    pub fn start(&mut self, command: Vec<u8>) -> Option<(u64, u64)> {
        if self.role != Role::Leader || self.log.last_index() >= INDEX_MAX {
            return None;
        }
        let index = self.log.append(Entry {
            term: self.current_term,
            command: command.into(),
        });
        self.log_changed(index);
        self.persist_needed = true;
        self.match_index[self.me] = index;
        self.next_index[self.me] = index + 1;
        self.advance_commit_index();
        if self.timing.append_entries_in_flight_max.is_some() {
            // Sent by `ready()`, as many entries in a message as the window lets wait.
            self.replicate_pending = true;
            return Some((index, self.current_term));
        }
        // No cap: replicate at once to followers that are caught up; the others are being
        // sent what they miss, one reply at a time (see handle_append_entries_reply).
        for peer in self.others() {
            if self.next_index[peer] == index {
                self.send_append_entries(peer);
            }
        }
        Some((index, self.current_term))
    }

    /// (currentTerm, isLeader).
    pub fn get_state(&self) -> (u64, bool) {
        (self.current_term, self.role == Role::Leader)
    }

    /// The service has snapshotted everything through `index`.
    pub fn snapshot(&mut self, index: u64, data: Vec<u8>) {
        self.take_snapshot(index, data.into());
    }

    /// Advance virtual time to `now_ms` and fire timers that are due.
    pub fn tick(&mut self, now_ms: u64) {
        self.now_ms = self.now_ms.max(now_ms);
        match self.role {
            Role::Leader => {
                if self.now_ms >= self.next_heartbeat_ms {
                    self.broadcast_append_entries();
                }
            }
            Role::Follower | Role::Candidate => {
                if self.now_ms >= self.election_deadline_ms() {
                    self.campaign();
                }
            }
        }
    }

    /// Handle a message from `from` at virtual time `now_ms`. A message that no peer could
    /// have sent (see `Message::validate`) is ignored: it changes nothing.
    pub fn step(&mut self, now_ms: u64, from: NodeId, message: Message) {
        self.now_ms = self.now_ms.max(now_ms);
        if from >= self.peers {
            return; // Not a peer of ours; nothing to answer.
        }
        if message.validate(self.peers).is_err() {
            return;
        }
        // All servers: a higher term makes us a follower (Figure 2).
        if message.term() > self.current_term {
            let cause = StepDownCause::HigherTerm {
                from,
                kind: message.kind(),
                term: message.term(),
            };
            self.become_follower(message.term(), cause);
        }
        match message {
            Message::RequestVote(args) => self.handle_request_vote(from, args),
            Message::RequestVoteReply(reply) => self.handle_request_vote_reply(from, reply),
            Message::AppendEntries(args) => self.handle_append_entries(from, args),
            Message::AppendEntriesReply(reply) => self.handle_append_entries_reply(from, reply),
            Message::InstallSnapshot(args) => self.handle_install_snapshot(from, args),
            Message::InstallSnapshotReply(reply) => self.handle_install_snapshot_reply(from, reply),
        }
    }

    /// Drain everything produced since the last call.
    pub fn ready(&mut self) -> Ready {
        if core::mem::take(&mut self.replicate_pending) && self.role == Role::Leader {
            for peer in self.others() {
                self.replicate(peer);
            }
        }
        self.apply_committed();
        if self.persist_needed {
            self.persist_needed = false;
            let entries_from = self
                .unsaved_from
                .take()
                .map_or(self.log.last_index() + 1, |from| {
                    from.clamp(self.log.first_index(), self.log.last_index() + 1)
                });
            self.ready.persist = Some(PersistUpdate {
                current_term: self.current_term,
                voted_for: self.persisted_voted_for(),
                snapshot_index: self.log.snapshot_index(),
                snapshot_term: self.log.snapshot_term(),
                entries_from,
                entries: self.log.entries_from(entries_from).to_vec(),
                snapshot: self.snapshot.clone(),
            });
        }
        core::mem::take(&mut self.ready)
    }

    /// The whole state a save holds now, encoded: what `Persister::save` takes when a
    /// persister cannot apply a `PersistUpdate` (see `Persister::update`).
    pub fn encode_persistent_state(&self) -> Vec<u8> {
        persist::PersistentStateRef {
            current_term: self.current_term,
            voted_for: self.persisted_voted_for(),
            log: &self.log,
        }
        .encode()
    }

    /// The vote as it reaches the disk: the bug of a broken PersistVotedFor is that it never
    /// does.
    fn persisted_voted_for(&self) -> Option<NodeId> {
        self.voted_for
            .filter(|_| !self.broken.is_broken(Rule::PersistVotedFor))
    }

    /// True when `ready()` would return something.
    pub fn has_ready(&self) -> bool {
        self.persist_needed
            || self.replicate_pending
            || self.next_to_apply().is_some()
            || !self.ready.messages.is_empty()
            || !self.ready.applies.is_empty()
            || !self.ready.events.is_empty()
    }

    /// Earliest virtual time at which `tick` has something to do.
    pub fn next_deadline_ms(&self) -> u64 {
        match self.role {
            Role::Leader => self.next_heartbeat_ms,
            _ => self.election_deadline_ms(),
        }
    }

    // ----- read-only views (for the simulator, the checker and the page) -----

    pub fn id(&self) -> NodeId {
        self.me
    }
    pub fn peers(&self) -> usize {
        self.peers
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn current_term(&self) -> u64 {
        self.current_term
    }
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }
    pub fn log(&self) -> &Log {
        &self.log
    }
    pub fn commit_index(&self) -> u64 {
        self.commit_index
    }
    pub fn last_applied(&self) -> u64 {
        self.last_applied
    }
    pub fn timing(&self) -> Timing {
        self.timing
    }
    /// (elapsed, timeout) of the election timer; None for a leader.
    pub fn election_timer_ms(&self) -> Option<(u64, u64)> {
        (self.role != Role::Leader).then(|| {
            (
                self.now_ms.saturating_sub(self.election_reset_ms),
                self.election_timeout_ms,
            )
        })
    }
    /// nextIndex[] and matchIndex[] while leader.
    pub fn leader_indices(&self) -> Option<(&[u64], &[u64])> {
        (self.role == Role::Leader).then(|| (&self.next_index[..], &self.match_index[..]))
    }
    /// Entry-carrying AppendEntries counted in flight to each peer while leader (all zero
    /// without a cap; see `Timing::append_entries_in_flight_max`).
    pub fn append_entries_in_flight(&self) -> Option<Vec<usize>> {
        (self.role == Role::Leader).then(|| self.windows.iter().map(|w| w.len()).collect())
    }
    /// Peers that granted their vote, while candidate.
    pub fn votes(&self) -> Option<&[bool]> {
        (self.role == Role::Candidate).then_some(&self.votes[..])
    }

    /// The rules this node breaks (none by default).
    pub fn broken_rules(&self) -> BrokenRules {
        self.broken
    }

    /// Break or keep rules from now on. Keeping a persistence rule again saves the state at
    /// once, so the disk holds what the rule promises from then on.
    pub fn set_broken_rules(&mut self, rules: BrokenRules) {
        let restored = |rule| self.broken.is_broken(rule) && !rules.is_broken(rule);
        if restored(Rule::PersistVotedFor) || restored(Rule::PersistLog) {
            self.persist_needed = true;
        }
        self.broken = rules;
    }

    fn is_broken(&self, rule: Rule) -> bool {
        self.broken.is_broken(rule)
    }

    // ----- helpers shared by the concept files -----

    fn others(&self) -> impl Iterator<Item = NodeId> {
        let me = self.me;
        (0..self.peers).filter(move |&p| p != me)
    }

    fn majority(&self) -> usize {
        self.peers / 2 + 1
    }

    fn send(&mut self, to: NodeId, message: Message) {
        self.ready.messages.push(Outgoing { to, message });
    }

    fn emit(&mut self, event: NodeEvent) {
        self.ready.events.push(event);
    }

    fn log_changed(&mut self, index: u64) {
        let from = self.ready.log_changed_from.map_or(index, |f| f.min(index));
        self.ready.log_changed_from = Some(from);
        self.unsaved_from = Some(self.unsaved_from.map_or(index, |f| f.min(index)));
    }

    fn random_below(&mut self, bound: u64) -> u64 {
        // Multiply-shift: uniform enough for timeouts, and no float or division.
        ((self.rng.next_u32() as u128 * bound as u128) >> 32) as u64
    }

    /// The committed entry the service gets next, if the log holds it. (With every rule
    /// kept it always does; a broken rule can delete committed entries, and then the
    /// service waits for the log to hold that index again.)
    fn next_to_apply(&self) -> Option<&Entry> {
        if self.last_applied < self.commit_index {
            self.log.entry(self.last_applied + 1)
        } else {
            None
        }
    }

    /// Hand committed entries to the service, in order.
    fn apply_committed(&mut self) {
        while let Some(entry) = self.next_to_apply() {
            let command = entry.command.clone();
            self.last_applied += 1;
            self.ready.applies.push(ApplyMsg::Command {
                index: self.last_applied,
                command,
            });
        }
    }
}
