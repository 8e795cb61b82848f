//! Scenario navigation the student relies on (Previous step from inside the first step,
//! acting at a scenario's end, taking over there) and the state machines beside the logs
//! (node ids, the last applied commands, the InstallSnapshot in flight and who sent it).

use raftlab_session::state_machine::{
    AppliedCommandView, InstallingView, StateMachineView, APPLIED_SHOWN_MAX,
};
use raftlab_session::{Options, Page};

#[test]
fn previous_step_from_inside_the_first_step_goes_back_to_its_start() {
    let mut p = Page::from_scenario("figure-8").unwrap();
    let first = p.scenario().unwrap().steps[0].clone();
    assert!(first.end_ms > first.start_ms + 1);
    p.seek(first.start_ms + 1);
    assert_eq!(p.scenario().unwrap().current, 1);
    assert_eq!(p.previous_step().unwrap(), 1);
    assert_eq!(p.now_ms(), first.start_ms);
}

#[test]
fn acting_at_a_scenarios_end_keeps_the_scenario_and_taking_over_there_drops_nothing() {
    let mut p = Page::from_scenario("leader-crash").unwrap();
    let steps = p.scenario().unwrap().steps.len() as u32;
    p.go_to_step(steps).unwrap();
    p.next_step().unwrap();
    let end = p.now_ms();
    assert_eq!(end, p.travel().end_ms());
    // At the end nothing recorded is in the future: no fork, the scenario stays, finished.
    p.crash(0).unwrap();
    assert_eq!(p.travel().forks(), 0);
    let v = p.scenario().expect("the scenario is still shown");
    assert!(v.finished);
    assert_eq!(v.current, steps);
    assert_eq!(
        p.take_over().unwrap(),
        format!("Took over at {end} ms, the scenario's end: free play from here.")
    );
    assert!(p.scenario().is_none());
}

#[test]
fn taking_over_mid_scenario_says_when_and_how_much_of_the_future_was_dropped() {
    let mut p = Page::from_scenario("leader-crash").unwrap();
    let end = p.travel().end_ms();
    let later_inputs = |p: &Page, at: u64| {
        p.travel()
            .run()
            .inputs
            .iter()
            .filter(|(stamp, _)| stamp.at_ms > at)
            .count()
    };
    p.go_to_step(2).unwrap();
    let at = p.now_ms();
    let dropped = later_inputs(&p, at);
    assert!(dropped > 1, "the scenario acts after step 2");
    assert_eq!(
        p.take_over().unwrap(),
        format!(
            "Took over at {at} ms: free play from here. The scenario's recorded future (to {end} ms, {dropped} later actions) was dropped, as acting in the past forks the run."
        )
    );
}

#[test]
fn state_machines_show_every_node_by_id_a_crashed_one_from_its_persister() {
    // Figure 8, step 8: S1 restarted (nothing applied since), S5 crashed.
    let mut p = Page::from_scenario("figure-8").unwrap();
    p.go_to_step(8).unwrap();
    let x1 = || {
        vec![AppliedCommandView {
            index: 1,
            term: 1,
            command: "x=1".into(),
        }]
    };
    let view =
        |node: u32, alive: bool, applied: u64, recent: Vec<AppliedCommandView>| StateMachineView {
            node,
            alive,
            last_applied: applied,
            applied_count: applied,
            snapshot_index: 0,
            snapshot_term: 0,
            recent,
            installing: None,
            kv: None,
        };
    assert_eq!(
        p.state_machines(),
        [
            view(1, true, 0, vec![]),
            view(2, true, 1, x1()),
            view(3, true, 1, x1()),
            view(4, true, 1, x1()),
            view(5, false, 0, vec![]),
        ]
    );
}

#[test]
fn a_state_machine_shows_its_last_four_applied_commands_oldest_first() {
    let mut o = Options::with_seed(11);
    o.snapshot_every = 0;
    let mut p = Page::new(o).unwrap();
    while p.leader().is_none() {
        assert!(p.now_ms() < 5_000, "no leader within 5 s");
        p.advance(50).unwrap();
    }
    for i in 1..=7 {
        p.request(&format!("c{i}")).unwrap();
    }
    p.advance(1_000).unwrap();
    let leader = p.leader().unwrap();
    let sm = &p.state_machines()[leader];
    assert_eq!(sm.last_applied, 7);
    let recent: Vec<(u64, &str)> = sm
        .recent
        .iter()
        .map(|c| (c.index, c.command.as_str()))
        .collect();
    assert_eq!(recent.len(), APPLIED_SHOWN_MAX);
    assert_eq!(recent, [(4, "c4"), (5, "c5"), (6, "c6"), (7, "c7")]);
}

#[test]
fn an_install_snapshot_in_flight_shows_the_leader_that_sent_it() {
    // S3 restarts with an empty log; S1's entries up to 10 are in its snapshot.
    let mut p = Page::from_scenario("install-snapshot").unwrap();
    p.seek(477);
    assert_eq!(p.leader(), Some(0));
    let machines = p.state_machines();
    assert_eq!(
        machines[2].installing,
        Some(InstallingView {
            from: 1,
            last_included_index: 10,
            last_included_term: 1,
            deliver_ms: 507,
        })
    );
    assert!(machines
        .iter()
        .enumerate()
        .all(|(i, m)| (i == 2) == m.installing.is_some()));
}

#[test]
fn a_request_line_keeps_its_command_after_its_leader_crashed_and_a_jump_between_steps() {
    // Figure 8: S1 takes y=2 at step 4 and crashes at step 5; S5 takes z=3 and crashes at
    // step 6. Jumping straight to step 8 narrates those requests after both leaders died.
    let mut p = Page::from_scenario("figure-8").unwrap();
    p.go_to_step(8).unwrap();
    let lines: Vec<String> = p.recent_events().into_iter().map(|e| e.text).collect();
    for (command, leader) in [("y=2", "S1"), ("z=3", "S5")] {
        let want = format!("Client request \u{201c}{command}\u{201d} appended by leader {leader}");
        assert!(
            lines.iter().any(|l| l.starts_with(&want)),
            "no line {want:?} in {lines:#?}"
        );
    }
}
