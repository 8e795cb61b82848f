//! Server slots and their lifecycle (boot, crash, restart, incarnations), and the Ready pump
//! that drains what a node produced after each step: persist, send, check, apply.

use super::error::Error;
use super::event::EventKind;
use super::queue::Action;
use super::rng::mix;
use super::service::StateMachine;
use super::wire::ReplyRoute;
use super::Simulation;
use crate::core::{NodeId, Persister, Raft, Ready};

/// One server slot: the live Raft (None while crashed) and what survives a crash.
#[derive(Clone, Debug)]
pub struct NodeSlot {
    pub raft: Option<Raft>,
    /// Bumped at every crash and restart: messages to or from an old incarnation are void.
    pub incarnation: u64,
    pub persister: Persister,
    pub service: StateMachine,
    /// The key/value store (Lab 4), applied from the same committed entries as `service`.
    pub store: crate::kv::Store,
    /// RPCs that reached this incarnation's handler (6.5840's rpcCount).
    pub rpc_count: u64,
    /// The time of the Timer action queued for this node (stale ones are skipped).
    pub(super) timer_at: Option<u64>,
}

impl NodeSlot {
    /// A crashed slot holding `persister`: `boot` brings it up.
    pub(super) fn down(persister: Persister) -> NodeSlot {
        NodeSlot {
            raft: None,
            incarnation: 0,
            persister,
            service: StateMachine::default(),
            store: crate::kv::Store::new(),
            rpc_count: 0,
            timer_at: None,
        }
    }
}

impl Simulation {
    pub(super) fn check_node(&self, node: NodeId) -> Result<(), Error> {
        if node < self.nodes.len() {
            Ok(())
        } else {
            Err(Error::NoSuchNode {
                node,
                nodes: self.nodes.len(),
            })
        }
    }

    /// The live Raft of `node`, or why there is none.
    pub(super) fn live_raft(&mut self, node: NodeId) -> Result<&mut Raft, Error> {
        self.check_node(node)?;
        self.nodes[node]
            .raft
            .as_mut()
            .ok_or(Error::Crashed { node })
    }

    /// Start `node` from its persister. `restoring`: the whole cluster is being brought back
    /// from storage, so the checker takes the stored snapshots as committed.
    pub(super) fn boot(&mut self, node: NodeId, restoring: bool) -> Result<(), Error> {
        let slot = &mut self.nodes[node];
        slot.incarnation += 1;
        slot.rpc_count = 0;
        let seed = mix(self.config.seed ^ mix(((node as u64) << 32) | slot.incarnation));
        let mut raft = Raft::new(
            node,
            self.config.nodes,
            &slot.persister,
            self.config.timing,
            seed,
            self.now_ms,
        )
        .map_err(|error| Error::Unrestorable { node, error })?;
        raft.set_broken_rules(self.broken_rules.of_core());
        let (service, store) = StateMachine::decode_with_store(slot.persister.snapshot())
            .map_err(|error| Error::SnapshotUndecodable { node, error })?;
        slot.service = service;
        slot.store = store;
        if restoring {
            self.checker.trust_restored(&raft);
        }
        let service = (!self.config.collect_applies).then_some(&slot.service);
        self.checker.on_restart(node, &raft, service);
        slot.raft = Some(raft);
        self.after_step(node);
        Ok(())
    }

    /// Kill `node`. Its persister keeps what it saved last; nothing of the dead incarnation
    /// can write or send again.
    pub(super) fn crash_node(&mut self, node: NodeId) -> Result<(), Error> {
        self.check_node(node)?;
        if self.nodes[node].raft.take().is_none() {
            return Err(Error::AlreadyCrashed { node });
        }
        self.nodes[node].incarnation += 1;
        self.nodes[node].timer_at = None;
        self.checker
            .on_crash(node, self.nodes[node].persister.raftstate());
        self.record(EventKind::Crashed { node });
        self.kv_server_crashed(node);
        Ok(())
    }

    /// Start `node` again from its persister (crashing it first if it is alive).
    pub(super) fn restart_node(&mut self, node: NodeId) -> Result<(), Error> {
        self.check_node(node)?;
        if self.nodes[node].raft.is_some() {
            self.crash_node(node)?;
        }
        self.boot(node, false)?;
        self.record(EventKind::Restarted { node });
        Ok(())
    }

    /// Every node crashes (the live ones), then every node starts from its persister alone:
    /// what Lab 3C's persistence tests do to a whole cluster.
    pub(super) fn restart_all_from_disk(&mut self) -> Result<(), Error> {
        for node in 0..self.nodes.len() {
            if self.nodes[node].raft.is_some() {
                self.crash_node(node)?;
            }
        }
        for node in 0..self.nodes.len() {
            self.boot(node, false)?;
            self.record(EventKind::Restarted { node });
        }
        Ok(())
    }

    pub(super) fn fire_timer(&mut self, node: NodeId, time: u64) {
        let slot = &mut self.nodes[node];
        if slot.timer_at != Some(time) {
            return; // Superseded by a later deadline.
        }
        slot.timer_at = None;
        if let Some(raft) = slot.raft.as_mut() {
            raft.tick(time);
            self.after_step(node);
        }
    }

    /// Drain what `node` produced: persist, then send, then check safety, then apply; re-arm
    /// its timer.
    pub(super) fn after_step(&mut self, node: NodeId) {
        self.after_step_with(node, None);
    }

    /// As `after_step`, for a node that handled a request: its replies follow `route`.
    pub(super) fn after_step_with(&mut self, node: NodeId, route: Option<ReplyRoute>) {
        let Some(raft) = self.nodes[node].raft.as_mut() else {
            return;
        };
        let ready: Ready = raft.ready();
        let deadline = raft.next_deadline_ms().max(self.now_ms);
        if let Some(update) = ready.persist {
            let slot = &mut self.nodes[node];
            if !slot.persister.update(&update) {
                let state = slot
                    .raft
                    .as_ref()
                    .expect("the node that produced the Ready is alive")
                    .encode_persistent_state();
                slot.persister.save(state.into(), update.snapshot);
            }
            self.persist_version += 1;
        }
        for out in ready.messages {
            self.send(node, out.to, out.message, route);
        }
        for event in &ready.events {
            self.record(EventKind::Node {
                node,
                event: event.clone(),
            });
        }
        // Check before applying: the service's snapshot would compact entries the checker
        // must see.
        self.checker
            .after_step(&self.nodes, node, ready.log_changed_from, &ready.events);
        for apply in ready.applies {
            self.apply_to_service(node, apply);
        }
        // A server that stopped leading (or changed term) answers its pending requests.
        self.kv_check_leading(node);
        // Snapshots taken by the service above may have produced more to persist.
        if self.nodes[node]
            .raft
            .as_ref()
            .is_some_and(|r| r.has_ready())
        {
            self.after_step(node);
            return;
        }
        if self.nodes[node].timer_at != Some(deadline) {
            self.nodes[node].timer_at = Some(deadline);
            self.queue.push(deadline, Action::Timer { node });
        }
    }
}
