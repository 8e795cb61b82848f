//! raftlab-session: the platform-neutral layer between a caller (the page's wasm glue, the
//! sweep, a test) and the simulator. A run is a value: the simulation's `SimConfig` (seed
//! included) and the inputs applied to it, each at its `Stamp`. Replaying a run reproduces
//! its trace exactly; forking it keeps the inputs up to a time and drops the rest; a `TimeTravel`
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

pub mod codec;
pub mod ids;
pub mod narrate;
pub mod page;
pub mod run;
pub mod scenario;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod view;

// The modules under the names they had before the folders, for the wasm glue and the tests.
pub use codec::{file, image, link, packed};
pub use page::{crashed, scenario_nav as scenario_view, stored};
pub use run::{options, time_travel};
pub use scenario::built_in;
#[cfg(any(test, feature = "testing"))]
pub use testing::generate;
pub use view::{
    causes, log_window, monitors, requests, rules as rules_view, shown_role, state_machine,
};

/// The core and the simulator, for callers that depend on this crate only (the wasm glue).
pub use raftlab;

pub use file::{Caption, FileError, RunFile};
pub use image::{Image, ImageError};
pub use link::{Link, LinkError};
pub use options::{Network, Options};
pub use page::{Page, Refusal};
pub use run::session::Session;
pub use run::validate::{
    check_position, RunError, INPUTS_MAX, INPUT_BYTES_MAX, RUN_MS_MAX, TIMING_MS_MAX,
};
pub use run::Run;
pub use stored::{Resumed, Saved};
pub use time_travel::{
    Fork, Marker, MarkerKind, TimeTravel, CHECKPOINTS_MAX, CHECKPOINT_SPACING_MS,
};
