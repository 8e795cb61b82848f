//! The clients: one `kv::Clerk` each, its RPCs on the simulated wire with labrpc's fates
//! (kvraft's config: no LongDelays, so a Call to a server it cannot reach fails after
//! 0..=`KV_CALL_FAIL_MS_MAX` ms), and what it does with each response.

use super::{KvHistoryOp, KvOpKind, KvReplyKind, KV_CALL_FAIL_MS_MAX, KV_CLIENTS_MAX};
use super::{KV_HISTORY_MAX, KV_KEY_BYTES_MAX, KV_ROUND_PAUSE_MS, KV_VALUE_BYTES_MAX};
use crate::core::NodeId;
use crate::kv::{Clerk, Command, Op, Outcome, Reply, Response, Send};
use crate::sim::error::Error;
use crate::sim::event::{DropReason, EventKind};
use crate::sim::queue::Action;
use crate::sim::Simulation;
use alloc::vec::Vec;
use core::num::NonZeroUsize;

/// One client (6.5840's Clerk with its ends to the servers).
#[derive(Clone, Debug)]
pub struct KvClient {
    /// 0-based (the commands' client id is `id + 1`; the page says C1 for 0).
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
    /// A retry waiting out `KV_ROUND_PAUSE_MS` (every server failed once in a row).
    pub(super) resend: Option<Send>,
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
        let at = self.kv_client_index(client)?;
        if self
            .kv
            .clients
            .get(at)
            .is_some_and(|c| c.id == client && c.pending.is_some())
        {
            return Err(Error::KvClientBusy { client });
        }
        if self.kv.history.len() >= KV_HISTORY_MAX {
            return Err(Error::KvHistoryFull);
        }
        // Nothing refuses from here on: a refused input changes nothing.
        let at = self.kv_client(client);
        let op_id = self.kv.history.len() as u64;
        let c = &mut self.kv.clients[at];
        let Ok(send) = c.clerk.start(op.clone()) else {
            unreachable!("checked: the client has no operation outstanding")
        };
        c.pending = Some((op_id, op.clone()));
        c.attempts = c.clerk.attempts();
        let kind = KvOpKind::of(&op);
        let key = send.command.key().into();
        self.kv.history.push(KvHistoryOp {
            op_id,
            client,
            call_ms: self.now_ms,
            call_actions: self.queue.actions_total(),
            return_ms: None,
            op,
            output: None,
        });
        self.record(EventKind::KvCalled {
            client,
            op_id,
            kind,
            key,
        });
        self.kv_send(at, send, op_id);
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
        self.kv_client_index(client)?;
        let at = self.kv_client(client);
        let connected = &mut self.kv.clients[at].connected;
        connected.iter_mut().for_each(|c| *c = false);
        for s in servers {
            connected[s] = true;
        }
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

    /// The index of client `client` (below `KV_CLIENTS_MAX`), created with ends to every
    /// server if new.
    fn kv_client(&mut self, client: u32) -> usize {
        match self.kv.clients.binary_search_by_key(&client, |c| c.id) {
            Ok(at) => at,
            Err(at) => {
                let servers = NonZeroUsize::new(self.nodes.len()).unwrap_or(NonZeroUsize::MIN);
                let clerk = Clerk::new(u64::from(client) + 1, servers);
                self.kv.clients.insert(
                    at,
                    KvClient {
                        id: client,
                        pending: None,
                        attempts: 0,
                        leader_guess: clerk.leader(),
                        connected: alloc::vec![true; self.nodes.len()],
                        ops_done: 0,
                        clerk,
                        resend: None,
                    },
                );
                at
            }
        }
    }

    /// Client number `at` (an index in `kv.clients`) sends `send` (labrpc's Call): it fails
    /// after 0..=`KV_CALL_FAIL_MS_MAX` ms when the client's end does not reach the server,
    /// the server is crashed or off the network; else it has the network's request fate.
    fn kv_send(&mut self, at: usize, send: Send, op_id: u64) {
        let c = &self.kv.clients[at];
        let (client, attempt, server) = (c.id, c.clerk.attempts(), send.server);
        let reachable = c.connected[server]
            && self.nodes[server].raft.is_some()
            && self.topology.is_connected(server);
        let (delay, doomed) = if reachable {
            self.reachable_request_fate()
        } else {
            (
                self.rng.below(KV_CALL_FAIL_MS_MAX + 1),
                Some(DropReason::Unreachable),
            )
        };
        let id = self.kv_rpc_id();
        self.kv.rpc_total += 1;
        let deliver_ms = self.now_ms + delay;
        self.kv.in_flight.insert(
            id,
            KvRpc {
                id,
                client,
                server,
                request: true,
                sent_ms: self.now_ms,
                deliver_ms,
                doomed,
                command: send.command,
                response: None,
                op_id,
                server_incarnation: self.nodes[server].incarnation,
            },
        );
        self.record(EventKind::KvSent {
            id,
            client,
            server,
            attempt,
            op_id,
        });
        self.queue.push(deliver_ms, Action::KvDeliver { id });
    }

