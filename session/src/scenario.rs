//! Scenarios: the paper's situations as data. A scenario file (`session/scenarios/*.json`)
//! names a cluster (nodes, seed, message delays, snapshots) and a list of steps; each step
//! has a caption, the inputs applied when it begins (the run file's input syntax, 1-based
//! node ids) and a goal it runs until: a fixed time (`{"afterMs": 500}`) or a state of the
//! cluster (`{"leader": 1}`, `"anyLeader"`, `{"committed": 3}`, `{"appliedEverywhere": 3}`,
//! `{"snapshotInstalled": 3}`, `{"violation": "state-machine-safety"}`, `{"kvReturned": 2}`:
//! the key/value clients completed that many operations), reached within
//! `withinMs` (default `STEP_WITHIN_MS_DEFAULT`) or the scenario is refused.
//!
//! ```json
//! {
//!   "format": "raftlab-scenario", "version": 1,
//!   "title": "Leader election",
//!   "teaches": "One sentence on what the student sees.",
//!   "config": {"nodes": 5, "seed": 1, "delayMsMin": 10, "delayMsMax": 30, "snapshotEvery": null},
//!   "steps": [
//!     {"caption": "S1's election timer fires first.", "inputs": [{"timeout": {"node": 1}}],
//!      "until": {"leader": 1}}
//!   ]
//! }
//! ```
//!
//! `Scenario::play` plays it on the simulator through a `Session`, so the result is a run
//! (a `RunFile` whose captions are the steps, each at the moment its step begins) that the
//! page opens with time travel like any run file, plus the simulation at the end, on which
//! the tests assert each scenario's outcome. Nothing here trusts the file: sizes, counts and
//! times are bounded and every field is checked.

pub mod built_in;

#[cfg(feature = "json")]
use crate::codec::document;
use crate::codec::document::{DocumentError, Kind};
#[cfg(feature = "json")]
use crate::codec::file::{input_of, FileError, FileInput, CAPTION_CHARS_MAX};
use crate::codec::file::{Caption, RunFile};
use crate::run::session::Session;
#[cfg(feature = "json")]
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use raftlab::core::NodeEvent;
#[cfg(feature = "json")]
use raftlab::core::Timing;
#[cfg(feature = "json")]
use raftlab::sim::checker::Property;
#[cfg(feature = "json")]
use raftlab::sim::NetConfig;
use raftlab::sim::{EventKind, SimConfig, Simulation, Stamp};
use serde::{Deserialize, Serialize};

/// What the `format` field says.
pub const SCENARIO_FORMAT: &str = "raftlab-scenario";
/// The scenario file version this build reads.
pub const SCENARIO_VERSION: u64 = 1;
/// The largest scenario file read, in bytes.
pub const SCENARIO_BYTES_MAX: usize = 256 << 10;
/// What a scenario is, for the one document reader (`codec::document`).
pub const SCENARIO: Kind = Kind {
    name: "scenario",
    format: SCENARIO_FORMAT,
    version: SCENARIO_VERSION,
    bytes_max: SCENARIO_BYTES_MAX,
    reader: "this build",
};
/// The most steps a scenario may have.
pub const STEPS_MAX: usize = 64;
/// The most inputs one step may apply.
pub const STEP_INPUTS_MAX: usize = 64;
/// How long a step waits for its goal unless it says otherwise.
pub const STEP_WITHIN_MS_DEFAULT: u64 = 10_000;
/// The longest a step may run (its goal's time, or its `withinMs`).
pub const STEP_MS_MAX: u64 = 120_000;
/// The largest message delay a scenario may ask for.
pub const SCENARIO_DELAY_MS_MAX: u64 = 1_000;
/// The most nodes a scenario may have (the page draws up to nine).
pub const SCENARIO_NODES_MAX: usize = crate::run::options::NODES_MAX;

