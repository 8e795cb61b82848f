//! The randomized safety sweep: random clusters (3 to 7 nodes) under random crashes,
//! restarts, partitions (some leaving the leader in a minority), disconnections, unreliable
//! periods, long reordering, snapshots, bursts of client load and Figure 8 schedules, with
//! Raft's safety properties checked after every simulated event, and liveness checked at
//! the end (once the network is whole and reliable, a command commits everywhere and every
//! service holds the same state). Used by `tests/sweep.rs` (a modest number of seeds under `cargo test`) and by
//! the `sweep` binary (as many seeds as asked).

use raftlab::core::Timing;
use raftlab::sim::rng::{mix, Rng};
use raftlab::sim::{Input, NetConfig, Outcome as Applied, SimConfig, Simulation, Stamp};
use raftlab_session::{Run, Session};
use std::fmt::Write as _;

/// Virtual time of the chaotic phase, then of the calm phase that must end in agreement.
pub const CHAOS_MS: u64 = 20_000;
pub const CALM_MS: u64 = 10_000;

/// What a sweep run found.
#[derive(Debug)]
pub struct Outcome {
    pub nodes: usize,
    pub commits: u64,
    pub events: u64,
    pub trace_digest: u64,
    /// Every input the sweep applied, stamped: `run.replay_to(end)` reproduces the run.
    pub run: Run,
    /// Where the run ended.
    pub end: Stamp,
}

/// The one-line command that replays a seed.
pub fn replay_command(seed: u64) -> String {
    format!("cargo run --release -p raftlab-lab3 --bin sweep -- --seed {seed}")
}

fn report(sim: &Simulation, seed: u64, message: &str) -> String {
    let mut out = format!(
        "sweep seed {seed}: {message}\n  at virtual time {} ms; last events:\n",
        sim.now_ms()
    );
    for e in sim.recent_events(30) {
        let _ = writeln!(out, "    {:>7} ms  {:?}", e.time_ms, e.kind);
    }
    let _ = write!(out, "  replay: {}", replay_command(seed));
    out
}

/// Run the sim to `until_ms`, failing on the first safety violation.
fn run_checked(session: &mut Session, until_ms: u64, seed: u64) -> Result<(), String> {
    while session
        .sim()
        .next_action_ms()
        .is_some_and(|t| t <= until_ms)
    {
        session.step();
        if let Some(v) = session.sim().violation() {
            return Err(report(session.sim(), seed, &v.to_string()));
        }
    }
    session.run_until(until_ms);
    Ok(())
}

/// Commands given so far; each is distinct, so the checker can tell them apart.
struct Client {
    command: u64,
}

impl Client {
    /// Offer `count` new commands to every node: leaders (even stale ones) accept them.
    fn burst(&mut self, session: &mut Session, count: u64) {
        for _ in 0..count {
            self.command += 1;
            for node in 0..session.sim().len() {
                let command = self.command.to_le_bytes().to_vec();
                let _ = session.apply(Input::Request { node, command });
            }
        }
    }
}

/// One sweep run. Err carries the failure report (seed, time, last events, replay command).
///
/// The chaos mixes what makes Raft's rules matter: bursts well over the
/// `ENTRIES_PER_MESSAGE_MAX` cap (long divergent suffixes), leaders crashing right after
/// replicating to a minority followed by quick elections (Figure 8), long partitions that
/// leave a leader in a minority accepting many entries, snapshots, loss and reordering.
/// Every action is an `Input`, recorded in the outcome's `run`.
pub fn run(seed: u64) -> Result<Outcome, String> {
    let mut rng = Rng::new(mix(seed ^ 0x5eed));
    let nodes = 3 + rng.below(5) as usize;
    let mut config = SimConfig::new(nodes, seed);
    config.timing = Timing::LAB;
    config.net = NetConfig::LAB_RELIABLE;
    config.snapshot_every = [None, Some(5), Some(10), Some(25)][rng.below(4) as usize];
    let mut session = Session::new(config).map_err(|e| e.to_string())?;
    let mut client = Client { command: 0 };

    // Chaos: every 20..=300 ms something happens.
    while session.sim().now_ms() < CHAOS_MS {
        let next = session.sim().now_ms() + 20 + rng.below(281);
        run_checked(&mut session, next, seed)?;
        chaos(&mut session, &mut rng, &mut client, seed)?;
        if let Some(v) = session.sim().violation() {
            return Err(report(session.sim(), seed, &v.to_string()));
        }
    }
    let commits = calm(&mut session, seed)?;
    let sim = session.sim();
    Ok(Outcome {
        nodes,
        commits,
        events: sim.events_total(),
        trace_digest: sim.trace_digest(),
        end: sim.stamp(),
        run: session.into_run(),
    })
}

