//! A deterministic discrete-event simulator of a Raft cluster in virtual milliseconds.
//!
//! One `u64` seed decides everything: the network's delays and losses and every node's
//! election timeouts. The whole simulation (nodes, network, queue, PRNG, checker) is `Clone`,
//! so a caller can checkpoint and rewind it. It runs natively and in wasm (`no_std` + `alloc`).
//!
//! Architecture Invariant: nothing here reads a clock or global randomness; time advances
//! only through `step` / `run_until`.

pub mod checker;
pub mod event;
pub mod network;
pub mod rng;
pub mod service;

use crate::core::{ApplyMsg, Message, NodeEvent, NodeId, Persister, Raft, Ready, Role, Timing};
use alloc::collections::{BTreeMap, VecDeque};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use checker::{Checker, Violation};
pub use event::{DropReason, EventKind, SimEvent};
pub use network::{NetConfig, Topology};
use rng::{mix, Fnv, Rng};
use service::StateMachine;

/// Limits: the simulator refuses to grow without bound.
pub const NODES_MAX: usize = 9;
/// Actions processed at one virtual millisecond before the simulation declares a message
/// storm (a livelock: time would never advance) and stops.
pub const ACTIONS_PER_MS_MAX: u64 = 200_000;
/// Events kept for callers that have not drained them; older ones are discarded.
pub const EVENTS_KEPT_MAX: usize = 20_000;

#[derive(Clone, Debug)]
pub struct SimConfig {
    pub nodes: usize,
    pub seed: u64,
    pub timing: Timing,
    pub net: NetConfig,
    /// The built-in service snapshots every this many applied commands (None: never).
    pub snapshot_every: Option<u64>,
    /// Keep every ApplyMsg for the caller (`drain_applies`): the lab harness's appliers.
    pub collect_applies: bool,
    /// Start with every node connected (the page) or disconnected (the lab connects them).
    pub start_connected: bool,
}

impl SimConfig {
    pub fn new(nodes: usize, seed: u64) -> SimConfig {
        SimConfig {
            nodes,
            seed,
            timing: Timing::LAB,
            net: NetConfig::LAB_RELIABLE,
            snapshot_every: None,
            collect_applies: false,
            start_connected: true,
        }
    }
}

/// An error from a command given to the simulator (bad node, bad partition, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimError(pub String);

impl core::fmt::Display for SimError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A message on the wire.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub message: Message,
    pub sent_ms: u64,
    pub deliver_ms: u64,
    /// Set when the network already decided the message will not arrive.
    pub doomed: Option<DropReason>,
    /// The sender's incarnation: a reply to this request goes to it, or nowhere.
    from_incarnation: u64,
    to_incarnation: u64,
}

/// Where the replies of a node that handled a request go: their fate (lost when the
/// asker became unreachable while the handler ran) and the asker's incarnation.
#[derive(Clone, Copy, Debug)]
struct ReplyRoute {
    fate: Option<DropReason>,
    to_incarnation: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Timer { node: NodeId },
    Deliver { id: u64 },
}

/// One server slot: the live Raft (None while crashed) and what survives a crash.
#[derive(Clone, Debug)]
pub struct NodeSlot {
    pub raft: Option<Raft>,
    /// Bumped at every crash and restart: messages to or from an old incarnation are void.
    pub incarnation: u64,
    pub persister: Persister,
    pub service: StateMachine,
    /// RPCs that reached this incarnation's handler (6.5840's rpcCount).
    pub rpc_count: u64,
    /// The time of the Timer action queued for this node (stale ones are skipped).
    timer_at: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct Simulation {
    config: SimConfig,
    now_ms: u64,
    rng: Rng,
    nodes: Vec<NodeSlot>,
    topology: Topology,
    /// The event queue, ordered by (time, sequence number): ties break by insertion order.
    queue: BTreeMap<(u64, u64), Action>,
    seq: u64,
    in_flight: BTreeMap<u64, InFlight>,
    next_message_id: u64,
    events: VecDeque<SimEvent>,
    trace: Fnv,
    events_total: u64,
    applies: Vec<(NodeId, ApplyMsg)>,
    checker: Checker,
    /// (virtual time, actions processed at it): the livelock guard.
    actions_now: (u64, u64),
    rpc_total: u64,
    bytes_total: u64,
    /// Bumped whenever a persister is written.
    persist_version: u64,
}

impl Simulation {
    pub fn new(config: SimConfig) -> Result<Simulation, SimError> {
        if config.nodes == 0 || config.nodes > NODES_MAX {
            return Err(SimError(format!(
                "a cluster has 1 to {NODES_MAX} nodes, not {}",
                config.nodes
            )));
        }
        config.timing.validate().map_err(|e| SimError(e.into()))?;
        let persisters = alloc::vec![Persister::new(); config.nodes];
        Simulation::with_persisters(config, persisters, 0)
    }

