//! Rules a student can break (`core::rules`): for each rule, one deterministic run, built
//! from the simulator's `Input`s at a fixed seed on a network where every message arrives at
//! once (`NetConfig::INSTANT`; a fixed 50 ms delay where a message must arrive late), in
//! which breaking the rule makes the safety checker report the property the rule protects,
//! and the same inputs with every rule kept report nothing. Then: `Input::BreakRule` is part
//! of the run (replays, reaches restarted nodes, keeps earlier encodings), and random runs
//! with random rules broken never panic the core or the simulator.

use raftlab::core::{
    AppendEntriesArgs, ApplyMsg, BrokenRules, Entry, Message, NodeEvent, Persister, Raft, Rule,
    Timing,
};
use raftlab::sim::rng::{mix, Rng};
use raftlab::sim::{
    Input, NetConfig, Property, SimConfig, Simulation, Stamp, Violation, VIOLATIONS_MAX,
};
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// One step of a scripted run: an input, or letting time pass. After each step, what can be
/// delivered at once is (no timer fires).
#[derive(Clone, Debug)]
enum Step {
    In(Input),
    /// Let `ms` virtual milliseconds pass.
    Wait(u64),
    /// Time `node` out until it leads (at most 5 elections, each settled).
    Elect(usize),
}

use Step::*;

fn isolate(groups: &[&[usize]]) -> Step {
    In(Input::Partition {
        groups: groups.iter().map(|g| g.to_vec()).collect(),
    })
}

fn request(node: usize, command: &str) -> Step {
    In(Input::Request {
        node,
        command: command.as_bytes().to_vec(),
    })
}

fn timeout(node: usize) -> Step {
    In(Input::Timeout { node })
}

/// Requests take `ms` to arrive from now on (replies stay instant).
fn request_delay(ms: u64) -> Step {
    In(Input::SetNetwork {
        net: NetConfig {
            request_delay_ms_min: ms,
            request_delay_ms_max: ms,
            ..NetConfig::INSTANT
        },
    })
}

/// The run of `script` on `nodes` nodes at `seed`, with `broken` broken from the start.
fn play(nodes: usize, seed: u64, broken: Option<Rule>, script: &[Step]) -> Simulation {
    let mut config = SimConfig::new(nodes, seed);
    config.net = NetConfig::INSTANT;
    let mut sim = Simulation::new(config).expect("valid config");
    if let Some(rule) = broken {
        sim.apply(Input::BreakRule { rule, broken: true })
            .expect("a rule can always be broken");
    }
    for step in script {
        match step {
            In(input) => {
                // A refused input (a request to a follower, say) changes nothing.
                let _ = sim.apply(input.clone());
            }
            Wait(ms) => {
                let until = sim.now_ms() + ms;
                sim.run_until(until);
            }
            Elect(node) => {
                for _ in 0..5 {
                    if sim.get_state(*node).is_none_or(|s| s.1) {
                        break;
                    }
                    let _ = sim.apply(Input::Timeout { node: *node });
                    let now = sim.now_ms();
                    sim.run_until(now);
                }
            }
        }
        let now = sim.now_ms();
        sim.run_until(now);
    }
    sim
}

fn replay_command(test: &str) -> String {
    format!("cargo test -p raftlab --test broken_rules -- --exact {test}")
}

/// Seed, rule, violations, the last events and the replay command.
fn report(sim: &Simulation, seed: u64, rule: Option<Rule>, test: &str, what: &str) -> String {
    let rule = rule.map_or("none".to_string(), |r| r.id().to_string());
    let mut out = format!(
        "{what}\n  seed {seed}, rule broken: {rule}, at virtual time {} ms\n  violations:\n",
        sim.now_ms()
    );
    for v in sim.violations() {
        let _ = writeln!(
            out,
            "    {} ms {} nodes {:?} indices {:?}: {v}",
            v.at_ms,
            v.property.id(),
            v.nodes,
            v.indices
        );
    }
    out.push_str("  last events:\n");
    for e in sim.recent_events(40) {
        let _ = writeln!(out, "    {:>7} ms  {:?}", e.time_ms, e.kind);
    }
    let _ = write!(out, "  replay: {}", replay_command(test));
    out
}

