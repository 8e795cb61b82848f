//! The MIT 6.5840 (Spring 2024) Lab 3 Raft tests (`src/raft/test_test.go`), ported to
//! raftlab's deterministic harness `raftlab::lab`.
//!
//! Every test keeps the original scenario, numbers, sleeps, loop counts and assertions; the
//! panic messages are the Go `t.Fatalf` texts. Differences that follow from the harness:
//! - all times are virtual milliseconds; `time.Sleep` is `cfg.sleep_ms`;
//! - Go's global `math/rand` is the config's seeded `rand_int()` (Go's `rand.Int()`);
//! - goroutines are `cfg.go(..)` activities, and `sync.WaitGroup`/channels are `join`;
//! - Go's `-1` results (`wait`, `checkTerms`) are `None`; `cfg.rafts[i] == nil` is `!cfg.is_alive(i)`;
//! - each test body runs once per seed through `seeds(..)`, with a fresh `Config`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

// SNAPSHOT_INTERVAL is config.go's `SnapShotInterval` (10), owned by the harness's applier.
use raftlab::lab::{seeds, Cmd, Config, SNAPSHOT_INTERVAL};

/// The tester generously allows solutions to complete elections in one second
/// (much more than the paper's range of timeouts). Virtual milliseconds.
const RAFT_ELECTION_TIMEOUT: u64 = 1000;

/// test_test.go's `MAXLOGSIZE`, in bytes of raftstate.
const MAXLOGSIZE: usize = 2000;

/// Go's `rand.Int() % n` for picking a server.
fn rand_server(cfg: &mut Config, n: usize) -> usize {
    (cfg.rand_int() % n as u64) as usize
}

/// Go prints a "no value" term as -1; keep that in messages.
fn go_term(t: Option<u64>) -> i64 {
    t.map_or(-1, |t| t as i64)
}

// ---------------------------------------------------------------------------------------------
// 3A: leader election
// ---------------------------------------------------------------------------------------------

/// A leader is elected at start-up, all peers agree on a term >= 1, and the leader
/// and term stay put while nothing fails.
#[test]
fn initial_election_3a() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3A): initial election");

        // is a leader elected?
        cfg.check_one_leader();

        // sleep a bit to avoid racing with followers learning of the
        // election, then check that all peers agree on the term.
        cfg.sleep_ms(50);
        let term1 = cfg.check_terms();
        if term1.is_none_or(|t| t < 1) {
            panic!("term is {}, but should be at least 1", go_term(term1));
        }

        // does the leader+term stay the same if there is no network failure?
        cfg.sleep_ms(2 * RAFT_ELECTION_TIMEOUT);
        let term2 = cfg.check_terms();
        if term1 != term2 {
            // only a warning in the original, not a failure
            println!("warning: term changed even though there were no failures");
        }

        // there should still be a leader.
        cfg.check_one_leader();

        cfg.end();
    });
}

/// A new leader is elected when the leader is disconnected, the old leader rejoins
/// quietly, and no leader is elected without a quorum.
#[test]
fn re_election_3a() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3A): election after network failure");

        let leader1 = cfg.check_one_leader();

        // if the leader disconnects, a new one should be elected.
        cfg.disconnect(leader1);
        cfg.check_one_leader();

        // if the old leader rejoins, that shouldn't
        // disturb the new leader. and the old leader
        // should switch to follower.
        cfg.connect(leader1);
        let leader2 = cfg.check_one_leader();

        // if there's no quorum, no new leader should
        // be elected.
        cfg.disconnect(leader2);
        cfg.disconnect((leader2 + 1) % servers);
        cfg.sleep_ms(2 * RAFT_ELECTION_TIMEOUT);

        // check that the one connected server
        // does not think it is the leader.
        cfg.check_no_leader();

        // if a quorum arises, it should elect a leader.
        cfg.connect((leader2 + 1) % servers);
        cfg.check_one_leader();

        // re-join of last node shouldn't prevent leader from existing.
        cfg.connect(leader2);
        cfg.check_one_leader();

        cfg.end();
    });
}

/// With 7 servers, 9 rounds of disconnecting three random servers: a leader must
/// always exist among the remaining ones.
#[test]
fn many_elections_3a() {
    seeds(|| {
        let servers = 7;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3A): multiple elections");

        cfg.check_one_leader();

        let iters = 10;
        for _ii in 1..iters {
            // disconnect three nodes
            let i1 = rand_server(&mut cfg, servers);
            let i2 = rand_server(&mut cfg, servers);
            let i3 = rand_server(&mut cfg, servers);
            cfg.disconnect(i1);
            cfg.disconnect(i2);
            cfg.disconnect(i3);

            // either the current leader should still be alive,
            // or the remaining four should elect a new one.
            cfg.check_one_leader();

            cfg.connect(i1);
            cfg.connect(i2);
            cfg.connect(i3);
        }

        cfg.check_one_leader();

        cfg.end();
    });
}

