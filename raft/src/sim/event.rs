//! The one typed event stream that tests, the checker's diagnostics and the page share.

use super::kv::{KvOpKind, KvReplyKind};
use super::rng::Fnv;
use crate::core::{MessageKind, NodeEvent, NodeId, Rule};
use alloc::string::String;
use alloc::vec::Vec;

/// Why a message never arrived (or its reply never came back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// The link was down or the peer crashed when it was sent.
    Unreachable,
    /// Unreliable network: lost before the handler ran.
    RequestLost,
    /// Unreliable network: lost after the handler ran.
    ReplyLost,
    /// The link went down or the receiver was restarted before the reply left.
    ReceiverGone,
    /// The sender crashed or restarted before the reply arrived.
    SenderGone,
    /// Dropped by hand (`drop_message`).
    ByHand,
}

impl DropReason {
    pub fn describe(self) -> &'static str {
        match self {
            DropReason::Unreachable => "unreachable",
            DropReason::RequestLost => "lost in the network",
            DropReason::ReplyLost => "reply lost in the network",
            DropReason::ReceiverGone => "receiver cut off or restarted",
            DropReason::SenderGone => "sender crashed",
            DropReason::ByHand => "dropped by hand",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// Something a node did (election, vote, leadership, commit, snapshot).
    Node {
        node: NodeId,
        event: NodeEvent,
    },
    Sent {
        id: u64,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
        term: u64,
    },
    Delivered {
        id: u64,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
    },
    Dropped {
        id: u64,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
        reason: DropReason,
    },
    /// A command reached a node's service.
    Applied {
        node: NodeId,
        index: u64,
    },
    Crashed {
        node: NodeId,
    },
    Restarted {
        node: NodeId,
    },
    Connected {
        node: NodeId,
    },
    Disconnected {
        node: NodeId,
    },
    Partitioned {
        groups: Vec<Vec<NodeId>>,
    },
    Healed,
    /// An election forced from outside.
    TimedOut {
        node: NodeId,
    },
    /// A client command accepted by the leader `node`, at `index` in `term`. The command
    /// travels with the event, so narrating it later needs no log (the leader may have
    /// crashed or lost the entry by then); the trace digest folds only node, index, term.
    Requested {
        node: NodeId,
        index: u64,
        term: u64,
        command: Vec<u8>,
    },
    /// `rule` was broken (or kept again) on every node (`Input::BreakRule`).
    RuleChanged {
        rule: Rule,
        broken: bool,
    },
    /// The election timers were aligned (`Input::AlignTimers`) or spread
    /// (`Input::SpreadTimers`): each (node, deadline in virtual ms), in firing order.
    TimersSet {
        aligned: bool,
        deadlines: Vec<(NodeId, u64)>,
    },
    /// Key/value client `client` started operation `op_id` (`Input::KvOp`): `kind` on `key`.
    KvCalled {
        client: u32,
        op_id: u64,
        kind: KvOpKind,
        key: String,
    },
    /// The client sent attempt `attempt` of operation `op_id` to `server` (client RPC `id`).
    KvSent {
        id: u64,
        client: u32,
        server: NodeId,
        attempt: u32,
        op_id: u64,
    },
    /// What the client heard back for its RPC `id` to `server` about operation `op_id`.
    KvReplied {
        id: u64,
        client: u32,
        server: NodeId,
        reply: KvReplyKind,
        op_id: u64,
    },
    /// The client's operation `op_id` returned (`output`: a Get's value).
    KvReturned {
        client: u32,
        op_id: u64,
        output: Option<String>,
    },
    /// `node` snapshotted its store through `index` for maxraftstate (`bytes`: the
    /// snapshot's size).
    KvSnapshot {
        node: NodeId,
        index: u64,
        bytes: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimEvent {
    pub time_ms: u64,
    pub kind: EventKind,
}

impl SimEvent {
    /// Folds the event into a trace digest: same seed, same digest, natively and in wasm.
    ///
    /// Refusals (`VoteRefused`, `AppendEntriesRefused`) and a step down's cause are left out:
    /// they follow from the deliveries and states already folded, and leaving them out keeps
    /// the digests of runs recorded before nodes said why.
    pub fn fold(&self, h: &mut Fnv) {
        if let EventKind::Node {
            event: NodeEvent::VoteRefused { .. } | NodeEvent::AppendEntriesRefused { .. },
            ..
        } = self.kind
        {
            return;
        }
        h.u64(self.time_ms);
        match &self.kind {
            EventKind::Node { node, event } => {
                h.u64(1).u64(*node as u64);
                match *event {
                    NodeEvent::ElectionStarted { term } => h.u64(10).u64(term),
                    NodeEvent::VoteGranted { candidate, term } => {
                        h.u64(11).u64(candidate as u64).u64(term)
                    }
                    NodeEvent::BecameLeader { term } => h.u64(12).u64(term),
                    NodeEvent::SteppedDown { term, was, .. } => h.u64(13).u64(term).u64(was as u64),
                    NodeEvent::VoteRefused { .. } | NodeEvent::AppendEntriesRefused { .. } => h,
                    NodeEvent::Committed { index } => h.u64(14).u64(index),
                    NodeEvent::SnapshotTaken { index } => h.u64(15).u64(index),
                    NodeEvent::SnapshotInstalled { index, term } => h.u64(16).u64(index).u64(term),
                    NodeEvent::LogTruncated { from, to, .. } => h.u64(17).u64(from).u64(to),
                };
            }
            EventKind::Sent {
                id,
                from,
                to,
                kind,
                term,
            } => {
                h.u64(2)
                    .u64(*id)
                    .u64(*from as u64)
                    .u64(*to as u64)
                    .u64(*kind as u64)
                    .u64(*term);
            }
            EventKind::Delivered { id, .. } => {
                h.u64(3).u64(*id);
            }
            EventKind::Dropped { id, reason, .. } => {
                h.u64(4).u64(*id).u64(*reason as u64);
            }
            EventKind::Applied { node, index } => {
                h.u64(5).u64(*node as u64).u64(*index);
            }
            EventKind::Crashed { node } => {
                h.u64(6).u64(*node as u64);
            }
            EventKind::Restarted { node } => {
                h.u64(7).u64(*node as u64);
            }
            EventKind::Connected { node } => {
                h.u64(8).u64(*node as u64);
            }
            EventKind::Disconnected { node } => {
                h.u64(9).u64(*node as u64);
            }
            EventKind::Partitioned { groups } => {
                h.u64(20);
                for g in groups {
                    h.u64(g.len() as u64);
                    g.iter().for_each(|&n| {
                        h.u64(n as u64);
                    });
                }
            }
            EventKind::Healed => {
                h.u64(21);
            }
            EventKind::TimedOut { node } => {
                h.u64(22).u64(*node as u64);
            }
            EventKind::Requested {
                node, index, term, ..
            } => {
                h.u64(23).u64(*node as u64).u64(*index).u64(*term);
            }
            EventKind::RuleChanged { rule, broken } => {
                h.u64(24).u64(*rule as u64).u64(*broken as u64);
            }
            EventKind::TimersSet { aligned, deadlines } => {
                h.u64(25).u64(*aligned as u64).u64(deadlines.len() as u64);
                for (node, at) in deadlines {
                    h.u64(*node as u64).u64(*at);
                }
            }
            EventKind::KvCalled {
                client,
                op_id,
                kind,
                key,
            } => {
                h.u64(26)
                    .u64(u64::from(*client))
                    .u64(*op_id)
                    .u64(*kind as u64)
                    .bytes(key.as_bytes());
            }
            EventKind::KvSent {
                id,
                client,
                server,
                attempt,
                op_id,
            } => {
                h.u64(27)
                    .u64(*id)
                    .u64(u64::from(*client))
                    .u64(*server as u64)
                    .u64(u64::from(*attempt))
                    .u64(*op_id);
            }
            EventKind::KvReplied {
                id, server, reply, ..
            } => {
                h.u64(28).u64(*id).u64(*server as u64).u64(*reply as u64);
            }
            EventKind::KvReturned {
                client,
                op_id,
                output,
            } => {
                h.u64(29).u64(u64::from(*client)).u64(*op_id);
                if let Some(v) = output {
                    h.u64(v.len() as u64).bytes(v.as_bytes());
                }
            }
            EventKind::KvSnapshot { node, index, bytes } => {
                h.u64(30).u64(*node as u64).u64(*index).u64(*bytes);
            }
        }
    }
}
