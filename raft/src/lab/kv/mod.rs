//! A port of 6.5840's kvraft tester (`src/kvraft/config.go`) over the simulator's key/value
//! service, on the Lab 3 harness: the same `Config` underneath (its scheduler of activities
//! in virtual time, seeds, recording of inputs, failure reports), with kvraft's cluster
//! operations on top. The Lab 4 tests in `tests/lab4.rs` run against exactly this API.
//!
//! - `KvConfig`: make_config(n, unreliable, maxraftstate), StartServer / ShutdownServer,
//!   partition, ConnectAll, clients (makeClient / ConnectClient / deleteClient), Leader,
//!   make_partition, LogSize / SnapshotSize, begin / end.
//! - `clerk`: `Clerk`, the blocking Get / Put / Append an activity calls.
//! - `linearizable`: the porcupine check of the run's whole history, at every `end`.
//!
//! The servers and clients are the simulator's (`sim::kv`); the tester drives them only
//! through `Input`s, so a Lab 4 test's recording replays like a Lab 3 one.

mod clerk;
mod linearizable;

pub use clerk::Clerk;
pub use linearizable::LINEARIZABILITY_CHECK_STEPS_MAX;

use super::{report, Activity, Config, Lab};
use crate::core::Timing;
use crate::sim::{Input, NetConfig, SimConfig, KV_CLIENTS_MAX};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// kvraft's `electionTimeout` in the tests, virtual ms.
pub const ELECTION_TIMEOUT_MS: u64 = 1000;

/// Runs a Lab 4 test body once per seed (`lab::seeds` with `--test lab4` in the replay line).
pub fn seeds(body: impl Fn()) {
    super::seeds_in("lab4", body);
}

/// What a client slot is used for. The simulator has `KV_CLIENTS_MAX` clients; 6.5840 makes
/// a fresh Clerk per client goroutine and forgets it after (`deleteClient`), so a deleted
/// client's slot serves the next `make_client` (same simulator client, so its sequence
/// numbers go on and duplicate detection is not fooled; only its id repeats).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Slot {
    Free,
    /// In use, its ends reaching these servers (`make_client` / `connect_client`).
    Used {
        to: Vec<usize>,
    },
}

/// The tester's own kvraft bookkeeping, shared by every handle of one test.
struct KvLab {
    /// Invariant: `slots.len() <= KV_CLIENTS_MAX`; slot i is the simulator's client i.
    slots: Vec<Slot>,
    /// `begin`'s statistics: kv operations and all RPCs (Raft's and clients') so far.
    ops0: usize,
    rpcs0: u64,
}

/// The handle a Lab 4 test (or one of its activities) drives the service through.
pub struct KvConfig {
    cfg: Config,
    kv: Arc<Mutex<KvLab>>,
}

impl KvConfig {
    /// make_config(n, unreliable, maxraftstate) at the test's seed: `n` servers started and
    /// connected, labrpc without LongDelays (a Call to an unreachable server fails within
    /// 99 ms), and `maxraftstate` (None: Go's -1, never snapshot).
    pub fn new(n: usize, unreliable: bool, maxraftstate: Option<u64>) -> KvConfig {
        KvConfig::with_seed(n, unreliable, maxraftstate, super::current_seed())
    }

    pub fn with_seed(n: usize, unreliable: bool, maxraftstate: Option<u64>, seed: u64) -> KvConfig {
        let mut sim_config = SimConfig::new(n, seed);
        sim_config.timing = Timing::LAB;
        sim_config.net = if unreliable {
            NetConfig::LAB_UNRELIABLE
        } else {
            NetConfig::LAB_RELIABLE
        };
        sim_config.net.long_delays = false;
        sim_config.collect_applies = false;
        sim_config.start_connected = true;
        let cfg = Config::build(sim_config, false, "lab4");
        let kv = KvLab {
            slots: Vec::new(),
            ops0: 0,
            rpcs0: 0,
        };
        let kc = KvConfig {
            cfg,
            kv: Arc::new(Mutex::new(kv)),
        };
        if let Some(bytes) = maxraftstate {
            let mut lab = kc.lab();
            lab.caption(format!("maxraftstate {bytes}"));
            lab.input(Input::KvMaxRaftState { bytes: Some(bytes) });
        }
        kc
    }

