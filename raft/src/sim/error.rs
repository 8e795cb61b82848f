//! Why the simulator refused something from outside: typed values, with the messages the page
//! shows (`Display`). A refused input changes nothing.

use super::NODES_MAX;
use crate::core::{NodeId, RestoreError};
use alloc::string::String;
use core::fmt;

/// Why a simulation could not be built or an `Input` could not be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// A cluster has 1 to `NODES_MAX` nodes.
    ClusterSize {
        nodes: usize,
    },
    /// One persister per node is needed to bring a cluster back.
    PersisterCount {
        nodes: usize,
        persisters: usize,
    },
    /// The timing could not elect a leader (`Timing::validate`'s reason).
    Timing(&'static str),
    /// The network settings are out of range.
    Network(NetError),
    NoSuchNode {
        node: NodeId,
        nodes: usize,
    },
    /// The node is crashed: it cannot time out, take a command or snapshot.
    Crashed {
        node: NodeId,
    },
    AlreadyCrashed {
        node: NodeId,
    },
    /// A leader has no election timer to expire.
    LeaderHasNoTimer {
        node: NodeId,
    },
    /// Aligning or spreading election timers needs a live node that is not leader.
    NoElectionTimers,
    /// A partition names a node in two groups.
    InTwoGroups {
        node: NodeId,
    },
    /// No message with this id is on the wire (delivered or dropped already).
    NotInFlight {
        id: u64,
    },
    /// A client load above `LOAD_PER_SECOND_MAX`.
    LoadTooHigh {
        per_second: u32,
    },
    /// A node's stored raft state breaks a rule `PersistentState::validate` checks.
    Unrestorable {
        node: NodeId,
        error: RestoreError,
    },
    /// A node's stored snapshot is not the built-in service's.
    SnapshotUndecodable {
        node: NodeId,
        error: postcard::Error,
    },
    /// A key/value client id at or above `KV_CLIENTS_MAX`.
    KvNoSuchClient {
        client: u32,
    },
    /// The client has an operation outstanding (a Clerk has one at a time).
    KvClientBusy {
        client: u32,
    },
    /// A key longer than `KV_KEY_BYTES_MAX`.
    KvKeyTooLong {
        bytes: usize,
    },
    /// A value longer than `KV_VALUE_BYTES_MAX`.
    KvValueTooLong {
        bytes: usize,
    },
    /// The history holds `KV_HISTORY_MAX` operations already.
    KvHistoryFull,
    /// A key/value client load above `KV_LOAD_PER_SECOND_MAX`.
    KvLoadTooHigh {
        per_second: u32,
    },
}

/// Which network setting is out of range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetError {
    /// A minimum delay above its maximum.
    DelayRange,
    /// A delay above `NetConfig::DELAY_MS_MAX`.
    DelayTooLong,
    /// A loss rate above 1000 permille.
    PermilleOver,
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NetError::DelayRange => "a minimum delay must not exceed its maximum",
            NetError::DelayTooLong => "a delay is longer than NetConfig::DELAY_MS_MAX",
            NetError::PermilleOver => "a loss rate is above 1000 permille",
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Error::*;
        match self {
            ClusterSize { nodes } => write!(f, "a cluster has 1 to {NODES_MAX} nodes, not {nodes}"),
            PersisterCount { nodes, persisters } => {
                write!(f, "{nodes} nodes need {nodes} persisters, not {persisters}")
            }
            Timing(why) => f.write_str(why),
            Network(why) => write!(f, "bad network settings: {why}"),
            NoSuchNode { node, nodes } => {
                write!(f, "there is no node S{} (nodes are S1..S{nodes})", node + 1)
            }
            Crashed { node } => write!(f, "S{} is crashed", node + 1),
            AlreadyCrashed { node } => write!(f, "S{} is already crashed", node + 1),
            LeaderHasNoTimer { node } => {
                write!(f, "S{} is the leader: it has no election timer", node + 1)
            }
            NoElectionTimers => f.write_str(
                "no live node has an election timer (a leader has none, a crashed node neither)",
            ),
            InTwoGroups { node } => write!(f, "S{} appears in more than one group", node + 1),
            NotInFlight { id } => write!(
                f,
                "message {id} is not in flight (it was delivered or dropped already)"
            ),
            LoadTooHigh { per_second } => write!(
                f,
                "a client load is at most {} requests per second, not {per_second}",
                super::LOAD_PER_SECOND_MAX
            ),
            Unrestorable { node, error } => write!(
                f,
                "S{}'s stored raft state cannot be restored: {error}",
                node + 1
            ),
            KvNoSuchClient { client } => write!(
                f,
                "there is no client C{} (clients are C1..C{})",
                u64::from(*client) + 1,
                super::KV_CLIENTS_MAX
            ),
            KvClientBusy { client } => write!(
                f,
                "C{} has an operation outstanding (a Clerk does one at a time)",
                u64::from(*client) + 1
            ),
            KvKeyTooLong { bytes } => write!(
                f,
                "a key is at most {} bytes, not {bytes}",
                super::KV_KEY_BYTES_MAX
            ),
            KvValueTooLong { bytes } => write!(
                f,
                "a value is at most {} bytes, not {bytes}",
                super::KV_VALUE_BYTES_MAX
            ),
            KvLoadTooHigh { per_second } => write!(
                f,
                "a client's load is at most {} operations per second, not {per_second}",
                super::KV_LOAD_PER_SECOND_MAX
            ),
            KvHistoryFull => write!(
                f,
                "the key/value history holds {} operations already, the most it keeps (KV_HISTORY_MAX)",
                super::KV_HISTORY_MAX
            ),
            SnapshotUndecodable { node, error } => {
                write!(
                    f,
                    "S{}'s stored snapshot does not decode: {error}",
                    node + 1
                )
            }
        }
    }
}

/// The text of an `Error`, returned by the method wrappers `wasm/` calls today
/// (`crash`, `restart`, `connect`, `disconnect`, `timeout`, `partition`). New callers use
/// `Simulation::apply` and match on `Error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimError(pub String);

impl From<Error> for SimError {
    fn from(kind: Error) -> SimError {
        SimError(alloc::string::ToString::to_string(&kind))
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
