//! A run is data: sweep runs replayed from their recorded inputs reproduce their traces,
//! forks agree with the original up to the fork. Seeds move (`raftlab::lab::seed_list()`: a
//! fresh seed per run unless RAFTLAB_SEED pins it); a failure prints its seed and the command
//! that replays it.

use raftlab::lab::{seed_list, Config};
use raftlab::sim::rng::{mix, Fnv, Rng};
use raftlab::sim::{Input, SimEvent, Simulation};
use raftlab_session::{Run, TimeTravel, CHECKPOINTS_MAX, CHECKPOINT_SPACING_MS};

/// Sweep runs per test when RAFTLAB_SEEDS is not set (each is replayed at least once).
const RUNS_PER_TEST: u64 = 5;

/// The seeds: RUNS_PER_TEST from the drawn or pinned seed, or RAFTLAB_SEEDS of them.
fn seeds() -> Vec<u64> {
    let seeds = seed_list();
    if std::env::var("RAFTLAB_SEEDS").is_ok() {
        return seeds;
    }
    (seeds[0]..seeds[0] + RUNS_PER_TEST).collect()
}

/// Runs `check` for each seed; a failure names the seed and the command that replays it.
fn for_each_seed(test: &str, check: impl Fn(u64) -> Result<(), String>) {
    for seed in seeds() {
        if let Err(why) = check(seed) {
            panic!(
                "seed {seed}: {why}\n  replay: RAFTLAB_SEED={seed} cargo test -p raftlab-lab3 --test replay -- --exact {test}"
            );
        }
    }
}

/// Replays `inputs` from `run`'s config, keeping every event, then runs to `end`.
fn events_of(run: &Run, end: impl FnOnce(&mut Simulation)) -> (Simulation, Vec<SimEvent>) {
    let mut sim = Simulation::new(run.config.clone()).expect("the run's config is valid");
    let mut events = Vec::new();
    for (at, input) in &run.inputs {
        sim.run_to(*at);
        events.extend(sim.drain_events());
        let _ = sim.apply(input.clone());
        events.extend(sim.drain_events());
    }
    end(&mut sim);
    events.extend(sim.drain_events());
    (sim, events)
}

fn digest(events: &[SimEvent]) -> u64 {
    let mut h = Fnv::default();
    events.iter().for_each(|e| e.fold(&mut h));
    h.0
}

#[test]
fn sweep_runs_replayed_from_their_recorded_inputs_give_the_identical_trace_digest() {
    for_each_seed(
        "sweep_runs_replayed_from_their_recorded_inputs_give_the_identical_trace_digest",
        |seed| {
            let original = raftlab_lab3::run(seed)?;
            let sim = original
                .run
                .replay_to(original.end)
                .map_err(|e| e.to_string())?;
            let replayed = (sim.trace_digest(), sim.events_total(), sim.stamp());
            let recorded = (original.trace_digest, original.events, original.end);
            if replayed != recorded {
                return Err(format!(
                    "{} inputs replayed to (digest, events, stamp) {replayed:?}, the run had {recorded:?}",
                    original.run.inputs.len()
                ));
            }
            Ok(())
        },
    );
}

#[test]
fn a_fork_at_a_random_time_replays_exactly_the_original_up_to_the_fork() {
    for_each_seed(
        "a_fork_at_a_random_time_replays_exactly_the_original_up_to_the_fork",
        |seed| {
            let original = raftlab_lab3::run(seed)?;
            let (_, all) = events_of(&original.run, |sim| sim.run_to(original.end));
            if digest(&all) != original.trace_digest {
                return Err("the replayed events are not the run's".into());
            }
            let mut rng = Rng::new(mix(seed ^ 0xf02c));
            for _ in 0..4 {
                let fork_ms = rng.below(original.end.at_ms + 1);
                let fork = original.run.fork_at(fork_ms);
                let kept = fork.inputs.len();
                if fork.inputs[..] != original.run.inputs[..kept]
                    || fork.inputs.iter().any(|(at, _)| at.at_ms > fork_ms)
                    || original.run.inputs[kept..]
                        .iter()
                        .any(|(at, _)| at.at_ms <= fork_ms)
                {
                    return Err(format!(
                        "the fork at {fork_ms} ms did not keep exactly the inputs up to it"
                    ));
                }
                let (mut sim, events) = events_of(&fork, |sim| sim.run_until(fork_ms));
                let before: Vec<SimEvent> = all
                    .iter()
                    .filter(|e| e.time_ms <= fork_ms)
                    .cloned()
                    .collect();
                if events != before || sim.trace_digest() != digest(&before) {
                    let same = events
                        .iter()
                        .zip(&before)
                        .take_while(|(a, b)| a == b)
                        .count();
                    return Err(format!(
                        "the fork at {fork_ms} ms has {} events, the original {} up to then; first difference at event {same}",
                        events.len(),
                        before.len()
                    ));
                }
                // A fork is a run of its own: it goes on from there.
                let _ = sim.apply(Input::Heal);
                sim.run_until(fork_ms + 1_000);
                if let Some(v) = sim.violation() {
                    return Err(format!(
                        "the fork at {fork_ms} ms went on to a violation: {v}"
                    ));
                }
            }
            Ok(())
        },
    );
}