    pub(crate) fn lab(&self) -> MutexGuard<'_, Lab> {
        self.cfg.lab()
    }

    fn kv(&self) -> MutexGuard<'_, KvLab> {
        self.kv.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The run so far as data (see `Config::recording`).
    pub fn recording(&self) -> super::Recording {
        self.cfg.recording()
    }

    pub fn seed(&self) -> u64 {
        self.cfg.seed()
    }

    pub fn servers(&self) -> usize {
        self.cfg.servers()
    }

    /// Every server, `0..n` (config.go's All()).
    pub fn all(&self) -> Vec<usize> {
        (0..self.servers()).collect()
    }

    pub fn now_ms(&self) -> u64 {
        self.cfg.now_ms()
    }

    pub fn sleep_ms(&mut self, ms: u64) {
        self.cfg.sleep_ms(ms);
    }

    /// Go's rand.Int(): uniform in [0, 2^63).
    pub fn rand_int(&mut self) -> u64 {
        self.cfg.rand_int()
    }

    /// Fail the test like t.Fatalf, with the seed, the servers' states, the last events and
    /// the replay command.
    pub fn fail(&self, message: &str) -> ! {
        self.lab().fail(message)
    }

    /// Run `f` concurrently (a goroutine) with its own handle on this service.
    pub fn go<T: Send + 'static>(
        &mut self,
        f: impl FnOnce(&mut KvConfig) -> T + Send + 'static,
    ) -> Activity<T> {
        let kv = self.kv.clone();
        self.cfg.go(move |cfg| {
            let mut kc = KvConfig {
                cfg: Config {
                    shared: cfg.shared.clone(),
                    me: cfg.me,
                },
                kv,
            };
            f(&mut kc)
        })
    }

    /// Wait, in virtual time, until `activity` has finished; returns what it returned.
    pub fn join<T>(&mut self, activity: Activity<T>) -> T {
        activity.join(&mut self.cfg)
    }

    /// Whether `activity` has finished (a Go `select` with a `default` branch).
    pub fn is_finished<T>(&self, activity: &Activity<T>) -> bool {
        activity.is_finished()
    }

    // ----- servers -----

    /// StartServer(i): start server i again from its persisted state (Raft state and
    /// snapshot: the service restores its store from the snapshot), not yet connected.
    pub fn start_server(&mut self, i: usize) {
        let mut lab = self.lab();
        lab.caption(format!("StartServer(S{})", i + 1));
        lab.input(Input::Restart { node: i });
    }

    /// ShutdownServer(i): cut server i off and kill it; its persisted state stays.
    pub fn shutdown_server(&mut self, i: usize) {
        let mut lab = self.lab();
        lab.caption(format!("ShutdownServer(S{})", i + 1));
        lab.input(Input::Disconnect { node: i });
        // Shutting down a server that is down already changes nothing, as in config.go.
        let _ = lab.apply_input(Input::Crash { node: i });
    }

    /// ConnectAll(): every server reaches every server.
    pub fn connect_all(&mut self) {
        let mut lab = self.lab();
        lab.caption("ConnectAll()".to_string());
        lab.input(Input::Heal);
    }

    /// partition(p1, p2): two groups, each fully connected inside, cut from each other.
    /// Clients' ends are not touched.
    pub fn partition(&mut self, p1: &[usize], p2: &[usize]) {
        let mut lab = self.lab();
        lab.caption(format!("partition({}, {})", shown(p1), shown(p2)));
        let groups = [p1, p2]
            .into_iter()
            .filter(|g| !g.is_empty())
            .map(<[usize]>::to_vec)
            .collect();
        lab.input(Input::Partition { groups });
    }

    /// Leader(): the first server that thinks it leads.
    pub fn leader(&self) -> Option<usize> {
        let lab = self.lab();
        (0..lab.n).find(|&i| matches!(lab.sim.get_state(i), Some((_, true))))
    }

    /// make_partition(): `n/2 + 1` servers that are not the leader, and `n/2` with the
    /// leader last (server 0 when there is no leader).
    pub fn make_partition(&self) -> (Vec<usize>, Vec<usize>) {
        let n = self.servers();
        let l = self.leader().unwrap_or(0);
        let others: Vec<usize> = (0..n).filter(|&i| i != l).collect();
        let p1 = others[..n / 2 + 1].to_vec();
        let mut p2 = others[n / 2 + 1..].to_vec();
        p2.push(l);
        (p1, p2)
    }

    /// LogSize(): the largest Raft state any server persisted.
    pub fn log_size(&self) -> usize {
        self.cfg.log_size()
    }

    /// SnapshotSize(): the largest snapshot any server persisted.
    pub fn snapshot_size(&self) -> usize {
        let lab = self.lab();
        (0..lab.n)
            .map(|i| lab.sim.node(i).persister.snapshot().len())
            .max()
            .unwrap_or(0)
    }

    // ----- clients -----

    /// makeClient(to): a new Clerk whose ends reach exactly the servers `to`.
    pub fn make_client(&mut self, to: &[usize]) -> Clerk {
        let mut kv = self.kv();
        let free = kv.slots.iter().position(|s| *s == Slot::Free);
        let client = match free {
            Some(i) => i,
            None if kv.slots.len() < KV_CLIENTS_MAX as usize => {
                kv.slots.push(Slot::Free);
                kv.slots.len() - 1
            }
            None => self.fail(&format!(
                "more than KV_CLIENTS_MAX ({KV_CLIENTS_MAX}) clients at once"
            )),
        };
        kv.slots[client] = Slot::Used { to: to.to_vec() };
        drop(kv);
        let clerk = Clerk::new(client as u32);
        self.set_client_ends(&clerk, to.to_vec());
        clerk
    }

    /// ConnectClient(ck, to): the Clerk's ends to the servers `to` work too.
    pub fn connect_client(&mut self, ck: &Clerk, to: &[usize]) {
        let mut kv = self.kv();
        let Some(Slot::Used { to: ends }) = kv.slots.get_mut(ck.client as usize) else {
            drop(kv);
            self.fail("ConnectClient on a deleted client");
        };
        for &s in to {
            if !ends.contains(&s) {
                ends.push(s);
            }
        }
        ends.sort_unstable();
        let ends = ends.clone();
        drop(kv);
        self.set_client_ends(ck, ends);
    }

    /// DisconnectClient(ck, from): the Clerk's ends to the servers `from` stop working.
    pub fn disconnect_client(&mut self, ck: &Clerk, from: &[usize]) {
        let mut kv = self.kv();
        let Some(Slot::Used { to: ends }) = kv.slots.get_mut(ck.client as usize) else {
            drop(kv);
            self.fail("DisconnectClient on a deleted client");
        };
        ends.retain(|s| !from.contains(s));
        let ends = ends.clone();
        drop(kv);
        self.set_client_ends(ck, ends);
    }

    /// deleteClient(ck): the tester forgets the Clerk (its slot serves a later client).
    pub fn delete_client(&mut self, ck: Clerk) {
        self.kv().slots[ck.client as usize] = Slot::Free;
    }

    fn set_client_ends(&mut self, ck: &Clerk, servers: Vec<usize>) {
        let mut lab = self.lab();
        lab.caption(format!(
            "client C{} reaches {}",
            ck.client + 1,
            shown(&servers)
        ));
        lab.input(Input::KvConnect {
            client: ck.client,
            servers,
        });
    }

    // ----- begin / end -----

    /// begin(description): prints it and starts the statistics. The first description is
    /// the run's title.
    pub fn begin(&mut self, description: &str) {
        report(&format!("{description} ..."));
        let (ops, rpcs) = {
            let mut lab = self.lab();
            lab.title.get_or_insert_with(|| description.to_string());
            lab.caption(description.to_string());
            lab.t0_ms = lab.sim.now_ms();
            (lab.sim.kv_history().len(), rpcs_total(&lab))
        };
        let mut kv = self.kv();
        kv.ops0 = ops;
        kv.rpcs0 = rpcs;
    }

    /// end(): the 120 s limit, the linearizability check of the whole history so far (every
    /// Lab 4 test's, not only GenericTest's), then `... Passed --` with the virtual seconds,
    /// peers, RPCs and Clerk operations since `begin`.
    pub fn end(&mut self) {
        let (ops0, rpcs0) = {
            let kv = self.kv();
            (kv.ops0, kv.rpcs0)
        };
        let mut lab = self.lab();
        lab.check_timeout();
        linearizable::check(&lab);
        let secs = (lab.sim.now_ms() - lab.t0_ms) as f64 / 1000.0;
        let rpcs = rpcs_total(&lab) - rpcs0;
        let ops = lab.sim.kv_history().len() - ops0;
        report(&format!(
            "  ... Passed --  {secs:4.1}  {} {rpcs:5} {ops:4}  (virtual seconds; seed {})",
            lab.n, lab.seed
        ));
        lab.caption("Passed".to_string());
    }
}

