//! The logs as the page draws them: a window of entries per row, asked for by index range
//! (`Page::log_window`), so what crosses to JavaScript each frame is what is drawn, never a
//! whole log; and per row where it parts from the leader's log (`diverges_at`), for the
//! overview strip.

use crate::ids::shown;
use crate::page::{Page, Refusal};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use raftlab::core::{Log, NodeId};
use serde::{Deserialize, Serialize};

/// Entries one row's window may ask for at once (a screen holds a few dozen columns).
pub const LOG_WINDOW_ENTRIES_MAX: u64 = 512;

/// One row's window (`Cluster.logWindow()`): the entries of node `node` with indices
/// `from..=to` that its log holds (above its snapshot, up to its last index), in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogWindowView {
    pub node: u32,
    pub from: u64,
    pub to: u64,
    pub entries: Vec<LogEntryView>,
}

/// A window asked for: node (0-based) and an inclusive index range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogRange {
    pub node: NodeId,
    pub from: u64,
    pub to: u64,
}

/// `f` of node `i`'s log: a live node's own, a crashed node's persisted one (decoded once
/// per change of its persister).
pub fn with_log<R>(page: &Page, i: NodeId, f: impl FnOnce(&Log) -> R) -> R {
    let sim = page.sim();
    match sim.raft(i) {
        Some(raft) => f(raft.log()),
        None => page.crashed.with(sim, i, |d| f(&d.state.log)),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntryView {
    pub index: u64,
    pub term: u64,
    /// The command as text when printable, else its bytes in hex (`command_text`).
    pub command: String,
    /// True when `command` is hex.
    pub command_hex: bool,
}

impl LogEntryView {
    pub fn of(index: u64, e: &raftlab::core::Entry) -> LogEntryView {
        let command = crate::narrate::command_text(&e.command);
        LogEntryView {
            index,
            term: e.term,
            command_hex: core::str::from_utf8(&e.command)
                .map_or(true, |s| !crate::narrate::command_is_printable(s))
                && !e.command.is_empty(),
            command,
        }
    }
}

fn entries(log: &Log, from: u64, to: u64) -> Vec<LogEntryView> {
    let lo = from.max(log.first_index());
    let hi = to.min(log.last_index());
    if lo > hi {
        return Vec::new();
    }
    log.entries_from(lo)
        .iter()
        .take((hi - lo + 1) as usize)
        .enumerate()
        .map(|(k, e)| LogEntryView::of(lo + k as u64, e))
        .collect()
}

impl Page {
    /// The windows asked for, one per range, in the order asked. A range past
    /// `LOG_WINDOW_ENTRIES_MAX` entries, an unknown node or `from > to` is refused.
    pub fn log_window(&self, ranges: &[LogRange]) -> Result<Vec<LogWindowView>, Refusal> {
        let n = self.sim().len();
        if ranges.len() > n {
            return Err(Refusal::BadArgument(format!(
                "at most {n} ranges (one per node), got {}",
                ranges.len()
            )));
        }
        ranges
            .iter()
            .map(|r| {
                let node = self.check_node(r.node)?;
                if r.from > r.to {
                    return Err(Refusal::BadArgument(format!(
                        "from ({}) is after to ({})",
                        r.from, r.to
                    )));
                }
                if r.to - r.from >= LOG_WINDOW_ENTRIES_MAX {
                    return Err(Refusal::BadArgument(format!(
                        "a window holds at most {LOG_WINDOW_ENTRIES_MAX} entries, asked for {}..={}",
                        r.from, r.to
                    )));
                }
                Ok(LogWindowView {
                    node: shown(node),
                    from: r.from,
                    to: r.to,
                    entries: with_log(self, node, |log| entries(log, r.from, r.to)),
                })
            })
            .collect()
    }
}

/// The first index where `log` parts from the leader's: the first index both hold with
/// different terms, else, when `log` is longer, the first index past the leader's end. None
/// when it matches (it may be shorter: behind, not diverged). By Log Matching, entries that
/// agree at an index agree below it, so the first disagreement is found by bisection (the
/// frame's cost does not grow with the log); when Log Matching itself is broken (a broken
/// rule) it is a disagreement, though maybe not the first.
pub fn diverges_at(log: &Log, leader: &Log) -> Option<u64> {
    let lo = log.first_index().max(leader.first_index());
    let hi = log.last_index().min(leader.last_index());
    let differs = |i: u64| match (log.term_at(i), leader.term_at(i)) {
        (Some(a), Some(b)) => a != b,
        _ => false,
    };
    if lo <= hi && differs(hi) {
        // Smallest i in lo..=hi that differs (differs(hi) holds).
        let (mut a, mut b) = (lo, hi);
        while a < b {
            let mid = a + (b - a) / 2;
            if differs(mid) {
                b = mid;
            } else {
                a = mid + 1;
            }
        }
        return Some(a);
    }
    (log.last_index() > leader.last_index()).then(|| leader.last_index() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ids::shown;
    use crate::narrate::NarrationKind as EventKindName;

    use crate::page::elected;

    use raftlab::core::Entry;

    fn log(snapshot: u64, terms: &[u64]) -> Log {
        Log::new(
            snapshot,
            if snapshot > 0 { 1 } else { 0 },
            terms
                .iter()
                .map(|&term| Entry {
                    term,
                    command: Vec::new().into(),
                })
                .collect(),
        )
    }

    #[test]
    fn divergence_is_the_first_index_of_another_term_or_past_the_leaders_end() {
        let leader = log(0, &[1, 1, 2, 2, 3]);
        assert_eq!(diverges_at(&log(0, &[1, 1, 2, 2, 3]), &leader), None);
        assert_eq!(diverges_at(&log(0, &[1, 1]), &leader), None, "behind");
        assert_eq!(diverges_at(&log(0, &[1, 1, 2, 4, 4, 4]), &leader), Some(4));
        assert_eq!(diverges_at(&log(0, &[1, 5]), &leader), Some(2));
        assert_eq!(diverges_at(&log(0, &[1, 1, 2, 2, 3, 3]), &leader), Some(6));
        // A snapshot on either side: compared from the higher first index.
        assert_eq!(diverges_at(&log(3, &[2, 4]), &leader), Some(5));
        assert_eq!(diverges_at(&log(0, &[1, 1, 2, 2, 3]), &log(4, &[3])), None);
    }

    #[test]
    fn a_request_commits_on_a_majority() {
        let mut e = elected(11);
        let r = e.request("hello").unwrap();
        assert_eq!(r.leader as usize, e.leader().unwrap() + 1);
        e.advance(1_000).unwrap();
        let state = e.state();
        let committed = state
            .nodes
            .iter()
            .filter(|n| n.commit_index >= r.index)
            .count();
        assert!(committed >= 3, "committed on {committed} nodes");
        let window = e
            .log_window(&[LogRange {
                node: r.leader as usize - 1,
                from: r.index,
                to: r.index,
            }])
            .unwrap();
        assert!(window[0]
            .entries
            .iter()
            .any(|x| x.index == r.index && x.term == r.term && x.command == "hello"));
        let events = e.take_events();
        assert!(events
            .iter()
            .any(|ev| ev.kind == EventKindName::Request && ev.text.contains("hello")));
        assert!(events
            .iter()
            .any(|ev| ev.kind == EventKindName::Commit && ev.index == Some(r.index)));
        assert!(
            events
                .iter()
                .all(|ev| ev.kind != EventKindName::Commit || ev.node == Some(r.leader)),
            "only the leader's commits"
        );
    }

    #[test]
    fn a_crashed_node_shows_what_it_persisted() {
        let mut e = elected(5);
        e.request("kept").unwrap();
        e.advance(500).unwrap();
        let leader = e.leader().unwrap();
        let before = e.state().nodes[leader].clone();
        let all = |e: &Page| {
            e.log_window(&[LogRange {
                node: leader,
                from: 0,
                to: 400,
            }])
            .unwrap()
        };
        let log_before = all(&e);
        e.crash(leader).unwrap();
        let after = &e.state().nodes[leader];
        assert!(!after.alive);
        assert_eq!(
            after.role, "leader",
            "a crashed leader's view says what it was"
        );
        assert_eq!(
            (after.term, after.voted_for),
            (before.term, before.voted_for)
        );
        assert_eq!(
            all(&e),
            log_before,
            "the crashed node's log is what it persisted"
        );
        assert_eq!(
            (after.last_log_index, after.last_log_term),
            (before.last_log_index, before.last_log_term)
        );
        assert_eq!(
            after.shown_role,
            crate::view::shown_role::ShownRole::Crashed
        );
        // Its persister is decoded once, not once per view.
        let decodes = e.crashed.decodes();
        e.state();
        e.state();
        assert_eq!(
            e.crashed.decodes(),
            decodes,
            "decoded again though unchanged"
        );
        assert_eq!(after.commit_index, after.snapshot_index);
        assert!(after.election_timer.is_none() && after.next_index.is_none());
        let events = e.take_events();
        assert!(events
            .iter()
            .any(|ev| ev.kind == EventKindName::Crash && ev.node == Some(shown(leader))));
        e.advance(300).unwrap();
        let dropped = e
            .take_events()
            .into_iter()
            .filter(|ev| ev.kind == EventKindName::MessageDropped)
            .count();
        assert!(dropped > 0, "messages to the crashed node are dropped");
    }
}
