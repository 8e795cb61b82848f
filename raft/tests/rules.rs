//! Figure 2's rules one at a time, on a single `Raft` fed messages by hand: each test builds
//! the one situation where breaking its rule shows, so a core with that rule broken fails
//! here even when random testing would need thousands of seeds to meet it.

use raftlab::core::{
    AppendEntriesArgs, AppendEntriesReply, ApplyMsg, Entry, InstallSnapshotArgs,
    InstallSnapshotReply, Message, NodeEvent, Persister, Raft, RequestVoteReply, Role, Timing,
};

const LEADER: usize = 1;

fn follower() -> Raft {
    Raft::new(0, 3, &Persister::new(), Timing::LAB, 1, 0).expect("fresh node")
}

fn entries(term: u64, count: u64) -> Vec<Entry> {
    (0..count)
        .map(|i| Entry {
            term,
            command: i.to_le_bytes().to_vec().into(),
        })
        .collect()
}

fn append(term: u64, prev: (u64, u64), entries: Vec<Entry>, leader_commit: u64) -> Message {
    Message::AppendEntries(AppendEntriesArgs {
        term,
        leader_id: LEADER,
        prev_log_index: prev.0,
        prev_log_term: prev.1,
        entries,
        leader_commit,
    })
}

/// The replies `raft` sent since the last call.
fn replies(raft: &mut Raft) -> Vec<Message> {
    raft.ready()
        .messages
        .into_iter()
        .map(|m| m.message)
        .collect()
}

#[test]
fn a_follower_commits_only_through_the_last_entry_the_leader_sent() {
    let mut raft = follower();
    // Term 1's leader left entries 1..=5 (term 1) here; only index 1 is known committed.
    raft.step(0, LEADER, append(1, (0, 0), entries(1, 5), 1));
    assert_eq!(raft.commit_index(), 1);
    raft.ready();
    // Term 2's leader matches at index 1 and says it committed through 5. Its entries 2..=5
    // may differ from ours (not yet repaired), so we may commit only through index 1.
    raft.step(10, 2, append(2, (1, 1), Vec::new(), 5));
    assert_eq!(
        raft.commit_index(),
        1,
        "commitIndex = min(leaderCommit, index of last new entry), not our last index"
    );
    assert!(
        !raft
            .ready()
            .events
            .iter()
            .any(|e| matches!(e, NodeEvent::Committed { .. })),
        "commitIndex did not move, so nothing is narrated as committed"
    );
    // Once the leader's entries are here, its commit index counts.
    raft.step(20, 2, append(2, (1, 1), entries(2, 4), 5));
    assert_eq!(raft.commit_index(), 5);
}

#[test]
fn a_snapshot_at_or_below_commit_index_is_not_installed_again() {
    let mut raft = follower();
    raft.step(0, LEADER, append(1, (0, 0), entries(1, 10), 10));
    assert_eq!(raft.commit_index(), 10);
    let applied = raft.ready().applies.len();
    assert_eq!(applied, 10);
    // A delayed InstallSnapshot through index 5 arrives after the entries it covers.
    raft.step(
        30,
        LEADER,
        Message::InstallSnapshot(InstallSnapshotArgs {
            term: 1,
            leader_id: LEADER,
            last_included_index: 5,
            last_included_term: 1,
            data: vec![5].into(),
        }),
    );
    assert_eq!(raft.commit_index(), 10, "commitIndex never goes back");
    assert_eq!(raft.last_applied(), 10, "lastApplied never goes back");
    assert_eq!(raft.log().last_index(), 10, "no committed entry is lost");
    let ready = raft.ready();
    assert!(
        !ready
            .applies
            .iter()
            .any(|a| matches!(a, ApplyMsg::Snapshot { .. })),
        "the service is not sent back to index 5"
    );
    assert!(!ready
        .events
        .iter()
        .any(|e| matches!(e, NodeEvent::SnapshotInstalled { .. })));
}

/// S2's reply: it now matches the leader's log through `match_index`.
fn matched(term: u64, match_index: u64) -> Message {
    Message::AppendEntriesReply(AppendEntriesReply {
        term,
        success: true,
        match_index,
        conflict_term: None,
        conflict_index: 0,
    })
}

