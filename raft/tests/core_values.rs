//! The small values the tester and the page count and print: message sizes (6.5840's
//! bytesTotal), persister sizes (3D's MAXLOGSIZE check), heartbeats, names, timing limits.
//! A wrong figure here would make a Lab 3 limit impossible to fail.

use raftlab::core::{
    AppendEntriesArgs, Entry, Message, MessageKind, PersistentState, Persister, Raft, Role, Timing,
    INDEX_MAX, TERM_MAX,
};

fn append(entries: Vec<Entry>) -> Message {
    Message::AppendEntries(AppendEntriesArgs {
        term: 1,
        leader_id: 0,
        prev_log_index: 0,
        prev_log_term: 0,
        entries,
        leader_commit: 0,
    })
}

#[test]
fn encoded_len_is_the_size_of_the_message_on_the_wire() {
    let entry = Entry {
        term: 1,
        command: vec![7; 100].into(),
    };
    for message in [append(Vec::new()), append(vec![entry])] {
        let bytes = postcard::to_allocvec(&message).expect("encodes");
        assert_eq!(message.encoded_len(), bytes.len());
    }
    assert!(append(vec![]).encoded_len() < 20, "a heartbeat is small");
}

#[test]
fn a_heartbeat_is_an_append_entries_without_entries() {
    assert!(append(Vec::new()).is_heartbeat());
    let entry = Entry {
        term: 1,
        command: b"x".to_vec().into(),
    };
    assert!(!append(vec![entry]).is_heartbeat());
}

#[test]
fn persister_sizes_are_the_bytes_it_holds() {
    let mut persister = Persister::new();
    assert_eq!(
        (persister.raftstate_size(), persister.snapshot_size()),
        (0, 0)
    );
    persister.save(vec![1; 37].into(), vec![2; 5].into());
    assert_eq!(persister.raftstate_size(), 37);
    assert_eq!(persister.snapshot_size(), 5);
}

#[test]
fn a_timing_that_cannot_elect_a_leader_is_refused() {
    assert!(Timing::LAB.validate().is_ok());
    let bad = [
        Timing {
            heartbeat_ms: 0,
            ..Timing::LAB
        },
        Timing {
            election_timeout_ms_min: 100,
            ..Timing::LAB
        },
        Timing {
            election_timeout_ms_max: 300,
            ..Timing::LAB
        },
        Timing {
            append_entries_in_flight_max: Some(0),
            ..Timing::LAB
        },
        Timing {
            append_entries_in_flight_max: Some(
                raftlab::core::APPEND_ENTRIES_IN_FLIGHT_MAX_LIMIT + 1,
            ),
            ..Timing::LAB
        },
    ];
    for timing in bad {
        assert!(timing.validate().is_err(), "{timing:?}");
    }
    for cap in [
        None,
        Some(1),
        Some(raftlab::core::APPEND_ENTRIES_IN_FLIGHT_MAX_LIMIT),
    ] {
        let timing = Timing {
            append_entries_in_flight_max: cap,
            ..Timing::LAB
        };
        assert!(timing.validate().is_ok(), "{timing:?}");
    }
}

#[test]
fn names_are_the_papers() {
    assert_eq!(MessageKind::AppendEntries.name(), "AppendEntries");
    assert_eq!(
        MessageKind::InstallSnapshotReply.name(),
        "InstallSnapshotReply"
    );
    assert_eq!(Role::Leader.name(), "leader");
    assert_eq!(Role::Candidate.name(), "candidate");
}

#[test]
fn a_stored_state_that_cannot_be_restored_says_why() {
    let state = PersistentState {
        current_term: TERM_MAX + 1,
        ..PersistentState::default()
    };
    let mut persister = Persister::new();
    persister.save(state.encode().into(), Vec::new().into());
    let error = Raft::new(0, 3, &persister, Timing::LAB, 1, 0).expect_err("term out of range");
    let text = error.to_string();
    assert!(
        text.contains("invalid") && text.contains("currentTerm"),
        "{text}"
    );
    persister.save(vec![0xff; 3].into(), Vec::new().into());
    let error = Raft::new(0, 3, &persister, Timing::LAB, 1, 0).expect_err("garbage");
    assert!(error.to_string().contains("does not decode"), "{error}");
}

#[test]
fn terms_up_to_term_max_are_accepted_and_beyond_it_refused() {
    for (term, ok) in [(TERM_MAX, true), (TERM_MAX + 1, false)] {
        let message = Message::AppendEntries(AppendEntriesArgs {
            term,
            leader_id: 0,
            prev_log_index: 0,
            prev_log_term: 0,
            entries: Vec::new(),
            leader_commit: 0,
        });
        assert_eq!(message.validate(3).is_ok(), ok, "term {term}");
    }
}

#[test]
fn log_indices_up_to_index_max_are_accepted_and_beyond_it_refused() {
    for (prev_log_index, ok) in [(INDEX_MAX, true), (INDEX_MAX + 1, false)] {
        let message = Message::AppendEntries(AppendEntriesArgs {
            term: 1,
            leader_id: 0,
            prev_log_index,
            prev_log_term: 1,
            entries: Vec::new(),
            leader_commit: 0,
        });
        assert_eq!(
            message.validate(3).is_ok(),
            ok,
            "prevLogIndex {prev_log_index}"
        );
    }
}

#[test]
fn the_views_the_page_draws_follow_the_role() {
    let mut raft = Raft::new(0, 3, &Persister::new(), Timing::LAB, 1, 0).expect("fresh node");
    assert_eq!(raft.peers(), 3);
    raft.tick(100);
    let (elapsed, timeout) = raft.election_timer_ms().expect("a follower's timer runs");
    assert_eq!(elapsed, 100);
    assert!((300..600).contains(&timeout), "{timeout}");
    assert_eq!(raft.votes(), None, "only a candidate counts votes");
    raft.campaign();
    assert_eq!(
        raft.votes(),
        Some(&[true, false, false][..]),
        "its own vote"
    );
    assert!(raft.has_ready());
    raft.ready();
    assert!(!raft.has_ready(), "drained");
    raft.step(
        110,
        1,
        Message::RequestVoteReply(raftlab::core::RequestVoteReply {
            term: 1,
            vote_granted: true,
        }),
    );
    assert_eq!(raft.role(), Role::Leader);
    assert_eq!(
        raft.election_timer_ms(),
        None,
        "a leader has no election timer"
    );
    assert_eq!(raft.votes(), None);
    raft.ready();
    raft.start(b"x".to_vec()).expect("leader");
    assert!(raft.has_ready());
    let ready = raft.ready();
    assert_eq!(
        ready.log_changed_from,
        Some(1),
        "the checker is told which entries changed"
    );
    assert!(!raft.has_ready());
}

#[test]
fn encoded_len_counts_the_bytes_of_the_encoding() {
    use raftlab::core::{AppendEntriesArgs, Entry, InstallSnapshotArgs, Message};
    let entries = (0..70u64)
        .map(|i| Entry {
            term: 3,
            command: vec![7; (i * 5) as usize].into(),
        })
        .collect();
    for m in [
        Message::AppendEntries(AppendEntriesArgs {
            term: 3,
            leader_id: 1,
            prev_log_index: 300,
            prev_log_term: 2,
            entries,
            leader_commit: 299,
        }),
        Message::InstallSnapshot(InstallSnapshotArgs {
            term: u64::MAX,
            leader_id: 2,
            last_included_index: 1 << 40,
            last_included_term: 9,
            data: vec![1; 1000].into(),
        }),
    ] {
        assert_eq!(m.encoded_len(), postcard::to_allocvec(&m).unwrap().len());
    }
}
