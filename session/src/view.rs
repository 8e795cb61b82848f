//! The per-frame view: the plain objects the page reads, one struct per interface of
//! web/src/api.ts, field for field (camelCase through serde), built from the simulation at
//! the moment shown. Keep this file and web/src/api.ts in step (the test below checks).
//!
//! Node ids are 1..n here, as the page shows them (S1..Sn); the simulator's 0-based indices
//! stay inside the crate.

pub mod causes;
pub mod kv_clients;
pub mod kv_history;
pub mod kv_store;
pub mod log_window;
pub mod monitors;
pub mod requests;
pub mod rules;
pub mod shown_role;
pub mod state_machine;

use crate::ids::shown;
use crate::narrate::Narration;
use crate::page::Page;
use crate::run::time_travel::{MarkerKind, TimeTravel};
pub use crate::view::log_window::LogEntryView;
use crate::view::log_window::{diverges_at, with_log};
use crate::view::shown_role::{shown_roles, ShownRole, ShownRoles};
use alloc::borrow::ToOwned;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use raftlab::core::{Message, Role};
use raftlab::sim::InFlight;
use raftlab::vec_map::VecMap;
use serde::{Deserialize, Serialize};

/// What the page stores for a cluster (`Cluster.saveStored()`, `stored::save`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredCluster {
    pub text: String,
    /// Why the run was left out of `text` (too long), or None.
    pub note: Option<String>,
}