/// The scenarios that ship with raftlab, in teaching order: (id, file text). The sources
/// (feature `json`): the page reads them packed (`built_in`, checked against these by a test).
#[cfg(feature = "json")]
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "leader-election",
        include_str!("../scenarios/leader-election.json"),
    ),
    ("split-vote", include_str!("../scenarios/split-vote.json")),
    (
        "leader-crash",
        include_str!("../scenarios/leader-crash.json"),
    ),
    ("replication", include_str!("../scenarios/replication.json")),
    (
        "follower-catch-up",
        include_str!("../scenarios/follower-catch-up.json"),
    ),
    ("figure-7", include_str!("../scenarios/figure-7.json")),
    ("figure-8", include_str!("../scenarios/figure-8.json")),
    (
        "figure-8-broken",
        include_str!("../scenarios/figure-8-broken.json"),
    ),
    (
        "stale-leader",
        include_str!("../scenarios/stale-leader.json"),
    ),
    (
        "install-snapshot",
        include_str!("../scenarios/install-snapshot.json"),
    ),
    (
        "whole-cluster-restart",
        include_str!("../scenarios/whole-cluster-restart.json"),
    ),
    (
        "broken-vote-up-to-date",
        include_str!("../scenarios/broken-vote-up-to-date.json"),
    ),
    (
        "broken-persist-voted-for",
        include_str!("../scenarios/broken-persist-voted-for.json"),
    ),
    (
        "broken-persist-log",
        include_str!("../scenarios/broken-persist-log.json"),
    ),
    (
        "broken-append-entries-term",
        include_str!("../scenarios/broken-append-entries-term.json"),
    ),
    (
        "broken-truncate-on-conflict",
        include_str!("../scenarios/broken-truncate-on-conflict.json"),
    ),
    (
        "kv-stale-read",
        include_str!("../scenarios/kv-stale-read.json"),
    ),
    (
        "kv-duplicate-append",
        include_str!("../scenarios/kv-duplicate-append.json"),
    ),
];

/// What a step runs until.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Goal {
    /// This many virtual ms after the step begins.
    AfterMs(u64),
    /// This node (1-based) is the leader (`Simulation::leader`).
    Leader(u64),
    /// Some live node leads.
    AnyLeader,
    /// The leader's commitIndex reached this index.
    Committed(u64),
    /// Every live node applied through this index.
    AppliedEverywhere(u64),
    /// This node (1-based) installed a snapshot sent by the leader.
    SnapshotInstalled(u64),
    /// The safety checker reported a violation of this property (its id, e.g.
    /// `state-machine-safety`), or of any property (`any`), since the step began.
    Violation(String),
    /// The key/value clients completed this many operations in all (Lab 4).
    KvReturned(u64),
}

impl fmt::Display for Goal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Goal::AfterMs(ms) => write!(f, "{ms} ms passed"),
            Goal::Leader(n) => write!(f, "S{n} is the leader"),
            Goal::AnyLeader => f.write_str("some node is the leader"),
            Goal::Committed(i) => write!(f, "the leader's commitIndex reached {i}"),
            Goal::AppliedEverywhere(i) => write!(f, "every live node applied index {i}"),
            Goal::SnapshotInstalled(n) => write!(f, "S{n} installed a snapshot from the leader"),
            Goal::Violation(p) => write!(f, "the checker reported a violation of {p}"),
            Goal::KvReturned(n) => write!(f, "the key/value clients completed {n} operations"),
        }
    }
}

/// A step of a scenario, checked (postcard in `built_in`'s packed form).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub caption: String,
    pub inputs: Vec<raftlab::sim::Input>,
    pub until: Goal,
    pub within_ms: u64,
}

/// A scenario file, read and checked (not yet played).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    pub title: String,
    /// One sentence: what the student sees.
    pub teaches: String,
    pub config: SimConfig,
    pub steps: Vec<Step>,
}

/// A scenario played to its end.
#[derive(Clone, Debug)]
pub struct Played {
    /// The run, its captions the steps (each at the moment its step begins), its end and
    /// trace digest: what the page opens.
    pub file: RunFile,
    /// Where each step began and ended.
    pub steps: Vec<(Stamp, Stamp)>,
    /// The simulation at the end, for assertions on the outcome.
    pub session: Session,
}

/// Why a scenario cannot be read or played.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// What any versioned document can get wrong (size, JSON, format, version, a field).
    Document(DocumentError),
    /// No built-in scenario has this id.
    Unknown(String),
    /// Playing it, a step's input was refused (1-based step number).
    Refused { step: usize, error: String },
    /// Playing it, a step's goal was not reached in time.
    GoalNotReached {
        step: usize,
        goal: Goal,
        within_ms: u64,
    },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Document(e) => e.describe(&SCENARIO, f),
            ScenarioError::Unknown(id) => write!(f, "there is no scenario named {id:?}"),
            ScenarioError::Refused { step, error } => {
                write!(f, "step {step} of the scenario was refused: {error}")
            }
            ScenarioError::GoalNotReached {
                step,
                goal,
                within_ms,
            } => write!(
                f,
                "step {step} of the scenario did not reach its goal ({goal}) within {within_ms} ms"
            ),
        }
    }
}

// ----- the JSON shapes: feature `json` -----

#[cfg(feature = "json")]
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ConfigV1 {
    nodes: usize,
    seed: u64,
    delay_ms_min: u64,
    delay_ms_max: u64,
    #[serde(default)]
    snapshot_every: Option<u64>,
}

