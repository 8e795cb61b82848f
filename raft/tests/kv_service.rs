//! Lab 4's key/value service in the simulator: clients (`Input::KvOp`), their RPCs on the
//! simulated network, the servers' stores, duplicate detection, maxraftstate snapshots and
//! their restore, and the history the linearizability checker reads.
//!
//! Each test names its seeds; a failure says which (replay: `cargo test -p raftlab --test
//! kv_service <test name>`).

use raftlab::core::{NodeEvent, Rule};
use raftlab::kv::Op;
use raftlab::lincheck::{check, kv::Kv, Options, StepBudget, Verdict};
use raftlab::sim::service::StateMachine;
use raftlab::sim::{
    lincheck_history, Error, EventKind, Input, KvReplyKind, NetConfig, SimConfig, Simulation,
    KV_CLIENTS_MAX, KV_KEY_BYTES_MAX, KV_SERVER_WAIT_MS, KV_VALUE_BYTES_MAX,
};

fn get(key: &str) -> Op {
    Op::Get { key: key.into() }
}
fn put(key: &str, value: &str) -> Op {
    Op::Put {
        key: key.into(),
        value: value.into(),
    }
}
fn append(key: &str, value: &str) -> Op {
    Op::Append {
        key: key.into(),
        value: value.into(),
    }
}

fn cluster(nodes: usize, seed: u64) -> Simulation {
    Simulation::new(SimConfig::new(nodes, seed)).expect("valid config")
}

fn leader(sim: &mut Simulation) -> usize {
    for _ in 0..100 {
        if let Some(l) = sim.leader() {
            return l;
        }
        let t = sim.now_ms() + 100;
        sim.run_until(t);
    }
    panic!("no leader within 10 s");
}

fn idle(sim: &Simulation, client: u32) -> bool {
    sim.kv_clients()
        .iter()
        .find(|c| c.id == client)
        .is_none_or(|c| c.pending.is_none())
}

/// Run until `client`'s operation returns (at most `limit_ms` more): its output.
fn finish(sim: &mut Simulation, client: u32, limit_ms: u64) -> Option<String> {
    let end = sim.now_ms() + limit_ms;
    while !idle(sim, client) {
        assert!(
            sim.now_ms() < end,
            "C{} did not return within {limit_ms} ms",
            client + 1
        );
        if !sim.step() {
            panic!("the queue ran dry or stalled");
        }
    }
    sim.kv_history()
        .iter()
        .rev()
        .find(|h| h.client == client)
        .and_then(|h| h.output.clone())
}

/// `client` does `op` and waits for it (at most 10 virtual s).
fn call(sim: &mut Simulation, client: u32, op: Op) -> Option<String> {
    sim.apply(Input::KvOp { client, op }).expect("accepted");
    finish(sim, client, 10_000)
}

fn linearizable(sim: &Simulation) -> Verdict {
    let history = lincheck_history(sim.kv_history());
    let mut budget = StepBudget { left: 50_000_000 };
    check(&Kv, &history, &mut budget, &Options::default())
        .expect("a valid history")
        .verdict
}

#[test]
fn a_put_then_a_get_reads_the_value_and_every_nodes_store_holds_it() {
    for seed in 1..=5 {
        let mut sim = cluster(3, seed);
        leader(&mut sim);
        assert_eq!(call(&mut sim, 0, put("k", "v")), None, "seed {seed}");
        assert_eq!(
            call(&mut sim, 0, get("k")).as_deref(),
            Some("v"),
            "seed {seed}"
        );
        assert_eq!(call(&mut sim, 1, get("nothing")).as_deref(), Some(""));
        let t = sim.now_ms() + 500;
        sim.run_until(t);
        for node in 0..3 {
            assert_eq!(
                sim.kv_store(node).get("k"),
                "v",
                "seed {seed}: S{}",
                node + 1
            );
        }
        let h = sim.kv_history();
        assert_eq!(h.len(), 3);
        assert!(h.iter().enumerate().all(|(i, o)| o.op_id == i as u64));
        assert!(h
            .iter()
            .all(|o| o.return_ms.is_some_and(|r| r >= o.call_ms)));
        assert_eq!(sim.kv_clients().len(), 2);
        assert_eq!(sim.kv_clients()[0].ops_done, 2);
        assert!(sim.kv_rpc_total() >= 3);
        assert_eq!(linearizable(&sim), Verdict::Linearizable);
        assert!(
            sim.violation().is_none(),
            "seed {seed}: {:?}",
            sim.violation()
        );
    }
}

