//! A deterministic discrete-event simulator of a Raft cluster in virtual milliseconds.
//!
//! One `u64` seed decides everything: the network's delays and losses and every node's
//! election timeouts. The whole simulation (nodes, network, queue, PRNG, checker) is `Clone`,
//! so a caller can checkpoint and rewind it. It runs natively and in wasm (`no_std` + `alloc`).
//!
//! Architecture Invariants: nothing here reads a clock or global randomness; time advances
//! only through `step` / `run_until` / `run_to`; everything from outside enters as an `Input`
//! through `apply`, so `(SimConfig, [(Stamp, Input)])` reproduces a run exactly.
//!
//! This file is the facade: building a simulation, driving its time, and what callers may
//! look at. Each concept lives in a file of its own: `config`, `input` (outside actions),
//! `queue` (time and the livelock guard), `node` (lifecycle and the Ready pump), `wire`
//! (labrpc's message fates), `applier` (the service's side of ApplyMsg), `load` (the client
//! load generator), `kv` (Lab 4's key/value service: servers, clients, history), `error`, `narrate`, `reference` (the cross-platform trace fixture),
//! `wrappers` (the 6.5840-style method API over `apply`).

mod applier;
pub mod checker;
mod config;
mod error;
pub mod event;
mod in_flight;
mod input;
mod kv;
mod load;
mod narrate;
pub mod network;
mod node;
mod queue;
mod reference;
pub mod rng;
pub mod service;
mod wire;
mod wrappers;

use crate::core::{ApplyMsg, BrokenRules, NodeId, Persister, Raft};
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use checker::Checker;
pub use checker::{Property, Violation, VIOLATIONS_MAX};
pub use config::{SimConfig, SimConfigV1, TimingV1};
pub use error::{Error, NetError, SimError};
pub use event::{DropReason, EventKind, SimEvent};
pub use input::{Input, Outcome, Stamp};
pub use kv::KV_LOAD_PER_SECOND_MAX;
pub use kv::{
    lincheck_history, KvClient, KvHistoryOp, KvOpKind, KvReplyKind, KvRpc, KV_CALL_FAIL_MS_MAX,
    KV_CLIENTS_MAX, KV_HISTORY_MAX, KV_KEY_BYTES_MAX, KV_PENDING_MAX, KV_ROUND_PAUSE_MS,
    KV_SERVER_WAIT_MS, KV_VALUE_BYTES_MAX,
};
pub use load::LOAD_PER_SECOND_MAX;
pub use narrate::{describe_kv_event, describe_kv_op, describe_node_event};
pub use network::{NetConfig, Topology};
pub use node::NodeSlot;
pub use queue::ACTIONS_PER_MS_MAX;
pub use reference::{reference_trace_digest, REFERENCE_TRACE_DIGEST};
use rng::{Fnv, Rng};
pub use wire::InFlight;

/// Limits: the simulator refuses to grow without bound.
pub const NODES_MAX: usize = 9;
/// Events kept for callers that have not drained them; older ones are discarded.
pub const EVENTS_KEPT_MAX: usize = 20_000;

#[derive(Clone, Debug)]
pub struct Simulation {
    config: SimConfig,
    now_ms: u64,
    rng: Rng,
    nodes: Vec<NodeSlot>,
    topology: Topology,
    queue: queue::Queue,
    in_flight: in_flight::InFlightTable,
    next_message_id: u64,
    events: VecDeque<SimEvent>,
    trace: Fnv,
    events_total: u64,
    applies: Vec<(NodeId, ApplyMsg)>,
    checker: Checker,
    load: load::Load,
    rpc_total: u64,
    bytes_total: u64,
    /// Bumped whenever a persister is written.
    persist_version: u64,
    /// The rules every node breaks (`Input::BreakRule`); none by default.
    /// Invariant: every live node's `Raft::broken_rules()` is this set's core rules
    /// (`BrokenRules::of_core`; `boot` sets them on nodes that start later).
    broken_rules: BrokenRules,
    /// The key/value service: clients, their RPCs, the history, servers' pending requests.
    kv: kv::Kv,
    /// The key/value clients' automatic loads (`Input::KvLoad`).
    kv_load: kv::load::KvLoads,
}

impl Simulation {
    pub fn new(config: SimConfig) -> Result<Simulation, Error> {
        let persisters = alloc::vec![Persister::new(); config.nodes];
        Simulation::with_persisters(config, persisters, 0)
    }

    /// A cluster whose nodes all start from `persisters` at time `now_ms`: how the page brings
    /// a stored cluster back, as after a crash of every node.
    pub fn with_persisters(
        config: SimConfig,
        persisters: Vec<Persister>,
        now_ms: u64,
    ) -> Result<Simulation, Error> {
        let n = config.nodes;
        if n == 0 || n > NODES_MAX {
            return Err(Error::ClusterSize { nodes: n });
        }
        if persisters.len() != n {
            return Err(Error::PersisterCount {
                nodes: n,
                persisters: persisters.len(),
            });
        }
        config.timing.validate().map_err(Error::Timing)?;
        config.net.validate().map_err(Error::Network)?;
        let mut sim = Simulation {
            rng: Rng::new(config.seed),
            topology: Topology::new(n, config.start_connected),
            now_ms,
            nodes: persisters.into_iter().map(NodeSlot::down).collect(),
            queue: queue::Queue::new(now_ms),
            in_flight: in_flight::InFlightTable::default(),
            next_message_id: 1,
            events: VecDeque::new(),
            trace: Fnv::default(),
            events_total: 0,
            applies: Vec::new(),
            checker: Checker::new(n, now_ms),
            load: load::Load::default(),
            rpc_total: 0,
            bytes_total: 0,
            persist_version: 0,
            broken_rules: BrokenRules::NONE,
            kv: kv::Kv::default(),
            kv_load: kv::load::KvLoads::default(),
            config,
        };
        for node in 0..n {
            sim.boot(node, true)?;
        }
        Ok(sim)
    }

