//! The RPCs of Figure 2 and §7, as plain values. Each reply answers the request it names.

use super::log::Entry;
use super::{INDEX_MAX, TERM_MAX};
use alloc::sync::Arc;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Index of a node: 0-based, as in 6.5840 (`me`). The page shows `id + 1` as S1..Sn.
pub type NodeId = usize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestVoteArgs {
    pub term: u64,
    pub candidate_id: NodeId,
    pub last_log_index: u64,
    pub last_log_term: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestVoteReply {
    pub term: u64,
    pub vote_granted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendEntriesArgs {
    pub term: u64,
    pub leader_id: NodeId,
    pub prev_log_index: u64,
    pub prev_log_term: u64,
    pub entries: Vec<Entry>,
    pub leader_commit: u64,
}

/// Reply to AppendEntries, with the fast log backup fields (6.5840's "conflict term" scheme).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendEntriesReply {
    pub term: u64,
    pub success: bool,
    /// On success: the index of the last entry the follower now matches (prevLogIndex + entries).
    pub match_index: u64,
    /// On failure: the follower's term at prevLogIndex (None when its log is too short).
    pub conflict_term: Option<u64>,
    /// On failure: the first index of conflict_term in the follower's log, or its last index + 1;
    /// 0 when the request's term was stale (the reply then says nothing about the log).
    pub conflict_index: u64,
}

/// InstallSnapshot, sent whole in one message (no offset chunking).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallSnapshotArgs {
    pub term: u64,
    pub leader_id: NodeId,
    pub last_included_index: u64,
    pub last_included_term: u64,
    #[serde(with = "super::bytes")]
    pub data: Arc<[u8]>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallSnapshotReply {
    pub term: u64,
    /// False when the request's term was stale: then the reply says nothing about the log.
    pub accepted: bool,
    /// Echo of the request's lastIncludedIndex, so the leader can advance matchIndex.
    pub last_included_index: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    RequestVote(RequestVoteArgs),
    RequestVoteReply(RequestVoteReply),
    AppendEntries(AppendEntriesArgs),
    AppendEntriesReply(AppendEntriesReply),
    InstallSnapshot(InstallSnapshotArgs),
    InstallSnapshotReply(InstallSnapshotReply),
}

/// The kind of a message, without its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    RequestVote,
    RequestVoteReply,
    AppendEntries,
    AppendEntriesReply,
    InstallSnapshot,
    InstallSnapshotReply,
}

impl MessageKind {
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::RequestVote => "RequestVote",
            MessageKind::RequestVoteReply => "RequestVoteReply",
            MessageKind::AppendEntries => "AppendEntries",
            MessageKind::AppendEntriesReply => "AppendEntriesReply",
            MessageKind::InstallSnapshot => "InstallSnapshot",
            MessageKind::InstallSnapshotReply => "InstallSnapshotReply",
        }
    }
}

impl Message {
    pub fn term(&self) -> u64 {
        match self {
            Message::RequestVote(m) => m.term,
            Message::RequestVoteReply(m) => m.term,
            Message::AppendEntries(m) => m.term,
            Message::AppendEntriesReply(m) => m.term,
            Message::InstallSnapshot(m) => m.term,
            Message::InstallSnapshotReply(m) => m.term,
        }
    }

    pub fn kind(&self) -> MessageKind {
        match self {
            Message::RequestVote(_) => MessageKind::RequestVote,
            Message::RequestVoteReply(_) => MessageKind::RequestVoteReply,
            Message::AppendEntries(_) => MessageKind::AppendEntries,
            Message::AppendEntriesReply(_) => MessageKind::AppendEntriesReply,
            Message::InstallSnapshot(_) => MessageKind::InstallSnapshot,
            Message::InstallSnapshotReply(_) => MessageKind::InstallSnapshotReply,
        }
    }

    /// Ok when a peer of a `peers`-node cluster could have sent this message; otherwise the
    /// rule it breaks. `Raft::step` ignores a message that fails. Fields that are only compared
    /// (lastLogIndex, leaderCommit, a reply's matchIndex or conflict fields) may be anything;
    /// the checks are on what the receiver would store or add to:
    /// - the term is in `1..=TERM_MAX` (every sender has term 1 or later);
    /// - candidateId and leaderId are nodes (`0..peers`);
    /// - AppendEntries: prevLogIndex + entries is at most `INDEX_MAX`; prevLogTerm is 0
    ///   exactly when prevLogIndex is 0; entry terms are at least 1, never decrease, start at
    ///   prevLogTerm or later and end at the message's term or earlier;
    /// - InstallSnapshot: lastIncludedIndex is at most `INDEX_MAX`; lastIncludedTerm is 0
    ///   exactly when lastIncludedIndex is 0, and at most the message's term.
    pub fn validate(&self, peers: usize) -> Result<(), &'static str> {
        let term = self.term();
        if term == 0 || term > TERM_MAX {
            return Err("term out of range");
        }
        match self {
            Message::RequestVote(m) if m.candidate_id >= peers => Err("candidateId is not a node"),
            Message::AppendEntries(m) => {
                if m.leader_id >= peers {
                    return Err("leaderId is not a node");
                }
                let last = u64::try_from(m.entries.len())
                    .ok()
                    .and_then(|n| m.prev_log_index.checked_add(n));
                if last.is_none_or(|last| last > INDEX_MAX) {
                    return Err("prevLogIndex + entries out of range");
                }
                if (m.prev_log_index == 0) != (m.prev_log_term == 0) || m.prev_log_term > term {
                    return Err("prevLogTerm does not fit prevLogIndex or the term");
                }
                let mut previous = m.prev_log_term.max(1);
                for entry in &m.entries {
                    if entry.term < previous || entry.term > term {
                        return Err("entry terms out of order");
                    }
                    previous = entry.term;
                }
                Ok(())
            }
            Message::InstallSnapshot(m) => {
                if m.leader_id >= peers {
                    return Err("leaderId is not a node");
                }
                if m.last_included_index > INDEX_MAX
                    || (m.last_included_index == 0) != (m.last_included_term == 0)
                    || m.last_included_term > term
                {
                    return Err("snapshot metadata out of range");
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Requests get a reply; replies do not.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            Message::RequestVote(_) | Message::AppendEntries(_) | Message::InstallSnapshot(_)
        )
    }

    /// An AppendEntries that carries no entries.
    pub fn is_heartbeat(&self) -> bool {
        matches!(self, Message::AppendEntries(m) if m.entries.is_empty())
    }

    /// Size of the message as encoded on the wire (what 6.5840's bytesTotal counts),
    /// counted by postcard's size flavor: nothing is encoded or allocated.
    pub fn encoded_len(&self) -> usize {
        postcard::experimental::serialized_size(self).unwrap_or(0)
    }
}
