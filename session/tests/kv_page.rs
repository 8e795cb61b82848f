//! The page's key/value parts (issue 15, "In the page"): a client's operations as inputs of
//! the run (they replay, link and time-travel), the clients, every node's store in the state
//! machines view, the history window, the checker's verdict (computed only when the history
//! changed), the automatic load, and the two key/value scenarios: a stale read through a
//! broken vote check and a retried Append applied twice, each flagged by the checker, and
//! linearizable with the rule kept.

#[path = "common/api_ts.rs"]
mod api_ts;
use api_ts::read_api_ts;
use raftlab::kv::Op;
use raftlab_session::raftlab;
use raftlab_session::scenario::{Goal, Scenario};
use raftlab_session::view::kv_history::KvChecker;
use raftlab_session::{link, Options, Page};

fn elected(seed: u64) -> Page {
    let mut p = Page::new(Options::with_seed(seed)).unwrap();
    while p.leader().is_none() {
        assert!(p.now_ms() < 5_000, "no leader within 5 s");
        p.advance(50).unwrap();
    }
    p
}

fn put(key: &str, value: &str) -> Op {
    Op::Put {
        key: key.into(),
        value: value.into(),
    }
}

/// Plays `p` on until client `client` (0-based) is idle, at most `ms`.
fn until_idle(p: &mut Page, client: u32, ms: u64) {
    let end = p.now_ms() + ms;
    while p.now_ms() < end {
        p.advance(10).unwrap();
        let clients = p.kv_clients().clients;
        if clients
            .iter()
            .any(|c| c.client == client + 1 && c.pending.is_none())
        {
            return;
        }
    }
    panic!("C{} still busy after {ms} ms", client + 1);
}

#[test]
fn a_put_through_the_page_shows_in_every_nodes_store_and_replays_from_its_link() {
    let mut p = elected(3);
    assert!(!p.uses_kv());
    assert!(p.state_machines().iter().all(|m| m.kv.is_none()));
    assert!(
        p.rules().iter().all(|r| r.id != "filter-duplicates"),
        "the service's rule shows only with clients"
    );
    p.kv_op(0, put("k", "hello")).unwrap();
    assert!(
        p.kv_op(0, put("k", "again")).is_err(),
        "a Clerk has one operation at a time"
    );
    until_idle(&mut p, 0, 3_000);
    p.advance(200).unwrap();
    assert!(p.uses_kv());
    assert!(p.rules().iter().any(|r| r.id == "filter-duplicates"));
    for m in p.state_machines() {
        let kv = m.kv.expect("a KV run shows the store");
        assert_eq!(kv.keys_total, 1, "S{}", m.node);
        assert_eq!(
            (kv.keys[0].key.as_str(), kv.keys[0].value.as_str()),
            ("k", "hello")
        );
    }
    let clients = p.kv_clients();
    assert_eq!(clients.clients.len(), 1);
    assert_eq!(clients.clients[0].ops_done, 1);
    // The link replays it: the same store at the same moment.
    let other = Page::from_link(link::decode(&p.link().unwrap()).unwrap()).unwrap();
    assert_eq!(other.kv_store(0), p.kv_store(0));
    assert_eq!(other.trace_digest(), p.trace_digest());
    // Before the Put the stores are empty again (time travel).
    let at = p.kv_history(0, u64::MAX).ops[0].call_ms;
    p.seek(at.saturating_sub(1));
    assert_eq!(p.kv_store(0).keys_total, 0);
}

#[test]
fn the_views_match_api_ts() {
    let (_, api) = read_api_ts();
    let mut p = elected(5);
    p.kv_op(0, put("k", "v")).unwrap();
    p.advance(1).unwrap();
    let busy = serde_json::to_value(p.kv_clients()).unwrap();
    api.check("KvClientsView", &busy);
    api.check("KvClientView", &busy["clients"][0]);
    api.check("KvOpView", &busy["clients"][0]["pending"]);
    until_idle(&mut p, 0, 3_000);
    p.kv_op(1, Op::Get { key: "k".into() }).unwrap();
    until_idle(&mut p, 1, 3_000);
    p.advance(100).unwrap();
    let h = serde_json::to_value(p.kv_history(0, p.now_ms())).unwrap();
    api.check("KvHistoryView", &h);
    api.check("KvHistoryOpView", &h["ops"][1]);
    let sm = serde_json::to_value(p.state_machines()).unwrap();
    api.check("StateMachineView", &sm[0]);
    api.check("KvStoreView", &sm[0]["kv"]);
    api.check("KvPairView", &sm[0]["kv"]["keys"][0]);
    let v = serde_json::to_value(KvChecker::new().verdict(&p)).unwrap();
    api.check("KvVerdictView", &v);
    assert_eq!(v["verdict"], "linearizable", "{v}");
}