// ---------------------------------------------------------------------------------------------
// 3B: log replication
// ---------------------------------------------------------------------------------------------

/// Three commands reach agreement on all servers, at indices 1, 2 and 3, and nothing
/// commits before Start().
#[test]
fn basic_agree_3b() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3B): basic agreement");

        let iters: u64 = 3;
        for index in 1..iters + 1 {
            let (nd, _) = cfg.n_committed(index);
            if nd > 0 {
                panic!("some have committed before Start()");
            }

            let xindex = cfg.one(index * 100, servers, false);
            if xindex != index {
                panic!("got index {} but expected {}", xindex, index);
            }
        }

        cfg.end();
    });
}

/// Each command is sent to each peer only about once: ten 5000-byte commands may
/// cost at most servers*50000 + 50000 RPC bytes.
#[test]
fn rpc_bytes_3b() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3B): RPC byte count");

        cfg.one(99u64, servers, false);
        let bytes0 = cfg.bytes_total();

        let iters: u64 = 10;
        let mut sent: u64 = 0;
        for index in 2..iters + 2 {
            let cmd = cfg.randstring(5000);
            let len = cmd.len() as u64;
            let xindex = cfg.one(cmd, servers, false);
            if xindex != index {
                panic!("got index {} but expected {}", xindex, index);
            }
            sent += len;
        }

        let bytes1 = cfg.bytes_total();
        let got = bytes1 - bytes0;
        let expected = servers as u64 * sent;
        if got > expected + 50000 {
            panic!("too many RPC bytes; got {}, expected {}", got, expected);
        }

        cfg.end();
    });
}

/// Agreement continues with one follower disconnected, and a leader left alone
/// accepts Start() at index 4 but cannot commit it.
#[test]
fn follower_failure_3b() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3B): test progressive failure of followers");

        cfg.one(101u64, servers, false);

        // disconnect one follower from the network.
        let leader1 = cfg.check_one_leader();
        cfg.disconnect((leader1 + 1) % servers);

        // the leader and remaining follower should be
        // able to agree despite the disconnected follower.
        cfg.one(102u64, servers - 1, false);
        cfg.sleep_ms(RAFT_ELECTION_TIMEOUT);
        cfg.one(103u64, servers - 1, false);

        // disconnect the remaining follower
        let leader2 = cfg.check_one_leader();
        cfg.disconnect((leader2 + 1) % servers);
        cfg.disconnect((leader2 + 2) % servers);

        // submit a command.
        let index = match cfg.start(leader2, 104u64) {
            Some((index, _term)) => index,
            None => panic!("leader rejected Start()"),
        };
        if index != 4 {
            panic!("expected index 4, got {}", index);
        }

        cfg.sleep_ms(2 * RAFT_ELECTION_TIMEOUT);

        // check that command 104 did not commit.
        let (n, _) = cfg.n_committed(index);
        if n > 0 {
            panic!("{} committed but no majority", n);
        }

        cfg.end();
    });
}

/// A new leader takes over after the leader is disconnected, and with the second
/// leader gone too, nothing submitted to anyone commits.
#[test]
fn leader_failure_3b() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3B): test failure of leaders");

        cfg.one(101u64, servers, false);

        // disconnect the first leader.
        let leader1 = cfg.check_one_leader();
        cfg.disconnect(leader1);

        // the remaining followers should elect
        // a new leader.
        cfg.one(102u64, servers - 1, false);
        cfg.sleep_ms(RAFT_ELECTION_TIMEOUT);
        cfg.one(103u64, servers - 1, false);

        // disconnect the new leader.
        let leader2 = cfg.check_one_leader();
        cfg.disconnect(leader2);

        // submit a command to each server.
        for i in 0..servers {
            cfg.start(i, 104u64);
        }

        cfg.sleep_ms(2 * RAFT_ELECTION_TIMEOUT);

        // check that command 104 did not commit.
        let (n, _) = cfg.n_committed(4);
        if n > 0 {
            panic!("{} committed but no majority", n);
        }

        cfg.end();
    });
}

/// A follower that was disconnected while the others committed entries catches up
/// after it reconnects.
#[test]
fn fail_agree_3b() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3B): agreement after follower reconnects");

        cfg.one(101u64, servers, false);

        // disconnect one follower from the network.
        let leader = cfg.check_one_leader();
        cfg.disconnect((leader + 1) % servers);

        // the leader and remaining follower should be
        // able to agree despite the disconnected follower.
        cfg.one(102u64, servers - 1, false);
        cfg.one(103u64, servers - 1, false);
        cfg.sleep_ms(RAFT_ELECTION_TIMEOUT);
        cfg.one(104u64, servers - 1, false);
        cfg.one(105u64, servers - 1, false);

        // re-connect
        cfg.connect((leader + 1) % servers);

        // the full set of servers should preserve
        // previous agreements, and be able to agree
        // on new commands.
        cfg.one(106u64, servers, true);
        cfg.sleep_ms(RAFT_ELECTION_TIMEOUT);
        cfg.one(107u64, servers, true);

        cfg.end();
    });
}

