//! raftlab-session: the platform-neutral layer between a caller (the page's wasm glue, the
//! sweep, a test) and the simulator. A run is a value: the simulation's `SimConfig` (seed
//! included) and the inputs applied to it, each at its `Stamp`. Replaying a run reproduces
//! its trace exactly; forking it keeps the inputs up to a time and drops the rest; a `Timeline`
//! seeks through it with bounded checkpoints.
//!
//! `no_std` + `alloc`, like the simulator.
#![no_std]

extern crate alloc;

#[cfg(test)]
mod fixture;
mod run;
mod session;
mod timeline;

pub use run::Run;
pub use session::Session;
pub use timeline::{Timeline, CHECKPOINTS_MAX, CHECKPOINT_SPACING_MS};
