//! The page's cluster in plain Rust: a `Simulation` plus what the view needs (the options it
//! was made with, a bounded queue of page events, leader tracking for the event filter).
//!
//! No Raft logic lives here: every command is validated (ids, ranges) and then handed to the
//! simulator. Inputs are JavaScript numbers (`f64`) already type-checked by `lib.rs`, so every
//! range check, NaN and Infinity included, is here and testable natively. Errors are plain
//! English sentences; `lib.rs` prefixes them with the call (`crash(id): ...`) and throws them.

use crate::image::{Image, StoredNetwork, StoredOptions, StoredPersister};
use crate::view::{self, ClusterEvent, ClusterState, EventKindName, RequestResult};
use raftlab::core::{NodeEvent, NodeId, Persister, Role};
use raftlab::sim::rng::mix;
use raftlab::sim::{
    describe_node_event, DropReason, EventKind, NetConfig, SimConfig, SimEvent, Simulation,
};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// Smallest cluster the page offers (a majority must survive one crash).
pub const NODES_MIN: usize = 3;
/// Largest cluster (the simulator's limit).
pub const NODES_MAX: usize = raftlab::sim::NODES_MAX;
pub const DEFAULT_NODES: usize = 5;
pub const DEFAULT_ELECTION_TIMEOUT_MS: u64 = 300;
pub const DEFAULT_HEARTBEAT_MS: u64 = 100;
pub const DEFAULT_SNAPSHOT_EVERY: u64 = 10;
/// Bounds of the timing options, in ms.
pub const TIMING_MS_MAX: u64 = 60_000;
pub const SNAPSHOT_EVERY_MAX: u64 = 1_000_000;
/// The page's network: every message (request or reply) takes 20..=60 ms, none is lost.
pub const DEFAULT_DELAY_MS_MIN: u64 = 20;
pub const DEFAULT_DELAY_MS_MAX: u64 = 60;
/// Largest one-way delay `setNetwork` accepts.
pub const DELAY_MS_LIMIT: u64 = 10_000;
/// Largest `advance(ms)` in one call.
pub const ADVANCE_MS_MAX: f64 = 60_000.0;
/// `advance` runs the simulator in slices of this many virtual ms and drains its events after
/// each, so the simulator's own event buffer never overflows (slicing does not change the run).
const SLICE_MS: u64 = 1_000;
/// Page events kept between two `events()` calls (the newest).
pub const EVENTS_MAX: usize = 500;
/// Largest client command, in UTF-8 bytes.
pub const COMMAND_BYTES_MAX: usize = 1_000;
/// Largest JavaScript safe integer: every number handed to the page stays exact.
pub const SAFE_INTEGER_MAX: u64 = (1 << 53) - 1;

/// What a cluster is made with (ClusterOptions, validated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    pub nodes: usize,
    /// The seed the page shows and stores.
    pub seed: u64,
    /// Election timeouts are drawn from `[election_timeout_ms, 2 * election_timeout_ms)`.
    pub election_timeout_ms: u64,
    pub heartbeat_ms: u64,
    /// 0: never snapshot.
    pub snapshot_every: u64,
}

impl Options {
    pub fn with_seed(seed: u64) -> Options {
        Options {
            nodes: DEFAULT_NODES,
            seed,
            election_timeout_ms: DEFAULT_ELECTION_TIMEOUT_MS,
            heartbeat_ms: DEFAULT_HEARTBEAT_MS,
            snapshot_every: DEFAULT_SNAPSHOT_EVERY,
        }
    }

    /// Ok when the simulator will accept these options.
    pub fn validate(&self) -> Result<(), String> {
        if !(NODES_MIN..=NODES_MAX).contains(&self.nodes) {
            return Err(format!(
                "nodes must be {NODES_MIN}..{NODES_MAX}, got {}",
                self.nodes
            ));
        }
        if !(1..=TIMING_MS_MAX).contains(&self.election_timeout_ms) {
            return Err(format!(
                "electionTimeoutMs must be 1..{TIMING_MS_MAX}, got {}",
                self.election_timeout_ms
            ));
        }
        if !(1..=TIMING_MS_MAX).contains(&self.heartbeat_ms) {
            return Err(format!(
                "heartbeatMs must be 1..{TIMING_MS_MAX}, got {}",
                self.heartbeat_ms
            ));
        }
        if self.election_timeout_ms <= self.heartbeat_ms {
            return Err(format!(
                "electionTimeoutMs ({}) must be longer than heartbeatMs ({}), or followers time out between heartbeats",
                self.election_timeout_ms, self.heartbeat_ms
            ));
        }
        if self.snapshot_every > SNAPSHOT_EVERY_MAX {
            return Err(format!(
                "snapshotEvery must be 0..{SNAPSHOT_EVERY_MAX}, got {}",
                self.snapshot_every
            ));
        }
        Ok(())
    }

