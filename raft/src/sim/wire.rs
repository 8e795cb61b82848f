//! Messages on the wire: labrpc's fates (delay, loss, unreachable peers, replies lost when the
//! asker became unreachable, void incarnations), delivery, and the RPC and byte counters.

use super::error::Error;
use super::event::{DropReason, EventKind};
use super::queue::Action;
use super::Simulation;
use crate::core::{Message, NodeId};

/// A message on the wire.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub message: Message,
    pub sent_ms: u64,
    pub deliver_ms: u64,
    /// Set when the network already decided the message will not arrive.
    pub doomed: Option<DropReason>,
    /// The sender's incarnation: a reply to this request goes to it, or nowhere.
    from_incarnation: u64,
    to_incarnation: u64,
}

/// Where the replies of a node that handled a request go: their fate (lost when the
/// asker became unreachable while the handler ran) and the asker's incarnation.
#[derive(Clone, Copy, Debug)]
pub(super) struct ReplyRoute {
    fate: Option<DropReason>,
    to_incarnation: u64,
}

impl Simulation {
    /// Put a message on the wire, deciding its fate with labrpc's rules. A reply follows
    /// `route`: it may be doomed already, and it goes to the incarnation that asked.
    pub(super) fn send(
        &mut self,
        from: NodeId,
        to: NodeId,
        message: Message,
        route: Option<ReplyRoute>,
    ) {
        let id = self.next_message_id;
        self.next_message_id += 1;
        let kind = message.kind();
        let (delay, doomed) = if message.is_request() {
            self.rpc_total += 1;
            self.bytes_total += message.encoded_len() as u64;
            self.request_fate(from, to)
        } else {
            self.reply_fate(route)
        };
        let term = message.term();
        let deliver_ms = self.now_ms + delay;
        let to_incarnation = match route {
            Some(r) if !message.is_request() => r.to_incarnation,
            _ => self.nodes[to].incarnation,
        };
        let from_incarnation = self.nodes[from].incarnation;
        self.in_flight.insert(
            id,
            InFlight {
                id,
                from,
                to,
                message,
                sent_ms: self.now_ms,
                deliver_ms,
                doomed,
                from_incarnation,
                to_incarnation,
            },
        );
        self.record(EventKind::Sent {
            id,
            from,
            to,
            kind,
            term,
        });
        self.queue.push(deliver_ms, Action::Deliver { id });
    }

    /// A request's delay and fate: unreachable (after labrpc's long delay, if on), lost, or
    /// on its way.
    fn request_fate(&mut self, from: NodeId, to: NodeId) -> (u64, Option<DropReason>) {
        let net = self.config.net;
        if !self.topology.link(from, to) || self.nodes[to].raft.is_none() {
            let delay = if net.long_delays {
                self.rng.below(7000)
            } else {
                self.rng
                    .between(net.request_delay_ms_min, net.request_delay_ms_max)
            };
            (delay, Some(DropReason::Unreachable))
        } else {
            self.reachable_request_fate()
        }
    }

    /// A request to a reachable peer: its delay, and whether the network loses it (also
    /// the key/value clients' requests).
    pub(super) fn reachable_request_fate(&mut self) -> (u64, Option<DropReason>) {
        let net = self.config.net;
        let delay = self
            .rng
            .between(net.request_delay_ms_min, net.request_delay_ms_max);
        let lost = self.rng.chance_permille(net.drop_request_permille);
        (delay, lost.then_some(DropReason::RequestLost))
    }

    /// A reply's delay (with labrpc's long reordering, if on) and fate (also the key/value
    /// servers' replies, with no route).
    pub(super) fn reply_fate(&mut self, route: Option<ReplyRoute>) -> (u64, Option<DropReason>) {
        let net = self.config.net;
        let lost = self.rng.chance_permille(net.drop_reply_permille);
        let mut delay = self
            .rng
            .between(net.reply_delay_ms_min, net.reply_delay_ms_max);
        if net.long_reordering && self.rng.below(900) < 600 {
            let spread = self.rng.below(2000);
            delay += 200 + self.rng.below(1 + spread);
        }
        let fate = route.and_then(|r| r.fate);
        (delay, fate.or(lost.then_some(DropReason::ReplyLost)))
    }

    /// Lose the message `id` in flight (a message already doomed stays as it was).
    pub(super) fn drop_by_hand(&mut self, id: u64) -> Result<(), Error> {
        let m = self
            .in_flight
            .get_mut(&id)
            .ok_or(Error::NotInFlight { id })?;
        m.doomed.get_or_insert(DropReason::ByHand);
        Ok(())
    }

    pub(super) fn deliver(&mut self, id: u64) {
        let Some(m) = self.in_flight.remove(&id) else {
            return;
        };
        let kind = m.message.kind();
        let (from, to) = (m.from, m.to);
        let is_request = m.message.is_request();
        let reason = if let Some(reason) = m.doomed {
            Some(reason)
        } else if self.nodes[to].incarnation != m.to_incarnation || self.nodes[to].raft.is_none() {
            // Only the incarnation a message was sent to may see it.
            Some(if is_request {
                DropReason::ReceiverGone
            } else {
                DropReason::SenderGone
            })
        } else {
            None
        };
        if !is_request
            && reason != Some(DropReason::ReplyLost)
            && reason != Some(DropReason::ReceiverGone)
            && reason != Some(DropReason::ByHand)
        {
            self.bytes_total += m.message.encoded_len() as u64; // labrpc counts delivered replies.
        }
        if let Some(reason) = reason {
            self.record(EventKind::Dropped {
                id,
                from,
                to,
                kind,
                reason,
            });
            return;
        }
        if is_request {
            self.nodes[to].rpc_count += 1;
        }
        self.record(EventKind::Delivered { id, from, to, kind });
        let now = self.now_ms;
        let raft = self.nodes[to].raft.as_mut().expect("checked alive");
        raft.tick(now);
        raft.step(now, from, m.message);
        // labrpc checks, after the handler ran, that the server is still reachable; if not,
        // the reply is lost though the handler's effects stay.
        let route = is_request.then(|| ReplyRoute {
            fate: (!self.topology.link(from, to)).then_some(DropReason::ReceiverGone),
            to_incarnation: m.from_incarnation,
        });
        self.after_step_with(to, route);
    }
}
