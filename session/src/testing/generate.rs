//! Random runs, for the replay tests (natively in `tests/replay_random.rs`, in headless Chrome
//! in `wasm/tests/web.rs`): one seed decides a cluster (3 to 7 nodes, snapshots or not),
//! a duration and up to `GENERATED_INPUTS_MAX` inputs of every kind at random times, recorded
//! through a `Session`. `check_replay` then asks what the session layer promises of it:
//!
//! - the run replayed from its recorded inputs gives the identical trace digest;
//! - at random times, the run forked there (`Run::fork_at`) and replayed agrees with a
//!   `TimeTravel` of the whole run seeked there (checkpoints, slices, the other path);
//! - acting there (a new input in the past) forks the `TimeTravel`: it keeps exactly the
//!   inputs up to that moment, and its run, replayed from a fresh start, gives the digest
//!   the live fork shows after playing on.

use crate::run::session::Session;
use crate::run::time_travel::TimeTravel;
use crate::run::Run;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use raftlab::sim::rng::Rng;
use raftlab::sim::{Input, NetConfig, SimConfig, Simulation};

/// Inputs a generated run holds at most.
pub const GENERATED_INPUTS_MAX: u64 = 60;
/// Longest generated run, in virtual ms.
pub const GENERATED_MS_MAX: u64 = 20_000;
/// Random moments `check_replay` forks at.
pub const FORKS_PER_RUN: usize = 3;
/// `random_run(1)`'s trace digest: the same natively (below) and in headless Chrome
/// (`wasm/tests/web.rs`). A change to the simulator's behaviour changes it.
pub const SEED_1_TRACE_DIGEST: u64 = 0xe349_5876_f5b6_bd78;

/// A generated run and what its live session reached.
#[derive(Clone, Debug)]
pub struct Generated {
    pub run: Run,
    /// The virtual ms the session ran to (after the last input).
    pub end_ms: u64,
    /// The live session's trace digest at `end_ms`.
    pub trace_digest: u64,
}

/// The run of `seed`: the same seed, the same run, on any platform.
pub fn random_run(seed: u64) -> Generated {
    let mut rng = Rng::new(seed);
    let nodes = rng.between(3, 7) as usize;
    let mut config = SimConfig::new(nodes, seed);
    if rng.chance_permille(500) {
        config.snapshot_every = Some(rng.between(5, 30));
    }
    let mut session = Session::new(config).expect("SimConfig::new is valid for 3..=7 nodes");
    let end_ms = rng.between(5_000, GENERATED_MS_MAX);
    let count = rng.between(5, GENERATED_INPUTS_MAX);
    let mut times: Vec<u64> = (0..count).map(|_| rng.below(end_ms)).collect();
    times.sort_unstable();
    for (k, at_ms) in times.into_iter().enumerate() {
        session.run_until(at_ms);
        let input = random_input(&mut rng, session.sim(), k);
        // A refused input is recorded too, and refused again on replay.
        let _ = session.apply(input);
    }
    session.run_until(end_ms);
    Generated {
        trace_digest: session.sim().trace_digest(),
        end_ms,
        run: session.into_run(),
    }
}

/// One input of any kind the page or a tester can give, aimed at `sim` as it is now.
pub fn random_input(rng: &mut Rng, sim: &Simulation, k: usize) -> Input {
    let n = sim.len() as u64;
    let node = rng.below(n) as usize;
    match rng.below(12) {
        0..=2 => Input::Request {
            node: sim.leader().unwrap_or(node),
            command: format!("g{k}").into_bytes(),
        },
        3 => Input::Crash { node },
        4 => Input::Restart { node },
        5 => Input::Disconnect { node },
        6 => Input::Connect { node },
        7 => Input::Timeout { node },
        8 => {
            let mut groups = vec![Vec::new(), Vec::new()];
            for i in 0..sim.len() {
                groups[rng.below(2) as usize].push(i);
            }
            groups.retain(|g| !g.is_empty());
            Input::Partition { groups }
        }
        9 => match sim.in_flight().nth(rng.below(8) as usize) {
            Some(m) => Input::DropMessage { id: m.id },
            None => Input::Heal,
        },
        10 => {
            let delay_ms_max = rng.between(1, 80);
            let drop_permille = rng.below(200) as u32;
            Input::SetNetwork {
                net: NetConfig {
                    request_delay_ms_min: 0,
                    request_delay_ms_max: delay_ms_max,
                    reply_delay_ms_min: 0,
                    reply_delay_ms_max: delay_ms_max,
                    drop_request_permille: drop_permille,
                    drop_reply_permille: drop_permille,
                    long_reordering: rng.chance_permille(200),
                    long_delays: false,
                },
            }
        }
        _ => match rng.below(3) {
            0 => Input::ClientLoad {
                per_second: rng.below(40) as u32,
            },
            1 => Input::RestartAllFromDisk,
            _ => Input::Heal,
        },
    }
}

