//! The MIT 6.5840 (Spring 2024) Lab 4 kvraft tests (`src/kvraft/test_test.go`), ported to
//! raftlab's deterministic harness `raftlab::lab::kv` over the simulator's key/value service.
//!
//! Every test keeps the original scenario, numbers, sleeps, loop counts and assertions; the
//! panic messages are the Go `t.Fatalf` texts. Differences that follow from the harness:
//! - all times are virtual milliseconds; `time.Sleep` is `cfg.sleep_ms`; the speed tests
//!   measure virtual time;
//! - Go's global `math/rand` is the config's seeded `rand_int()` (Go's `rand.Int()`);
//! - goroutines are `cfg.go(..)` activities, channels and WaitGroups are `cfg.join`;
//! - Go's `maxraftstate = -1` is `None`;
//! - the porcupine check runs in every test's `cfg.end()`, on the whole history of Clerk
//!   operations the simulator recorded (so also in the tests where 6.5840 logs nothing);
//! - each test body runs once per seed through `seeds(..)`, with a fresh `KvConfig`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use raftlab::lab::kv::{seeds, Clerk, KvConfig, ELECTION_TIMEOUT_MS};

/// `check(cfg, t, ck, key, value)`: an unlogged Get must read `value`.
fn check(cfg: &mut KvConfig, ck: &Clerk, key: &str, value: &str) {
    let v = ck.get(cfg, key);
    if v != value {
        cfg.fail(&format!("Get({key:?}): expected:\n{value}\nreceived:\n{v}"));
    }
}

/// The value client `clnt` appends as its `j`-th element.
fn element(clnt: usize, j: usize) -> String {
    format!("x {clnt} {j} y")
}

/// Each of client `clnt`'s first `count` appends is in `v`, exactly once, in order.
fn check_clnt_appends(cfg: &KvConfig, clnt: usize, v: &str, count: usize) {
    let mut lastoff = None;
    for j in 0..count {
        let wanted = element(clnt, j);
        let Some(off) = v.find(&wanted) else {
            cfg.fail(&format!(
                "{clnt} missing element {wanted} in Append result {v}"
            ));
        };
        if v.rfind(&wanted) != Some(off) {
            cfg.fail(&format!("duplicate element {wanted} in Append result"));
        }
        if lastoff.is_some_and(|last| off <= last) {
            cfg.fail(&format!(
                "wrong order for element {wanted} in Append result"
            ));
        }
        lastoff = Some(off);
    }
}

/// `checkConcurrentAppends`: every client's elements, once each and in its order.
fn check_concurrent_appends(cfg: &KvConfig, v: &str, counts: &[usize]) {
    for (i, &count) in counts.iter().enumerate() {
        check_clnt_appends(cfg, i, v, count);
    }
}

/// Until told to stop: each server into group 0 or 1 at random, then sleep about a second.
fn partitioner(cfg: &mut KvConfig, done: &AtomicBool) {
    let n = cfg.servers();
    while !done.load(Ordering::SeqCst) {
        let a: Vec<u64> = (0..n).map(|_| cfg.rand_int() % 2).collect();
        let pa: Vec<Vec<usize>> = (0..2)
            .map(|g| (0..n).filter(|&j| a[j] == g).collect())
            .collect();
        cfg.partition(&pa[0], &pa[1]);
        let ms = ELECTION_TIMEOUT_MS + cfg.rand_int() % 200;
        cfg.sleep_ms(ms);
    }
}

/// One client of GenericTest's rounds: Appends (50%), Puts (5%, random keys only) and Gets
/// until `done`; returns how many Appends and Puts it did.
fn client(
    cfg: &mut KvConfig,
    cli: usize,
    nclients: usize,
    randomkeys: bool,
    done: &AtomicBool,
) -> usize {
    let all = cfg.all();
    let myck = cfg.make_client(&all);
    let mut j = 0;
    let mut last = String::new(); // only used when not randomkeys
    if !randomkeys {
        myck.put(cfg, &cli.to_string(), &last);
    }
    while !done.load(Ordering::SeqCst) {
        let key = if randomkeys {
            (cfg.rand_int() % nclients as u64).to_string()
        } else {
            cli.to_string()
        };
        let nv = element(cli, j);
        if cfg.rand_int() % 1000 < 500 {
            myck.append(cfg, &key, &nv);
            if !randomkeys {
                last.push_str(&nv);
            }
            j += 1;
        } else if randomkeys && cfg.rand_int() % 1000 < 100 {
            // only with random keys: it would break the check after Get() otherwise
            myck.put(cfg, &key, &nv);
            j += 1;
        } else {
            let v = myck.get(cfg, &key);
            // the check only makes sense when we're not using random keys
            if !randomkeys && v != last {
                cfg.fail(&format!(
                    "get wrong value, key {key}, wanted:\n{last}\n, got\n{v}\n"
                ));
            }
        }
    }
    cfg.delete_client(myck);
    j
}

