//! The simulator's cost per event against the entries each node holds (`--scaling`): a
//! 5-node cluster on the Lab's reliable network, snapshots off, a client load of
//! `LOAD_PER_SECOND` requests per virtual second. The run goes on until the leader's log
//! holds each of `HELD` entries; then one virtual second more is timed and divided by the
//! events it produced. Flat means per-event work does not grow with the log.

use raftlab::sim::{Input, SimConfig, Simulation};
use std::time::Instant;

pub const HELD: [u64; 4] = [100, 1_000, 3_000, 10_000];
const LOAD_PER_SECOND: u32 = 500;
const WINDOW_MS: u64 = 1_000;

/// (entries held, events in the window, ns per event), median of `reps` windows.
pub fn measure(reps: usize) -> Vec<(u64, u64, f64)> {
    HELD.iter()
        .map(|&held| {
            let mut samples = Vec::new();
            let mut events = 0;
            for rep in 0..reps {
                let mut sim =
                    Simulation::new(SimConfig::new(5, 1 + rep as u64)).expect("a valid config");
                sim.apply(Input::ClientLoad {
                    per_second: LOAD_PER_SECOND,
                })
                .expect("a load within bounds");
                let held_now = |sim: &Simulation| {
                    sim.leader()
                        .and_then(|l| sim.raft(l))
                        .map_or(0, |r| r.log().last_index())
                };
                while held_now(&sim) < held {
                    let t = sim.now_ms() + 100;
                    sim.run_until(t);
                    sim.drain_events();
                }
                let (start_events, start_ms) = (sim.events_total(), sim.now_ms());
                let start = Instant::now();
                sim.run_until(start_ms + WINDOW_MS);
                let elapsed = start.elapsed();
                sim.drain_events();
                events = sim.events_total() - start_events;
                samples.push(elapsed.as_nanos() as f64 / events as f64);
            }
            (held, events, crate::harness::median(samples))
        })
        .collect()
}

pub fn print(reps: usize) {
    println!(
        "simulator cost per event, 5 nodes, snapshots off, {LOAD_PER_SECOND} requests per virtual second, median of {reps}"
    );
    println!(
        "{:>12} {:>14} {:>12}",
        "entries held", "events in 1 s", "ns/event"
    );
    for (held, events, ns) in measure(reps) {
        println!("{held:>12} {events:>14} {ns:>12.0}");
    }
}