    // ----- time -----

    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// Time of the next queued action, if any.
    pub fn next_action_ms(&self) -> Option<u64> {
        self.queue.next_ms()
    }

    /// Process the earliest queued action. Returns false when the queue is empty or the
    /// livelock guard stopped the run.
    pub fn step(&mut self) -> bool {
        if self.is_stalled() {
            return false;
        }
        let Some((time, action)) = self.queue.pop() else {
            return false;
        };
        self.now_ms = self.now_ms.max(time);
        self.checker.set_time(self.now_ms);
        if self.queue.count(self.now_ms) {
            let detail = alloc::format!(
                "more than {ACTIONS_PER_MS_MAX} actions at virtual time {} ms: a message storm keeps time from advancing",
                self.now_ms
            );
            self.checker.report_stall(detail);
        }
        match action {
            queue::Action::Timer { node } => self.fire_timer(node, time),
            queue::Action::Deliver { id } => self.deliver(id),
            queue::Action::Load { generation } => self.fire_load(generation),
            queue::Action::KvDeliver { id } => self.kv_deliver(id),
            queue::Action::KvWait { node, rpc_id } => self.kv_wait_over(node, rpc_id),
            queue::Action::KvResend { client } => self.kv_resend(client),
            queue::Action::KvLoad { client, generation } => self.fire_kv_load(client, generation),
        }
        true
    }

    /// Process every action due up to `time_ms`, then set the clock to it. A livelocked
    /// simulation (see `ACTIONS_PER_MS_MAX`) stays where it stopped.
    pub fn run_until(&mut self, time_ms: u64) {
        while self.next_action_ms().is_some_and(|t| t <= time_ms) {
            if !self.step() {
                return;
            }
        }
        self.now_ms = self.now_ms.max(time_ms);
    }

    /// True once the livelock guard tripped; `violation()` says where.
    pub fn is_stalled(&self) -> bool {
        self.queue.is_stalled()
    }

    // ----- views -----

    /// GetState() on `node`: None while crashed.
    pub fn get_state(&self, node: NodeId) -> Option<(u64, bool)> {
        self.nodes.get(node)?.raft.as_ref().map(Raft::get_state)
    }
    /// "The leader": the live node that believes it leads, in the highest term (a stale
    /// leader of an older term may still believe it too). The one definition of it.
    pub fn leader(&self) -> Option<NodeId> {
        (0..self.nodes.len())
            .filter_map(|n| self.get_state(n).filter(|s| s.1).map(|s| (s.0, n)))
            .max()
            .map(|(_, n)| n)
    }
    pub fn net(&self) -> NetConfig {
        self.config.net
    }
    /// The config as it is now: `Input::SetNetwork` changes its `net` (a run replays from the
    /// config the simulation was built with).
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
    pub fn node(&self, node: NodeId) -> &NodeSlot {
        &self.nodes[node]
    }
    pub fn raft(&self, node: NodeId) -> Option<&Raft> {
        self.nodes.get(node)?.raft.as_ref()
    }
    pub fn topology(&self) -> &Topology {
        &self.topology
    }
    pub fn is_connected(&self, node: NodeId) -> bool {
        self.topology.is_connected(node)
    }
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.values()
    }
    pub fn message(&self, id: u64) -> Option<&InFlight> {
        self.in_flight.get(id)
    }
    pub fn rpc_count(&self, node: NodeId) -> u64 {
        self.nodes[node].rpc_count
    }
    pub fn rpc_total(&self) -> u64 {
        self.rpc_total
    }
    pub fn bytes_total(&self) -> u64 {
        self.bytes_total
    }
    pub fn persist_version(&self) -> u64 {
        self.persist_version
    }
    /// The rules every node breaks now (`Input::BreakRule`).
    pub fn broken_rules(&self) -> BrokenRules {
        self.broken_rules
    }
    /// Digest of every event so far: equal digests mean equal traces.
    pub fn trace_digest(&self) -> u64 {
        self.trace.0
    }
    pub fn events_total(&self) -> u64 {
        self.events_total
    }
    /// The first safety violation the checker found, if any. Once set, it stays.
    pub fn violation(&self) -> Option<&Violation> {
        self.checker.violations().first()
    }
    /// Every violation found so far, oldest first (at most `checker::VIOLATIONS_MAX`; the
    /// checker keeps checking after the first).
    pub fn violations(&self) -> &[Violation] {
        self.checker.violations()
    }
    /// The newest `n` events not yet drained, oldest first (for failure reports).
    pub fn recent_events(&self, n: usize) -> impl Iterator<Item = &SimEvent> {
        self.events.iter().skip(self.events.len().saturating_sub(n))
    }
    /// Events since the last drain (at most EVENTS_KEPT_MAX, the newest).
    pub fn drain_events(&mut self) -> VecDeque<SimEvent> {
        core::mem::take(&mut self.events)
    }
    /// ApplyMsgs since the last drain (only with `collect_applies`).
    pub fn drain_applies(&mut self) -> Vec<(NodeId, ApplyMsg)> {
        core::mem::take(&mut self.applies)
    }

    /// Append `kind` to the trace at the current time.
    fn record(&mut self, kind: EventKind) {
        let event = SimEvent {
            time_ms: self.now_ms,
            kind,
        };
        event.fold(&mut self.trace);
        self.events_total += 1;
        if self.events.len() == EVENTS_KEPT_MAX {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }
}
