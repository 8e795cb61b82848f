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
        let result = raft.start(command.clone());
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
                raft.set_broken_rules(self.broken_rules);
                self.after_step(node);
            }
        }
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