/// Checks the generated run of `seed` (see the module's doc); Err says what disagreed.
pub fn check_replay(seed: u64) -> Result<(), String> {
    let generated = random_run(seed);
    let run = &generated.run;
    let mut replayed = run
        .replay()
        .map_err(|e| format!("the run does not replay: {e}"))?;
    replayed.run_until(generated.end_ms);
    if replayed.trace_digest() != generated.trace_digest {
        return Err(format!(
            "replaying {} inputs gives trace digest {:016x}, the live run had {:016x}",
            run.inputs.len(),
            replayed.trace_digest(),
            generated.trace_digest
        ));
    }
    let mut travel = TimeTravel::from_run(run.clone(), generated.end_ms)
        .map_err(|e| format!("the run does not open: {e}"))?;
    if travel.sim().trace_digest() != generated.trace_digest {
        return Err("TimeTravel::from_run ends on another trace digest".into());
    }
    let mut rng = Rng::new(seed ^ 0x666f_726b);
    for _ in 0..FORKS_PER_RUN {
        let at_ms = rng.below(generated.end_ms);
        let fork = run.fork_at(at_ms);
        let forked = fork
            .replay_until(at_ms)
            .map_err(|e| format!("the fork at {at_ms} ms does not replay: {e}"))?;
        travel.seek(at_ms);
        if travel.sim().trace_digest() != forked.trace_digest() {
            return Err(format!(
                "at {at_ms} ms the fork replays to {:016x}, seeking the whole run shows {:016x}",
                forked.trace_digest(),
                travel.sim().trace_digest()
            ));
        }
        // Act there: the future is dropped, the new input recorded; play on a little.
        let mut live = travel.clone();
        let k = run.inputs.len() + 1;
        let accepted = (0..8).any(|_| live.apply(random_input(&mut rng, live.sim(), k)).is_ok());
        if !accepted {
            continue;
        }
        let kept = &live.run().inputs[..live.run().inputs.len() - 1];
        if kept != fork.inputs.as_slice() {
            return Err(format!(
                "acting at {at_ms} ms kept {} inputs; the fork there has {}",
                kept.len(),
                fork.inputs.len()
            ));
        }
        live.advance_to(at_ms + rng.between(1, 3_000));
        let mut again = live
            .run()
            .replay()
            .map_err(|e| format!("the live fork's run does not replay: {e}"))?;
        again.run_until(live.now_ms());
        if again.trace_digest() != live.sim().trace_digest() {
            return Err(format!(
                "the run forked live at {at_ms} ms replays to {:016x}, the live fork shows {:016x} at {} ms",
                again.trace_digest(),
                live.sim().trace_digest(),
                live.now_ms()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_generates_the_same_run_and_others_differ() {
        let a = random_run(5);
        assert_eq!(a.run, random_run(5).run);
        assert_eq!(a.trace_digest, random_run(5).trace_digest);
        assert_ne!(a.run, random_run(6).run);
        assert!(a.run.inputs.len() >= 5);
    }

    #[test]
    fn seed_1_has_the_digest_the_browser_checks() {
        assert_eq!(
            random_run(1).trace_digest,
            SEED_1_TRACE_DIGEST,
            "{:#x}",
            random_run(1).trace_digest
        );
    }

    #[test]
    fn a_broken_replay_is_caught() {
        // The check must be able to fail: drop one input that did something, and the replay
        // no longer gives the live digest.
        let g = random_run(9);
        let digest_without = |i: usize| {
            let mut run = g.run.clone();
            run.inputs.remove(i);
            let mut sim = run.replay().unwrap();
            sim.run_until(g.end_ms);
            sim.trace_digest()
        };
        assert!((0..g.run.inputs.len()).any(|i| digest_without(i) != g.trace_digest));
    }
}