/// With 3 of 5 followers disconnected nothing commits; after they return, the
/// cluster agrees again (at index 2 or 3).
#[test]
fn fail_no_agree_3b() {
    seeds(|| {
        let servers = 5;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3B): no agreement if too many followers disconnect");

        cfg.one(10u64, servers, false);

        // 3 of 5 followers disconnect
        let leader = cfg.check_one_leader();
        cfg.disconnect((leader + 1) % servers);
        cfg.disconnect((leader + 2) % servers);
        cfg.disconnect((leader + 3) % servers);

        let index = match cfg.start(leader, 20u64) {
            Some((index, _term)) => index,
            None => panic!("leader rejected Start()"),
        };
        if index != 2 {
            panic!("expected index 2, got {}", index);
        }

        cfg.sleep_ms(2 * RAFT_ELECTION_TIMEOUT);

        let (n, _) = cfg.n_committed(index);
        if n > 0 {
            panic!("{} committed but no majority", n);
        }

        // repair
        cfg.connect((leader + 1) % servers);
        cfg.connect((leader + 2) % servers);
        cfg.connect((leader + 3) % servers);

        // the disconnected majority may have chosen a leader from
        // among their own ranks, forgetting index 2.
        let leader2 = cfg.check_one_leader();
        let index2 = match cfg.start(leader2, 30u64) {
            Some((index2, _term)) => index2,
            None => panic!("leader2 rejected Start()"),
        };
        if !(2..=3).contains(&index2) {
            panic!("unexpected index {}", index2);
        }

        cfg.one(1000u64, servers, true);

        cfg.end();
    });
}

/// Five Start()s issued at once to the leader all commit, retrying up to 5 times
/// if the term changes underneath.
#[test]
fn concurrent_starts_3b() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3B): concurrent Start()s");

        let mut success = false;
        'tries: for attempt in 0..5 {
            if attempt > 0 {
                // give solution some time to settle
                cfg.sleep_ms(3000);
            }

            let leader = cfg.check_one_leader();
            let term = match cfg.start(leader, 1u64) {
                Some((_, term)) => term,
                // leader moved on really quickly
                None => continue,
            };

            let iters: u64 = 5;
            // Go starts five goroutines that call Start() concurrently. In virtual time they
            // would all run at the same instant with no sleep in between, so a plain loop is
            // the same schedule: the five Start()s happen at one virtual instant.
            let mut is: Vec<u64> = Vec::new();
            for ii in 0..iters {
                if let Some((i, term1)) = cfg.start(leader, 100 + ii) {
                    if term1 != term {
                        continue;
                    }
                    is.push(i);
                }
            }

            for j in 0..servers {
                if cfg.get_state(j).map(|(t, _)| t) != Some(term) {
                    // term changed -- can't expect low RPC counts
                    continue 'tries;
                }
            }

            let mut failed = false;
            let mut cmds: Vec<u64> = Vec::new();
            for &index in &is {
                match cfg.wait(index, servers, Some(term)) {
                    // peers have moved on to later terms
                    // so we can't expect all Start()s to
                    // have succeeded
                    None => {
                        failed = true;
                        break;
                    }
                    Some(Cmd::Int(ix)) => cmds.push(ix),
                    Some(cmd) => panic!("value {:?} is not an int", cmd),
                }
            }

            if failed {
                continue;
            }

            for ii in 0..iters {
                let x = 100 + ii;
                let ok = cmds.contains(&x);
                if !ok {
                    panic!("cmd {} missing in {:?}", x, cmds);
                }
            }

            success = true;
            break;
        }

        if !success {
            panic!("term changed too often");
        }

        cfg.end();
    });
}

/// A partitioned leader with uncommitted entries rejoins and has them overwritten
/// by the entries the new leader committed.
#[test]
fn rejoin_3b() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3B): rejoin of partitioned leader");

        cfg.one(101u64, servers, true);

        // leader network failure
        let leader1 = cfg.check_one_leader();
        cfg.disconnect(leader1);

        // make old leader try to agree on some entries
        cfg.start(leader1, 102u64);
        cfg.start(leader1, 103u64);
        cfg.start(leader1, 104u64);

        // new leader commits, also for index=2
        cfg.one(103u64, 2, true);

        // new leader network failure
        let leader2 = cfg.check_one_leader();
        cfg.disconnect(leader2);

        // old leader connected again
        cfg.connect(leader1);

        cfg.one(104u64, 2, true);

        // all together now
        cfg.connect(leader2);

        cfg.one(105u64, servers, true);

        cfg.end();
    });
}

