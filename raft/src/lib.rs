//! raftlab: the Raft consensus algorithm as a pure state machine (`core`), a deterministic
//! discrete-event simulator around it (`sim`), and the MIT 6.5840 Lab 3 harness (`lab`).
//!
//! `core` and `sim` are `no_std` + `alloc`; `lab` needs the default `std` feature.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod core;
/// Lab 4's key/value state machines (`raftlab-kv`), which the simulator runs on every node.
pub use raftlab_kv as kv;
/// The linearizability checker (`raftlab-lincheck`) a simulation's key/value history converts to.
pub use raftlab_lincheck as lincheck;
pub mod sim;
pub mod small_sort;
/// `VecMap`, the ordered map of the code the page runs (`raftlab-vecmap`; README, "Weight").
pub use raftlab_vecmap as vec_map;

#[cfg(feature = "std")]
pub mod lab;
