//! Each node as a labrpc KVServer: a client request reaching a leader is started in its log
//! and waits, pending, until the server applies that index (its own command: the answer;
//! another command: "wrong leader"), the server's term changes or it stops leading ("wrong
//! leader"), or `KV_SERVER_WAIT_MS` pass ("wrong leader"). And 6.5840's maxraftstate: a
//! server snapshots its store once Raft's state nears it.

use crate::core::NodeId;
use crate::sim::Simulation;

/// A request started in a leader's log, waiting for that index to be applied.
#[derive(Clone, Debug)]
pub(in crate::sim) struct Pending {
    /// The client RPC it arrived in (the reply answers it).
    pub rpc_id: u64,
    pub index: u64,
    pub term: u64,
    pub client: u32,
    pub seq: u64,
    /// When the server gives up on it (`KV_SERVER_WAIT_MS` after it arrived).
    pub deadline_ms: u64,
}

impl Simulation {
    /// `Input::KvMaxRaftState`.
    pub(in crate::sim) fn kv_set_max_raft_state(&mut self, bytes: Option<u64>) {
        self.kv.max_raft_state = bytes;
    }

    /// A server's wait for a pending request ran out.
    pub(in crate::sim) fn kv_wait_over(&mut self, node: NodeId, rpc_id: u64) {
        let _ = (node, rpc_id);
    }
}
