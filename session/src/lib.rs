//! raftlab-session: the platform-neutral layer between a caller (the page's wasm glue, the
//! sweep, a test) and the simulator. A run is a value: the simulation's `SimConfig` (seed
//! included) and the inputs applied to it, each at its `Stamp`. Replaying a run reproduces
//! its trace exactly; forking it keeps the inputs up to a time and drops the rest; a `Timeline`
//! seeks through it with bounded checkpoints. A run travels as a link (`link`, compact text
//! for a URL) or a run file (`file`, readable JSON, with captions; feature `json`, on by
//! default, off in the page's main wasm module, which reads run files `packed`); all check
//! what they read (`Run::validate`). The built-in scenarios ship packed (`built_in`).
//!
//! The page's side of it is here too, platform-neutral and tested with plain `cargo test`:
//! its options and their limits (`options`), its cluster (`page::Page`, a `TimeTravel` run
//! driven by typed commands), the per-frame view (`view`) and the stored image (`image`).
//! The wasm glue depends on this crate only; what it needs of the core and the simulator it
//! reaches through `raftlab_session::raftlab`.
//!
//! `no_std` + `alloc`, like the simulator.
#![no_std]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod built_in;
pub mod causes;
pub mod codec;
pub mod file;
#[cfg(test)]
mod fixture;
pub mod generate;
pub mod image;
pub mod link;
pub mod monitors;
pub mod narrate;
pub mod options;
pub mod packed;
pub mod page;
pub mod requests;
pub mod rules_view;
mod run;
pub mod scenario;
pub mod scenario_view;
mod session;
pub mod state_machine;
pub mod stored;
pub mod time_travel;
mod timeline;
mod validate;
pub mod view;

/// The core and the simulator, for callers that depend on this crate only (the wasm glue).
pub use raftlab;

pub use file::{Caption, FileError, RunFile};
pub use image::{Image, ImageError};
pub use link::{Link, LinkError};
pub use options::{Network, Options};
pub use page::{Page, Refusal};
pub use run::Run;
pub use session::Session;
pub use stored::{Resumed, Saved};
pub use time_travel::{Fork, Marker, MarkerKind, TimeTravel};
pub use timeline::{Timeline, CHECKPOINTS_MAX, CHECKPOINT_SPACING_MS};
pub use validate::{
    check_position, RunError, INPUTS_MAX, INPUT_BYTES_MAX, RUN_MS_MAX, TIMING_MS_MAX,
};
