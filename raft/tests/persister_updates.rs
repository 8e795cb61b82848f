//! `Persister::update` keeps the stored raft state exactly the bytes a whole `save` would
//! hold (what Lab 3's `RaftStateSize()` measures), whatever the core changed: appends,
//! truncations, compactions, installed snapshots, votes and terms, crashes, broken rules.

use raftlab::core::{Entry, Log, PersistUpdate, PersistentState, Persister, Rule};
use raftlab::sim::rng::Rng;
use raftlab::sim::{Input, NetConfig, SimConfig, Simulation};
use std::sync::Arc;

fn update_of(state: &PersistentState, entries_from: u64, snapshot: &Arc<[u8]>) -> PersistUpdate {
    let log = &state.log;
    let from = entries_from.clamp(log.first_index(), log.last_index() + 1);
    PersistUpdate {
        current_term: state.current_term,
        voted_for: state.voted_for,
        snapshot_index: log.snapshot_index(),
        snapshot_term: log.snapshot_term(),
        entries_from: from,
        entries: log.entries_from(from).to_vec(),
        snapshot: snapshot.clone(),
    }
}

#[test]
fn random_updates_leave_the_bytes_a_whole_save_would_hold() {
    let mut rng = Rng::new(7);
    for case in 0..300 {
        let mut state = PersistentState::default();
        let mut persister = Persister::new();
        let snapshot: Arc<[u8]> = Arc::from(&b"snap"[..]);
        for step in 0..40 {
            let log = &state.log;
            let (si, st) = (log.snapshot_index(), log.snapshot_term());
            let mut entries = log.entries().to_vec();
            let mut changed_from = u64::MAX;
            let mut new_si = (si, st);
            match rng.below(6) {
                // Append a few entries (sometimes of a size whose length prefix is 2 bytes).
                0 | 1 => {
                    changed_from = si + entries.len() as u64 + 1;
                    for _ in 0..rng.below(200) {
                        let len = if rng.chance_permille(100) {
                            200
                        } else {
                            rng.below(9)
                        };
                        entries.push(Entry {
                            term: state.current_term.max(1),
                            command: vec![step as u8; len as usize].into(),
                        });
                    }
                    state.current_term = state.current_term.max(1);
                }
                // Truncate from a held index.
                2 if !entries.is_empty() => {
                    let k = rng.below(entries.len() as u64) as usize;
                    entries.truncate(k);
                    changed_from = si + k as u64 + 1;
                }
                // Compact to a held index, keeping what follows (a service snapshot).
                3 if !entries.is_empty() => {
                    let k = rng.below(entries.len() as u64) as usize;
                    new_si = (si + k as u64 + 1, entries[k].term);
                    entries.drain(..=k);
                }
                // Install a snapshot past the end: the whole log goes.
                4 => {
                    let index = si + entries.len() as u64 + 1 + rng.below(3);
                    new_si = (index, state.current_term.max(1));
                    state.current_term = state.current_term.max(1);
                    entries.clear();
                    changed_from = index + 1;
                }
                // A new term, a vote (the header changes length).
                _ => {
                    state.current_term += 1 + rng.below(200);
                    state.voted_for = rng.chance_permille(500).then(|| rng.below(5) as usize);
                }
            }
            state.log = Log::new(new_si.0, new_si.1, entries);
            let update = update_of(&state, changed_from, &snapshot);
            assert!(
                persister.update(&update),
                "case {case} step {step}: applies"
            );
            assert_eq!(
                persister.raftstate(),
                &state.encode()[..],
                "case {case} step {step}: the bytes of a whole save"
            );
        }
    }
}

