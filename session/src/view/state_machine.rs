//! Each node's state machine beside its log: the last commands it applied (at most
//! `APPLIED_SHOWN_MAX`, so a frame's work does not grow with the log), lastApplied, how many
//! commands its service applied, and the snapshot boundary (lastIncludedIndex /
//! lastIncludedTerm) moving as it compacts; and an InstallSnapshot on its way to it, whose
//! arrival replaces the follower's log up to lastIncludedIndex (narrated as installed).
//! A crashed node shows what its persister holds: the snapshot, nothing applied beyond it.

use crate::ids::shown;
use crate::page::Page;
use crate::view::command_text;
use alloc::string::String;
use alloc::vec::Vec;
use raftlab::core::{Message, PersistentState};
use raftlab::sim::service::StateMachine;
use serde::{Deserialize, Serialize};

/// The most applied commands shown per node.
pub const APPLIED_SHOWN_MAX: usize = 4;

/// As `web/src/api.ts`'s `StateMachineView`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineView {
    pub node: u32,
    pub alive: bool,
    pub last_applied: u64,
    /// Commands the node's service applied (through its snapshot and after it).
    pub applied_count: u64,
    /// lastIncludedIndex / lastIncludedTerm of the node's snapshot (0 when none).
    pub snapshot_index: u64,
    pub snapshot_term: u64,
    /// The last applied commands still in the log, oldest first (at most APPLIED_SHOWN_MAX).
    pub recent: Vec<AppliedCommandView>,
    /// An InstallSnapshot in flight to this node (the latest sent), if any.
    pub installing: Option<InstallingView>,
    /// Its key/value store, when the run has key/value clients (`Page::uses_kv`): the page
    /// shows it instead of the last commands.
    pub kv: Option<crate::view::kv_store::KvStoreView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedCommandView {
    pub index: u64,
    pub term: u64,
    pub command: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallingView {
    /// The leader that sent it (1..n).
    pub from: u32,
    pub last_included_index: u64,
    pub last_included_term: u64,
    pub deliver_ms: u64,
}

impl Page {
    /// Every node's state machine at the moment shown (index = id - 1).
    pub fn state_machines(&self) -> Vec<StateMachineView> {
        let sim = self.sim();
        let mut installing: Vec<Option<InstallingView>> = (0..sim.len()).map(|_| None).collect();
        for m in sim.in_flight() {
            if let Message::InstallSnapshot(a) = &m.message {
                if let Some(slot) = installing.get_mut(m.to) {
                    *slot = Some(InstallingView {
                        from: shown(m.from),
                        last_included_index: a.last_included_index,
                        last_included_term: a.last_included_term,
                        deliver_ms: m.deliver_ms,
                    });
                }
            }
        }
        let kv = self.uses_kv();
        (0..sim.len())
            .zip(installing)
            .map(|(i, installing)| {
                let slot = sim.node(i);
                match sim.raft(i) {
                    Some(raft) => {
                        let log = raft.log();
                        let last = raft.last_applied().min(log.last_index());
                        let from = log
                            .snapshot_index()
                            .max(last.saturating_sub(APPLIED_SHOWN_MAX as u64))
                            + 1;
                        let recent = (from..=last)
                            .filter_map(|index| {
                                log.entry(index).map(|e| AppliedCommandView {
                                    index,
                                    term: e.term,
                                    command: command_text(&e.command),
                                })
                            })
                            .collect();
                        StateMachineView {
                            node: shown(i),
                            alive: true,
                            last_applied: raft.last_applied(),
                            applied_count: slot.service.count,
                            snapshot_index: log.snapshot_index(),
                            snapshot_term: log.snapshot_term(),
                            recent,
                            installing,
                            kv: kv.then(|| self.kv_store(i)),
                        }
                    }
                    None => {
                        let state =
                            PersistentState::decode(slot.persister.raftstate()).unwrap_or_default();
                        let service =
                            StateMachine::decode(slot.persister.snapshot()).unwrap_or_default();
                        StateMachineView {
                            node: shown(i),
                            alive: false,
                            last_applied: state.log.snapshot_index(),
                            applied_count: service.count,
                            snapshot_index: state.log.snapshot_index(),
                            snapshot_term: state.log.snapshot_term(),
                            recent: Vec::new(),
                            installing,
                            kv: kv.then(|| self.kv_store(i)),
                        }
                    }
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn the_snapshot_boundary_moves_and_an_install_snapshot_in_flight_is_shown() {
        let mut p = Page::from_scenario("install-snapshot").unwrap();
        let end = p.travel().end_ms();
        let mut seen_installing = None;
        let mut boundary = 0;
        let mut t = p.now_ms();
        while t <= end {
            p.seek(t);
            for sm in p.state_machines() {
                assert!(sm.recent.len() <= APPLIED_SHOWN_MAX);
                assert!(sm
                    .recent
                    .iter()
                    .all(|c| c.index > sm.snapshot_index && c.index <= sm.last_applied));
                assert!(sm.recent.windows(2).all(|w| w[0].index + 1 == w[1].index));
                boundary = boundary.max(sm.snapshot_index);
                if let Some(i) = &sm.installing {
                    seen_installing.get_or_insert((sm.node, i.clone()));
                }
            }
            t += 1;
        }
        assert!(boundary > 0, "some node compacted its log");
        let (node, install) = seen_installing.expect("an InstallSnapshot was in flight");
        // After it arrives, the follower's snapshot boundary is at least its lastIncludedIndex.
        p.seek(install.deliver_ms);
        let sm = &p.state_machines()[node as usize - 1];
        assert!(sm.snapshot_index >= install.last_included_index, "{sm:?}");
        assert!(sm.last_applied >= install.last_included_index);
        // The event log narrates the arrival: the follower's log is replaced.
        let said = format!("S{node} installed the leader's snapshot");
        assert!(
            p.recent_events().iter().any(
                |e| e.text.starts_with(&said) && e.text.contains("is replaced by the snapshot")
            ),
            "{:?}",
            p.recent_events()
                .iter()
                .map(|e| &e.text)
                .collect::<Vec<_>>()
        );
    }
}
