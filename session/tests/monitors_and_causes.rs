//! The safety monitors and each node's latest cause at a moment of a built-in scenario, as
//! the page shows them: which of Figure 3's properties are red and with what report, the
//! moment "Step back" goes to, and which event explains each node (1-based ids).

use raftlab_session::causes::NodeCauseView;
use raftlab_session::monitors::{before_violation_ms, monitors, MonitorViolation};
use raftlab_session::Page;

#[test]
fn with_the_rule_broken_exactly_two_monitors_turn_red_with_their_first_violation_and_count() {
    let mut p = Page::from_scenario("figure-8-broken").unwrap();
    p.seek(p.travel().end_ms());
    let list = monitors(p.sim());
    let status: Vec<(&str, &str)> = list
        .iter()
        .map(|m| (m.property.as_str(), m.status.as_str()))
        .collect();
    assert_eq!(
        status,
        [
            ("election-safety", "ok"),
            ("leader-append-only", "ok"),
            ("log-matching", "ok"),
            ("leader-completeness", "violated"),
            ("state-machine-safety", "violated"),
        ]
    );
    assert!(list[..3].iter().all(|m| m.violation.is_none()));
    let completeness: &MonitorViolation = list[3].violation.as_ref().unwrap();
    assert!(
        completeness.detail.starts_with(
            "leader S1 of term 4 marked index 2 (term 2) committed by counting replicas"
        ),
        "{}",
        completeness.detail
    );
    assert_eq!(completeness.nodes, [1], "S1 broke it");
    assert_eq!(completeness.indices, [2]);
    assert_eq!(completeness.at_ms, 534);
    assert_eq!(completeness.count, 4);
    let machine = list[4].violation.as_ref().unwrap();
    assert_eq!(
        machine.detail,
        "S1 applied index 2, which is not committed (committed through 1)"
    );
    assert_eq!(
        (machine.nodes.as_slice(), machine.indices.as_slice()),
        (&[1][..], &[2][..])
    );
    assert_eq!((machine.at_ms, machine.count), (534, 6));
}

#[test]
fn step_back_before_a_violation_shows_the_millisecond_before_it_with_every_monitor_ok() {
    let mut p = Page::from_scenario("figure-8-broken").unwrap();
    p.seek(p.travel().end_ms());
    let at = monitors(p.sim())[3].violation.as_ref().unwrap().at_ms;
    assert_eq!(before_violation_ms(at), at - 1);
    p.seek(before_violation_ms(at));
    assert_eq!(p.now_ms(), at - 1);
    assert!(monitors(p.sim()).iter().all(|m| m.status == "ok"));
    p.seek(at);
    assert_eq!(monitors(p.sim())[3].status, "violated");
    assert_eq!(before_violation_ms(0), 0, "nothing before the run's start");
}

#[test]
fn each_node_shows_its_latest_explaining_event_and_a_vote_granted_is_not_one() {
    // Figure 8, step 8 (S1 tries again): S1's first try for term 3 failed, S5 crashed.
    let mut p = Page::from_scenario("figure-8").unwrap();
    p.go_to_step(8).unwrap();
    assert_eq!(p.now_ms(), 421);
    let cause = |node: u32, time_ms: u64, text: &str| {
        Some(NodeCauseView {
            node,
            time_ms,
            text: text.into(),
        })
    };
    assert_eq!(
        p.causes(),
        [
            cause(1, 421, "S1 timed out and started an election for term 4"),
            // S2 only voted (for S5, for S1): granting a vote explains nothing.
            None,
            cause(
                3,
                363,
                "S3 refused its vote to S1 (term 3): it already voted for S5 in term 3"
            ),
            cause(
                4,
                360,
                "S4 refused its vote to S1 (term 3): it already voted for S5 in term 3"
            ),
            cause(
                5,
                321,
                "S5 crashed: it keeps only its persisted state (currentTerm, votedFor, log[], snapshot)"
            ),
        ]
    );
}