/// Basic test is as follows: one or more clients submitting Append/Get operations to a set
/// of servers for some period of time. After the period is over, the test checks that all
/// appended values are present and in order for a particular key. If unreliable is set,
/// RPCs may fail. If crash is set, the servers crash after the period is over and restart.
/// If partitions is set, the test repartitions the network concurrently with the clients
/// and servers. If maxraftstate is a positive number, the size of the state for Raft (i.e.,
/// log size) shouldn't exceed 8*maxraftstate. If maxraftstate is negative, snapshots
/// shouldn't be used.
#[allow(clippy::too_many_arguments)]
fn generic_test(
    part: &str,
    nclients: usize,
    nservers: usize,
    unreliable: bool,
    crash: bool,
    partitions: bool,
    maxraftstate: Option<u64>,
    randomkeys: bool,
) {
    let mut title = String::from("Test: ");
    if unreliable {
        // the network drops RPC requests and replies.
        title.push_str("unreliable net, ");
    }
    if crash {
        // peers re-start, and thus persistence must work.
        title.push_str("restarts, ");
    }
    if partitions {
        // the network may partition
        title.push_str("partitions, ");
    }
    if maxraftstate.is_some() {
        title.push_str("snapshots, ");
    }
    if randomkeys {
        title.push_str("random keys, ");
    }
    if nclients > 1 {
        title.push_str("many clients");
    } else {
        title.push_str("one client");
    }
    title.push_str(&format!(" ({part})")); // 4A or 4B

    let mut cfg = KvConfig::new(nservers, unreliable, maxraftstate);
    cfg.begin(&title);
    let all = cfg.all();
    let ck = cfg.make_client(&all);

    for _ in 0..3 {
        let done_clients = Arc::new(AtomicBool::new(false));
        let done_partitioner = Arc::new(AtomicBool::new(false));
        let clnts: Vec<_> = (0..nclients)
            .map(|cli| {
                let done = done_clients.clone();
                cfg.go(move |cfg| client(cfg, cli, nclients, randomkeys, &done))
            })
            .collect();

        let mut partitioner_activity = None;
        if partitions {
            // Allow the clients to perform some operations without interruption
            cfg.sleep_ms(1000);
            let done = done_partitioner.clone();
            partitioner_activity = Some(cfg.go(move |cfg| partitioner(cfg, &done)));
        }
        cfg.sleep_ms(5000);

        done_clients.store(true, Ordering::SeqCst); // tell clients to quit
        done_partitioner.store(true, Ordering::SeqCst); // tell partitioner to quit

        if let Some(p) = partitioner_activity {
            cfg.join(p);
            // reconnect network and submit a request. A client may have submitted a
            // request in a minority. That request won't return until that server
            // discovers a new term has started.
            cfg.connect_all();
            // wait for a while so that we have a new term
            cfg.sleep_ms(ELECTION_TIMEOUT_MS);
        }

        if crash {
            for i in 0..nservers {
                cfg.shutdown_server(i);
            }
            // Wait for a while for servers to shutdown, since shutdown isn't a real crash
            // and isn't instantaneous
            cfg.sleep_ms(ELECTION_TIMEOUT_MS);
            // crash and re-start all
            for i in 0..nservers {
                cfg.start_server(i);
            }
            cfg.connect_all();
        }

        for (i, clnt) in clnts.into_iter().enumerate() {
            let j = cfg.join(clnt);
            let v = ck.get(&mut cfg, &i.to_string());
            if !randomkeys {
                check_clnt_appends(&cfg, i, &v, j);
            }
        }

        if let Some(maxraftstate) = maxraftstate {
            // Check maximum after the servers have processed all client requests and had
            // time to checkpoint.
            let sz = cfg.log_size();
            if sz as u64 > 8 * maxraftstate {
                cfg.fail(&format!("logs were not trimmed ({sz} > 8*{maxraftstate})"));
            }
        } else {
            // Check that snapshots are not used
            let ssz = cfg.snapshot_size();
            if ssz > 0 {
                cfg.fail(&format!(
                    "snapshot too large ({ssz}), should not be used when maxraftstate = -1"
                ));
            }
        }
    }

    // end() checks the whole history for linearizability (porcupine's check).
    cfg.end();
}

