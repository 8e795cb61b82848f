//! The page's cluster in plain Rust: a `TimeTravel` run plus what the page needs of it (the
//! options it was made with, the run file's title and captions, the stored image, the
//! per-frame view). Every command is an `Input` of the run.
//!
//! No Raft logic lives here, and no JavaScript: arguments arrive typed (0-based `NodeId`s,
//! whole virtual ms); the wasm glue converts JavaScript values (numbers, 1-based ids) into
//! them. What a caller may get wrong is still checked here (unknown nodes, ranges), so nothing
//! a page passes can panic. Errors are `Refusal`s whose text is the page's sentence.

use crate::file::{Caption, RunFile};
use crate::image::{Image, StoredNetwork, StoredOptions, StoredPersister};
use crate::link::{self, Link};
use crate::options::{
    restored_sim_seed, Network, Options, ADVANCE_MS_MAX, COMMAND_BYTES_MAX, SAFE_INTEGER_MAX,
};
use crate::time_travel::TimeTravel;
use crate::view::{self, ClusterEvent, ClusterState, RequestResult};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use raftlab::core::{NodeId, Persister, Role};
use raftlab::sim::{Input, Outcome, Simulation};

/// Why a command was not carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The argument itself is wrong (type aside): out of range, NaN, unknown node, ...
    BadArgument(String),
    /// A fine argument the cluster cannot act on now: "S3 is already crashed", "no leader: ...".
    Refused(String),
}

impl core::fmt::Display for Refusal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Refusal::BadArgument(m) | Refusal::Refused(m) => f.write_str(m),
        }
    }
}

fn refused(e: raftlab::sim::Error) -> Refusal {
    Refusal::Refused(e.to_string())
}

pub struct Page {
    /// The run, its checkpoints and the moment shown: every command is an input of it.
    pub(crate) travel: TimeTravel,
    options: Options,
    /// True when the run started from a fresh cluster (`Simulation::new` of its config), so
    /// its link replays it; false for a cluster restored from storage.
    fresh_start: bool,
    /// Bumped by changes the image holds that are not persister writes (the network).
    settings_version: u64,
    /// The run file's title and captions (the tester's steps), when it came from one.
    title: Option<String>,
    captions: Vec<Caption>,
    /// The built-in scenario shown, step by step, until "Take over" (`scenario_view`).
    pub(crate) scenario: Option<crate::scenario_view::ScenarioNav>,
    /// The client requests accepted from this page, until committed or lost (`requests`).
    pub(crate) requests: crate::requests::RequestTracker,
}

impl Page {
    /// A new cluster: every node starts empty, the network is the page's default.
    pub fn new(options: Options) -> Result<Page, String> {
        options.validate()?;
        let sim = Simulation::new(options.sim_config(options.seed, Network::DEFAULT.net_config()))
            .map_err(|e| e.to_string())?;
        let mut engine = Page::around(sim, options);
        engine.fresh_start = true;
        Ok(engine)
    }

    /// A cluster from a stored image (already validated by `image::decode`): every node
    /// restarts from its persisted state at the stored time, as after a crash of them all.
    pub fn restore(image: &Image) -> Result<Page, String> {
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
        Ok(Page::around(sim, options))
    }

    fn around(sim: Simulation, options: Options) -> Page {
        Page {
            travel: TimeTravel::new(sim),
            options,
            fresh_start: false,
            settings_version: 0,
            title: None,
            captions: Vec::new(),
            scenario: None,
            requests: Default::default(),
        }
    }

    /// The cluster of a link (already decoded and validated): its run replayed from a fresh
    /// start, showing the link's moment.
    pub fn from_link(link: Link) -> Result<Page, String> {
        Page::from_link_to(link, 0)
    }

