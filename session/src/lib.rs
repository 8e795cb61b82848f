//! raftlab-session: the platform-neutral layer between a caller (the page's wasm glue, the
//! sweep, a test) and the simulator. A run is a value: the simulation's `SimConfig` (seed
//! included) and the inputs applied to it, each at its `Stamp`. Replaying a run reproduces
//! its trace exactly; forking it keeps the inputs up to a time and drops the rest; a `Timeline`
//! seeks through it with bounded checkpoints. A run travels as a link (`link`, compact text
//! for a URL) or a run file (`file`, readable JSON, with captions); both check what they read
//! (`Run::validate`).
//!
//! `no_std` + `alloc`, like the simulator.
#![no_std]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod codec;
pub mod file;
#[cfg(test)]
mod fixture;
pub mod link;
pub mod narrate;
pub mod scenario;
mod run;
mod session;
pub mod time_travel;
mod timeline;
mod validate;

pub use file::{Caption, FileError, RunFile};
pub use link::{Link, LinkError};
pub use run::Run;
pub use session::Session;
pub use time_travel::{Fork, Marker, MarkerKind, TimeTravel};
pub use timeline::{Timeline, CHECKPOINTS_MAX, CHECKPOINT_SPACING_MS};
pub use validate::{
    check_position, RunError, INPUTS_MAX, INPUT_BYTES_MAX, RUN_MS_MAX, TIMING_MS_MAX,
};
