//! A faithful port of 6.5840's `config.go` over the deterministic simulator: the Lab 3 tests
//! in `tests/` run against exactly this API, in virtual time.
//!
//! Concurrency (Go's goroutines) is `Config::go`: each activity is a coroutine on the test's
//! thread, a baton lets exactly one run at a time, and they switch only inside `sleep_ms`, at
//! virtual times chosen by the scheduler. So runs are as deterministic as the single-threaded
//! ones.

mod appliers;
mod cmd;
pub mod kv;
mod scheduler;
mod seeds;

pub use cmd::Cmd;
pub use scheduler::Activity;
pub use seeds::{
    current_seed, pin_seed, replay_command, replay_command_in, seed_list, seeds, seeds_in,
};

use crate::core::Timing;
use crate::sim::rng::{mix, Rng};
use crate::sim::{Error, Input, NetConfig, Outcome, SimConfig, Simulation, Stamp};
use scheduler::Shared;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, MutexGuard};

/// `RaftElectionTimeout` in the tests: the time allowed for an election.
pub const RAFT_ELECTION_TIMEOUT_MS: u64 = 1000;
/// The snapshot applier calls Snapshot() when `(index + 1) % SNAPSHOT_INTERVAL == 0`.
pub const SNAPSHOT_INTERVAL: u64 = 10;
/// Per-test limit, in virtual time since `Config::new`.
pub const TEST_TIME_LIMIT_MS: u64 = 120_000;
/// Events shown when a test fails (RAFTLAB_EVENTS=n shows n).
const EVENTS_IN_REPORT: usize = 40;

/// Whether the tester's `... Passed --` lines go to stderr (`report_to_stderr`).
static REPORT_TO_STDERR: AtomicBool = AtomicBool::new(false);
thread_local! {
    /// This thread's recordings of finished tests, while `capture_recordings` is on.
    static CAPTURED: RefCell<Option<Vec<Recording>>> = const { RefCell::new(None) };
}

/// Print the tester's lines (`begin`'s description, `end`'s `... Passed --`) on stderr rather
/// than stdout, so a program can write a run on stdout.
pub fn report_to_stderr(on: bool) {
    REPORT_TO_STDERR.store(on, Ordering::Relaxed);
}