    /// The simulator's configuration for these options, with `sim_seed` and `net`.
    pub fn sim_config(&self, sim_seed: u64, net: NetConfig) -> SimConfig {
        let mut config = SimConfig::new(self.nodes, sim_seed);
        config.timing.election_timeout_ms_min = self.election_timeout_ms;
        config.timing.election_timeout_ms_max = 2 * self.election_timeout_ms;
        config.timing.heartbeat_ms = self.heartbeat_ms;
        config.net = net;
        config.snapshot_every = (self.snapshot_every > 0).then_some(self.snapshot_every);
        config.collect_applies = false;
        config.start_connected = true;
        config
    }
}

/// The page's network settings (NetworkOptions), validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    /// Loss probability of every request and every reply, in permille.
    pub drop_permille: u32,
    pub delay_ms_min: u64,
    pub delay_ms_max: u64,
    pub long_reordering: bool,
}

impl Network {
    pub const DEFAULT: Network = Network {
        drop_permille: 0,
        delay_ms_min: DEFAULT_DELAY_MS_MIN,
        delay_ms_max: DEFAULT_DELAY_MS_MAX,
        long_reordering: false,
    };

    pub fn validate(&self) -> Result<(), String> {
        if self.drop_permille > 1000 {
            return Err(format!(
                "dropRate must be 0..1, got {}",
                self.drop_permille as f64 / 1000.0
            ));
        }
        if self.delay_ms_max > DELAY_MS_LIMIT {
            return Err(format!(
                "delayMsMax must be at most {DELAY_MS_LIMIT}, got {}",
                self.delay_ms_max
            ));
        }
        if self.delay_ms_min > self.delay_ms_max {
            return Err(format!(
                "delayMsMin ({}) must not exceed delayMsMax ({})",
                self.delay_ms_min, self.delay_ms_max
            ));
        }
        Ok(())
    }

    /// Requests and replies get the same delay range and the same loss rate.
    pub fn net_config(&self) -> NetConfig {
        NetConfig {
            request_delay_ms_min: self.delay_ms_min,
            request_delay_ms_max: self.delay_ms_max,
            reply_delay_ms_min: self.delay_ms_min,
            reply_delay_ms_max: self.delay_ms_max,
            drop_request_permille: self.drop_permille,
            drop_reply_permille: self.drop_permille,
            long_reordering: self.long_reordering,
            long_delays: false,
        }
    }

    /// What the page shows of a simulator network (request side).
    pub fn of(net: &NetConfig) -> Network {
        Network {
            drop_permille: net.drop_request_permille,
            delay_ms_min: net.request_delay_ms_min,
            delay_ms_max: net.request_delay_ms_max,
            long_reordering: net.long_reordering,
        }
    }
}

/// A partial NetworkOptions: the fields given to `setNetwork`, as JavaScript values.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NetworkPatch {
    pub drop_rate: Option<f64>,
    pub delay_ms_min: Option<f64>,
    pub delay_ms_max: Option<f64>,
    pub long_reordering: Option<bool>,
}

/// The simulator seed of a cluster restored at `now_ms` from a cluster seeded `seed`: a new run
/// (not a replay of the old one), yet the same for the same stored image.
pub fn restored_sim_seed(seed: u64, now_ms: u64) -> u64 {
    mix(seed ^ mix(now_ms ^ 0x7261_6674_6c61_6221))
}

/// "2.5", "NaN", "Infinity": a JavaScript number as JavaScript prints it (near enough).
pub fn js_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        format!("{x}")
    }
}

/// Why a command was not carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The argument itself is wrong (type aside): out of range, NaN, unknown node, ...
    BadArgument(String),
    /// A fine argument the cluster cannot act on now: "S3 is already crashed", "no leader: ...".
    Refused(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::BadArgument(m) | Refusal::Refused(m) => f.write_str(m),
        }
    }
}

fn refused(e: raftlab::sim::SimError) -> Refusal {
    Refusal::Refused(e.0)
}

/// A whole number in `lo..=hi` from a JavaScript number, or an error naming `what`.
pub fn whole(what: &str, x: f64, lo: u64, hi: u64) -> Result<u64, String> {
    if !x.is_finite() || x.fract() != 0.0 || x < lo as f64 || x > hi as f64 {
        return Err(format!(
            "{what} must be a whole number {lo}..{hi}, got {}",
            js_number(x)
        ));
    }
    Ok(x as u64)
}

