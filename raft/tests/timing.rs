//! The timing requirements of the 6.5840 handout, checked on the simulator in virtual time:
//! at most 10 heartbeats per second, a new leader within 5 s of a leader's failure, and
//! election timeouts spread enough that split votes are rare.

use raftlab::core::{MessageKind, NodeEvent};
use raftlab::sim::{EventKind, SimConfig, Simulation};

fn run_until_leader(sim: &mut Simulation, limit_ms: u64) -> Option<usize> {
    let end = sim.now_ms() + limit_ms;
    while sim.now_ms() < end {
        let t = sim.now_ms() + 10;
        sim.run_until(t);
        if let Some(l) = sim.leader() {
            return Some(l);
        }
    }
    None
}

#[test]
fn an_idle_leader_sends_at_most_ten_heartbeats_per_second_to_each_peer() {
    let mut sim = Simulation::new(SimConfig::new(5, 11)).expect("valid config");
    let l = run_until_leader(&mut sim, 5_000).expect("a leader");
    sim.run_until(sim.now_ms() + 1_000);
    drop(sim.drain_events());
    let start = sim.now_ms();
    sim.run_until(start + 10_000);
    let mut per_peer = [0u32; 5];
    for e in sim.drain_events() {
        if let EventKind::Sent {
            from,
            to,
            kind: MessageKind::AppendEntries,
            ..
        } = e.kind
        {
            assert_eq!(from, l, "only the leader sends AppendEntries");
            per_peer[to] += 1;
        }
    }
    for (peer, &count) in per_peer.iter().enumerate().filter(|&(p, _)| p != l) {
        assert!(
            count <= 100,
            "S{} got {count} AppendEntries in 10 s",
            peer + 1
        );
        assert!(
            count >= 90,
            "S{} got only {count} heartbeats in 10 s",
            peer + 1
        );
    }
}

#[test]
fn a_new_leader_is_elected_within_five_seconds_of_a_leader_crash() {
    for seed in 1..=50 {
        let mut sim = Simulation::new(SimConfig::new(5, seed)).expect("valid config");
        let old = run_until_leader(&mut sim, 5_000).expect("a first leader");
        sim.crash(old).expect("crash");
        let crashed_at = sim.now_ms();
        let new = run_until_leader(&mut sim, 5_000);
        assert!(
            new.is_some(),
            "seed {seed}: no new leader within 5 s of {}'s crash at {crashed_at} ms",
            old + 1
        );
    }
}

#[test]
fn split_votes_are_rare() {
    let (mut elections, mut leaders) = (0, 0);
    for seed in 1..=200 {
        let mut sim = Simulation::new(SimConfig::new(5, seed)).expect("valid config");
        run_until_leader(&mut sim, 5_000).expect("a leader");
        for e in sim.drain_events() {
            match e.kind {
                EventKind::Node {
                    event: NodeEvent::ElectionStarted { .. },
                    ..
                } => elections += 1,
                EventKind::Node {
                    event: NodeEvent::BecameLeader { .. },
                    ..
                } => leaders += 1,
                _ => {}
            }
        }
    }
    // Most first elections need a single candidate; allow one extra election in ten.
    assert_eq!(leaders, 200);
    assert!(elections <= 220, "{elections} elections for 200 leaders");
}
