//! Narration of a node's events in the paper's words, for people reading a run.

use crate::core::{NodeEvent, NodeId};
use alloc::format;
use alloc::string::String;

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