/// Why a message was dropped, naming the node concerned. A reply is dropped as
/// `SenderGone` when the node that sent the request (the reply's receiver, `to`) crashed
/// or restarted meanwhile; a request as `ReceiverGone` when its receiver did.
fn drop_reason(reason: DropReason, to: NodeId) -> String {
    let to = to + 1;
    match reason {
        DropReason::SenderGone => {
            format!("S{to}, which sent the request, crashed or restarted before the reply arrived")
        }
        DropReason::ReceiverGone => format!("S{to} was cut off, crashed or restarted"),
        DropReason::Unreachable => format!("S{to} was unreachable when it was sent"),
        other => other.describe().into(),
    }
}

pub struct Engine {
    sim: Simulation,
    options: Options,
    /// Page events not yet handed out by `events()`, oldest first, at most EVENTS_MAX.
    events: VecDeque<ClusterEvent>,
    /// Per node: the term it became leader in, while it has not stepped down, crashed or
    /// restarted since (from the event stream, so it is right at the time of each event).
    leading: Vec<Option<u64>>,
    /// Per node: the role it had when it crashed, while it stays crashed (its view shows it).
    crashed_role: Vec<Option<Role>>,
    /// Term of each message in flight (from its Sent event), to narrate drops.
    message_terms: BTreeMap<u64, u64>,
    /// Fraction of a virtual ms that `advance` has not run yet.
    fraction_ms: f64,
    /// Bumped by changes the image holds that are not persister writes (the network).
    settings_version: u64,
}

impl Engine {
    /// A new cluster: every node starts empty, the network is the page's default.
    pub fn new(options: Options) -> Result<Engine, String> {
        options.validate()?;
        let sim = Simulation::new(options.sim_config(options.seed, Network::DEFAULT.net_config()))
            .map_err(|e| e.to_string())?;
        Ok(Engine::around(sim, options))
    }

    /// A cluster from a stored image (already validated by `image::decode`): every node
    /// restarts from its persisted state at the stored time, as after a crash of them all.
    pub fn restore(image: &Image) -> Result<Engine, String> {
        let options = image.options.to_options();
        options
            .validate()
            .map_err(|e| format!("stored cluster image is inconsistent: {e}"))?;
        let network = image.network.to_network();
        network
            .validate()
            .map_err(|e| format!("stored cluster image is inconsistent: {e}"))?;
        if image.persisters.len() != options.nodes {
            return Err(format!(
                "stored cluster image is inconsistent: {} nodes but {} persisters",
                options.nodes,
                image.persisters.len()
            ));
        }
        let persisters: Vec<Persister> = image
            .persisters
            .iter()
            .map(|p| {
                let mut persister = Persister::new();
                persister.save(
                    Arc::from(p.raftstate.as_slice()),
                    Arc::from(p.snapshot.as_slice()),
                );
                persister
            })
            .collect();
        let config = options.sim_config(
            restored_sim_seed(options.seed, image.now_ms),
            network.net_config(),
        );
        let sim = Simulation::with_persisters(config, persisters, image.now_ms)
            .map_err(|e| format!("stored cluster image is inconsistent: {e}"))?;
        Ok(Engine::around(sim, options))
    }

    fn around(sim: Simulation, options: Options) -> Engine {
        let mut engine = Engine {
            leading: vec![None; sim.len()],
            crashed_role: vec![None; sim.len()],
            sim,
            options,
            events: VecDeque::new(),
            message_terms: BTreeMap::new(),
            fraction_ms: 0.0,
            settings_version: 0,
        };
        engine.pump();
        engine
    }

    /// The image `saveImage()` stores: options, network, time and every node's persister.
    pub fn image(&self) -> Image {
        Image {
            options: StoredOptions::of(&self.options),
            now_ms: self.sim.now_ms(),
            network: StoredNetwork::of(&self.network()),
            persisters: (0..self.sim.len())
                .map(|i| {
                    let p = &self.sim.node(i).persister;
                    StoredPersister {
                        raftstate: p.raftstate().to_vec(),
                        snapshot: p.snapshot().to_vec(),
                    }
                })
                .collect(),
        }
    }

    // ----- views -----