    /// As `from_link`, with the run played on to at least `end_ms` (the furthest a stored
    /// run had gone: its timeline goes there again).
    pub fn from_link_to(link: Link, end_ms: u64) -> Result<Page, String> {
        crate::validate::check_position(end_ms).map_err(|e| e.to_string())?;
        let options = Options::of(&link.run.config);
        options
            .validate()
            .map_err(|e| format!("the link's cluster is not one this page shows: {e}"))?;
        let end = link
            .run
            .inputs
            .last()
            .map_or(0, |(at, _)| at.at_ms)
            .max(link.position_ms.unwrap_or(0))
            .max(end_ms);
        let at = link.position_ms.unwrap_or(end);
        let travel = TimeTravel::from_run(link.run, end).map_err(|e| e.to_string())?;
        let mut engine = Page {
            travel,
            options,
            fresh_start: true,
            settings_version: 0,
            title: None,
            captions: Vec::new(),
            scenario: None,
            requests: Default::default(),
        };
        engine.travel.seek(at);
        Ok(engine)
    }

    /// The cluster of a run file (already read and validated by `RunFile::read`): its run
    /// replayed from a fresh start to its end, shown paused at its start.
    pub fn from_run_file(file: RunFile) -> Result<Page, String> {
        let options = Options::of(&file.run.config);
        let last = file.run.inputs.last().map_or(0, |(at, _)| at.at_ms);
        let end = file.end.map_or(last, |e| e.at_ms).max(last);
        let travel = TimeTravel::from_run(file.run, end).map_err(|e| e.to_string())?;
        let mut engine = Page {
            travel,
            options,
            fresh_start: true,
            settings_version: 0,
            title: file.title,
            captions: file.captions,
            scenario: None,
            requests: Default::default(),
        };
        let start = engine.travel.start_ms();
        engine.travel.seek(start);
        Ok(engine)
    }

    /// The run as a readable run file (`RunFile::write`): `file()` as JSON (feature `json`).
    #[cfg(feature = "json")]
    pub fn run_file(&self) -> String {
        self.file().write()
    }

    /// The run as a run file in the packed form (`packed`) the page turns into JSON with its
    /// run-file module: `file()`.
    pub fn packed_run_file(&self) -> String {
        crate::packed::encode(&self.file())
    }

