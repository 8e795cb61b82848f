//! `Session`: a simulation and the run that produced it. Every input goes through `apply`,
//! which records it, so the run is always the whole story.

use crate::run::Run;
use alloc::collections::VecDeque;
use raftlab::sim::{Error, Input, Outcome, SimConfig, SimEvent, Simulation};

#[derive(Clone, Debug)]
pub struct Session {
    sim: Simulation,
    run: Run,
}

impl Session {
    pub fn new(config: SimConfig) -> Result<Session, Error> {
        Ok(Session {
            sim: Simulation::new(config.clone())?,
            run: Run::new(config),
        })
    }

    /// Apply `input` now and record it (refused inputs too: they replay the same way).
    pub fn apply(&mut self, input: Input) -> Result<Outcome, Error> {
        self.run.record(self.sim.stamp(), input.clone());
        self.sim.apply(input)
    }

    /// Process the earliest queued action (see `Simulation::step`).
    pub fn step(&mut self) -> bool {
        self.sim.step()
    }

    /// Process every action due up to `time_ms` (see `Simulation::run_until`).
    pub fn run_until(&mut self, time_ms: u64) {
        self.sim.run_until(time_ms);
    }

    /// The events since the last drain (output only: draining changes nothing else).
    pub fn drain_events(&mut self) -> VecDeque<SimEvent> {
        self.sim.drain_events()
    }

    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    pub fn run(&self) -> &Run {
        &self.run
    }

    pub fn into_run(self) -> Run {
        self.run
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::fixture::session;

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