    pub fn sim(&self) -> &Simulation {
        &self.sim
    }
    pub fn options(&self) -> &Options {
        &self.options
    }
    pub fn network(&self) -> Network {
        Network::of(&self.sim.net())
    }
    pub fn now_ms(&self) -> u64 {
        self.sim.now_ms()
    }
    pub fn node_count(&self) -> usize {
        self.sim.len()
    }
    /// Bumps whenever a persister is written (or the stored network settings change).
    pub fn persist_version(&self) -> u64 {
        self.sim.persist_version() + self.settings_version
    }
    pub fn trace_digest(&self) -> u64 {
        self.sim.trace_digest()
    }
    pub fn state(&self) -> ClusterState {
        view::cluster_state(self)
    }
    /// The page events since the last call, oldest first (at most EVENTS_MAX, the newest).
    pub fn take_events(&mut self) -> Vec<ClusterEvent> {
        self.pump();
        self.events.drain(..).collect()
    }

    /// The live node that thinks it is leader with the highest term.
    pub fn leader(&self) -> Option<NodeId> {
        (0..self.sim.len())
            .filter_map(|i| {
                self.sim
                    .raft(i)
                    .filter(|r| r.role() == Role::Leader)
                    .map(|r| (r.current_term(), i))
            })
            .max()
            .map(|(_, i)| i)
    }

    // ----- commands -----

    /// Run virtual time forward by `ms` (fractions add up across calls).
    pub fn advance(&mut self, ms: f64) -> Result<(), Refusal> {
        if !ms.is_finite() || ms < 0.0 {
            return Err(Refusal::BadArgument(format!(
                "ms must be a finite number >= 0, got {}",
                js_number(ms)
            )));
        }
        if ms > ADVANCE_MS_MAX {
            return Err(Refusal::BadArgument(format!(
                "ms must be at most {ADVANCE_MS_MAX} per call, got {}",
                js_number(ms)
            )));
        }
        let total = self.fraction_ms + ms;
        let whole = total.floor();
        self.fraction_ms = total - whole;
        let target = self.sim.now_ms().saturating_add(whole as u64);
        if target > SAFE_INTEGER_MAX {
            return Err(Refusal::Refused("virtual time would pass 2^53 ms".into()));
        }
        while self.sim.now_ms() < target {
            let next = target.min(self.sim.now_ms() + SLICE_MS);
            self.sim.run_until(next);
            self.pump();
        }
        Ok(())
    }

    /// A node id 1..n from JavaScript as the simulator's 0-based index.
    pub fn node_index(&self, id: f64) -> Result<NodeId, Refusal> {
        let n = self.sim.len();
        if !id.is_finite() || id.fract() != 0.0 {
            return Err(Refusal::BadArgument(format!(
                "id must be a node id 1..{n}, got {}",
                js_number(id)
            )));
        }
        if id < 1.0 || id > n as f64 {
            return Err(Refusal::BadArgument(format!(
                "unknown node {}: this cluster has nodes 1..{n}",
                js_number(id)
            )));
        }
        Ok(id as usize - 1)
    }

    /// The role node `i` had when it crashed (None while it runs, or when unknown).
    pub fn crashed_role(&self, i: usize) -> Option<Role> {
        self.crashed_role.get(i).copied().flatten()
    }

    pub fn crash(&mut self, id: f64) -> Result<(), Refusal> {
        let node = self.node_index(id)?;
        let role = self.sim.raft(node).map(|r| r.role());
        let result = self.sim.crash(node).map_err(refused);
        if result.is_ok() {
            self.crashed_role[node] = role;
        }
        self.pump();
        result
    }

    pub fn restart(&mut self, id: f64) -> Result<(), Refusal> {
        let node = self.node_index(id)?;
        let result = self.sim.restart(node).map_err(refused);
        if result.is_ok() {
            self.crashed_role[node] = None;
        }
        self.pump();
        result
    }

    pub fn disconnect(&mut self, id: f64) -> Result<(), Refusal> {
        let node = self.node_index(id)?;
        let result = self.sim.disconnect(node).map_err(refused);
        self.pump();
        result
    }

    pub fn connect(&mut self, id: f64) -> Result<(), Refusal> {
        let node = self.node_index(id)?;
        let result = self.sim.connect(node).map_err(refused);
        self.pump();
        result
    }

    /// Force an election on `id` now.
    pub fn timeout(&mut self, id: f64) -> Result<(), Refusal> {
        let node = self.node_index(id)?;
        let result = self.sim.timeout(node).map_err(refused);
        self.pump();
        result
    }

    /// Split the network into `groups` of node ids; nodes not named are each alone.
    pub fn partition(&mut self, groups: &[Vec<f64>]) -> Result<(), Refusal> {
        let n = self.sim.len();
        let mut seen = vec![false; n];
        let mut indices = Vec::with_capacity(groups.len());
        for group in groups {
            let mut g = Vec::with_capacity(group.len());
            for &id in group {
                let node = self.node_index(id)?;
                if std::mem::replace(&mut seen[node], true) {
                    return Err(Refusal::BadArgument(format!(
                        "node {} appears more than once (each node belongs to one group)",
                        node + 1
                    )));
                }
                g.push(node);
            }
            indices.push(g);
        }
        let result = self.sim.partition(&indices).map_err(refused);
        self.pump();
        result
    }