/// A run file's caption (`Cluster.captions()`): the tester's step at its virtual ms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunCaption {
    pub at_ms: f64,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterState {
    pub now_ms: u64,
    pub seed: String,
    pub nodes: Vec<NodeView>,
    /// Messages in flight, in send order.
    pub messages: Vec<MessageView>,
    /// Partition groups of node ids, or None when the network is whole.
    pub partition: Option<Vec<Vec<u32>>>,
    pub network: NetworkView,
    /// The first Raft safety property the checker saw broken, or None.
    pub violation: Option<String>,
    /// The node crowned leader (`shown_role`), or None.
    pub leader: Option<u32>,
    /// The highest term any live node knows.
    pub newest_term: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkView {
    pub drop_rate: f64,
    pub delay_ms_min: u64,
    pub delay_ms_max: u64,
    pub long_reordering: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub id: u32,
    /// "follower" | "candidate" | "leader".
    pub role: String,
    /// What the page shows (`shown_role`): a crown only for `Leader`.
    pub shown_role: ShownRole,
    pub term: u64,
    pub voted_for: Option<u32>,
    pub alive: bool,
    pub connected: bool,
    pub commit_index: u64,
    pub last_applied: u64,
    pub snapshot_index: u64,
    pub snapshot_term: u64,
    /// The last log index and its term (the snapshot's when no entry follows it); the
    /// entries themselves come from `Cluster.logWindow()`.
    pub last_log_index: u64,
    pub last_log_term: u64,
    /// The first index where this log parts from the leader's (`log_window::diverges_at`);
    /// None for the leader, with no leader, or when it matches.
    pub diverges_at: Option<u64>,
    pub election_timer: Option<ElectionTimerView>,
    pub next_index: Option<Vec<u64>>,
    pub match_index: Option<Vec<u64>>,
    pub votes_granted: Option<Vec<u32>>,
    pub applied_count: u64,
    pub state_digest: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElectionTimerView {
    pub elapsed_ms: u64,
    pub timeout_ms: u64,
    /// elapsed / timeout, 0..=1.
    pub progress: f64,
}

/// A value of one of a message's Figure 2 fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    Bool(bool),
    Number(u64),
    Null,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub id: u64,
    pub from: u32,
    pub to: u32,
    pub kind: String,
    pub heartbeat: bool,
    pub term: u64,
    pub sent_ms: u64,
    pub deliver_ms: u64,
    pub fields: VecMap<String, FieldValue>,
}

/// What an event is about, as api.ts's `EventKind`: the narrator's kinds (one definition).
pub use crate::narrate::NarrationKind as EventKindName;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterEvent {
    pub time_ms: u64,
    pub kind: EventKindName,
    pub node: Option<u32>,
    pub term: Option<u64>,
    pub index: Option<u64>,
    /// The message a messageDropped event is about (its MessageView id).
    pub message: Option<u64>,
    /// messageDropped: the receiver (node id 1..n; `node` is the sender).
    pub peer: Option<u32>,
    pub text: String,
}

/// What a request command answers (a page command's result, defined with the commands).
pub use crate::page::RequestResult;

pub use crate::narrate::command_text;

/// The per-frame view of a page (methods, so the page's callers write `page.state()`; the
/// page layer itself never names a view).
impl Page {
    /// The cluster at the moment shown, as api.ts's `ClusterState`.
    pub fn state(&self) -> ClusterState {
        cluster_state(self)
    }
    /// The page events since the last call, oldest first (at most EVENTS_MAX, the newest).
    pub fn take_events(&mut self) -> Vec<ClusterEvent> {
        self.travel.take_fresh().iter().map(cluster_event).collect()
    }

    /// The last events up to the moment shown (what an event log shows there), oldest first.
    pub fn recent_events(&self) -> Vec<ClusterEvent> {
        self.travel.recent().map(cluster_event).collect()
    }
}

/// A narrated line as the page's ClusterEvent (node ids 1..n).
pub fn cluster_event(line: &Narration) -> ClusterEvent {
    let kind = line.kind;
    ClusterEvent {
        time_ms: line.time_ms,
        kind,
        node: line.node.map(|i| shown(i)),
        term: line.term,
        index: line.index,
        message: line.message,
        peer: line.peer.map(shown),
        text: line.text.clone(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineMarkerView {
    pub time_ms: u64,
    /// "election" | "crash" | "partition" | "action".
    pub kind: String,
    pub node: Option<u32>,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForkView {
    pub at_ms: u64,
    pub dropped_to_ms: u64,
    pub inputs_dropped: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineView {
    pub start_ms: u64,
    pub end_ms: u64,
    pub now_ms: u64,
    /// `markers` are the run's markers from this one on (0 for `timeline()`;
    /// `timelineFrom(k)` leaves out the first k, which the page drew already).
    pub markers_from: u64,
    pub markers: Vec<TimelineMarkerView>,
    pub markers_omitted: u64,
    pub inputs: u64,
    pub forks: u64,
    pub last_fork: Option<ForkView>,
    pub checkpoints: u64,
    pub checkpoint_spacing_ms: u64,
}

pub fn timeline_view(travel: &TimeTravel) -> TimelineView {
    timeline_view_from(travel, 0)
}

/// The timeline with its markers from the `from`-th on (clamped to how many there are).
pub fn timeline_view_from(travel: &TimeTravel, from: usize) -> TimelineView {
    let all = travel.markers();
    let from = from.min(all.len());
    TimelineView {
        start_ms: travel.start_ms(),
        end_ms: travel.end_ms(),
        now_ms: travel.now_ms(),
        markers_from: from as u64,
        markers: all[from..]
            .iter()
            .map(|m| TimelineMarkerView {
                time_ms: m.time_ms,
                kind: match m.kind {
                    MarkerKind::Election => "election",
                    MarkerKind::Crash => "crash",
                    MarkerKind::Partition => "partition",
                    MarkerKind::Action => "action",
                }
                .into(),
                node: m.node.map(|i| shown(i)),
                label: m.label.clone(),
            })
            .collect(),
        markers_omitted: travel.markers_omitted(),
        inputs: travel.run().inputs.len() as u64,
        forks: travel.forks(),
        last_fork: travel.last_fork().map(|f| ForkView {
            at_ms: f.at_ms,
            dropped_to_ms: f.dropped_to_ms,
            inputs_dropped: f.inputs_dropped as u64,
        }),
        checkpoints: travel.checkpoints() as u64,
        checkpoint_spacing_ms: travel.spacing_ms(),
    }
}

/// Hex formatting is the codec's (one definition).
pub use crate::codec::{hex, hex64};

pub fn cluster_state(engine: &Page) -> ClusterState {
    let sim = engine.sim();
    let network = engine.network();
    let roles = shown_roles(sim);
    ClusterState {
        now_ms: sim.now_ms(),
        seed: engine.options().seed.to_string(),
        nodes: (0..sim.len())
            .map(|i| node_view(engine, i, &roles))
            .collect(),
        messages: sim.in_flight().map(message_view).collect(),
        partition: sim.topology().groups().map(|groups| {
            groups
                .into_iter()
                .map(|g| g.into_iter().map(|i| shown(i)).collect())
                .collect()
        }),
        network: NetworkView {
            drop_rate: network.drop_permille as f64 / 1000.0,
            delay_ms_min: network.delay_ms_min,
            delay_ms_max: network.delay_ms_max,
            long_reordering: network.long_reordering,
        },
        violation: sim.violation().map(|v| v.to_string()),
        leader: roles.leader.map(shown),
        newest_term: roles.newest_term,
    }
}

/// Where node `i`'s log parts from the crowned leader's.
fn divergence(engine: &Page, i: usize, roles: &ShownRoles) -> Option<u64> {
    let leader = roles.leader.filter(|&l| l != i)?;
    let leader_log = engine.sim().raft(leader)?.log();
    with_log(engine, i, |log| diverges_at(log, leader_log))
}

fn node_view(engine: &Page, i: usize, roles: &ShownRoles) -> NodeView {
    let sim = engine.sim();
    let now = sim.now_ms();
    let slot = sim.node(i);
    let id = shown(i);
    let connected = sim.is_connected(i);
    let shown_role = roles.roles[i];
    let diverges = divergence(engine, i, roles);
    match sim.raft(i) {
        Some(raft) => {
            let log = raft.log();
            // The node's own clock only moves when it handles something; measure the timer
            // against the simulation's clock from the deadline, which is fixed.
            let election_timer = raft.election_timer_ms().map(|(_, timeout)| {
                let deadline = raft.next_deadline_ms();
                let elapsed = (now + timeout).saturating_sub(deadline).min(timeout);
                let progress = if timeout == 0 {
                    1.0
                } else {
                    elapsed as f64 / timeout as f64
                };
                ElectionTimerView {
                    elapsed_ms: elapsed,
                    timeout_ms: timeout,
                    progress,
                }
            });
            let (next_index, match_index) = match raft.leader_indices() {
                Some((next, matched)) => (Some(next.to_vec()), Some(matched.to_vec())),
                None => (None, None),
            };
            let votes_granted = raft.votes().map(|votes| {
                votes
                    .iter()
                    .enumerate()
                    .filter(|(_, &v)| v)
                    .map(|(p, _)| shown(p))
                    .collect()
            });
            NodeView {
                id,
                role: raft.role().name().into(),
                shown_role,
                term: raft.current_term(),
                voted_for: raft.voted_for().map(|v| shown(v)),
                alive: true,
                connected,
                commit_index: raft.commit_index(),
                last_applied: raft.last_applied(),
                snapshot_index: log.snapshot_index(),
                snapshot_term: log.snapshot_term(),
                last_log_index: log.last_index(),
                last_log_term: log.last_term(),
                diverges_at: diverges,
                election_timer,
                next_index,
                match_index,
                votes_granted,
                applied_count: slot.service.count,
                state_digest: hex64(slot.service.digest),
            }
        }
        // What survives the crash: the persisted raft state and snapshot (decoded once per
        // change of the persister, `crashed`).
        None => engine.crashed.with(sim, i, |d| {
            let state = &d.state;
            let snapshot_index = state.log.snapshot_index();
            NodeView {
                id,
                role: engine
                    .crashed_role(i)
                    .unwrap_or(Role::Follower)
                    .name()
                    .into(),
                shown_role,
                term: state.current_term,
                voted_for: state.voted_for.map(|v| shown(v)),
                alive: false,
                connected,
                commit_index: snapshot_index,
                last_applied: snapshot_index,
                snapshot_index,
                snapshot_term: state.log.snapshot_term(),
                last_log_index: state.log.last_index(),
                last_log_term: state.log.last_term(),
                diverges_at: diverges,
                election_timer: None,
                next_index: None,
                match_index: None,
                votes_granted: None,
                applied_count: d.service.count,
                state_digest: hex64(d.service.digest),
            }
        }),
    }
}

fn message_view(m: &InFlight) -> MessageView {
    use FieldValue::{Bool, Null, Number};
    let mut fields: VecMap<String, FieldValue> = VecMap::new();
    let mut set = |k: &str, v: FieldValue| {
        fields.insert(k.to_owned(), v);
    };
    match &m.message {
        Message::RequestVote(a) => {
            set("candidateId", Number(a.candidate_id as u64 + 1));
            set("lastLogIndex", Number(a.last_log_index));
            set("lastLogTerm", Number(a.last_log_term));
        }
        Message::RequestVoteReply(r) => {
            set("voteGranted", Bool(r.vote_granted));
        }
        Message::AppendEntries(a) => {
            set("leaderId", Number(a.leader_id as u64 + 1));
            set("prevLogIndex", Number(a.prev_log_index));
            set("prevLogTerm", Number(a.prev_log_term));
            set("entries", Number(a.entries.len() as u64));
            set("leaderCommit", Number(a.leader_commit));
        }
        Message::AppendEntriesReply(r) => {
            set("success", Bool(r.success));
            set("matchIndex", Number(r.match_index));
            set("conflictIndex", Number(r.conflict_index));
            set("conflictTerm", r.conflict_term.map_or(Null, Number));
        }
        Message::InstallSnapshot(a) => {
            set("leaderId", Number(a.leader_id as u64 + 1));
            set("lastIncludedIndex", Number(a.last_included_index));
            set("lastIncludedTerm", Number(a.last_included_term));
        }
        Message::InstallSnapshotReply(r) => {
            set("lastIncludedIndex", Number(r.last_included_index));
        }
    }
    MessageView {
        id: m.id,
        from: shown(m.from),
        to: shown(m.to),
        kind: m.message.kind().name().into(),
        heartbeat: m.message.is_heartbeat(),
        term: m.message.term(),
        sent_ms: m.sent_ms,
        deliver_ms: m.deliver_ms,
        fields,
    }
}

/// The contract test: the objects built here have exactly the fields web/src/api.ts declares.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::options::Options;
    use alloc::collections::BTreeSet;

    mod api_ts {
        include!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/common/api_ts.rs"
        ));
    }
    use api_ts::read_api_ts;

    #[test]
    fn views_match_api_ts_field_for_field() {
        let (ts, api) = read_api_ts();
        let mut e = Page::new(Options::with_seed(5)).unwrap();
        e.advance(2_000).unwrap();
        e.timeout(0).ok();
        let r = e.request("x").unwrap();
        e.advance(30).unwrap();
        let state = serde_json::to_value(e.state()).unwrap();
        let node = &state["nodes"][0];
        // Fields and their types, nested objects included (ClusterState holds NodeView, ...).
        let check = |name: &str, v: &serde_json::Value| api.check(name, v);
        check("ClusterState", &state);
        check("NodeView", node);
        check("NetworkOptions", &state["network"]);
        let window = e
            .log_window(&[crate::view::log_window::LogRange {
                node: r.leader as usize - 1,
                from: 1,
                to: 10,
            }])
            .unwrap();
        let window = serde_json::to_value(&window).unwrap();
        check("LogWindowView", &window[0]);
        check("LogEntryView", &window[0]["entries"][0]);
        let follower = state["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["role"] == "follower")
            .unwrap();
        check("ElectionTimerView", &follower["electionTimer"]);
        check("MessageView", &state["messages"][0]);
        check("RequestResult", &serde_json::to_value(r).unwrap());
        let saved = crate::page::stored::save(&e);
        check(
            "StoredCluster",
            &serde_json::to_value(StoredCluster {
                text: saved.text,
                note: saved.note,
            })
            .unwrap(),
        );
        let events = e.take_events();
        check("ClusterEvent", &serde_json::to_value(&events[0]).unwrap());
        // The timeline with its markers and a fork (acting in the past drops the future).
        let end = e.now_ms();
        e.seek(end - 500);
        e.timeout(1).unwrap();
        let timeline = serde_json::to_value(timeline_view(e.travel())).unwrap();
        assert!(!timeline["markers"].as_array().unwrap().is_empty());
        assert!(!timeline["lastFork"].is_null());
        check("TimelineView", &timeline);
        let caption = RunCaption {
            at_ms: 1.0,
            text: "Tester".into(),
        };
        check("RunCaption", &serde_json::to_value(caption).unwrap());

        // Every EventKind of api.ts, and no other, names an EventKindName.
        let union = ts
            .split("export type EventKind =")
            .nth(1)
            .unwrap()
            .split(';')
            .next()
            .unwrap();
        let kinds: BTreeSet<String> = union
            .split('|')
            .map(|k| k.trim().trim_matches('"').to_owned())
            .filter(|k| !k.is_empty())
            .collect();
        let ours: BTreeSet<String> = EventKindName::ALL
            .iter()
            .map(|k| {
                serde_json::to_value(k)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(ours, kinds);
    }
}
