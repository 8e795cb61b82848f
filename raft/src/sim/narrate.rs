//! Narration of a node's events in the paper's words, for people reading a run: what
//! happened and why; and of the key/value clients' events in plain words.

use super::event::EventKind;
use super::kv::KvHistoryOp;
use crate::core::{AppendRefusal, NodeEvent, NodeId, StepDownCause, VoteRefusal};
use crate::kv::Op;
use alloc::format;
use alloc::string::String;

/// A key/value operation as a Clerk call: `Get(k)`, `Put(k, "v")`, `Append(k, "x 1 0 y")`.
pub fn describe_kv_op(op: &Op) -> String {
    match op {
        Op::Get { key } => format!("Get({key})"),
        Op::Put { key, value } => format!("Put({key}, {value:?})"),
        Op::Append { key, value } => format!("Append({key}, {value:?})"),
    }
}

/// A key/value client's event in plain words ("C1 Append(k, \"x 1 0 y\") → S3: wrong
/// leader"), with `history` (`Simulation::kv_history`) for the operation it is about; None
/// for the events that are not a client's.
pub fn describe_kv_event(history: &[KvHistoryOp], kind: &EventKind) -> Option<String> {
    let op = |op_id: u64| {
        usize::try_from(op_id)
            .ok()
            .and_then(|i| history.get(i))
            .map_or_else(|| format!("operation {op_id}"), |h| describe_kv_op(&h.op))
    };
    let c = |client: u32| u64::from(client) + 1;
    Some(match kind {
        EventKind::KvCalled { client, op_id, .. } => {
            format!("C{} called {}", c(*client), op(*op_id))
        }
        EventKind::KvSent {
            client,
            server,
            attempt,
            op_id,
            ..
        } => format!(
            "C{} sent {} to S{} (attempt {attempt})",
            c(*client),
            op(*op_id),
            server + 1
        ),
        EventKind::KvReplied {
            client,
            server,
            reply,
            op_id,
            ..
        } => format!(
            "C{} {} \u{2192} S{}: {}",
            c(*client),
            op(*op_id),
            server + 1,
            reply.describe()
        ),
        EventKind::KvReturned {
            client,
            op_id,
            output,
        } => match output {
            Some(value) => format!("C{} {} returned {value:?}", c(*client), op(*op_id)),
            None => format!("C{} {} returned", c(*client), op(*op_id)),
        },
        EventKind::KvSnapshot { node, index, bytes } => format!(
            "S{} snapshotted its key/value store through index {index} ({bytes} bytes): its Raft state neared maxraftstate",
            node + 1
        ),
        _ => return None,
    })
}

