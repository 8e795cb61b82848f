//! Crafted input to the core: stored states (crafted fields and damaged bytes) through
//! `Raft::new`, then ticks, commands, snapshots and messages with extreme fields through
//! `step`. Whatever comes in, the core returns an error or carries on, and never panics; a
//! message `Message::validate` refuses changes nothing; and every state a node persists is one
//! it can restart from (`PersistentState::validate` passes).
//!
//! Seeded as the Lab 3 tests are (`raftlab::lab::seed_list`): a fresh seed per run,
//! `RAFTLAB_SEED=n` pins it, `RAFTLAB_SEEDS=k` runs k seeds; a failure prints the seed and the
//! command that replays it.

use raftlab::core::{
    AppendEntriesArgs, AppendEntriesReply, ApplyMsg, Entry, InstallSnapshotArgs,
    InstallSnapshotReply, InvalidState, Log, Message, NodeEvent, PersistentState, Persister, Raft,
    RequestVoteArgs, RequestVoteReply, RestoreError, Role, Timing, INDEX_MAX, TERM_MAX,
};
use raftlab::lab::seed_list;
use raftlab::sim::rng::Rng;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// Nodes restored per seed, and what each then goes through.
const CASES: u64 = 10_000;
const OPERATIONS: u64 = 60;

/// Runs `body` at each seed of `seed_list()` (RAFTLAB_SEED pins the first, else a fresh one
/// is drawn per run; RAFTLAB_SEEDS=k runs k); on a panic, prints the seed and the replay
/// command.
fn seeded(test: &str, body: impl Fn(u64)) {
    for seed in seed_list() {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| body(seed))) {
            eprintln!(
                "FAILED at seed {seed}; replay with:\n  RAFTLAB_SEED={seed} cargo test -p raftlab --test crafted_input -- --exact {test}"
            );
            resume_unwind(panic);
        }
    }
}

fn entry(term: u64) -> Entry {
    Entry {
        term,
        command: vec![term as u8].into(),
    }
}

fn persister(state: &PersistentState) -> Persister {
    let mut p = Persister::new();
    p.save(state.encode().into(), Arc::from(&b"snap"[..]));
    p
}

fn restore(state: &PersistentState, peers: usize) -> Result<Raft, RestoreError> {
    Raft::new(0, peers, &persister(state), Timing::LAB, 1, 0)
}

fn invalid(state: &PersistentState, peers: usize) -> InvalidState {
    match restore(state, peers) {
        Err(RestoreError::Invalid(e)) => e,
        Err(e) => panic!("{state:?}: expected a rule broken, got {e}"),
        Ok(_) => panic!("{state:?}: restored"),
    }
}

fn state(current_term: u64, voted_for: Option<usize>, log: Log) -> PersistentState {
    PersistentState {
        current_term,
        voted_for,
        log,
    }
}

fn log(snapshot_index: u64, snapshot_term: u64, terms: &[u64]) -> Log {
    Log::new(
        snapshot_index,
        snapshot_term,
        terms.iter().map(|&t| entry(t)).collect(),
    )
}

// ----- directed: each rule of PersistentState::validate -----

#[test]
fn a_snapshot_index_near_u64_max_is_an_error_from_raft_new_not_a_panic() {
    for (index, entries) in [
        (u64::MAX - 1, 3),
        (u64::MAX, 0),
        (u64::MAX, 1),
        (INDEX_MAX, 1),
    ] {
        let s = state(9, None, log(index, 9, &vec![9; entries]));
        assert_eq!(
            invalid(&s, 3),
            InvalidState::IndexOutOfRange {
                snapshot_index: index,
                entries
            }
        );
    }
    let s = state(9, None, log(INDEX_MAX, 9, &[]));
    let mut raft = restore(&s, 3).expect("the largest index is fine");
    // A node whose log ends at INDEX_MAX leads, but accepts no more commands.
    let mut single = Raft::new(0, 1, &persister(&s), Timing::LAB, 1, 0).unwrap();
    single.campaign();
    assert_eq!(single.role(), Role::Leader);
    assert_eq!(single.start(b"x".to_vec()), None);
    raft.tick(10_000);
    assert_eq!(raft.role(), Role::Candidate);
    let _ = raft.ready();
}

