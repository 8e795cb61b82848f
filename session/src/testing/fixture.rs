//! A run for the crate's tests: a 5-node cluster under client load with a crash, a
//! partition, a restart of everyone from disk and a change of load.

use crate::run::session::Session;
use raftlab::sim::{Input, SimConfig};

/// A 5-node run under client load with a crash, a partition and a restart of everyone.
pub(crate) fn session() -> Session {
    let mut config = SimConfig::new(5, 77);
    config.snapshot_every = Some(20);
    let mut session = Session::new(config).expect("valid config");
    let moves = [
        (500, Input::ClientLoad { per_second: 20 }),
        (4_000, Input::Crash { node: 1 }),
        (
            9_000,
            Input::Partition {
                groups: alloc::vec![alloc::vec![0, 1], alloc::vec![2, 3, 4]],
            },
        ),
        (15_000, Input::Heal),
        (21_000, Input::RestartAllFromDisk),
        (40_000, Input::ClientLoad { per_second: 5 }),
    ];
    for (at_ms, input) in moves {
        session.run_until(at_ms);
        session.apply(input).expect("a valid move");
    }
    session
}

/// A 5-node session of `minutes` virtual minutes with `actions` inputs at random times
/// (requests, crashes, restarts, disconnections, partitions, time-outs, client load, network
/// settings), each drawn from `seed`.
pub(crate) fn generated(seed: u64, minutes: u64, actions: usize) -> Session {
    use raftlab::sim::rng::Rng;
    let nodes = 5;
    let mut rng = Rng::new(seed);
    let end_ms = minutes * 60_000;
    let mut times: alloc::vec::Vec<u64> = (0..actions).map(|_| rng.below(end_ms)).collect();
    times.sort_unstable();
    let mut config = SimConfig::new(nodes, seed);
    config.snapshot_every = Some(10);
    let mut session = Session::new(config).expect("valid config");
    for (i, at_ms) in times.into_iter().enumerate() {
        session.run_until(at_ms);
        let node = rng.below(nodes as u64) as usize;
        let input = match rng.below(9) {
            0 | 1 => Input::Request {
                node,
                command: alloc::format!("x={i}").into_bytes(),
            },
            2 => Input::Crash { node },
            3 => Input::Restart { node },
            4 => Input::Disconnect { node },
            5 => Input::Connect { node },
            6 => Input::Partition {
                groups: alloc::vec![alloc::vec![node, (node + 1) % nodes]],
            },
            7 => Input::Heal,
            _ => Input::ClientLoad {
                per_second: rng.below(20) as u32,
            },
        };
        let _ = session.apply(input);
    }
    session.run_until(end_ms);
    session
}

#[cfg(test)]
mod tests {
    use super::session;

    #[test]
    fn a_session_records_every_input_and_its_run_replays_to_the_same_trace() {
        let session = session();
        assert_eq!(session.run().inputs.len(), 6);
        let replayed = session
            .run()
            .replay_to(session.sim().stamp())
            .expect("valid");
        assert_eq!(replayed.trace_digest(), session.sim().trace_digest());
        let fork = session.run().fork_at(15_000);
        assert_eq!(
            fork.inputs.len(),
            4,
            "the inputs up to 15 000 ms, Heal included"
        );
    }
}
