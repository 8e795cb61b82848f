//! The leader's cap on AppendEntries in flight per follower (`Timing::append_entries_in_flight_max`,
//! core/window.rs), on three cores wired by hand: a network of one FIFO per link, delivered
//! in a seeded random interleaving of the links, from which messages can be dropped.
//!
//! Each test here fails with the cap off (`append_entries_in_flight_max: None` in
//! `Timing::LAB`) or with a slot not freed on a rejection (`Window::rejected` emptied).

use raftlab::core::{
    Message, Outgoing, Persister, Raft, Role, Timing, APPEND_ENTRIES_IN_FLIGHT_MAX,
    ENTRIES_PER_MESSAGE_MAX,
};
use raftlab::sim::rng::Rng;
use std::collections::VecDeque;

const NODES: usize = 3;

/// Three cores, node 0 the leader of term 1, and one FIFO per directed link.
struct Cluster {
    nodes: Vec<Raft>,
    persisters: Vec<Persister>,
    /// links[from][to]: messages on the wire, oldest first.
    links: Vec<Vec<VecDeque<Message>>>,
    now_ms: u64,
    rng: Rng,
    /// Per follower: one flag per AppendEntries on the wire or answered by a reply still on
    /// the wire, oldest first (true: it carries entries). FIFO links keep requests and
    /// replies in order, so the k-th reply the leader gets from a follower answers the k-th
    /// AppendEntries it sent there: what is unacknowledged is seen from outside the core.
    unanswered: Vec<VecDeque<bool>>,
    /// The most entry-carrying AppendEntries seen unacknowledged to one follower.
    unanswered_max: usize,
    /// Entry-carrying AppendEntries sent to each follower.
    entry_messages: Vec<usize>,
}

impl Cluster {
    fn new(seed: u64) -> Cluster {
        let persisters: Vec<Persister> = (0..NODES).map(|_| Persister::new()).collect();
        let nodes = (0..NODES)
            .map(|me| Raft::new(me, NODES, &persisters[me], Timing::LAB, me as u64 + 1, 0).unwrap())
            .collect();
        let mut cluster = Cluster {
            nodes,
            persisters,
            links: vec![vec![VecDeque::new(); NODES]; NODES],
            now_ms: 0,
            rng: Rng::new(seed),
            unanswered: vec![VecDeque::new(); NODES],
            unanswered_max: 0,
            entry_messages: vec![0; NODES],
        };
        // Node 0's timer fires first (the others' never do: time stays below their timeout).
        cluster.now_ms = Timing::LAB.election_timeout_ms_max;
        cluster.nodes[0].tick(cluster.now_ms);
        cluster.drain(0);
        cluster.deliver_all(|_, _| false);
        assert_eq!(cluster.nodes[0].role(), Role::Leader);
        cluster
    }

    /// Take node `i`'s Ready: persist, then put its messages on the wire.
    fn drain(&mut self, i: usize) {
        let ready = self.nodes[i].ready();
        if let Some(update) = ready.persist {
            if !self.persisters[i].update(&update) {
                let state = self.nodes[i].encode_persistent_state();
                self.persisters[i].save(state.into(), update.snapshot);
            }
        }
        for Outgoing { to, message } in ready.messages {
            if i == 0 {
                if let Message::AppendEntries(args) = &message {
                    let carries = !args.entries.is_empty();
                    self.unanswered[to].push_back(carries);
                    self.entry_messages[to] += carries as usize;
                }
            }
            self.links[i][to].push_back(message);
        }
        self.check();
    }

    /// The core's own count and the one seen from outside, against the cap.
    fn check(&mut self) {
        let cap = APPEND_ENTRIES_IN_FLIGHT_MAX as usize;
        if let Some(counts) = self.nodes[0].append_entries_in_flight() {
            for (peer, &count) in counts.iter().enumerate() {
                assert!(count <= cap, "the core counts {count} in flight to S{peer}");
            }
        }
        for peer in 1..NODES {
            let outside = self.unanswered[peer].iter().filter(|&&c| c).count();
            self.unanswered_max = self.unanswered_max.max(outside);
        }
    }