#[test]
fn a_node_at_term_max_does_not_campaign_rather_than_wrap_its_term() {
    let s = state(TERM_MAX, None, log(0, 0, &[1, TERM_MAX]));
    let mut raft = restore(&s, 3).unwrap();
    raft.tick(10_000);
    raft.campaign();
    assert_eq!(raft.get_state(), (TERM_MAX, false));
    assert_eq!(raft.role(), Role::Follower);
}

#[test]
fn each_rule_of_persistent_state_validate_is_checked() {
    use InvalidState::*;
    let cases = [
        (
            state(TERM_MAX + 1, None, Log::default()),
            TermOutOfRange {
                current_term: TERM_MAX + 1,
            },
        ),
        (
            state(2, Some(3), Log::default()),
            VoteOutOfRange {
                voted_for: 3,
                peers: 3,
            },
        ),
        (
            state(0, Some(1), Log::default()),
            VoteInTermZero { voted_for: 1 },
        ),
        (
            state(2, None, log(4, 0, &[])),
            SnapshotMetadata {
                snapshot_index: 4,
                snapshot_term: 0,
            },
        ),
        (
            state(2, None, log(0, 1, &[])),
            SnapshotMetadata {
                snapshot_index: 0,
                snapshot_term: 1,
            },
        ),
        (
            state(2, None, log(4, 3, &[])),
            SnapshotTermAfterCurrentTerm {
                snapshot_term: 3,
                current_term: 2,
            },
        ),
        (
            state(2, None, log(0, 0, &[1, 0])),
            EntryTermZero { index: 2 },
        ),
        (
            state(3, None, log(4, 2, &[1])),
            TermGoesBack {
                index: 5,
                term: 1,
                previous: 2,
                after_snapshot: true,
            },
        ),
        (
            state(3, None, log(0, 0, &[1, 3, 2])),
            TermGoesBack {
                index: 3,
                term: 2,
                previous: 3,
                after_snapshot: false,
            },
        ),
        (
            state(3, None, log(0, 0, &[1, 4])),
            EntryTermAfterCurrentTerm {
                index: 2,
                term: 4,
                current_term: 3,
            },
        ),
    ];
    for (s, expected) in cases {
        assert_eq!(invalid(&s, 3), expected);
        assert!(!expected.to_string().is_empty());
        assert_eq!(s.validate(3), Err(expected));
    }
    for ok in [
        state(0, None, Log::default()),
        state(TERM_MAX, Some(2), log(INDEX_MAX - 2, 5, &[5, TERM_MAX])),
        state(3, Some(0), log(0, 0, &[1, 1, 3])),
    ] {
        assert_eq!(ok.validate(3), Ok(()));
        restore(&ok, 3).unwrap_or_else(|e| panic!("{ok:?}: {e}"));
    }
    // Bytes that do not decode are a decode error.
    let mut p = Persister::new();
    p.save(Arc::from(&[0xffu8; 3][..]), Arc::from(&[][..]));
    assert!(matches!(
        Raft::new(0, 3, &p, Timing::LAB, 1, 0),
        Err(RestoreError::Decode(_))
    ));
}

// ----- directed: messages with absurd fields are ignored -----

/// A follower of term 2 holding indices 1..=5 (terms 1, 1, 2, 2, 2), commitIndex 3.
fn follower() -> Raft {
    let s = state(2, None, log(0, 0, &[1, 1, 2, 2, 2]));
    let mut raft = restore(&s, 3).unwrap();
    let commit = Message::AppendEntries(AppendEntriesArgs {
        term: 2,
        leader_id: 1,
        prev_log_index: 5,
        prev_log_term: 2,
        entries: vec![],
        leader_commit: 3,
    });
    raft.step(1, 1, commit);
    let _ = raft.ready();
    assert_eq!(raft.commit_index(), 3);
    raft
}

fn unchanged_by(raft: &Raft, message: Message) {
    let mut after = raft.clone();
    after.step(2, 1, message.clone());
    assert_eq!(
        (after.current_term(), after.voted_for(), after.log()),
        (raft.current_term(), raft.voted_for(), raft.log()),
        "{message:?}"
    );
    assert_eq!(after.commit_index(), raft.commit_index(), "{message:?}");
    let ready = after.ready();
    assert!(
        ready.persist.is_none() && ready.messages.is_empty(),
        "{message:?}"
    );
}

