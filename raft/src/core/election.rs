//! Leader election (§5.2, §5.4.1): timers, roles, RequestVote.

use super::*;

impl Raft {
    pub(super) fn election_deadline_ms(&self) -> u64 {
        self.election_reset_ms
            .saturating_add(self.election_timeout_ms)
    }

    /// Set the election timer from outside (RaftScope's lecturer keys, `Input::AlignTimers`
    /// and `Input::SpreadTimers`): it expires at `deadline_ms` (not before now). False, and
    /// nothing changed, on a leader, which has no election timer.
    pub fn set_election_deadline(&mut self, now_ms: u64, deadline_ms: u64) -> bool {
        if self.role == Role::Leader {
            return false;
        }
        self.now_ms = self.now_ms.max(now_ms);
        self.election_reset_ms = self.now_ms;
        self.election_timeout_ms = deadline_ms.saturating_sub(self.now_ms);
        true
    }

    /// When the election timer expires (None on a leader).
    pub fn election_deadline(&self) -> Option<u64> {
        (self.role != Role::Leader).then(|| self.election_deadline_ms())
    }

    pub(super) fn reset_election_timer(&mut self) {
        let span = self
            .timing
            .election_timeout_ms_max
            .saturating_sub(self.timing.election_timeout_ms_min);
        self.election_timeout_ms = self
            .timing
            .election_timeout_ms_min
            .saturating_add(self.random_below(span));
        self.election_reset_ms = self.now_ms;
    }

    /// Adopt a higher term as a follower (Figure 2, "All Servers").
    pub(super) fn become_follower(&mut self, term: u64, cause: StepDownCause) {
        debug_assert!(term > self.current_term);
        if self.role != Role::Follower {
            self.emit(NodeEvent::SteppedDown {
                term,
                was: self.role,
                cause,
            });
            // Its timer dates from its own campaign: without a fresh one, a deposed leader
            // would campaign at once and disrupt the new leader.
            self.reset_election_timer();
        }
        self.current_term = term;
        self.voted_for = None;
        self.role = Role::Follower;
        self.persist_needed = true;
    }

    /// A message (`kind`, of `term`) from this term's leader arrived: be its follower and
    /// restart the election timer (Figure 2, "Followers" and "Candidates").
    pub(super) fn follow_current_leader(&mut self, leader: NodeId, kind: MessageKind, term: u64) {
        if self.role != Role::Follower {
            self.emit(NodeEvent::SteppedDown {
                term: self.current_term,
                was: self.role,
                cause: StepDownCause::LeaderOfTerm { leader, kind, term },
            });
            self.role = Role::Follower;
        }
        self.reset_election_timer();
    }

    /// Start an election now: the election timer fired, or the caller forces a timeout.
    pub fn campaign(&mut self) {
        if self.role == Role::Leader || self.current_term >= TERM_MAX {
            return;
        }
        self.current_term += 1;
        self.role = Role::Candidate;
        self.voted_for = Some(self.me);
        self.persist_needed = true;
        self.votes.iter_mut().for_each(|v| *v = false);
        self.votes[self.me] = true;
        self.reset_election_timer();
        self.emit(NodeEvent::ElectionStarted {
            term: self.current_term,
        });
        if self.peers == 1 {
            self.become_leader();
            return;
        }
        let args = RequestVoteArgs {
            term: self.current_term,
            candidate_id: self.me,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
        };
        for peer in self.others() {
            self.send(peer, Message::RequestVote(args.clone()));
        }
    }

    /// Why this node refuses `args` now, or None when it grants its vote.
    fn vote_refusal(&self, args: &RequestVoteArgs) -> Option<VoteRefusal> {
        if args.term < self.current_term {
            return Some(VoteRefusal::StaleTerm {
                candidate_term: args.term,
            });
        }
        if let Some(voted_for) = self.voted_for.filter(|&v| v != args.candidate_id) {
            return Some(VoteRefusal::AlreadyVoted { voted_for });
        }
        let up_to_date = self
            .log
            .is_up_to_date(args.last_log_index, args.last_log_term);
        if !up_to_date && !self.is_broken(Rule::VoteUpToDate) {
            return Some(VoteRefusal::LogNotUpToDate {
                candidate_last: (args.last_log_term, args.last_log_index),
                own_last: (self.log.last_term(), self.log.last_index()),
            });
        }
        None
    }

    pub(super) fn handle_request_vote(&mut self, from: NodeId, args: RequestVoteArgs) {
        // `step` made args.term at most currentTerm.
        let refusal = self.vote_refusal(&args);
        let grant = refusal.is_none();
        if let Some(reason) = refusal {
            self.emit(NodeEvent::VoteRefused {
                candidate: args.candidate_id,
                term: self.current_term,
                reason,
            });
        }
        if grant {
            if self.voted_for.is_none() {
                self.voted_for = Some(args.candidate_id);
                self.persist_needed = true;
            }
            // Granting a vote resets the election timer (Figure 2, "Followers").
            self.reset_election_timer();
            self.emit(NodeEvent::VoteGranted {
                candidate: args.candidate_id,
                term: self.current_term,
            });
        }
        let reply = RequestVoteReply {
            term: self.current_term,
            vote_granted: grant,
        };
        self.send(from, Message::RequestVoteReply(reply));
    }

    pub(super) fn handle_request_vote_reply(&mut self, from: NodeId, reply: RequestVoteReply) {
        if self.role != Role::Candidate || reply.term != self.current_term || !reply.vote_granted {
            return;
        }
        self.votes[from] = true;
        if self.votes.iter().filter(|&&v| v).count() >= self.majority() {
            self.become_leader();
        }
    }

    fn become_leader(&mut self) {
        self.role = Role::Leader;
        let next = self.log.last_index() + 1;
        self.next_index.iter_mut().for_each(|n| *n = next);
        self.match_index.iter_mut().for_each(|m| *m = 0);
        self.match_index[self.me] = self.log.last_index();
        self.backup.iter_mut().for_each(|b| *b = None);
        self.windows
            .iter_mut()
            .for_each(|w| *w = window::Window::new());
        self.emit(NodeEvent::BecameLeader {
            term: self.current_term,
        });
        // Announce leadership at once (Figure 2: "send initial empty AppendEntries").
        self.broadcast_append_entries();
    }
}
