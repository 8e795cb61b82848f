//! One harness, two cores: raftlab's `Raft` and tikv's raft-rs `RawNode` driven through the
//! same loop (see `harness`): N in-memory nodes, one FIFO of messages delivered in order,
//! storage that persists at once, no logging. A leader is elected first (not timed); then the
//! leader is given `batch` proposals of `size` bytes, messages are delivered until none is
//! left, and that repeats until `total` entries are applied on the leader. At the end every
//! node must have applied every entry, in order (`Cluster::check`).

pub mod harness;
pub mod matrix;
pub mod raft_rs;
pub mod raftlab;
pub mod scaling;

pub use harness::{run, run_timed, Cell, Clock, Cluster, Workload};