#[test]
fn append_entries_with_absurd_fields_is_ignored() {
    let raft = follower();
    let ae = |term, prev_log_index, prev_log_term, terms: &[u64], leader_commit| {
        Message::AppendEntries(AppendEntriesArgs {
            term,
            leader_id: 1,
            prev_log_index,
            prev_log_term,
            entries: terms.iter().map(|&t| entry(t)).collect(),
            leader_commit,
        })
    };
    for message in [
        ae(u64::MAX, 5, 2, &[], 5),
        ae(0, 0, 0, &[], 0),
        ae(2, u64::MAX, 2, &[2], u64::MAX),
        ae(2, u64::MAX - 1, 2, &[2, 2, 2], u64::MAX),
        ae(2, INDEX_MAX, 2, &[2], 0),
        ae(2, 5, 3, &[], 5),
        ae(2, 5, 2, &[3], 5),
        ae(2, 5, 2, &[2, 1], 5),
        ae(2, 5, 2, &[1], 5),
        ae(2, 5, 2, &[0], 5),
        ae(2, 0, 1, &[], 5),
        ae(2, 1, 0, &[], 5),
        // A conflict at a committed index: no leader of term 2 sends it.
        ae(2, 1, 1, &[2], 5),
        Message::AppendEntries(AppendEntriesArgs {
            term: 2,
            leader_id: 99,
            prev_log_index: 5,
            prev_log_term: 2,
            entries: vec![],
            leader_commit: 5,
        }),
    ] {
        unchanged_by(&raft, message);
    }
    // A huge leaderCommit is only a bound: commitIndex goes to the last new entry.
    let mut r = raft.clone();
    r.step(2, 1, ae(2, 5, 2, &[2], u64::MAX));
    assert_eq!((r.commit_index(), r.log().last_index()), (6, 6));
}

#[test]
fn install_snapshot_and_request_vote_with_absurd_fields_are_ignored() {
    let raft = follower();
    let is = |term, last_included_index, last_included_term| {
        Message::InstallSnapshot(InstallSnapshotArgs {
            term,
            leader_id: 1,
            last_included_index,
            last_included_term,
            data: Arc::from(&b"s"[..]),
        })
    };
    for message in [
        is(2, u64::MAX, 2),
        is(2, INDEX_MAX + 1, 2),
        is(2, 9, 0),
        is(2, 9, 3),
        is(TERM_MAX + 1, 9, 2),
        Message::InstallSnapshot(InstallSnapshotArgs {
            term: 2,
            leader_id: 99,
            last_included_index: 9,
            last_included_term: 2,
            data: Arc::from(&b"s"[..]),
        }),
        Message::RequestVote(RequestVoteArgs {
            term: 3,
            candidate_id: 7,
            last_log_index: u64::MAX,
            last_log_term: u64::MAX,
        }),
        Message::RequestVote(RequestVoteArgs {
            term: u64::MAX,
            candidate_id: 1,
            last_log_index: 9,
            last_log_term: 2,
        }),
    ] {
        unchanged_by(&raft, message);
    }
    // The largest snapshot index is installed; the log after it is empty.
    let mut r = raft.clone();
    r.step(2, 1, is(2, INDEX_MAX, 2));
    assert_eq!(r.log().snapshot_index(), INDEX_MAX);
    assert_eq!(r.log().last_index(), INDEX_MAX);
    let ready = r.ready();
    let update = ready.persist.expect("persisted");
    let mut p = Persister::new();
    assert!(
        p.update(&update),
        "an empty log after a snapshot needs nothing before it"
    );
    PersistentState::restore(p.raftstate(), 3).expect("restorable");
}

