//! The Cluster handle in a real browser (headless Chromium through wasm-bindgen-test-runner):
//!
//!   CHROMEDRIVER=/usr/bin/chromedriver cargo test -p raftlab-wasm --target wasm32-unknown-unknown
//!
//! The tests call the methods the page calls, with JavaScript values built here, and read the
//! plain objects back (through serde, and raw where null vs undefined matters).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use raftlab_session::image;
use raftlab_session::log_window::LogWindowView;
use raftlab_session::view::{
    ClusterEvent, ClusterState, EventKindName, FieldValue, LogEntryView, RequestResult,
};
use raftlab_wasm::Cluster;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// ----- helpers -----

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn num(x: f64) -> JsValue {
    JsValue::from_f64(x)
}

fn groups(gs: &[&[f64]]) -> JsValue {
    let outer = Array::new();
    for g in gs {
        let inner = Array::new();
        for &id in *g {
            inner.push(&num(id));
        }
        outer.push(&inner);
    }
    outer.into()
}

fn cluster(seed: f64) -> Cluster {
    Cluster::new(obj(&[("nodes", num(5.0)), ("seed", num(seed))])).unwrap()
}

fn state(c: &Cluster) -> ClusterState {
    serde_wasm_bindgen::from_value(c.state().unwrap()).unwrap()
}

/// Node `id`'s entries 1..=511 (`logWindow`: state() carries no logs).
fn log(c: &Cluster, id: u32) -> Vec<LogEntryView> {
    let range = Array::new();
    range.push(&num(id as f64));
    range.push(&num(0.0));
    range.push(&num(511.0));
    let ranges = Array::new();
    ranges.push(&range);
    let w: Vec<LogWindowView> =
        serde_wasm_bindgen::from_value(c.log_window(ranges.into()).unwrap()).unwrap();
    w.into_iter().next().unwrap().entries
}

fn events(c: &mut Cluster) -> Vec<ClusterEvent> {
    serde_wasm_bindgen::from_value(c.events().unwrap()).unwrap()
}

fn request(c: &mut Cluster, command: &str) -> RequestResult {
    serde_wasm_bindgen::from_value(c.request(JsValue::from_str(command)).unwrap()).unwrap()
}

/// The message of the Error a call threw; fails when it did not throw, or threw a non-Error.
fn thrown<T>(r: Result<T, JsError>) -> String {
    let e = match r {
        Ok(_) => panic!("expected an Error, the call succeeded"),
        Err(e) => JsValue::from(e),
    };
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    String::from(e.unchecked_ref::<js_sys::Error>().message())
}

fn assert_thrown<T>(r: Result<T, JsError>, expected: &str) {
    let m = thrown(r);
    assert!(
        m.contains(expected),
        "expected a message containing {expected:?}, got {m:?}"
    );
}

/// (id, term) of the live leader with the highest term, if any.
fn leader(s: &ClusterState) -> Option<(u32, u64)> {
    s.nodes
        .iter()
        .filter(|n| n.alive && n.role == "leader")
        .map(|n| (n.id, n.term))
        .max_by_key(|&(_, t)| t)
}

/// Advance in 50 ms steps until `pred` holds; panics after `limit_ms`.
fn advance_until(
    c: &mut Cluster,
    limit_ms: f64,
    what: &str,
    pred: impl Fn(&ClusterState) -> bool,
) -> ClusterState {
    let start = c.now_ms();
    loop {
        let s = state(c);
        if pred(&s) {
            return s;
        }
        assert!(
            c.now_ms() - start <= limit_ms,
            "{what}: not within {limit_ms} virtual ms"
        );
        c.advance(num(50.0)).unwrap();
    }
}

