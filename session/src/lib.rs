//! raftlab-session: the platform-neutral layer between a caller (the page's wasm glue, the
//! sweep, a test) and the simulator. A run is a value: the simulation's `SimConfig` (seed
//! included) and the inputs applied to it, each at its `Stamp`. Replaying a run reproduces
//! its trace exactly; forking it keeps the inputs up to a time and drops the rest.
//!
//! `no_std` + `alloc`, like the simulator.
#![no_std]

extern crate alloc;

mod run;
mod session;

pub use run::Run;
pub use session::Session;
