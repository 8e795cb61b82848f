//! Everything from outside a simulation, as values: `Input`, applied by `Simulation::apply`
//! at the simulation's current virtual time. Nothing else from outside changes a simulation,
//! so `(SimConfig, [(Stamp, Input)])` reproduces a run exactly.

use super::error::Error;
use super::event::EventKind;
use super::network::NetConfig;
use super::Simulation;
use crate::core::{NodeId, Role, Rule};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// One action from outside the simulation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Input {
    /// A client gives `command` to `node` (6.5840's Start): taken if it is a live leader.
    Request { node: NodeId, command: Vec<u8> },
    /// Kill `node`; its persister keeps what it saved.
    Crash { node: NodeId },
    /// Start `node` again from its persister (crashing it first if it is alive).
    Restart { node: NodeId },
    /// Plug `node` back into the network (6.5840's connect).
    Connect { node: NodeId },
    /// Cut `node` off from everyone (6.5840's disconnect).
    Disconnect { node: NodeId },
    /// Split the network into `groups`; nodes not named are each alone.
    Partition { groups: Vec<Vec<NodeId>> },
    /// One network again, every node connected.
    Heal,
    /// `node`'s election timer expires now (not on a leader).
    Timeout { node: NodeId },
    /// Lose the message `id` now on the wire.
    DropMessage { id: u64 },
    /// New network settings, for messages sent from now on.
    SetNetwork { net: NetConfig },
    /// `node`'s service snapshotted through `index` (6.5840's Snapshot).
    Snapshot {
        node: NodeId,
        index: u64,
        data: Vec<u8>,
    },
    /// A client offers `per_second` distinct commands per virtual second to whichever nodes
    /// lead (0 stops it; at most `LOAD_PER_SECOND_MAX`).
    ClientLoad { per_second: u32 },
    /// Every node crashes and restarts from its persisted state alone (Lab 3C).
    RestartAllFromDisk,
    /// Break (`broken`) or keep `rule` on every node from now on, nodes restarted later
    /// included (see `core::rules`). New variants go after this one: a run's encoding names
    /// inputs by position.
    BreakRule { rule: Rule, broken: bool },
    /// RaftScope's "align timers" (its key A): every live node that is not leader gets the
    /// same election deadline, the earliest of theirs, so they time out together and split
    /// the vote. Refused when no live node has an election timer.
    AlignTimers,
    /// RaftScope's "spread timers" (its key T): the election deadlines of the live nodes that
    /// are not leader, in the order they would fire, are spread `spread_gap_ms` apart from
    /// the earliest, so the first candidate's RequestVotes arrive before the next times out
    /// and one round elects a leader. Refused when no live node has an election timer.
    SpreadTimers,
    /// Key/value client `client` (0-based, below `KV_CLIENTS_MAX`) starts `op` (6.5840's
    /// Clerk Get/Put/Append). The client is created on first use, its ends reaching every
    /// server. Refused while it has an operation outstanding, and for a key or value over
    /// `KV_KEY_BYTES_MAX` / `KV_VALUE_BYTES_MAX`, or a full history (`KV_HISTORY_MAX`).
    KvOp { client: u32, op: crate::kv::Op },
    /// Client `client`'s ends reach exactly `servers` from now on (6.5840's ConnectClient /
    /// DisconnectClient; independent of the servers' network). Creates the client if new.
    KvConnect { client: u32, servers: Vec<NodeId> },
    /// 6.5840's maxraftstate: a server whose Raft state reaches 9/10 of `bytes` after an
    /// apply snapshots its store through the last applied index (None: never).
    KvMaxRaftState { bytes: Option<u64> },
    /// Client `client`'s automatic load: `per_second` times a virtual second (at most
    /// `KV_LOAD_PER_SECOND_MAX`; 0 stops it) it starts its next operation when idle
    /// (`sim/kv/load.rs`). Creates the client with its first operation.
    KvLoad { client: u32, per_second: u32 },
}

/// What an applied input did, when there is more to say than "done".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// A `Request` taken by a leader, at this index of its log, in its term.
    Accepted {
        index: u64,
        term: u64,
    },
    /// A `Request` to a live node that is not the leader: nothing was appended.
    NotLeader,
}

