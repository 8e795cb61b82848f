//! Events say why: a step down names the message that caused it, a refused vote its reason
//! (already voted, a log not up to date, a stale term), a refused AppendEntries what did not
//! match; and the narration says it in the paper's words.

use raftlab::core::{
    AppendEntriesArgs, AppendRefusal, Message, MessageKind, NodeEvent, Persister, Raft,
    RequestVoteArgs, RequestVoteReply, Role, StepDownCause, Timing, VoteRefusal,
};
use raftlab::sim::{describe_node_event, EventKind, Input, NetConfig, SimConfig, Simulation};

/// A 3-node cluster where every message arrives at once.
fn instant(seed: u64) -> Simulation {
    let mut config = SimConfig::new(3, seed);
    config.net = NetConfig::INSTANT;
    Simulation::new(config).expect("valid config")
}

/// Apply `input`, then deliver what can be delivered without letting time pass.
fn apply(sim: &mut Simulation, input: Input) {
    sim.apply(input).expect("a valid input");
    let now = sim.now_ms();
    sim.run_until(now);
}

fn node_events(sim: &mut Simulation) -> Vec<(usize, NodeEvent)> {
    sim.drain_events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::Node { node, event } => Some((node, event)),
            _ => None,
        })
        .collect()
}

fn partition(groups: &[&[usize]]) -> Input {
    Input::Partition {
        groups: groups.iter().map(|g| g.to_vec()).collect(),
    }
}

#[test]
fn refused_votes_step_downs_and_refused_append_entries_carry_their_cause() {
    let mut sim = instant(5);
    // S1 leads term 1 with S2 and stores index 1 on both; S3 is cut off.
    apply(&mut sim, partition(&[&[0, 1], &[2]]));
    apply(&mut sim, Input::Timeout { node: 0 });
    apply(
        &mut sim,
        Input::Request {
            node: 0,
            command: b"a".to_vec(),
        },
    );
    // S3 campaigns with S2 alone: in term 1 S2 already voted for S1; in term 2 S3's log is
    // behind S2's.
    apply(&mut sim, partition(&[&[1, 2], &[0]]));
    sim.drain_events();
    apply(&mut sim, Input::Timeout { node: 2 });
    apply(&mut sim, Input::Timeout { node: 2 });
    let refusals: Vec<(usize, NodeEvent)> = node_events(&mut sim)
        .into_iter()
        .filter(|(_, e)| matches!(e, NodeEvent::VoteRefused { .. }))
        .collect();
    let expected = [
        (
            1,
            NodeEvent::VoteRefused {
                candidate: 2,
                term: 1,
                reason: VoteRefusal::AlreadyVoted { voted_for: 0 },
            },
        ),
        (
            1,
            NodeEvent::VoteRefused {
                candidate: 2,
                term: 2,
                reason: VoteRefusal::LogNotUpToDate {
                    candidate_last: (0, 0),
                    own_last: (1, 1),
                },
            },
        ),
    ];
    assert_eq!(refusals, expected);
    assert_eq!(
        describe_node_event(1, &expected[1].1),
        "S2 refused its vote to S3 (term 2): S3's log is not up to date (§5.4.1): its last entry is term 0 at index 0, S2's term 1 at index 1"
    );

    // The network heals; S1's next heartbeat is answered with term 2, and S1 steps down.
    apply(&mut sim, Input::Heal);
    let heartbeat = sim.now_ms() + 100;
    sim.run_until(heartbeat);
    let events = node_events(&mut sim);
    let down = events
        .iter()
        .find(|(n, e)| *n == 0 && matches!(e, NodeEvent::SteppedDown { .. }))
        .unwrap_or_else(|| panic!("S1 did not step down: {events:?}"));
    let NodeEvent::SteppedDown { term, was, cause } = down.1 else {
        unreachable!()
    };
    assert_eq!((term, was), (2, Role::Leader));
    let StepDownCause::HigherTerm { from, kind, term } = cause else {
        panic!("{cause:?}")
    };
    // S2's reply comes first (S2 before S3 in send order).
    assert_eq!((from, kind, term), (1, MessageKind::AppendEntriesReply, 2));
    assert_eq!(
        describe_node_event(0, &down.1),
        "S1 stepped down from leader to follower (term 2): S2's AppendEntriesReply carried term 2"
    );

    // S2 leads term 3; S3's log is too short for its first AppendEntries.
    apply(&mut sim, Input::Timeout { node: 1 });
    assert_eq!(sim.get_state(1), Some((3, true)));
    let refused: Vec<NodeEvent> = node_events(&mut sim)
        .into_iter()
        .filter(|(n, e)| *n == 2 && matches!(e, NodeEvent::AppendEntriesRefused { .. }))
        .map(|(_, e)| e)
        .collect();
    let first = NodeEvent::AppendEntriesRefused {
        leader: 1,
        term: 3,
        reason: AppendRefusal::LogTooShort {
            prev_log_index: 1,
            last_index: 0,
        },
    };
    assert_eq!(refused.first(), Some(&first), "{refused:?}");
    assert_eq!(
        describe_node_event(2, &first),
        "S3 refused S2's AppendEntries (term 3): its log has no entry at prevLogIndex 1 (it ends at index 0)"
    );
    assert!(sim.violation().is_none());
}

