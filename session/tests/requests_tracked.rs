//! Requests sent to a chosen node and tracked (`Page::request_to`, `Page::requests`): the
//! refusal a client gets from each kind of node, and the status and sentence of a tracked
//! request as a student reads them (who commits it, what majority it needs, why it can never
//! be committed, why it waits for a later leader's entry). Fixed seeds throughout.

use raftlab_session::options::COMMAND_BYTES_MAX;
use raftlab_session::raftlab::core::NodeId;
use raftlab_session::requests::TrackedRequestView;
use raftlab_session::{link, stored, Options, Page, Refusal, Resumed};

fn elected(seed: u64) -> Page {
    let mut p = Page::new(Options::with_seed(seed)).unwrap();
    while p.leader().is_none() {
        assert!(p.now_ms() < 5_000, "no leader within 5 s");
        p.advance(50).unwrap();
    }
    p
}

fn only(p: &Page) -> TrackedRequestView {
    let v = p.requests();
    assert_eq!(v.requests.len(), 1, "{v:?}");
    v.requests[0].clone()
}

fn refusal(r: Result<impl core::fmt::Debug, Refusal>) -> String {
    match r {
        Err(Refusal::Refused(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_pending_request_names_its_leader_and_the_majority_of_five_then_says_it_is_committed() {
    let mut p = elected(11);
    let leader = p.leader().unwrap();
    let r = p.request_to(leader, "hello").unwrap();
    assert_eq!(r.leader as usize, leader + 1);
    let t = only(&p);
    assert_eq!(t.leader as usize, leader + 1);
    let what = format!("“hello” (index {}, term {})", r.index, r.term);
    assert_eq!(t.status, "pending");
    assert_eq!(
        t.text.as_deref().unwrap_or_default(),
        format!(
            "{what} waits: S{} commits it once a majority (3 of 5) stores it.",
            leader + 1
        )
    );
    p.advance(1_000).unwrap();
    let t = only(&p);
    assert_eq!(t.status, "committed");
    assert_eq!(
        t.text.as_deref().unwrap_or_default(),
        format!("{what} is committed: a majority stores it and no leader will ever overwrite it.")
    );
}

#[test]
fn a_stale_leader_in_a_minority_says_it_reaches_two_of_five() {
    let mut p = elected(5);
    let old = p.leader().unwrap();
    let other = (old + 1) % 5;
    let rest: Vec<NodeId> = (0..5).filter(|&n| n != old && n != other).collect();
    p.partition(&[vec![old, other], rest.clone()]).unwrap();
    while !p.leader().is_some_and(|l| rest.contains(&l)) {
        assert!(p.now_ms() < 10_000, "the majority elects a leader");
        p.advance(20).unwrap();
    }
    p.request_to(old, "stale").unwrap();
    let t = only(&p);
    assert!(
        t.text.as_deref().unwrap_or_default().contains(&format!(
            "S{} can never commit it: it reaches only 2 of 5 nodes, not a majority (3).",
            old + 1
        )),
        "{}",
        t.text.as_deref().unwrap_or_default()
    );
}

#[test]
fn a_request_whose_leader_crashed_waits_for_a_later_leader() {
    let mut p = elected(11);
    let leader = p.leader().unwrap();
    let r = p.request_to(leader, "orphan").unwrap();
    p.crash(leader).unwrap();
    let t = only(&p);
    assert_eq!(t.status, "pending");
    assert_eq!(
        t.text.as_deref().unwrap_or_default(),
        format!(
            "“orphan” (index {}, term {}) waits: S{} no longer leads term {}. It is committed only if a later leader has it and commits an entry of its own term after it (Figure 8, §5.4.2); otherwise it is overwritten and lost.",
            r.index,
            r.term,
            leader + 1,
            r.term
        )
    );
}

/// Figure 8's point: the leader that took a request leads again, in a later term, and still
/// cannot commit the entry of its old term by itself.
#[test]
fn a_request_of_an_older_term_waits_even_when_its_leader_leads_again_in_a_later_term() {
    let mut p = elected(11);
    let leader = p.leader().unwrap();
    let r = p.request_to(leader, "old-term").unwrap();
    p.disconnect(leader).unwrap();
    while p.leader().is_none_or(|l| l == leader) {
        assert!(p.now_ms() < 10_000, "the others elect a leader");
        p.advance(20).unwrap();
    }
    p.connect(leader).unwrap();
    p.advance(200).unwrap();
    p.timeout(leader).unwrap();
    while p.leader() != Some(leader) || p.sim().raft(leader).unwrap().current_term() == r.term {
        assert!(p.now_ms() < 20_000, "the old leader wins a later term");
        p.advance(10).unwrap();
    }
    p.advance(300).unwrap();
    assert_eq!(p.leader(), Some(leader));
    let t = only(&p);
    assert_eq!(
        t.status,
        "pending",
        "{}",
        t.text.as_deref().unwrap_or_default()
    );
    assert!(
        t.text.as_deref().unwrap_or_default().contains(&format!(
            "waits: S{} no longer leads term {}. It is committed only if a later leader has it",
            leader + 1,
            r.term
        )),
        "{}",
        t.text.as_deref().unwrap_or_default()
    );
}

#[test]
fn nodes_that_cannot_take_a_command_say_why_in_the_clients_words() {
    let mut p = elected(3);
    let leader = p.leader().unwrap();
    let follower = (leader + 1) % 5;
    let term = p.sim().raft(leader).unwrap().current_term();
    assert_eq!(
        refusal(p.request_to(follower, "x")),
        format!(
            "not leader: S{} is a follower of term {term}, so it takes no commands; send it to the leader",
            follower + 1
        )
    );
    let crashed = (leader + 2) % 5;
    p.crash(crashed).unwrap();
    assert_eq!(
        refusal(p.request_to(crashed, "x")),
        format!("S{} is crashed: the client gets no answer", crashed + 1)
    );
    let cut_off = (leader + 3) % 5;
    p.disconnect(cut_off).unwrap();
    assert_eq!(
        refusal(p.request_to(cut_off, "x")),
        format!(
            "S{} is cut off the network: the client gets no answer",
            cut_off + 1
        )
    );
    assert!(p.requests().requests.is_empty());
}

#[test]
fn a_command_of_the_most_bytes_is_taken_and_one_byte_more_is_refused() {
    let mut p = elected(3);
    let leader = p.leader().unwrap();
    let longest = "c".repeat(COMMAND_BYTES_MAX);
    p.request_to(leader, &longest).unwrap();
    let too_long = "c".repeat(COMMAND_BYTES_MAX + 1);
    match p.request_to(leader, &too_long) {
        Err(Refusal::BadArgument(m)) => assert_eq!(
            m,
            format!(
                "command must be at most {COMMAND_BYTES_MAX} bytes of UTF-8, got {}",
                COMMAND_BYTES_MAX + 1
            )
        ),
        other => panic!("expected a bad argument, got {other:?}"),
    }
    assert!(matches!(
        p.request_to(leader, ""),
        Err(Refusal::BadArgument(_))
    ));
    assert_eq!(p.requests().requests.len(), 1);
}

#[test]
fn a_fork_keeps_the_requests_made_up_to_its_moment_and_forgets_later_ones() {
    let mut p = elected(11);
    let leader = p.leader().unwrap();
    p.request_to(leader, "kept").unwrap();
    p.advance(100).unwrap();
    let t = p.now_ms();
    p.advance(10).unwrap();
    p.request_to(leader, "dropped").unwrap();
    p.advance(100).unwrap();
    assert_eq!(p.requests().requests.len(), 2);
    p.seek(t);
    p.crash((leader + 1) % 5).unwrap();
    let v = p.requests();
    let commands: Vec<&str> = v.requests.iter().map(|r| r.command.as_str()).collect();
    assert_eq!(
        commands,
        ["kept"],
        "the request made after the fork's moment is gone"
    );
}

/// Tracked requests follow from the run: after every node compacted a committed request into
/// a snapshot, it is still "committed" whether or not the moment it committed was shown
/// before, and a link or a reload brings the same list back.
#[test]
fn a_requests_status_is_the_same_whichever_moments_were_shown_before_and_links_and_reloads_keep_it()
{
    let mut p = elected(11);
    let leader = p.leader().unwrap();
    let first = p.request_to(leader, "first").unwrap();
    p.advance(500).unwrap();
    let a = p.now_ms();
    for i in 0..40 {
        if let Some(l) = p.leader() {
            let _ = p.request_to(l, &format!("more-{i}"));
        }
        p.advance(50).unwrap();
    }
    p.advance(2_000).unwrap();
    let b = p.now_ms();
    let compacted = (0..p.node_count()).all(|n| {
        p.sim()
            .raft(n)
            .is_none_or(|r| r.log().snapshot_index() >= first.index)
    });
    assert!(
        compacted,
        "every node snapshotted past the first request's index"
    );
    let link_text = p.link().unwrap();
    let stored_text = stored::save(&p).text;

    p.seek(a);
    let _ = p.requests();
    p.seek(b);
    let after_a_then_b = p.requests();
    let mut direct = Page::from_link(link::decode(&link_text).unwrap()).unwrap();
    direct.seek(b);
    assert_eq!(
        direct.requests(),
        after_a_then_b,
        "seek A then B, and B directly"
    );
    let shown = after_a_then_b
        .requests
        .iter()
        .find(|t| t.command == "first")
        .expect("the first request is tracked");
    assert_eq!(
        shown.status,
        "committed",
        "{}",
        shown.text.as_deref().unwrap_or_default()
    );

    let (reloaded, resumed) = stored::restore(&stored_text).unwrap();
    assert_eq!(resumed, Resumed::Run);
    assert_eq!(reloaded.requests(), after_a_then_b, "a reload keeps them");
}

#[test]
fn a_leader_whose_followers_crashed_waits_for_them_to_restart_rather_than_never_commits() {
    let mut p = elected(11);
    let leader = p.leader().unwrap();
    let followers: Vec<NodeId> = (0..5).filter(|&n| n != leader).collect();
    for &n in &followers[..3] {
        p.crash(n).unwrap();
    }
    let r = p.request_to(leader, "later").unwrap();
    let t = only(&p);
    assert_eq!(t.status, "pending");
    assert_eq!(
        t.text.as_deref().unwrap_or_default(),
        format!(
            "“later” (index {}, term {}) waits: S{} reaches only 2 live nodes of 5, not a majority (3); it commits it once enough of the crashed ones restart and store it.",
            r.index,
            r.term,
            leader + 1
        )
    );
    p.restart(followers[0]).unwrap();
    p.advance(1_000).unwrap();
    assert_eq!(
        only(&p).status,
        "committed",
        "{}",
        only(&p).text.as_deref().unwrap_or_default()
    );
}