/// Where in a run an input was applied: the virtual time and how many queued actions had
/// been processed (inputs can fall between two actions of the same millisecond).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Stamp {
    pub at_ms: u64,
    pub actions: u64,
}

impl Simulation {
    /// Apply one input now. A refused input (an `Err`) changes nothing.
    pub fn apply(&mut self, input: Input) -> Result<Outcome, Error> {
        self.checker.set_time(self.now_ms);
        match input {
            Input::Request { node, command } => self.request(node, command),
            Input::Crash { node } => self.crash_node(node).map(done),
            Input::Restart { node } => self.restart_node(node).map(done),
            Input::Connect { node } => self.set_connected(node, true).map(done),
            Input::Disconnect { node } => self.set_connected(node, false).map(done),
            Input::Partition { groups } => self.split(groups).map(done),
            Input::Heal => {
                self.topology.heal();
                self.record(EventKind::Healed);
                Ok(Outcome::Done)
            }
            Input::Timeout { node } => self.force_timeout(node).map(done),
            Input::DropMessage { id } => self.drop_by_hand(id).map(done),
            Input::SetNetwork { net } => {
                net.validate().map_err(Error::Network)?;
                self.config.net = net;
                Ok(Outcome::Done)
            }
            Input::Snapshot { node, index, data } => {
                self.live_raft(node)?.snapshot(index, data);
                self.after_step(node);
                Ok(Outcome::Done)
            }
            Input::ClientLoad { per_second } => self.set_load(per_second).map(done),
            Input::RestartAllFromDisk => self.restart_all_from_disk().map(done),
            Input::BreakRule { rule, broken } => {
                self.break_rule(rule, broken);
                Ok(Outcome::Done)
            }
            Input::AlignTimers => self.set_timers(true).map(done),
            Input::SpreadTimers => self.set_timers(false).map(done),
            Input::KvOp { client, op } => self.kv_op(client, op).map(done),
            Input::KvConnect { client, servers } => self.kv_connect(client, servers).map(done),
            Input::KvMaxRaftState { bytes } => {
                self.kv_set_max_raft_state(bytes);
                Ok(Outcome::Done)
            }
            Input::KvLoad { client, per_second } => self.kv_set_load(client, per_second).map(done),
        }
    }

