//! The reference trace: a fixed run whose digest native tests and the wasm tests in headless
//! Chrome both assert (same seed, same trace, on every platform).

use super::input::Input;
use super::network::NetConfig;
use super::{SimConfig, Simulation};
use alloc::vec;

/// The trace digest of `reference_trace_digest()`'s scenario.
pub const REFERENCE_TRACE_DIGEST: u64 = 7114556517117117441;

/// A fixed scenario (5 nodes, a lossy, delaying network, snapshots, a crash, a partition,
/// client load) run for 10 virtual seconds; returns its trace digest.
pub fn reference_trace_digest() -> u64 {
    let mut config = SimConfig::new(5, 2026);
    config.net = NetConfig {
        request_delay_ms_min: 20,
        request_delay_ms_max: 60,
        reply_delay_ms_min: 20,
        reply_delay_ms_max: 60,
        drop_request_permille: 50,
        drop_reply_permille: 50,
        long_reordering: false,
        long_delays: false,
    };
    config.snapshot_every = Some(10);
    let mut sim = Simulation::new(config).expect("valid config");
    let mut command = 0u32;
    while sim.now_ms() < 10_000 {
        let t = sim.now_ms() + 200;
        sim.run_until(t);
        command += 1;
        for node in 0..5 {
            let command = command.to_le_bytes().to_vec();
            let _ = sim.apply(Input::Request { node, command });
        }
        let fault = match t {
            3_000 => Some(Input::Crash { node: 0 }),
            5_000 => Some(Input::Restart { node: 0 }),
            6_000 => Some(Input::Partition {
                groups: vec![vec![0, 1], vec![2, 3, 4]],
            }),
            8_000 => Some(Input::Heal),
            _ => None,
        };
        if let Some(input) = fault {
            sim.apply(input).expect("the reference faults are valid");
        }
    }
    assert!(
        sim.violation().is_none(),
        "the reference scenario must be safe"
    );
    sim.trace_digest()
}