#[test]
fn the_verdict_is_checked_far_less_often_than_the_history_changes_and_once_when_paused() {
    let mut p = elected(7);
    let mut checker = KvChecker::new();
    p.kv_load(0, 20).unwrap();
    p.kv_load(1, 20).unwrap();
    // Frames of a playing page: 3 virtual ms each, several per change of the history.
    let frames = 3_000;
    for _ in 0..frames {
        p.advance(3).unwrap();
        checker.verdict(&p);
    }
    let ops = p.kv_clients().operations;
    assert!(ops > 20, "the loads ran: {ops} operations");
    assert!(
        checker.checks < ops / 2,
        "{} checks for {ops} operations in {frames} frames",
        checker.checks
    );
    // Paused: the next frames check the whole history, once.
    checker.verdict(&p);
    let checks = checker.checks;
    let v = checker.verdict(&p);
    assert_eq!(v.verdict, "linearizable", "{}", v.text);
    assert_eq!(v.checked_ops, ops);
    checker.verdict(&p);
    assert!(checker.checks <= checks + 1);
    // The load is an input of the run: its link replays the same history.
    let other = Page::from_link(link::decode(&p.link().unwrap()).unwrap()).unwrap();
    assert_eq!(other.kv_clients(), p.kv_clients());
    // Stopping it: no new operations start.
    p.kv_load(0, 0).unwrap();
    p.kv_load(1, 0).unwrap();
    p.advance(1_000).unwrap();
    let ops = p.kv_clients().operations;
    p.advance(1_000).unwrap();
    assert_eq!(p.kv_clients().operations, ops);
    assert_eq!(p.kv_clients().clients[0].load_per_second, 0);
}

fn verdict_at_end(id: &str) -> raftlab_session::view::kv_history::KvVerdictView {
    let mut p = Page::from_scenario(id).unwrap();
    let end = p.travel().end_ms();
    p.seek(end);
    KvChecker::new().verdict(&p)
}

#[test]
fn the_stale_read_scenario_is_flagged_with_the_read_and_its_time() {
    let v = verdict_at_end("kv-stale-read");
    assert_eq!(v.verdict, "not-linearizable", "{}", v.text);
    assert!(v.text.contains("C2 Get(k)"), "{}", v.text);
    assert!(v.first_ms.is_some());
    assert!(!v.involved.is_empty());
}

#[test]
fn the_duplicate_append_scenario_is_flagged_and_linearizable_with_the_rule_kept() {
    let v = verdict_at_end("kv-duplicate-append");
    assert_eq!(v.verdict, "not-linearizable", "{}", v.text);
    let mut p = Page::from_scenario("kv-duplicate-append").unwrap();
    let end = p.travel().end_ms();
    p.seek(end);
    let sm = &p.state_machines()[1];
    assert_eq!(
        sm.kv.as_ref().unwrap().keys[0].value,
        "xx",
        "the retried Append applied twice"
    );
    // The same story with the rule kept: one x, linearizable.
    let mut kept = Scenario::built_in("kv-duplicate-append").unwrap();
    for step in &mut kept.steps {
        step.inputs
            .retain(|i| !matches!(i, raftlab::sim::Input::BreakRule { .. }));
        if matches!(step.until, Goal::Violation(_)) {
            step.until = Goal::AfterMs(500);
        }
    }
    let played = kept.play().expect("plays with the rule kept");
    let sim = played.session.sim();
    let mut checker = KvChecker::new();
    let v = checker.verdict_of((0, 0), sim.now_ms(), sim.kv_history());
    assert_eq!(v.verdict, "linearizable", "{}", v.text);
    let got = sim.kv_history().last().and_then(|h| h.output.clone());
    assert_eq!(got.as_deref(), Some("x"));
}

#[test]
fn the_stale_read_scenario_with_the_rule_kept_is_linearizable() {
    let mut kept = Scenario::built_in("kv-stale-read").unwrap();
    for step in &mut kept.steps {
        step.inputs
            .retain(|i| !matches!(i, raftlab::sim::Input::BreakRule { .. }));
        if matches!(step.until, Goal::Violation(_)) {
            step.until = Goal::AfterMs(1_500);
        }
        // S3 cannot win with the check kept: C2's Get then waits for a leader it reaches.
        if matches!(step.until, Goal::KvReturned(3)) {
            step.until = Goal::AfterMs(3_000);
        }
    }
    let played = kept.play().expect("plays with the rule kept");
    let v = KvChecker::new().verdict_of(
        (0, 0),
        played.session.sim().now_ms(),
        played.session.sim().kv_history(),
    );
    assert_eq!(v.verdict, "linearizable", "{}", v.text);
}
