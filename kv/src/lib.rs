//! 6.5840 Lab 4's key/value service (kvraft) as pure state machines, no_std + alloc, with no
//! I/O and no clock, so a simulator (or a test) drives them:
//!
//! - [`command`]: what a Clerk asks ([`Op`]: Get, Put, Append) tagged with its client id and
//!   sequence number ([`Command`]), and its bytes in the Raft log.
//! - [`store`]: the replicated state machine each server applies committed commands to: the
//!   keys and values, and the duplicate table that makes each Put and Append take effect once
//!   however often a Clerk retries it; its snapshot (store + duplicate table) and restore.
//! - [`clerk`]: the Clerk's logic: which server to try, retrying the same tagged command through
//!   wrong leaders and lost replies until one answers.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod clerk;
pub mod command;
pub mod store;

pub use clerk::{Clerk, ClerkBusy, Outcome, Response, Send};
pub use command::{Command, CommandError, Op};
pub use store::{Applied, Reply, SnapshotError, Store, StoreLimit, CLIENTS_MAX, STORE_BYTES_MAX};
