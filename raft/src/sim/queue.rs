//! The event queue in virtual time, and the livelock guard.
//!
//! Actions are ordered by (time, sequence number): ties break by insertion order, so one seed
//! decides the order of everything.

use crate::core::NodeId;
use alloc::collections::BinaryHeap;
use core::cmp::{Ordering, Reverse};

/// Actions processed at one virtual millisecond before the simulation declares a message
/// storm (a livelock: time would never advance) and stops.
pub const ACTIONS_PER_MS_MAX: u64 = 200_000;

/// What happens at a queued time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Action {
    /// A node's timer (stale ones are skipped: see `NodeSlot::timer_at`).
    Timer { node: NodeId },
    /// A message arrives (or is found dropped).
    Deliver { id: u64 },
    /// The client load generator's next request (stale generations are skipped).
    Load { generation: u64 },
    /// A key/value client RPC arrives (or its Call fails).
    KvDeliver { id: u64 },
    /// A server's wait for the pending request of client RPC `rpc_id` runs out.
    KvWait { node: NodeId, rpc_id: u64 },
    /// A key/value client retries after a round of failures (`KV_ROUND_PAUSE_MS`).
    KvResend { client: u32 },
    /// A key/value client's load ticks (`kv/load.rs`; stale generations are skipped).
    KvLoad { client: u32, generation: u64 },
}

/// A queued action at its (time, sequence number): ordered by those alone, which are unique.
#[derive(Clone, Copy, Debug)]
struct Queued {
    time_ms: u64,
    seq: u64,
    action: Action,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.time_ms, self.seq).cmp(&(other.time_ms, other.seq))
    }
}

#[derive(Clone, Debug, Default)]
pub(super) struct Queue {
    /// A min-heap on (time, seq) (a heap, not a `BTreeMap`: far less wasm code; README,
    /// "Weight"). Invariant: every `seq` is distinct (`push` numbers them).
    actions: BinaryHeap<Reverse<Queued>>,
    seq: u64,
    /// (virtual time, actions processed at it): the livelock guard.
    actions_now: (u64, u64),
    /// Actions processed since the simulation began: with the clock, where a run is.
    actions_total: u64,
}

impl Queue {
    pub(super) fn new(now_ms: u64) -> Queue {
        Queue {
            actions_now: (now_ms, 0),
            ..Queue::default()
        }
    }

    pub(super) fn push(&mut self, time_ms: u64, action: Action) {
        self.seq += 1;
        self.actions.push(Reverse(Queued {
            time_ms,
            seq: self.seq,
            action,
        }));
    }

    /// Time of the earliest queued action.
    pub(super) fn next_ms(&self) -> Option<u64> {
        self.actions.peek().map(|q| q.0.time_ms)
    }

    pub(super) fn pop(&mut self) -> Option<(u64, Action)> {
        self.actions.pop().map(|Reverse(q)| (q.time_ms, q.action))
    }

    /// Counts one action processed at `now_ms`. True exactly when this action is the first
    /// beyond `ACTIONS_PER_MS_MAX` at one millisecond (the caller reports it once).
    pub(super) fn count(&mut self, now_ms: u64) -> bool {
        self.actions_total += 1;
        if self.actions_now.0 != now_ms {
            self.actions_now = (now_ms, 0);
        }
        self.actions_now.1 += 1;
        self.actions_now.1 == ACTIONS_PER_MS_MAX + 1
    }

    /// True once the livelock guard tripped.
    pub(super) fn is_stalled(&self) -> bool {
        self.actions_now.1 > ACTIONS_PER_MS_MAX
    }

    pub(super) fn actions_total(&self) -> u64 {
        self.actions_total
    }
}
