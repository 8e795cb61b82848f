//! Narration: the simulator's events as sentences in the paper's words, for an event log.
//!
//! A `Narrator` is the little state narration needs (who leads in which term, the role a
//! crashed node had, the term of each message in flight). It is `Clone` and lives beside the
//! simulation it narrates (a timeline's checkpoints carry theirs), so the narration of a past
//! moment is computed from the state at that moment, never from the newest one.
//!
//! Node ids are 0-based here, as in the simulator; the sentences say S1..Sn.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use raftlab::core::{AppendRefusal, NodeEvent, NodeId, Role};
use raftlab::sim::{
    describe_kv_event, describe_node_event, DropReason, EventKind, SimEvent, Simulation,
};
use raftlab::vec_map::VecMap;

/// Terms of messages in flight kept to narrate drops (cleared when reached: a safety net,
/// messages leave it on delivery or drop).
pub const MESSAGE_TERMS_MAX: usize = 100_000;

/// What a narrated event is about: the page's `EventKind` (api.ts), serialized in camelCase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NarrationKind {
    ElectionStarted,
    VoteGranted,
    /// A vote refused, with the reason.
    VoteRefused,
    BecameLeader,
    SteppedDown,
    Commit,
    Snapshot,
    InstallSnapshot,
    Truncate,
    Crash,
    Restart,
    Disconnect,
    Connect,
    Partition,
    Heal,
    MessageDropped,
    Request,
    /// A rule of Raft was broken or kept again (`Input::BreakRule`).
    Rule,
    /// The election timers were aligned or spread from outside (RaftScope's keys A and T).
    Timers,
    /// A follower refused an AppendEntries, with the reason.
    AppendEntriesRefused,
}

impl NarrationKind {
    /// Every kind (api.ts's `EventKind` union must name exactly these).
    pub const ALL: [NarrationKind; 20] = [
        NarrationKind::ElectionStarted,
        NarrationKind::VoteGranted,
        NarrationKind::VoteRefused,
        NarrationKind::BecameLeader,
        NarrationKind::SteppedDown,
        NarrationKind::Commit,
        NarrationKind::Snapshot,
        NarrationKind::InstallSnapshot,
        NarrationKind::Truncate,
        NarrationKind::Crash,
        NarrationKind::Restart,
        NarrationKind::Disconnect,
        NarrationKind::Connect,
        NarrationKind::Partition,
        NarrationKind::Heal,
        NarrationKind::MessageDropped,
        NarrationKind::Request,
        NarrationKind::Rule,
        NarrationKind::Timers,
        NarrationKind::AppendEntriesRefused,
    ];
}

/// One line of an event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narration {
    pub time_ms: u64,
    pub kind: NarrationKind,
    pub node: Option<NodeId>,
    pub term: Option<u64>,
    pub index: Option<u64>,
    /// The message a `MessageDropped` line is about.
    pub message: Option<u64>,
    /// The other node a line is about: a dropped message's receiver (`node` is its sender).
    pub peer: Option<NodeId>,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Narrator {
    /// Per node: the term it became leader in, while it has not stepped down, crashed or
    /// restarted since (a leader commits only entries of its own term, §5.4.2).
    leading: Vec<Option<u64>>,
    /// Per node: the role it had when it crashed, while it stays crashed.
    crashed_role: Vec<Option<Role>>,
    /// Term of each message in flight (from its Sent event), to narrate drops.
    message_terms: VecMap<u64, u64>,
}

impl Narrator {
    pub fn new(nodes: usize) -> Narrator {
        Narrator {
            leading: vec![None; nodes],
            crashed_role: vec![None; nodes],
            message_terms: VecMap::new(),
        }
    }

    /// The role `node` had when it crashed (None while it runs, or when unknown).
    pub fn crashed_role(&self, node: NodeId) -> Option<Role> {
        self.crashed_role.get(node).copied().flatten()
    }

    /// Note that `node` is about to crash with `role` (the event stream does not say it).
    pub fn note_crash(&mut self, node: NodeId, role: Option<Role>) {
        if let Some(slot) = self.crashed_role.get_mut(node) {
            *slot = role;
        }
    }

