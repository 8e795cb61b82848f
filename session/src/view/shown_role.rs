//! The role the page shows for each node, and "the leader", decided once here and carried in
//! the view (`NodeView::shown_role`, `ClusterState::leader`): the ring, the logs and the
//! status read them and never compute a leader of their own.
//!
//! A crown (`Leader`) only for a live leader of the highest term any live node knows that
//! can reach a majority of the cluster; a leader that is not (a lower term, or cut off from a
//! majority) is a `StaleLeader`; a crashed node is `Crashed`, whatever it was.

use alloc::vec::Vec;
use raftlab::core::{NodeId, Role};
use raftlab::sim::Simulation;
use serde::{Deserialize, Serialize};

/// api.ts's `ShownRole`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShownRole {
    Leader,
    StaleLeader,
    Candidate,
    Follower,
    Crashed,
}

/// Every node's shown role, and the leader the page follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownRoles {
    /// Indexed by node.
    pub roles: Vec<ShownRole>,
    /// The crowned node; when two share the highest term (a broken election safety), the one
    /// with the highest id, as `Simulation::leader` breaks ties.
    pub leader: Option<NodeId>,
    /// The highest term any live node knows (0 when none is alive).
    pub newest_term: u64,
}

/// Node `i` reaches a majority of the cluster (itself included) over the network.
fn reaches_majority(sim: &Simulation, i: NodeId) -> bool {
    let n = sim.len();
    let topology = sim.topology();
    let reached = (0..n)
        .filter(|&j| j == i || (topology.link(i, j) && topology.link(j, i)))
        .count();
    2 * reached > n
}

pub fn shown_roles(sim: &Simulation) -> ShownRoles {
    let n = sim.len();
    let newest_term = (0..n)
        .filter_map(|i| sim.raft(i).map(|r| r.current_term()))
        .max()
        .unwrap_or(0);
    let mut leader = None;
    let roles = (0..n)
        .map(|i| match sim.raft(i) {
            None => ShownRole::Crashed,
            Some(r) => match r.role() {
                Role::Follower => ShownRole::Follower,
                Role::Candidate => ShownRole::Candidate,
                Role::Leader => {
                    if r.current_term() == newest_term && reaches_majority(sim, i) {
                        leader = Some(i);
                        ShownRole::Leader
                    } else {
                        ShownRole::StaleLeader
                    }
                }
            },
        })
        .collect();
    ShownRoles {
        roles,
        leader,
        newest_term,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::page::elected;

    #[test]
    fn one_crown_for_the_live_leader_of_the_newest_term() {
        let p = elected(7);
        let r = shown_roles(p.sim());
        assert_eq!(r.leader, p.leader());
        let crowns = r.roles.iter().filter(|&&x| x == ShownRole::Leader).count();
        assert_eq!(crowns, 1);
    }

    #[test]
    fn a_cut_off_leader_is_stale_and_a_crashed_one_has_no_role() {
        let mut p = elected(7);
        let old = p.leader().unwrap();
        p.disconnect(old).unwrap();
        let r = shown_roles(p.sim());
        assert_eq!(
            r.roles[old],
            ShownRole::StaleLeader,
            "cut off from a majority"
        );
        assert_eq!(r.leader, None);
        // The others elect a new leader in a higher term: the old one stays stale.
        while shown_roles(p.sim()).leader.is_none() {
            p.advance(50).unwrap();
        }
        let r = shown_roles(p.sim());
        assert_eq!(r.roles[old], ShownRole::StaleLeader);
        let new = r.leader.unwrap();
        assert_ne!(new, old);
        p.crash(new).unwrap();
        let r = shown_roles(p.sim());
        assert_eq!(r.roles[new], ShownRole::Crashed);
        assert_ne!(r.leader, Some(new));
    }
}
