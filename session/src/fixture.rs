//! A run for the crate's tests: a 5-node cluster under client load with a crash, a
//! partition, a restart of everyone from disk and a change of load.

use crate::Session;
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
