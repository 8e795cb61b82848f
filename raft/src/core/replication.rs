//! Log replication (§5.3) and commitment (§5.4.2): AppendEntries with fast log backup.

use super::*;

impl Raft {
    /// Send AppendEntries (or InstallSnapshot, when the entries are gone) to every peer and
    /// restart the heartbeat interval.
    pub(super) fn broadcast_append_entries(&mut self) {
        for peer in self.others() {
            self.send_append_entries(peer);
        }
        self.next_heartbeat_ms = self.now_ms.saturating_add(self.timing.heartbeat_ms);
    }

    /// Send `peer` what it misses from nextIndex[peer] on (at most ENTRIES_PER_MESSAGE_MAX,
    /// and none while its window is full; nothing makes a heartbeat). nextIndex then moves
    /// past what was sent (pipelining, as in etcd's raft): later messages carry only newer
    /// entries, and a snapshot taken meanwhile does not send an InstallSnapshot to a follower
    /// whose entries are merely in flight. A lost message shows up as a rejection (of a later
    /// message or of a heartbeat, whose prevLogIndex is nextIndex - 1), which moves nextIndex
    /// back.
    pub(super) fn send_append_entries(&mut self, peer: NodeId) {
        let next = self.next_index[peer];
        if next <= self.log.snapshot_index() {
            self.send_install_snapshot(peer);
            return;
        }
        let prev_log_index = next - 1;
        let prev_log_term = self
            .log
            .term_at(prev_log_index)
            .expect("prevLogIndex is held or is the snapshot's last");
        let cap = self.timing.append_entries_in_flight_max;
        let entries_max = if self.windows[peer].has_room(cap) {
            ENTRIES_PER_MESSAGE_MAX
        } else {
            0 // A heartbeat: the entries wait for a reply to free a slot.
        };
        let args = AppendEntriesArgs {
            term: self.current_term,
            leader_id: self.me,
            prev_log_index,
            prev_log_term,
            entries: self
                .log
                .entries_from(next)
                .iter()
                .take(entries_max)
                .cloned()
                .collect(),
            leader_commit: self.commit_index,
        };
        let last = prev_log_index + args.entries.len() as u64;
        if !args.entries.is_empty() {
            self.windows[peer].sent(last, cap);
        }
        self.next_index[peer] = last + 1;
        self.send(peer, Message::AppendEntries(args));
    }

    /// With a cap: send `peer` what it misses, as many messages as its window has room for
    /// (a follower that needs a snapshot gets it from a heartbeat or a reply, as before).
    pub(super) fn replicate(&mut self, peer: NodeId) {
        let cap = self.timing.append_entries_in_flight_max;
        while self.next_index[peer] > self.log.snapshot_index()
            && self.next_index[peer] <= self.log.last_index()
            && self.windows[peer].has_room(cap)
        {
            self.send_append_entries(peer);
        }
    }