/// One random fault or load, as inputs.
fn chaos(
    session: &mut Session,
    rng: &mut Rng,
    client: &mut Client,
    seed: u64,
) -> Result<(), String> {
    let nodes = session.sim().len();
    let node = rng.below(nodes as u64) as usize;
    let input = match rng.below(100) {
        0..=29 => {
            client.burst(session, 1);
            None
        }
        30..=37 => {
            let count = 1 + rng.below(200);
            client.burst(session, count);
            None
        }
        38..=42 => Some(Input::Crash { node }),
        43..=51 => Some(Input::Restart { node }),
        52..=55 => Some(Input::Disconnect { node }),
        56..=63 => Some(Input::Connect { node }),
        64..=67 => {
            let mut groups = vec![Vec::new(), Vec::new()];
            for n in 0..nodes {
                groups[rng.below(2) as usize].push(n);
            }
            Some(Input::Partition { groups })
        }
        68..=70 => {
            minority_leader(session, rng, client);
            None
        }
        71..=75 => Some(Input::Heal),
        76..=80 => {
            let mut net = session.sim().net();
            net.set_unreliable(rng.below(2) == 0);
            Some(Input::SetNetwork { net })
        }
        81..=82 => {
            let mut net = session.sim().net();
            net.long_reordering = !net.long_reordering;
            Some(Input::SetNetwork { net })
        }
        83..=90 => {
            figure8(session, rng, client, node, seed)?;
            None
        }
        _ => Some(Input::Timeout { node }),
    };
    // Refused inputs (crashing a crashed node, ...) are part of the chaos: they change nothing.
    if let Some(input) = input {
        let _ = session.apply(input);
    }
    Ok(())
}

/// The leader is cut off with a minority and keeps accepting entries.
fn minority_leader(session: &mut Session, rng: &mut Rng, client: &mut Client) {
    let Some(l) = session.sim().leader() else {
        return;
    };
    let nodes = session.sim().len();
    let mut minority = vec![l];
    let mut majority = Vec::new();
    for n in (0..nodes).filter(|&n| n != l) {
        if minority.len() < nodes.div_ceil(2) - 1 && rng.below(2) == 0 {
            minority.push(n);
        } else {
            majority.push(n);
        }
    }
    let _ = session.apply(Input::Partition {
        groups: vec![minority, majority],
    });
    let count = 1 + rng.below(150);
    client.burst(session, count);
}

/// Figure 8: the leader takes entries, reaches a minority at most, and dies; `node`
/// campaigns at once.
fn figure8(
    session: &mut Session,
    rng: &mut Rng,
    client: &mut Client,
    node: usize,
    seed: u64,
) -> Result<(), String> {
    let Some(l) = session.sim().leader() else {
        return Ok(());
    };
    let count = 1 + rng.below(3);
    client.burst(session, count);
    let soon = session.sim().now_ms() + rng.below(3);
    run_checked(session, soon, seed)?;
    let _ = session.apply(Input::Crash { node: l });
    let _ = session.apply(Input::Timeout { node });
    Ok(())
}

/// Calm: whole, reliable network, everyone up; a new command must commit everywhere.
/// Returns its index.
fn calm(session: &mut Session, seed: u64) -> Result<u64, String> {
    let nodes = session.sim().len();
    let _ = session.apply(Input::Heal);
    let reliable = Input::SetNetwork {
        net: NetConfig::LAB_RELIABLE,
    };
    session.apply(reliable).map_err(|e| e.to_string())?;
    for node in 0..nodes {
        if session.sim().raft(node).is_none() {
            session
                .apply(Input::Restart { node })
                .map_err(|e| report(session.sim(), seed, &e.to_string()))?;
        }
    }
    let calm_end = session.sim().now_ms() + CALM_MS;
    // As the tester's one(): offer a command to the leader, and offer it again whenever a
    // new leader takes over before it is applied everywhere (a leader commits an earlier
    // term's entry only together with one of its own term, §5.4.2).
    let mut offered: Option<(u64, u64)> = None; // (index, term) of the newest offer
    while session.sim().now_ms() < calm_end {
        let t = session.sim().now_ms() + 100;
        run_checked(session, t, seed)?;
        let sim = session.sim();
        if let Some((index, _)) = offered {
            if (0..nodes).all(|n| sim.raft(n).is_some_and(|r| r.last_applied() >= index)) {
                services_agree(sim).map_err(|e| report(sim, seed, &e))?;
                return Ok(index);
            }
        }
        if let Some(node) = sim.leader() {
            let term = sim.get_state(node).map_or(0, |s| s.0);
            if offered.is_none_or(|(_, t)| t != term) {
                let command = b"final".to_vec();
                if let Ok(Applied::Accepted { index, term }) =
                    session.apply(Input::Request { node, command })
                {
                    offered = Some((index, term));
                }
            }
        }
    }
    let message = match offered {
        None => String::from("no leader after 10 s of calm"),
        Some((index, _)) => {
            format!("index {index} was not applied by every node within 10 s of calm")
        }
    };
    Err(report(session.sim(), seed, &message))
}

/// At the end of a run every node's service has applied exactly what its Raft applied, and
/// services that applied the same index hold the same state.
fn services_agree(sim: &Simulation) -> Result<(), String> {
    let mut first = std::collections::BTreeMap::new();
    for n in 0..sim.len() {
        let service = sim.node(n).service;
        let raft = sim.raft(n).expect("every node is up in the calm");
        if service.last_applied != raft.last_applied() {
            return Err(format!(
                "S{}'s service applied through {}, its Raft through {}",
                n + 1,
                service.last_applied,
                raft.last_applied()
            ));
        }
        let other = *first.entry(service.last_applied).or_insert((n, service));
        if other.1 != service {
            return Err(format!(
                "S{} and S{} applied through index {} but their service states differ",
                other.0 + 1,
                n + 1,
                service.last_applied
            ));
        }
    }
    Ok(())
}