    /// Where the run is now: replaying inputs at the same stamps reproduces it.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            at_ms: self.now_ms,
            actions: self.queue.actions_total(),
        }
    }

    /// Process queued actions until `stamp.actions` have been processed, then set the clock
    /// to `stamp.at_ms`: where an input recorded at `stamp` is replayed.
    pub fn run_to(&mut self, stamp: Stamp) {
        while self.queue.actions_total() < stamp.actions {
            if !self.step() {
                break;
            }
        }
        self.now_ms = self.now_ms.max(stamp.at_ms);
    }

    pub(super) fn request(&mut self, node: NodeId, command: Vec<u8>) -> Result<Outcome, Error> {
        let now = self.now_ms;
        let raft = self.live_raft(node)?;
        raft.tick(now);
        // Only a leader takes it: the others need no copy.
        let result = if raft.get_state().1 {
            raft.start(command.clone())
        } else {
            None
        };
        if let Some((index, term)) = result {
            self.record(EventKind::Requested {
                node,
                index,
                term,
                command,
            });
        }
        self.after_step(node);
        Ok(match result {
            Some((index, term)) => Outcome::Accepted { index, term },
            None => Outcome::NotLeader,
        })
    }

    fn break_rule(&mut self, rule: Rule, broken: bool) {
        self.broken_rules.set(rule, broken);
        self.record(EventKind::RuleChanged { rule, broken });
        for node in 0..self.nodes.len() {
            if let Some(raft) = self.nodes[node].raft.as_mut() {
                raft.set_broken_rules(self.broken_rules.of_core());
                self.after_step(node);
            }
        }
    }

    /// The gap `Input::SpreadTimers` puts between two election deadlines: a RequestVote's
    /// longest trip and its reply's, plus a millisecond, or an even share of the timeout
    /// range among `timers` nodes when that is longer.
    pub fn spread_gap_ms(&self, timers: usize) -> u64 {
        let net = &self.config.net;
        let trip = net
            .request_delay_ms_max
            .saturating_add(net.reply_delay_ms_max)
            .saturating_add(1);
        let t = self.config.timing;
        let share = (t
            .election_timeout_ms_max
            .saturating_sub(t.election_timeout_ms_min))
            / (timers.max(1) as u64);
        trip.max(share)
    }

    /// Align (`aligned`) or spread the election deadlines of every live node that is not
    /// leader (see `Input::AlignTimers`, `Input::SpreadTimers`).
    fn set_timers(&mut self, aligned: bool) -> Result<(), Error> {
        let now = self.now_ms;
        // (deadline, node): in the order the timers would fire, ties by node id.
        let mut timers: Vec<(u64, NodeId)> = (0..self.nodes.len())
            .filter_map(|n| {
                let raft = self.nodes[n].raft.as_ref()?;
                Some((raft.election_deadline()?.max(now.saturating_add(1)), n))
            })
            .collect();
        if timers.is_empty() {
            return Err(Error::NoElectionTimers);
        }
        crate::small_sort::sort_small(&mut timers);
        let first = timers[0].0;
        let gap = if aligned {
            0
        } else {
            self.spread_gap_ms(timers.len())
        };
        let mut deadlines = Vec::with_capacity(timers.len());
        for (k, &(_, node)) in timers.iter().enumerate() {
            let at = first.saturating_add(gap.saturating_mul(k as u64));
            if let Some(raft) = self.nodes[node].raft.as_mut() {
                raft.set_election_deadline(now, at);
            }
            deadlines.push((node, at));
        }
        self.record(EventKind::TimersSet { aligned, deadlines });
        for &(_, node) in &timers {
            self.after_step(node);
        }
        Ok(())
    }

    fn force_timeout(&mut self, node: NodeId) -> Result<(), Error> {
        let now = self.now_ms;
        let raft = self.live_raft(node)?;
        if raft.role() == Role::Leader {
            return Err(Error::LeaderHasNoTimer { node });
        }
        raft.tick(now);
        raft.campaign();
        self.record(EventKind::TimedOut { node });
        self.after_step(node);
        Ok(())
    }

    fn set_connected(&mut self, node: NodeId, connected: bool) -> Result<(), Error> {
        self.check_node(node)?;
        self.topology.set_connected(node, connected);
        self.record(if connected {
            EventKind::Connected { node }
        } else {
            EventKind::Disconnected { node }
        });
        Ok(())
    }

    fn split(&mut self, groups: Vec<Vec<NodeId>>) -> Result<(), Error> {
        let mut seen = alloc::vec![false; self.nodes.len()];
        for &node in groups.iter().flatten() {
            self.check_node(node)?;
            if core::mem::replace(&mut seen[node], true) {
                return Err(Error::InTwoGroups { node });
            }
        }
        self.topology.partition(&groups);
        self.record(EventKind::Partitioned { groups });
        Ok(())
    }
}

fn done(_: ()) -> Outcome {
    Outcome::Done
}

#[cfg(test)]
mod tests {
    use super::super::{Error, EventKind, NetError, SimConfig, Simulation};
    use super::{Input, Outcome};
    use alloc::string::ToString;
    use alloc::vec;

    fn leader_of(sim: &mut Simulation) -> usize {
        for _ in 0..100 {
            let t = sim.now_ms() + 100;
            sim.run_until(t);
            if let Some(l) = (0..sim.len()).find(|&n| sim.get_state(n).is_some_and(|s| s.1)) {
                return l;
            }
        }
        panic!("no leader within 10 s");
    }

    /// Runs `sim` until a leader is elected: (its term, the elections started before it).
    fn first_election(sim: &mut Simulation) -> (u64, Vec<(usize, u64)>) {
        use crate::core::NodeEvent;
        let mut started = vec![];
        while sim.now_ms() < 10_000 {
            sim.step();
            for e in sim.drain_events() {
                match e.kind {
                    EventKind::Node {
                        node,
                        event: NodeEvent::ElectionStarted { term },
                    } => started.push((node, term)),
                    EventKind::Node {
                        event: NodeEvent::BecameLeader { term },
                        ..
                    } => return (term, started),
                    _ => {}
                }
            }
        }
        panic!("no leader within 10 s");
    }