/// What must agree between two ways of reaching one position.
fn state(sim: &Simulation) -> (u64, u64, raftlab::sim::Stamp) {
    (sim.trace_digest(), sim.events_total(), sim.stamp())
}

#[test]
fn a_seek_through_checkpoints_lands_on_the_state_of_a_straight_replay() {
    for_each_seed(
        "a_seek_through_checkpoints_lands_on_the_state_of_a_straight_replay",
        |seed| {
            let original = raftlab_lab3::run(seed)?;
            // Past the run's end the cluster keeps running: long enough to thin checkpoints.
            let horizon_ms = (CHECKPOINTS_MAX as u64 + 8) * CHECKPOINT_SPACING_MS;
            let mut timeline = TimeTravel::from_run(original.run.clone(), horizon_ms)
                .map_err(|e| e.to_string())?;
            let mut rng = Rng::new(mix(seed ^ 0x5eec));
            let mut times: Vec<u64> = (0..4).map(|_| rng.below(original.end.at_ms + 1)).collect();
            times.extend([horizon_ms, rng.below(horizon_ms), original.end.at_ms]);
            for t in times {
                timeline.seek(t);
                let straight = original.run.replay_until(t).map_err(|e| e.to_string())?;
                if state(timeline.sim()) != state(&straight) {
                    return Err(format!(
                        "seek to {t} ms: {:?}, a straight replay: {:?}",
                        state(timeline.sim()),
                        state(&straight)
                    ));
                }
                if timeline.checkpoints() > CHECKPOINTS_MAX {
                    return Err(format!("{} checkpoints held", timeline.checkpoints()));
                }
            }
            Ok(())
        },
    );
}

#[test]
fn stepping_back_one_tick_returns_to_the_state_before_stepping_forward_one() {
    for_each_seed(
        "stepping_back_one_tick_returns_to_the_state_before_stepping_forward_one",
        |seed| {
            let original = raftlab_lab3::run(seed)?;
            // Played a second past the run's end, so steps forward from its end have room.
            let mut timeline =
                TimeTravel::from_run(original.run.clone(), original.end.at_ms + 1_000)
                    .map_err(|e| e.to_string())?;
            let mut rng = Rng::new(mix(seed ^ 0xbac));
            timeline.seek(rng.below(original.end.at_ms + 1));
            let mut forward = vec![state(timeline.sim())];
            for _ in 0..40 {
                if !timeline.seek_ticks(timeline.ticks() + 1) {
                    break;
                }
                forward.push(state(timeline.sim()));
            }
            for (k, expected) in forward.iter().enumerate().rev().skip(1) {
                if timeline.ticks() == 0 || !timeline.seek_ticks(timeline.ticks() - 1) {
                    return Err(format!("step back refused at step {k}"));
                }
                let got = state(timeline.sim());
                // The seek's position is the end of its millisecond; a step lands on an action.
                let same = if k == 0 {
                    (got.0, got.1, got.2.actions) == (expected.0, expected.1, expected.2.actions)
                } else {
                    got == *expected
                };
                if !same {
                    return Err(format!(
                        "back to step {k}: {got:?}, forward it was {expected:?}"
                    ));
                }
            }
            Ok(())
        },
    );
}

