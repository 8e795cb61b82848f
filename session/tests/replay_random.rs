//! Replay is exact: randomly generated runs (`generate::random_run`, every kind of input at
//! random times) replayed from their recorded inputs give the identical trace digest, and
//! forking them at random times, by `Run::fork_at` or by acting in the past of a
//! `TimeTravel`, replays to what the live fork shows (`generate::check_replay`). The same
//! check runs in headless Chrome (`wasm/tests/web.rs`).
//!
//! A fresh seed per run (RAFTLAB_SEED=n pins the first); a failure prints the seed and the
//! command that replays it.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use raftlab_session::generate::check_replay;

/// Generated runs per `cargo test`: each is up to 20 virtual s of up to 7 nodes.
const RUNS: u64 = 24;

#[test]
fn random_runs_replay_to_the_same_digest_and_their_forks_agree() {
    common::seeded(
        "replay_random",
        "random_runs_replay_to_the_same_digest_and_their_forks_agree",
        |first| {
            for seed in first..first + RUNS {
                if let Err(why) = check_replay(seed) {
                    panic!(
                        "run of seed {seed}: {why}\n  replay it alone: RAFTLAB_SEED={seed} cargo test -p raftlab-session --test replay_random"
                    );
                }
            }
        },
    );
}