/// The leader backs up quickly over long runs of incorrect follower entries
/// (50 divergent entries at a time, on 5 servers).
#[test]
fn backup_3b() {
    seeds(|| {
        let servers = 5;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3B): leader backs up quickly over incorrect follower logs");

        let x = cfg.rand_int();
        cfg.one(x, servers, true);

        // put leader and one follower in a partition
        let leader1 = cfg.check_one_leader();
        cfg.disconnect((leader1 + 2) % servers);
        cfg.disconnect((leader1 + 3) % servers);
        cfg.disconnect((leader1 + 4) % servers);

        // submit lots of commands that won't commit
        for _ in 0..50 {
            let x = cfg.rand_int();
            cfg.start(leader1, x);
        }

        cfg.sleep_ms(RAFT_ELECTION_TIMEOUT / 2);

        cfg.disconnect(leader1 % servers);
        cfg.disconnect((leader1 + 1) % servers);

        // allow other partition to recover
        cfg.connect((leader1 + 2) % servers);
        cfg.connect((leader1 + 3) % servers);
        cfg.connect((leader1 + 4) % servers);

        // lots of successful commands to new group.
        for _ in 0..50 {
            let x = cfg.rand_int();
            cfg.one(x, 3, true);
        }

        // now another partitioned leader and one follower
        let leader2 = cfg.check_one_leader();
        let mut other = (leader1 + 2) % servers;
        if leader2 == other {
            other = (leader2 + 1) % servers;
        }
        cfg.disconnect(other);

        // lots more commands that won't commit
        for _ in 0..50 {
            let x = cfg.rand_int();
            cfg.start(leader2, x);
        }

        cfg.sleep_ms(RAFT_ELECTION_TIMEOUT / 2);

        // bring original leader back to life,
        for i in 0..servers {
            cfg.disconnect(i);
        }
        cfg.connect(leader1 % servers);
        cfg.connect((leader1 + 1) % servers);
        cfg.connect(other);

        // lots of successful commands to new group.
        for _ in 0..50 {
            let x = cfg.rand_int();
            cfg.one(x, 3, true);
        }

        // now everyone
        for i in 0..servers {
            cfg.connect(i);
        }
        let x = cfg.rand_int();
        cfg.one(x, servers, true);

        cfg.end();
    });
}

/// RPC counts stay low: 1..=30 to elect, at most 42 for 12 entries, and at most
/// 60 during one idle second.
#[test]
fn count_3b() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3B): RPC counts aren't too high");

        fn rpcs(cfg: &Config, servers: usize) -> u64 {
            (0..servers).map(|j| cfg.rpc_count(j)).sum()
        }

        let _leader = cfg.check_one_leader();

        let mut total1 = rpcs(&cfg, servers);

        if !(1..=30).contains(&total1) {
            panic!("too many or few RPCs ({}) to elect initial leader", total1);
        }

        let mut total2: u64 = 0;
        let mut success = false;
        'tries: for attempt in 0..5 {
            if attempt > 0 {
                // give solution some time to settle
                cfg.sleep_ms(3000);
            }

            let leader = cfg.check_one_leader();
            total1 = rpcs(&cfg, servers);

            let iters: u64 = 10;
            let (starti, term) = match cfg.start(leader, 1u64) {
                Some(started) => started,
                // leader moved on really quickly
                None => continue,
            };
            let mut cmds: Vec<u64> = Vec::new();
            for i in 1..iters + 2 {
                // Go's rand.Int31(): the top 31 bits of a 63-bit draw
                let x = cfg.rand_int() >> 32;
                cmds.push(x);
                match cfg.start(leader, x) {
                    Some((index1, term1)) => {
                        if term1 != term {
                            // Term changed while starting
                            continue 'tries;
                        }
                        if starti + i != index1 {
                            panic!("Start() failed");
                        }
                    }
                    // No longer the leader, so term has changed
                    None => continue 'tries,
                }
            }

            for i in 1..iters + 1 {
                let cmd = cfg.wait(starti + i, servers, Some(term));
                if cmd != Some(Cmd::Int(cmds[(i - 1) as usize])) {
                    if cmd.is_none() {
                        // term changed -- try again
                        continue 'tries;
                    }
                    panic!(
                        "wrong value {:?} committed for index {}; expected {:?}",
                        cmd,
                        starti + i,
                        cmds
                    );
                }
            }

            let mut failed = false;
            total2 = 0;
            for j in 0..servers {
                if cfg.get_state(j).map(|(t, _)| t) != Some(term) {
                    // term changed -- can't expect low RPC counts
                    // need to keep going to update total2
                    failed = true;
                }
                total2 += cfg.rpc_count(j);
            }

            if failed {
                continue 'tries;
            }

            if total2 - total1 > (iters + 1 + 3) * 3 {
                panic!("too many RPCs ({}) for {} entries", total2 - total1, iters);
            }

            success = true;
            break;
        }

        if !success {
            panic!("term changed too often");
        }

        cfg.sleep_ms(RAFT_ELECTION_TIMEOUT);

        let mut total3: u64 = 0;
        for j in 0..servers {
            total3 += cfg.rpc_count(j);
        }

        if total3 - total2 > 3 * 20 {
            panic!(
                "too many RPCs ({}) for 1 second of idleness",
                total3 - total2
            );
        }

        cfg.end();
    });
}