/// The violation of `expected` that breaking `rule` produces in `script`, after checking
/// that the same script with every rule kept produces none.
fn breaking_shows(
    test: &str,
    rule: Rule,
    expected: Property,
    nodes: usize,
    seed: u64,
    script: &[Step],
) -> Violation {
    assert!(
        rule.teaches()
            .contains(&format!("({})", expected.name().to_lowercase())),
        "{} teaches {:?}",
        rule.id(),
        rule.teaches()
    );
    let kept = play(nodes, seed, None, script);
    assert!(
        kept.violations().is_empty(),
        "{}",
        report(
            &kept,
            seed,
            None,
            test,
            "with every rule kept, the run broke safety"
        )
    );
    let broken = play(nodes, seed, Some(rule), script);
    assert_eq!(broken.broken_rules(), BrokenRules::NONE.with(rule));
    let found = broken.violations().iter().find(|v| v.property == expected);
    let what = format!("breaking {} did not break {}", rule.id(), expected.id());
    let violation = found
        .unwrap_or_else(|| panic!("{}", report(&broken, seed, Some(rule), test, &what)))
        .clone();
    assert!(
        broken.violations().iter().all(|v| v.property.is_safety()),
        "{}",
        report(
            &broken,
            seed,
            Some(rule),
            test,
            "a livelock, not a safety violation"
        )
    );
    eprintln!("{test}: {violation}");
    violation
}

#[test]
fn breaking_commit_current_term_lets_figure_8_apply_two_commands_at_one_index() {
    // Figure 8 of the paper, as in tests/scenarios.rs: index 2 of term 1 reaches a majority
    // in term 3; counted as committed, it is applied by S1, then S5 overwrites it.
    let script = [
        Elect(0),
        request(0, "x1"),
        isolate(&[&[0, 1], &[2], &[3], &[4]]),
        request(0, "x2"),
        isolate(&[&[2, 3, 4], &[0], &[1]]),
        Elect(4),
        isolate(&[&[4], &[0], &[1], &[2], &[3]]),
        request(4, "y2"),
        isolate(&[&[0, 1, 2], &[3], &[4]]),
        Wait(100),
        Elect(0),
        // S1's heartbeat tells S1..S3 what it committed.
        Wait(100),
        isolate(&[&[1, 2, 3, 4], &[0]]),
        Wait(100),
        Elect(4),
        request(4, "z"),
        Wait(100),
    ];
    let test = "breaking_commit_current_term_lets_figure_8_apply_two_commands_at_one_index";
    let broken = play(5, 8, Some(Rule::CommitCurrentTerm), &script);
    let v = breaking_shows(
        test,
        Rule::CommitCurrentTerm,
        Property::StateMachineSafety,
        5,
        8,
        &script,
    );
    assert_eq!(v.indices, [2], "{v}");
    // S1 applied the counted entry at index 2; S5, with the rule broken too, commits its own
    // older entry there by counting, and applies another command at index 2.
    let applied_twice = broken.violations().iter().find(|v| {
        v.property == Property::StateMachineSafety
            && v.detail.contains("applied a different command at index 2")
    });
    let applied_twice = applied_twice.unwrap_or_else(|| {
        let what = "no server applied a different command at index 2";
        panic!(
            "{}",
            report(&broken, 8, Some(Rule::CommitCurrentTerm), test, what)
        )
    });
    assert_eq!(applied_twice.nodes, [4, 0], "{applied_twice}");
    // The first thing the checker says is the premature commit, in §5.4.2's words.
    let first = broken.violation().expect("a violation");
    assert_eq!(
        (first.property, &first.nodes[..], &first.indices[..]),
        (Property::LeaderCompleteness, &[0][..], &[2][..]),
        "{first}"
    );
    assert!(first.detail.contains("§5.4.2"), "{first}");
}