fn report(line: &str) {
    if REPORT_TO_STDERR.load(Ordering::Relaxed) {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
}

/// From now on, keep the recording of every test's `Config` that this thread drops (the end
/// of the test), for `take_recordings`.
pub fn capture_recordings() {
    CAPTURED.with(|c| {
        c.borrow_mut().get_or_insert_with(Vec::new);
    });
}

/// The recordings this thread kept since `capture_recordings` (or the last take), oldest
/// first.
pub fn take_recordings() -> Vec<Recording> {
    CAPTURED.with(|c| {
        c.borrow_mut()
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    })
}

/// The tester's state: the simulated cluster plus config.go's bookkeeping.
pub(crate) struct Lab {
    pub sim: Simulation,
    pub n: usize,
    pub snapshot: bool,
    pub seed: u64,
    pub test: String,
    /// The test target the test is in ("lab3"), for its replay command.
    pub suite: &'static str,
    pub rng: Rng,
    /// The tester's record of what each server applied, by index (config.go's `logs`).
    /// Invariant: survives crashes; replaced only by an ingested snapshot.
    pub logs: Vec<appliers::AppliedLog>,
    /// Snapshot applier only: the last index applied by each server's current incarnation.
    pub last_applied: Vec<u64>,
    pub max_index: u64,
    /// The simulation's config when it was built (inputs change its network since).
    pub config: SimConfig,
    /// Every input the tester applied, stamped where it applied it: with `config`, the whole
    /// run (`Config::recording`).
    pub inputs: Vec<(Stamp, Input)>,
    /// The tester's steps as it took them ("crash1(S3)", "one(101) on 5 servers"), stamped
    /// where it took them. Captions only describe: the trace is the same without them.
    pub captions: Vec<(Stamp, String)>,
    /// `begin`'s description of the test ("Test (3C): Figure 8 (unreliable)").
    pub title: Option<String>,
    // begin()/end() statistics.
    pub t0_ms: u64,
    pub rpcs0: u64,
    pub bytes0: u64,
    pub max_index0: u64,
    pub finished: bool,
}

/// A test's run as data (see `Config::recording`).
#[derive(Clone, Debug)]
pub struct Recording {
    pub config: SimConfig,
    pub inputs: Vec<(Stamp, Input)>,
    /// The tester's steps, stamped (see `Lab::captions`).
    pub captions: Vec<(Stamp, String)>,
    /// `begin`'s description of the test, if it called `begin`.
    pub title: Option<String>,
    /// The test's name (its thread's) and seed.
    pub test: String,
    pub seed: u64,
    pub end: Stamp,
    pub trace_digest: u64,
}

/// The handle a test (or one of its activities) drives the cluster through.
pub struct Config {
    shared: Arc<Shared>,
    /// Which activity this handle belongs to (0: the test's own thread).
    me: usize,
}

impl Config {
    /// make_config(servers, unreliable, snapshot) at the seed `seeds()` or RAFTLAB_SEED gives.
    pub fn new(servers: usize, unreliable: bool, snapshot: bool) -> Config {
        Config::with_seed(servers, unreliable, snapshot, current_seed())
    }

    pub fn with_seed(servers: usize, unreliable: bool, snapshot: bool, seed: u64) -> Config {
        let mut sim_config = SimConfig::new(servers, seed);
        sim_config.timing = Timing::LAB;
        sim_config.net = if unreliable {
            NetConfig::LAB_UNRELIABLE
        } else {
            NetConfig::LAB_RELIABLE
        };
        sim_config.collect_applies = true;
        sim_config.start_connected = false;
        let mut cfg = Config::build(sim_config, snapshot, "lab3");
        for i in 0..servers {
            cfg.connect(i);
        }
        cfg
    }

    /// A tester over a new simulation built from `sim_config`, whose seed is the test's.
    pub(crate) fn build(sim_config: SimConfig, snapshot: bool, suite: &'static str) -> Config {
        let (servers, seed) = (sim_config.nodes, sim_config.seed);
        let sim = Simulation::new(sim_config.clone())
            .unwrap_or_else(|e| panic!("cannot build the cluster: {e}"));
        let lab = Lab {
            sim,
            n: servers,
            snapshot,
            seed,
            test: seeds::test_name(),
            suite,
            rng: Rng::new(mix(seed ^ 0x007e_57e5)),
            logs: vec![appliers::AppliedLog::default(); servers],
            last_applied: vec![0; servers],
            max_index: 0,
            config: sim_config,
            inputs: Vec::new(),
            captions: Vec::new(),
            title: None,
            t0_ms: 0,
            rpcs0: 0,
            bytes0: 0,
            max_index0: 0,
            finished: false,
        };
        Config {
            shared: Shared::new(lab),
            me: 0,
        }
    }

    fn lab(&self) -> MutexGuard<'_, Lab> {
        self.shared.lock()
    }

    /// The run so far as data: replaying `inputs` on a simulation built from `config`, up to
    /// `end`, reproduces `trace_digest` (the tester's appliers and checks only read).
    pub fn recording(&self) -> Recording {
        self.lab().recording()
    }

    pub fn seed(&self) -> u64 {
        self.lab().seed
    }

    pub fn servers(&self) -> usize {
        self.lab().n
    }

    pub fn now_ms(&self) -> u64 {
        self.lab().sim.now_ms()
    }

    /// Advances virtual time by `ms`, letting other activities run meanwhile.
    pub fn sleep_ms(&mut self, ms: u64) {
        self.shared.sleep(self.me, ms);
    }

    /// Advances virtual time by at most `ms`: until `until` holds after a simulated action.
    pub(crate) fn sleep_until(&mut self, ms: u64, until: impl Fn(&Lab) -> bool + Send + 'static) {
        self.shared.sleep_until(self.me, ms, Some(Box::new(until)));
    }

    pub fn begin(&mut self, description: &str) {
        report(&format!("{description} ..."));
        let mut lab = self.lab();
        lab.title = Some(description.to_string());
        lab.caption(description.to_string());
        lab.t0_ms = lab.sim.now_ms();
        lab.rpcs0 = lab.sim.rpc_total();
        lab.bytes0 = lab.sim.bytes_total();
        lab.max_index0 = lab.max_index;
    }

    pub fn end(&mut self) {
        let lab = self.lab();
        lab.check_timeout();
        let secs = (lab.sim.now_ms() - lab.t0_ms) as f64 / 1000.0;
        let rpcs = lab.sim.rpc_total() - lab.rpcs0;
        let bytes = lab.sim.bytes_total() - lab.bytes0;
        let cmds = lab.max_index - lab.max_index0;
        report(&format!("  ... Passed --  {secs:4.1}  {} {rpcs:4} {bytes:7} {cmds:4}  (virtual seconds; seed {})", lab.n, lab.seed));
        drop(lab);
        self.lab().caption("Passed".to_string());
    }

    // ----- tester randomness (Go's math/rand, seeded) -----

    /// Go's rand.Int(): uniform in [0, 2^63).
    pub fn rand_int(&mut self) -> u64 {
        self.lab().rng.next_u64() >> 1
    }

    /// A random URL-safe string of `n` characters (config.go's randstring).
    pub fn randstring(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut lab = self.lab();
        (0..n)
            .map(|_| ALPHABET[lab.rng.below(64) as usize] as char)
            .collect()
    }

    // ----- servers -----

    /// rafts[server].Start(cmd): Some((index, term)) when it is a live leader.
    pub fn start(&mut self, server: usize, cmd: impl Into<Cmd>) -> Option<(u64, u64)> {
        let cmd = cmd.into();
        let mut lab = self.lab();
        let request = Input::Request {
            node: server,
            command: cmd.encode(),
        };
        let result = match lab.apply_input(request) {
            Ok(Outcome::Accepted { index, term }) => Some((index, term)),
            _ => None, // Not the leader, or crashed (config.go's rafts[i] == nil).
        };
        lab.after_events();
        result
    }

    /// rafts[server].GetState(): None while crashed.
    pub fn get_state(&self, server: usize) -> Option<(u64, bool)> {
        self.lab().sim.get_state(server)
    }

    /// rafts[server] != nil.
    pub fn is_alive(&self, server: usize) -> bool {
        self.lab().sim.raft(server).is_some()
    }

    /// Shut a server down, keeping its persisted state (config.go's crash1).
    pub fn crash1(&mut self, server: usize) {
        let mut lab = self.lab();
        lab.caption(format!("crash1(S{})", server + 1));
        lab.crash1(server);
    }

    /// Start or restart a server from its persisted state, disconnected (config.go's start1).
    pub fn start1(&mut self, server: usize) {
        let mut lab = self.lab();
        lab.caption(format!("start1(S{})", server + 1));
        lab.crash1(server);
        lab.last_applied[server] = 0;
        let snapshot = lab.sim.node(server).persister.snapshot().clone();
        if !snapshot.is_empty() {
            lab.ingest_snap(server, &snapshot, None);
        }
        if let Err(e) = lab.apply_input(Input::Restart { node: server }) {
            lab.fail(&format!("restart of server {server} failed: {e}"));
        }
        lab.after_events();
    }

    pub fn connect(&mut self, server: usize) {
        let mut lab = self.lab();
        lab.caption(format!("connect S{}", server + 1));
        lab.input(Input::Connect { node: server });
    }

    pub fn disconnect(&mut self, server: usize) {
        let mut lab = self.lab();
        lab.caption(format!("disconnect S{}", server + 1));
        lab.input(Input::Disconnect { node: server });
    }

    pub fn is_connected(&self, server: usize) -> bool {
        self.lab().sim.is_connected(server)
    }

    pub fn set_unreliable(&mut self, unreliable: bool) {
        let mut lab = self.lab();
        lab.caption(
            if unreliable {
                "unreliable network"
            } else {
                "reliable network"
            }
            .to_string(),
        );
        let mut net = lab.sim.net();
        net.set_unreliable(unreliable);
        lab.input(Input::SetNetwork { net });
    }

    pub fn set_long_reordering(&mut self, on: bool) {
        let mut lab = self.lab();
        lab.caption(format!("long reordering {}", if on { "on" } else { "off" }));
        let mut net = lab.sim.net();
        net.long_reordering = on;
        lab.input(Input::SetNetwork { net });
    }

    pub fn rpc_count(&self, server: usize) -> u64 {
        self.lab().sim.rpc_count(server)
    }

    pub fn rpc_total(&self) -> u64 {
        self.lab().sim.rpc_total()
    }

    pub fn bytes_total(&self) -> u64 {
        self.lab().sim.bytes_total()
    }

    /// The largest raft state any server has persisted (what MAXLOGSIZE limits).
    pub fn log_size(&self) -> usize {
        let lab = self.lab();
        (0..lab.n)
            .map(|i| lab.sim.node(i).persister.raftstate_size())
            .max()
            .unwrap_or(0)
    }

    // ----- checks (config.go) -----

    /// Exactly one leader among the connected servers, within about 5 s.
    pub fn check_one_leader(&mut self) -> usize {
        for _ in 0..10 {
            let ms = 450 + self.rand_int() % 100;
            self.sleep_ms(ms);
            let lab = self.lab();
            let mut leaders: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
            for i in (0..lab.n).filter(|&i| lab.sim.is_connected(i)) {
                if let Some((term, true)) = lab.sim.get_state(i) {
                    leaders.entry(term).or_default().push(i);
                }
            }
            for (term, ls) in &leaders {
                if ls.len() > 1 {
                    lab.fail(&format!("term {term} has {} (>1) leaders", ls.len()));
                }
            }
            if let Some((_, ls)) = leaders.last_key_value() {
                let leader = ls[0];
                drop(lab);
                self.lab()
                    .caption(format!("checkOneLeader(): S{} leads", leader + 1));
                return leader;
            }
        }
        self.lab().fail("expected one leader, got none")
    }

    /// All connected servers agree on the term; None when none is connected.
    pub fn check_terms(&mut self) -> Option<u64> {
        let lab = self.lab();
        let mut term = None;
        for i in (0..lab.n).filter(|&i| lab.sim.is_connected(i)) {
            if let Some((t, _)) = lab.sim.get_state(i) {
                match term {
                    None => term = Some(t),
                    Some(prev) if prev != t => lab.fail("servers disagree on term"),
                    Some(_) => {}
                }
            }
        }
        term
    }

    /// No connected server thinks it is the leader.
    pub fn check_no_leader(&mut self) {
        let lab = self.lab();
        for i in (0..lab.n).filter(|&i| lab.sim.is_connected(i)) {
            if let Some((_, true)) = lab.sim.get_state(i) {
                lab.fail(&format!(
                    "expected no leader among connected servers, but {i} claims to be leader"
                ));
            }
        }
    }

    /// How many servers think index is committed, and the value there.
    pub fn n_committed(&self, index: u64) -> (usize, Option<Cmd>) {
        self.lab().n_committed(index)
    }

    /// Do a complete agreement on `cmd` (config.go's one()); returns its index.
    pub fn one(&mut self, cmd: impl Into<Cmd>, expected_servers: usize, retry: bool) -> u64 {
        let cmd = cmd.into();
        self.lab()
            .caption(format!("one({cmd}) on {expected_servers} servers"));
        let t0 = self.now_ms();
        let mut starts = 0;
        while self.now_ms() - t0 < 10_000 && !self.lab().finished {
            // Try all the servers, maybe one is the leader.
            let mut index = None;
            let n = self.servers();
            for _ in 0..n {
                starts = (starts + 1) % n;
                if self.is_connected(starts) && self.is_alive(starts) {
                    if let Some((i, _)) = self.start(starts, cmd.clone()) {
                        index = Some(i);
                        break;
                    }
                }
            }
            if let Some(index) = index {
                // Somebody claimed to be the leader and to have submitted our command;
                // wait a while for agreement.
                let t1 = self.now_ms();
                while self.now_ms() - t1 < 2_000 {
                    let (nd, cmd1) = self.n_committed(index);
                    if nd > 0 && nd >= expected_servers && cmd1.as_ref() == Some(&cmd) {
                        return index;
                    }
                    self.sleep_ms(20);
                }
                if !retry {
                    self.lab()
                        .fail(&format!("one({cmd}) failed to reach agreement"));
                }
            } else {
                self.sleep_ms(50);
            }
        }
        if self.lab().finished {
            return 0;
        }
        self.lab()
            .fail(&format!("one({cmd}) failed to reach agreement"))
    }

    /// Wait for at least `n` servers to commit `index`; None when a server's term moved past
    /// `start_term` (Go's -1: someone has moved on).
    pub fn wait(&mut self, index: u64, n: usize, start_term: Option<u64>) -> Option<Cmd> {
        let mut to = 10;
        for _ in 0..30 {
            let (nd, _) = self.n_committed(index);
            if nd >= n {
                break;
            }
            self.sleep_ms(to);
            if to < 1000 {
                to *= 2;
            }
            if let Some(start_term) = start_term {
                let lab = self.lab();
                if (0..lab.n)
                    .filter_map(|i| lab.sim.get_state(i))
                    .any(|(t, _)| t > start_term)
                {
                    return None;
                }
            }
        }
        let (nd, cmd) = self.n_committed(index);
        if nd < n {
            self.lab()
                .fail(&format!("only {nd} decided for index {index}; wanted {n}"));
        }
        cmd
    }

    /// Run `f` concurrently (a goroutine) with its own handle on this cluster.
    pub fn go<T: Send + 'static>(
        &mut self,
        f: impl FnOnce(&mut Config) -> T + Send + 'static,
    ) -> Activity<T> {
        let shared = self.shared.clone();
        scheduler::spawn(&self.shared, move |me| {
            let mut cfg = Config { shared, me };
            f(&mut cfg)
        })
    }
}