#[test]
fn a_client_retries_through_a_leader_crash_and_its_append_applies_once() {
    for seed in 1..=8 {
        let mut sim = cluster(5, seed);
        let l = leader(&mut sim);
        call(&mut sim, 0, put("k", "a"));
        // The next Append reaches the leader, which crashes before it answers.
        sim.apply(Input::KvOp {
            client: 0,
            op: append("k", "b"),
        })
        .unwrap();
        sim.apply(Input::Crash { node: l }).unwrap();
        finish(&mut sim, 0, 10_000);
        let attempts = sim.kv_clients()[0].attempts;
        assert!(attempts >= 2, "seed {seed}: {attempts} attempts");
        assert_eq!(
            call(&mut sim, 0, get("k")).as_deref(),
            Some("ab"),
            "seed {seed}"
        );
        assert_ne!(sim.kv_clients()[0].leader_guess, l, "seed {seed}");
        assert_eq!(linearizable(&sim), Verdict::Linearizable);
    }
}

/// `clients` clients append `x c i y` to one key concurrently, `each` times, each reading
/// the key after each of its appends (as 6.5840's GenericTest does; the reads also keep the
/// linearizability search small).
fn appending_clients(sim: &mut Simulation, clients: u32, each: u32) {
    // Per client: operations started (even: an Append next, odd: a Get).
    let mut next = vec![0u32; clients as usize];
    let end = sim.now_ms() + 120_000;
    loop {
        for c in 0..clients {
            let n = next[c as usize];
            if idle(sim, c) && n < 2 * each {
                let op = if n.is_multiple_of(2) {
                    append("k", &format!("x {c} {} y", n / 2))
                } else {
                    get("k")
                };
                sim.apply(Input::KvOp { client: c, op }).unwrap();
                next[c as usize] += 1;
            }
        }
        if (0..clients).all(|c| idle(sim, c) && next[c as usize] == 2 * each) {
            return;
        }
        assert!(
            sim.now_ms() < end,
            "the clients did not finish in 120 virtual s"
        );
        assert!(sim.step(), "the queue ran dry or stalled");
    }
}

#[test]
fn on_an_unreliable_net_five_appending_clients_see_each_append_exactly_once() {
    for seed in 1..=4 {
        let mut sim = cluster(5, seed);
        sim.apply(Input::SetNetwork {
            net: NetConfig::LAB_UNRELIABLE,
        })
        .unwrap();
        leader(&mut sim);
        appending_clients(&mut sim, 5, 10);
        let value = call(&mut sim, 0, get("k")).expect("a Get's value");
        for c in 0..5 {
            let mut at = 0;
            for i in 0..10 {
                let part = format!("x {c} {i} y");
                assert_eq!(
                    value.matches(&part).count(),
                    1,
                    "seed {seed}: {part:?} in {value:?}"
                );
                let here = value.find(&part).unwrap();
                assert!(here >= at, "seed {seed}: C{} out of order", c + 1);
                at = here;
            }
        }
        let lost = sim
            .drain_events()
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::KvReplied {
                        reply: KvReplyKind::Timeout,
                        ..
                    }
                )
            })
            .count();
        assert!(lost > 0, "seed {seed}: the net lost nothing");
        assert_eq!(linearizable(&sim), Verdict::Linearizable, "seed {seed}");
        assert!(sim.violation().is_none());
    }
}

/// C1 appends "x" while its end to the leader is cut as the request waits there, so the
/// reply is lost and the Clerk retries; the retry is committed too. The final value.
fn append_with_lost_reply(filter_broken: bool, seed: u64) -> String {
    let mut sim = cluster(3, seed);
    if filter_broken {
        sim.apply(Input::BreakRule {
            rule: Rule::FilterDuplicates,
            broken: true,
        })
        .unwrap();
    }
    let l = leader(&mut sim);
    call(&mut sim, 0, put("k", ""));
    assert_eq!(sim.kv_clients()[0].leader_guess, l);
    sim.drain_events();
    sim.apply(Input::KvOp {
        client: 0,
        op: append("k", "x"),
    })
    .unwrap();
    // Until the leader has started it.
    while !sim
        .drain_events()
        .iter()
        .any(|e| matches!(e.kind, EventKind::Requested { .. }))
    {
        assert!(sim.step());
    }
    sim.apply(Input::KvConnect {
        client: 0,
        servers: vec![],
    })
    .unwrap();
    let t = sim.now_ms() + 300;
    sim.run_until(t);
    sim.apply(Input::KvConnect {
        client: 0,
        servers: vec![0, 1, 2],
    })
    .unwrap();
    finish(&mut sim, 0, 10_000);
    assert!(sim.kv_clients()[0].attempts >= 2);
    let value = call(&mut sim, 0, get("k")).unwrap();
    let verdict = linearizable(&sim);
    assert_eq!(
        verdict == Verdict::Linearizable,
        !filter_broken,
        "seed {seed}: {value:?}"
    );
    value
}

