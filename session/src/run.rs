//! `Run`: what decides a simulation: its config (seed included) and every input, stamped.

pub mod options;
pub(crate) mod session;
pub mod time_travel;
pub(crate) mod validate;

use alloc::vec::Vec;
use raftlab::sim::{Error, Input, SimConfig, Simulation, Stamp};
use serde::{Deserialize, Serialize};

/// A run as data (serde: a file or a link holds it). Invariant: `inputs` are in the order
/// applied, so their stamps never go back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub config: SimConfig,
    pub inputs: Vec<(Stamp, Input)>,
}

impl Run {
    pub fn new(config: SimConfig) -> Run {
        Run {
            config,
            inputs: Vec::new(),
        }
    }

    /// Append an input applied at `at`.
    pub fn record(&mut self, at: Stamp, input: Input) {
        debug_assert!(self.inputs.last().is_none_or(|(last, _)| *last <= at));
        self.inputs.push((at, input));
    }

    /// A fresh simulation with every input applied at its stamp, left at the last one.
    pub fn replay(&self) -> Result<Simulation, Error> {
        let mut sim = Simulation::new(self.config.clone())?;
        for (at, input) in &self.inputs {
            replay_one(&mut sim, *at, input);
        }
        Ok(sim)
    }

    /// As `replay`, then on to `end` (a stamp at or after the last input's).
    pub fn replay_to(&self, end: Stamp) -> Result<Simulation, Error> {
        let mut sim = self.replay()?;
        sim.run_to(end);
        Ok(sim)
    }

    /// The simulation at the end of virtual millisecond `time_ms`: every input stamped at or
    /// before it applied, every action due by then processed.
    pub fn replay_until(&self, time_ms: u64) -> Result<Simulation, Error> {
        self.fork_at(time_ms).replay().map(|mut sim| {
            sim.run_until(time_ms);
            sim
        })
    }

    /// The run as it was at the end of virtual millisecond `time_ms`: the inputs stamped at or
    /// before it; later ones are dropped (acting in the past starts a new future).
    pub fn fork_at(&self, time_ms: u64) -> Run {
        let kept = self.inputs.partition_point(|(at, _)| at.at_ms <= time_ms);
        Run {
            config: self.config.clone(),
            inputs: self.inputs[..kept].to_vec(),
        }
    }
}

/// Apply one recorded input where it was applied. A refused input was refused when recorded
/// too (same state, same answer) and changed nothing either time.
pub(crate) fn replay_one(sim: &mut Simulation, at: Stamp, input: &Input) {
    sim.run_to(at);
    let _ = sim.apply(input.clone());
}
