//! What a node's service does with each ApplyMsg: the built-in state machine applies it and
//! snapshots every `SimConfig::snapshot_every` commands; with `collect_applies`, the caller's
//! service (the lab harness's appliers) receives it instead of being checked here.

use super::event::EventKind;
use super::service::StateMachine;
use super::Simulation;
use crate::core::{ApplyMsg, NodeId};

impl Simulation {
    pub(super) fn apply_to_service(&mut self, node: NodeId, apply: ApplyMsg) {
        match &apply {
            ApplyMsg::Command { index, command } => {
                self.nodes[node].service.apply(*index, command);
                self.record(EventKind::Applied {
                    node,
                    index: *index,
                });
                self.snapshot_if_due(node, *index);
            }
            ApplyMsg::Snapshot { data, .. } => {
                // Snapshots come from this simulation's own services, so they decode; one
                // that did not would leave the service as it was.
                if let Ok(state) = StateMachine::decode(data) {
                    self.nodes[node].service = state;
                }
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
        let service = self.nodes[node].service;
        if every > 0 && service.count.is_multiple_of(every) {
            let raft = self.nodes[node].raft.as_mut().expect("alive");
            raft.snapshot(index, service.encode());
        }
    }
}