impl<T> Activity<T> {
    /// Wait, in virtual time, until the activity has finished; returns what it returned.
    pub fn join(self, cfg: &mut Config) -> T {
        while !self.is_finished() {
            cfg.sleep_ms(1);
        }
        self.take()
    }
}

impl Drop for Config {
    /// config.go's cleanup(): the test is over; the 120 s limit still applies.
    fn drop(&mut self) {
        if self.me != 0 {
            return;
        }
        let mut lab = self.lab();
        lab.finished = true;
        let _ = CAPTURED.try_with(|c| {
            if let Some(captured) = c.borrow_mut().as_mut() {
                captured.push(lab.recording());
            }
        });
        if !std::thread::panicking() {
            lab.check_timeout();
        }
    }
}

impl Lab {
    pub(crate) fn check_timeout(&self) {
        if self.sim.now_ms() > TEST_TIME_LIMIT_MS {
            self.fail("test took longer than 120 seconds");
        }
    }

    /// The run so far (see `Config::recording`).
    fn recording(&self) -> Recording {
        Recording {
            config: self.config.clone(),
            inputs: self.inputs.clone(),
            captions: self.captions.clone(),
            title: self.title.clone(),
            test: self.test.clone(),
            seed: self.seed,
            end: self.sim.stamp(),
            trace_digest: self.sim.trace_digest(),
        }
    }

