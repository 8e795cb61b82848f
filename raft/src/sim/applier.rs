//! What a node's service does with each ApplyMsg: the built-in state machine applies it (and
//! the key/value store, when it is a client's command) and snapshots every
//! `SimConfig::snapshot_every` commands; with `collect_applies`, the caller's
//! service (the lab harness's appliers) receives it instead of being checked here.

use super::event::EventKind;
use super::service::StateMachine;
use super::Simulation;
use crate::core::{ApplyMsg, NodeId, Rule};
use crate::kv::Command;

impl Simulation {
    pub(super) fn apply_to_service(&mut self, node: NodeId, apply: ApplyMsg) {
        match &apply {
            ApplyMsg::Command { index, command } => {
                self.nodes[node].service.apply(*index, command);
                // A command of a key/value client reaches the store too; other bytes (the
                // page's requests, the client load) leave it alone.
                let kv = Command::decode(command).ok().map(|c| {
                    let filter = !self.broken_rules.is_broken(Rule::FilterDuplicates);
                    let applied = self.nodes[node].store.apply_filtering(&c, filter);
                    (c, applied)
                });
                self.record(EventKind::Applied {
                    node,
                    index: *index,
                });
                self.kv_applied(node, *index, kv);
                self.snapshot_if_due(node, *index);
            }
            ApplyMsg::Snapshot { data, index, .. } => {
                // Snapshots come from this simulation's own services, so they decode; one
                // that did not would leave the service as it was.
                if let Ok((state, store)) = StateMachine::decode_with_store(data) {
                    self.nodes[node].service = state;
                    self.nodes[node].store = store;
                }
                self.kv_installed(node, *index);
            }
        }
        // The simulation's own service is checked too, unless the caller is the service.
        let service = (!self.config.collect_applies).then_some(&self.nodes[node].service);
        self.checker.on_apply(node, &apply, service);
        if self.config.collect_applies {
            self.applies.push((node, apply));
        }
    }

    /// The snapshot policy: every `snapshot_every` applied commands, through `index`.
    fn snapshot_if_due(&mut self, node: NodeId, index: u64) {
        let Some(every) = self.config.snapshot_every else {
            return;
        };
        let slot = &mut self.nodes[node];
        if every > 0 && slot.service.count.is_multiple_of(every) {
            let data = slot.service.snapshot(&slot.store);
            let raft = slot.raft.as_mut().expect("alive");
            raft.snapshot(index, data);
        }
    }
}