/// Narration helper: "S2 became leader of term 3", "S3 stepped down from leader to follower
/// (term 3): S5's RequestVote carried term 3".
pub fn describe_node_event(node: NodeId, event: &NodeEvent) -> String {
    let s = node + 1;
    match *event {
        NodeEvent::ElectionStarted { term } => {
            format!("S{s} timed out and started an election for term {term}")
        }
        NodeEvent::VoteGranted { candidate, term } => {
            format!("S{s} voted for S{} in term {term}", candidate + 1)
        }
        NodeEvent::VoteRefused {
            candidate,
            term,
            reason,
        } => {
            let c = candidate + 1;
            let why = match reason {
                VoteRefusal::StaleTerm { candidate_term } => {
                    format!("S{c}'s RequestVote is from older term {candidate_term}")
                }
                VoteRefusal::AlreadyVoted { voted_for } if voted_for == node => {
                    format!("it already voted for itself in term {term}")
                }
                VoteRefusal::AlreadyVoted { voted_for } => {
                    format!("it already voted for S{} in term {term}", voted_for + 1)
                }
                VoteRefusal::LogNotUpToDate {
                    candidate_last: (ct, ci),
                    own_last: (ot, oi),
                } => format!(
                    "S{c}'s log is not up to date (§5.4.1): its last entry is term {ct} at index {ci}, S{s}'s term {ot} at index {oi}"
                ),
            };
            format!("S{s} refused its vote to S{c} (term {term}): {why}")
        }
        NodeEvent::BecameLeader { term } => format!("S{s} became leader of term {term}"),
        NodeEvent::SteppedDown { term, was, cause } => {
            let why = match cause {
                StepDownCause::HigherTerm { from, kind, term } => {
                    format!("S{}'s {} carried term {term}", from + 1, kind.name())
                }
                StepDownCause::LeaderOfTerm {
                    leader,
                    kind,
                    term: sent,
                } if sent < term => format!(
                    "it took S{}'s {} of older term {sent} for the leader's (the rule \"reject AppendEntries from an older term\" is broken)",
                    leader + 1,
                    kind.name()
                ),
                StepDownCause::LeaderOfTerm { leader, kind, .. } => format!(
                    "S{}'s {} showed it is the leader of term {term}",
                    leader + 1,
                    kind.name()
                ),
            };
            format!(
                "S{s} stepped down from {} to follower (term {term}): {why}",
                was.name()
            )
        }
        NodeEvent::AppendEntriesRefused {
            leader,
            term,
            reason,
        } => {
            let why = match reason {
                AppendRefusal::StaleTerm { leader_term } => {
                    format!("it is from older term {leader_term}")
                }
                AppendRefusal::LogTooShort {
                    prev_log_index,
                    last_index,
                } => format!(
                    "its log has no entry at prevLogIndex {prev_log_index} (it ends at index {last_index})"
                ),
                AppendRefusal::TermMismatch {
                    prev_log_index,
                    prev_log_term,
                    term,
                } => format!(
                    "its entry at prevLogIndex {prev_log_index} has term {term}, not prevLogTerm {prev_log_term}"
                ),
            };
            format!(
                "S{s} refused S{}'s AppendEntries (term {term}): {why}",
                leader + 1
            )
        }
        NodeEvent::Committed { index } => format!("S{s} advanced commitIndex to {index}"),
        NodeEvent::SnapshotTaken { index } => {
            format!("S{s} took a snapshot through index {index} (lastIncludedIndex)")
        }
        NodeEvent::SnapshotInstalled { index, term } => {
            format!("S{s} installed the leader's snapshot (lastIncludedIndex {index}, lastIncludedTerm {term}): its log through index {index} is replaced by the snapshot, and its state machine by the snapshot's state")
        }
        NodeEvent::LogTruncated {
            from,
            to,
            conflicted,
            committed,
        } => {
            let entries = if from == to {
                format!("entry {from}")
            } else {
                format!("entries {from}..{to}")
            };
            match (conflicted, committed) {
                (true, false) => format!(
                    "S{s} deleted its uncommitted {entries}, which conflicted with the leader's log"
                ),
                (false, false) => format!(
                    "S{s} deleted its {entries} after prevLogIndex although they matched the leader's (a broken rule: truncate only on conflict)"
                ),
                (_, true) => format!(
                    "S{s} deleted its {entries}, committed ones among them: only a broken rule lets a leader without a committed entry replace it"
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{MessageKind, Role};

    #[test]
    fn a_truncation_says_whether_it_deleted_conflicting_matching_or_committed_entries() {
        let truncated = |conflicted, committed| {
            describe_node_event(
                1,
                &NodeEvent::LogTruncated {
                    from: 2,
                    to: 3,
                    conflicted,
                    committed,
                },
            )
        };
        assert_eq!(
            truncated(true, false),
            "S2 deleted its uncommitted entries 2..3, which conflicted with the leader's log"
        );
        assert!(truncated(false, false).contains("although they matched"));
        assert!(truncated(true, true).contains("committed ones among them"));
        assert!(truncated(false, true).contains("committed ones among them"));
    }

    #[test]
    fn a_step_down_and_a_refused_vote_say_why() {
        let down = NodeEvent::SteppedDown {
            term: 3,
            was: Role::Leader,
            cause: StepDownCause::HigherTerm {
                from: 4,
                kind: MessageKind::RequestVote,
                term: 3,
            },
        };
        assert_eq!(
            describe_node_event(2, &down),
            "S3 stepped down from leader to follower (term 3): S5's RequestVote carried term 3"
        );
        let refused = NodeEvent::VoteRefused {
            candidate: 3,
            term: 5,
            reason: VoteRefusal::LogNotUpToDate {
                candidate_last: (2, 3),
                own_last: (3, 4),
            },
        };
        assert_eq!(
            describe_node_event(1, &refused),
            "S2 refused its vote to S4 (term 5): S4's log is not up to date (§5.4.1): its last entry is term 2 at index 3, S2's term 3 at index 4"
        );
        let voted = NodeEvent::VoteRefused {
            candidate: 3,
            term: 5,
            reason: VoteRefusal::AlreadyVoted { voted_for: 2 },
        };
        assert!(describe_node_event(1, &voted).ends_with("it already voted for S3 in term 5"));
        let candidate = NodeEvent::SteppedDown {
            term: 4,
            was: Role::Candidate,
            cause: StepDownCause::LeaderOfTerm {
                leader: 0,
                kind: MessageKind::AppendEntries,
                term: 4,
            },
        };
        assert!(describe_node_event(1, &candidate)
            .ends_with("S1's AppendEntries showed it is the leader of term 4"));
    }
}