// ---------------------------------------------------------------------------------------------
// 3C: persistence
// ---------------------------------------------------------------------------------------------

/// Servers keep their state across crash and restart: all at once, the leader,
/// a lagging server, and a follower.
#[test]
fn persist1_3c() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3C): basic persistence");

        cfg.one(11u64, servers, true);

        // crash and re-start all
        for i in 0..servers {
            cfg.start1(i);
        }
        for i in 0..servers {
            cfg.disconnect(i);
            cfg.connect(i);
        }

        cfg.one(12u64, servers, true);

        let leader1 = cfg.check_one_leader();
        cfg.disconnect(leader1);
        cfg.start1(leader1);
        cfg.connect(leader1);

        cfg.one(13u64, servers, true);

        let leader2 = cfg.check_one_leader();
        cfg.disconnect(leader2);
        cfg.one(14u64, servers - 1, true);
        cfg.start1(leader2);
        cfg.connect(leader2);

        cfg.wait(4, servers, None); // wait for leader2 to join before killing i3

        let i3 = (cfg.check_one_leader() + 1) % servers;
        cfg.disconnect(i3);
        cfg.one(15u64, servers - 1, true);
        cfg.start1(i3);
        cfg.connect(i3);

        cfg.one(16u64, servers, true);

        cfg.end();
    });
}

/// Five rounds of partitions and restarts on 5 servers, where only a restarted
/// server holds the latest committed entry and must be elected.
#[test]
fn persist2_3c() {
    seeds(|| {
        let servers = 5;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3C): more persistence");

        let mut index: u64 = 1;
        for _iters in 0..5 {
            cfg.one(10 + index, servers, true);
            index += 1;

            let leader1 = cfg.check_one_leader();

            cfg.disconnect((leader1 + 1) % servers);
            cfg.disconnect((leader1 + 2) % servers);

            cfg.one(10 + index, servers - 2, true);
            index += 1;

            cfg.disconnect(leader1 % servers);
            cfg.disconnect((leader1 + 3) % servers);
            cfg.disconnect((leader1 + 4) % servers);

            cfg.start1((leader1 + 1) % servers);
            cfg.start1((leader1 + 2) % servers);
            cfg.connect((leader1 + 1) % servers);
            cfg.connect((leader1 + 2) % servers);

            cfg.sleep_ms(RAFT_ELECTION_TIMEOUT);

            cfg.start1((leader1 + 3) % servers);
            cfg.connect((leader1 + 3) % servers);

            cfg.one(10 + index, servers - 2, true);
            index += 1;

            cfg.connect((leader1 + 4) % servers);
            cfg.connect(leader1 % servers);
        }

        cfg.one(1000u64, servers, true);

        cfg.end();
    });
}

/// A partitioned leader and one follower crash; the leader restarts and agrees with
/// the previously partitioned server, then the follower rejoins.
#[test]
fn persist3_3c() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3C): partitioned leader and one follower crash, leader restarts");

        cfg.one(101u64, 3, true);

        let leader = cfg.check_one_leader();
        cfg.disconnect((leader + 2) % servers);

        cfg.one(102u64, 2, true);

        cfg.crash1(leader % servers);
        cfg.crash1((leader + 1) % servers);
        cfg.connect((leader + 2) % servers);
        cfg.start1(leader % servers);
        cfg.connect(leader % servers);

        cfg.one(103u64, 2, true);

        cfg.start1((leader + 1) % servers);
        cfg.connect((leader + 1) % servers);

        cfg.one(104u64, servers, true);

        cfg.end();
    });
}