    /// One network again, every node connected.
    pub fn heal(&mut self) {
        self.sim.heal();
        self.pump();
    }

    /// Lose the message `id` that is in flight.
    pub fn drop_message(&mut self, id: f64) -> Result<(), Refusal> {
        let id = whole("id", id, 0, SAFE_INTEGER_MAX).map_err(|e| {
            Refusal::BadArgument(format!("{e} (a message id from state().messages)"))
        })?;
        if self.sim.drop_message(id) {
            Ok(())
        } else {
            Err(Refusal::Refused(format!(
                "message {id} is not in flight (it was delivered or dropped already)"
            )))
        }
    }

    /// Change the given network settings; the others stay. All or nothing.
    pub fn set_network(&mut self, patch: NetworkPatch) -> Result<(), Refusal> {
        self.patched_network(patch)
            .map_err(Refusal::BadArgument)
            .map(|net| {
                if net != self.network() {
                    self.sim.set_net(net.net_config());
                    self.settings_version += 1;
                }
            })
    }

    fn patched_network(&self, patch: NetworkPatch) -> Result<Network, String> {
        let mut net = self.network();
        if let Some(rate) = patch.drop_rate {
            if !rate.is_finite() || !(0.0..=1.0).contains(&rate) {
                return Err(format!(
                    "dropRate must be a probability 0..1, got {}",
                    js_number(rate)
                ));
            }
            net.drop_permille = (rate * 1000.0).round() as u32;
        }
        if let Some(min) = patch.delay_ms_min {
            net.delay_ms_min = whole("delayMsMin", min, 0, DELAY_MS_LIMIT)?;
        }
        if let Some(max) = patch.delay_ms_max {
            net.delay_ms_max = whole("delayMsMax", max, 0, DELAY_MS_LIMIT)?;
        }
        if let Some(on) = patch.long_reordering {
            net.long_reordering = on;
        }
        net.validate()?;
        Ok(net)
    }

    /// Submit `command` to the current leader.
    pub fn request(&mut self, command: &str) -> Result<RequestResult, Refusal> {
        if command.is_empty() {
            return Err(Refusal::BadArgument("command must not be empty".into()));
        }
        if command.len() > COMMAND_BYTES_MAX {
            return Err(Refusal::BadArgument(format!(
                "command must be at most {COMMAND_BYTES_MAX} bytes of UTF-8, got {}",
                command.len()
            )));
        }
        let Some(leader) = self.leader() else {
            return Err(Refusal::Refused(format!(
                "no leader: {}",
                self.why_no_leader()
            )));
        };
        let result = self.sim.start(leader, command.as_bytes().to_vec());
        self.pump();
        match result {
            Some((index, term)) => Ok(RequestResult {
                index,
                term,
                leader: leader as u32 + 1,
            }),
            None => Err(Refusal::Refused(format!(
                "no leader: S{} stopped being leader before it could take the command",
                leader + 1
            ))),
        }
    }

    fn why_no_leader(&self) -> String {
        let n = self.sim.len();
        let alive = (0..n).filter(|&i| self.sim.raft(i).is_some()).count();
        if alive <= n / 2 {
            format!(
                "only {alive} of {n} nodes are alive and a leader needs votes from a majority ({}); restart a node",
                n / 2 + 1
            )
        } else {
            "no live node thinks it is leader right now (an election may be under way); advance time and try again".into()
        }
    }

    // ----- events -----

    /// Turn the simulator's new events into page events.
    fn pump(&mut self) {
        let drained = self.sim.drain_events();
        for event in drained {
            self.narrate(event);
        }
    }

    fn push(
        &mut self,
        time_ms: u64,
        kind: EventKindName,
        node: Option<NodeId>,
        term: Option<u64>,
        index: Option<u64>,
        text: String,
    ) {
        if self.events.len() == EVENTS_MAX {
            self.events.pop_front();
        }
        self.events.push_back(ClusterEvent {
            time_ms,
            kind,
            node: node.map(|i| i as u32 + 1),
            term,
            index,
            message: None,
            text,
        });
    }