#[test]
fn breaking_vote_up_to_date_elects_a_leader_without_a_committed_entry() {
    // S1 leads term 1 and commits index 1 with S2 while S3 is cut off; then S3, whose log is
    // empty, campaigns with S2 alone.
    let script = [
        isolate(&[&[0, 1], &[2]]),
        Elect(0),
        request(0, "a"),
        isolate(&[&[1, 2], &[0]]),
        timeout(2),
        timeout(2),
    ];
    let test = "breaking_vote_up_to_date_elects_a_leader_without_a_committed_entry";
    let v = breaking_shows(
        test,
        Rule::VoteUpToDate,
        Property::LeaderCompleteness,
        3,
        1,
        &script,
    );
    assert_eq!((&v.nodes[..], &v.indices[..]), (&[2][..], &[1][..]), "{v}");
}

#[test]
fn breaking_persist_voted_for_lets_a_restarted_node_vote_twice_and_elect_two_leaders() {
    // S3 wins term 1 with S1's vote while S2 is cut off; S1 restarts; S2 campaigns for
    // term 1 with S1 alone.
    let script = [
        isolate(&[&[0, 2], &[1]]),
        timeout(2),
        In(Input::Restart { node: 0 }),
        isolate(&[&[0, 1], &[2]]),
        timeout(1),
    ];
    let test = "breaking_persist_voted_for_lets_a_restarted_node_vote_twice_and_elect_two_leaders";
    let v = breaking_shows(
        test,
        Rule::PersistVotedFor,
        Property::ElectionSafety,
        3,
        9,
        &script,
    );
    assert_eq!(v.nodes, [2, 1], "{v}");
    assert!(v.detail.contains("term 1"), "{v}");
}

#[test]
fn breaking_persist_log_loses_an_acknowledged_entry_in_a_crash() {
    // S2 acknowledges index 1 so that S1 commits it, then restarts; S3 (empty log) then
    // campaigns with S2 alone.
    let script = [
        isolate(&[&[0, 1], &[2]]),
        Elect(0),
        request(0, "a"),
        In(Input::Restart { node: 1 }),
        isolate(&[&[1, 2], &[0]]),
        timeout(2),
        timeout(2),
    ];
    let test = "breaking_persist_log_loses_an_acknowledged_entry_in_a_crash";
    let v = breaking_shows(
        test,
        Rule::PersistLog,
        Property::LeaderCompleteness,
        3,
        2,
        &script,
    );
    assert_eq!((&v.nodes[..], &v.indices[..]), (&[2][..], &[1][..]), "{v}");
}

#[test]
fn breaking_append_entries_term_lets_a_deposed_leader_overwrite_a_committed_entry() {
    // S1 leads term 1 (index 1 everywhere). Its AppendEntries for index 2 ("b") to S3 is
    // slow; meanwhile S2 leads term 2 with S3 and commits "c", "d" at 2, 3. The stale
    // request then reaches S3, and S3 with S1 elects a leader.
    let script = [
        Elect(0),
        request(0, "a"),
        isolate(&[&[0, 2], &[1]]),
        request_delay(50),
        request(0, "b"),
        request_delay(0),
        isolate(&[&[1, 2], &[0]]),
        Elect(1),
        request(1, "c"),
        request(1, "d"),
        Wait(50),
        isolate(&[&[0, 2], &[1]]),
        Elect(2),
        request(2, "e"),
        Wait(100),
    ];
    let test = "breaking_append_entries_term_lets_a_deposed_leader_overwrite_a_committed_entry";
    let v = breaking_shows(
        test,
        Rule::AppendEntriesTerm,
        Property::LeaderCompleteness,
        3,
        3,
        &script,
    );
    assert_eq!((&v.nodes[..], &v.indices[..]), (&[2][..], &[2][..]), "{v}");
}