#[test]
fn a_candidate_that_hears_from_its_terms_leader_says_so_and_a_stale_request_is_refused() {
    let mut raft = Raft::new(0, 3, &Persister::new(), Timing::LAB, 1, 0).expect("fresh node");
    raft.campaign();
    raft.ready();
    let append = |term| {
        Message::AppendEntries(AppendEntriesArgs {
            term,
            leader_id: 2,
            prev_log_index: 0,
            prev_log_term: 0,
            entries: Vec::new(),
            leader_commit: 0,
        })
    };
    raft.step(10, 2, append(1));
    let events = raft.ready().events;
    assert_eq!(
        events,
        [NodeEvent::SteppedDown {
            term: 1,
            was: Role::Candidate,
            cause: StepDownCause::LeaderOfTerm {
                leader: 2,
                kind: MessageKind::AppendEntries,
                term: 1,
            },
        }]
    );
    assert_eq!(
        describe_node_event(0, &events[0]),
        "S1 stepped down from candidate to follower (term 1): S3's AppendEntries showed it is the leader of term 1"
    );
    // A later term, then a request of term 1 again: step 1 of Figure 2 refuses it.
    raft.campaign();
    raft.ready();
    raft.step(20, 2, append(1));
    let events = raft.ready().events;
    assert_eq!(
        events,
        [NodeEvent::AppendEntriesRefused {
            leader: 2,
            term: 2,
            reason: AppendRefusal::StaleTerm { leader_term: 1 },
        }]
    );
    assert!(describe_node_event(0, &events[0]).ends_with("it is from older term 1"));
}

#[test]
fn a_vote_requested_in_an_older_term_is_refused_and_not_recorded() {
    let mut raft = Raft::new(0, 3, &Persister::new(), Timing::LAB, 1, 0).expect("fresh node");
    // Term 3 arrives in a heartbeat: S1 is a follower of term 3 that has not voted.
    raft.step(
        0,
        1,
        Message::AppendEntries(AppendEntriesArgs {
            term: 3,
            leader_id: 1,
            prev_log_index: 0,
            prev_log_term: 0,
            entries: Vec::new(),
            leader_commit: 0,
        }),
    );
    raft.ready();
    let request = RequestVoteArgs {
        term: 2,
        candidate_id: 2,
        last_log_index: 0,
        last_log_term: 0,
    };
    raft.step(10, 2, Message::RequestVote(request));
    let ready = raft.ready();
    assert_eq!(
        ready.events,
        [NodeEvent::VoteRefused {
            candidate: 2,
            term: 3,
            reason: VoteRefusal::StaleTerm { candidate_term: 2 },
        }]
    );
    assert_eq!(raft.voted_for(), None);
    assert!(matches!(
        &ready.messages[..],
        [m] if m.message == Message::RequestVoteReply(RequestVoteReply { term: 3, vote_granted: false })
    ));
    assert!(
        describe_node_event(0, &ready.events[0]).ends_with("S3's RequestVote is from older term 2")
    );
}