/// Figure 8 of the Raft paper: 1000 rounds of crashing whichever server accepted a
/// command, at random moments, before the cluster must still agree.
#[test]
fn figure8_3c() {
    seeds(|| {
        let servers = 5;
        let mut cfg = Config::new(servers, false, false);

        cfg.begin("Test (3C): Figure 8");

        let x = cfg.rand_int();
        cfg.one(x, 1, true);

        let mut nup = servers as i64;
        for _iters in 0..1000 {
            let mut leader: Option<usize> = None;
            for i in 0..servers {
                if cfg.is_alive(i) {
                    let x = cfg.rand_int();
                    if cfg.start(i, x).is_some() {
                        leader = Some(i);
                    }
                }
            }

            if cfg.rand_int() % 1000 < 100 {
                let ms = cfg.rand_int() % (RAFT_ELECTION_TIMEOUT / 2);
                cfg.sleep_ms(ms);
            } else {
                let ms = cfg.rand_int() % 13;
                cfg.sleep_ms(ms);
            }

            if let Some(leader) = leader {
                cfg.crash1(leader);
                nup -= 1;
            }

            if nup < 3 {
                let s = rand_server(&mut cfg, servers);
                if !cfg.is_alive(s) {
                    cfg.start1(s);
                    cfg.connect(s);
                    nup += 1;
                }
            }
        }

        for i in 0..servers {
            if !cfg.is_alive(i) {
                cfg.start1(i);
                cfg.connect(i);
            }
        }

        let x = cfg.rand_int();
        cfg.one(x, servers, true);

        cfg.end();
    });
}

/// On an unreliable network, 49 rounds of four concurrent one() calls plus one
/// synchronous one() all reach agreement.
#[test]
fn unreliable_agree_3c() {
    seeds(|| {
        let servers = 5;
        let mut cfg = Config::new(servers, true, false);

        cfg.begin("Test (3C): unreliable agreement");

        // Go's WaitGroup: the activities, joined after the network turns reliable.
        let mut wg = Vec::new();

        for iters in 1..50u64 {
            for j in 0..4u64 {
                wg.push(cfg.go(move |c: &mut Config| {
                    c.one((100 * iters) + j, 1, true);
                }));
            }
            cfg.one(iters, 1, true);
        }

        cfg.set_unreliable(false);

        for activity in wg {
            activity.join(&mut cfg);
        }

        cfg.one(100u64, servers, true);

        cfg.end();
    });
}

/// Figure 8 on an unreliable network with long reordering from round 200: 1000 rounds
/// of disconnecting the leader half the time, then the cluster must agree.
#[test]
fn figure8_unreliable_3c() {
    seeds(|| {
        let servers = 5;
        let mut cfg = Config::new(servers, true, false);

        cfg.begin("Test (3C): Figure 8 (unreliable)");

        let x = cfg.rand_int() % 10000;
        cfg.one(x, 1, true);

        let mut nup = servers as i64;
        for iters in 0..1000 {
            if iters == 200 {
                cfg.set_long_reordering(true);
            }
            let mut leader: Option<usize> = None;
            for i in 0..servers {
                let x = cfg.rand_int() % 10000;
                let ok = cfg.start(i, x).is_some();
                if ok && cfg.is_connected(i) {
                    leader = Some(i);
                }
            }

            if cfg.rand_int() % 1000 < 100 {
                let ms = cfg.rand_int() % (RAFT_ELECTION_TIMEOUT / 2);
                cfg.sleep_ms(ms);
            } else {
                let ms = cfg.rand_int() % 13;
                cfg.sleep_ms(ms);
            }

            if let Some(leader) = leader {
                if cfg.rand_int() % 1000 < RAFT_ELECTION_TIMEOUT / 2 {
                    cfg.disconnect(leader);
                    nup -= 1;
                }
            }

            if nup < 3 {
                let s = rand_server(&mut cfg, servers);
                if !cfg.is_connected(s) {
                    cfg.connect(s);
                    nup += 1;
                }
            }
        }

        for i in 0..servers {
            if !cfg.is_connected(i) {
                cfg.connect(i);
            }
        }

        let x = cfg.rand_int() % 10000;
        cfg.one(x, servers, true);

        cfg.end();
    });
}

/// One churn client (Go's `cfn`): submits random commands to every live server until
/// `stop`, and records those it sees committed. Go's deferred `ch <- ret` sends nil if
/// the client dies; here a dying client panics, which fails the test directly.
fn churn_client(cfg: &mut Config, me: u64, servers: usize, stop: &AtomicBool) -> Option<Vec<u64>> {
    let mut values: Vec<u64> = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        let x = cfg.rand_int();
        let mut index: u64 = 0;
        let mut ok = false;
        for i in 0..servers {
            // try them all, maybe one of them is a leader
            if cfg.is_alive(i) {
                if let Some((index1, _)) = cfg.start(i, x) {
                    ok = true;
                    index = index1;
                }
            }
        }
        if ok {
            // maybe leader will commit our value, maybe not.
            // but don't wait forever.
            for to in [10, 20, 50, 100, 200] {
                let (nd, cmd) = cfg.n_committed(index);
                if nd > 0 {
                    match cmd {
                        Some(Cmd::Int(xx)) => {
                            if xx == x {
                                values.push(x);
                            }
                        }
                        _ => panic!("wrong command type"),
                    }
                    break;
                }
                cfg.sleep_ms(to);
            }
        } else {
            cfg.sleep_ms(79 + me * 17);
        }
    }
    Some(values)
}

