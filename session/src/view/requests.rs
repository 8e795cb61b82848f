//! Client requests, tracked: a request can be sent to a chosen node (`Page::request_to`): a
//! follower or candidate answers "not leader", a leader (a stale one in a minority too)
//! appends it. Each accepted request is tracked, at most `REQUESTS_TRACKED_MAX`, until it is
//! committed (a node committed its index with the request's entry there: same index, same
//! term) or lost (a node committed another entry at that index), and the page says which.
//! While it waits, the page says whether the leader that took it can still commit it: a
//! leader that reaches only a minority never can (§5.3), and an entry of an older term is
//! committed only together with an entry of a later leader's own term (Figure 8, §5.4.2).
//!
//! The status is read from the simulation at the moment shown, so time travel shows each
//! request as it stood then; requests made later than the moment shown are not shown.

pub use crate::page::requests::RequestStatus;

/// Requests the page lists (the newest): only they carry their sentence in `requests()`;
/// any other's is asked for when it settles (`Page::request_text`).
pub const REQUESTS_SHOWN_MAX: usize = 8;
use crate::page::requests::REQUESTS_TRACKED_MAX;
use crate::page::Page;
use crate::run::time_travel::{entry_fate, Accepted, Settled, TimeTravel};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use raftlab::core::{NodeId, Role};
use raftlab::sim::Simulation;
use serde::{Deserialize, Serialize};

/// An accepted request as the view reads it.
struct Tracked {
    leader: NodeId,
    command: String,
    index: u64,
    term: u64,
    at_ms: u64,
}

impl Tracked {
    fn of(travel: &TimeTravel, a: &Accepted) -> Tracked {
        let command = match &travel.run().inputs[a.input].1 {
            raftlab::sim::Input::Request { command, .. } => crate::narrate::command_text(command),
            _ => String::new(),
        };
        Tracked {
            leader: a.leader,
            command,
            index: a.index,
            term: a.term,
            at_ms: a.at_ms,
        }
    }
}

/// The status at the moment shown, from the run alone: the nodes that committed its index
/// say; when every one has compacted it, what it was when first committed (`settle`, replayed
/// from the request on), so the answer does not depend on which moments were shown before.
/// A fate seen while some node still holds the entry is noted (`note_settled`): the replay
/// of `settle` is for requests first looked at after every node compacted them.
fn status(travel: &TimeTravel, a: &Accepted) -> RequestStatus {
    let fate = match entry_fate(travel.sim(), a.index, a.term) {
        Ok(Some(seen)) => {
            travel.note_settled(a, seen);
            Some(seen)
        }
        Ok(None) => None,
        Err(()) => travel.settle(a),
    };
    match fate {
        None => RequestStatus::Pending,
        Some(Settled::Committed) => RequestStatus::Committed,
        Some(Settled::Lost) => RequestStatus::Lost,
    }
}

/// Nodes alive that `node` can exchange messages with, itself included.
/// The nodes `node`'s link reaches (itself included), and how many of them are up.
fn reachable(sim: &Simulation, node: NodeId) -> (usize, usize) {
    let linked: Vec<NodeId> = (0..sim.len())
        .filter(|&j| j == node || sim.topology().link(node, j))
        .collect();
    let up = linked.iter().filter(|&&j| sim.raft(j).is_some()).count();
    (linked.len(), up)
}