#[test]
fn breaking_truncate_on_conflict_lets_a_late_append_entries_delete_a_committed_entry() {
    // S1 leads term 1 with S3 (S2 cut off). Its request for index 2 ("b") to S3 is slow; a
    // backup sends S3 "b" and "c" at once, and S1 commits index 3. Then the slow request
    // arrives. S3 then campaigns with S2.
    let script = [
        Elect(0),
        request(0, "a"),
        isolate(&[&[0, 2], &[1]]),
        request_delay(50),
        request(0, "b"),
        request_delay(0),
        request(0, "c"),
        Wait(50),
        isolate(&[&[1, 2], &[0]]),
        Elect(2),
    ];
    let test = "breaking_truncate_on_conflict_lets_a_late_append_entries_delete_a_committed_entry";
    let v = breaking_shows(
        test,
        Rule::TruncateOnConflict,
        Property::LeaderCompleteness,
        3,
        4,
        &script,
    );
    assert_eq!((&v.nodes[..], &v.indices[..]), (&[2][..], &[3][..]), "{v}");
}

#[test]
fn property_ids_and_names_are_the_papers_and_progress_is_not_a_safety_property() {
    let ids: Vec<&str> = Property::SAFETY.iter().map(|p| p.id()).collect();
    assert_eq!(
        ids,
        [
            "election-safety",
            "leader-append-only",
            "log-matching",
            "leader-completeness",
            "state-machine-safety"
        ]
    );
    for p in Property::SAFETY {
        assert!(p.is_safety());
        assert_eq!(Property::from_id(p.id()), Some(p));
        assert!(!p.guarantee().is_empty());
    }
    assert_eq!(Property::StateMachineSafety.name(), "State Machine Safety");
    assert!(!Property::Progress.is_safety());
    assert_eq!(Property::from_id("liveness"), None);
}

#[test]
fn rules_have_the_pages_labels_and_stable_ids() {
    let page: Vec<(&str, &str)> = Rule::ALL.iter().map(|r| (r.id(), r.label())).collect();
    assert_eq!(
        page,
        [
            (
                "commit-current-term",
                "commit only current-term entries (§5.4.2)"
            ),
            (
                "vote-up-to-date",
                "grant votes only to up-to-date logs (§5.4.1)"
            ),
            (
                "persist-voted-for",
                "persist votedFor before voting (Figure 2)"
            ),
            ("persist-log", "persist the log before replying (Figure 2)"),
            (
                "append-entries-term",
                "reject AppendEntries from an older term (Figure 2)"
            ),
            (
                "truncate-on-conflict",
                "truncate the log only on conflict (Figure 2)"
            ),
        ]
    );
    for rule in Rule::ALL {
        assert_eq!(Rule::from_id(rule.id()), Some(rule));
        assert!(!rule.teaches().is_empty());
    }
}

