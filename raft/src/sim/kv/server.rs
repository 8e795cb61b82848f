//! Each node as a labrpc KVServer: a client request reaching a leader is started in its log
//! and waits, pending, until the server applies that index (its own command: the answer;
//! another command: "wrong leader"), the server's term changes or it stops leading ("wrong
//! leader"), or `KV_SERVER_WAIT_MS` pass ("wrong leader"). A server that crashes fails its
//! pending Calls (labrpc: the server is dead). And 6.5840's maxraftstate: a server snapshots
//! its store once Raft's state nears it.

use super::clients::KvRpc;
use super::{client_of, KV_PENDING_MAX, KV_SERVER_WAIT_MS};
use crate::core::{NodeId, Role};
use crate::kv::{Applied, Command, Reply, Response};
use crate::sim::event::{DropReason, EventKind};
use crate::sim::queue::Action;
use crate::sim::Simulation;
use alloc::vec::Vec;

/// A request a server answers: the client RPC it arrived in (the reply keeps its id), the
/// history entry it is about, its command.
#[derive(Clone, Debug)]
pub(in crate::sim) struct Asked {
    pub rpc_id: u64,
    pub op_id: u64,
    pub command: Command,
}

/// A request started in a leader's log at `index` in `term`, waiting for that index to be
/// applied.
#[derive(Clone, Debug)]
pub(in crate::sim) struct Pending {
    pub asked: Asked,
    pub index: u64,
    pub term: u64,
}

impl Simulation {
    /// `Input::KvMaxRaftState`.
    pub(in crate::sim) fn kv_set_max_raft_state(&mut self, bytes: Option<u64>) {
        self.kv.max_raft_state = bytes;
    }

    /// A client request reached the live server `rpc.server` (KVServer's handler).
    pub(super) fn kv_handle(&mut self, rpc: KvRpc) {
        let node = rpc.server;
        let now = self.now_ms;
        let pending = self.kv.pending.get(node).map_or(0, Vec::len);
        let Some(raft) = self.nodes[node].raft.as_mut() else {
            return;
        };
        raft.tick(now);
        let started = if raft.role() == Role::Leader && pending < KV_PENDING_MAX {
            raft.start(rpc.command.encode())
        } else {
            None
        };
        let asked = Asked {
            rpc_id: rpc.id,
            op_id: rpc.op_id,
            command: rpc.command,
        };
        let Some((index, term)) = started else {
            self.after_step(node);
            self.kv_reply(node, asked, Response::WrongLeader);
            return;
        };
        self.record(EventKind::Requested {
            node,
            index,
            term,
            command: asked.command.encode(),
        });
        if self.kv.pending.len() < self.nodes.len() {
            self.kv.pending.resize_with(self.nodes.len(), Vec::new);
        }
        // Pending before the Ready is drained: a one-node cluster commits at once.
        let rpc_id = asked.rpc_id;
        self.kv.pending[node].push(Pending { asked, index, term });
        self.queue
            .push(now + KV_SERVER_WAIT_MS, Action::KvWait { node, rpc_id });
        self.after_step(node);
    }

    /// `node` answers `asked`: the reply goes back on the wire (lost when the network loses
    /// it, or when the client's end or the server was cut off while the handler ran: labrpc
    /// then returns false).
    fn kv_reply(&mut self, node: NodeId, asked: Asked, response: Response) {
        let client = client_of(&asked.command);
        let (delay, lost) = self.reply_fate(None);
        let cut_off = !self.topology.is_connected(node)
            || !self
                .kv
                .clients
                .binary_search_by_key(&client, |c| c.id)
                .is_ok_and(|at| self.kv.clients[at].connected[node]);
        let doomed = if cut_off {
            Some(DropReason::ReceiverGone)
        } else {
            lost
        };
        self.kv_put_reply(node, asked, response, delay, doomed);
    }

    /// The reply to `asked` from `node` on the wire, arriving after `delay` (or its Call
    /// failing then, when `doomed`).
    fn kv_put_reply(
        &mut self,
        node: NodeId,
        asked: Asked,
        response: Response,
        delay: u64,
        doomed: Option<DropReason>,
    ) {
        let Asked {
            rpc_id,
            op_id,
            command,
        } = asked;
        let client = client_of(&command);
        let deliver_ms = self.now_ms + delay;
        // The reply keeps its request's id: the client's events name one RPC.
        self.kv.in_flight.insert(
            rpc_id,
            KvRpc {
                id: rpc_id,
                client,
                server: node,
                request: false,
                sent_ms: self.now_ms,
                deliver_ms,
                doomed,
                command,
                response: Some(response),
                op_id,
                server_incarnation: self.nodes[node].incarnation,
            },
        );
        self.queue
            .push(deliver_ms, Action::KvDeliver { id: rpc_id });
    }