#[test]
fn a_persister_saved_from_outside_updates_or_asks_for_a_whole_save() {
    let state = PersistentState {
        current_term: 3,
        voted_for: Some(1),
        log: Log::new(
            4,
            2,
            vec![Entry {
                term: 3,
                command: vec![9; 3].into(),
            }],
        ),
    };
    let snapshot: Arc<[u8]> = Arc::from(&b"s"[..]);
    let mut p = Persister::new();
    p.save(state.encode().into(), snapshot.clone());
    let mut next = state.clone();
    next.log = Log::new(
        4,
        2,
        vec![
            Entry {
                term: 3,
                command: vec![9; 3].into(),
            },
            Entry {
                term: 3,
                command: vec![1].into(),
            },
        ],
    );
    assert!(p.update(&update_of(&next, 6, &snapshot)));
    assert_eq!(p.raftstate(), &next.encode()[..]);
    // Bytes that are no canonical encoding are never patched: a whole save is asked for.
    let mut garbage = Persister::new();
    garbage.save(Arc::from(&[0xffu8; 3][..]), snapshot.clone());
    assert!(!garbage.update(&update_of(&next, 6, &snapshot)));
    assert_eq!(garbage.raftstate(), &[0xff; 3], "unchanged");
    // An update that leaves a gap (entries missing before entries_from) is refused.
    let mut short = Persister::new();
    short.save(PersistentState::default().encode().into(), snapshot.clone());
    assert!(!short.update(&update_of(&next, 6, &snapshot)));
}

/// What `n`'s persister holds, a node that never saved holding the default state.
fn stored(sim: &Simulation, n: usize) -> Vec<u8> {
    let bytes = sim.node(n).persister.raftstate();
    if bytes.is_empty() {
        PersistentState::default().encode()
    } else {
        bytes.to_vec()
    }
}

/// Every live node's persister, after every event of a run with crashes, partitions,
/// losses and snapshots, holds exactly the whole encoding of its state (every rule kept:
/// then every change is saved before the next event).
#[test]
fn in_a_run_every_persister_holds_the_whole_encoding_after_every_event() {
    for (seed, snapshot_every) in [(1, None), (2, Some(10)), (3, Some(3))] {
        let mut config = SimConfig::new(5, seed);
        config.net = NetConfig::LAB_UNRELIABLE;
        config.snapshot_every = snapshot_every;
        let mut sim = Simulation::new(config).unwrap();
        let mut rng = Rng::new(seed);
        sim.apply(Input::ClientLoad { per_second: 50 }).unwrap();
        for ms in (0..8_000).step_by(250) {
            while sim.next_action_ms().is_some_and(|t| t <= ms) {
                sim.step();
                for n in 0..sim.len() {
                    if let Some(raft) = sim.raft(n) {
                        assert_eq!(
                            stored(&sim, n),
                            raft.encode_persistent_state(),
                            "seed {seed}, node {n} at {} ms",
                            sim.now_ms()
                        );
                    }
                }
            }
            let node = rng.below(5) as usize;
            let _ = match rng.below(8) {
                0 => sim.apply(Input::Crash { node }),
                1 => sim.apply(Input::Restart { node }),
                2 => sim.apply(Input::Disconnect { node }),
                3 => sim.apply(Input::Connect { node }),
                _ => Ok(raftlab::sim::Outcome::Done),
            };
        }
        assert!(
            sim.violation().is_none(),
            "seed {seed}: {:?}",
            sim.violation()
        );
    }
}

/// With PersistLog or PersistVotedFor broken, saves lag the core; what is saved must still
/// be a whole, restorable encoding.
#[test]
fn with_persistence_rules_broken_every_save_is_still_a_whole_encoding() {
    for rule in [Rule::PersistLog, Rule::PersistVotedFor] {
        let mut config = SimConfig::new(3, 11);
        config.net = NetConfig::LAB_UNRELIABLE;
        config.snapshot_every = Some(5);
        let mut sim = Simulation::new(config).unwrap();
        sim.apply(Input::BreakRule { rule, broken: true }).unwrap();
        sim.apply(Input::ClientLoad { per_second: 50 }).unwrap();
        for ms in (0..10_000).step_by(500) {
            sim.run_until(ms);
            let _ = sim.apply(Input::Restart {
                node: (ms / 500 % 3) as usize,
            });
            for n in 0..sim.len() {
                let bytes = sim.node(n).persister.raftstate();
                let state = PersistentState::restore(bytes, 3).expect("restorable");
                assert_eq!(
                    state.encode(),
                    stored(&sim, n),
                    "{rule:?}: canonical, node {n}"
                );
            }
        }
        if rule == Rule::PersistLog {
            sim.apply(Input::BreakRule {
                rule,
                broken: false,
            })
            .unwrap();
            sim.run_until(11_000);
            for n in 0..sim.len() {
                if let Some(raft) = sim.raft(n) {
                    assert_eq!(stored(&sim, n), raft.encode_persistent_state());
                }
            }
        }
    }
}