fn text(sim: &Simulation, t: &Tracked, status: RequestStatus) -> String {
    let s = t.leader + 1;
    let what = format!("“{}” (index {}, term {})", t.command, t.index, t.term);
    match status {
        RequestStatus::Committed => format!(
            "{what} is committed: a majority stores it and no leader will ever overwrite it."
        ),
        RequestStatus::Lost => format!(
            "{what} is lost: another entry was committed at index {}; the client must retry.",
            t.index
        ),
        RequestStatus::Pending => {
            let n = sim.len();
            let majority = n / 2 + 1;
            let still_leads = sim
                .raft(t.leader)
                .is_some_and(|r| r.role() == Role::Leader && r.current_term() == t.term);
            if still_leads {
                let (reach, up) = reachable(sim, t.leader);
                if up >= majority {
                    format!("{what} waits: S{s} commits it once a majority ({majority} of {n}) stores it.")
                } else if reach >= majority {
                    format!("{what} waits: S{s} reaches only {up} live nodes of {n}, not a majority ({majority}); it commits it once enough of the crashed ones restart and store it.")
                } else {
                    format!("{what} waits, and S{s} can never commit it: it reaches only {reach} of {n} nodes, not a majority ({majority}). A leader of a later term on the other side will overwrite it, unless the partition heals first.")
                }
            } else {
                format!("{what} waits: S{s} no longer leads term {}. It is committed only if a later leader has it and commits an entry of its own term after it (Figure 8, §5.4.2); otherwise it is overwritten and lost.", t.term)
            }
        }
    }
}

/// The tracked requests, as `web/src/api.ts`'s `RequestsView`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestsView {
    /// Oldest first: the requests made up to the moment shown.
    pub requests: Vec<TrackedRequestView>,
    /// Requests no longer tracked because `max` were held.
    pub omitted: u64,
    pub max: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackedRequestView {
    /// The leader that took it (1..n).
    pub leader: u32,
    pub command: String,
    pub index: u64,
    pub term: u64,
    pub at_ms: u64,
    /// "pending" | "committed" | "lost".
    pub status: String,
    /// One sentence: the status and why; built for the newest `REQUESTS_SHOWN_MAX` only (the
    /// others: None, `Page::request_text` says theirs).
    pub text: Option<String>,
}

#[cfg(test)]
std::thread_local! {
    /// Sentences built on this thread (for tests: only the shown ones are built).
    static SENTENCES_BUILT: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

fn sentence(sim: &Simulation, t: &Tracked, status: RequestStatus) -> String {
    #[cfg(test)]
    SENTENCES_BUILT.with(|n| n.set(n.get() + 1));
    text(sim, t, status)
}

/// The tracked requests made up to the moment shown (the newest `REQUESTS_TRACKED_MAX`).
fn tracked(travel: &TimeTravel) -> &[Accepted] {
    let applied = travel.inputs_applied();
    let made = travel.accepted().partition_point(|a| a.input < applied);
    let skip = made.saturating_sub(REQUESTS_TRACKED_MAX);
    &travel.accepted()[skip..made]
}

/// The requests the run's inputs made up to the moment shown (the newest
/// `REQUESTS_TRACKED_MAX`), with their status there; the newest `REQUESTS_SHOWN_MAX` with
/// their sentence.
pub fn requests_view(travel: &TimeTravel) -> RequestsView {
    let sim = travel.sim();
    let list = tracked(travel);
    let skip = travel
        .accepted()
        .partition_point(|a| a.input < travel.inputs_applied())
        - list.len();
    let said_from = list.len().saturating_sub(REQUESTS_SHOWN_MAX);
    RequestsView {
        requests: list
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let t = Tracked::of(travel, a);
                let status = status(travel, a);
                TrackedRequestView {
                    leader: crate::ids::shown(t.leader),
                    text: (k >= said_from).then(|| sentence(sim, &t, status)),
                    command: t.command,
                    index: t.index,
                    term: t.term,
                    at_ms: t.at_ms,
                    status: status.name().into(),
                }
            })
            .collect(),
        omitted: skip as u64,
        max: REQUESTS_TRACKED_MAX as u64,
    }
}

/// The sentence of the tracked request at `index` in `term` (the moment shown's status), or
/// None when no tracked request is there.
pub fn request_text(travel: &TimeTravel, index: u64, term: u64) -> Option<String> {
    let a = tracked(travel)
        .iter()
        .rev()
        .find(|a| a.index == index && a.term == term)?;
    Some(sentence(
        travel.sim(),
        &Tracked::of(travel, a),
        status(travel, a),
    ))
}