/// Go's `internalChurn`: three clients submit commands while servers are randomly
/// disconnected, crashed and restarted; afterwards everything they saw commit must
/// be in every server's log.
fn internal_churn(unreliable: bool) {
    let servers = 5;
    let mut cfg = Config::new(servers, unreliable, false);

    if unreliable {
        cfg.begin("Test (3C): unreliable churn");
    } else {
        cfg.begin("Test (3C): churn");
    }

    let stop = Arc::new(AtomicBool::new(false));

    // create concurrent clients
    let ncli = 3;
    let mut cha = Vec::new();
    for me in 0..ncli {
        let stop = Arc::clone(&stop);
        cha.push(cfg.go(move |c: &mut Config| churn_client(c, me, servers, &stop)));
    }

    for _iters in 0..20 {
        if cfg.rand_int() % 1000 < 200 {
            let i = rand_server(&mut cfg, servers);
            cfg.disconnect(i);
        }

        if cfg.rand_int() % 1000 < 500 {
            let i = rand_server(&mut cfg, servers);
            if !cfg.is_alive(i) {
                cfg.start1(i);
            }
            cfg.connect(i);
        }

        if cfg.rand_int() % 1000 < 200 {
            let i = rand_server(&mut cfg, servers);
            if cfg.is_alive(i) {
                cfg.crash1(i);
            }
        }

        // Make crash/restart infrequent enough that the peers can often
        // keep up, but not so infrequent that everything has settled
        // down from one change to the next. Pick a value smaller than
        // the election timeout, but not hugely smaller.
        cfg.sleep_ms((RAFT_ELECTION_TIMEOUT * 7) / 10);
    }

    cfg.sleep_ms(RAFT_ELECTION_TIMEOUT);
    cfg.set_unreliable(false);
    for i in 0..servers {
        if !cfg.is_alive(i) {
            cfg.start1(i);
        }
        cfg.connect(i);
    }

    stop.store(true, Ordering::SeqCst);

    let mut values: Vec<u64> = Vec::new();
    for client in cha {
        match client.join(&mut cfg) {
            Some(vv) => values.extend(vv),
            None => panic!("client failed"),
        }
    }

    cfg.sleep_ms(RAFT_ELECTION_TIMEOUT);

    let x = cfg.rand_int();
    let last_index = cfg.one(x, servers, true);

    let mut really: Vec<u64> = Vec::new();
    for index in 1..=last_index {
        match cfg.wait(index, servers, None) {
            Some(Cmd::Int(vi)) => really.push(vi),
            _ => panic!("not an int"),
        }
    }

    for v1 in &values {
        let ok = really.contains(v1);
        if !ok {
            panic!("didn't find a value");
        }
    }

    cfg.end();
}

/// Churn on a reliable network: commands that clients saw commit survive random
/// disconnects, crashes and restarts.
#[test]
fn reliable_churn_3c() {
    seeds(|| internal_churn(false));
}

/// Churn on an unreliable network: commands that clients saw commit survive random
/// disconnects, crashes and restarts.
#[test]
fn unreliable_churn_3c() {
    seeds(|| internal_churn(true));
}

// ---------------------------------------------------------------------------------------------
// 3D: log compaction and snapshots
// ---------------------------------------------------------------------------------------------

/// Go's `snapcommon`: 30 rounds of submitting enough commands to snapshot, optionally
/// disconnecting or crashing a victim that may then need InstallSnapshot, with the
/// raftstate kept under MAXLOGSIZE.
fn snapcommon(name: &str, disconnect: bool, reliable: bool, crash: bool) {
    let iters = 30;
    let servers = 3;
    let mut cfg = Config::new(servers, !reliable, true);

    cfg.begin(name);

    let x = cfg.rand_int();
    cfg.one(x, servers, true);
    let mut leader1 = cfg.check_one_leader();

    for i in 0..iters {
        let mut victim = (leader1 + 1) % servers;
        let mut sender = leader1;
        if i % 3 == 1 {
            sender = (leader1 + 1) % servers;
            victim = leader1;
        }

        if disconnect {
            cfg.disconnect(victim);
            let x = cfg.rand_int();
            cfg.one(x, servers - 1, true);
        }
        if crash {
            cfg.crash1(victim);
            let x = cfg.rand_int();
            cfg.one(x, servers - 1, true);
        }

        // perhaps send enough to get a snapshot
        let nn = (SNAPSHOT_INTERVAL / 2) + (cfg.rand_int() % SNAPSHOT_INTERVAL);
        for _ in 0..nn {
            let x = cfg.rand_int();
            cfg.start(sender, x);
        }

        // let applier threads catch up with the Start()'s
        if !disconnect && !crash {
            // make sure all followers have caught up, so that
            // an InstallSnapshot RPC isn't required for
            // TestSnapshotBasic3D().
            let x = cfg.rand_int();
            cfg.one(x, servers, true);
        } else {
            let x = cfg.rand_int();
            cfg.one(x, servers - 1, true);
        }

        if cfg.log_size() >= MAXLOGSIZE {
            panic!("Log size too large");
        }
        if disconnect {
            // reconnect a follower, who maybe behind and
            // needs to rceive a snapshot to catch up.
            cfg.connect(victim);
            let x = cfg.rand_int();
            cfg.one(x, servers, true);
            leader1 = cfg.check_one_leader();
        }
        if crash {
            cfg.start1(victim);
            cfg.connect(victim);
            let x = cfg.rand_int();
            cfg.one(x, servers, true);
            leader1 = cfg.check_one_leader();
        }
    }
    cfg.end();
}

