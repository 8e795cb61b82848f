//! A linearizability checker: is there one order of a concurrent history's operations, each
//! placed between its call and its return, that a sequential model accepts?
//!
//! The search is Wing & Gong's, with Lowe's memoisation, as porcupine does it: walk the
//! history's calls and returns in time order; linearize a call whose operation the model
//! accepts now, backtrack when a return is reached whose operation is not yet linearized, and
//! never explore the same (set of linearized operations, model state) twice. The history is
//! split into independent partitions first where the model allows (the key/value model: one
//! per key). An operation that never returned is open until the end of the history: it may
//! take effect at any time after its call, or never.
//!
//! - [`model`]: the [`Model`] trait; [`kv`] (Get/Put/Append, a key never written reads `""`)
//!   and [`register`] (read/write/compare-and-set on one integer register) implement it.
//! - [`history`]: an [`Operation`]; `jsonl` (feature `jsonl`, on with `std`) reads the
//!   JSON-lines history format.
//! - [`check`]: [`check()`], its [`Budget`] (an explicit deadline: the search asks it as it
//!   goes, so "unknown" is a result, not a hang) and its [`Report`].
//! - [`report`]: the report as text.
//!
//! no_std + alloc; the `lincheck` command (feature `std`) reads a file and maps
//! `--timeout-ms` to wall-clock time.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod bitset;
pub mod check;
pub mod history;
#[cfg(feature = "jsonl")]
pub mod jsonl;
pub mod kv;
mod memo;
pub mod model;
pub mod register;
pub mod report;
mod search;

pub use check::{
    check, Budget, Options, Outcome, PartitionReport, Report, StepBudget, Unlimited, Verdict,
};
pub use history::{HistoryError, Operation, OPERATIONS_MAX};
pub use memo::MEMO_BYTES_MAX;
pub use model::{Model, Step};