/// Check that ops are committed fast enough, better than 1 per heartbeat interval.
fn generic_test_speed(part: &str, maxraftstate: Option<u64>) {
    const NSERVERS: usize = 3;
    const NUM_OPS: u64 = 1000;
    let mut cfg = KvConfig::new(NSERVERS, false, maxraftstate);
    let all = cfg.all();
    let ck = cfg.make_client(&all);

    cfg.begin(&format!("Test: ops complete fast enough ({part})"));

    // wait until first op completes, so we know a leader is elected and KV servers are
    // ready to process client requests
    ck.get(&mut cfg, "x");

    let start = cfg.now_ms();
    for i in 0..NUM_OPS {
        ck.append(&mut cfg, "x", &element(0, i as usize));
    }
    let dur = cfg.now_ms() - start;

    let v = ck.get(&mut cfg, "x");
    check_clnt_appends(&cfg, 0, &v, NUM_OPS as usize);

    // heartbeat interval should be ~ 100 ms; require at least 3 ops per
    const HEARTBEAT_INTERVAL_MS: u64 = 100;
    const OPS_PER_INTERVAL: u64 = 3;
    // Go's Duration: 100 ms / 3 in ns; here in µs to keep the third.
    let time_per_op_us = HEARTBEAT_INTERVAL_MS * 1000 / OPS_PER_INTERVAL;
    if dur * 1000 > NUM_OPS * time_per_op_us {
        cfg.fail(&format!(
            "Operations completed too slowly {}µs/op > {time_per_op_us}µs/op",
            dur * 1000 / NUM_OPS
        ));
    }

    cfg.end();
}

// ---------------------------------------------------------------------------------------------
// 4A: key/value service without snapshots
// ---------------------------------------------------------------------------------------------

/// One client, 5 servers, reliable: its appends are all there, in order; no snapshot.
#[test]
fn basic_4a() {
    seeds(|| generic_test("4A", 1, 5, false, false, false, None, false));
}

/// 1000 sequential appends average under 33.3 ms (a third of a heartbeat) each.
#[test]
fn speed_4a() {
    seeds(|| generic_test_speed("4A", None));
}

/// Five concurrent clients, each on its own key, reliable network.
#[test]
fn concurrent_4a() {
    seeds(|| generic_test("4A", 5, 5, false, false, false, None, false));
}

/// Five clients on the unreliable network: retried requests are applied once.
#[test]
fn unreliable_4a() {
    seeds(|| generic_test("4A", 5, 5, true, false, false, None, false));
}

/// Five clients append to the same key on the unreliable network: each element once, in
/// each client's order.
#[test]
fn unreliable_one_key_4a() {
    seeds(|| {
        const NSERVERS: usize = 3;
        let mut cfg = KvConfig::new(NSERVERS, true, None);
        let all = cfg.all();
        let ck = cfg.make_client(&all);

        cfg.begin("Test: concurrent append to same key, unreliable (4A)");

        ck.put(&mut cfg, "k", "");

        const NCLIENT: usize = 5;
        const UPTO: usize = 10;
        let clients: Vec<_> = (0..NCLIENT)
            .map(|me| {
                cfg.go(move |cfg| {
                    let all = cfg.all();
                    let myck = cfg.make_client(&all);
                    for n in 0..UPTO {
                        myck.append(cfg, "k", &element(me, n));
                    }
                    cfg.delete_client(myck);
                })
            })
            .collect();
        for c in clients {
            cfg.join(c);
        }

        let counts = vec![UPTO; NCLIENT];
        let vx = ck.get(&mut cfg, "k");
        check_concurrent_appends(&cfg, &vx, &counts);

        cfg.end();
    });
}