/// Snapshots are taken while all followers keep up, and the raftstate stays under
/// MAXLOGSIZE; no InstallSnapshot should be needed.
#[test]
fn snapshot_basic_3d() {
    seeds(|| snapcommon("Test (3D): snapshots basic", false, true, false));
}

/// A disconnected follower that fell behind the leader's snapshot catches up through
/// InstallSnapshot on a reliable network.
#[test]
fn snapshot_install_3d() {
    seeds(|| {
        snapcommon(
            "Test (3D): install snapshots (disconnect)",
            true,
            true,
            false,
        )
    });
}

/// A disconnected follower that fell behind the leader's snapshot catches up through
/// InstallSnapshot on an unreliable network.
#[test]
fn snapshot_install_unreliable_3d() {
    seeds(|| {
        snapcommon(
            "Test (3D): install snapshots (disconnect+unreliable)",
            true,
            false,
            false,
        )
    });
}

/// A crashed server restarts from its snapshot and catches up (possibly through
/// InstallSnapshot) on a reliable network.
#[test]
fn snapshot_install_crash_3d() {
    seeds(|| snapcommon("Test (3D): install snapshots (crash)", false, true, true));
}

/// A crashed server restarts from its snapshot and catches up (possibly through
/// InstallSnapshot) on an unreliable network.
#[test]
fn snapshot_install_uncrash_3d() {
    seeds(|| {
        snapcommon(
            "Test (3D): install snapshots (unreliable+crash)",
            false,
            false,
            true,
        )
    });
}

/// Crashing and restarting all servers after snapshots never makes the log index go
/// backwards.
#[test]
fn snapshot_all_crash_3d() {
    seeds(|| {
        let servers = 3;
        let iters = 5;
        let mut cfg = Config::new(servers, false, true);

        cfg.begin("Test (3D): crash and restart all servers");

        let x = cfg.rand_int();
        cfg.one(x, servers, true);

        for _i in 0..iters {
            // perhaps enough to get a snapshot
            let nn = (SNAPSHOT_INTERVAL / 2) + (cfg.rand_int() % SNAPSHOT_INTERVAL);
            for _ in 0..nn {
                let x = cfg.rand_int();
                cfg.one(x, servers, true);
            }

            let x = cfg.rand_int();
            let index1 = cfg.one(x, servers, true);

            // crash all
            for i in 0..servers {
                cfg.crash1(i);
            }

            // revive all
            for i in 0..servers {
                cfg.start1(i);
                cfg.connect(i);
            }

            let x = cfg.rand_int();
            let index2 = cfg.one(x, servers, true);
            if index2 < index1 + 1 {
                panic!("index decreased from {} to {}", index1, index2);
            }
        }
        cfg.end();
    });
}

/// Servers load their snapshot at restart, so a later persist does not wipe it:
/// two full crash/restart cycles after a snapshot.
#[test]
fn snapshot_init_3d() {
    seeds(|| {
        let servers = 3;
        let mut cfg = Config::new(servers, false, true);

        cfg.begin("Test (3D): snapshot initialization after crash");
        let x = cfg.rand_int();
        cfg.one(x, servers, true);

        // enough ops to make a snapshot
        let nn = SNAPSHOT_INTERVAL + 1;
        for _ in 0..nn {
            let x = cfg.rand_int();
            cfg.one(x, servers, true);
        }

        // crash all
        for i in 0..servers {
            cfg.crash1(i);
        }

        // revive all
        for i in 0..servers {
            cfg.start1(i);
            cfg.connect(i);
        }

        // a single op, to get something to be written back to persistent storage.
        let x = cfg.rand_int();
        cfg.one(x, servers, true);

        // crash all
        for i in 0..servers {
            cfg.crash1(i);
        }

        // revive all
        for i in 0..servers {
            cfg.start1(i);
            cfg.connect(i);
        }

        // do another op to trigger potential bug
        let x = cfg.rand_int();
        cfg.one(x, servers, true);
        cfg.end();
    });
}