    /// Deliver the oldest message of a random non-empty link; false when none is left.
    /// `lose` decides, per message from the leader (and its receiver), whether it is lost.
    fn deliver_one(&mut self, lose: &mut impl FnMut(usize, &Message) -> bool) -> bool {
        let busy: Vec<(usize, usize)> = (0..NODES)
            .flat_map(|f| (0..NODES).map(move |t| (f, t)))
            .filter(|&(f, t)| !self.links[f][t].is_empty())
            .collect();
        if busy.is_empty() {
            return false;
        }
        let (from, to) = busy[self.rng.below(busy.len() as u64) as usize];
        let message = self.links[from][to].pop_front().unwrap();
        if from == 0 && lose(to, &message) {
            // Lost on the wire: no reply will answer it.
            if let Message::AppendEntries(_) = message {
                let k = self.unanswered[to].len() - self.links[0][to].len() - 1;
                let _ = self.unanswered[to].remove(k);
            }
            return true;
        }
        if to == 0 && matches!(message, Message::AppendEntriesReply(_)) {
            self.unanswered[from].pop_front();
        }
        self.nodes[to].step(self.now_ms, from, message);
        self.drain(to);
        true
    }

    fn deliver_all(&mut self, mut lose: impl FnMut(usize, &Message) -> bool) {
        while self.deliver_one(&mut lose) {}
    }

    fn propose(&mut self, commands: usize) {
        for i in 0..commands {
            self.nodes[0]
                .start((i as u64).to_le_bytes().to_vec())
                .expect("node 0 leads");
        }
        self.drain(0);
    }

    /// One heartbeat interval later: the leader's heartbeat goes out.
    fn heartbeat(&mut self) {
        self.now_ms += Timing::LAB.heartbeat_ms;
        self.nodes[0].tick(self.now_ms);
        self.drain(0);
    }

    /// Every follower holds the leader's whole log, and the leader committed it.
    fn caught_up(&self) -> bool {
        let last = self.nodes[0].log().last_index();
        self.nodes[0].commit_index() == last
            && self.nodes.iter().all(|n| n.log().last_index() == last)
    }
}

#[test]
fn a_batch_of_proposals_reaches_each_follower_in_about_one_message_per_64_entries() {
    for n in [1usize, 64, 1024, 1000] {
        let mut cluster = Cluster::new(1);
        cluster.propose(n);
        cluster.deliver_all(|_, _| false);
        assert!(cluster.caught_up(), "{n} proposals");
        let expected = n.div_ceil(ENTRIES_PER_MESSAGE_MAX);
        for peer in 1..NODES {
            assert_eq!(
                cluster.entry_messages[peer], expected,
                "{n} proposals reached S{peer} in {} messages, not {expected}",
                cluster.entry_messages[peer]
            );
        }
    }
}

#[test]
fn the_leader_never_has_more_than_the_cap_of_entry_carrying_append_entries_unacknowledged() {
    let cap = APPEND_ENTRIES_IN_FLIGHT_MAX as usize;
    for seed in 1..=20 {
        let mut cluster = Cluster::new(seed);
        // Proposals arrive between deliveries, in bursts, with heartbeats among them.
        for round in 0..40 {
            let burst = 1 + cluster.rng.below(100) as usize;
            cluster.propose(burst);
            for _ in 0..cluster.rng.below(30) {
                cluster.deliver_one(&mut |_, _| false);
            }
            if round % 7 == 0 {
                cluster.heartbeat();
            }
        }
        cluster.deliver_all(|_, _| false);
        assert!(cluster.caught_up(), "seed {seed}");
        assert!(
            cluster.unanswered_max <= cap,
            "seed {seed}: {} entry-carrying AppendEntries unacknowledged to one follower, cap {cap}",
            cluster.unanswered_max
        );
        assert_eq!(cluster.unanswered_max, cap, "seed {seed}: the window fills");
    }
}

#[test]
fn a_lost_message_in_a_full_window_is_recovered_within_a_few_heartbeats() {
    for seed in 1..=20 {
        let mut cluster = Cluster::new(seed);
        cluster.propose(1024);
        // S2's first full window of entry-carrying messages is lost: no reply comes back
        // to free a slot, only a heartbeat's rejection can show the gap.
        let mut lost = 0;
        let cap = APPEND_ENTRIES_IN_FLIGHT_MAX as usize;
        cluster.deliver_all(|to, m| match m {
            Message::AppendEntries(a) if to == 2 && !a.entries.is_empty() && lost < cap => {
                lost += 1;
                true
            }
            _ => false,
        });
        assert_eq!(lost, cap);
        assert_eq!(
            cluster.nodes[2].log().last_index(),
            0,
            "seed {seed}: S2 got nothing"
        );
        let mut heartbeats = 0;
        while !cluster.caught_up() {
            heartbeats += 1;
            assert!(
                heartbeats <= 4,
                "seed {seed}: not caught up {} heartbeats after the loss (S1 {} S2 {} of {})",
                heartbeats - 1,
                cluster.nodes[1].log().last_index(),
                cluster.nodes[2].log().last_index(),
                cluster.nodes[0].log().last_index()
            );
            cluster.heartbeat();
            cluster.deliver_all(|_, _| false);
        }
    }
}
