//! The page's cluster in plain Rust: a `Simulation` plus what the view needs (the options it
//! was made with, a bounded queue of page events, leader tracking for the event filter).
//!
//! No Raft logic lives here: every command is validated (ids, ranges) and then handed to the
//! simulator. Inputs are JavaScript numbers (`f64`) already type-checked by `lib.rs`, so every
//! range check, NaN and Infinity included, is here and testable natively. Errors are plain
//! English sentences; `lib.rs` prefixes them with the call (`crash(id): ...`) and throws them.

use crate::image::{Image, StoredNetwork, StoredOptions, StoredPersister};
use crate::view::{self, ClusterEvent, ClusterState, RequestResult};
use raftlab::core::{NodeId, Persister, Role};
use raftlab::sim::rng::mix;
use raftlab::sim::{Input, NetConfig, Outcome, SimConfig, Simulation};
use raftlab_session::TimeTravel;
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
/// Page events kept between two `events()` calls (the newest).
pub const EVENTS_MAX: usize = raftlab_session::time_travel::FRESH_MAX;
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

fn refused(e: raftlab::sim::Error) -> Refusal {
    Refusal::Refused(e.to_string())
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

pub struct Engine {
    /// The run, its checkpoints and the moment shown: every command is an input of it.
    travel: TimeTravel,
    options: Options,
    /// True when the run started from a fresh cluster (`Simulation::new` of its config), so
    /// its link replays it; false for a cluster restored from storage.
    fresh_start: bool,
    /// Fraction of a virtual ms that `advance` has not run yet.
    fraction_ms: f64,
    /// Bumped by changes the image holds that are not persister writes (the network).
    settings_version: u64,
    /// The run file's title and captions (the tester's steps), when it came from one.
    title: Option<String>,
    captions: Vec<raftlab_session::file::Caption>,
}

impl Engine {
    /// A new cluster: every node starts empty, the network is the page's default.
    pub fn new(options: Options) -> Result<Engine, String> {
        options.validate()?;
        let sim = Simulation::new(options.sim_config(options.seed, Network::DEFAULT.net_config()))
            .map_err(|e| e.to_string())?;
        let mut engine = Engine::around(sim, options);
        engine.fresh_start = true;
        Ok(engine)
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
        Engine {
            travel: TimeTravel::new(sim),
            options,
            fresh_start: false,
            fraction_ms: 0.0,
            settings_version: 0,
            title: None,
            captions: Vec::new(),
        }
    }

    /// The cluster of a link (already decoded and validated): its run replayed from a fresh
    /// start, showing the link's moment.
    pub fn from_link(link: raftlab_session::Link) -> Result<Engine, String> {
        let config = &link.run.config;
        let options = Options {
            nodes: config.nodes,
            seed: config.seed,
            election_timeout_ms: config.timing.election_timeout_ms_min,
            heartbeat_ms: config.timing.heartbeat_ms,
            snapshot_every: config.snapshot_every.unwrap_or(0),
        };
        options
            .validate()
            .map_err(|e| format!("the link's cluster is not one this page shows: {e}"))?;
        let end = link
            .run
            .inputs
            .last()
            .map_or(0, |(at, _)| at.at_ms)
            .max(link.position_ms.unwrap_or(0));
        let at = link.position_ms.unwrap_or(end);
        let travel = TimeTravel::from_run(link.run, end).map_err(|e| e.to_string())?;
        let mut engine = Engine {
            travel,
            options,
            fresh_start: true,
            fraction_ms: 0.0,
            settings_version: 0,
            title: None,
            captions: Vec::new(),
        };
        engine.travel.seek(at);
        Ok(engine)
    }

    /// The cluster of a run file (already read and validated by `RunFile::read`): its run
    /// replayed from a fresh start to its end, shown paused at its start.
    pub fn from_run_file(file: raftlab_session::file::RunFile) -> Result<Engine, String> {
        let config = &file.run.config;
        let options = Options {
            nodes: config.nodes,
            seed: config.seed,
            election_timeout_ms: config.timing.election_timeout_ms_min,
            heartbeat_ms: config.timing.heartbeat_ms,
            snapshot_every: config.snapshot_every.unwrap_or(0),
        };
        let last = file.run.inputs.last().map_or(0, |(at, _)| at.at_ms);
        let end = file.end.map_or(last, |e| e.at_ms).max(last);
        let travel = TimeTravel::from_run(file.run, end).map_err(|e| e.to_string())?;
        let mut engine = Engine {
            travel,
            options,
            fresh_start: true,
            fraction_ms: 0.0,
            settings_version: 0,
            title: file.title,
            captions: file.captions,
        };
        let start = engine.travel.start_ms();
        engine.travel.seek(start);
        Ok(engine)
    }

    /// The run as a readable run file (`RunFile::write`), with its title and captions, its end
    /// and the trace digest there (the moment shown when that is the end, else a replay).
    pub fn run_file(&self) -> String {
        let mut file = raftlab_session::file::RunFile::of(self.travel.run().clone());
        file.title = self.title.clone();
        file.captions = self.captions.clone();
        let end = if self.travel.at_end() {
            Some((self.sim().stamp(), self.trace_digest()))
        } else {
            self.travel
                .run()
                .replay_until(self.travel.end_ms())
                .ok()
                .map(|sim| (sim.stamp(), sim.trace_digest()))
        };
        if let Some((stamp, digest)) = end {
            file.end = Some(stamp);
            file.trace_digest = Some(digest);
        }
        file.write()
    }

    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
    pub fn captions(&self) -> &[raftlab_session::file::Caption] {
        &self.captions
    }

    /// The run and the moment shown as link text; refused for a cluster restored from
    /// storage (a link replays from a fresh start, which that run did not have).
    pub fn link(&self) -> Result<String, Refusal> {
        if !self.fresh_start {
            return Err(Refusal::Refused(format!(
                "this cluster was restored from storage at {} ms, as after a crash of every node, and a link replays a run from a fresh start: Reset (or open ?nodes=&seed=) to start a run that a link can share",
                self.travel.start_ms()
            )));
        }
        Ok(raftlab_session::link::encode(
            self.travel.run(),
            Some(self.now_ms()),
        ))
    }

    /// The image `saveImage()` stores: options, network, time and every node's persister.
    pub fn image(&self) -> Image {
        Image {
            options: StoredOptions::of(&self.options),
            now_ms: self.sim().now_ms(),
            network: StoredNetwork::of(&self.network()),
            persisters: (0..self.sim().len())
                .map(|i| {
                    let p = &self.sim().node(i).persister;
                    StoredPersister {
                        raftstate: p.raftstate().to_vec(),
                        snapshot: p.snapshot().to_vec(),
                    }
                })
                .collect(),
        }
    }

    // ----- views -----

    /// The simulation at the moment shown.
    pub fn sim(&self) -> &Simulation {
        self.travel.sim()
    }
    pub fn travel(&self) -> &TimeTravel {
        &self.travel
    }
    pub fn options(&self) -> &Options {
        &self.options
    }
    pub fn network(&self) -> Network {
        Network::of(&self.sim().net())
    }
    pub fn now_ms(&self) -> u64 {
        self.sim().now_ms()
    }
    pub fn node_count(&self) -> usize {
        self.sim().len()
    }
    /// Bumps whenever a persister is written (or the stored network settings change).
    pub fn persist_version(&self) -> u64 {
        self.sim().persist_version() + self.settings_version
    }
    pub fn trace_digest(&self) -> u64 {
        self.sim().trace_digest()
    }
    pub fn state(&self) -> ClusterState {
        view::cluster_state(self)
    }
    /// The page events since the last call, oldest first (at most EVENTS_MAX, the newest).
    pub fn take_events(&mut self) -> Vec<ClusterEvent> {
        self.travel
            .take_fresh()
            .iter()
            .map(view::cluster_event)
            .collect()
    }

    /// The last events up to the moment shown (what an event log shows there), oldest first.
    pub fn recent_events(&self) -> Vec<ClusterEvent> {
        self.travel.recent().map(view::cluster_event).collect()
    }

    // ----- time travel -----

    /// Show the end of virtual millisecond `ms` (clamped to the run's start and end).
    pub fn seek(&mut self, ms: f64) -> Result<(), Refusal> {
        if !ms.is_finite() || ms < 0.0 {
            return Err(Refusal::BadArgument(format!(
                "ms must be a finite number >= 0, got {}",
                js_number(ms)
            )));
        }
        self.fraction_ms = 0.0;
        self.travel
            .seek(ms.floor().min(SAFE_INTEGER_MAX as f64) as u64);
        Ok(())
    }

    /// One event back; false at the start.
    pub fn step_back(&mut self) -> bool {
        self.fraction_ms = 0.0;
        self.travel.step_back()
    }

    /// One event forward; false when none comes.
    pub fn step_forward(&mut self) -> bool {
        self.fraction_ms = 0.0;
        self.travel.step_forward()
    }

    /// The live node that thinks it is leader with the highest term.
    pub fn leader(&self) -> Option<NodeId> {
        self.sim().leader()
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
        let target = self.now_ms().saturating_add(whole as u64);
        if target > SAFE_INTEGER_MAX {
            return Err(Refusal::Refused("virtual time would pass 2^53 ms".into()));
        }
        if target > self.now_ms() {
            self.travel.advance_to(target);
        }
        Ok(())
    }

    /// A node id 1..n from JavaScript as the simulator's 0-based index.
    pub fn node_index(&self, id: f64) -> Result<NodeId, Refusal> {
        let n = self.sim().len();
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
        self.travel.crashed_role(i)
    }

    /// Apply `input` to the moment shown (in the past: a fork) and record it in the run.
    fn input(&mut self, input: Input) -> Result<Outcome, Refusal> {
        self.fraction_ms = 0.0;
        self.travel.apply(input).map_err(refused)
    }

    fn node_input(&mut self, id: f64, input: fn(NodeId) -> Input) -> Result<(), Refusal> {
        let node = self.node_index(id)?;
        self.input(input(node)).map(|_| ())
    }

    pub fn crash(&mut self, id: f64) -> Result<(), Refusal> {
        self.node_input(id, |node| Input::Crash { node })
    }

    pub fn restart(&mut self, id: f64) -> Result<(), Refusal> {
        self.node_input(id, |node| Input::Restart { node })
    }

    pub fn disconnect(&mut self, id: f64) -> Result<(), Refusal> {
        self.node_input(id, |node| Input::Disconnect { node })
    }

    pub fn connect(&mut self, id: f64) -> Result<(), Refusal> {
        self.node_input(id, |node| Input::Connect { node })
    }

    /// Force an election on `id` now.
    pub fn timeout(&mut self, id: f64) -> Result<(), Refusal> {
        self.node_input(id, |node| Input::Timeout { node })
    }

    /// Split the network into `groups` of node ids; nodes not named are each alone.
    pub fn partition(&mut self, groups: &[Vec<f64>]) -> Result<(), Refusal> {
        let n = self.sim().len();
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
        self.input(Input::Partition { groups: indices }).map(|_| ())
    }

    /// One network again, every node connected.
    pub fn heal(&mut self) {
        let _ = self.input(Input::Heal);
    }

    /// Lose the message `id` that is in flight.
    pub fn drop_message(&mut self, id: f64) -> Result<(), Refusal> {
        let id = whole("id", id, 0, SAFE_INTEGER_MAX).map_err(|e| {
            Refusal::BadArgument(format!("{e} (a message id from state().messages)"))
        })?;
        match self.input(Input::DropMessage { id }) {
            Ok(_) => Ok(()),
            Err(_) => Err(Refusal::Refused(format!(
                "message {id} is not in flight (it was delivered or dropped already)"
            ))),
        }
    }

    /// Change the given network settings; the others stay. All or nothing.
    pub fn set_network(&mut self, patch: NetworkPatch) -> Result<(), Refusal> {
        self.patched_network(patch)
            .map_err(Refusal::BadArgument)
            .and_then(|net| {
                if net != self.network() {
                    self.input(Input::SetNetwork {
                        net: net.net_config(),
                    })?;
                    self.settings_version += 1;
                }
                Ok(())
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
        let result = self.input(Input::Request {
            node: leader,
            command: command.as_bytes().to_vec(),
        });
        match result {
            Ok(Outcome::Accepted { index, term }) => Ok(RequestResult {
                index,
                term,
                leader: leader as u32 + 1,
            }),
            _ => Err(Refusal::Refused(format!(
                "no leader: S{} stopped being leader before it could take the command",
                leader + 1
            ))),
        }
    }

    fn why_no_leader(&self) -> String {
        let n = self.sim().len();
        let alive = (0..n).filter(|&i| self.sim().raft(i).is_some()).count();
        if alive <= n / 2 {
            format!(
                "only {alive} of {n} nodes are alive and a leader needs votes from a majority ({}); restart a node",
                n / 2 + 1
            )
        } else {
            "no live node thinks it is leader right now (an election may be under way); advance time and try again".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::EventKindName;

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
        assert_eq!(
            bad(e.seek(f64::NAN)),
            "ms must be a finite number >= 0, got NaN"
        );
        assert!(bad(e.seek(-5.0)).contains("got -5"));
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
    fn every_command_is_an_input_and_a_seek_shows_the_crashed_node_alive_again() {
        let mut e = elected(13);
        let t = e.now_ms();
        let down = (e.leader().unwrap() + 1) % 5;
        e.crash(down as f64 + 1.0).unwrap();
        e.request("a").unwrap();
        e.advance(500.0).unwrap();
        assert_eq!(
            e.travel().run().inputs.len(),
            2,
            "crash and request recorded"
        );
        e.seek(t as f64 - 1.0).unwrap();
        assert_eq!(e.now_ms(), t - 1);
        assert!(e.state().nodes[down].alive, "alive before its crash");
        assert!(e.take_events().is_empty(), "a seek hands out no events");
        assert!(e
            .recent_events()
            .iter()
            .all(|ev| ev.kind != EventKindName::Crash));
        e.restart(1.0).unwrap();
        assert_eq!(e.travel().forks(), 1, "acting in the past forks");
        assert_eq!(e.travel().run().inputs.len(), 1, "the future was dropped");
        assert_eq!(e.travel().end_ms(), t - 1);
    }

    #[test]
    fn a_link_replays_to_the_same_moment_and_a_restored_cluster_has_none() {
        let mut e = elected(17);
        e.request("shared").unwrap();
        e.advance(700.0).unwrap();
        e.seek(e.now_ms() as f64 - 300.0).unwrap();
        let text = e.link().unwrap();
        let link = raftlab_session::link::decode(&text).unwrap();
        let other = Engine::from_link(link).unwrap();
        assert_eq!(other.now_ms(), e.now_ms());
        assert_eq!(other.trace_digest(), e.trace_digest());
        assert_eq!(other.state(), e.state());
        let image = crate::image::decode(&crate::image::encode(&e.image())).unwrap();
        let restored = Engine::restore(&image).unwrap();
        assert!(
            matches!(restored.link(), Err(Refusal::Refused(m)) if m.contains("restored from storage"))
        );
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

    #[test]
    fn a_lab3_run_file_opens_at_its_start_plays_to_its_digest_and_exports_the_same_run() {
        let text = include_str!("../../web/public/runs/TestInitialElection3A.json");
        let file = raftlab_session::RunFile::read(text).unwrap();
        let mut e = Engine::from_run_file(file).unwrap();
        assert_eq!(e.now_ms(), 0);
        assert_eq!(e.travel().end_ms(), 3005);
        assert_eq!(
            e.title(),
            Some("TestInitialElection3A, seed 1: Test (3A): initial election")
        );
        assert_eq!(e.captions().last().unwrap().text, "Passed");
        e.seek(3005.0).unwrap();
        assert_eq!(e.trace_digest(), 0x3b6bebec4a581369);
        assert!(e.leader().is_some());
        // Playing on past the recorded end: applies are drained, the view copes.
        e.advance(2_000.0).unwrap();
        assert!(e.state().nodes.len() == 3);
        let end_digest = e.trace_digest();
        e.seek(3005.0).unwrap();
        // Exported from the past: the file still holds the whole run, to its end.
        let again = raftlab_session::RunFile::read(&e.run_file()).unwrap();
        assert_eq!(again.trace_digest, Some(end_digest));
        let mut f = Engine::from_run_file(again).unwrap();
        assert_eq!(f.now_ms(), 0);
        assert_eq!(f.travel().end_ms(), 5005);
        f.seek(3005.0).unwrap();
        assert_eq!(f.trace_digest(), 0x3b6bebec4a581369);
        f.seek(5005.0).unwrap();
        assert_eq!(f.trace_digest(), end_digest);
        assert_eq!(f.captions().len(), e.captions().len());
        // Its link replays it too (the link carries the whole config: applies collected, nodes
        // connected by the tester's inputs), though not the captions.
        let link = raftlab_session::link::decode(&f.link().unwrap()).unwrap();
        let mut g = Engine::from_link(link).unwrap();
        g.seek(3005.0).unwrap();
        assert_eq!(g.trace_digest(), 0x3b6bebec4a581369);
    }

    #[test]
    fn a_damaged_run_file_is_refused_with_a_reason() {
        let text = include_str!("../../web/public/runs/TestInitialElection3A.json");
        for bad in [
            String::new(),
            text.replace("\"nodes\":3", "\"nodes\":\"three\""),
            text[..text.len() / 2].to_string(),
        ] {
            let err = raftlab_session::RunFile::read(&bad).unwrap_err();
            assert!(!err.to_string().is_empty());
        }
    }
}