#[test]
fn a_leader_survives_replies_with_absurd_fields() {
    let s = state(4, None, log(0, 0, &[1, 2, 3]));
    let mut raft = restore(&s, 3).unwrap();
    raft.campaign();
    raft.step(1, 1, vote(5));
    assert_eq!(raft.role(), Role::Leader);
    let _ = raft.ready();
    for (match_index, conflict_term, conflict_index, success) in [
        (u64::MAX, None, 0, true),
        (INDEX_MAX, None, 0, true),
        (0, None, u64::MAX, false),
        (0, Some(u64::MAX), u64::MAX, false),
        (0, Some(0), 1, false),
        (0, Some(2), 0, false),
        (3, None, 0, true),
        (0, None, 1, false),
        (0, Some(1), u64::MAX, false),
    ] {
        raft.step(
            2,
            1,
            Message::AppendEntriesReply(AppendEntriesReply {
                term: 5,
                success,
                match_index,
                conflict_term,
                conflict_index,
            }),
        );
        let _ = raft.ready();
        for last_included_index in [u64::MAX, INDEX_MAX, 0, 2] {
            raft.step(
                3,
                2,
                Message::InstallSnapshotReply(InstallSnapshotReply {
                    term: 5,
                    accepted: true,
                    last_included_index,
                }),
            );
            let _ = raft.ready();
        }
        let (next, matched) = raft.leader_indices().expect("still leader");
        for peer in 0..3 {
            assert!(matched[peer] < next[peer], "{next:?} {matched:?}");
            assert!(next[peer] <= raft.log().last_index() + 1, "{next:?}");
        }
    }
}

fn vote(term: u64) -> Message {
    Message::RequestVoteReply(RequestVoteReply {
        term,
        vote_granted: true,
    })
}

// ----- the fuzz test -----

/// Values that break arithmetic: the edges of u64, i64, u32 and JavaScript's safe integers.
fn extreme(rng: &mut Rng) -> u64 {
    const EDGES: [u64; 14] = [
        0,
        1,
        2,
        3,
        (1 << 53) - 1,
        1 << 53,
        u32::MAX as u64,
        u32::MAX as u64 + 1,
        INDEX_MAX - 1,
        INDEX_MAX,
        INDEX_MAX + 1,
        u64::MAX - 2,
        u64::MAX - 1,
        u64::MAX,
    ];
    match rng.below(3) {
        0 => rng.next_u64(),
        1 => rng.below(12),
        _ => EDGES[rng.below(EDGES.len() as u64) as usize],
    }
}

/// A value near `x` (for indices and terms that hit the node's log), or an extreme one.
fn near(rng: &mut Rng, x: u64) -> u64 {
    match rng.below(4) {
        0 => extreme(rng),
        _ => x.saturating_add(rng.below(5)).saturating_sub(2),
    }
}

fn entries(rng: &mut Rng, first_term: u64, max_term: u64) -> Vec<Entry> {
    let mut term = first_term;
    (0..rng.below(6))
        .map(|_| {
            if rng.below(8) == 0 {
                term = extreme(rng);
            } else if term < max_term && rng.below(3) == 0 {
                term += 1;
            }
            entry(term)
        })
        .collect()
}

/// A stored state: valid at the edges, crafted fields, or damaged bytes.
fn stored_state(rng: &mut Rng, peers: usize) -> Vec<u8> {
    let current_term = match rng.below(3) {
        0 => extreme(rng),
        _ => rng.below(6),
    };
    let snapshot_index = match rng.below(3) {
        0 => extreme(rng),
        _ => rng.below(4),
    };
    let snapshot_term = match rng.below(4) {
        0 => extreme(rng),
        _ if snapshot_index == 0 => 0,
        _ => rng.between(1, current_term.max(1)),
    };
    let s = PersistentState {
        current_term,
        voted_for: match rng.below(4) {
            0 => None,
            1 => Some(extreme(rng) as usize),
            _ => Some(rng.below(peers as u64) as usize),
        },
        log: Log::new(
            snapshot_index,
            snapshot_term,
            entries(rng, snapshot_term.max(1), current_term),
        ),
    };
    let mut bytes = s.encode();
    if rng.below(4) == 0 {
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(bytes.len() as u64 + 1) as usize;
            match rng.below(4) {
                0 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
                1 if at < bytes.len() => bytes[at] = 0xff,
                2 => bytes.insert(at, rng.next_u64() as u8),
                _ => bytes.truncate(at),
            }
        }
    }
    bytes
}

