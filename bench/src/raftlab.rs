//! raftlab's core behind the harness, used as the simulator uses it: `tick` / `step` /
//! `start`, then `ready()` drained at once (persist through `Persister::update`, then send,
//! then apply).

use crate::harness::{Applied, Cluster};
use raftlab::core::{ApplyMsg, Message, NodeId, Persister, Raft, Timing};
use std::collections::VecDeque;

/// The virtual time of the run: after node 0's election timeout, and no later timer fires
/// (`flush_commit` moves it one heartbeat on).
const NOW_MS: u64 = 1_000;

pub struct RaftlabCluster {
    nodes: Vec<Raft>,
    persisters: Vec<Persister>,
    applied: Vec<Applied>,
    fifo: VecDeque<(NodeId, NodeId, Message)>,
    size: usize,
    now_ms: u64,
}

impl RaftlabCluster {
    pub fn new(nodes: usize, size: usize) -> RaftlabCluster {
        RaftlabCluster::with_in_flight_max(nodes, size, Timing::LAB.append_entries_in_flight_max)
    }

    /// As `new`, with the leader's cap on AppendEntries in flight per follower (None: none),
    /// for choosing the cap by measurement (`--in-flight-max`).
    pub fn with_in_flight_max(nodes: usize, size: usize, cap: Option<u32>) -> RaftlabCluster {
        let timing = Timing {
            append_entries_in_flight_max: cap,
            ..Timing::LAB
        };
        let persisters = vec![Persister::new(); nodes];
        let rafts = (0..nodes)
            .map(|me| {
                Raft::new(me, nodes, &persisters[me], timing, me as u64 + 1, 0)
                    .expect("an empty persister restores")
            })
            .collect();
        RaftlabCluster {
            nodes: rafts,
            persisters,
            applied: vec![Applied::default(); nodes],
            fifo: VecDeque::new(),
            size,
            now_ms: NOW_MS,
        }
    }

    /// Drain what `node` produced: persist, send, apply.
    fn handle_ready(&mut self, node: NodeId) {
        while self.nodes[node].has_ready() {
            let ready = self.nodes[node].ready();
            if let Some(update) = ready.persist {
                if !self.persisters[node].update(&update) {
                    let state = self.nodes[node].encode_persistent_state();
                    self.persisters[node].save(state.into(), update.snapshot);
                }
            }
            for out in ready.messages {
                self.fifo.push_back((node, out.to, out.message));
            }
            for apply in ready.applies {
                match apply {
                    ApplyMsg::Command { command, .. } => {
                        self.applied[node].apply(&command, self.size)
                    }
                    ApplyMsg::Snapshot { .. } => {
                        panic!("no node falls behind a snapshot in a FIFO without loss")
                    }
                }
            }
        }
    }
}

impl Cluster for RaftlabCluster {
    fn elect(&mut self) {
        self.nodes[0].tick(self.now_ms);
        self.handle_ready(0);
        self.deliver_until_quiet();
        assert!(self.nodes[0].get_state().1, "node 0 was elected");
    }

    fn propose(&mut self, command: Vec<u8>) {
        self.nodes[0].start(command).expect("node 0 leads");
        self.handle_ready(0);
    }

    fn deliver_until_quiet(&mut self) {
        while let Some((from, to, message)) = self.fifo.pop_front() {
            self.nodes[to].step(self.now_ms, from, message);
            self.handle_ready(to);
        }
    }

    fn leader_applied(&self) -> u64 {
        self.applied[0].count
    }

    fn compact(&mut self) {
        for node in 0..self.nodes.len() {
            let index = self.nodes[node].last_applied();
            self.nodes[node].snapshot(index, index.to_le_bytes().to_vec());
            self.handle_ready(node);
        }
    }

    fn flush_commit(&mut self) {
        self.now_ms += Timing::LAB.heartbeat_ms;
        self.nodes[0].tick(self.now_ms);
        self.handle_ready(0);
        self.deliver_until_quiet();
    }

    fn applied(&self) -> Vec<&Applied> {
        self.applied.iter().collect()
    }
}