/// A leader of `term` (S1 of 3, elected with S2's vote) holding one entry of its term.
fn leader_of_term(term: u64) -> Raft {
    let mut raft = follower();
    for _ in 0..term {
        raft.campaign();
    }
    raft.step(
        0,
        LEADER,
        Message::RequestVoteReply(RequestVoteReply {
            term,
            vote_granted: true,
        }),
    );
    assert_eq!(raft.role(), Role::Leader);
    assert_eq!(raft.current_term(), term);
    assert_eq!(raft.start(b"x".to_vec()), Some((1, term)));
    raft.ready();
    raft
}

#[test]
fn a_leader_ignores_append_entries_replies_from_an_older_term() {
    let mut raft = leader_of_term(2);
    // A reply to a request of term 1 (long delayed) claims S2 matches index 1.
    raft.step(5, LEADER, matched(1, 1));
    assert_eq!(
        raft.commit_index(),
        0,
        "a stale reply must not count as a replica of term 2's entry"
    );
    // The same reply in the current term does count.
    raft.step(6, LEADER, matched(2, 1));
    assert_eq!(raft.commit_index(), 1);
}

#[test]
fn a_leader_ignores_failed_replies_from_an_older_term() {
    let mut raft = leader_of_term(2);
    let (next_before, _) = raft
        .leader_indices()
        .map(|(n, m)| (n.to_vec(), m.to_vec()))
        .unwrap();
    raft.step(
        5,
        LEADER,
        Message::AppendEntriesReply(AppendEntriesReply {
            term: 1,
            success: false,
            match_index: 0,
            conflict_term: None,
            conflict_index: 1,
        }),
    );
    assert_eq!(raft.leader_indices().unwrap().0, &next_before[..]);
    assert!(
        replies(&mut raft).is_empty(),
        "nothing is resent for a stale reply"
    );
}

#[test]
fn an_append_entries_below_the_snapshot_is_acknowledged_through_its_last_entry() {
    let mut raft = follower();
    raft.step(
        0,
        LEADER,
        Message::InstallSnapshot(InstallSnapshotArgs {
            term: 1,
            leader_id: LEADER,
            last_included_index: 10,
            last_included_term: 1,
            data: vec![10].into(),
        }),
    );
    assert_eq!(raft.commit_index(), 10);
    raft.ready();
    // A delayed AppendEntries for indices 3..=5, all inside the snapshot: they match (they
    // are committed), and the reply claims exactly them, no more.
    raft.step(5, LEADER, append(1, (2, 1), entries(1, 3), 5));
    let matched: Vec<(bool, u64)> = replies(&mut raft)
        .into_iter()
        .filter_map(|m| match m {
            Message::AppendEntriesReply(r) => Some((r.success, r.match_index)),
            _ => None,
        })
        .collect();
    assert_eq!(matched, vec![(true, 5)]);
    // One reaching past the snapshot: entries 9..=12; 11 and 12 are appended.
    raft.step(6, LEADER, append(1, (8, 1), entries(1, 4), 10));
    assert_eq!(raft.log().last_index(), 12);
    let matched: Vec<u64> = replies(&mut raft)
        .into_iter()
        .filter_map(|m| match m {
            Message::AppendEntriesReply(r) if r.success => Some(r.match_index),
            _ => None,
        })
        .collect();
    assert_eq!(matched, vec![12]);
}

#[test]
fn a_leader_commits_the_highest_index_a_majority_stores_even_below_its_last() {
    let mut raft = leader_of_term(1);
    raft.start(b"y".to_vec()).expect("leader");
    raft.ready();
    // S2 stores index 1 only; index 2 is on S1 alone.
    raft.step(5, LEADER, matched(1, 1));
    assert_eq!(raft.commit_index(), 1, "index 1 is on a majority");
}

#[test]
fn a_stale_or_premature_snapshot_from_the_service_is_ignored() {
    let mut raft = follower();
    raft.step(0, LEADER, append(1, (0, 0), entries(1, 6), 4));
    raft.ready();
    raft.snapshot(3, vec![3]);
    assert_eq!(raft.log().snapshot_index(), 3);
    raft.snapshot(2, vec![2]);
    assert_eq!(
        raft.log().snapshot_index(),
        3,
        "an older snapshot changes nothing"
    );
    raft.snapshot(5, vec![5]);
    assert_eq!(
        raft.log().snapshot_index(),
        3,
        "the service cannot have applied index 5 (lastApplied is 4)"
    );
}