    /// The run as a run file, with its title and captions, its end and the trace digest there
    /// (the moment shown when that is the end, else a replay).
    pub fn file(&self) -> RunFile {
        let mut file = RunFile::of(self.travel.run().clone());
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
        file
    }

    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
    /// The run file's captions, shown or not (a scenario shows its steps instead): what
    /// `stored` keeps.
    pub(crate) fn file_captions(&self) -> &[Caption] {
        &self.captions
    }
    /// The run file's title and captions, set again (`stored::restore`, `scenario_view`).
    pub(crate) fn set_title_and_captions(&mut self, title: Option<String>, captions: Vec<Caption>) {
        self.title = title;
        self.captions = captions;
    }
    /// The run file's captions; none while a scenario shows them as its steps.
    pub fn captions(&self) -> &[Caption] {
        if self.scenario.is_some() {
            return &[];
        }
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
        Ok(link::encode(self.travel.run(), Some(self.now_ms())))
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
    pub fn seek(&mut self, ms: u64) {
        self.travel.seek(ms.min(SAFE_INTEGER_MAX));
    }

    /// The exact moment shown, in ticks from the run's start (`TimeTravel::ticks`).
    pub fn ticks(&self) -> u64 {
        self.travel.ticks()
    }

    /// Show the moment `ticks` ticks into the run; true when the run has that many.
    pub fn seek_ticks(&mut self, ticks: u64) -> bool {
        self.travel.seek_ticks(ticks)
    }

    /// One event back; false at the start.
    pub fn step_back(&mut self) -> bool {
        self.travel.step_back()
    }

    /// One event forward; false when none comes.
    pub fn step_forward(&mut self) -> bool {
        self.travel.step_forward()
    }

    /// The live node that thinks it is leader with the highest term.
    pub fn leader(&self) -> Option<NodeId> {
        self.sim().leader()
    }

    // ----- commands -----

    /// Run virtual time forward by `ms` whole virtual ms (at most `ADVANCE_MS_MAX` per call).
    pub fn advance(&mut self, ms: u64) -> Result<(), Refusal> {
        if ms > ADVANCE_MS_MAX {
            return Err(Refusal::BadArgument(format!(
                "ms must be at most {ADVANCE_MS_MAX} per call, got {ms}"
            )));
        }
        let target = self.now_ms().saturating_add(ms);
        if target > SAFE_INTEGER_MAX {
            return Err(Refusal::Refused("virtual time would pass 2^53 ms".into()));
        }
        if target > self.now_ms() {
            self.travel.advance_to(target);
        }
        Ok(())
    }

    /// `node` when the cluster has it, else why not (in the page's 1-based ids).
    pub fn check_node(&self, node: NodeId) -> Result<NodeId, Refusal> {
        let n = self.sim().len();
        if node >= n {
            return Err(Refusal::BadArgument(format!(
                "unknown node {}: this cluster has nodes 1..{n}",
                (node as u64).saturating_add(1)
            )));
        }
        Ok(node)
    }

    /// The role node `i` had when it crashed (None while it runs, or when unknown).
    pub fn crashed_role(&self, i: usize) -> Option<Role> {
        self.travel.crashed_role(i)
    }

    /// Apply `input` to the moment shown (in the past: a fork) and record it in the run.
    pub(crate) fn input(&mut self, input: Input) -> Result<Outcome, Refusal> {
        let outcome = self.travel.apply(input).map_err(refused)?;
        // Acting in the past forked the run: requests made in the dropped future go with it.
        self.requests.forget_after(self.travel.end_ms());
        self.end_scenario_if_forked();
        Ok(outcome)
    }

    fn node_input(&mut self, node: NodeId, input: fn(NodeId) -> Input) -> Result<(), Refusal> {
        let node = self.check_node(node)?;
        self.input(input(node)).map(|_| ())
    }

    pub fn crash(&mut self, node: NodeId) -> Result<(), Refusal> {
        self.node_input(node, |node| Input::Crash { node })
    }

    pub fn restart(&mut self, node: NodeId) -> Result<(), Refusal> {
        self.node_input(node, |node| Input::Restart { node })
    }

    pub fn disconnect(&mut self, node: NodeId) -> Result<(), Refusal> {
        self.node_input(node, |node| Input::Disconnect { node })
    }

    pub fn connect(&mut self, node: NodeId) -> Result<(), Refusal> {
        self.node_input(node, |node| Input::Connect { node })
    }

    /// Force an election on `id` now.
    pub fn timeout(&mut self, node: NodeId) -> Result<(), Refusal> {
        self.node_input(node, |node| Input::Timeout { node })
    }

    /// Every node restarts from its persisted state alone (Lab 3C's point), crashed or not.
    pub fn restart_all_from_disk(&mut self) -> Result<(), Refusal> {
        self.input(Input::RestartAllFromDisk).map(|_| ())
    }

    /// Split the network into `groups` of node ids; nodes not named are each alone.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) -> Result<(), Refusal> {
        let n = self.sim().len();
        let mut seen = vec![false; n];
        let mut indices = Vec::with_capacity(groups.len());
        for group in groups {
            let mut g = Vec::with_capacity(group.len());
            for &node in group {
                let node = self.check_node(node)?;
                if core::mem::replace(&mut seen[node], true) {
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
    pub fn drop_message(&mut self, id: u64) -> Result<(), Refusal> {
        match self.input(Input::DropMessage { id }) {
            Ok(_) => Ok(()),
            Err(_) => Err(Refusal::Refused(format!(
                "message {id} is not in flight (it was delivered or dropped already)"
            ))),
        }
    }

    /// Change the network settings to `net` (checked first; all or nothing).
    pub fn set_network(&mut self, net: Network) -> Result<(), Refusal> {
        net.validate().map_err(|e| Refusal::BadArgument(e.into()))?;
        if net != self.network() {
            self.input(Input::SetNetwork {
                net: net.net_config(),
            })?;
            self.settings_version += 1;
        }
        Ok(())
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
            Ok(Outcome::Accepted { index, term }) => {
                Ok(self.accepted(leader, command, index, term))
            }
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
    use crate::options::Options;
    use crate::view::EventKindName;
    use alloc::string::ToString;
    use alloc::vec;

    fn elected(seed: u64) -> Page {
        let mut e = Page::new(Options::with_seed(seed)).unwrap();
        while e.leader().is_none() {
            assert!(e.now_ms() < 5_000, "no leader within 5 s");
            e.advance(50).unwrap();
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
            e.advance(1).unwrap();
        }
        let (id, from) = reply.expect("a reply in flight to the leader");
        e.take_events();
        e.crash(leader as usize - 1).unwrap();
        e.advance(200).unwrap();
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
    fn arguments_are_checked_before_the_simulator_sees_them() {
        let mut e = Page::new(Options::with_seed(3)).unwrap();
        let mut o = Options::with_seed(1);
        o.nodes = 2;
        assert!(Page::new(o).err().unwrap().contains("nodes must be 3..9"));
        assert_eq!(
            bad(e.crash(5)),
            "unknown node 6: this cluster has nodes 1..5"
        );
        assert!(
            bad(e.crash(usize::MAX)).starts_with("unknown node "),
            "no overflow"
        );
        assert!(bad(e.advance(60_001)).contains("at most 60000"));
        assert!(
            bad(e.partition(&[vec![0, 1], vec![1, 2]])).contains("node 2 appears more than once")
        );
        assert!(bad(e.partition(&[vec![0, 6]])).contains("unknown node 7"));
        let wide = Network {
            delay_ms_min: 80,
            delay_ms_max: 50,
            ..Network::DEFAULT
        };
        assert!(
            bad(e.set_network(wide)).contains("delayMsMin (80) must not exceed delayMsMax (50)")
        );
        assert!(matches!(e.request("x"), Err(Refusal::Refused(m)) if m.starts_with("no leader: ")));
        assert!(matches!(e.request(""), Err(Refusal::BadArgument(_))));
        assert!(matches!(e.drop_message(12345), Err(Refusal::Refused(_))));
        assert_eq!(
            e.network(),
            Network::DEFAULT,
            "refused changes change nothing"
        );
        assert!(
            e.travel().run().inputs.is_empty(),
            "refused commands record nothing"
        );
        e.crash(1).unwrap();
        assert!(matches!(e.crash(1), Err(Refusal::Refused(m)) if m.contains("already crashed")));
    }

    #[test]
    fn a_request_commits_on_a_majority() {
        let mut e = elected(11);
        let r = e.request("hello").unwrap();
        assert_eq!(r.leader as usize, e.leader().unwrap() + 1);
        e.advance(1_000).unwrap();
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
        e.advance(500).unwrap();
        let leader = e.leader().unwrap();
        let before = e.state().nodes[leader].clone();
        e.crash(leader).unwrap();
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
        e.advance(300).unwrap();
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
        e.advance(300).unwrap();
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
        e.crash(0).unwrap();
        e.crash(1).unwrap();
        e.crash(2).unwrap();
        e.advance(60_000).unwrap();
        let events = e.take_events();
        assert_eq!(events.len(), crate::time_travel::FRESH_MAX);
        assert!(events.windows(2).all(|w| w[0].time_ms <= w[1].time_ms));
        assert!(e.take_events().is_empty());
    }

    #[test]
    fn every_command_is_an_input_and_a_seek_shows_the_crashed_node_alive_again() {
        let mut e = elected(13);
        let t = e.now_ms();
        let down = (e.leader().unwrap() + 1) % 5;
        e.crash(down).unwrap();
        e.request("a").unwrap();
        e.advance(500).unwrap();
        assert_eq!(
            e.travel().run().inputs.len(),
            2,
            "crash and request recorded"
        );
        e.seek(t - 1);
        assert_eq!(e.now_ms(), t - 1);
        assert!(e.state().nodes[down].alive, "alive before its crash");
        assert!(e.take_events().is_empty(), "a seek hands out no events");
        assert!(e
            .recent_events()
            .iter()
            .all(|ev| ev.kind != EventKindName::Crash));
        e.restart(0).unwrap();
        assert_eq!(e.travel().forks(), 1, "acting in the past forks");
        assert_eq!(e.travel().run().inputs.len(), 1, "the future was dropped");
        assert_eq!(e.travel().end_ms(), t - 1);
    }

    #[test]
    fn a_link_replays_to_the_same_moment_and_a_restored_cluster_has_none() {
        let mut e = elected(17);
        e.request("shared").unwrap();
        e.advance(700).unwrap();
        e.seek(e.now_ms() - 300);
        let text = e.link().unwrap();
        let link = crate::link::decode(&text).unwrap();
        let other = Page::from_link(link).unwrap();
        assert_eq!(other.now_ms(), e.now_ms());
        assert_eq!(other.trace_digest(), e.trace_digest());
        assert_eq!(other.state(), e.state());
        let image = crate::image::decode(&crate::image::encode(&e.image())).unwrap();
        let restored = Page::restore(&image).unwrap();
        assert!(
            matches!(restored.link(), Err(Refusal::Refused(m)) if m.contains("restored from storage"))
        );
    }

    #[test]
    fn slicing_advance_does_not_change_the_run() {
        let mut a = Page::new(Options::with_seed(21)).unwrap();
        let mut b = Page::new(Options::with_seed(21)).unwrap();
        a.advance(7_000).unwrap();
        for _ in 0..700 {
            b.advance(10).unwrap();
        }
        assert_eq!(a.trace_digest(), b.trace_digest());
        let mut c = Page::new(Options::with_seed(22)).unwrap();
        c.advance(7_000).unwrap();
        assert_ne!(a.trace_digest(), c.trace_digest());
    }

    #[test]
    fn a_lab3_run_file_opens_at_its_start_plays_to_its_digest_and_exports_the_same_run() {
        let text = include_str!("../../web/public/runs/TestInitialElection3A.json");
        let file = RunFile::read(text).unwrap();
        let mut e = Page::from_run_file(file).unwrap();
        assert_eq!(e.now_ms(), 0);
        assert_eq!(e.travel().end_ms(), 3005);
        assert_eq!(
            e.title(),
            Some("TestInitialElection3A, seed 1: Test (3A): initial election")
        );
        assert_eq!(e.captions().last().unwrap().text, "Passed");
        e.seek(3005);
        assert_eq!(e.trace_digest(), 0x3b6bebec4a581369);
        assert!(e.leader().is_some());
        // Playing on past the recorded end: applies are drained, the view copes.
        e.advance(2_000).unwrap();
        assert!(e.state().nodes.len() == 3);
        let end_digest = e.trace_digest();
        e.seek(3005);
        // Exported from the past: the file still holds the whole run, to its end.
        let again = RunFile::read(&e.run_file()).unwrap();
        assert_eq!(again.trace_digest, Some(end_digest));
        let mut f = Page::from_run_file(again).unwrap();
        assert_eq!(f.now_ms(), 0);
        assert_eq!(f.travel().end_ms(), 5005);
        f.seek(3005);
        assert_eq!(f.trace_digest(), 0x3b6bebec4a581369);
        f.seek(5005);
        assert_eq!(f.trace_digest(), end_digest);
        assert_eq!(f.captions().len(), e.captions().len());
        // Its link replays it too (the link carries the whole config: applies collected, nodes
        // connected by the tester's inputs), though not the captions.
        let link = crate::link::decode(&f.link().unwrap()).unwrap();
        let mut g = Page::from_link(link).unwrap();
        g.seek(3005);
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
            let err = RunFile::read(&bad).unwrap_err();
            assert!(!err.to_string().is_empty());
        }
    }
}