/// Submit a request in the minority partition and check that the request doesn't go
/// through until the partition heals. The leader in the original network ends up in the
/// minority partition.
#[test]
fn one_partition_4a() {
    seeds(|| {
        const NSERVERS: usize = 5;
        let mut cfg = KvConfig::new(NSERVERS, false, None);
        let all = cfg.all();
        let ck = cfg.make_client(&all);

        ck.put(&mut cfg, "1", "13");

        cfg.begin("Test: progress in majority (4A)");

        let (p1, p2) = cfg.make_partition();
        cfg.partition(&p1, &p2);

        let ckp1 = cfg.make_client(&p1); // connect ckp1 to p1
        let ckp2a = cfg.make_client(&p2); // connect ckp2a to p2
        let ckp2b = cfg.make_client(&p2); // connect ckp2b to p2

        ckp1.put(&mut cfg, "1", "14");
        check(&mut cfg, &ckp1, "1", "14");

        cfg.end();

        cfg.begin("Test: no progress in minority (4A)");
        let done0 = {
            let ckp2a = ckp2a.clone();
            cfg.go(move |cfg| ckp2a.put(cfg, "1", "15"))
        };
        let done1 = {
            let ckp2b = ckp2b.clone();
            cfg.go(move |cfg| ckp2b.get(cfg, "1")) // different clerk in p2
        };

        cfg.sleep_ms(1000);
        if cfg.is_finished(&done0) {
            cfg.fail("Put in minority completed");
        }
        if cfg.is_finished(&done1) {
            cfg.fail("Get in minority completed");
        }

        check(&mut cfg, &ckp1, "1", "14");
        ckp1.put(&mut cfg, "1", "16");
        check(&mut cfg, &ckp1, "1", "16");

        cfg.end();

        cfg.begin("Test: completion after heal (4A)");

        cfg.connect_all();
        cfg.connect_client(&ckp2a, &all);
        cfg.connect_client(&ckp2b, &all);

        cfg.sleep_ms(ELECTION_TIMEOUT_MS);

        // select { case <-done0: case <-time.After(30 * 100 ms): Fatal }
        let deadline = cfg.now_ms() + 30 * 100;
        while !cfg.is_finished(&done0) && cfg.now_ms() < deadline {
            cfg.sleep_ms(1);
        }
        if !cfg.is_finished(&done0) {
            cfg.fail("Put did not complete");
        }
        // The Go test's select on done1 has a default branch: the Get is not waited for.

        check(&mut cfg, &ck, "1", "15");

        cfg.end();
    });
}

/// One client; the network repartitions at random, about every second.
#[test]
fn many_partitions_one_client_4a() {
    seeds(|| generic_test("4A", 1, 5, false, false, true, None, false));
}

/// Five clients; the network repartitions at random, about every second.
#[test]
fn many_partitions_many_clients_4a() {
    seeds(|| generic_test("4A", 5, 5, false, false, true, None, false));
}

/// One client; every round ends with all servers shut down and restarted.
#[test]
fn persist_one_client_4a() {
    seeds(|| generic_test("4A", 1, 5, false, true, false, None, false));
}

/// Five clients; all servers shut down and restarted after each round.
#[test]
fn persist_concurrent_4a() {
    seeds(|| generic_test("4A", 5, 5, false, true, false, None, false));
}

/// Five clients, unreliable network, restarts.
#[test]
fn persist_concurrent_unreliable_4a() {
    seeds(|| generic_test("4A", 5, 5, true, true, false, None, false));
}

/// Five clients, restarts and partitions.
#[test]
fn persist_partition_4a() {
    seeds(|| generic_test("4A", 5, 5, false, true, true, None, false));
}

/// Five clients, unreliable network, restarts and partitions.
#[test]
fn persist_partition_unreliable_4a() {
    seeds(|| generic_test("4A", 5, 5, true, true, true, None, false));
}

/// Fifteen clients on random keys (Put, Append, Get), 7 servers, unreliable network,
/// restarts and partitions: the history must be linearizable.
#[test]
fn persist_partition_unreliable_linearizable_4a() {
    seeds(|| generic_test("4A", 15, 7, true, true, true, None, true));
}

// ---------------------------------------------------------------------------------------------
// 4B: key/value service with snapshots (maxraftstate = 1000)
// ---------------------------------------------------------------------------------------------