#[test]
fn a_broken_rule_is_part_of_the_run_reaches_restarted_nodes_and_keeps_old_encodings() {
    // Earlier inputs keep their encoding (links and run files store postcard of Input).
    assert_eq!(
        postcard::to_allocvec(&Input::RestartAllFromDisk).unwrap(),
        [12]
    );
    let input = Input::BreakRule {
        rule: Rule::PersistLog,
        broken: true,
    };
    let bytes = postcard::to_allocvec(&input).unwrap();
    assert_eq!(bytes, [13, 3, 1]);
    assert_eq!(postcard::from_bytes::<Input>(&bytes).unwrap(), input);

    // Record a run with a rule broken, then restored, then broken again.
    let mut sim = Simulation::new(SimConfig::new(3, 11)).expect("valid config");
    let mut run: Vec<(Stamp, Input)> = Vec::new();
    let moves = [
        (
            500,
            Input::BreakRule {
                rule: Rule::VoteUpToDate,
                broken: true,
            },
        ),
        (900, Input::ClientLoad { per_second: 20 }),
        (1_500, Input::Crash { node: 1 }),
        (
            2_000,
            Input::BreakRule {
                rule: Rule::VoteUpToDate,
                broken: false,
            },
        ),
        (
            2_100,
            Input::BreakRule {
                rule: Rule::PersistVotedFor,
                broken: true,
            },
        ),
        (2_500, Input::Restart { node: 1 }),
    ];
    for (at_ms, input) in moves {
        sim.run_until(at_ms);
        run.push((sim.stamp(), input.clone()));
        sim.apply(input).expect("a valid move");
    }
    sim.run_until(4_000);
    let expected = BrokenRules::NONE.with(Rule::PersistVotedFor);
    assert_eq!(sim.broken_rules(), expected);
    for node in 0..3 {
        assert_eq!(
            sim.raft(node).expect("alive").broken_rules(),
            expected,
            "S{} (S2 restarted after the rule changed)",
            node + 1
        );
    }
    let mut replay = Simulation::new(SimConfig::new(3, 11)).expect("valid config");
    for (stamp, input) in run {
        replay.run_to(stamp);
        replay.apply(input).expect("replays");
    }
    replay.run_until(4_000);
    assert_eq!(replay.trace_digest(), sim.trace_digest());
    assert_eq!(replay.broken_rules(), expected);
}

/// Seeds of the fuzz test (`RAFTLAB_SEED=n` runs seed n alone).
const FUZZ_SEEDS: std::ops::Range<u64> = 1..81;
/// Inputs per fuzz run, and the virtual time they are spread over.
const FUZZ_INPUTS: u64 = 80;
const FUZZ_MS: u64 = 10_000;

/// A random run with random rules broken and restored, random faults and load.
fn fuzz_run(seed: u64) -> Simulation {
    let mut rng = Rng::new(mix(seed ^ 0xb40c));
    let nodes = 3 + rng.below(3) as usize;
    let mut config = SimConfig::new(nodes, seed);
    config.net = [
        NetConfig::INSTANT,
        NetConfig::LAB_RELIABLE,
        NetConfig::LAB_UNRELIABLE,
    ][rng.below(3) as usize];
    config.snapshot_every = [None, Some(3), Some(10)][rng.below(3) as usize];
    let mut sim = Simulation::new(config).expect("valid config");
    for rule in Rule::ALL {
        if rng.below(2) == 0 {
            let _ = sim.apply(Input::BreakRule { rule, broken: true });
        }
    }
    for i in 0..FUZZ_INPUTS {
        let until = sim.now_ms() + rng.below(2 * FUZZ_MS / FUZZ_INPUTS);
        sim.run_until(until);
        let node = rng.below(nodes as u64) as usize;
        let other = (node + 1 + rng.below(nodes as u64 - 1) as usize) % nodes;
        let input = match rng.below(16) {
            0..=3 => Input::Request {
                node,
                command: format!("c{i}").into_bytes(),
            },
            4 => Input::Crash { node },
            5 => Input::Restart { node },
            6 => Input::Disconnect { node },
            7 => Input::Connect { node },
            8 => Input::Partition {
                groups: vec![vec![node, other]],
            },
            9 => Input::Heal,
            10 => Input::Timeout { node },
            11 => Input::ClientLoad {
                per_second: rng.below(30) as u32,
            },
            12 => Input::RestartAllFromDisk,
            13 => Input::Snapshot {
                node,
                index: rng.below(20),
                data: vec![i as u8],
            },
            _ => Input::BreakRule {
                rule: Rule::ALL[rng.below(6) as usize],
                broken: rng.below(3) != 0,
            },
        };
        let _ = sim.apply(input);
    }
    sim.run_until(sim.now_ms() + 1_000);
    sim
}

