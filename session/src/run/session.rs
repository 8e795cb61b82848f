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

    /// Apply `input` now and record it when it is accepted. A refused input changed nothing,
    /// so the run leaves it out, as `TimeTravel::apply` does: one recording policy.
    pub fn apply(&mut self, input: Input) -> Result<Outcome, Error> {
        let at = self.sim.stamp();
        let outcome = self.sim.apply(input.clone())?;
        self.run.record(at, input);
        Ok(outcome)
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
    use super::Session;
    use crate::run::time_travel::TimeTravel;
    use raftlab::sim::{Input, SimConfig, Simulation};

    /// One recording policy: a refused input changed nothing, and neither a `Session` nor a
    /// `TimeTravel` records it.
    #[test]
    fn a_refused_input_is_recorded_neither_by_a_session_nor_by_time_travel() {
        let config = SimConfig::new(3, 1);
        let mut session = Session::new(config.clone()).expect("valid config");
        let mut travel = TimeTravel::new(Simulation::new(config).expect("valid config"));
        assert!(session.apply(Input::Crash { node: 7 }).is_err());
        assert!(travel.apply(Input::Crash { node: 7 }).is_err());
        assert!(session.run().inputs.is_empty());
        assert!(travel.run().inputs.is_empty());
        session
            .apply(Input::Crash { node: 0 })
            .expect("a live node crashes");
        travel
            .apply(Input::Crash { node: 0 })
            .expect("a live node crashes");
        assert_eq!(session.run().inputs, travel.run().inputs);
    }
}
