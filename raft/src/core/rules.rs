//! Rules a student can break: each `Rule` switches off one rule of Figure 2 or §5, so the
//! core misbehaves exactly as an implementation with that bug would (and never panics), and
//! the safety checker shows what the rule was protecting.
//!
//! All rules are kept by default. Where each is broken:
//! - `CommitCurrentTerm`: `replication::advance_commit_index` commits by counting replicas
//!   of any term (Figure 8).
//! - `VoteUpToDate`: `election::handle_request_vote` skips the §5.4.1 log comparison.
//! - `PersistVotedFor`: `Raft::ready` saves votedFor as None (a restart forgets the vote).
//! - `PersistLog`: entries a follower takes from AppendEntries are not saved before it
//!   replies (they reach the disk only with the next save for another reason).
//! - `AppendEntriesTerm`: `replication::handle_append_entries` accepts a request of an
//!   older term as if it came from this term's leader.
//! - `TruncateOnConflict`: AppendEntries replaces everything after prevLogIndex with the
//!   request's entries, even entries that match (a stale request deletes newer ones).
//!
//! With any rule broken, a follower also obeys an AppendEntries that conflicts at or below its
//! commitIndex (with every rule kept the core refuses one: no correct leader sends it): the
//! broken cluster sends exactly that, and the student is meant to see the committed entry
//! go. commitIndex and lastApplied never go back, as in real code; the service is handed
//! only entries the log holds.

use serde::{Deserialize, Serialize};

/// One rule of Figure 2 or §5 that can be switched off. The postcard encoding is the
/// variant's position: new rules go at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rule {
    /// §5.4.2: a leader commits by counting replicas only entries of its current term.
    CommitCurrentTerm,
    /// §5.4.1: a vote goes only to a candidate whose log is at least as up to date.
    VoteUpToDate,
    /// Figure 2: votedFor is on stable storage before the vote is granted.
    PersistVotedFor,
    /// Figure 2: log entries are on stable storage before the AppendEntries reply.
    PersistLog,
    /// Figure 2, AppendEntries step 1: reply false if term < currentTerm.
    AppendEntriesTerm,
    /// Figure 2, AppendEntries step 3: delete existing entries only when they conflict.
    TruncateOnConflict,
    /// Lab 4: the key/value service applies each client request once (its duplicate table
    /// filters a retried Put or Append). Not a rule of the core: the simulator's stores obey
    /// it (`BrokenRules::of_core` leaves it out of what a `Raft` is given).
    FilterDuplicates,
}

impl Rule {
    /// Every rule of the core (Figure 2 and §5), in the order the page lists them.
    pub const ALL: [Rule; 6] = [
        Rule::CommitCurrentTerm,
        Rule::VoteUpToDate,
        Rule::PersistVotedFor,
        Rule::PersistLog,
        Rule::AppendEntriesTerm,
        Rule::TruncateOnConflict,
    ];

    /// The rules of the key/value service the simulator runs (Lab 4), not of the core.
    pub const SERVICE: [Rule; 1] = [Rule::FilterDuplicates];

    /// Every rule: the core's (`ALL`), then the service's (`SERVICE`).
    pub const EVERY: [Rule; 7] = {
        let mut every = [Rule::FilterDuplicates; 7];
        let mut i = 0;
        while i < Rule::ALL.len() {
            every[i] = Rule::ALL[i];
            i += 1;
        }
        every[Rule::ALL.len()] = Rule::SERVICE[0];
        every
    };

    /// Where the rule comes from: "Raft" (Figure 2 and §5) or "Lab 4" (the key/value service).
    pub fn section(self) -> &'static str {
        match self {
            Rule::FilterDuplicates => "Lab 4",
            _ => "Raft",
        }
    }

    /// Stable id (links, run files, the page's attributes).
    pub fn id(self) -> &'static str {
        match self {
            Rule::CommitCurrentTerm => "commit-current-term",
            Rule::VoteUpToDate => "vote-up-to-date",
            Rule::PersistVotedFor => "persist-voted-for",
            Rule::PersistLog => "persist-log",
            Rule::AppendEntriesTerm => "append-entries-term",
            Rule::TruncateOnConflict => "truncate-on-conflict",
            Rule::FilterDuplicates => "filter-duplicates",
        }
    }

    /// The rule in the paper's words; the page's checkbox is "Break: <label>".
    pub fn label(self) -> &'static str {
        match self {
            Rule::CommitCurrentTerm => "commit only current-term entries (§5.4.2)",
            Rule::VoteUpToDate => "grant votes only to up-to-date logs (§5.4.1)",
            Rule::PersistVotedFor => "persist votedFor before voting (Figure 2)",
            Rule::PersistLog => "persist the log before replying (Figure 2)",
            Rule::AppendEntriesTerm => "reject AppendEntries from an older term (Figure 2)",
            Rule::TruncateOnConflict => "truncate the log only on conflict (Figure 2)",
            Rule::FilterDuplicates => "Apply each client request once (filter duplicates)",
        }
    }

    /// One line: what breaking the rule shows.
    pub fn teaches(self) -> &'static str {
        match self {
            Rule::CommitCurrentTerm => {
                "Figure 8: an old-term entry counted onto a majority is committed, then overwritten by a later leader, and servers apply different commands at one index (state machine safety)"
            }
            Rule::VoteUpToDate => {
                "a candidate missing committed entries wins the election, so a leader lacks a committed entry (leader completeness)"
            }
            Rule::PersistVotedFor => {
                "a server that restarts forgets its vote and votes twice in one term, so two leaders share a term (election safety)"
            }
            Rule::PersistLog => {
                "a follower acknowledges entries it then loses in a crash, so an entry counted as committed vanishes from a majority and a leader without it is elected (leader completeness)"
            }
            Rule::AppendEntriesTerm => {
                "a deposed leader's slow AppendEntries overwrites a committed entry on a follower, which then becomes leader without it (leader completeness)"
            }
            Rule::TruncateOnConflict => {
                "a late AppendEntries deletes entries the follower already acknowledged, so a committed entry is on a minority and a leader without it is elected (leader completeness)"
            }
            Rule::FilterDuplicates => {
                "a Clerk retries an Append whose reply was lost, the retry is committed too, and the value is appended twice (linearizability)"
            }
        }
    }

    /// The rule with this `id`, if any.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::EVERY.into_iter().find(|r| r.id() == id)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The set of broken rules (empty, every rule kept, by default). Serialized as its bits;
