//! 6.5840 Lab 4's key/value service (kvraft) as a service of the simulated nodes, driven by
//! inputs: `Input::KvOp` starts a client's operation, `Input::KvConnect` sets which servers a
//! client reaches, `Input::KvMaxRaftState` is the servers' `maxraftstate`.
//!
//! Every node holds a `kv::Store` (`NodeSlot::store`) beside the built-in counter and applies
//! each committed command that decodes as a `kv::Command` to it. Each node is a KVServer
//! (`server`: pending requests, replies, stepping down, the wait limit, maxraftstate
//! snapshots); each client is a Clerk (`kv::Clerk`) whose RPCs travel the simulated network
//! with labrpc's fates (`clients`); every operation is recorded (`history`) for the callers'
//! linearizability check (the simulator's own checker stays Raft-only).
//!
//! A run without key/value inputs draws nothing from the PRNG here, records no event and
//! writes the same snapshot bytes as before: old runs, traces and digests are unchanged.

mod clients;
mod history;
pub(super) mod load;
mod server;

pub use clients::{KvClient, KvRpc};
pub use history::{lincheck_history, KvHistoryOp};
pub use load::KV_LOAD_PER_SECOND_MAX;

use super::Simulation;
use crate::core::NodeId;
use crate::vec_map::VecMap;
use alloc::vec::Vec;

/// The most clients a simulation runs (client ids `0..KV_CLIENTS_MAX`).
pub const KV_CLIENTS_MAX: u32 = 32;
/// The longest key an operation may name, in bytes.
pub const KV_KEY_BYTES_MAX: usize = 64;
/// The longest value a Put or Append may carry, in bytes.
pub const KV_VALUE_BYTES_MAX: usize = 4096;
/// How long a server keeps a request pending before it answers "wrong leader", in virtual
/// ms (a leader cut off in a minority never hears of a higher term; 6.5840's Clerk would
/// hang on it otherwise).
pub const KV_SERVER_WAIT_MS: u64 = 1000;
/// The most requests one server keeps pending; one more is answered "wrong leader" at once.
pub const KV_PENDING_MAX: usize = 64;
/// The most operations a run's history holds; `Input::KvOp` is refused beyond.
pub const KV_HISTORY_MAX: usize = 100_000;
/// A Clerk whose attempts failed at every server in a row (no leader now) waits this long,
/// in virtual ms, before the next round (as a 6.5840 Clerk that sleeps after a round; it
/// keeps a leaderless cluster from being flooded, and an instant network from livelock).
pub const KV_ROUND_PAUSE_MS: u64 = 100;
/// labrpc without LongDelays (kvraft's config): a Call to a server it cannot reach fails
/// after a uniform 0..=KV_CALL_FAIL_MS_MAX virtual ms.
pub const KV_CALL_FAIL_MS_MAX: u64 = 99;

/// Which operation a client started (`EventKind::KvCalled`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvOpKind {
    Get,
    Put,
    Append,
}

impl KvOpKind {
    pub fn of(op: &crate::kv::Op) -> KvOpKind {
        match op {
            crate::kv::Op::Get { .. } => KvOpKind::Get,
            crate::kv::Op::Put { .. } => KvOpKind::Put,
            crate::kv::Op::Append { .. } => KvOpKind::Append,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            KvOpKind::Get => "Get",
            KvOpKind::Put => "Put",
            KvOpKind::Append => "Append",
        }
    }
}

/// What a client heard back for one RPC (`EventKind::KvReplied`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvReplyKind {
    /// The server is not the leader, or lost leadership (or waited too long) before the
    /// command committed.
    WrongLeader,
    /// The server applied the command and answered.
    Ok,
    /// labrpc's Call returned false: the request or the reply was lost, or the server was
    /// unreachable or crashed.
    Timeout,
}

impl KvReplyKind {
    pub fn describe(self) -> &'static str {
        match self {
            KvReplyKind::WrongLeader => "wrong leader",
            KvReplyKind::Ok => "ok",
            KvReplyKind::Timeout => "no reply (timeout)",
        }
    }
}

/// The key/value service's state outside the nodes: clients, their RPCs, the history, the
/// servers' pending requests and the maxraftstate setting.
#[derive(Clone, Debug, Default)]
pub(super) struct Kv {
    /// Invariant: sorted by `KvClient::id`, ids distinct and below `KV_CLIENTS_MAX`.
    clients: Vec<KvClient>,
    /// Invariant: `history[i].op_id == i`; at most `KV_HISTORY_MAX`.
    history: Vec<KvHistoryOp>,
    in_flight: VecMap<u64, KvRpc>,
    /// Ids of client RPCs (their own counter: Raft's message ids stay as they were).
    next_rpc_id: u64,
    /// Client requests sent (Raft's `rpc_total` stays Raft-only).
    rpc_total: u64,
    /// 6.5840's maxraftstate (None: never snapshot for it).
    max_raft_state: Option<u64>,
    /// Per node: its pending requests (no entry until a client RPC reaches it), at most
    /// `KV_PENDING_MAX` each; every one was started in the node's log in its `term`.
    pending: Vec<Vec<server::Pending>>,
    /// Per node: `persist_version` when it last snapshotted for maxraftstate (its persister
    /// is stale until the next write).
    snapshot_version: Vec<Option<u64>>,
}

/// The 0-based client whose Clerk tagged `command` (the commands' ids are `client + 1`).
fn client_of(command: &crate::kv::Command) -> u32 {
    u32::try_from(command.client_id.saturating_sub(1)).unwrap_or(u32::MAX)
}

impl Simulation {
    /// `node`'s key/value store (also while crashed: its last state).
    pub fn kv_store(&self, node: NodeId) -> &crate::kv::Store {
        &self.nodes[node].store
    }

    /// The clients so far, by id.
    pub fn kv_clients(&self) -> &[KvClient] {
        &self.kv.clients
    }

    /// Every operation, in call order (`op_id` is the position).
    pub fn kv_history(&self) -> &[KvHistoryOp] {
        &self.kv.history
    }

    /// Client RPCs sent so far (requests; Raft's `rpc_total` does not count them).
    pub fn kv_rpc_total(&self) -> u64 {
        self.kv.rpc_total
    }

    /// Client RPCs on the wire.
    pub fn kv_in_flight(&self) -> impl Iterator<Item = &KvRpc> {
        self.kv.in_flight.values()
    }

    /// The servers' maxraftstate (`Input::KvMaxRaftState`).
    pub fn kv_max_raft_state(&self) -> Option<u64> {
        self.kv.max_raft_state
    }
}