fn elect(c: &mut Cluster) -> (u32, u64) {
    let s = advance_until(c, 5_000.0, "a leader is elected", |s| leader(s).is_some());
    leader(&s).unwrap()
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

// ----- elections, faults, requests -----

#[wasm_bindgen_test]
fn a_leader_is_elected_within_a_few_virtual_seconds() {
    let mut c = cluster(1.0);
    assert_eq!(c.node_count(), 5);
    assert_eq!(c.seed(), "1");
    let (id, term) = elect(&mut c);
    assert!(c.now_ms() <= 5_000.0);
    assert!((1..=5).contains(&id) && term >= 1);
    let s = state(&c);
    assert_eq!(
        s.nodes
            .iter()
            .filter(|n| n.role == "leader" && n.term == term)
            .count(),
        1,
        "one leader per term"
    );
    let l = &s.nodes[id as usize - 1];
    assert!(l.election_timer.is_none(), "a leader has no election timer");
    assert_eq!(l.next_index.as_ref().unwrap().len(), 5);
    assert_eq!(l.match_index.as_ref().unwrap().len(), 5);
    for n in s.nodes.iter().filter(|n| n.role == "follower") {
        let t = n.election_timer.as_ref().unwrap();
        assert!(t.elapsed_ms <= t.timeout_ms && (0.0..=1.0).contains(&t.progress));
        assert!((300..600).contains(&t.timeout_ms));
    }
    let evs = events(&mut c);
    assert!(evs.iter().any(|e| e.kind == EventKindName::ElectionStarted));
    assert!(evs.iter().any(|e| e.kind == EventKindName::BecameLeader
        && e.node == Some(id)
        && e.term == Some(term)));
    assert!(evs
        .iter()
        .any(|e| e.kind == EventKindName::VoteGranted
            && e.text.contains(&format!("voted for S{id}"))));
}

#[wasm_bindgen_test]
fn crashing_the_leader_elects_a_new_one_in_a_higher_term() {
    let mut c = cluster(2.0);
    let (old, term) = elect(&mut c);
    c.crash(num(old as f64)).unwrap();
    let s = state(&c);
    let crashed = &s.nodes[old as usize - 1];
    // A crashed node shows the role it had when it crashed ("was leader").
    assert!(!crashed.alive && crashed.role == "leader" && crashed.term == term);
    assert!(crashed.election_timer.is_none() && crashed.next_index.is_none());
    let s = advance_until(&mut c, 5_000.0, "a new leader", |s| {
        leader(s).is_some_and(|(_, t)| t > term)
    });
    let (new, new_term) = leader(&s).unwrap();
    assert_ne!(new, old);
    assert!(new_term > term);
    let evs = events(&mut c);
    assert!(evs
        .iter()
        .any(|e| e.kind == EventKindName::Crash && e.node == Some(old)));
    assert!(evs
        .iter()
        .any(|e| e.kind == EventKindName::MessageDropped && e.text.contains("dropped")));
    c.restart(num(old as f64)).unwrap();
    let s = advance_until(&mut c, 3_000.0, "the old leader follows", |s| {
        s.nodes[old as usize - 1].term >= new_term
    });
    assert!(s.nodes[old as usize - 1].alive);
    assert!(events(&mut c)
        .iter()
        .any(|e| e.kind == EventKindName::Restart && e.node == Some(old)));
}

#[wasm_bindgen_test]
fn partition_then_heal() {
    let mut c = cluster(3.0);
    let (_, term) = elect(&mut c);
    c.partition(groups(&[&[1.0, 2.0], &[3.0, 4.0, 5.0]]))
        .unwrap();
    let s = state(&c);
    assert_eq!(s.partition, Some(vec![vec![1, 2], vec![3, 4, 5]]));
    // The majority side has (or elects) a leader of its own.
    let s = advance_until(&mut c, 5_000.0, "a leader in {S3, S4, S5}", |s| {
        s.nodes[2..]
            .iter()
            .any(|n| n.role == "leader" && n.term >= term)
    });
    let (majority_leader, majority_term) = s.nodes[2..]
        .iter()
        .filter(|n| n.role == "leader")
        .map(|n| (n.id, n.term))
        .next()
        .unwrap();
    let r = request(&mut c, "during-partition");
    assert_eq!(
        r.leader, majority_leader,
        "the request goes to the leader with the highest term"
    );
    assert!(r.term >= majority_term);
    let evs = events(&mut c);
    assert!(evs
        .iter()
        .any(|e| e.kind == EventKindName::Partition && e.text.contains("{S1, S2} | {S3, S4, S5}")));

    c.heal();
    let s = state(&c);
    assert_eq!(s.partition, None);
    let s = advance_until(&mut c, 5_000.0, "one leader after healing", |s| {
        s.nodes.iter().filter(|n| n.role == "leader").count() == 1
            && s.nodes.iter().all(|n| n.commit_index >= r.index)
    });
    assert!(leader(&s).unwrap().1 >= majority_term);
    assert!(events(&mut c).iter().any(|e| e.kind == EventKindName::Heal));
}

#[wasm_bindgen_test]
fn a_request_commits_on_a_majority() {
    let mut c = cluster(4.0);
    let (id, term) = elect(&mut c);
    let r = request(&mut c, "set x = 1");
    assert_eq!((r.leader, r.term), (id, term));
    assert!(r.index >= 1);
    let s = advance_until(&mut c, 2_000.0, "the entry commits on a majority", |s| {
        s.nodes.iter().filter(|n| n.commit_index >= r.index).count() >= 3
    });
    let l = &s.nodes[id as usize - 1];
    let entries = log(&c, l.id);
    let entry = entries.iter().find(|e| e.index == r.index).unwrap();
    assert_eq!((entry.term, entry.command.as_str()), (r.term, "set x = 1"));
    let s = advance_until(&mut c, 2_000.0, "applied everywhere", |s| {
        s.nodes.iter().all(|n| n.last_applied >= r.index)
    });
    let digests: Vec<&str> = s.nodes.iter().map(|n| n.state_digest.as_str()).collect();
    assert!(
        digests.iter().all(|d| *d == digests[0] && d.len() == 16),
        "state machines agree: {digests:?}"
    );
    assert!(s.nodes.iter().all(|n| n.applied_count >= 1));
    let evs = events(&mut c);
    assert!(evs.iter().any(|e| e.kind == EventKindName::Request
        && e.index == Some(r.index)
        && e.text.contains("set x = 1")));
    assert!(evs.iter().any(|e| e.kind == EventKindName::Commit
        && e.node == Some(id)
        && e.index == Some(r.index)
        && e.term == Some(r.term)));
    assert!(
        evs.iter()
            .filter(|e| e.kind == EventKindName::Commit)
            .all(|e| e.node == Some(id)),
        "only the leader's commits"
    );
}

#[wasm_bindgen_test]
fn snapshots_show_in_the_state_and_the_events() {
    let mut c = Cluster::new(obj(&[("seed", num(5.0)), ("snapshotEvery", num(3.0))])).unwrap();
    elect(&mut c);
    for i in 0..7 {
        request(&mut c, &format!("cmd {i}"));
        c.advance(num(100.0)).unwrap();
    }
    let s = advance_until(&mut c, 3_000.0, "snapshots", |s| {
        s.nodes.iter().all(|n| n.snapshot_index >= 6)
    });
    for n in &s.nodes {
        assert!(n.snapshot_term >= 1);
        assert!(
            log(&c, n.id).iter().all(|e| e.index > n.snapshot_index),
            "the log view starts after the snapshot"
        );
    }
    assert!(events(&mut c)
        .iter()
        .any(|e| e.kind == EventKindName::Snapshot && e.index.is_some()));
}

#[wasm_bindgen_test]
fn the_plain_objects_have_the_contracts_shape() {
    let mut c = cluster(6.0);
    let raw = c.state().unwrap();
    let nodes = Reflect::get(&raw, &"nodes".into()).unwrap();
    let first = Reflect::get(&nodes, &0.into()).unwrap();
    // Missing values are null, never undefined.
    for key in ["votedFor", "nextIndex", "matchIndex", "votesGranted"] {
        assert!(
            Reflect::get(&first, &key.into()).unwrap().is_null(),
            "{key} is null"
        );
    }
    assert!(Reflect::get(&raw, &"partition".into()).unwrap().is_null());
    let net = Reflect::get(&raw, &"network".into()).unwrap();
    assert_eq!(
        Reflect::get(&net, &"dropRate".into()).unwrap().as_f64(),
        Some(0.0)
    );
    assert_eq!(
        Reflect::get(&net, &"delayMsMin".into()).unwrap().as_f64(),
        Some(20.0)
    );
    assert_eq!(
        Reflect::get(&net, &"delayMsMax".into()).unwrap().as_f64(),
        Some(60.0)
    );
    assert_eq!(
        Reflect::get(&net, &"longReordering".into())
            .unwrap()
            .as_bool(),
        Some(false)
    );
    assert_eq!(
        Reflect::get(&raw, &"seed".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("6")
    );

    // A candidate lists its votes; messages carry Figure 2's fields.
    c.timeout(num(2.0)).unwrap();
    let s = state(&c);
    assert_eq!(s.nodes[1].role, "candidate");
    assert_eq!(s.nodes[1].votes_granted, Some(vec![2]));
    assert_eq!(s.nodes[1].voted_for, Some(2));
    let rv = s.messages.iter().find(|m| m.kind == "RequestVote").unwrap();
    assert_eq!(rv.from, 2);
    assert_eq!(rv.fields.get("candidateId"), Some(&FieldValue::Number(2)));
    assert!(rv.fields.contains_key("lastLogIndex") && rv.fields.contains_key("lastLogTerm"));
    assert!(rv.deliver_ms >= rv.sent_ms + 20 && rv.deliver_ms <= rv.sent_ms + 60);

    elect(&mut c);
    c.advance(num(120.0)).unwrap();
    let raw = c.state().unwrap();
    let messages: Array = Reflect::get(&raw, &"messages".into())
        .unwrap()
        .unchecked_into();
    let mut saw_reply = false;
    for m in messages.iter() {
        let kind = Reflect::get(&m, &"kind".into())
            .unwrap()
            .as_string()
            .unwrap();
        let fields = Reflect::get(&m, &"fields".into()).unwrap();
        if kind == "AppendEntriesReply" {
            let success = Reflect::get(&fields, &"success".into())
                .unwrap()
                .as_bool()
                .unwrap();
            let ct = Reflect::get(&fields, &"conflictTerm".into()).unwrap();
            if success {
                assert!(ct.is_null(), "conflictTerm is null, not undefined");
            }
            saw_reply = true;
        }
        if kind == "AppendEntries" {
            assert_eq!(
                Reflect::get(&m, &"heartbeat".into()).unwrap().as_bool(),
                Some(true)
            );
            assert_eq!(
                Reflect::get(&fields, &"entries".into()).unwrap().as_f64(),
                Some(0.0)
            );
        }
    }
    assert!(saw_reply || messages.length() > 0);
}

// ----- bad arguments: always an Error that says what was wrong, never a trap -----

#[wasm_bindgen_test]
fn bad_options_throw_helpful_errors() {
    let new = |pairs: &[(&str, JsValue)]| Cluster::new(obj(pairs));
    assert_thrown(
        new(&[("nodes", num(10.0))]),
        "nodes must be a whole number 3..9, got 10",
    );
    assert_thrown(
        new(&[("nodes", num(2.0))]),
        "nodes must be a whole number 3..9, got 2",
    );
    assert_thrown(new(&[("nodes", num(f64::NAN))]), "got NaN");
    assert_thrown(new(&[("nodes", num(4.5))]), "got 4.5");
    assert_thrown(
        new(&[("nodes", JsValue::from_str("5"))]),
        "nodes must be a number, got string \"5\"",
    );
    assert_thrown(new(&[("seed", num(-1.0))]), "seed must be");
    assert_thrown(new(&[("seed", num(1.5))]), "seed must be");
    assert_thrown(new(&[("seed", num(f64::INFINITY))]), "got Infinity");
    assert_thrown(
        new(&[("seed", JsValue::from_str("banana"))]),
        "seed must be",
    );
    assert_thrown(
        new(&[("seed", JsValue::from_str("18446744073709551616"))]),
        "at most 18446744073709551615",
    );
    assert_thrown(new(&[("seed", JsValue::TRUE)]), "got boolean true");
    assert_thrown(
        new(&[("electionTimeoutMs", num(50.0))]),
        "must be longer than heartbeatMs",
    );
    assert_thrown(
        new(&[("heartbeatMs", num(0.0))]),
        "heartbeatMs must be a whole number 1..",
    );
    assert_thrown(new(&[("snapshotEvery", num(-1.0))]), "snapshotEvery");
    assert_thrown(new(&[("nodez", num(5.0))]), "unknown option \"nodez\"");
    assert_thrown(
        Cluster::new(JsValue::from_str("nodes=5")),
        "options must be an object",
    );
    assert_thrown(
        Cluster::new(Array::new().into()),
        "options must be an object",
    );

    // Seeds as numbers, bigints and strings; none: random.
    let c = new(&[("seed", JsValue::from(js_sys::BigInt::from(u64::MAX)))]).unwrap();
    assert_eq!(c.seed(), "18446744073709551615");
    let c = new(&[("seed", JsValue::from_str("12345678901234567890"))]).unwrap();
    assert_eq!(c.seed(), "12345678901234567890");
    let c = new(&[("seed", num(9_007_199_254_740_991.0))]).unwrap();
    assert_eq!(c.seed(), "9007199254740991");
    let c = Cluster::new(JsValue::UNDEFINED).unwrap();
    assert!(c.seed().bytes().all(|b| b.is_ascii_digit()));
    // A drawn seed has 64 random bits (crypto.getRandomValues), not Math.random's 32: of 8
    // draws, all below 2^32 would happen with probability 2^-256.
    let drawn: Vec<u64> = (0..8)
        .map(|_| {
            Cluster::new(JsValue::UNDEFINED)
                .unwrap()
                .seed()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(drawn.iter().any(|&s| s > u32::MAX as u64), "{drawn:?}");
    assert_eq!(c.node_count(), 5);
    let c = new(&[
        ("nodes", num(9.0)),
        ("electionTimeoutMs", num(500.0)),
        ("heartbeatMs", num(50.0)),
        ("snapshotEvery", num(0.0)),
    ])
    .unwrap();
    assert_eq!(c.node_count(), 9);
}

#[wasm_bindgen_test]
fn bad_arguments_throw_helpful_errors() {
    let mut c = cluster(7.0);
    // Unknown nodes, NaN, Infinity, wrong types.
    assert_thrown(
        c.crash(num(0.0)),
        "crash(id): unknown node 0: this cluster has nodes 1..5",
    );
    assert_thrown(
        c.crash(num(6.0)),
        "crash(id): unknown node 6: this cluster has nodes 1..5",
    );
    assert_thrown(
        c.restart(num(f64::NAN)),
        "restart(id): id must be a node id 1..5, got NaN",
    );
    assert_thrown(c.disconnect(num(f64::INFINITY)), "got Infinity");
    assert_thrown(c.connect(num(-1.0)), "unknown node -1");
    assert_thrown(
        c.timeout(JsValue::from_str("1")),
        "timeout(id): id must be a number, got string \"1\"",
    );
    assert_thrown(c.crash(JsValue::NULL), "id must be a number, got null");
    assert_thrown(
        c.crash(JsValue::UNDEFINED),
        "id must be a number, got undefined",
    );
    // advance
    assert_thrown(
        c.advance(num(-1.0)),
        "advance(ms): ms must be a finite number >= 0, got -1",
    );
    assert_thrown(
        c.advance(num(f64::NAN)),
        "advance(ms): ms must be a finite number >= 0, got NaN",
    );
    assert_thrown(c.advance(num(f64::INFINITY)), "got Infinity");
    assert_thrown(
        c.advance(JsValue::from_str("100")),
        "advance(ms): ms must be a number, got string \"100\"",
    );
    assert_thrown(c.advance(num(1e9)), "at most 60000");
    // partition
    assert_thrown(
        c.partition(groups(&[&[1.0, 2.0], &[2.0, 3.0]])),
        "node 2 appears more than once",
    );
    assert_thrown(c.partition(groups(&[&[1.0, 7.0]])), "unknown node 7");
    assert_thrown(
        c.partition(JsValue::from_str("1,2|3,4,5")),
        "groups must be an array of groups of node ids",
    );
    assert_thrown(c.partition(obj(&[])), "groups must be an array");
    let flat = Array::of2(&num(1.0), &num(2.0));
    assert_thrown(c.partition(flat.into()), "group 0 is 1");
    let with_string = Array::of1(&Array::of2(&num(1.0), &JsValue::from_str("2")));
    assert_thrown(
        c.partition(with_string.into()),
        "every node id must be a number, got string \"2\"",
    );
    // network
    assert_thrown(
        c.set_network(obj(&[("dropRate", num(2.0))])),
        "setNetwork(options): dropRate must be a probability 0..1, got 2",
    );
    assert_thrown(
        c.set_network(obj(&[("dropRate", num(f64::NAN))])),
        "got NaN",
    );
    assert_thrown(
        c.set_network(obj(&[("dropRate", JsValue::from_str("0.1"))])),
        "dropRate must be a number",
    );
    assert_thrown(
        c.set_network(obj(&[("delayMsMin", num(80.0)), ("delayMsMax", num(50.0))])),
        "must not exceed delayMsMax",
    );
    assert_thrown(
        c.set_network(obj(&[("delayMsMax", num(10_001.0))])),
        "delayMsMax must be a whole number 0..10000",
    );
    assert_thrown(
        c.set_network(obj(&[("longReordering", num(1.0))])),
        "longReordering must be true or false",
    );
    assert_thrown(
        c.set_network(obj(&[("droprate", num(0.1))])),
        "unknown option \"droprate\"",
    );
    assert_thrown(
        c.set_network(JsValue::UNDEFINED),
        "options must be an object",
    );
    // messages and requests
    assert_thrown(c.drop_message(num(1e6)), "message 1000000 is not in flight");
    assert_thrown(
        c.drop_message(num(-3.0)),
        "dropMessage(id): id must be a whole number",
    );
    assert_thrown(c.request(JsValue::from_str("x")), "no leader: ");
    assert!(thrown(c.request(JsValue::from_str("x"))).starts_with("no leader: "));
    assert_thrown(
        c.request(num(5.0)),
        "request(command): command must be a string, got 5",
    );
    assert_thrown(
        c.request(JsValue::from_str("")),
        "command must not be empty",
    );
    // Restore
    assert_thrown(
        Cluster::restore(JsValue::from_str("garbage")),
        "stored data is not a raftlab cluster image",
    );
    assert_thrown(
        Cluster::restore(num(1.0)),
        "Cluster.restore(image): image must be a string, got 1",
    );
    // State errors
    c.crash(num(3.0)).unwrap();
    assert_thrown(c.crash(num(3.0)), "S3 is already crashed");
    assert_thrown(c.timeout(num(3.0)), "S3 is crashed");

    // Nothing was half-applied, and the cluster still runs.
    let s = state(&c);
    assert_eq!(s.network.drop_rate, 0.0);
    assert_eq!((s.network.delay_ms_min, s.network.delay_ms_max), (20, 60));
    assert_eq!(s.partition, None);
    c.advance(num(1000.0)).unwrap();
    c.set_network(obj(&[
        ("dropRate", num(0.25)),
        ("delayMsMax", num(100.0)),
        ("longReordering", JsValue::TRUE),
    ]))
    .unwrap();
    let s = state(&c);
    assert_eq!(s.network.drop_rate, 0.25);
    assert_eq!(
        (
            s.network.delay_ms_min,
            s.network.delay_ms_max,
            s.network.long_reordering
        ),
        (20, 100, true)
    );
}

#[wasm_bindgen_test]
fn a_message_can_be_dropped_by_hand() {
    let mut c = cluster(8.0);
    c.timeout(num(1.0)).unwrap();
    let s = state(&c);
    let m = s.messages.iter().find(|m| m.kind == "RequestVote").unwrap();
    c.drop_message(num(m.id as f64)).unwrap();
    c.advance(num(100.0)).unwrap();
    let evs = events(&mut c);
    let dropped = evs
        .iter()
        .find(|e| e.kind == EventKindName::MessageDropped)
        .unwrap();
    assert!(
        dropped.text.contains("RequestVote") && dropped.text.contains("dropped by hand"),
        "{}",
        dropped.text
    );
    assert_eq!(dropped.node, Some(1));
}

// ----- persistence -----

#[wasm_bindgen_test]
fn local_storage_round_trip() {
    let mut c = cluster(9.0);
    elect(&mut c);
    let mut last = None;
    for i in 0..14 {
        let r = request(&mut c, &format!("keep-{i}"));
        c.advance(num(150.0)).unwrap();
        last = Some(r);
    }
    let last = last.unwrap();
    let before = advance_until(&mut c, 2_000.0, "all committed", |s| {
        s.nodes
            .iter()
            .filter(|n| n.commit_index >= last.index)
            .count()
            >= 3
    });
    let before_logs: Vec<Vec<LogEntryView>> = before.nodes.iter().map(|n| log(&c, n.id)).collect();
    let image_text = c.save_image();
    assert!(image_text.starts_with("raftlab-image/1:"));
    let store = storage();
    store.set_item("raftlab:test", &image_text).unwrap();
    let read = store.get_item("raftlab:test").unwrap().unwrap();
    store.remove_item("raftlab:test").unwrap();
    assert_eq!(read, image_text);

    let mut r = Cluster::restore(JsValue::from_str(&read)).unwrap();
    assert_eq!(r.seed(), "9", "restoring keeps the seed");
    assert_eq!(r.node_count(), 5);
    assert_eq!(r.now_ms(), c.now_ms());
    let after = state(&r);
    for (a, b) in after.nodes.iter().zip(&before.nodes) {
        assert!(a.alive && a.role == "follower", "every node restarts");
        assert_eq!(a.term, b.term, "S{} keeps currentTerm", a.id);
        assert_eq!(a.voted_for, b.voted_for, "S{} keeps votedFor", a.id);
        assert_eq!(
            (a.snapshot_index, a.snapshot_term),
            (b.snapshot_index, b.snapshot_term)
        );
        assert_eq!(
            log(&r, a.id),
            before_logs[b.id as usize - 1],
            "S{} keeps its log",
            a.id
        );
        assert_eq!(a.commit_index, a.snapshot_index);
    }
    // The committed entries are still there, and commit again under a new leader.
    elect(&mut r);
    let fresh = request(&mut r, "after-restore");
    let s = advance_until(&mut r, 3_000.0, "committed after restore", |s| {
        s.nodes
            .iter()
            .filter(|n| n.commit_index >= fresh.index)
            .count()
            >= 3
    });
    let old_commit = before.nodes.iter().map(|n| n.commit_index).max().unwrap();
    for b in &before.nodes {
        for e in before_logs[b.id as usize - 1]
            .iter()
            .filter(|e| e.index <= old_commit)
        {
            for a in &s.nodes {
                if let Some(now) = log(&r, a.id).iter().find(|x| x.index == e.index) {
                    assert_eq!(
                        (now.term, &now.command),
                        (e.term, &e.command),
                        "entry {} survives",
                        e.index
                    );
                }
            }
        }
    }
    // A saved image of the restored cluster restores too; the two runs are reproducible.
    let again = r.save_image();
    let mut x = Cluster::restore(JsValue::from_str(&again)).unwrap();
    let mut y = Cluster::restore(JsValue::from_str(&again)).unwrap();
    x.advance(num(3_000.0)).unwrap();
    y.advance(num(3_000.0)).unwrap();
    assert_eq!(x.trace_digest(), y.trace_digest());
}

#[wasm_bindgen_test]
fn damaged_images_say_what_is_wrong() {
    let mut c = cluster(10.0);
    elect(&mut c);
    for i in 0..5 {
        request(&mut c, &format!("cmd-{i}"));
        c.advance(num(100.0)).unwrap();
    }
    let good = c.save_image();
    let restore = |s: &str| Cluster::restore(JsValue::from_str(s));

    // Corrupt: one character flipped in the middle.
    let mut chars: Vec<char> = good.chars().collect();
    let mid = chars.len() / 2;
    chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
    let flipped: String = chars.into_iter().collect();
    assert_eq!(
        thrown(restore(&flipped)),
        "stored cluster image is corrupt (checksum mismatch)"
    );

    // Truncated: cut in half.
    let half = &good[..good.len() / 2];
    assert!(thrown(restore(half)).starts_with("stored cluster image is truncated"));

    // Foreign.
    assert_eq!(
        thrown(restore("{\"hello\":1}")),
        "stored data is not a raftlab cluster image"
    );
    assert_eq!(
        thrown(restore("")),
        "stored data is not a raftlab cluster image"
    );

    // Another version (built with the test-only encoder).
    let decoded = image::decode(&good).unwrap();
    let v2 = image::encode_version(&decoded, 2);
    assert_eq!(
        thrown(restore(&v2)),
        "stored cluster image has format version 2; this page reads version 1"
    );

    // Inconsistent: intact bytes that cannot be a cluster.
    let mut bad = decoded.clone();
    bad.options.nodes = 10;
    bad.persisters
        .extend(bad.persisters.clone().into_iter().take(5));
    assert!(
        thrown(restore(&image::encode(&bad))).starts_with("stored cluster image is inconsistent")
    );
    let mut bad = decoded;
    bad.persisters[0].raftstate = vec![7, 7, 7];
    assert_thrown(
        restore(&image::encode(&bad)),
        "S1's raft state does not decode",
    );

    // The good one still restores.
    assert!(restore(&good).is_ok());
}

#[wasm_bindgen_test]
fn a_crafted_image_with_a_snapshot_index_near_u64_max_throws_an_error_not_a_trap() {
    use raftlab_session::raftlab::core::{Entry, Log, PersistentState, INDEX_MAX};
    use raftlab_session::raftlab::sim::service::StateMachine;
    let mut c = cluster(12.0);
    elect(&mut c);
    let good = c.save_image();
    let decoded = image::decode(&good).unwrap();
    // Valid checksums, and S2's snapshot covers the index its log claims: only the raft
    // state's index range is wrong. Before the core validated restored state, the first
    // wrapped lastIncludedIndex + log length, the second panicked in the safety checker.
    for (snapshot_index, entries) in [(u64::MAX - 1, 3), (u64::MAX, 1)] {
        let mut bad = decoded.clone();
        let state = PersistentState {
            current_term: 9,
            voted_for: None,
            log: Log::new(
                snapshot_index,
                9,
                vec![
                    Entry {
                        term: 9,
                        command: b"x".to_vec().into()
                    };
                    entries
                ],
            ),
        };
        bad.persisters[1].raftstate = state.encode();
        bad.persisters[1].snapshot = StateMachine {
            last_applied: snapshot_index,
            count: 1,
            digest: 1,
        }
        .encode();
        assert_eq!(
            thrown(Cluster::restore(JsValue::from_str(&image::encode(&bad)))),
            format!(
                "stored cluster image is inconsistent: S2's raft state is invalid: its log index is out of range: lastIncludedIndex {snapshot_index} + {entries} entries passes index {INDEX_MAX}"
            )
        );
    }
    // The module did not trap: the handle still restores and runs the good image.
    let mut r = Cluster::restore(JsValue::from_str(&good)).unwrap();
    r.advance(num(1_000.0)).unwrap();
}

// ----- determinism -----

#[wasm_bindgen_test]
fn the_same_seed_gives_the_same_trace() {
    let run = |seed: f64| {
        let mut c = cluster(seed);
        elect(&mut c);
        for i in 0..5 {
            let _ = c.request(JsValue::from_str(&format!("cmd {i}")));
            c.advance(num(250.0)).unwrap();
        }
        c.crash(num(2.0)).unwrap();
        c.partition(groups(&[&[1.0, 3.0], &[4.0, 5.0]])).unwrap();
        c.advance(num(2_000.0)).unwrap();
        c.heal();
        c.advance(num(2_000.0)).unwrap();
        let digest = c.trace_digest();
        assert_eq!(digest.len(), 16);
        digest
    };
    assert_eq!(run(42.0), run(42.0));
    assert_ne!(run(42.0), run(43.0));
}

#[wasm_bindgen_test]
fn the_reference_scenario_has_the_native_trace_digest() {
    assert_eq!(
        raftlab_session::raftlab::sim::reference_trace_digest(),
        raftlab_session::raftlab::sim::REFERENCE_TRACE_DIGEST
    );
}

/// The session layer's replay check (`generate::check_replay`, also `cargo test -p
/// raftlab-session --test replay_random`) in the browser: generated runs replay from their
/// inputs to the identical digest, and their forks agree. Seeds 1..=4 and four drawn from
/// crypto.getRandomValues (printed on failure with the native command that replays them).
#[wasm_bindgen_test]
fn random_runs_replay_exactly_and_their_forks_agree_in_the_browser() {
    use raftlab_session::generate::{check_replay, random_run, SEED_1_TRACE_DIGEST};
    assert_eq!(
        random_run(1).trace_digest,
        SEED_1_TRACE_DIGEST,
        "the generated run of seed 1 has the native trace digest"
    );
    let mut drawn = [0u8; 32];
    getrandom::getrandom(&mut drawn).unwrap();
    let seeds = (1..=4).chain(
        drawn
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()) % 1_000_000_000),
    );
    for seed in seeds {
        if let Err(why) = check_replay(seed) {
            panic!(
                "seed {seed}: {why}\n  natively: RAFTLAB_SEED={seed} cargo test -p raftlab-session --test replay_random"
            );
        }
    }
}

#[wasm_bindgen_test]
fn events_are_bounded_per_call() {
    let mut c = cluster(11.0);
    elect(&mut c);
    c.crash(num(1.0)).unwrap();
    c.crash(num(2.0)).unwrap();
    c.crash(num(3.0)).unwrap();
    for _ in 0..3 {
        c.advance(num(60_000.0)).unwrap();
    }
    let evs = events(&mut c);
    assert_eq!(evs.len(), 500);
    assert!(
        evs.windows(2).all(|w| w[0].time_ms <= w[1].time_ms),
        "oldest first"
    );
    assert!(evs.last().unwrap().time_ms > 170_000, "the newest are kept");
    assert!(events(&mut c).is_empty(), "each event is handed out once");
}
