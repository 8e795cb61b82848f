//! Scenarios built step by step with partitions, crashes and forced timeouts in zero-delay
//! virtual time, for rules that random testing rarely reaches: Figure 8 of the Raft paper
//! (§5.4.2), and votedFor surviving a crash.

use raftlab::core::NodeEvent;
use raftlab::sim::{EventKind, NetConfig, SimConfig, Simulation};

/// A cluster on a network where every message arrives at once, in order.
fn instant(nodes: usize, seed: u64) -> Simulation {
    let mut config = SimConfig::new(nodes, seed);
    config.net = NetConfig::INSTANT;
    Simulation::new(config).expect("valid config")
}

/// Deliver everything that can be delivered now, without letting time pass (no timer fires).
fn settle(sim: &mut Simulation) {
    let now = sim.now_ms();
    sim.run_until(now);
}

fn groups(sim: &mut Simulation, groups: &[&[usize]]) {
    let groups: Vec<Vec<usize>> = groups.iter().map(|g| g.to_vec()).collect();
    sim.partition(&groups).expect("valid partition");
    settle(sim);
}

fn term(sim: &Simulation, node: usize) -> u64 {
    sim.raft(node).expect("alive").current_term()
}

#[test]
fn old_term_entry_on_a_majority_is_not_committed_by_counting_and_a_later_leader_may_overwrite_it() {
    let mut sim = instant(5, 8);
    // (a) S1 leads term 1; index 1 commits everywhere; index 2 (term 1) reaches only S2.
    sim.timeout(0).expect("S1 campaigns");
    settle(&mut sim);
    assert_eq!(sim.get_state(0), Some((1, true)));
    sim.start(0, b"x1".to_vec()).expect("S1 leads");
    settle(&mut sim);
    groups(&mut sim, &[&[0, 1], &[2], &[3], &[4]]);
    assert_eq!(sim.start(0, b"x2".to_vec()), Some((2, 1)));
    settle(&mut sim);
    assert_eq!(sim.raft(1).unwrap().log().last_index(), 2);

    // (b) S1 is cut off; S5 leads term 2 with votes from S3, S4 and appends index 2 (term 2) alone.
    groups(&mut sim, &[&[2, 3, 4], &[0], &[1]]);
    sim.timeout(4).expect("S5 campaigns");
    settle(&mut sim);
    assert_eq!(sim.get_state(4), Some((2, true)));
    groups(&mut sim, &[&[4], &[0], &[1], &[2], &[3]]);
    assert_eq!(sim.start(4, b"y2".to_vec()), Some((2, 2)));
    settle(&mut sim);

    // (c) S5 is cut off; S1 leads term 3 with S2, S3 and copies index 2 (term 1) to S3:
    // it is now on a majority (S1, S2, S3), but it is not from S1's term.
    groups(&mut sim, &[&[0, 1, 2], &[3], &[4]]);
    // S1's next heartbeat meets S3's term 2, and S1 steps down (no election timer fires yet).
    let heartbeat = sim.now_ms() + 100;
    sim.run_until(heartbeat);
    assert_eq!(sim.get_state(0), Some((2, false)));
    while !sim.get_state(0).unwrap().1 {
        sim.timeout(0).expect("S1 campaigns again");
        settle(&mut sim);
    }
    assert_eq!(term(&sim, 0), 3);
    assert_eq!(
        sim.raft(2).unwrap().log().term_at(2),
        Some(1),
        "S3 holds the old entry"
    );
    assert_eq!(
        sim.raft(0).unwrap().commit_index(),
        1,
        "S1 must not commit index 2 of term 1 by counting replicas"
    );

    // (d) S1 is cut off; S5 (last log term 2) wins term 4 and overwrites index 2 everywhere.
    groups(&mut sim, &[&[1, 2, 3, 4], &[0]]);
    let heartbeat = sim.now_ms() + 100;
    sim.run_until(heartbeat);
    assert_eq!(
        sim.get_state(4),
        Some((3, false)),
        "S5 learned of term 3 and stepped down"
    );
    while !sim.get_state(4).unwrap().1 {
        sim.timeout(4).expect("S5 campaigns");
        settle(&mut sim);
    }
    sim.start(4, b"z".to_vec()).expect("S5 leads");
    settle(&mut sim);
    for node in 1..5 {
        assert_eq!(
            sim.raft(node).unwrap().log().term_at(2),
            Some(2),
            "S{} has S5's entry at index 2",
            node + 1
        );
    }
    // S2 and S3 deleted their conflicting entry 2 (term 1), and the event stream says so.
    let truncated: Vec<(usize, u64)> = sim
        .drain_events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::Node {
                node,
                event: NodeEvent::LogTruncated { from, .. },
            } => Some((node, from)),
            _ => None,
        })
        .collect();
    assert!(
        truncated.contains(&(1, 2)) && truncated.contains(&(2, 2)),
        "truncations: {truncated:?}"
    );
    assert!(sim.violation().is_none(), "{}", sim.violation().unwrap());
}

#[test]
fn a_node_that_voted_and_restarted_does_not_vote_again_in_the_same_term() {
    let mut sim = instant(3, 9);
    // S3 wins term 1 with S1's vote while S2 is cut off (S2 stays in term 0).
    groups(&mut sim, &[&[0, 2], &[1]]);
    sim.timeout(2).expect("S3 campaigns");
    settle(&mut sim);
    assert_eq!(sim.get_state(2), Some((1, true)));
    assert_eq!(sim.raft(0).unwrap().voted_for(), Some(2));

    // S1 crashes and restarts: votedFor comes back from its persister.
    sim.restart(0).expect("restart");
    assert_eq!(
        sim.raft(0).unwrap().voted_for(),
        Some(2),
        "votedFor survives a crash"
    );

    // S2 campaigns for term 1 too, with S1 only: S1 already voted in term 1, so S2 loses.
    groups(&mut sim, &[&[0, 1], &[2]]);
    sim.timeout(1).expect("S2 campaigns");
    settle(&mut sim);
    assert_eq!(term(&sim, 1), 1);
    assert_eq!(
        sim.get_state(1),
        Some((1, false)),
        "S2 must not become a second leader of term 1"
    );
    assert!(sim.violation().is_none(), "{}", sim.violation().unwrap());
}
