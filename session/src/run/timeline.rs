//! `Timeline`: a run with bounded checkpoints, to seek to any virtual time and to step one
//! event, or one tick (an action of the queue or an input), forward or back.
//!
//! Memory: at most `CHECKPOINTS_MAX` simulations (each a `Clone` with its events drained). They
//! are taken every `CHECKPOINT_SPACING_MS` virtual ms; when that many are held, every other
//! one is dropped and the spacing doubles, so a run of any length keeps at most
//! `CHECKPOINTS_MAX` of them and a seek replays at most one spacing from the nearest.

use crate::run::Run;
use alloc::vec::Vec;
use raftlab::sim::{Error, Simulation};

/// The most checkpoints a timeline holds.
pub const CHECKPOINTS_MAX: usize = 64;
/// The first spacing of checkpoints, in virtual ms (doubled each time the maximum is reached).
pub const CHECKPOINT_SPACING_MS: u64 = 1_000;

/// A simulation at a position of the run, with how many of the run's inputs it has applied.
#[derive(Clone, Debug)]
struct Position {
    sim: Simulation,
    inputs_applied: usize,
}

impl Position {
    /// Actions processed plus inputs applied: one more after each `step_forward`.
    fn ticks(&self) -> u64 {
        self.sim.stamp().actions + self.inputs_applied as u64
    }
}

#[derive(Clone, Debug)]
pub struct Timeline {
    run: Run,
    /// Invariant: in time order, the first at time 0; each is the run at the end of its
    /// millisecond (every input stamped at or before it applied, every action due processed).
    checkpoints: Vec<Position>,
    spacing_ms: u64,
    current: Position,
}

impl Timeline {
    /// A timeline of `run`, at the end of virtual millisecond 0.
    pub fn new(run: Run) -> Result<Timeline, Error> {
        let mut start = Position {
            sim: Simulation::new(run.config.clone())?,
            inputs_applied: 0,
        };
        advance(&run, &mut start, 0);
        start.sim.drain_events();
        Ok(Timeline {
            run,
            checkpoints: alloc::vec![start.clone()],
            spacing_ms: CHECKPOINT_SPACING_MS,
            current: start,
        })
    }

    /// The simulation at the current position.
    pub fn sim(&self) -> &Simulation {
        &self.current.sim
    }

    pub fn run(&self) -> &Run {
        &self.run
    }

    /// How many checkpoints are held (at most `CHECKPOINTS_MAX`).
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// Go to the end of virtual millisecond `time_ms`, from the nearest checkpoint before it,
    /// taking checkpoints on the way past the last one.
    pub fn seek(&mut self, time_ms: u64) {
        let i = self
            .checkpoints
            .partition_point(|c| c.sim.now_ms() <= time_ms)
            .max(1);
        let mut at = self.checkpoints[i - 1].clone();
        loop {
            let next = (at.sim.now_ms() / self.spacing_ms + 1) * self.spacing_ms;
            if next > time_ms || at.sim.is_stalled() {
                break;
            }
            advance(&self.run, &mut at, next);
            self.keep_checkpoint(&mut at);
        }
        advance(&self.run, &mut at, time_ms);
        self.current = at;
    }

    /// Forward to just after the next tick that records an event (ticks that record none,
    /// such as a superseded timer, are passed over). False when nothing more happens.
    pub fn step_forward(&mut self) -> bool {
        let events = self.current.sim.events_total();
        while self.current.sim.events_total() == events {
            if !self.tick_forward() {
                return false;
            }
        }
        true
    }

    /// Back to just before the tick that recorded the newest event: the latest position with
    /// fewer events. False when no event has been recorded since the start.
    pub fn step_back(&mut self) -> bool {
        let events = self.current.sim.events_total();
        if events == self.checkpoints[0].sim.events_total() {
            return false;
        }
        let i = self
            .checkpoints
            .partition_point(|c| c.sim.events_total() < events);
        let from = &self.checkpoints[i - 1];
        // First pass: which tick is the last with fewer events; second: go there.
        let mut at = from.clone();
        let mut last = at.ticks();
        while step(&self.run, &mut at) && at.sim.events_total() < events {
            last = at.ticks();
        }
        self.current = self.ticked_to(i - 1, last);
        true
    }