/// bits that name no rule are refused.
///
/// Invariant: only bits of `Rule::EVERY` are set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct BrokenRules(u8);

impl BrokenRules {
    /// Every rule kept.
    pub const NONE: BrokenRules = BrokenRules(0);

    pub fn is_broken(self, rule: Rule) -> bool {
        self.0 & rule.bit() != 0
    }

    /// True when no rule is broken.
    pub fn all_kept(self) -> bool {
        self.0 == 0
    }

    /// Only the core's rules of this set (`Rule::ALL`): what a `Raft` is given, so a broken
    /// service rule (`Rule::SERVICE`) changes nothing in the core.
    pub fn of_core(self) -> BrokenRules {
        let core = Rule::ALL.iter().fold(0u8, |all, r| all | r.bit());
        BrokenRules(self.0 & core)
    }

    /// Break (`broken`) or restore `rule`.
    pub fn set(&mut self, rule: Rule, broken: bool) {
        if broken {
            self.0 |= rule.bit();
        } else {
            self.0 &= !rule.bit();
        }
    }

    /// This set with `rule` broken.
    pub fn with(mut self, rule: Rule) -> BrokenRules {
        self.set(rule, true);
        self
    }

    /// The broken rules, in `Rule::EVERY` order.
    pub fn iter(self) -> impl Iterator<Item = Rule> {
        Rule::EVERY.into_iter().filter(move |&r| self.is_broken(r))
    }
}

impl From<BrokenRules> for u8 {
    fn from(rules: BrokenRules) -> u8 {
        rules.0
    }
}

impl TryFrom<u8> for BrokenRules {
    type Error = &'static str;
    fn try_from(bits: u8) -> Result<BrokenRules, &'static str> {
        let known = Rule::EVERY.iter().fold(0u8, |all, r| all | r.bit());
        if bits & !known != 0 {
            return Err("a bit that names no rule");
        }
        Ok(BrokenRules(bits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_distinct() {
        for rule in Rule::EVERY {
            assert_eq!(Rule::from_id(rule.id()), Some(rule));
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
        let mut ids: alloc::vec::Vec<&str> = Rule::EVERY.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Rule::EVERY.len());
        assert_eq!(
            [&Rule::ALL[..], &Rule::SERVICE[..]].concat(),
            Rule::EVERY,
            "the core's rules, then the service's"
        );
        assert_eq!(Rule::FilterDuplicates.section(), "Lab 4");
        assert_eq!(
            BrokenRules::NONE
                .with(Rule::FilterDuplicates)
                .with(Rule::PersistLog)
                .of_core(),
            BrokenRules::NONE.with(Rule::PersistLog)
        );
    }

    #[test]
    fn a_set_breaks_and_restores_one_rule_at_a_time() {
        let mut set = BrokenRules::default();
        assert!(set.all_kept());
        set.set(Rule::PersistLog, true);
        set.set(Rule::VoteUpToDate, true);
        assert!(set.is_broken(Rule::PersistLog) && set.is_broken(Rule::VoteUpToDate));
        assert!(!set.is_broken(Rule::CommitCurrentTerm));
        assert_eq!(
            set.iter().collect::<alloc::vec::Vec<_>>(),
            [Rule::VoteUpToDate, Rule::PersistLog]
        );
        set.set(Rule::PersistLog, false);
        assert_eq!(set, BrokenRules::NONE.with(Rule::VoteUpToDate));
    }

    #[test]
    fn the_encoding_refuses_bits_that_name_no_rule() {
        let set = BrokenRules::NONE.with(Rule::TruncateOnConflict);
        let bytes = postcard::to_allocvec(&set).unwrap();
        assert_eq!(postcard::from_bytes::<BrokenRules>(&bytes), Ok(set));
        assert!(postcard::from_bytes::<BrokenRules>(&[0x80]).is_err());
        assert_eq!(
            postcard::to_allocvec(&Rule::TruncateOnConflict).unwrap(),
            [5]
        );
    }
}