#[test]
fn random_runs_with_random_rules_broken_never_panic() {
    let seeds: Vec<u64> = match std::env::var("RAFTLAB_SEED") {
        Ok(s) => vec![s.trim().parse().expect("RAFTLAB_SEED is a number")],
        Err(_) => FUZZ_SEEDS.collect(),
    };
    let mut violated = 0;
    for seed in seeds {
        let result = catch_unwind(AssertUnwindSafe(|| fuzz_run(seed)));
        match result {
            Ok(sim) => {
                assert!(sim.violations().len() <= VIOLATIONS_MAX);
                violated += usize::from(sim.violation().is_some());
            }
            Err(panic) => {
                eprintln!(
                    "FAILED at seed {seed}; replay with:\n  RAFTLAB_SEED={seed} {}",
                    replay_command("random_runs_with_random_rules_broken_never_panic")
                );
                std::panic::resume_unwind(panic);
            }
        }
    }
    eprintln!("fuzz: {violated} runs broke safety (expected with rules broken), none panicked");
}

/// A follower fed by hand: its committed entries 1..=3 (applied when `drained`), then a
/// deposed leader's request that deletes them.
fn follower_that_lost_committed_entries(broken: BrokenRules, drained: bool) -> Raft {
    let append = |term, prev: (u64, u64), entries: Vec<Entry>, leader_commit| {
        Message::AppendEntries(AppendEntriesArgs {
            term,
            leader_id: 1,
            prev_log_index: prev.0,
            prev_log_term: prev.1,
            entries,
            leader_commit,
        })
    };
    let entry = |term, command: &str| Entry {
        term,
        command: command.as_bytes().into(),
    };
    let mut raft = Raft::new(0, 3, &Persister::new(), Timing::LAB, 1, 0).expect("fresh node");
    raft.set_broken_rules(broken);
    raft.step(0, 1, append(1, (0, 0), vec![entry(1, "a")], 1));
    let log = vec![entry(2, "c"), entry(2, "d")];
    raft.step(10, 2, append(2, (1, 1), log, 3));
    assert_eq!(raft.commit_index(), 3);
    if drained {
        assert_eq!(raft.ready().applies.len(), 3);
    }
    // Term 1's deposed leader: index 2 is "b" of term 1.
    raft.step(20, 1, append(1, (1, 1), vec![entry(1, "b")], 1));
    raft
}

#[test]
fn a_follower_that_lost_committed_entries_to_a_broken_rule_keeps_commit_index_and_never_panics() {
    let kept = follower_that_lost_committed_entries(BrokenRules::NONE, true);
    assert_eq!(
        kept.log().last_index(),
        3,
        "with every rule kept, it is refused"
    );

    let broken = BrokenRules::NONE.with(Rule::AppendEntriesTerm);
    // A caller that drains `ready()` only now: the service gets what the log holds, 1 and
    // the deposed leader's 2, and waits for index 3.
    let mut late = follower_that_lost_committed_entries(broken, false);
    let commands: Vec<Vec<u8>> = late
        .ready()
        .applies
        .into_iter()
        .filter_map(|a| match a {
            ApplyMsg::Command { command, .. } => Some(command.to_vec()),
            ApplyMsg::Snapshot { .. } => None,
        })
        .collect();
    assert_eq!(commands, [b"a".to_vec(), b"b".to_vec()]);
    assert_eq!((late.last_applied(), late.commit_index()), (2, 3));
    assert!(!late.has_ready(), "index 3 is not held: nothing to apply");

    let mut raft = follower_that_lost_committed_entries(broken, true);
    assert_eq!(
        (raft.log().last_index(), raft.log().term_at(2)),
        (2, Some(1))
    );
    // commitIndex and lastApplied never go back, as in real code, though the log is shorter.
    assert_eq!((raft.commit_index(), raft.last_applied()), (3, 3));
    let ready = raft.ready();
    assert!(ready.applies.is_empty(), "{:?}", ready.applies);
    assert!(ready.events.iter().any(|e| matches!(
        e,
        NodeEvent::LogTruncated {
            from: 2,
            to: 3,
            committed: true,
            ..
        }
    )));
    assert!(
        !raft.has_ready(),
        "nothing left to apply that the log holds"
    );
    // The service snapshots through what it applied: index 3 is gone, so nothing happens.
    raft.snapshot(3, b"state".to_vec());
    assert_eq!(raft.log().snapshot_index(), 0);
    // Indices 3..=5 arrive again: index 3 was applied already (its old command), so only
    // 4 and 5 are handed to the service.
    let more = (3..=5)
        .map(|i| Entry {
            term: 1,
            command: vec![i].into(),
        })
        .collect();
    raft.step(
        30,
        1,
        Message::AppendEntries(AppendEntriesArgs {
            term: 1,
            leader_id: 1,
            prev_log_index: 2,
            prev_log_term: 1,
            entries: more,
            leader_commit: 5,
        }),
    );
    let applied: Vec<u64> = raft
        .ready()
        .applies
        .iter()
        .map(|a| match a {
            ApplyMsg::Command { index, .. } => *index,
            ApplyMsg::Snapshot { index, .. } => *index,
        })
        .collect();
    assert_eq!(applied, [4, 5]);
}