    fn narrate(&mut self, event: SimEvent) {
        let t = event.time_ms;
        match event.kind {
            EventKind::Node { node, event } => {
                let text = describe_node_event(node, &event);
                match event {
                    NodeEvent::ElectionStarted { term } => self.push(
                        t,
                        EventKindName::ElectionStarted,
                        Some(node),
                        Some(term),
                        None,
                        text,
                    ),
                    NodeEvent::VoteGranted { term, .. } => self.push(
                        t,
                        EventKindName::VoteGranted,
                        Some(node),
                        Some(term),
                        None,
                        text,
                    ),
                    NodeEvent::BecameLeader { term } => {
                        self.leading[node] = Some(term);
                        self.push(
                            t,
                            EventKindName::BecameLeader,
                            Some(node),
                            Some(term),
                            None,
                            text,
                        )
                    }
                    NodeEvent::SteppedDown { term, .. } => {
                        self.leading[node] = None;
                        self.push(
                            t,
                            EventKindName::SteppedDown,
                            Some(node),
                            Some(term),
                            None,
                            text,
                        )
                    }
                    NodeEvent::Committed { index } => {
                        // A leader commits only entries of its own term (§5.4.2): that is the
                        // entry's term.
                        if let Some(term) = self.leading[node] {
                            self.push(
                                t,
                                EventKindName::Commit,
                                Some(node),
                                Some(term),
                                Some(index),
                                text,
                            )
                        }
                    }
                    NodeEvent::SnapshotTaken { index } => self.push(
                        t,
                        EventKindName::Snapshot,
                        Some(node),
                        None,
                        Some(index),
                        text,
                    ),
                    NodeEvent::SnapshotInstalled { index, term } => self.push(
                        t,
                        EventKindName::InstallSnapshot,
                        Some(node),
                        Some(term),
                        Some(index),
                        text,
                    ),
                    NodeEvent::LogTruncated { from, .. } => self.push(
                        t,
                        EventKindName::Truncate,
                        Some(node),
                        None,
                        Some(from),
                        text,
                    ),
                }
            }
            EventKind::Sent { id, term, .. } => {
                self.message_terms.insert(id, term);
            }
            EventKind::Delivered { id, .. } => {
                self.message_terms.remove(&id);
            }
            EventKind::Dropped {
                id,
                from,
                to,
                kind,
                reason,
            } => {
                let term = self.message_terms.remove(&id);
                let text = format!(
                    "{} S{}→S{} (message {id}) was dropped: {}",
                    kind.name(),
                    from + 1,
                    to + 1,
                    drop_reason(reason, to)
                );
                self.push(
                    t,
                    EventKindName::MessageDropped,
                    Some(from),
                    term,
                    None,
                    text,
                );
                if let Some(last) = self.events.back_mut() {
                    last.message = Some(id);
                }
            }
            EventKind::Applied { .. } | EventKind::TimedOut { .. } => {}
            EventKind::Crashed { node } => {
                self.leading[node] = None;
                let text = format!("S{} crashed: it keeps only its persisted state (currentTerm, votedFor, log[], snapshot)", node + 1);
                self.push(t, EventKindName::Crash, Some(node), None, None, text);
            }
            EventKind::Restarted { node } => {
                self.leading[node] = None;
                let term = self.sim.raft(node).map(|r| r.current_term());
                let text = format!(
                    "S{} restarted from its persisted state as a follower",
                    node + 1
                );
                self.push(t, EventKindName::Restart, Some(node), term, None, text);
            }
            EventKind::Connected { node } => {
                let text = format!("S{} was connected to the network", node + 1);
                self.push(t, EventKindName::Connect, Some(node), None, None, text);
            }
            EventKind::Disconnected { node } => {
                let text = format!("S{} was disconnected from the network", node + 1);
                self.push(t, EventKindName::Disconnect, Some(node), None, None, text);
            }
            EventKind::Partitioned { groups } => {
                let n = self.sim.len();
                let mut named = vec![false; n];
                let mut parts: Vec<String> = Vec::new();
                for group in &groups {
                    group.iter().for_each(|&i| named[i] = true);
                    if !group.is_empty() {
                        parts.push(format!(
                            "{{{}}}",
                            group
                                .iter()
                                .map(|i| format!("S{}", i + 1))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
                parts.extend(
                    (0..n)
                        .filter(|&i| !named[i])
                        .map(|i| format!("{{S{}}}", i + 1)),
                );
                let text = format!("The network was partitioned into {}", parts.join(" | "));
                self.push(t, EventKindName::Partition, None, None, None, text);
            }
            EventKind::Healed => {
                self.push(
                    t,
                    EventKindName::Heal,
                    None,
                    None,
                    None,
                    "The network was healed: every node can reach every other".into(),
                );
            }
            EventKind::Requested { node, index, term } => {
                let command = self
                    .sim
                    .raft(node)
                    .and_then(|r| r.log().entry(index))
                    .map(|e| view::command_text(&e.command))
                    .unwrap_or_default();
                let text =
                    format!("Client request \u{201c}{command}\u{201d} appended by leader S{} at index {index} in term {term}", node + 1);
                self.push(
                    t,
                    EventKindName::Request,
                    Some(node),
                    Some(term),
                    Some(index),
                    text,
                );
            }
        }
        // Terms of messages whose end was never seen (none expected) must not pile up.
        if self.message_terms.len() > 100_000 {
            self.message_terms.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elected(seed: u64) -> Engine {
        let mut e = Engine::new(Options::with_seed(seed)).unwrap();
        while e.leader().is_none() {
            assert!(e.now_ms() < 5_000, "no leader within 5 s");
            e.advance(50.0).unwrap();
        }
        e
    }

    #[test]
    fn a_reply_dropped_because_its_requester_crashed_names_the_requester() {
        let mut e = elected(3);
        let leader = e.leader().unwrap() as u32 + 1;
        // Wait for a reply on its way back to the leader, then crash the leader.
        let mut reply = None;
        for _ in 0..2_000 {
            reply = e
                .state()
                .messages
                .iter()
                .find(|m| m.to == leader && m.kind == "AppendEntriesReply")
                .map(|m| (m.id, m.from));
            if reply.is_some() {
                break;
            }
            e.advance(1.0).unwrap();
        }
        let (id, from) = reply.expect("a reply in flight to the leader");
        e.take_events();
        e.crash(leader as f64).unwrap();
        e.advance(200.0).unwrap();
        let dropped = e
            .take_events()
            .into_iter()
            .find(|ev| ev.kind == EventKindName::MessageDropped && ev.message == Some(id))
            .expect("the reply is dropped");
        assert!(
            dropped.text.contains(&format!(
                "S{from}→S{leader} (message {id}) was dropped: S{leader}, which sent the request, crashed"
            )),
            "{}",
            dropped.text
        );
    }

    fn bad(r: Result<(), Refusal>) -> String {
        match r {
            Err(Refusal::BadArgument(m)) => m,
            other => panic!("expected a bad argument, got {other:?}"),
        }
    }

    #[test]
    fn options_are_checked() {
        let mut o = Options::with_seed(1);
        o.nodes = 2;
        assert!(Engine::new(o).err().unwrap().contains("nodes must be 3..9"));
        o.nodes = 10;
        assert!(Engine::new(o).is_err());
        let mut o = Options::with_seed(1);
        o.heartbeat_ms = 300;
        assert!(Engine::new(o)
            .err()
            .unwrap()
            .contains("longer than heartbeatMs"));
        let o = Options {
            snapshot_every: 0,
            ..Options::with_seed(1)
        };
        assert_eq!(
            o.sim_config(1, Network::DEFAULT.net_config())
                .snapshot_every,
            None
        );
    }

    #[test]
    fn arguments_are_checked_before_the_simulator_sees_them() {
        let mut e = Engine::new(Options::with_seed(3)).unwrap();
        assert_eq!(
            bad(e.crash(0.0)),
            "unknown node 0: this cluster has nodes 1..5"
        );
        assert_eq!(
            bad(e.crash(6.0)),
            "unknown node 6: this cluster has nodes 1..5"
        );
        assert_eq!(bad(e.crash(f64::NAN)), "id must be a node id 1..5, got NaN");
        assert_eq!(
            bad(e.restart(f64::INFINITY)),
            "id must be a node id 1..5, got Infinity"
        );
        assert_eq!(bad(e.timeout(1.5)), "id must be a node id 1..5, got 1.5");
        assert_eq!(
            bad(e.advance(-1.0)),
            "ms must be a finite number >= 0, got -1"
        );
        assert_eq!(
            bad(e.advance(f64::NAN)),
            "ms must be a finite number >= 0, got NaN"
        );
        assert!(bad(e.advance(60_001.0)).contains("at most 60000"));
        assert!(bad(e.partition(&[vec![1.0, 2.0], vec![2.0, 3.0]]))
            .contains("node 2 appears more than once"));
        assert!(bad(e.partition(&[vec![1.0, 7.0]])).contains("unknown node 7"));
        assert!(bad(e.set_network(NetworkPatch {
            drop_rate: Some(2.0),
            ..Default::default()
        }))
        .contains("dropRate"));
        assert!(bad(e.set_network(NetworkPatch {
            delay_ms_min: Some(80.0),
            delay_ms_max: Some(50.0),
            ..Default::default()
        }))
        .contains("delayMsMin (80) must not exceed delayMsMax (50)"));
        assert!(bad(e.set_network(NetworkPatch {
            delay_ms_max: Some(10_001.0),
            ..Default::default()
        }))
        .contains("delayMsMax"));
        assert!(matches!(e.request("x"), Err(Refusal::Refused(m)) if m.starts_with("no leader: ")));
        assert!(matches!(e.drop_message(12345.0), Err(Refusal::Refused(_))));
        assert_eq!(
            e.network(),
            Network::DEFAULT,
            "refused changes change nothing"
        );
        e.crash(2.0).unwrap();
        assert!(matches!(e.crash(2.0), Err(Refusal::Refused(m)) if m.contains("already crashed")));
    }

    #[test]
    fn a_request_commits_on_a_majority() {
        let mut e = elected(11);
        let r = e.request("hello").unwrap();
        assert_eq!(r.leader as usize, e.leader().unwrap() + 1);
        e.advance(1_000.0).unwrap();
        let state = e.state();
        let committed = state
            .nodes
            .iter()
            .filter(|n| n.commit_index >= r.index)
            .count();
        assert!(committed >= 3, "committed on {committed} nodes");
        let leader = &state.nodes[r.leader as usize - 1];
        assert!(leader
            .log
            .iter()
            .any(|x| x.index == r.index && x.term == r.term && x.command == "hello"));
        let events = e.take_events();
        assert!(events
            .iter()
            .any(|ev| ev.kind == EventKindName::Request && ev.text.contains("hello")));
        assert!(events
            .iter()
            .any(|ev| ev.kind == EventKindName::Commit && ev.index == Some(r.index)));
        assert!(
            events
                .iter()
                .all(|ev| ev.kind != EventKindName::Commit || ev.node == Some(r.leader)),
            "only the leader's commits"
        );
    }

    #[test]
    fn a_crashed_node_shows_what_it_persisted() {
        let mut e = elected(5);
        e.request("kept").unwrap();
        e.advance(500.0).unwrap();
        let leader = e.leader().unwrap();
        let before = e.state().nodes[leader].clone();
        e.crash(leader as f64 + 1.0).unwrap();
        let after = &e.state().nodes[leader];
        assert!(!after.alive);
        assert_eq!(
            after.role, "leader",
            "a crashed leader's view says what it was"
        );
        assert_eq!(
            (after.term, after.voted_for),
            (before.term, before.voted_for)
        );
        assert_eq!(after.log, before.log);
        assert_eq!(after.commit_index, after.snapshot_index);
        assert!(after.election_timer.is_none() && after.next_index.is_none());
        let events = e.take_events();
        assert!(events
            .iter()
            .any(|ev| ev.kind == EventKindName::Crash && ev.node == Some(leader as u32 + 1)));
        e.advance(300.0).unwrap();
        let dropped = e
            .take_events()
            .into_iter()
            .filter(|ev| ev.kind == EventKindName::MessageDropped)
            .count();
        assert!(dropped > 0, "messages to the crashed node are dropped");
    }

    #[test]
    fn events_are_bounded_and_messages_have_the_papers_fields() {
        let mut e = elected(9);
        e.advance(300.0).unwrap();
        let state = e.state();
        assert!(!state.messages.is_empty());
        for m in &state.messages {
            let keys: Vec<&str> = m.fields.keys().map(String::as_str).collect();
            match m.kind.as_str() {
                "AppendEntries" => assert_eq!(
                    keys,
                    [
                        "entries",
                        "leaderCommit",
                        "leaderId",
                        "prevLogIndex",
                        "prevLogTerm"
                    ]
                ),
                "AppendEntriesReply" => assert_eq!(
                    keys,
                    ["conflictIndex", "conflictTerm", "matchIndex", "success"]
                ),
                _ => {}
            }
        }
        e.crash(1.0).unwrap();
        e.crash(2.0).unwrap();
        e.crash(3.0).unwrap();
        e.advance(60_000.0).unwrap();
        let events = e.take_events();
        assert_eq!(events.len(), EVENTS_MAX);
        assert!(events.windows(2).all(|w| w[0].time_ms <= w[1].time_ms));
        assert!(e.take_events().is_empty());
    }

    #[test]
    fn slicing_advance_does_not_change_the_run() {
        let mut a = Engine::new(Options::with_seed(21)).unwrap();
        let mut b = Engine::new(Options::with_seed(21)).unwrap();
        a.advance(7_000.0).unwrap();
        for _ in 0..700 {
            b.advance(10.0).unwrap();
        }
        assert_eq!(a.trace_digest(), b.trace_digest());
        let mut c = Engine::new(Options::with_seed(22)).unwrap();
        c.advance(7_000.0).unwrap();
        assert_ne!(a.trace_digest(), c.trace_digest());
    }
}