#[cfg(feature = "json")]
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct StepV1 {
    caption: String,
    #[serde(default)]
    inputs: Vec<FileInput>,
    until: Goal,
    #[serde(default)]
    within_ms: Option<u64>,
}

#[cfg(feature = "json")]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioV1 {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u64,
    title: String,
    teaches: String,
    config: ConfigV1,
    steps: Vec<StepV1>,
}

#[cfg(feature = "json")]
fn field(text: String) -> ScenarioError {
    ScenarioError::field(text)
}

impl ScenarioError {
    /// A field out of range or unreadable: which and why.
    pub fn field(why: String) -> ScenarioError {
        ScenarioError::Document(DocumentError::Field(why))
    }
}

#[cfg(feature = "json")]
fn check_text(what: &str, text: &str) -> Result<(), ScenarioError> {
    document::check_text(text, 1, CAPTION_CHARS_MAX).map_err(|chars| {
        field(format!(
            "a {what} of {chars} characters (1 to {CAPTION_CHARS_MAX})"
        ))
    })
}

#[cfg(feature = "json")]
impl ConfigV1 {
    fn check(self) -> Result<SimConfig, ScenarioError> {
        if !(crate::run::options::NODES_MIN..=SCENARIO_NODES_MAX).contains(&self.nodes) {
            return Err(field(format!(
                "{} nodes ({} to {SCENARIO_NODES_MAX})",
                self.nodes,
                crate::run::options::NODES_MIN
            )));
        }
        if self.delay_ms_min > self.delay_ms_max || self.delay_ms_max > SCENARIO_DELAY_MS_MAX {
            return Err(field(format!(
                "message delays of {}..{} ms (min ≤ max ≤ {SCENARIO_DELAY_MS_MAX})",
                self.delay_ms_min, self.delay_ms_max
            )));
        }
        if self.snapshot_every == Some(0) {
            return Err(field(String::from(
                "snapshotEvery 0 (null for never, or at least 1)",
            )));
        }
        let mut config = SimConfig::new(self.nodes, self.seed);
        config.timing = Timing::LAB;
        // Version 1's scenarios were written before the leader's in-flight cap: they play
        // with none, as they always did (and a page stored on one shows it again).
        config.timing.append_entries_in_flight_max = None;
        config.net = NetConfig {
            request_delay_ms_min: self.delay_ms_min,
            request_delay_ms_max: self.delay_ms_max,
            reply_delay_ms_min: self.delay_ms_min,
            reply_delay_ms_max: self.delay_ms_max,
            ..NetConfig::INSTANT
        };
        config.snapshot_every = self.snapshot_every;
        Ok(config)
    }
}

impl Goal {
    #[cfg(feature = "json")]
    fn check(&self, nodes: usize, step: usize) -> Result<(), ScenarioError> {
        let node_ok = |n: u64| n >= 1 && n <= nodes as u64;
        let bad = match self {
            Goal::Leader(n) | Goal::SnapshotInstalled(n) => !node_ok(*n),
            Goal::AfterMs(ms) => *ms == 0 || *ms > STEP_MS_MAX,
            Goal::Violation(p) => !(p == "any" || is_safety_property(p)),
            Goal::KvReturned(n) => *n == 0,
            Goal::AnyLeader | Goal::Committed(_) | Goal::AppliedEverywhere(_) => false,
        };
        if bad {
            return Err(field(format!(
                "an impossible goal in step {step}: {self:?}"
            )));
        }
        Ok(())
    }

    /// Whether the goal holds now; `installed[n]`: node n installed a leader's snapshot
    /// since the step began.
    pub(crate) fn reached(&self, sim: &Simulation, began: Stamp, installed: &[bool]) -> bool {
        let live = || (0..sim.len()).filter_map(|n| sim.raft(n));
        match self {
            Goal::AfterMs(ms) => sim.now_ms() >= began.at_ms.saturating_add(*ms),
            Goal::Leader(n) => sim.leader() == Some((*n - 1) as usize),
            Goal::AnyLeader => sim.leader().is_some(),
            Goal::Committed(i) => sim
                .leader()
                .and_then(|l| sim.raft(l))
                .is_some_and(|r| r.commit_index() >= *i),
            Goal::AppliedEverywhere(i) => live().all(|r| r.last_applied() >= *i),
            Goal::SnapshotInstalled(n) => installed.get((*n - 1) as usize) == Some(&true),
            Goal::Violation(p) => sim
                .violations()
                .iter()
                .any(|v| v.at_ms >= began.at_ms && (p == "any" || property_id(v) == p)),
            Goal::KvReturned(n) => sim.kv_clients().iter().map(|c| c.ops_done).sum::<u64>() >= *n,
        }
    }
}