#[test]
fn keeping_a_persistence_rule_again_saves_at_once_and_a_broken_truncation_is_saved() {
    let mut raft = Raft::new(0, 3, &Persister::new(), Timing::LAB, 1, 0).expect("fresh node");
    raft.campaign();
    raft.ready();
    // Breaking a rule saves nothing; keeping one of the persistence rules again does.
    for rule in Rule::ALL {
        raft.set_broken_rules(BrokenRules::NONE.with(rule));
        assert!(raft.ready().persist.is_none(), "breaking {}", rule.id());
        raft.set_broken_rules(BrokenRules::NONE);
        let saved = raft.ready().persist.is_some();
        let persistence = matches!(rule, Rule::PersistVotedFor | Rule::PersistLog);
        assert_eq!(saved, persistence, "keeping {} again", rule.id());
    }
    // votedFor (itself, as a candidate) is saved only while PersistVotedFor is kept.
    let voted_for = |raft: &mut Raft| raft.ready().persist.expect("saved").voted_for;
    raft.set_broken_rules(BrokenRules::NONE.with(Rule::PersistVotedFor));
    raft.campaign();
    assert_eq!(voted_for(&mut raft), None);
    raft.set_broken_rules(BrokenRules::NONE);
    assert_eq!(voted_for(&mut raft), Some(0));

    // TruncateOnConflict broken: a stale heartbeat deletes entries 2..=3, and the shorter log
    // is saved like any other change (PersistLog kept).
    let mut follower = Raft::new(1, 3, &Persister::new(), Timing::LAB, 1, 0).expect("fresh");
    follower.set_broken_rules(BrokenRules::NONE.with(Rule::TruncateOnConflict));
    let append = |prev_log_index, entries: Vec<Entry>| {
        Message::AppendEntries(AppendEntriesArgs {
            term: 1,
            leader_id: 0,
            prev_log_index,
            prev_log_term: u64::from(prev_log_index > 0),
            entries,
            leader_commit: 0,
        })
    };
    let entries = (0..3u8)
        .map(|i| Entry {
            term: 1,
            command: vec![i].into(),
        })
        .collect();
    follower.step(0, 0, append(0, entries));
    follower.ready();
    follower.step(1, 0, append(1, Vec::new()));
    assert_eq!(follower.log().last_index(), 1);
    let ready = follower.ready();
    assert!(
        ready.events.contains(&NodeEvent::LogTruncated {
            from: 2,
            to: 3,
            conflicted: false,
            committed: false,
        }),
        "the event says the deleted entries matched: {:?}",
        ready.events
    );
    let update = ready.persist.expect("the truncation is saved");
    assert_eq!(
        (update.entries_from, update.entries.len()),
        (2, 0),
        "what the disk holds from index 2 on is replaced by nothing"
    );
}