    /// `event` (just drained from `sim`) as a line, or None for the events a log leaves out
    /// (sends, deliveries, applies, time outs, commits by non-leaders).
    pub fn narrate(&mut self, sim: &Simulation, event: SimEvent) -> Option<Narration> {
        let t = event.time_ms;
        let line = |kind, node: Option<NodeId>, term, index, text| Narration {
            time_ms: t,
            kind,
            node,
            term,
            index,
            message: None,
            peer: None,
            text,
        };
        use NarrationKind as K;
        Some(match event.kind {
            EventKind::Node { node, event } => {
                let text = describe_node_event(node, &event);
                match event {
                    NodeEvent::ElectionStarted { term } => {
                        line(K::ElectionStarted, Some(node), Some(term), None, text)
                    }
                    NodeEvent::VoteGranted { term, .. } => {
                        line(K::VoteGranted, Some(node), Some(term), None, text)
                    }
                    NodeEvent::VoteRefused { term, .. } => {
                        line(K::VoteRefused, Some(node), Some(term), None, text)
                    }
                    NodeEvent::AppendEntriesRefused { term, reason, .. } => {
                        let index = match reason {
                            AppendRefusal::StaleTerm { .. } => None,
                            AppendRefusal::LogTooShort { prev_log_index, .. }
                            | AppendRefusal::TermMismatch { prev_log_index, .. } => {
                                Some(prev_log_index)
                            }
                        };
                        line(K::AppendEntriesRefused, Some(node), Some(term), index, text)
                    }
                    NodeEvent::BecameLeader { term } => {
                        self.leading[node] = Some(term);
                        line(K::BecameLeader, Some(node), Some(term), None, text)
                    }
                    NodeEvent::SteppedDown { term, .. } => {
                        self.leading[node] = None;
                        line(K::SteppedDown, Some(node), Some(term), None, text)
                    }
                    // A leader commits only entries of its own term: that is the entry's term.
                    NodeEvent::Committed { index } => {
                        let term = self.leading[node]?;
                        line(K::Commit, Some(node), Some(term), Some(index), text)
                    }
                    NodeEvent::SnapshotTaken { index } => {
                        line(K::Snapshot, Some(node), None, Some(index), text)
                    }
                    NodeEvent::SnapshotInstalled { index, term } => line(
                        K::InstallSnapshot,
                        Some(node),
                        Some(term),
                        Some(index),
                        text,
                    ),
                    NodeEvent::LogTruncated { from, .. } => {
                        line(K::Truncate, Some(node), None, Some(from), text)
                    }
                }
            }
            EventKind::Sent { id, term, .. } => {
                if self.message_terms.len() >= MESSAGE_TERMS_MAX {
                    self.message_terms.clear();
                }
                self.message_terms.insert(id, term);
                return None;
            }
            EventKind::Delivered { id, .. } => {
                self.message_terms.remove(&id);
                return None;
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
                let mut l = line(K::MessageDropped, Some(from), term, None, text);
                l.message = Some(id);
                l.peer = Some(to);
                l
            }
            EventKind::Applied { .. } | EventKind::TimedOut { .. } => return None,
            EventKind::Crashed { node } => {
                self.leading[node] = None;
                let text = format!("S{} crashed: it keeps only its persisted state (currentTerm, votedFor, log[], snapshot)", node + 1);
                line(K::Crash, Some(node), None, None, text)
            }
            EventKind::Restarted { node } => {
                self.leading[node] = None;
                self.crashed_role[node] = None;
                let term = sim.raft(node).map(|r| r.current_term());
                let text = format!(
                    "S{} restarted from its persisted state as a follower",
                    node + 1
                );
                line(K::Restart, Some(node), term, None, text)
            }
            EventKind::Connected { node } => {
                let text = format!("S{} was connected to the network", node + 1);
                line(K::Connect, Some(node), None, None, text)
            }
            EventKind::Disconnected { node } => {
                let text = format!("S{} was disconnected from the network", node + 1);
                line(K::Disconnect, Some(node), None, None, text)
            }
            EventKind::Partitioned { groups } => {
                let text = format!(
                    "The network was partitioned into {}",
                    partition_text(sim.len(), &groups)
                );
                line(K::Partition, None, None, None, text)
            }
            EventKind::Healed => line(
                K::Heal,
                None,
                None,
                None,
                "The network was healed: every node can reach every other".into(),
            ),
            EventKind::Requested {
                node,
                index,
                term,
                command,
            } => {
                let command = command_text(&command);
                let text = format!("Client request \u{201c}{command}\u{201d} appended by leader S{} at index {index} in term {term}", node + 1);
                line(K::Request, Some(node), Some(term), Some(index), text)
            }
            EventKind::RuleChanged { rule, broken } => {
                let (what, rule) = (if broken { "broken" } else { "restored" }, rule.label());
                let text = format!("Rule {what}: {rule}, on every node from now on");
                line(K::Rule, None, None, None, text)
            }
            EventKind::TimersSet { aligned, deadlines } => {
                let at = |(node, ms): &(usize, u64)| {
                    format!("S{} at {}.{:03} s", node + 1, ms / 1000, ms % 1000)
                };
                let text = if aligned {
                    let mut ids: Vec<usize> = deadlines.iter().map(|d| d.0).collect();
                    raftlab::small_sort::sort_small(&mut ids);
                    let who: Vec<String> = ids.iter().map(|n| format!("S{}", n + 1)).collect();
                    let when = deadlines.first().map_or(0, |d| d.1);
                    format!(
                        "Election timers aligned: {} time out together at {}.{:03} s, so they split the vote",
                        who.join(", "),
                        when / 1000,
                        when % 1000
                    )
                } else {
                    let each: Vec<String> = deadlines.iter().map(at).collect();
                    format!(
                        "Election timers spread: {}; the first candidate's RequestVotes arrive before the next one times out",
                        each.join(", ")
                    )
                };
                line(K::Timers, None, None, None, text)
            }
            // Key/value clients: a call, each answer it heard and its return, as request
            // lines (a send is left out, as Raft's are); a maxraftstate snapshot as one.
            EventKind::KvSent { .. } => return None,
            EventKind::KvSnapshot { node, index, .. } => {
                let text = describe_kv_event(sim.kv_history(), &event.kind)?;
                line(K::Snapshot, Some(node), None, Some(index), text)
            }
            EventKind::KvReplied { server, .. } => {
                let text = describe_kv_event(sim.kv_history(), &event.kind)?;
                line(K::Request, Some(server), None, None, text)
            }
            EventKind::KvCalled { .. } | EventKind::KvReturned { .. } => {
                let text = describe_kv_event(sim.kv_history(), &event.kind)?;
                line(K::Request, None, None, None, text)
            }
        })
    }
}