#[cfg(feature = "json")]
/// Whether `id` names one of Raft's five safety properties (the checker's `Property::SAFETY`).
fn is_safety_property(id: &str) -> bool {
    Property::SAFETY.iter().any(|p| p.id() == id)
}

fn property_id(v: &raftlab::sim::checker::Violation) -> &str {
    v.property.id()
}

impl Scenario {
    /// The built-in scenario `id`, from the packed form the page ships (`built_in`).
    #[cfg(feature = "built-in-scenarios")]
    pub fn built_in(id: &str) -> Result<Scenario, ScenarioError> {
        built_in::scenario(id)
    }

    #[cfg(feature = "json")]
    /// The scenario in `text`, checked through (never panics).
    pub fn read(text: &str) -> Result<Scenario, ScenarioError> {
        let v1: ScenarioV1 = document::read(&SCENARIO, text).map_err(ScenarioError::Document)?;
        check_text("title", &v1.title)?;
        check_text("teaches line", &v1.teaches)?;
        let config = v1.config.check()?;
        if v1.steps.is_empty() || v1.steps.len() > STEPS_MAX {
            return Err(field(format!(
                "{} steps (1 to {STEPS_MAX})",
                v1.steps.len()
            )));
        }
        let mut steps = Vec::with_capacity(v1.steps.len());
        for (i, s) in v1.steps.into_iter().enumerate() {
            let number = i + 1;
            check_text("caption", &s.caption)?;
            s.until.check(config.nodes, number)?;
            if s.inputs.len() > STEP_INPUTS_MAX {
                return Err(field(format!(
                    "{} inputs in step {number} (at most {STEP_INPUTS_MAX})",
                    s.inputs.len()
                )));
            }
            let within_ms = s.within_ms.unwrap_or(STEP_WITHIN_MS_DEFAULT);
            if within_ms == 0 || within_ms > STEP_MS_MAX {
                return Err(field(format!(
                    "withinMs {within_ms} in step {number} (1 to {STEP_MS_MAX})"
                )));
            }
            let inputs = s
                .inputs
                .into_iter()
                .map(|input| input_of(i, input))
                .collect::<Result<Vec<_>, FileError>>()
                .map_err(|e| field(format!("step {number}: {e}")))?;
            steps.push(Step {
                caption: s.caption,
                inputs,
                until: s.until,
                within_ms,
            });
        }
        Ok(Scenario {
            title: v1.title,
            teaches: v1.teaches,
            config,
            steps,
        })
    }

    /// Play every step: apply its inputs, then run until its goal (or fail).
    pub fn play(&self) -> Result<Played, ScenarioError> {
        let mut session =
            Session::new(self.config.clone()).map_err(|e| ScenarioError::Refused {
                step: 0,
                error: e.to_string(),
            })?;
        let mut captions = Vec::with_capacity(self.steps.len());
        let mut bounds = Vec::with_capacity(self.steps.len());
        for (i, step) in self.steps.iter().enumerate() {
            let began = session.sim().stamp();
            captions.push(Caption {
                at: began,
                text: step.caption.clone(),
            });
            for input in &step.inputs {
                session
                    .apply(input.clone())
                    .map_err(|e| ScenarioError::Refused {
                        step: i + 1,
                        error: e.to_string(),
                    })?;
            }
            run_to_goal(&mut session, step, began).map_err(|()| ScenarioError::GoalNotReached {
                step: i + 1,
                goal: step.until.clone(),
                within_ms: step.within_ms,
            })?;
            bounds.push((began, session.sim().stamp()));
        }
        let end = session.sim().stamp();
        let file = RunFile {
            title: Some(self.title.clone()),
            run: session.run().clone(),
            captions,
            end: Some(end),
            trace_digest: Some(session.sim().trace_digest()),
        };
        Ok(Played {
            file,
            steps: bounds,
            session,
        })
    }
}

/// Run `session` until `step`'s goal holds, at most `step.within_ms` after `began`.
fn run_to_goal(session: &mut Session, step: &Step, began: Stamp) -> Result<(), ()> {
    if let Goal::AfterMs(ms) = step.until {
        session.run_until(began.at_ms + ms);
        session.drain_events();
        return Ok(());
    }
    let deadline_ms = began.at_ms + step.within_ms;
    let mut installed = alloc::vec![false; session.sim().len()];
    loop {
        for event in session.drain_events() {
            if let EventKind::Node {
                node,
                event: NodeEvent::SnapshotInstalled { .. },
            } = event.kind
            {
                installed[node] = true;
            }
        }
        if step.until.reached(session.sim(), began, &installed) {
            return Ok(());
        }
        match session.sim().next_action_ms() {
            Some(next) if next <= deadline_ms => {
                session.step();
            }
            _ => return Err(()),
        }
    }
}