/// config.go's rpcTotal(): Raft's RPCs and the clients'.
fn rpcs_total(lab: &Lab) -> u64 {
    lab.sim.rpc_total() + lab.sim.kv_rpc_total()
}

/// Servers as the page shows them: "[S1 S2]".
fn shown(servers: &[usize]) -> String {
    let names: Vec<String> = servers.iter().map(|s| format!("S{}", s + 1)).collect();
    format!("[{}]", names.join(" "))
}

#[cfg(test)]
mod tests {
    use super::KvConfig;
    use crate::core::Rule;
    use crate::sim::Input;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    /// With the duplicate filter broken on the unreliable network, a retried Append is
    /// applied twice; a Get that sees it twice cannot be linearized, and `end` says so with
    /// the checker's report and the replay command.
    #[test]
    fn end_fails_a_history_with_an_append_applied_twice() {
        let mut cfg = KvConfig::with_seed(3, true, None, 1);
        cfg.lab().input(Input::BreakRule {
            rule: Rule::FilterDuplicates,
            broken: true,
        });
        let all = cfg.all();
        let ck = cfg.make_client(&all);
        cfg.begin("Test: duplicates (unit)");
        for i in 0..50 {
            ck.append(&mut cfg, "k", &format!("x 0 {i} y"));
            let v = ck.get(&mut cfg, "k");
            if v.matches(&format!("x 0 {i} y")).count() > 1 {
                break;
            }
        }
        let failure = catch_unwind(AssertUnwindSafe(|| cfg.end())).expect_err("end() passed");
        let message = failure.downcast_ref::<String>().expect("a message");
        assert!(message.contains("history is not linearizable"), "{message}");
        assert!(message.contains("cannot be placed after it"), "{message}");
        assert!(message.contains("--test lab4"), "{message}");
    }

    /// The same run with the filter kept passes `end`.
    #[test]
    fn end_passes_the_same_run_with_duplicates_filtered() {
        let mut cfg = KvConfig::with_seed(3, true, None, 1);
        let all = cfg.all();
        let ck = cfg.make_client(&all);
        cfg.begin("Test: duplicates filtered (unit)");
        for i in 0..50 {
            ck.append(&mut cfg, "k", &format!("x 0 {i} y"));
            ck.get(&mut cfg, "k");
        }
        cfg.end();
    }
}