impl Page {
    /// The tracked requests at the moment shown.
    pub fn requests(&self) -> RequestsView {
        requests_view(self.travel())
    }

    /// One tracked request's sentence (those `requests()` leaves out), or None.
    pub fn request_text(&self, index: u64, term: u64) -> Option<String> {
        request_text(self.travel(), index, term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Refusal;
    use alloc::vec;

    use crate::page::elected;

    fn only(p: &Page) -> TrackedRequestView {
        let v = p.requests();
        assert_eq!(v.requests.len(), 1, "{v:?}");
        v.requests[0].clone()
    }

    #[test]
    fn a_follower_answers_not_leader_and_nothing_is_tracked() {
        let mut p = elected(3);
        let leader = p.leader().unwrap();
        let follower = (leader + 1) % 5;
        let err = p.request_to(follower, "x").unwrap_err();
        assert!(
            matches!(&err, Refusal::Refused(m) if m.starts_with("not leader: ")),
            "{err:?}"
        );
        assert!(p.requests().requests.is_empty());
        assert!(
            p.travel().run().inputs.is_empty(),
            "a refusal records nothing"
        );
        assert!(matches!(p.request_to(9, "x"), Err(Refusal::BadArgument(_))));
    }

    #[test]
    fn a_request_to_the_leader_is_pending_then_committed_and_a_seek_before_it_hides_it() {
        let mut p = elected(11);
        let leader = p.leader().unwrap();
        let before = p.now_ms();
        let r = p.request_to(leader, "hello").unwrap();
        let t = only(&p);
        assert_eq!((t.index, t.term, t.leader), (r.index, r.term, r.leader));
        assert_eq!(t.status, "pending");
        let said = t.text.clone().unwrap();
        assert!(said.contains("once a majority"), "{said}");
        p.advance(1_000).unwrap();
        let t = only(&p);
        assert_eq!(t.status, "committed", "{:?}", t.text);
        p.seek(before.saturating_sub(1));
        assert!(
            p.requests().requests.is_empty(),
            "not made yet at that moment"
        );
    }

    /// A page whose request "first" and 40 more are committed, then compacted by every node:
    /// `look` says whether its requests were asked for as they went. Returns
    /// the page and the replays all that took.
    fn compacted_after(look: bool) -> (Page, usize) {
        let before = crate::run::time_travel::REPLAYS.with(|n| n.get());
        let mut o = crate::run::options::Options::with_seed(3);
        o.snapshot_every = 5;
        let mut p = Page::new(o).unwrap();
        while p.leader().is_none() {
            p.advance(50).unwrap();
        }
        let first = p.request_to(p.leader().unwrap(), "first").unwrap();
        p.advance(500).unwrap();
        if look {
            assert_eq!(only(&p).status, "committed");
        }
        for k in 0..40 {
            if let Some(l) = p.leader() {
                let _ = p.request_to(l, &alloc::format!("more {k}"));
            }
            // As the page asks, a frame at a time while a request can have changed.
            for _ in 0..10 {
                p.advance(10).unwrap();
                if look {
                    p.requests();
                }
            }
        }
        let sim = p.travel().sim();
        assert!(
            entry_fate(sim, first.index, first.term).is_err(),
            "every node compacted index {}",
            first.index
        );
        let v = p.requests();
        let replays = crate::run::time_travel::REPLAYS.with(|n| n.get()) - before;
        assert_eq!(v.requests[0].command, "first");
        assert_eq!(v.requests[0].status, "committed");
        (p, replays)
    }

    #[test]
    fn a_request_seen_committed_is_not_replayed_once_every_node_compacted_it() {
        let (_, replays) = compacted_after(true);
        assert_eq!(replays, 0, "each fate was noted while a log still held it");
        // Asked for first after the compaction, the same answer comes from a replay.
        let (_, replays) = compacted_after(false);
        assert!(replays > 0, "nothing noted, so settle replays");
    }

    #[test]
    fn a_stale_leader_in_a_minority_accepts_a_request_that_is_lost_once_the_partition_heals() {
        let mut p = elected(5);
        let old = p.leader().unwrap();
        let other = (old + 1) % 5;
        let rest: Vec<NodeId> = (0..5).filter(|&n| n != old && n != other).collect();
        p.partition(&[vec![old, other], rest.clone()]).unwrap();
        // The majority side elects a new leader of a higher term.
        let mut elected_new = false;
        for _ in 0..200 {
            p.advance(20).unwrap();
            if p.leader().is_some_and(|l| rest.contains(&l)) {
                elected_new = true;
                break;
            }
        }
        assert!(elected_new, "the majority elects a leader");
        let stale = p.request_to(old, "stale").unwrap();
        let t = only(&p);
        assert_eq!(t.status, "pending");
        let said = t.text.clone().unwrap();
        assert!(said.contains("can never commit it"), "{said}");
        // The new leader commits its own entry at the same index.
        let new_leader = p.leader().unwrap();
        p.request_to(new_leader, "fresh").unwrap();
        p.advance(500).unwrap();
        p.heal();
        p.advance(1_000).unwrap();
        let v = p.requests();
        let stale_view = v.requests.iter().find(|t| t.command == "stale").unwrap();
        let fresh_view = v.requests.iter().find(|t| t.command == "fresh").unwrap();
        assert_eq!(fresh_view.status, "committed", "{:?}", fresh_view.text);
        assert_eq!(stale_view.index, stale.index);
        assert_eq!(stale_view.status, "lost", "{:?}", stale_view.text);
    }

    #[test]
    fn tracking_is_bounded_and_says_how_many_were_left_out() {
        let mut p = elected(1);
        let leader = p.leader().unwrap();
        for i in 0..(REQUESTS_TRACKED_MAX + 3) {
            p.request_to(leader, &alloc::format!("c{i}")).unwrap();
        }
        let v = p.requests();
        assert_eq!(v.requests.len(), REQUESTS_TRACKED_MAX);
        assert_eq!(v.omitted, 3);
        assert_eq!(v.requests[0].command, "c3", "the oldest went first");
    }

    #[test]
    fn only_the_shown_requests_get_their_sentence_built() {
        let mut p = elected(1);
        let leader = p.leader().unwrap();
        for i in 0..REQUESTS_TRACKED_MAX {
            p.request_to(leader, &alloc::format!("c{i}")).unwrap();
        }
        p.advance(1_000).unwrap();
        let before = SENTENCES_BUILT.with(|n| n.get());
        let v = p.requests();
        let built = SENTENCES_BUILT.with(|n| n.get()) - before;
        assert_eq!(v.requests.len(), REQUESTS_TRACKED_MAX);
        assert_eq!(
            built, REQUESTS_SHOWN_MAX,
            "sentences built for one requests()"
        );
        let with_text = v.requests.iter().filter(|r| r.text.is_some()).count();
        assert_eq!(with_text, REQUESTS_SHOWN_MAX);
        assert!(
            v.requests[REQUESTS_TRACKED_MAX - REQUESTS_SHOWN_MAX..]
                .iter()
                .all(|r| r.text.is_some()),
            "the newest have theirs"
        );
        let old = &v.requests[0];
        assert!(old.text.is_none());
        let said = p.request_text(old.index, old.term).unwrap();
        assert!(said.contains("is committed"), "{said}");
        assert_eq!(p.request_text(old.index, old.term + 99), None);
    }

    #[test]
    fn a_fork_before_a_request_forgets_it() {
        let mut p = elected(13);
        let t0 = p.now_ms();
        p.advance(100).unwrap();
        p.request("later").unwrap();
        p.advance(100).unwrap();
        p.seek(t0);
        p.crash(0).unwrap();
        p.advance(200).unwrap();
        assert!(p.requests().requests.is_empty());
    }
}