    /// `node` applied `index`; `kv` is the key/value command there and what applying it did
    /// (None: not a client's command). A pending request at `index` is answered.
    pub(in crate::sim) fn kv_applied(
        &mut self,
        node: NodeId,
        index: u64,
        kv: Option<(Command, Applied)>,
    ) {
        if let Some(pending) = self.kv.pending.get_mut(node) {
            if let Some(at) = pending.iter().position(|p| p.index == index) {
                let p = pending.swap_remove(at);
                let response = match kv {
                    Some((c, applied)) if c == p.asked.command => match applied {
                        Applied::Fresh(reply) | Applied::Duplicate(reply) => Response::Ok(reply),
                        // The Clerk has moved on; nobody reads this.
                        Applied::Stale => Response::Ok(Reply::Done),
                        // Refused the same way on every server: it never takes effect.
                        Applied::Refused(_) => Response::WrongLeader,
                    },
                    // Another command at its index: this server lost leadership meanwhile.
                    _ => Response::WrongLeader,
                };
                self.kv_reply(node, p.asked, response);
            }
        }
        self.kv_snapshot_if_due(node, index);
    }

    /// `node` installed a snapshot through `index`: requests pending at or below it will not
    /// be applied here one by one, so they are answered "wrong leader" (the Clerk retries;
    /// its duplicate is filtered).
    pub(in crate::sim) fn kv_installed(&mut self, node: NodeId, index: u64) {
        self.kv_answer_pending(node, |p| p.index <= index);
    }

    /// After `node`'s step: if it no longer leads in the term its requests were started in,
    /// they are answered "wrong leader".
    pub(in crate::sim) fn kv_check_leading(&mut self, node: NodeId) {
        if self.kv.pending.get(node).is_none_or(Vec::is_empty) {
            return;
        }
        let (term, leads) = self.nodes[node]
            .raft
            .as_ref()
            .map_or((0, false), |r| (r.current_term(), r.role() == Role::Leader));
        self.kv_answer_pending(node, |p| !leads || p.term != term);
    }

    /// Answer "wrong leader" to `node`'s pending requests that `which` picks, oldest first.
    fn kv_answer_pending(&mut self, node: NodeId, which: impl Fn(&Pending) -> bool) {
        let Some(pending) = self.kv.pending.get_mut(node) else {
            return;
        };
        let (answered, kept): (Vec<Pending>, Vec<Pending>) =
            core::mem::take(pending).into_iter().partition(|p| which(p));
        *pending = kept;
        for p in answered {
            self.kv_reply(node, p.asked, Response::WrongLeader);
        }
    }

    /// `node` crashed: its pending Calls fail now (labrpc: the server is dead).
    pub(in crate::sim) fn kv_server_crashed(&mut self, node: NodeId) {
        let Some(pending) = self.kv.pending.get_mut(node) else {
            return;
        };
        for p in core::mem::take(pending) {
            let doomed = Some(DropReason::SenderGone);
            self.kv_put_reply(node, p.asked, Response::Timeout, 0, doomed);
        }
    }

    /// A server's wait for a pending request ran out: "wrong leader".
    pub(in crate::sim) fn kv_wait_over(&mut self, node: NodeId, rpc_id: u64) {
        self.kv_answer_pending(node, |p| p.asked.rpc_id == rpc_id);
    }

    /// maxraftstate: once `node`'s persisted Raft state reaches 9/10 of it after applying
    /// `index`, the server snapshots through `index` (its store with the duplicate table,
    /// after the counter's state). Not again until that snapshot is persisted.
    fn kv_snapshot_if_due(&mut self, node: NodeId, index: u64) {
        let Some(max) = self.kv.max_raft_state else {
            return;
        };
        if self.kv.snapshot_version.len() < self.nodes.len() {
            self.kv.snapshot_version.resize(self.nodes.len(), None);
        }
        // The persister still holds the state from before a snapshot taken since the last
        // write: wait for that write.
        if self.kv.snapshot_version[node] == Some(self.persist_version) {
            return;
        }
        let slot = &mut self.nodes[node];
        let Some(raft) = slot.raft.as_mut() else {
            return;
        };
        let threshold = max.saturating_mul(9) / 10;
        let size = slot.persister.raftstate().len() as u64;
        if size < threshold || index <= raft.log().snapshot_index() {
            return;
        }
        let data = slot.service.snapshot(&slot.store);
        let bytes = data.len() as u64;
        raft.snapshot(index, data);
        self.kv.snapshot_version[node] = Some(self.persist_version);
        self.record(EventKind::KvSnapshot { node, index, bytes });
    }
}
