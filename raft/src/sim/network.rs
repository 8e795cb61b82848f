//! The simulated network: 6.5840 labrpc's semantics (reliable/unreliable, long reordering,
//! long delays to unreachable peers), per-node connect/disconnect, and partitions.

use super::error::NetError;
use crate::core::NodeId;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// How messages travel. Probabilities are in permille so the core needs no floats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetConfig {
    /// Delay of a request, uniform in `request_delay_ms_min..=request_delay_ms_max`.
    pub request_delay_ms_min: u64,
    pub request_delay_ms_max: u64,
    /// Delay of a reply (0 in labrpc, where replies come straight back).
    pub reply_delay_ms_min: u64,
    pub reply_delay_ms_max: u64,
    /// Requests lost before the handler runs.
    pub drop_request_permille: u32,
    /// Replies lost after the handler ran.
    pub drop_reply_permille: u32,
    /// labrpc LongReordering: 600/900 of replies get 200 + rand(1 + rand(2000)) ms more.
    pub long_reordering: bool,
    /// labrpc LongDelays: a request to an unreachable peer fails after 0..7000 ms (else
    /// after the request delay).
    pub long_delays: bool,
}

impl NetConfig {
    /// The longest delay a setting may give a message.
    pub const DELAY_MS_MAX: u64 = 10_000;

    /// Every message arrives at once, in the order sent: for scenario tests that build a
    /// situation step by step (not labrpc: see `LAB_RELIABLE`).
    pub const INSTANT: NetConfig = NetConfig {
        request_delay_ms_min: 0,
        request_delay_ms_max: 0,
        reply_delay_ms_min: 0,
        reply_delay_ms_max: 0,
        drop_request_permille: 0,
        drop_reply_permille: 0,
        long_reordering: false,
        long_delays: false,
    };

    /// labrpc, reliable, as the Raft tests set it up (LongDelays on). Nothing is lost, but
    /// labrpc runs each call in a goroutine of its own, so concurrent RPCs and their replies
    /// overtake each other: here, 0..=2 ms of jitter on each request and each reply.
    pub const LAB_RELIABLE: NetConfig = NetConfig {
        request_delay_ms_max: 2,
        reply_delay_ms_max: 2,
        long_delays: true,
        ..NetConfig::INSTANT
    };

    /// labrpc, unreliable: 0..=26 ms request delay, 10% requests and 10% replies lost
    /// (and the goroutines' reply jitter).
    pub const LAB_UNRELIABLE: NetConfig = NetConfig {
        request_delay_ms_max: 26,
        drop_request_permille: 100,
        drop_reply_permille: 100,
        ..NetConfig::LAB_RELIABLE
    };

    /// Ok when every delay range is ordered and at most `DELAY_MS_MAX`, and every loss rate
    /// at most 1000 permille.
    pub fn validate(&self) -> Result<(), NetError> {
        let ranges = [
            (self.request_delay_ms_min, self.request_delay_ms_max),
            (self.reply_delay_ms_min, self.reply_delay_ms_max),
        ];
        if ranges.iter().any(|&(min, max)| min > max) {
            return Err(NetError::DelayRange);
        }
        if ranges.iter().any(|&(_, max)| max > NetConfig::DELAY_MS_MAX) {
            return Err(NetError::DelayTooLong);
        }
        if self.drop_request_permille > 1000 || self.drop_reply_permille > 1000 {
            return Err(NetError::PermilleOver);
        }
        Ok(())
    }

    pub fn set_unreliable(&mut self, unreliable: bool) {
        let base = if unreliable {
            NetConfig::LAB_UNRELIABLE
        } else {
            NetConfig::LAB_RELIABLE
        };
        *self = NetConfig {
            long_reordering: self.long_reordering,
            long_delays: self.long_delays,
            ..base
        };
    }
}

/// Who can reach whom. A link a→b works when both nodes are connected and in the same group;
/// a disconnected node is isolated on its own (6.5840's `disconnect`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topology {
    /// Invariant: `connected.len() == group.len() ==` the number of nodes.
    connected: Vec<bool>,
    /// Partition group of each node; all 0 when the network is whole.
    group: Vec<u32>,
}

impl Topology {
    pub fn new(nodes: usize, connected: bool) -> Topology {
        Topology {
            connected: alloc::vec![connected; nodes],
            group: alloc::vec![0; nodes],
        }
    }

    pub fn link(&self, from: NodeId, to: NodeId) -> bool {
        self.connected[from] && self.connected[to] && self.group[from] == self.group[to]
    }

    pub fn is_connected(&self, node: NodeId) -> bool {
        self.connected[node]
    }

    pub fn set_connected(&mut self, node: NodeId, connected: bool) {
        self.connected[node] = connected;
    }

    /// Splits the nodes into `groups`; each node not named is alone in a group of its own.
    /// Precondition: ids are in range and appear at most once (checked by the caller).
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let n = self.group.len();
        for (i, g) in self.group.iter_mut().enumerate() {
            *g = (groups.len() + i) as u32;
        }
        for (gi, group) in groups.iter().enumerate() {
            for &node in group {
                debug_assert!(node < n);
                self.group[node] = gi as u32;
            }
        }
    }

    /// One group again, every node connected.
    pub fn heal(&mut self) {
        self.group.iter_mut().for_each(|g| *g = 0);
        self.connected.iter_mut().for_each(|c| *c = true);
    }

    /// The partition groups, or None when all nodes share one group.
    pub fn groups(&self) -> Option<Vec<Vec<NodeId>>> {
        if self.group.iter().all(|&g| g == self.group[0]) {
            return None;
        }
        let mut ids: Vec<u32> = self.group.clone();
        crate::small_sort::sort_small(&mut ids);
        ids.dedup();
        Some(
            ids.iter()
                .map(|&g| {
                    (0..self.group.len())
                        .filter(|&n| self.group[n] == g)
                        .collect()
                })
                .collect(),
        )
    }
}