    /// A cluster whose nodes all start from `persisters` at time `now_ms`: how the page brings
    /// a stored cluster back, as after a crash of every node.
    pub fn with_persisters(
        config: SimConfig,
        persisters: Vec<Persister>,
        now_ms: u64,
    ) -> Result<Simulation, SimError> {
        assert_eq!(persisters.len(), config.nodes);
        let n = config.nodes;
        let mut sim = Simulation {
            rng: Rng::new(config.seed),
            topology: Topology::new(n, config.start_connected),
            now_ms,
            nodes: persisters
                .into_iter()
                .map(|persister| NodeSlot {
                    raft: None,
                    incarnation: 0,
                    persister,
                    service: StateMachine::default(),
                    rpc_count: 0,
                    timer_at: None,
                })
                .collect(),
            queue: BTreeMap::new(),
            seq: 0,
            in_flight: BTreeMap::new(),
            next_message_id: 1,
            events: VecDeque::new(),
            trace: Fnv::default(),
            events_total: 0,
            applies: Vec::new(),
            checker: Checker::new(n),
            rpc_total: 0,
            bytes_total: 0,
            persist_version: 0,
            actions_now: (now_ms, 0),
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
        self.queue.keys().next().map(|&(t, _)| t)
    }

    /// Process the earliest queued action. Returns false when the queue is empty.
    pub fn step(&mut self) -> bool {
        if self.is_stalled() {
            return false;
        }
        let Some(((time, _), action)) = self.queue.pop_first() else {
            return false;
        };
        self.now_ms = self.now_ms.max(time);
        self.count_action();
        match action {
            Action::Timer { node } => self.fire_timer(node, time),
            Action::Deliver { id } => self.deliver(id),
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

    // ----- 6.5840's per-node API -----

    /// Start(command) on `node`: Some((index, term)) when it is a live leader.
    pub fn start(&mut self, node: NodeId, command: Vec<u8>) -> Option<(u64, u64)> {
        let now = self.now_ms;
        let raft = self.nodes.get_mut(node)?.raft.as_mut()?;
        raft.tick(now);
        let result = raft.start(command);
        if let Some((index, term)) = result {
            self.record(EventKind::Requested { node, index, term });
        }
        self.after_step(node);
        result
    }

    /// GetState() on `node`: None while crashed.
    pub fn get_state(&self, node: NodeId) -> Option<(u64, bool)> {
        self.nodes.get(node)?.raft.as_ref().map(Raft::get_state)
    }

    /// The service on `node` snapshotted through `index`.
    pub fn snapshot(&mut self, node: NodeId, index: u64, data: Vec<u8>) {
        if let Some(raft) = self.nodes.get_mut(node).and_then(|s| s.raft.as_mut()) {
            raft.snapshot(index, data);
            self.after_step(node);
        }
    }

    /// Force `node` to start an election now.
    pub fn timeout(&mut self, node: NodeId) -> Result<(), SimError> {
        self.check_node(node)?;
        let now = self.now_ms;
        let raft = self.nodes[node]
            .raft
            .as_mut()
            .ok_or_else(|| SimError(format!("S{} is crashed", node + 1)))?;
        if raft.role() == Role::Leader {
            return Err(SimError(format!(
                "S{} is the leader: it has no election timer",
                node + 1
            )));
        }
        raft.tick(now);
        raft.campaign();
        self.record(EventKind::TimedOut { node });
        self.after_step(node);
        Ok(())
    }

    // ----- faults -----

    /// Kill `node`. Its persister keeps what it saved last; nothing of the dead incarnation
    /// can write or send again.
    pub fn crash(&mut self, node: NodeId) -> Result<(), SimError> {
        self.check_node(node)?;
        if self.nodes[node].raft.take().is_none() {
            return Err(SimError(format!("S{} is already crashed", node + 1)));
        }
        self.nodes[node].incarnation += 1;
        self.nodes[node].timer_at = None;
        self.checker
            .on_crash(node, self.nodes[node].persister.raftstate());
        self.record(EventKind::Crashed { node });
        Ok(())
    }

    /// Start `node` again from its persister (crashing it first if it is alive).
    pub fn restart(&mut self, node: NodeId) -> Result<(), SimError> {
        self.check_node(node)?;
        if self.nodes[node].raft.is_some() {
            self.crash(node)?;
        }
        self.boot(node, false)?;
        self.record(EventKind::Restarted { node });
        Ok(())
    }

    pub fn connect(&mut self, node: NodeId) -> Result<(), SimError> {
        self.check_node(node)?;
        self.topology.set_connected(node, true);
        self.record(EventKind::Connected { node });
        Ok(())
    }

    pub fn disconnect(&mut self, node: NodeId) -> Result<(), SimError> {
        self.check_node(node)?;
        self.topology.set_connected(node, false);
        self.record(EventKind::Disconnected { node });
        Ok(())
    }

    /// Split the network into `groups`; nodes not named are each alone.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) -> Result<(), SimError> {
        let mut seen = alloc::vec![false; self.nodes.len()];
        for &node in groups.iter().flatten() {
            self.check_node(node)?;
            if core::mem::replace(&mut seen[node], true) {
                return Err(SimError(format!(
                    "S{} appears in more than one group",
                    node + 1
                )));
            }
        }
        self.topology.partition(groups);
        self.record(EventKind::Partitioned {
            groups: groups.to_vec(),
        });
        Ok(())
    }

    /// Reconnect everything into one network.
    pub fn heal(&mut self) {
        self.topology.heal();
        self.record(EventKind::Healed);
    }

    /// Lose the message `id` in flight. Returns false when no such message is in flight.
    pub fn drop_message(&mut self, id: u64) -> bool {
        match self.in_flight.get_mut(&id) {
            Some(m) if m.doomed.is_none() => {
                m.doomed = Some(DropReason::ByHand);
                true
            }
            Some(_) => true,
            None => false,
        }
    }

    pub fn net(&self) -> NetConfig {
        self.config.net
    }

    pub fn set_net(&mut self, net: NetConfig) {
        self.config.net = net;
    }

    // ----- views -----

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
        self.in_flight.get(&id)
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

    // ----- internals -----

    /// True once the livelock guard tripped; `violation()` says where.
    pub fn is_stalled(&self) -> bool {
        self.actions_now.1 > ACTIONS_PER_MS_MAX
    }

    fn count_action(&mut self) {
        if self.actions_now.0 != self.now_ms {
            self.actions_now = (self.now_ms, 0);
        }
        self.actions_now.1 += 1;
        if self.actions_now.1 == ACTIONS_PER_MS_MAX + 1 {
            let detail = format!(
                "more than {ACTIONS_PER_MS_MAX} actions at virtual time {} ms: a message storm keeps time from advancing",
                self.now_ms
            );
            self.checker.report("progress", detail);
        }
    }

    fn check_node(&self, node: NodeId) -> Result<(), SimError> {
        if node < self.nodes.len() {
            Ok(())
        } else {
            Err(SimError(format!(
                "there is no node S{} (nodes are S1..S{})",
                node + 1,
                self.nodes.len()
            )))
        }
    }

    /// Start `node` from its persister. `restoring`: the whole cluster is being brought back
    /// from storage, so the checker takes the stored snapshots as committed.
    fn boot(&mut self, node: NodeId, restoring: bool) -> Result<(), SimError> {
        let slot = &mut self.nodes[node];
        slot.incarnation += 1;
        slot.rpc_count = 0;
        let seed = mix(self.config.seed ^ mix(((node as u64) << 32) | slot.incarnation));
        let raft = Raft::new(
            node,
            self.config.nodes,
            &slot.persister,
            self.config.timing,
            seed,
            self.now_ms,
        )
        .map_err(|e| {
            SimError(format!(
                "S{}'s stored raft state cannot be restored: {e}",
                node + 1
            ))
        })?;
        slot.service = StateMachine::decode(slot.persister.snapshot()).map_err(|e| {
            SimError(format!(
                "S{}'s stored snapshot does not decode: {e}",
                node + 1
            ))
        })?;
        if restoring {
            self.checker.trust_restored(&raft);
        }
        let service = (!self.config.collect_applies).then_some(&slot.service);
        self.checker.on_restart(node, &raft, service);
        slot.raft = Some(raft);
        self.after_step(node);
        Ok(())
    }

    fn fire_timer(&mut self, node: NodeId, time: u64) {
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
    fn after_step(&mut self, node: NodeId) {
        self.after_step_with(node, None);
    }

    /// As `after_step`, for a node that handled a request: its replies follow `route`.
    fn after_step_with(&mut self, node: NodeId, route: Option<ReplyRoute>) {
        let Some(raft) = self.nodes[node].raft.as_mut() else {
            return;
        };
        let ready: Ready = raft.ready();
        let deadline = raft.next_deadline_ms().max(self.now_ms);
        if let Some((state, snapshot)) = ready.persist {
            self.nodes[node].persister.save(state, snapshot);
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
            self.apply(node, apply);
        }
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
            self.push(deadline, Action::Timer { node });
        }
    }

    fn apply(&mut self, node: NodeId, apply: ApplyMsg) {
        match &apply {
            ApplyMsg::Command { index, command } => {
                self.nodes[node].service.apply(*index, command);
                self.record(EventKind::Applied {
                    node,
                    index: *index,
                });
                if let Some(every) = self.config.snapshot_every {
                    let service = self.nodes[node].service;
                    if every > 0 && service.count.is_multiple_of(every) {
                        let raft = self.nodes[node].raft.as_mut().expect("alive");
                        raft.snapshot(*index, service.encode());
                    }
                }
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

    fn push(&mut self, time: u64, action: Action) {
        self.seq += 1;
        self.queue.insert((time, self.seq), action);
    }

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

    /// Put a message on the wire, deciding its fate with labrpc's rules. A reply follows
    /// `route`: it may be doomed already, and it goes to the incarnation that asked.
    fn send(&mut self, from: NodeId, to: NodeId, message: Message, route: Option<ReplyRoute>) {
        let net = self.config.net;
        let id = self.next_message_id;
        self.next_message_id += 1;
        let kind = message.kind();
        let (delay, doomed) = if message.is_request() {
            self.rpc_total += 1;
            self.bytes_total += message.encoded_len() as u64;
            if !self.topology.link(from, to) || self.nodes[to].raft.is_none() {
                let delay = if net.long_delays {
                    self.rng.below(7000)
                } else {
                    self.rng
                        .between(net.request_delay_ms_min, net.request_delay_ms_max)
                };
                (delay, Some(DropReason::Unreachable))
            } else {
                let delay = self
                    .rng
                    .between(net.request_delay_ms_min, net.request_delay_ms_max);
                let lost = self.rng.chance_permille(net.drop_request_permille);
                (delay, lost.then_some(DropReason::RequestLost))
            }
        } else {
            let lost = self.rng.chance_permille(net.drop_reply_permille);
            let mut delay = self
                .rng
                .between(net.reply_delay_ms_min, net.reply_delay_ms_max);
            if net.long_reordering && self.rng.below(900) < 600 {
                let spread = self.rng.below(2000);
                delay += 200 + self.rng.below(1 + spread);
            }
            let fate = route.and_then(|r| r.fate);
            (delay, fate.or(lost.then_some(DropReason::ReplyLost)))
        };
        let term = message.term();
        let deliver_ms = self.now_ms + delay;
        let to_incarnation = match route {
            Some(r) if !message.is_request() => r.to_incarnation,
            _ => self.nodes[to].incarnation,
        };
        let from_incarnation = self.nodes[from].incarnation;
        self.in_flight.insert(
            id,
            InFlight {
                id,
                from,
                to,
                message,
                sent_ms: self.now_ms,
                deliver_ms,
                doomed,
                from_incarnation,
                to_incarnation,
            },
        );
        self.record(EventKind::Sent {
            id,
            from,
            to,
            kind,
            term,
        });
        self.push(deliver_ms, Action::Deliver { id });
    }

    fn deliver(&mut self, id: u64) {
        let Some(m) = self.in_flight.remove(&id) else {
            return;
        };
        let kind = m.message.kind();
        let (from, to) = (m.from, m.to);
        let is_request = m.message.is_request();
        let reason = if let Some(reason) = m.doomed {
            Some(reason)
        } else if self.nodes[to].incarnation != m.to_incarnation || self.nodes[to].raft.is_none() {
            // Only the incarnation a message was sent to may see it.
            Some(if is_request {
                DropReason::ReceiverGone
            } else {
                DropReason::SenderGone
            })
        } else {
            None
        };
        if !is_request
            && reason != Some(DropReason::ReplyLost)
            && reason != Some(DropReason::ReceiverGone)
            && reason != Some(DropReason::ByHand)
        {
            self.bytes_total += m.message.encoded_len() as u64; // labrpc counts delivered replies.
        }
        if let Some(reason) = reason {
            self.record(EventKind::Dropped {
                id,
                from,
                to,
                kind,
                reason,
            });
            return;
        }
        if is_request {
            self.nodes[to].rpc_count += 1;
        }
        self.record(EventKind::Delivered { id, from, to, kind });
        let now = self.now_ms;
        let raft = self.nodes[to].raft.as_mut().expect("checked alive");
        raft.tick(now);
        raft.step(now, from, m.message);
        // labrpc checks, after the handler ran, that the server is still reachable; if not,
        // the reply is lost though the handler's effects stay.
        let route = is_request.then(|| ReplyRoute {
            fate: (!self.topology.link(from, to)).then_some(DropReason::ReceiverGone),
            to_incarnation: m.from_incarnation,
        });
        self.after_step_with(to, route);
    }
}
/// Narration helper: "S2 became leader of term 3".
pub fn describe_node_event(node: NodeId, event: &NodeEvent) -> String {
    let s = node + 1;
    match *event {
        NodeEvent::ElectionStarted { term } => {
            format!("S{s} timed out and started an election for term {term}")
        }
        NodeEvent::VoteGranted { candidate, term } => {
            format!("S{s} voted for S{} in term {term}", candidate + 1)
        }
        NodeEvent::BecameLeader { term } => format!("S{s} became leader of term {term}"),
        NodeEvent::SteppedDown { term, was } => format!(
            "S{s} stepped down from {} to follower (term {term})",
            was.name()
        ),
        NodeEvent::Committed { index } => format!("S{s} advanced commitIndex to {index}"),
        NodeEvent::SnapshotTaken { index } => {
            format!("S{s} took a snapshot through index {index} (lastIncludedIndex)")
        }
        NodeEvent::SnapshotInstalled { index, term } => {
            format!("S{s} installed the leader's snapshot (lastIncludedIndex {index}, lastIncludedTerm {term})")
        }
        NodeEvent::LogTruncated { from, to } if from == to => {
            format!(
                "S{s} deleted its uncommitted entry {from}, which conflicted with the leader's log"
            )
        }
        NodeEvent::LogTruncated { from, to } => {
            format!("S{s} deleted its uncommitted entries {from}..{to}, which conflicted with the leader's log")
        }
    }
}

/// The trace digest of `reference_trace_digest()`'s scenario. Native tests and the wasm tests
/// in headless Chrome both assert it: same seed, same trace, on every platform.
pub const REFERENCE_TRACE_DIGEST: u64 = 12771483036004753081;

/// A fixed scenario (5 nodes, a lossy, delaying network, snapshots, a crash, a partition,
/// client load) run for 10 virtual seconds; returns its trace digest.
pub fn reference_trace_digest() -> u64 {
    let mut config = SimConfig::new(5, 2026);
    config.net = NetConfig {
        request_delay_ms_min: 20,
        request_delay_ms_max: 60,
        reply_delay_ms_min: 20,
        reply_delay_ms_max: 60,
        drop_request_permille: 50,
        drop_reply_permille: 50,
        long_reordering: false,
        long_delays: false,
    };
    config.snapshot_every = Some(10);
    let mut sim = Simulation::new(config).expect("valid config");
    let mut command = 0u32;
    while sim.now_ms() < 10_000 {
        let t = sim.now_ms() + 200;
        sim.run_until(t);
        command += 1;
        for node in 0..5 {
            sim.start(node, command.to_le_bytes().to_vec());
        }
        match t {
            3_000 => drop(sim.crash(0)),
            5_000 => drop(sim.restart(0)),
            6_000 => drop(sim.partition(&[alloc::vec![0, 1], alloc::vec![2, 3, 4]])),
            8_000 => sim.heal(),
            _ => {}
        }
    }
    assert!(
        sim.violation().is_none(),
        "the reference scenario must be safe"
    );
    sim.trace_digest()
}