    #[test]
    fn aligned_election_timers_split_the_vote_and_spread_ones_elect_in_one_round() {
        for seed in 1..=20 {
            let mut sim = Simulation::new(SimConfig::new(5, seed)).expect("valid config");
            sim.apply(Input::AlignTimers)
                .expect("every node has a timer");
            let deadlines: Vec<u64> = (0..5)
                .map(|n| sim.raft(n).unwrap().election_deadline().unwrap())
                .collect();
            assert!(deadlines.windows(2).all(|w| w[0] == w[1]), "{deadlines:?}");
            let (term, started) = first_election(&mut sim);
            let round_1 = started.iter().filter(|&&(_, t)| t == 1).count();
            assert_eq!(
                round_1, 5,
                "seed {seed}: all five stand in term 1: {started:?}"
            );
            assert!(
                term >= 2,
                "seed {seed}: term 1's vote is split, so no leader in it"
            );

            let mut sim = Simulation::new(SimConfig::new(5, seed)).expect("valid config");
            sim.apply(Input::SpreadTimers)
                .expect("every node has a timer");
            let mut deadlines: Vec<u64> = (0..5)
                .map(|n| sim.raft(n).unwrap().election_deadline().unwrap())
                .collect();
            deadlines.sort_unstable();
            let gap = sim.spread_gap_ms(5);
            assert!(
                deadlines.windows(2).all(|w| w[1] - w[0] == gap),
                "{deadlines:?}"
            );
            let (term, started) = first_election(&mut sim);
            assert_eq!(
                (term, started.len()),
                (1, 1),
                "seed {seed}: one round, one candidate: {started:?}"
            );
        }
    }

    #[test]
    fn aligning_timers_with_no_timer_left_is_refused_and_narrated_otherwise() {
        let mut sim = Simulation::new(SimConfig::new(3, 2)).expect("valid config");
        let leader = leader_of(&mut sim);
        for n in (0..3).filter(|&n| n != leader) {
            sim.apply(Input::Crash { node: n }).unwrap();
        }
        let digest = sim.trace_digest();
        assert_eq!(sim.apply(Input::AlignTimers), Err(Error::NoElectionTimers));
        assert_eq!(sim.apply(Input::SpreadTimers), Err(Error::NoElectionTimers));
        assert_eq!(
            sim.trace_digest(),
            digest,
            "a refused input changes nothing"
        );
        sim.apply(Input::Restart {
            node: (leader + 1) % 3,
        })
        .unwrap();
        sim.drain_events();
        sim.apply(Input::SpreadTimers).unwrap();
        let set = sim
            .drain_events()
            .into_iter()
            .find_map(|e| match e.kind {
                EventKind::TimersSet { aligned, deadlines } => Some((aligned, deadlines)),
                _ => None,
            })
            .expect("the input is an event");
        assert_eq!(set.0, false);
        assert_eq!(set.1.len(), 1, "only the live follower has a timer");
        assert_ne!(sim.trace_digest(), digest, "the trace digest folds it");
    }

    #[test]
    fn refused_inputs_are_typed_errors_with_the_old_text_and_change_nothing() {
        let mut sim = Simulation::new(SimConfig::new(3, 5)).expect("valid config");
        let leader = leader_of(&mut sim);
        let down = (leader + 1) % 3;
        sim.apply(Input::Crash { node: down })
            .expect("a follower crashes");
        let mut bad_net = sim.net();
        bad_net.request_delay_ms_min = bad_net.request_delay_ms_max + 1;
        let refused = [
            (
                Input::Crash { node: down },
                Error::AlreadyCrashed { node: down },
                "is already crashed",
            ),
            (
                Input::Timeout { node: down },
                Error::Crashed { node: down },
                "is crashed",
            ),
            (
                Input::Restart { node: 7 },
                Error::NoSuchNode { node: 7, nodes: 3 },
                "there is no node S8 (nodes are S1..S3)",
            ),
            (
                Input::Timeout { node: leader },
                Error::LeaderHasNoTimer { node: leader },
                "is the leader: it has no election timer",
            ),
            (
                Input::Partition {
                    groups: vec![vec![0, 1], vec![1]],
                },
                Error::InTwoGroups { node: 1 },
                "S2 appears in more than one group",
            ),
            (
                Input::DropMessage { id: u64::MAX },
                Error::NotInFlight { id: u64::MAX },
                "is not in flight",
            ),
            (
                Input::ClientLoad { per_second: 1_001 },
                Error::LoadTooHigh { per_second: 1_001 },
                "at most 1000 requests per second",
            ),
            (
                Input::SetNetwork { net: bad_net },
                Error::Network(NetError::DelayRange),
                "must not exceed its maximum",
            ),
        ];
        for (input, error, text) in refused {
            let before = (
                sim.stamp(),
                sim.trace_digest(),
                sim.net(),
                sim.events_total(),
            );
            assert_eq!(sim.apply(input.clone()), Err(error.clone()), "{input:?}");
            assert!(error.to_string().contains(text), "{error}");
            let after = (
                sim.stamp(),
                sim.trace_digest(),
                sim.net(),
                sim.events_total(),
            );
            assert_eq!(
                before, after,
                "{input:?} was refused but changed the simulation"
            );
        }
    }

