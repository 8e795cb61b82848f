//! The randomized safety sweep: random clusters (3 to 7 nodes) under random crashes,
//! restarts, partitions, disconnections, unreliable periods, long reordering, snapshots and
//! client load, with Raft's safety properties checked after every simulated event, and
//! liveness checked at the end (once the network is whole and reliable, a command commits
//! everywhere). Used by `tests/sweep.rs` (a modest number of seeds under `cargo test`) and by
//! the `sweep` binary (as many seeds as asked).

use raftlab::core::Timing;
use raftlab::sim::rng::{mix, Rng};
use raftlab::sim::{NetConfig, SimConfig, Simulation};
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
fn run_checked(sim: &mut Simulation, until_ms: u64, seed: u64) -> Result<(), String> {
    while sim.next_action_ms().is_some_and(|t| t <= until_ms) {
        sim.step();
        if let Some(v) = sim.violation() {
            return Err(report(sim, seed, &v.to_string()));
        }
    }
    sim.run_until(until_ms);
    Ok(())
}

/// One sweep run. Err carries the failure report (seed, time, last events, replay command).
pub fn run(seed: u64) -> Result<Outcome, String> {
    let mut rng = Rng::new(mix(seed ^ 0x5eed));
    let nodes = 3 + rng.below(5) as usize;
    let mut config = SimConfig::new(nodes, seed);
    config.timing = Timing::LAB;
    config.net = NetConfig::LAB_RELIABLE;
    config.snapshot_every = [None, Some(5), Some(10), Some(25)][rng.below(4) as usize];
    let mut sim = Simulation::new(config).map_err(|e| e.to_string())?;
    let mut command = 0u64;

    // Chaos: every 20..=300 ms something happens.
    while sim.now_ms() < CHAOS_MS {
        let next = sim.now_ms() + 20 + rng.below(281);
        run_checked(&mut sim, next, seed)?;
        let node = rng.below(nodes as u64) as usize;
        match rng.below(100) {
            0..=44 => {
                command += 1;
                for n in 0..nodes {
                    sim.start(n, command.to_le_bytes().to_vec());
                }
            }
            45..=49 => {
                let _ = sim.crash(node);
            }
            50..=59 => {
                let _ = sim.restart(node);
            }
            60..=63 => {
                let _ = sim.disconnect(node);
            }
            64..=73 => {
                let _ = sim.connect(node);
            }
            74..=77 => {
                let mut groups = vec![Vec::new(), Vec::new()];
                for n in 0..nodes {
                    groups[rng.below(2) as usize].push(n);
                }
                let _ = sim.partition(&groups);
            }
            78..=83 => sim.heal(),
            84..=89 => {
                let mut net = sim.net();
                net.set_unreliable(rng.below(2) == 0);
                sim.set_net(net);
            }
            90..=92 => {
                let mut net = sim.net();
                net.long_reordering = !net.long_reordering;
                sim.set_net(net);
            }
            _ => {
                let _ = sim.timeout(node);
            }
        }
        if let Some(v) = sim.violation() {
            return Err(report(&sim, seed, &v.to_string()));
        }
    }

    // Calm: whole, reliable network, everyone up; a new command must commit everywhere.
    sim.heal();
    sim.set_net(NetConfig::LAB_RELIABLE);
    for n in 0..nodes {
        if sim.raft(n).is_none() {
            sim.restart(n)
                .map_err(|e| report(&sim, seed, &e.to_string()))?;
        }
    }
    let calm_end = sim.now_ms() + CALM_MS;
    let mut index = None;
    while sim.now_ms() < calm_end && index.is_none() {
        let t = sim.now_ms() + 100;
        run_checked(&mut sim, t, seed)?;
        index = (0..nodes)
            .find_map(|n| sim.start(n, b"final".to_vec()))
            .map(|(i, _)| i);
    }
    let Some(index) = index else {
        return Err(report(&sim, seed, "no leader after 10 s of calm"));
    };
    while sim.now_ms() < calm_end {
        let t = sim.now_ms() + 100;
        run_checked(&mut sim, t, seed)?;
        if (0..nodes).all(|n| sim.raft(n).is_some_and(|r| r.last_applied() >= index)) {
            return Ok(Outcome {
                nodes,
                commits: index,
                events: sim.events_total(),
                trace_digest: sim.trace_digest(),
            });
        }
    }
    Err(report(
        &sim,
        seed,
        &format!("index {index} was not applied by every node within 10 s of calm"),
    ))
}
