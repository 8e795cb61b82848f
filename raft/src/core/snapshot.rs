//! Log compaction (§7): the service's snapshots and InstallSnapshot.

use super::*;

impl Raft {
    /// The service snapshotted through `index`: trim the log and persist the snapshot.
    pub(super) fn take_snapshot(&mut self, index: u64, data: Arc<[u8]>) {
        if index <= self.log.snapshot_index() || index > self.last_applied {
            return; // Stale, or ahead of what the service can have seen.
        }
        // Applied entries above the snapshot are held, unless a broken rule deleted them.
        let Some(term) = self.log.term_at(index) else {
            return;
        };
        self.log.compact_to(index, term);
        self.snapshot = data;
        self.persist_needed = true;
        self.emit(NodeEvent::SnapshotTaken { index });
    }

    pub(super) fn send_install_snapshot(&mut self, peer: NodeId) {
        let args = InstallSnapshotArgs {
            term: self.current_term,
            leader_id: self.me,
            last_included_index: self.log.snapshot_index(),
            last_included_term: self.log.snapshot_term(),
            data: self.snapshot.clone(),
        };
        self.next_index[peer] = args.last_included_index + 1; // As for AppendEntries.
        self.send(peer, Message::InstallSnapshot(args));
    }

    pub(super) fn handle_install_snapshot(&mut self, from: NodeId, args: InstallSnapshotArgs) {
        let mut reply = InstallSnapshotReply {
            term: self.current_term,
            accepted: false,
            last_included_index: args.last_included_index,
        };
        if args.term < self.current_term {
            self.send(from, Message::InstallSnapshotReply(reply));
            return;
        }
        self.follow_current_leader(from, MessageKind::InstallSnapshot, args.term);
        let index = args.last_included_index;
        // A snapshot we already cover (committed entries) changes nothing.
        if index > self.commit_index {
            self.log.compact_to(index, args.last_included_term);
            self.log_changed(index + 1);
            self.snapshot = args.data.clone();
            self.persist_needed = true;
            self.commit_index = index;
            // ready() drained earlier commits, so the service has applied through the old
            // commitIndex; the snapshot now replaces that state.
            self.last_applied = index;
            self.ready.applies.push(ApplyMsg::Snapshot {
                index,
                term: args.last_included_term,
                data: args.data,
            });
            self.emit(NodeEvent::SnapshotInstalled {
                index,
                term: args.last_included_term,
            });
        }
        reply.accepted = true;
        self.send(from, Message::InstallSnapshotReply(reply));
    }

    pub(super) fn handle_install_snapshot_reply(
        &mut self,
        from: NodeId,
        reply: InstallSnapshotReply,
    ) {
        if self.role != Role::Leader
            || reply.term != self.current_term
            || !reply.accepted
            || reply.last_included_index > self.log.last_index()
        {
            return;
        }
        if reply.last_included_index > self.match_index[from] {
            self.match_index[from] = reply.last_included_index;
            self.advance_commit_index();
        }
        self.next_index[from] = self.next_index[from].max(reply.last_included_index + 1);
        if self.timing.append_entries_in_flight_max.is_some() {
            self.windows[from].acknowledged(reply.last_included_index);
            self.replicate(from);
        } else if self.next_index[from] <= self.log.last_index() {
            self.send_append_entries(from); // The entries after the snapshot, at once.
        }
    }
}
