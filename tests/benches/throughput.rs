//! `cargo bench -p raftlab-lab3` prints simulator throughput: events and committed entries
//! per second of wall time for a 5-node cluster under steady client load.
//! `scripts/bench.sh` runs it and also times the whole Lab 3 suite.
//!
//! Figures, not assertions: nothing here fails on a slow machine.

use raftlab::sim::{SimConfig, Simulation};
use std::time::Instant;

fn throughput() {
    // Snapshots every 100 commands keep the log (and each persisted raft state) bounded.
    let mut config = SimConfig::new(5, 1);
    config.snapshot_every = Some(100);
    let mut sim = Simulation::new(config).expect("valid config");
    let virtual_ms = 60_000;
    let start = Instant::now();
    let mut command = 0u64;
    while sim.now_ms() < virtual_ms {
        // Steady load: 10 commands every 10 virtual ms (1000 per virtual second).
        let t = sim.now_ms() + 10;
        sim.run_until(t);
        for _ in 0..10 {
            command += 1;
            let leader = (0..5).find(|&n| sim.get_state(n).is_some_and(|(_, l)| l));
            if let Some(leader) = leader {
                sim.start(leader, command.to_le_bytes().to_vec());
            }
        }
        drop(sim.drain_events());
    }
    let secs = start.elapsed().as_secs_f64();
    let commits = sim.raft(0).map_or(0, |r| r.commit_index());
    assert!(sim.violation().is_none());
    println!(
        "simulator, 5 nodes, steady load, {} virtual s: {:.0} events/s, {:.0} committed entries/s (wall), {:.0}x real time",
        virtual_ms / 1000,
        sim.events_total() as f64 / secs,
        commits as f64 / secs,
        virtual_ms as f64 / 1000.0 / secs
    );
}

fn main() {
    // `cargo test` runs benches only with --benches; `cargo bench` passes --bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    throughput();
}
