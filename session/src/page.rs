//! The page's cluster in plain Rust: a `TimeTravel` run plus what the page needs of it (the
//! options it was made with, the run file's title and captions, the stored image, the
//! per-frame view). Every command is an `Input` of the run.
//!
//! No Raft logic lives here, and no JavaScript: arguments arrive typed (0-based `NodeId`s,
//! whole virtual ms); the wasm glue converts JavaScript values (numbers, 1-based ids) into
//! them. What a caller may get wrong is still checked here (unknown nodes, ranges), so nothing
//! a page passes can panic. Errors are `Refusal`s whose text is the page's sentence.

pub mod crashed;
pub mod kv;
pub mod requests;
pub mod scenario_nav;
pub mod stored;

use crate::codec::file::{Caption, RunFile};
use crate::codec::image::Image;
use crate::codec::link::{self, Link};
use crate::ids::shown;
use crate::run::options::{
    restored_sim_seed, Network, Options, ADVANCE_MS_MAX, COMMAND_BYTES_MAX, SAFE_INTEGER_MAX,
};
use crate::run::time_travel::TimeTravel;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use raftlab::core::{NodeId, Persister, Role};
use raftlab::sim::{Input, Outcome, Simulation};
use serde::{Deserialize, Serialize};

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

/// What a client command may be (for `request` and `request_to` alike): 1 to
/// `COMMAND_BYTES_MAX` bytes of UTF-8.
fn check_command(command: &str) -> Result<(), Refusal> {
    if command.is_empty() {
        return Err(Refusal::BadArgument("command must not be empty".into()));
    }
    if command.len() > COMMAND_BYTES_MAX {
        return Err(Refusal::BadArgument(format!(
            "command must be at most {COMMAND_BYTES_MAX} bytes of UTF-8, got {}",
            command.len()
        )));
    }
    Ok(())
}

fn refused(e: raftlab::sim::Error) -> Refusal {
    Refusal::Refused(e.to_string())
}

/// What a request command answers: the index and term the leader appended it at, and the
/// leader (1..n), as api.ts's `RequestResult`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestResult {
    pub index: u64,
    pub term: u64,
    pub leader: u32,
}

/// The scenario shown: its steps as moments of the run.
#[derive(Clone, Debug)]
pub struct ScenarioNav {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) teaches: String,
    /// Each step's caption and where it begins and ends (virtual ms).
    pub(crate) steps: Vec<(String, u64, u64)>,
    /// The steps as the scenario file has them: inputs and goals, played again when a rule
    /// is broken or kept inside the scenario.
    pub(crate) plan: Vec<crate::scenario::Step>,
    /// Where each step's inputs begin in the run's inputs.
    // Invariant: first_input.len() == steps.len(), non-decreasing.
    pub(crate) first_input: Vec<usize>,
    /// The rule changes made inside the scenario, oldest first ("§5.4.2 broken at step 9").
    // Invariant: changes.len() <= SCENARIO_CHANGES_MAX; changes_omitted counts older ones.
    pub(crate) changes: Vec<String>,
    pub(crate) changes_omitted: usize,
}

/// The most rule changes a scenario's step row lists (older ones are summed up).
pub const SCENARIO_CHANGES_MAX: usize = 4;

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
    pub(crate) scenario: Option<ScenarioNav>,
    /// Crashed nodes' persisters, decoded once per change (`crashed`).
    pub(crate) crashed: crate::page::crashed::CrashedStates,
    /// The page as it was before the last fork, until the next input: what `undo_fork`
    /// brings back. Memory: one more copy of the run and its checkpoints, held at most once.
    pub(crate) undo: Option<alloc::boxed::Box<Undo>>,
}