#[test]
fn with_duplicate_filtering_broken_a_retried_append_after_a_lost_reply_applies_twice() {
    for seed in 1..=4 {
        assert_eq!(append_with_lost_reply(false, seed), "x", "seed {seed}");
        assert_eq!(append_with_lost_reply(true, seed), "xx", "seed {seed}");
    }
}

#[test]
fn a_leader_in_a_minority_does_not_answer_a_get_within_a_second() {
    for seed in 1..=4 {
        let mut sim = cluster(5, seed);
        let l = leader(&mut sim);
        call(&mut sim, 0, put("k", "old"));
        let other = (l + 1) % 5;
        let rest: Vec<usize> = (0..5).filter(|&n| n != l && n != other).collect();
        sim.apply(Input::Partition {
            groups: vec![vec![l, other], rest.clone()],
        })
        .unwrap();
        // The majority elects a leader and takes a new value.
        sim.apply(Input::KvConnect {
            client: 1,
            servers: rest.clone(),
        })
        .unwrap();
        call(&mut sim, 1, put("k", "new"));
        // C1 reaches only the old leader, which still believes it leads.
        sim.apply(Input::KvConnect {
            client: 0,
            servers: vec![l],
        })
        .unwrap();
        assert_eq!(sim.get_state(l).map(|s| s.1), Some(true), "seed {seed}");
        sim.drain_events();
        sim.apply(Input::KvOp {
            client: 0,
            op: get("k"),
        })
        .unwrap();
        let t = sim.now_ms() + KV_SERVER_WAIT_MS;
        sim.run_until(t);
        assert!(
            !idle(&sim, 0),
            "seed {seed}: a minority leader answered a Get"
        );
        let t = sim.now_ms() + 100;
        sim.run_until(t);
        let wrong = sim.drain_events().iter().any(|e| {
            matches!(
                e.kind,
                EventKind::KvReplied {
                    reply: KvReplyKind::WrongLeader,
                    ..
                }
            )
        });
        assert!(wrong, "seed {seed}: the server gave up after its wait");
        sim.apply(Input::Heal).unwrap();
        sim.apply(Input::KvConnect {
            client: 0,
            servers: (0..5).collect(),
        })
        .unwrap();
        assert_eq!(
            finish(&mut sim, 0, 10_000).as_deref(),
            Some("new"),
            "seed {seed}"
        );
        assert_eq!(linearizable(&sim), Verdict::Linearizable);
    }
}

#[test]
fn maxraftstate_keeps_every_raft_state_under_eight_times_it_and_snapshots_say_so() {
    for seed in 1..=3 {
        let mut sim = cluster(3, seed);
        sim.apply(Input::KvMaxRaftState { bytes: Some(1000) })
            .unwrap();
        leader(&mut sim);
        let mut snapshots = 0;
        for i in 0..200 {
            call(&mut sim, (i % 3) as u32, append("k", "0123456789"));
            for node in 0..3 {
                let size = sim.node(node).persister.raftstate().len();
                assert!(
                    size <= 8 * 1000,
                    "seed {seed}: S{} holds {size} bytes",
                    node + 1
                );
            }
            snapshots += sim
                .drain_events()
                .iter()
                .filter(|e| matches!(e.kind, EventKind::KvSnapshot { .. }))
                .count();
        }
        assert!(snapshots >= 3, "seed {seed}: {snapshots} snapshots");
        assert_eq!(call(&mut sim, 0, get("k")).unwrap().len(), 2000);
    }
}

#[test]
fn a_restart_restores_the_store_and_the_duplicate_table_from_the_snapshot() {
    for seed in 1..=3 {
        let mut sim = cluster(3, seed);
        sim.apply(Input::KvMaxRaftState { bytes: Some(150) })
            .unwrap();
        leader(&mut sim);
        for i in 0..40 {
            call(&mut sim, 0, append("k", &format!("{i},")));
        }
        let t = sim.now_ms() + 500;
        sim.run_until(t);
        sim.apply(Input::RestartAllFromDisk).unwrap();
        for node in 0..3 {
            let store = sim.kv_store(node);
            assert!(
                !store.get("k").is_empty() && store.last_seq(1).is_some(),
                "seed {seed}: S{} restarted with an empty store",
                node + 1
            );
            assert!("0,1,2,3,4,5,6,7,8,9,10,".starts_with(&store.get("k")[..4]));
        }
        let expected: String = (0..40).map(|i| format!("{i},")).collect();
        assert_eq!(call(&mut sim, 1, get("k")), Some(expected), "seed {seed}");
    }
}