/// The majority trims its log while a server is away, and the lagging server catches up
/// (through InstallSnapshot) when it is needed for a majority.
#[test]
fn snapshot_rpc_4b() {
    seeds(|| {
        const NSERVERS: usize = 3;
        const MAXRAFTSTATE: u64 = 1000;
        let mut cfg = KvConfig::new(NSERVERS, false, Some(MAXRAFTSTATE));
        let all = cfg.all();
        let ck = cfg.make_client(&all);

        cfg.begin("Test: InstallSnapshot RPC (4B)");

        ck.put(&mut cfg, "a", "A");
        check(&mut cfg, &ck, "a", "A");

        // a bunch of puts into the majority partition.
        cfg.partition(&[0, 1], &[2]);
        {
            let ck1 = cfg.make_client(&[0, 1]);
            for i in 0..50 {
                ck1.put(&mut cfg, &i.to_string(), &i.to_string());
            }
            cfg.sleep_ms(ELECTION_TIMEOUT_MS);
            ck1.put(&mut cfg, "b", "B");
        }

        // check that the majority partition has thrown away most of its log entries.
        let sz = cfg.log_size() as u64;
        if sz > 8 * MAXRAFTSTATE {
            cfg.fail(&format!("logs were not trimmed ({sz} > 8*{MAXRAFTSTATE})"));
        }

        // now make group that requires participation of lagging server, so that it has to
        // catch up.
        cfg.partition(&[0, 2], &[1]);
        {
            let ck1 = cfg.make_client(&[0, 2]);
            ck1.put(&mut cfg, "c", "C");
            ck1.put(&mut cfg, "d", "D");
            check(&mut cfg, &ck1, "a", "A");
            check(&mut cfg, &ck1, "b", "B");
            check(&mut cfg, &ck1, "1", "1");
            check(&mut cfg, &ck1, "49", "49");
        }

        // now everybody
        cfg.partition(&[0, 1, 2], &[]);

        ck.put(&mut cfg, "e", "E");
        check(&mut cfg, &ck, "c", "C");
        check(&mut cfg, &ck, "e", "E");
        check(&mut cfg, &ck, "1", "1");

        cfg.end();
    });
}

/// Are the snapshots not too huge? 500 bytes is a generous bound for the operations we're
/// doing here.
#[test]
fn snapshot_size_4b() {
    seeds(|| {
        const NSERVERS: usize = 3;
        const MAXRAFTSTATE: u64 = 1000;
        const MAXSNAPSHOTSTATE: usize = 500;
        let mut cfg = KvConfig::new(NSERVERS, false, Some(MAXRAFTSTATE));
        let all = cfg.all();
        let ck = cfg.make_client(&all);

        cfg.begin("Test: snapshot size is reasonable (4B)");

        for _ in 0..200 {
            ck.put(&mut cfg, "x", "0");
            check(&mut cfg, &ck, "x", "0");
            ck.put(&mut cfg, "x", "1");
            check(&mut cfg, &ck, "x", "1");
        }

        // check that servers have thrown away most of their log entries
        let sz = cfg.log_size() as u64;
        if sz > 8 * MAXRAFTSTATE {
            cfg.fail(&format!("logs were not trimmed ({sz} > 8*{MAXRAFTSTATE})"));
        }

        // check that the snapshots are not unreasonably large
        let ssz = cfg.snapshot_size();
        if ssz > MAXSNAPSHOTSTATE {
            cfg.fail(&format!("snapshot too large ({ssz} > {MAXSNAPSHOTSTATE})"));
        }

        cfg.end();
    });
}

/// 1000 sequential appends with snapshots on average under 33.3 ms each.
#[test]
fn speed_4b() {
    seeds(|| generic_test_speed("4B", Some(1000)));
}

/// One client, restarts, snapshots: the store comes back from the snapshot and the log.
#[test]
fn snapshot_recover_4b() {
    seeds(|| generic_test("4B", 1, 5, false, true, false, Some(1000), false));
}

/// Twenty clients, restarts, snapshots.
#[test]
fn snapshot_recover_many_clients_4b() {
    seeds(|| generic_test("4B", 20, 5, false, true, false, Some(1000), false));
}

/// Five clients, unreliable network, snapshots.
#[test]
fn snapshot_unreliable_4b() {
    seeds(|| generic_test("4B", 5, 5, true, false, false, Some(1000), false));
}

/// Five clients, unreliable network, restarts, snapshots.
#[test]
fn snapshot_unreliable_recover_4b() {
    seeds(|| generic_test("4B", 5, 5, true, true, false, Some(1000), false));
}

/// Five clients, unreliable network, restarts, partitions, snapshots.
#[test]
fn snapshot_unreliable_recover_concurrent_partition_4b() {
    seeds(|| generic_test("4B", 5, 5, true, true, true, Some(1000), false));
}

/// Fifteen clients on random keys, 7 servers, unreliable network, restarts, partitions,
/// snapshots: the history must be linearizable.
#[test]
fn snapshot_unreliable_recover_concurrent_partition_linearizable_4b() {
    seeds(|| generic_test("4B", 15, 7, true, true, true, Some(1000), true));
}