    pub(super) fn handle_append_entries(&mut self, from: NodeId, args: AppendEntriesArgs) {
        let mut reply = AppendEntriesReply {
            term: self.current_term,
            success: false,
            match_index: 0,
            conflict_term: None,
            conflict_index: 0,
        };
        if args.term < self.current_term && !self.is_broken(Rule::AppendEntriesTerm) {
            self.emit(NodeEvent::AppendEntriesRefused {
                leader: from,
                term: self.current_term,
                reason: AppendRefusal::StaleTerm {
                    leader_term: args.term,
                },
            });
            self.send(from, Message::AppendEntriesReply(reply));
            return;
        }
        // args.term == current_term: the sender is this term's leader (or, with
        // AppendEntriesTerm broken, a deposed one taken for it).
        self.follow_current_leader(from, MessageKind::AppendEntries, args.term);

        let AppendEntriesArgs {
            mut prev_log_index,
            mut prev_log_term,
            mut entries,
            leader_commit,
            ..
        } = args;
        // Entries at or below our snapshot are committed, so they match: skip them.
        // (`Message::validate` bounds prevLogIndex + entries by INDEX_MAX: no sum here wraps.)
        if prev_log_index < self.log.snapshot_index() {
            let skip = self.log.snapshot_index() - prev_log_index;
            if skip > entries.len() as u64 {
                reply.success = true;
                reply.match_index = prev_log_index + entries.len() as u64;
                self.send(from, Message::AppendEntriesReply(reply));
                return;
            }
            let skip = skip as usize; // At most entries.len().
            prev_log_term = entries[skip - 1].term;
            entries.drain(..skip);
            prev_log_index = self.log.snapshot_index();
        }
        match self.log.term_at(prev_log_index) {
            None => {
                // Our log is too short.
                reply.conflict_index = self.log.last_index() + 1;
                self.emit(NodeEvent::AppendEntriesRefused {
                    leader: from,
                    term: self.current_term,
                    reason: AppendRefusal::LogTooShort {
                        prev_log_index,
                        last_index: self.log.last_index(),
                    },
                });
            }
            Some(term) if term != prev_log_term => {
                reply.conflict_term = Some(term);
                reply.conflict_index = self.log.first_index_of_term_at(prev_log_index);
                self.emit(NodeEvent::AppendEntriesRefused {
                    leader: from,
                    term: self.current_term,
                    reason: AppendRefusal::TermMismatch {
                        prev_log_index,
                        prev_log_term,
                        term,
                    },
                });
            }
            Some(_) => {
                let last_new = prev_log_index + entries.len() as u64;
                if self.broken.all_kept()
                    && self
                        .first_conflict(prev_log_index, &entries)
                        .is_some_and(|index| index <= self.commit_index)
                {
                    // No leader of this term sends this: by Leader Completeness its log
                    // holds every committed entry. Crafted, or from a broken peer: refuse it
                    // whole, unanswered, rather than delete committed entries. (With a rule
                    // broken, the broken cluster does send it: obey, as real code would, so
                    // the student sees the committed entry go; see `rules`.)
                    return;
                }
                self.append_new_entries(prev_log_index, entries);
                reply.success = true;
                reply.match_index = last_new;
                if leader_commit > self.commit_index {
                    self.set_commit_index(leader_commit.min(last_new));
                }
            }
        }
        self.send(from, Message::AppendEntriesReply(reply));
    }

    /// The first index at which `entries` (following `prev_log_index`) and the log hold
    /// different terms, if any.
    fn first_conflict(&self, prev_log_index: u64, entries: &[Entry]) -> Option<u64> {
        entries
            .iter()
            .zip(prev_log_index + 1..)
            .map_while(|(entry, index)| Some((index, self.log.term_at(index)? != entry.term)))
            .find_map(|(index, conflict)| conflict.then_some(index))
    }

    /// Figure 2, steps 3 and 4: delete a conflicting suffix, append what is new. An entry
    /// that is already there is kept, so a stale, reordered AppendEntries cannot truncate.
    /// Precondition, while every rule is kept: no conflict at or below commitIndex (see
    /// `first_conflict`).
    fn append_new_entries(&mut self, prev_log_index: u64, entries: Vec<Entry>) {
        // The bug of a broken TruncateOnConflict: everything after prevLogIndex is replaced.
        if self.is_broken(Rule::TruncateOnConflict) && self.log.last_index() > prev_log_index {
            self.truncate_log(prev_log_index + 1, false);
        }
        let mut index = prev_log_index;
        for entry in entries {
            index += 1;
            match self.log.term_at(index) {
                Some(term) if term == entry.term => continue,
                Some(_) => self.truncate_log(index, true),
                None => {}
            }
            self.log.append(entry);
            self.log_changed(index);
            // The bug of a broken PersistLog: the reply leaves before the entries are saved.
            if !self.is_broken(Rule::PersistLog) {
                self.persist_needed = true;
            }
        }
    }