/// A message with fields around the node's own log and term, or extreme.
fn message(rng: &mut Rng, raft: &Raft, peers: usize) -> Message {
    let log = raft.log();
    let ahead = rng.below(2);
    let term = near(rng, raft.current_term().saturating_add(ahead));
    let index = |rng: &mut Rng| {
        let anchor = match rng.below(5) {
            0 => log.snapshot_index(),
            1 => raft.commit_index(),
            // Where a position in the log would wrap a 32-bit usize (wasm32, thumbv7em).
            2 => log.snapshot_index() + (1 << 32),
            _ => log.last_index(),
        };
        near(rng, anchor)
    };
    let node = |rng: &mut Rng| match rng.below(8) {
        0 => extreme(rng) as usize,
        _ => rng.below(peers as u64) as usize,
    };
    match rng.below(6) {
        0 => Message::RequestVote(RequestVoteArgs {
            term,
            candidate_id: node(rng),
            last_log_index: index(rng),
            last_log_term: near(rng, log.last_term()),
        }),
        1 => Message::RequestVoteReply(RequestVoteReply {
            term,
            vote_granted: rng.below(4) != 0,
        }),
        2 => {
            let prev_log_index = index(rng);
            let prev_log_term = match log.term_at(prev_log_index) {
                Some(t) if rng.below(3) != 0 => t,
                _ => near(rng, log.last_term()),
            };
            Message::AppendEntries(AppendEntriesArgs {
                term,
                leader_id: node(rng),
                prev_log_index,
                prev_log_term,
                entries: entries(rng, prev_log_term.max(1), term),
                leader_commit: index(rng),
            })
        }
        3 => Message::AppendEntriesReply(AppendEntriesReply {
            term,
            success: rng.below(2) == 0,
            match_index: index(rng),
            conflict_term: (rng.below(2) == 0).then(|| near(rng, log.last_term())),
            conflict_index: index(rng),
        }),
        4 => Message::InstallSnapshot(InstallSnapshotArgs {
            term,
            leader_id: node(rng),
            last_included_index: index(rng),
            last_included_term: near(rng, log.last_term()),
            data: Arc::from(&b"snap"[..]),
        }),
        _ => Message::InstallSnapshotReply(InstallSnapshotReply {
            term,
            accepted: rng.below(4) != 0,
            last_included_index: index(rng),
        }),
    }
}

/// What must hold after every call: the volatile invariants, applies in order, a term that
/// never goes back, and a persisted state the node could restart from.
struct Watch {
    /// What the node saved, brought up to date by every Ready as the simulator does.
    persister: Persister,
    term: u64,
    applied: u64,
    /// How deep the case went: events seen, by kind.
    reached: Reached,
}

/// Counts of what the fuzz reached, so that a change that makes it shallow shows.
#[derive(Default, Debug)]
struct Reached {
    restored: u64,
    leaders: u64,
    commits: u64,
    truncations: u64,
    snapshots_installed: u64,
    snapshots_taken: u64,
}

impl Watch {
    fn check(&mut self, raft: &mut Raft, peers: usize, what: &dyn Fn() -> String) {
        let ready = raft.ready();
        let log = raft.log();
        assert!(
            log.snapshot_index() <= raft.last_applied()
                && raft.last_applied() <= raft.commit_index()
                && raft.commit_index() <= log.last_index()
                && log.last_index() <= INDEX_MAX,
            "after {}: snapshot {}, applied {}, commit {}, last {}",
            what(),
            log.snapshot_index(),
            raft.last_applied(),
            raft.commit_index(),
            log.last_index()
        );
        assert!(raft.current_term() >= self.term, "after {}", what());
        self.term = raft.current_term();
        for event in &ready.events {
            match event {
                NodeEvent::BecameLeader { .. } => self.reached.leaders += 1,
                NodeEvent::Committed { .. } => self.reached.commits += 1,
                NodeEvent::LogTruncated { .. } => self.reached.truncations += 1,
                NodeEvent::SnapshotInstalled { .. } => self.reached.snapshots_installed += 1,
                NodeEvent::SnapshotTaken { .. } => self.reached.snapshots_taken += 1,
                _ => {}
            }
        }
        for apply in &ready.applies {
            match *apply {
                ApplyMsg::Command { index, .. } => {
                    assert_eq!(index, self.applied + 1, "after {}", what());
                    self.applied = index;
                }
                ApplyMsg::Snapshot { index, .. } => {
                    assert!(index > self.applied, "after {}", what());
                    self.applied = index;
                }
            }
        }
        if let Some(update) = ready.persist {
            let before = self.persister.raftstate().to_vec();
            if !self.persister.update(&update) {
                // Only bytes saved from outside that no save would write are refused.
                let canonical = PersistentState::decode(&before).map(|s| s.encode());
                assert!(
                    !before.is_empty() && canonical.as_deref() != Ok(&before[..]),
                    "after {}: the update applies to what the node saved before",
                    what()
                );
                let whole = raft.encode_persistent_state();
                self.persister.save(whole.into(), update.snapshot);
            }
            let state = self.persister.raftstate();
            assert_eq!(
                state,
                &raft.encode_persistent_state()[..],
                "after {}",
                what()
            );
            if let Err(e) = PersistentState::restore(state, peers) {
                panic!(
                    "after {}: the node persisted a state it cannot restore: {e}",
                    what()
                );
            }
        }
    }
}