fn rejection(term: u64, conflict_index: u64) -> Message {
    Message::AppendEntriesReply(AppendEntriesReply {
        term,
        success: false,
        match_index: 0,
        conflict_term: None,
        conflict_index,
    })
}

/// The prevLogIndex of each AppendEntries the leader sent since the last call.
fn appends_sent(raft: &mut Raft) -> Vec<u64> {
    replies(raft)
        .into_iter()
        .filter_map(|m| match m {
            Message::AppendEntries(a) => Some(a.prev_log_index),
            _ => None,
        })
        .collect()
}

#[test]
fn a_leader_backs_up_once_for_pipelined_requests_that_overtook_each_other() {
    let mut raft = leader_of_term(1);
    for command in [b"y", b"z"] {
        raft.start(command.to_vec()).expect("leader");
    }
    raft.ready();
    // S2 got the request for index 3 before the one for index 2: "my log ends at 1".
    raft.step(5, LEADER, rejection(1, 2));
    assert_eq!(appends_sent(&mut raft), vec![1], "one backup, from index 2");
    // The rejection of the next overtaken request points at the same gap: the backup in
    // flight answers it.
    raft.step(6, LEADER, rejection(1, 2));
    assert!(appends_sent(&mut raft).is_empty(), "no second backup");
    // A gap further back is news.
    raft.step(7, LEADER, rejection(1, 1));
    assert_eq!(appends_sent(&mut raft), vec![0]);
    // Had the backup been lost, a rejection one heartbeat interval later backs up again.
    let later = 7 + Timing::LAB.heartbeat_ms;
    raft.step(later, LEADER, rejection(1, 1));
    assert!(appends_sent(&mut raft).contains(&0));
}

#[test]
fn an_install_snapshot_from_an_older_term_is_refused_and_changes_nothing() {
    let mut raft = follower();
    raft.step(0, LEADER, append(2, (0, 0), entries(2, 3), 1));
    raft.campaign(); // Term 3, candidate.
    raft.ready();
    raft.step(
        5,
        LEADER,
        Message::InstallSnapshot(InstallSnapshotArgs {
            term: 2,
            leader_id: LEADER,
            last_included_index: 3,
            last_included_term: 2,
            data: vec![3].into(),
        }),
    );
    assert_eq!(
        raft.role(),
        Role::Candidate,
        "a stale leader is not followed"
    );
    assert_eq!(
        raft.log().snapshot_index(),
        0,
        "nor is its snapshot installed"
    );
    let answers: Vec<(u64, bool)> = replies(&mut raft)
        .into_iter()
        .filter_map(|m| match m {
            Message::InstallSnapshotReply(r) => Some((r.term, r.accepted)),
            _ => None,
        })
        .collect();
    assert_eq!(
        answers,
        vec![(3, false)],
        "the reply tells it the newer term"
    );
}

#[test]
fn after_an_install_snapshot_the_leader_counts_it_and_sends_the_entries_after_it_at_once() {
    const S3: usize = 2;
    let mut raft = leader_of_term(2);
    raft.step(1, LEADER, matched(2, 1));
    assert_eq!(raft.commit_index(), 1);
    raft.ready(); // Applies index 1.
    raft.snapshot(1, vec![1]);
    raft.start(b"y".to_vec()).expect("leader");
    raft.ready();
    // S3 has nothing: the leader backs up into its snapshot and sends it whole.
    raft.step(2, S3, rejection(2, 1));
    let sent = replies(&mut raft);
    assert!(
        matches!(&sent[..], [Message::InstallSnapshot(a)] if a.last_included_index == 1),
        "{sent:?}"
    );
    // S3 installed it: it now matches through index 1 and gets index 2 right away.
    raft.step(
        3,
        S3,
        Message::InstallSnapshotReply(InstallSnapshotReply {
            term: 2,
            accepted: true,
            last_included_index: 1,
        }),
    );
    assert_eq!(raft.leader_indices().expect("leader").1[S3], 1);
    assert_eq!(appends_sent(&mut raft), vec![1]);
    // A refused or stale reply counts for nothing.
    for (term, accepted) in [(2, false), (1, true)] {
        raft.step(
            4,
            S3,
            Message::InstallSnapshotReply(InstallSnapshotReply {
                term,
                accepted,
                last_included_index: 2,
            }),
        );
        assert_eq!(raft.leader_indices().expect("leader").1[S3], 1);
    }
}