    /// Note one of the tester's steps, where the run is now.
    fn caption(&mut self, text: String) {
        let at = self.sim.stamp();
        self.captions.push((at, text));
    }

    fn crash1(&mut self, server: usize) {
        self.input(Input::Disconnect { node: server });
        // Crashing a crashed server is a no-op, as in config.go.
        let _ = self.apply_input(Input::Crash { node: server });
    }

    /// The tester's one way to change the simulation: record `input` where it is applied, then
    /// apply it.
    pub(crate) fn apply_input(&mut self, input: Input) -> Result<Outcome, Error> {
        self.inputs.push((self.sim.stamp(), input.clone()));
        self.sim.apply(input)
    }

    /// Apply an input the tester expects to be valid; a refusal is the tester's own bug.
    fn input(&mut self, input: Input) {
        if let Err(e) = self.apply_input(input.clone()) {
            self.fail(&format!("the tester's {input:?} was refused: {e}"));
        }
    }

    pub(crate) fn n_committed(&self, index: u64) -> (usize, Option<Cmd>) {
        let mut count = 0;
        let mut cmd: Option<&Cmd> = None;
        for log in &self.logs {
            if let Some(cmd1) = log.get(index) {
                if let Some(c) = cmd {
                    if c != cmd1 {
                        self.fail(&format!(
                            "committed values do not match: index {index}, {c}, {cmd1}"
                        ));
                    }
                }
                count += 1;
                cmd = Some(cmd1);
            }
        }
        (count, cmd.cloned())
    }