#[test]
fn stepping_back_one_event_returns_to_the_trace_before_stepping_forward_one() {
    for_each_seed(
        "stepping_back_one_event_returns_to_the_trace_before_stepping_forward_one",
        |seed| {
            let original = raftlab_lab3::run(seed)?;
            // Played a second past the run's end, so steps forward from its end have room.
            let mut timeline =
                TimeTravel::from_run(original.run.clone(), original.end.at_ms + 1_000)
                    .map_err(|e| e.to_string())?;
            let mut rng = Rng::new(mix(seed ^ 0xe7e));
            timeline.seek(rng.below(original.end.at_ms + 1));
            let trace = |sim: &Simulation| (sim.trace_digest(), sim.events_total());
            let mut forward = vec![trace(timeline.sim())];
            for _ in 0..40 {
                if !timeline.step_forward() {
                    break;
                }
                let now = trace(timeline.sim());
                if now.1 <= forward[forward.len() - 1].1 {
                    return Err("a step forward recorded no event".into());
                }
                forward.push(now);
            }
            for (k, expected) in forward.iter().enumerate().rev().skip(1) {
                if !timeline.step_back() {
                    return Err(format!("step back refused at step {k}"));
                }
                // Back lands just before the tick of the newest event: where forward left.
                let got = trace(timeline.sim());
                if got != *expected {
                    return Err(format!(
                        "back to step {k}: {got:?}, forward it was {expected:?}"
                    ));
                }
            }
            Ok(())
        },
    );
}

#[test]
fn a_lab_run_replayed_from_the_inputs_the_tester_applied_gives_the_identical_trace_digest() {
    for_each_seed(
        "a_lab_run_replayed_from_the_inputs_the_tester_applied_gives_the_identical_trace_digest",
        |seed| {
            // TestFigure8Unreliable3C's moves, shortened, with 3D's snapshotting appliers.
            let servers = 5;
            let mut cfg = Config::with_seed(servers, true, true, seed);
            let first = cfg.rand_int() % 10_000;
            cfg.one(first, 1, true);
            for iter in 0..30 {
                if iter == 15 {
                    cfg.set_long_reordering(true);
                }
                let mut leader = None;
                for i in 0..servers {
                    let cmd = cfg.rand_int() % 10_000;
                    if cfg.start(i, cmd).is_some() && cfg.is_connected(i) {
                        leader = Some(i);
                    }
                }
                let ms = if cfg.rand_int() % 1000 < 100 {
                    cfg.rand_int() % 1000
                } else {
                    cfg.rand_int() % 13
                };
                cfg.sleep_ms(ms);
                if let Some(l) = leader.filter(|_| cfg.rand_int() % 1000 < 500) {
                    cfg.disconnect(l);
                }
                if (0..servers).filter(|&i| cfg.is_connected(i)).count() < 3 {
                    let s = (cfg.rand_int() % servers as u64) as usize;
                    if !cfg.is_connected(s) {
                        cfg.connect(s);
                    }
                }
                if iter % 10 == 9 {
                    let s = (cfg.rand_int() % servers as u64) as usize;
                    cfg.crash1(s);
                    cfg.start1(s);
                    cfg.connect(s);
                }
            }
            for i in 0..servers {
                cfg.connect(i);
            }
            cfg.set_unreliable(false);
            let last = cfg.rand_int() % 10_000;
            cfg.one(last, servers, true);
            let recording = cfg.recording();
            let run = Run {
                config: recording.config,
                inputs: recording.inputs,
            };
            let sim = run.replay_to(recording.end).map_err(|e| e.to_string())?;
            let replayed = (sim.trace_digest(), sim.stamp());
            let recorded = (recording.trace_digest, recording.end);
            if replayed != recorded {
                return Err(format!(
                    "{} inputs replayed to (digest, stamp) {replayed:?}, the tester's run had {recorded:?}",
                    run.inputs.len()
                ));
            }
            Ok(())
        },
    );
}

#[test]
fn a_run_written_as_json_and_read_back_replays_to_the_identical_trace_digest() {
    for_each_seed(
        "a_run_written_as_json_and_read_back_replays_to_the_identical_trace_digest",
        |seed| {
            let original = raftlab_lab3::run(seed)?;
            let json = serde_json::to_string(&original.run).map_err(|e| e.to_string())?;
            if !json.contains("\"seed\":") || !json.contains("{\"Request\":{\"node\":") {
                return Err(format!(
                    "the JSON does not name the seed and inputs: {:.200}",
                    json
                ));
            }
            let read: Run = serde_json::from_str(&json).map_err(|e| e.to_string())?;
            if read != original.run {
                return Err("the run read back differs from the one written".into());
            }
            let sim = read.replay_to(original.end).map_err(|e| e.to_string())?;
            if sim.trace_digest() != original.trace_digest {
                return Err("the run read back replays to another trace".into());
            }
            Ok(())
        },
    );
}