    /// One tick forward: the next input if it is due before the next action, else the next
    /// action. False at the end of what the run holds (an empty queue, or a stalled run).
    pub fn tick_forward(&mut self) -> bool {
        step(&self.run, &mut self.current)
    }

    /// One tick back. False at the start.
    pub fn tick_back(&mut self) -> bool {
        let target = self.current.ticks();
        if target == self.checkpoints[0].ticks() {
            return false;
        }
        let i = self.checkpoints.partition_point(|c| c.ticks() < target);
        self.current = self.ticked_to(i - 1, target - 1);
        true
    }

    /// The position `ticks` reached by ticking from checkpoint `from`.
    fn ticked_to(&self, from: usize, ticks: u64) -> Position {
        let mut at = self.checkpoints[from].clone();
        while at.ticks() < ticks && step(&self.run, &mut at) {}
        at
    }

    /// Keep `at` as a checkpoint if it is past the last one; thin them when there are too many.
    fn keep_checkpoint(&mut self, at: &mut Position) {
        let last = self.checkpoints.last().map_or(0, |c| c.sim.now_ms());
        if at.sim.now_ms() <= last {
            return;
        }
        at.sim.drain_events();
        self.checkpoints.push(at.clone());
        if self.checkpoints.len() > CHECKPOINTS_MAX {
            self.spacing_ms *= 2;
            let spacing = self.spacing_ms;
            self.checkpoints.retain(|c| c.sim.now_ms() % spacing == 0);
        }
    }
}

/// Apply the inputs stamped at or before `time_ms`, each where it was recorded, then process
/// every action due by `time_ms`.
fn advance(run: &Run, at: &mut Position, time_ms: u64) {
    for (stamp, input) in run.inputs[at.inputs_applied..].iter() {
        if stamp.at_ms > time_ms {
            break;
        }
        crate::run::replay_one(&mut at.sim, *stamp, input);
        at.inputs_applied += 1;
    }
    at.sim.run_until(time_ms);
}

/// One tick of the run from `at` (see `Timeline::step_forward`).
fn step(run: &Run, at: &mut Position) -> bool {
    if let Some((stamp, input)) = run.inputs.get(at.inputs_applied) {
        // Recorded after exactly `stamp.actions` actions: due once they are processed.
        if at.sim.stamp().actions >= stamp.actions {
            crate::run::replay_one(&mut at.sim, *stamp, input);
            at.inputs_applied += 1;
            return true;
        }
    }
    at.sim.step()
}

#[cfg(test)]
mod tests {
    use super::{Timeline, CHECKPOINTS_MAX, CHECKPOINT_SPACING_MS};
    use crate::testing::fixture::session;

    #[test]
    fn checkpoints_stay_at_most_checkpoints_max_and_seeks_land_where_a_straight_replay_does() {
        let run = session().into_run();
        let end_ms = 3 * CHECKPOINTS_MAX as u64 * CHECKPOINT_SPACING_MS;
        let mut timeline = Timeline::new(run.clone()).expect("valid run");
        for t in [end_ms, 9_000, 21_000, 123_457, 0, 40_001, end_ms / 2] {
            timeline.seek(t);
            assert!(timeline.checkpoints() <= CHECKPOINTS_MAX);
            let straight = run.replay_until(t).expect("valid run");
            let state = |s: &raftlab::sim::Simulation| (s.trace_digest(), s.stamp());
            assert_eq!(state(timeline.sim()), state(&straight), "seek to {t} ms");
        }
        assert!(timeline.spacing_ms > CHECKPOINT_SPACING_MS, "never thinned");
    }
}