/// "{S1, S2} | {S3, S4, S5}": groups of `n` nodes; nodes not named are each alone.
pub fn partition_text(n: usize, groups: &[Vec<NodeId>]) -> String {
    let mut named = vec![false; n];
    let mut parts: Vec<String> = Vec::new();
    let name = |g: &[NodeId]| {
        let names: Vec<String> = g.iter().map(|i| format!("S{}", i + 1)).collect();
        format!("{{{}}}", names.join(", "))
    };
    for group in groups {
        group.iter().for_each(|&i| {
            if let Some(seen) = named.get_mut(i) {
                *seen = true
            }
        });
        if !group.is_empty() {
            parts.push(name(group));
        }
    }
    parts.extend((0..n).filter(|&i| !named[i]).map(|i| name(&[i])));
    parts.join(" | ")
}

/// A command as the page shows it: a key/value client's as its call ("C1 #2 Append(k, \"x\")"),
/// else its UTF-8 text, or lowercase hex when it is not text.
pub fn command_text(bytes: &[u8]) -> String {
    // A key/value client's command (exactly its encoding) as the Clerk's call.
    if let Some(c) = raftlab::kv::Command::decode(bytes)
        .ok()
        .filter(|c| c.encode() == bytes)
    {
        return format!(
            "C{} #{} {}",
            c.client_id,
            c.seq,
            raftlab::sim::describe_kv_op(&c.op)
        );
    }
    match core::str::from_utf8(bytes) {
        Ok(s) if command_is_printable(s) => s.into(),
        _ => bytes.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// Text every font draws: printable ASCII, or letters of the Latin blocks (U+00C0 to U+024F,
/// all letters but × and ÷). Anything else (control bytes, a lone combining mark, scripts a
/// font may lack) is shown as hex, so a command never shows as a missing glyph. (Written out
/// rather than with `char::is_alphanumeric`, whose Unicode tables the page would download.)
pub fn command_is_printable(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            c == ' '
                || c.is_ascii_graphic()
                || (('\u{c0}'..='\u{24f}').contains(&c) && c != '\u{d7}' && c != '\u{f7}')
        })
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

#[cfg(test)]
mod tests {
    use super::{NarrationKind, Narrator};
    use raftlab::core::Rule;
    use raftlab::sim::{Input, NetConfig, SimConfig, Simulation};

    #[test]
    fn a_latin_letter_is_printable_exactly_when_unicode_calls_it_alphanumeric() {
        for c in '\u{c0}'..='\u{24f}' {
            let mut buf = [0u8; 4];
            assert_eq!(
                super::command_is_printable(c.encode_utf8(&mut buf)),
                c.is_alphanumeric(),
                "U+{:04X}",
                c as u32
            );
        }
        assert!(
            !super::command_is_printable("\u{300}"),
            "a lone combining mark"
        );
        assert!(super::command_is_printable("put x Ünïcödé"));
    }

    #[test]
    fn a_broken_rule_and_a_refused_vote_are_narrated_with_their_reason() {
        let mut config = SimConfig::new(3, 5);
        config.net = NetConfig::INSTANT;
        let mut sim = Simulation::new(config).expect("valid config");
        let mut narrator = Narrator::new(3);
        let rule = Rule::CommitCurrentTerm;
        sim.apply(Input::BreakRule { rule, broken: true })
            .expect("valid");
        sim.apply(Input::Partition {
            groups: alloc::vec![alloc::vec![0, 1]],
        })
        .expect("valid");
        sim.apply(Input::Timeout { node: 0 }).expect("valid");
        sim.run_until(0);
        sim.apply(Input::BreakRule {
            rule,
            broken: false,
        })
        .expect("valid");
        let lines: alloc::vec::Vec<_> = sim
            .drain_events()
            .into_iter()
            .filter_map(|e| narrator.narrate(&sim, e))
            .collect();
        let texts = |kind| {
            lines
                .iter()
                .filter(|l| l.kind == kind)
                .map(|l| l.text.as_str())
                .collect::<alloc::vec::Vec<_>>()
        };
        assert_eq!(
            texts(NarrationKind::Rule),
            [
                "Rule broken: commit only current-term entries (§5.4.2), on every node from now on",
                "Rule restored: commit only current-term entries (§5.4.2), on every node from now on"
            ]
        );
        // S1 leads term 1 with S2's vote while S3 is cut off; then, cut off from S1, S3
        // campaigns for term 1 too.
        sim.apply(Input::Partition {
            groups: alloc::vec![alloc::vec![1, 2]],
        })
        .expect("valid");
        sim.apply(Input::Timeout { node: 2 }).expect("valid");
        sim.run_until(0);
        let refused: alloc::vec::Vec<_> = sim
            .drain_events()
            .into_iter()
            .filter_map(|e| narrator.narrate(&sim, e))
            .filter(|l| l.kind == NarrationKind::VoteRefused)
            .map(|l| (l.node, l.term, l.text))
            .collect();
        assert_eq!(
            refused,
            [(
                Some(1),
                Some(1),
                "S2 refused its vote to S3 (term 1): it already voted for S1 in term 1".into()
            )],
            "{refused:?}"
        );
    }

    #[test]
    fn a_key_value_clients_call_its_answers_and_its_return_are_narrated() {
        let mut config = SimConfig::new(3, 5);
        config.net = NetConfig::INSTANT;
        let mut sim = Simulation::new(config).expect("valid config");
        let mut narrator = Narrator::new(3);
        sim.apply(Input::Timeout { node: 1 }).expect("valid");
        sim.run_until(0);
        sim.drain_events();
        let op = raftlab::kv::Op::Put {
            key: "k".into(),
            value: "v".into(),
        };
        sim.apply(Input::KvOp { client: 0, op }).expect("valid");
        sim.run_until(200);
        let lines: alloc::vec::Vec<_> = sim
            .drain_events()
            .into_iter()
            .filter_map(|e| narrator.narrate(&sim, e))
            .filter(|l| l.kind == NarrationKind::Request)
            .map(|l| l.text)
            .collect();
        assert_eq!(
            lines,
            [
                "C1 called Put(k, \"v\")",
                "C1 Put(k, \"v\") \u{2192} S1: wrong leader",
                "Client request \u{201c}C1 #1 Put(k, \"v\")\u{201d} appended by leader S2 at index 1 in term 1",
                "C1 Put(k, \"v\") \u{2192} S2: ok",
                "C1 Put(k, \"v\") returned",
            ],
            "{lines:?}"
        );
    }
}