    #[test]
    fn a_request_to_a_follower_is_not_leader_and_to_the_leader_is_accepted() {
        let mut sim = Simulation::new(SimConfig::new(3, 9)).expect("valid config");
        let leader = leader_of(&mut sim);
        let follower = (leader + 1) % 3;
        let command = b"x".to_vec();
        let to_follower = Input::Request {
            node: follower,
            command: command.clone(),
        };
        assert_eq!(sim.apply(to_follower), Ok(Outcome::NotLeader));
        let accepted = sim.apply(Input::Request {
            node: leader,
            command,
        });
        assert!(
            matches!(accepted, Ok(Outcome::Accepted { index: 1, .. })),
            "{accepted:?}"
        );
    }

    #[test]
    fn client_load_offers_per_second_commands_each_virtual_second_until_stopped() {
        let mut sim = Simulation::new(SimConfig::new(3, 21)).expect("valid config");
        leader_of(&mut sim);
        sim.drain_events();
        sim.apply(Input::ClientLoad { per_second: 10 })
            .expect("valid load");
        let t = sim.now_ms() + 1_000;
        sim.run_until(t);
        let requested = |sim: &mut Simulation| {
            sim.drain_events()
                .iter()
                .filter(|e| matches!(e.kind, EventKind::Requested { .. }))
                .count()
        };
        assert_eq!(requested(&mut sim), 10);
        sim.apply(Input::ClientLoad { per_second: 0 })
            .expect("stop");
        let t = sim.now_ms() + 1_000;
        sim.run_until(t);
        assert_eq!(requested(&mut sim), 0, "a stopped load sent requests");
    }

    #[test]
    fn restart_all_from_disk_restarts_every_node_with_the_log_it_persisted() {
        let mut sim = Simulation::new(SimConfig::new(3, 33)).expect("valid config");
        let leader = leader_of(&mut sim);
        for i in 0..5u8 {
            sim.apply(Input::Request {
                node: leader,
                command: vec![i],
            })
            .expect("leader");
        }
        let t = sim.now_ms() + 500;
        sim.run_until(t);
        let logs: vec::Vec<u64> = (0..3)
            .map(|n| sim.raft(n).unwrap().log().last_index())
            .collect();
        let incarnations: vec::Vec<u64> = (0..3).map(|n| sim.node(n).incarnation).collect();
        sim.drain_events();
        sim.apply(Input::RestartAllFromDisk).expect("restart all");
        for n in 0..3 {
            assert_eq!(sim.raft(n).unwrap().log().last_index(), logs[n]);
            assert_eq!(
                sim.node(n).incarnation,
                incarnations[n] + 2,
                "S{} crashed and booted",
                n + 1
            );
            assert_eq!(
                sim.get_state(n).map(|s| s.1),
                Some(false),
                "a restarted node follows"
            );
        }
        let kinds: vec::Vec<EventKind> = sim.drain_events().into_iter().map(|e| e.kind).collect();
        let crashed = kinds
            .iter()
            .filter(|k| matches!(k, EventKind::Crashed { .. }))
            .count();
        let restarted = kinds
            .iter()
            .filter(|k| matches!(k, EventKind::Restarted { .. }))
            .count();
        assert_eq!((crashed, restarted), (3, 3));
        assert!(sim.violation().is_none());
    }
}