    /// The next client RPC id (a counter of its own: Raft's message ids are unchanged).
    pub(super) fn kv_rpc_id(&mut self) -> u64 {
        self.kv.next_rpc_id += 1;
        self.kv.next_rpc_id
    }

    /// A client RPC `id` arrives (or its Call fails).
    pub(in crate::sim) fn kv_deliver(&mut self, id: u64) {
        let Some(rpc) = self.kv.in_flight.remove(&id) else {
            return;
        };
        if !rpc.request {
            let response = match (rpc.doomed, rpc.response) {
                (None, Some(response)) => response,
                _ => Response::Timeout,
            };
            self.kv_response(&rpc.command, rpc.id, rpc.server, rpc.op_id, response);
            return;
        }
        let alive = self.nodes[rpc.server].raft.is_some()
            && self.nodes[rpc.server].incarnation == rpc.server_incarnation;
        if rpc.doomed.is_some() || !alive {
            // labrpc's Call returns false: lost on the way, unreachable, or the server died.
            self.kv_response(
                &rpc.command,
                rpc.id,
                rpc.server,
                rpc.op_id,
                Response::Timeout,
            );
            return;
        }
        self.kv_handle(rpc);
    }

    /// The client of `command` hears `response` from `server` for its RPC `rpc_id`.
    pub(super) fn kv_response(
        &mut self,
        command: &Command,
        rpc_id: u64,
        server: NodeId,
        op_id: u64,
        response: Response,
    ) {
        let client = super::client_of(command);
        self.record(EventKind::KvReplied {
            id: rpc_id,
            client,
            server,
            reply: match response {
                Response::Ok(_) => KvReplyKind::Ok,
                Response::WrongLeader => KvReplyKind::WrongLeader,
                Response::Timeout => KvReplyKind::Timeout,
            },
            op_id,
        });
        let Ok(at) = self.kv.clients.binary_search_by_key(&client, |c| c.id) else {
            return;
        };
        let c = &mut self.kv.clients[at];
        let outcome = c.clerk.on_response(server, command.seq, response);
        c.leader_guess = c.clerk.leader();
        c.attempts = c.clerk.attempts();
        match outcome {
            Outcome::Ignored => {}
            Outcome::Done(reply) => {
                let Some((op_id, _)) = c.pending.take() else {
                    return;
                };
                c.ops_done += 1;
                let output = match reply {
                    Reply::Value(v) => Some(v),
                    Reply::Done => None,
                };
                if let Some(h) = usize::try_from(op_id)
                    .ok()
                    .and_then(|i| self.kv.history.get_mut(i))
                {
                    h.return_ms = Some(self.now_ms);
                    h.output.clone_from(&output);
                }
                self.record(EventKind::KvReturned {
                    client,
                    op_id,
                    output,
                });
            }
            Outcome::Retry(send) => {
                let servers = self.nodes.len() as u32;
                if (c.attempts - 1).is_multiple_of(servers) {
                    // Every server failed once in a row (no leader now): pause, as a Clerk
                    // that sleeps after a round does, so a leaderless cluster is not flooded.
                    c.resend = Some(send);
                    self.queue
                        .push(self.now_ms + KV_ROUND_PAUSE_MS, Action::KvResend { client });
                } else {
                    self.kv_send(at, send, op_id);
                }
            }
        }
    }

    /// Client `client`'s pause after a round of failures is over: it retries.
    pub(in crate::sim) fn kv_resend(&mut self, client: u32) {
        let Ok(at) = self.kv.clients.binary_search_by_key(&client, |c| c.id) else {
            return;
        };
        let c = &mut self.kv.clients[at];
        let (Some(send), Some((op_id, _))) = (c.resend.take(), c.pending.as_ref()) else {
            return;
        };
        let op_id = *op_id;
        self.kv_send(at, send, op_id);
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