/// What a fork dropped, kept so it can be undone (`Page::undo_fork`). Tracked requests need
/// no copy: they follow from the run.
#[derive(Clone, Debug)]
pub(crate) struct Undo {
    travel: TimeTravel,
    scenario: Option<ScenarioNav>,
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
        Page::of(TimeTravel::new(sim), options, false)
    }

    /// The one `Page` literal: `travel` shown with `options`, no guide.
    fn of(travel: TimeTravel, options: Options, fresh_start: bool) -> Page {
        Page {
            travel,
            options,
            fresh_start,
            settings_version: 0,
            title: None,
            captions: Vec::new(),
            scenario: None,
            crashed: Default::default(),
            undo: None,
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
        crate::run::validate::check_position(end_ms).map_err(|e| e.to_string())?;
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
        let mut engine = Page::of(travel, options, true);
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
        let mut engine = Page::of(travel, options, true);
        engine.title = file.title;
        engine.captions = file.captions;
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
        crate::codec::packed::encode(&self.file())
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
        Image::of(self.sim(), &self.options, &self.network())
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

    /// Keep the page as it is now for `undo_fork` (before a fork), with `scenario` as the
    /// scenario shown.
    pub(crate) fn keep_undo(&mut self, scenario: Option<ScenarioNav>) {
        self.undo = Some(alloc::boxed::Box::new(Undo {
            travel: self.travel.clone(),
            scenario,
        }));
    }

    /// True when the last input forked the run and `undo_fork` can bring its future back.
    pub fn can_undo_fork(&self) -> bool {
        self.undo.is_some()
    }

    /// Undo the last fork (an action in the past, Take over, a rule changed in a scenario):
    /// the run, the moment shown, the scenario and the requests are as they were before it,
    /// the dropped future back. Refused when the last input did not fork.
    pub fn undo_fork(&mut self) -> Result<String, Refusal> {
        let Some(undo) = self.undo.take() else {
            return Err(Refusal::Refused(
                "nothing to undo: the last action did not fork the run".into(),
            ));
        };
        let Undo {
            mut travel,
            scenario,
        } = *undo;
        travel.supersede(&self.travel);
        self.travel = travel;
        self.scenario = scenario;
        self.settings_version += 1;
        let inputs = self.travel.run().inputs.len();
        Ok(format!(
            "Undone: back at {} ms, before the action; the run's future is back (to {} ms, {inputs} action{} in all).",
            self.now_ms(),
            self.travel.end_ms(),
            if inputs == 1 { "" } else { "s" }
        ))
    }

    /// Apply `input` to the moment shown (in the past: a fork) and record it in the run.
    pub(crate) fn input(&mut self, input: Input) -> Result<Outcome, Refusal> {
        let before = (!self.travel.at_end()).then(|| {
            alloc::boxed::Box::new(Undo {
                travel: self.travel.clone(),
                scenario: self.scenario.clone(),
            })
        });
        let outcome = self.travel.apply(input).map_err(refused)?;
        // Undo brings back what this input's fork dropped; an input at the end has none.
        self.undo = before;
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

    /// RaftScope's lecturer key A: every live node that is not leader times out at the same
    /// moment, so the vote splits (`Input::AlignTimers`).
    pub fn align_timers(&mut self) -> Result<(), Refusal> {
        self.input(Input::AlignTimers).map(|_| ())
    }

    /// RaftScope's lecturer key T: the election timers are spread apart, so one candidate
    /// wins in one round (`Input::SpreadTimers`).
    pub fn spread_timers(&mut self) -> Result<(), Refusal> {
        self.input(Input::SpreadTimers).map(|_| ())
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
        check_command(command)?;
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
            Ok(Outcome::Accepted { index, term }) => Ok(Page::accepted(leader, index, term)),
            _ => Err(Refusal::Refused(format!(
                "no leader: S{} stopped being leader before it could take the command",
                leader + 1
            ))),
        }
    }

    /// What an accepted request answers (the run itself keeps it: `TimeTravel::accepted`).
    fn accepted(leader: NodeId, index: u64, term: u64) -> RequestResult {
        RequestResult {
            index,
            term,
            leader: shown(leader),
        }
    }

    /// Send `command` to `node` as a client would: a follower or a candidate answers "not
    /// leader" (nothing is appended), a crashed or disconnected node does not answer, and a
    /// leader (a stale one in a minority too) appends it to its log.
    pub fn request_to(&mut self, node: NodeId, command: &str) -> Result<RequestResult, Refusal> {
        let node = self.check_node(node)?;
        check_command(command)?;
        let s = node + 1;
        let Some(raft) = self.sim().raft(node) else {
            return Err(Refusal::Refused(format!(
                "S{s} is crashed: the client gets no answer"
            )));
        };
        if !self.sim().is_connected(node) {
            return Err(Refusal::Refused(format!(
                "S{s} is cut off the network: the client gets no answer"
            )));
        }
        if raft.role() != Role::Leader {
            return Err(Refusal::Refused(format!(
                "not leader: S{s} is a {} of term {}, so it takes no commands; send it to the leader",
                raft.role().name(),
                raft.current_term()
            )));
        }
        match self.input(raftlab::sim::Input::Request {
            node,
            command: command.as_bytes().to_vec(),
        })? {
            Outcome::Accepted { index, term } => Ok(Page::accepted(node, index, term)),
            _ => Err(Refusal::Refused(format!(
                "not leader: S{s} did not take the command"
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

/// A new cluster (seed `seed`) played until it has a leader: the start of many tests.
#[cfg(test)]
pub(crate) fn elected(seed: u64) -> Page {
    let mut e = Page::new(Options::with_seed(seed)).unwrap();
    while e.leader().is_none() {
        assert!(e.now_ms() < 5_000, "no leader within 5 s");
        e.advance(50).unwrap();
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::narrate::NarrationKind as EventKindName;
    use crate::run::options::Options;
    use alloc::string::ToString;
    use alloc::vec;

    fn running_cluster() -> Page {
        let mut e = Page::new(Options::with_seed(7)).unwrap();
        e.advance(3_000).unwrap();
        for i in 0..25 {
            if e.leader().is_some() {
                e.request(&format!("cmd-{i}")).unwrap();
            }
            e.advance(200).unwrap();
        }
        e
    }

    #[test]
    fn round_trip_keeps_every_persister() {
        let e = running_cluster();
        let image = e.image();
        let text = crate::codec::image::encode(&image);
        assert!(text.starts_with("raftlab-image/1:"));
        assert_eq!(crate::codec::image::decode(&text).unwrap(), image);
        assert!(
            image.persisters.iter().any(|p| !p.snapshot.is_empty()),
            "snapshots are stored too"
        );

        let restored = Page::restore(&crate::codec::image::decode(&text).unwrap()).unwrap();
        assert_eq!(restored.now_ms(), e.now_ms());
        assert_eq!(restored.options(), e.options());
        for i in 0..e.node_count() {
            assert_eq!(restored.sim().node(i).persister, e.sim().node(i).persister);
            let (a, b) = (restored.sim().raft(i).unwrap(), e.sim().raft(i).unwrap());
            assert_eq!(a.current_term(), b.current_term());
            assert_eq!(a.log(), b.log());
        }
        // The image of the restored cluster is the same image.
        assert_eq!(restored.image(), image);
    }

    #[test]
    fn restored_runs_are_reproducible_and_new() {
        let text = crate::codec::image::encode(&running_cluster().image());
        let mut a = Page::restore(&crate::codec::image::decode(&text).unwrap()).unwrap();
        let mut b = Page::restore(&crate::codec::image::decode(&text).unwrap()).unwrap();
        a.advance(5_000).unwrap();
        b.advance(5_000).unwrap();
        assert_eq!(a.trace_digest(), b.trace_digest());
        assert!(a.leader().is_some(), "the restored cluster elects a leader");
        let o = a.options();
        assert_ne!(restored_sim_seed(o.seed, 1), restored_sim_seed(o.seed, 2));
    }

    #[test]
    fn a_reply_dropped_because_its_requester_crashed_names_the_requester() {
        let mut e = elected(3);
        let leader = shown(e.leader().unwrap());
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
        assert_eq!(events.len(), crate::run::time_travel::FRESH_MAX);
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
        let link = crate::codec::link::decode(&text).unwrap();
        let other = Page::from_link(link).unwrap();
        assert_eq!(other.now_ms(), e.now_ms());
        assert_eq!(other.trace_digest(), e.trace_digest());
        assert_eq!(other.state(), e.state());
        let image = crate::codec::image::decode(&crate::codec::image::encode(&e.image())).unwrap();
        let restored = Page::restore(&image).unwrap();
        assert!(
            matches!(restored.link(), Err(Refusal::Refused(m)) if m.contains("restored from storage"))
        );
    }

    #[test]
    fn aligned_timers_are_an_input_a_link_replays_and_the_event_log_narrates() {
        let mut e = Page::new(Options::with_seed(8)).unwrap();
        e.align_timers().unwrap();
        let said = e.take_events();
        assert!(
            said.iter().any(|ev| ev.kind == EventKindName::Timers
                && ev
                    .text
                    .starts_with("Election timers aligned: S1, S2, S3, S4, S5 time out together")),
            "{said:?}"
        );
        while e.leader().is_none() {
            e.advance(50).unwrap();
        }
        let term = e.state().nodes[e.leader().unwrap()].term;
        assert!(term >= 2, "the vote split in term 1");
        let link = crate::codec::link::decode(&e.link().unwrap()).unwrap();
        let other = Page::from_link(link).unwrap();
        assert_eq!(other.trace_digest(), e.trace_digest());
        let mut f = Page::new(Options::with_seed(8)).unwrap();
        f.spread_timers().unwrap();
        while f.leader().is_none() {
            f.advance(50).unwrap();
        }
        assert_eq!(f.state().nodes[f.leader().unwrap()].term, 1, "one round");
        // With a leader and every other node crashed, no node has a timer: refused.
        let leader = f.leader().unwrap();
        for n in (0..5).filter(|&n| n != leader) {
            f.crash(n).unwrap();
        }
        assert!(
            matches!(f.align_timers(), Err(Refusal::Refused(m)) if m.contains("election timer"))
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
        let link = crate::codec::link::decode(&f.link().unwrap()).unwrap();
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