    /// Delete the entries from `from` on (`conflicted`: the entry at `from` conflicts with
    /// the leader's). Precondition: `snapshot_index < from <= last_index`.
    fn truncate_log(&mut self, from: u64, conflicted: bool) {
        assert!(
            from > self.commit_index || !self.broken.all_kept(),
            "node {} would truncate committed index {from}",
            self.me
        );
        let to = self.log.last_index();
        let committed = from <= self.commit_index;
        self.log.truncate_from(from);
        self.log_changed(from);
        if !self.is_broken(Rule::PersistLog) {
            self.persist_needed = true;
        }
        self.emit(NodeEvent::LogTruncated {
            from,
            to,
            conflicted,
            committed,
        });
    }

    pub(super) fn handle_append_entries_reply(&mut self, from: NodeId, reply: AppendEntriesReply) {
        if self.role != Role::Leader
            || reply.term != self.current_term
            || (!reply.success && reply.conflict_index == 0)
            || reply.match_index > self.log.last_index()
        {
            return; // Not for this term's requests, or claims entries we never sent.
        }
        let capped = self.timing.append_entries_in_flight_max.is_some();
        if reply.success {
            if reply.match_index > self.match_index[from] {
                self.match_index[from] = reply.match_index;
                self.advance_commit_index();
            }
            self.next_index[from] = self.next_index[from].max(reply.match_index + 1);
            if capped {
                self.windows[from].acknowledged(reply.match_index);
                self.replicate(from); // Refill the window until the follower has caught up.
            } else if self.next_index[from] <= self.log.last_index() {
                self.send_append_entries(from); // Keep sending until the follower has caught up.
            }
            return;
        }
        // Fast backup: skip the follower's whole conflicting term, or to the end of its log.
        let next = match reply.conflict_term {
            Some(term) => self
                .log
                .last_index_of_term(term)
                .map_or(reply.conflict_index, |i| i + 1),
            None => reply.conflict_index,
        };
        // A clamp, written so that it cannot panic even if the bounds crossed.
        let next = next
            .max(self.match_index[from] + 1)
            .min(self.log.last_index() + 1);
        // A backup from `first` is in flight and this rejection says only "my log is too
        // short" at or past `first`: it answers a request the backup overtook, and the backup
        // fills that gap. (Should the backup be lost, a rejection after one heartbeat
        // interval backs up again; a conflicting term is acted on at once.)
        if let Some((first, at_ms)) = self.backup[from] {
            if reply.conflict_term.is_none()
                && next >= first
                && self.now_ms < at_ms.saturating_add(self.timing.heartbeat_ms)
            {
                return;
            }
        }
        if capped {
            // What is in flight is superseded: free the window and back up, one message at
            // a time until a success.
            self.windows[from].rejected();
            let next = next.min(self.next_index[from]);
            self.next_index[from] = next;
            self.backup[from] = Some((next, self.now_ms));
            self.send_append_entries(from);
            return;
        }
        if next < self.next_index[from] {
            self.next_index[from] = next;
            self.backup[from] = Some((next, self.now_ms));
            self.send_append_entries(from);
        }
    }

    /// §5.3/§5.4.2: commit the highest index stored on a majority whose entry is from the
    /// current term; earlier-term entries commit with it, never by counting replicas.
    /// With CommitCurrentTerm broken, any entry stored on a majority is committed (Figure 8).
    pub(super) fn advance_commit_index(&mut self) {
        let by_counting = self.is_broken(Rule::CommitCurrentTerm);
        // The highest index stored on a majority is the majority-th highest matchIndex
        // (the leader's own counts: it is its last index). Terms never decrease along the
        // log, so the current term's entries are a suffix: the highest index on a majority
        // is committed when its entry is of the current term, and no lower one can be then.
        // (A scan down from the last index, one count per index, did the same in
        // O(uncommitted × peers).)
        let mut matched = self.match_index.clone();
        let majority = self.majority();
        crate::small_sort::sort_small_by(&mut matched, |a, b| a > b);
        let n = matched[majority - 1].min(self.log.last_index());
        if n > self.commit_index && (by_counting || self.log.term_at(n) == Some(self.current_term))
        {
            self.set_commit_index(n);
        }
    }

    pub(super) fn set_commit_index(&mut self, index: u64) {
        if index > self.commit_index {
            self.commit_index = index;
            self.emit(NodeEvent::Committed { index });
        }
    }
}