fn run_case(rng: &mut Rng) -> Reached {
    let peers = 1 + rng.below(5) as usize;
    let me = rng.below(peers as u64) as usize;
    let bytes = stored_state(rng, peers);
    let mut p = Persister::new();
    p.save(bytes.clone().into(), Arc::from(&b"snap"[..]));
    let mut now = match rng.below(4) {
        0 => extreme(rng),
        _ => rng.below(1_000),
    };
    let restored = Raft::new(me, peers, &p, Timing::LAB, rng.next_u64(), now);
    assert_eq!(
        restored.is_ok(),
        PersistentState::restore(&bytes, peers).is_ok(),
        "Raft::new and PersistentState::restore agree"
    );
    let Ok(mut raft) = restored else {
        return Reached::default();
    };
    let mut watch = Watch {
        persister: p.clone(),
        term: raft.current_term(),
        applied: raft.last_applied(),
        reached: Reached {
            restored: 1,
            ..Reached::default()
        },
    };
    watch.check(&mut raft, peers, &|| "Raft::new".into());
    for _ in 0..OPERATIONS {
        match rng.below(10) {
            0 => {
                now = now.saturating_add(rng.below(700));
                raft.tick(now);
                watch.check(&mut raft, peers, &|| format!("tick({now})"));
            }
            1 => {
                raft.campaign();
                // Votes from everyone: leaders get to handle replies too.
                for from in 0..peers {
                    raft.step(now, from, vote(raft.current_term()));
                }
                watch.check(&mut raft, peers, &|| "campaign".into());
            }
            2 => {
                let _ = raft.start(vec![rng.below(256) as u8]);
                watch.check(&mut raft, peers, &|| "start".into());
            }
            3 => {
                let index = near(rng, raft.last_applied());
                raft.snapshot(index, b"snap".to_vec());
                watch.check(&mut raft, peers, &|| format!("snapshot({index})"));
            }
            _ => {
                let from = match rng.below(10) {
                    0 => extreme(rng) as usize,
                    _ => rng.below(peers as u64) as usize,
                };
                let m = message(rng, &raft, peers);
                let before = raft.clone();
                raft.step(now, from, m.clone());
                if from >= peers || m.validate(peers).is_err() {
                    assert_eq!(
                        (raft.current_term(), raft.voted_for(), raft.log()),
                        (before.current_term(), before.voted_for(), before.log()),
                        "a refused message changed the node: {m:?}"
                    );
                    assert!(!raft.has_ready() || before.has_ready(), "{m:?}");
                }
                watch.check(&mut raft, peers, &|| format!("step from {from}: {m:?}"));
            }
        }
    }
    watch.reached
}

#[test]
fn crafted_states_and_messages_never_panic_the_core() {
    seeded("crafted_states_and_messages_never_panic_the_core", |seed| {
        let mut rng = Rng::new(seed);
        let mut total = Reached::default();
        for case in 0..CASES {
            let mut case_rng = Rng::new(rng.next_u64());
            match catch_unwind(AssertUnwindSafe(|| run_case(&mut case_rng))) {
                Ok(r) => {
                    total.restored += r.restored;
                    total.leaders += r.leaders;
                    total.commits += r.commits;
                    total.truncations += r.truncations;
                    total.snapshots_installed += r.snapshots_installed;
                    total.snapshots_taken += r.snapshots_taken;
                }
                Err(panic) => {
                    eprintln!("case {case} of seed {seed} failed");
                    resume_unwind(panic);
                }
            }
        }
        println!("seed {seed}: {CASES} cases, reached {total:?}");
        // Deep enough: nodes restored, led, committed, truncated and installed snapshots.
        assert!(total.restored >= CASES / 8, "{total:?}");
        assert!(
            total.leaders > 0
                && total.commits > 0
                && total.truncations > 0
                && total.snapshots_installed > 0
                && total.snapshots_taken > 0,
            "{total:?}"
        );
    });
}