#[test]
fn a_lagging_follower_gets_the_store_by_install_snapshot() {
    for seed in 1..=3 {
        let mut sim = cluster(3, seed);
        sim.apply(Input::KvMaxRaftState { bytes: Some(120) })
            .unwrap();
        let l = leader(&mut sim);
        let f = (l + 1) % 3;
        sim.apply(Input::Disconnect { node: f }).unwrap();
        for i in 0..30 {
            call(&mut sim, 0, put(&format!("k{i}"), &format!("{i}")));
        }
        sim.drain_events();
        sim.apply(Input::Connect { node: f }).unwrap();
        let t = sim.now_ms() + 1_000;
        sim.run_until(t);
        let installed = sim.drain_events().iter().any(|e| {
            matches!(
                e.kind,
                EventKind::Node {
                    node,
                    event: NodeEvent::SnapshotInstalled { .. }
                } if node == f
            )
        });
        assert!(installed, "seed {seed}: S{} installed no snapshot", f + 1);
        assert_eq!(
            sim.kv_store(f),
            sim.kv_store(sim.leader().unwrap()),
            "seed {seed}"
        );
    }
}

#[test]
fn the_same_seed_and_inputs_give_the_same_trace_and_history() {
    let run = |seed| {
        let mut sim = cluster(5, seed);
        sim.apply(Input::SetNetwork {
            net: NetConfig::LAB_UNRELIABLE,
        })
        .unwrap();
        sim.apply(Input::KvMaxRaftState { bytes: Some(2000) })
            .unwrap();
        leader(&mut sim);
        appending_clients(&mut sim, 3, 8);
        (
            sim.trace_digest(),
            sim.kv_history().to_vec(),
            sim.kv_rpc_total(),
        )
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11).0, run(12).0);
}

#[test]
fn refused_key_value_inputs_are_typed_errors_and_change_nothing() {
    let mut sim = cluster(3, 3);
    leader(&mut sim);
    sim.apply(Input::KvOp {
        client: 0,
        op: get("k"),
    })
    .unwrap();
    let long_key = "k".repeat(KV_KEY_BYTES_MAX + 1);
    let long_value = "v".repeat(KV_VALUE_BYTES_MAX + 1);
    let refused = [
        (
            Input::KvOp {
                client: 0,
                op: get("k"),
            },
            Error::KvClientBusy { client: 0 },
            "C1 has an operation outstanding",
        ),
        (
            Input::KvOp {
                client: KV_CLIENTS_MAX,
                op: get("k"),
            },
            Error::KvNoSuchClient {
                client: KV_CLIENTS_MAX,
            },
            "there is no client C33",
        ),
        (
            Input::KvOp {
                client: 1,
                op: get(&long_key),
            },
            Error::KvKeyTooLong { bytes: 65 },
            "a key is at most 64 bytes",
        ),
        (
            Input::KvOp {
                client: 1,
                op: append("k", &long_value),
            },
            Error::KvValueTooLong { bytes: 4097 },
            "a value is at most 4096 bytes",
        ),
        (
            Input::KvConnect {
                client: 1,
                servers: vec![3],
            },
            Error::NoSuchNode { node: 3, nodes: 3 },
            "there is no node S4",
        ),
    ];
    for (input, error, text) in refused {
        let before = (sim.stamp(), sim.trace_digest(), sim.kv_clients().len());
        assert_eq!(sim.apply(input.clone()), Err(error.clone()), "{input:?}");
        assert!(error.to_string().contains(text), "{error}");
        let after = (sim.stamp(), sim.trace_digest(), sim.kv_clients().len());
        assert_eq!(
            before, after,
            "{input:?} was refused but changed the simulation"
        );
    }
}

#[test]
fn without_key_value_clients_snapshots_hold_only_the_counter_and_stores_stay_empty() {
    let mut config = SimConfig::new(3, 4);
    config.snapshot_every = Some(5);
    let mut sim = Simulation::new(config).unwrap();
    let l = leader(&mut sim);
    for i in 0..12u8 {
        sim.apply(Input::Request {
            node: l,
            command: vec![b'c', i],
        })
        .unwrap();
    }
    let t = sim.now_ms() + 1_000;
    sim.run_until(t);
    for node in 0..3 {
        let slot = sim.node(node);
        assert!(slot.store.is_empty());
        let snapshot = slot.persister.snapshot();
        assert!(!snapshot.is_empty(), "S{} took no snapshot", node + 1);
        let state = StateMachine::decode(snapshot).unwrap();
        assert_eq!(
            state.encode()[..],
            snapshot[..],
            "nothing after the counter's state"
        );
    }
}
