//! The method API that `wasm/` and the scenario tests call (6.5840's names): each is a thin
//! wrapper over `Simulation::apply`, so nothing bypasses it.

use super::error::SimError;
use super::input::{Input, Outcome};
use super::network::NetConfig;
use super::Simulation;
use crate::core::NodeId;
use alloc::vec::Vec;

impl Simulation {
    /// Start(command) on `node`: Some((index, term)) when it is a live leader.
    pub fn start(&mut self, node: NodeId, command: Vec<u8>) -> Option<(u64, u64)> {
        match self.apply(Input::Request { node, command }) {
            Ok(Outcome::Accepted { index, term }) => Some((index, term)),
            _ => None,
        }
    }

    /// The service on `node` snapshotted through `index` (ignored while it is crashed).
    pub fn snapshot(&mut self, node: NodeId, index: u64, data: Vec<u8>) {
        let _ = self.apply(Input::Snapshot { node, index, data });
    }

    /// Force `node` to start an election now.
    pub fn timeout(&mut self, node: NodeId) -> Result<(), SimError> {
        self.input(Input::Timeout { node })
    }

    pub fn crash(&mut self, node: NodeId) -> Result<(), SimError> {
        self.input(Input::Crash { node })
    }

    pub fn restart(&mut self, node: NodeId) -> Result<(), SimError> {
        self.input(Input::Restart { node })
    }

    pub fn connect(&mut self, node: NodeId) -> Result<(), SimError> {
        self.input(Input::Connect { node })
    }

    pub fn disconnect(&mut self, node: NodeId) -> Result<(), SimError> {
        self.input(Input::Disconnect { node })
    }

    pub fn partition(&mut self, groups: &[Vec<NodeId>]) -> Result<(), SimError> {
        self.input(Input::Partition {
            groups: groups.to_vec(),
        })
    }

    pub fn heal(&mut self) {
        let _ = self.apply(Input::Heal);
    }

    /// Lose the message `id` in flight. Returns false when no such message is in flight.
    pub fn drop_message(&mut self, id: u64) -> bool {
        self.apply(Input::DropMessage { id }).is_ok()
    }

    /// New network settings (ignored when out of range: `NetConfig::validate`).
    pub fn set_net(&mut self, net: NetConfig) {
        let _ = self.apply(Input::SetNetwork { net });
    }

    fn input(&mut self, input: Input) -> Result<(), SimError> {
        self.apply(input).map(|_| ()).map_err(SimError::from)
    }
}