    /// Fail the test like t.Fatalf, with what is needed to replay it.
    pub(crate) fn fail(&self, message: &str) -> ! {
        let mut report = format!(
            "{message}\n  seed {} at virtual time {} ms; last events:\n",
            self.seed,
            self.sim.now_ms()
        );
        for i in 0..self.n {
            let connected = if self.sim.is_connected(i) {
                "connected"
            } else {
                "disconnected"
            };
            match self.sim.raft(i) {
                None => {
                    let _ = writeln!(report, "    server {i}: crashed, {connected}");
                }
                Some(r) => {
                    let log = r.log();
                    let _ = write!(
                        report,
                        "    server {i}: {} term {} votedFor {:?}, {connected}, commitIndex {} lastApplied {}, log {}..={} (lastIncludedIndex {} lastIncludedTerm {})",
                        r.role().name(), r.current_term(), r.voted_for(), r.commit_index(), r.last_applied(),
                        log.first_index(), log.last_index(), log.snapshot_index(), log.snapshot_term()
                    );
                    if let Some((next, matched)) = r.leader_indices() {
                        let _ = write!(report, ", nextIndex {next:?} matchIndex {matched:?}");
                    }
                    let _ = writeln!(report);
                }
            }
        }
        let shown = std::env::var("RAFTLAB_EVENTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(EVENTS_IN_REPORT);
        for e in self.sim.recent_events(shown) {
            let _ = writeln!(report, "    {:>7} ms  {:?}", e.time_ms, e.kind);
        }
        let _ = write!(
            report,
            "  replay: {}",
            replay_command_in(self.suite, &self.test, self.seed)
        );
        panic!("{report}");
    }
}

#[cfg(test)]
mod tests {
    use super::Config;

    #[test]
    fn sleep_until_wakes_after_the_action_that_makes_the_condition_hold() {
        let mut cfg = Config::with_seed(3, false, false, 1);
        let waiter = cfg.go(|cfg| {
            cfg.sleep_until(10_000, |lab| lab.sim.leader().is_some());
            let lab = cfg.lab();
            (lab.sim.now_ms(), lab.sim.leader().is_some())
        });
        // The test's own thread sleeps on a timer meanwhile.
        cfg.sleep_ms(3_000);
        let (woke_ms, leader) = waiter.join(&mut cfg);
        assert!(leader, "woke without a leader");
        assert!(
            woke_ms < 3_000,
            "woke at {woke_ms} ms, not when the leader was elected"
        );
        // Nothing changed since it was elected: a sleep until it holds returns at once.
        let t = cfg.now_ms();
        cfg.sleep_until(10_000, |lab| lab.sim.leader().is_some());
        assert_eq!(cfg.now_ms(), t);
    }
}
