//! tikv's raft-rs (crate `raft` 0.7) behind the harness: `RawNode` over `MemStorage`, each
//! `Ready` handled in the order its documentation gives: messages, snapshot, committed
//! entries, entries, hard state, persisted messages, advance, then the light ready's commit
//! index, messages and committed entries, and `advance_apply`.

use crate::harness::{Applied, Cluster};
use raft::eraftpb::{ConfState, Entry, EntryType, Message};
use raft::storage::MemStorage;
use raft::{Config, RawNode, Storage};
use std::collections::VecDeque;

pub struct RaftRsCluster {
    nodes: Vec<RawNode<MemStorage>>,
    applied: Vec<Applied>,
    fifo: VecDeque<Message>,
    size: usize,
}

impl RaftRsCluster {
    pub fn new(nodes: usize, size: usize) -> RaftRsCluster {
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        let voters: Vec<u64> = (1..=nodes as u64).collect();
        let rafts = (1..=nodes as u64)
            .map(|id| {
                let config = Config {
                    id,
                    election_tick: 10,
                    heartbeat_tick: 3,
                    // As raftlab's ENTRIES_PER_MESSAGE_MAX bounds messages in entries, raft-rs
                    // bounds them in bytes; 1 MiB and 256 in flight, as in TiKV's defaults.
                    max_size_per_msg: 1024 * 1024,
                    max_inflight_msgs: 256,
                    ..Config::default()
                };
                let storage =
                    MemStorage::new_with_conf_state(ConfState::from((voters.clone(), vec![])));
                RawNode::new(&config, storage, &logger).expect("a valid config")
            })
            .collect();
        RaftRsCluster {
            nodes: rafts,
            applied: vec![Applied::default(); nodes],
            fifo: VecDeque::new(),
            size,
        }
    }

    fn apply(&mut self, node: usize, entries: Vec<Entry>) {
        for entry in entries {
            // The leader's empty entry of its term, and configuration changes, are not commands.
            if entry.get_entry_type() == EntryType::EntryNormal && !entry.data.is_empty() {
                self.applied[node].apply(&entry.data, self.size);
            }
        }
    }

    fn handle_ready(&mut self, node: usize) {
        if !self.nodes[node].has_ready() {
            return;
        }
        let mut ready = self.nodes[node].ready();
        self.fifo.extend(ready.take_messages());
        if !ready.snapshot().is_empty() {
            let snapshot = ready.snapshot().clone();
            self.nodes[node]
                .mut_store()
                .wl()
                .apply_snapshot(snapshot)
                .expect("a newer snapshot");
        }
        let committed = ready.take_committed_entries();
        self.apply(node, committed);
        if !ready.entries().is_empty() {
            let store = self.nodes[node].mut_store().clone();
            store.wl().append(ready.entries()).expect("appendable");
        }
        if let Some(hs) = ready.hs() {
            let hs = hs.clone();
            self.nodes[node].mut_store().wl().set_hardstate(hs);
        }
        self.fifo.extend(ready.take_persisted_messages());
        let mut light = self.nodes[node].advance(ready);
        if let Some(commit) = light.commit_index() {
            self.nodes[node]
                .mut_store()
                .wl()
                .mut_hard_state()
                .set_commit(commit);
        }
        self.fifo.extend(light.take_messages());
        let committed = light.take_committed_entries();
        self.apply(node, committed);
        self.nodes[node].advance_apply();
    }

    fn handle_all_ready(&mut self) {
        for node in 0..self.nodes.len() {
            self.handle_ready(node);
        }
    }
}

impl Cluster for RaftRsCluster {
    fn elect(&mut self) {
        self.nodes[0].campaign().expect("campaign");
        self.handle_ready(0);
        self.deliver_until_quiet();
        assert_eq!(
            self.nodes[0].raft.state,
            raft::StateRole::Leader,
            "node 1 was elected"
        );
    }

    fn propose(&mut self, command: Vec<u8>) {
        self.nodes[0]
            .propose(vec![], command)
            .expect("node 1 leads");
        self.handle_ready(0);
    }

    fn deliver_until_quiet(&mut self) {
        while let Some(message) = self.fifo.pop_front() {
            let to = message.to as usize - 1;
            self.nodes[to]
                .step(message)
                .expect("a message of the group");
            self.handle_ready(to);
        }
    }

    fn leader_applied(&self) -> u64 {
        self.applied[0].count
    }

    fn compact(&mut self) {
        for node in &mut self.nodes {
            let applied = node.raft.raft_log.applied;
            let store = node.mut_store().clone();
            let last = store.last_index().expect("in memory");
            store
                .wl()
                .compact(applied.min(last))
                .expect("applied entries are stored");
        }
    }

    fn flush_commit(&mut self) {
        for _ in 0..self.nodes[0].raft.heartbeat_timeout() {
            self.nodes[0].tick();
        }
        self.handle_all_ready();
        self.deliver_until_quiet();
        // Followers learn the commit index from the heartbeat; their applies follow.
        self.handle_all_ready();
        self.deliver_until_quiet();
    }

    fn applied(&self) -> Vec<&Applied> {
        self.applied.iter().collect()
    }
}
