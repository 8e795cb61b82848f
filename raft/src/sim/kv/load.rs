//! A key/value client's automatic load (`Input::KvLoad`): `per_second` times a virtual second
//! the client starts its next operation if it is idle (a Clerk has one at a time: a tick
//! that finds it busy is skipped). Its n-th operation (n = 0, 1, ...) is on key `a` (n even)
//! or `b` (n odd): every third a `Get`, the others an `Append` of `"x C n y"` (C its 1-based
//! id), as 6.5840's tests append, so each append is distinct and a duplicate shows. It is
//! driven by the simulation's queue, so a run with a load replays exactly from its inputs.

use crate::kv::Op;
use crate::sim::error::Error;
use crate::sim::queue::Action;
use crate::sim::Simulation;
use alloc::format;
use alloc::vec::Vec;

/// The highest load of one client, in operations per virtual second.
pub const KV_LOAD_PER_SECOND_MAX: u32 = 100;

/// Every client's load in force.
#[derive(Clone, Debug, Default)]
pub(in crate::sim) struct KvLoads {
    // Invariant: at most one entry per client, each below KV_CLIENTS_MAX.
    loads: Vec<ClientLoad>,
}

#[derive(Clone, Copy, Debug)]
struct ClientLoad {
    client: u32,
    per_second: u32,
    started_ms: u64,
    /// Ticks at this rate so far.
    ticks: u64,
    /// Bumped by every new setting: queued ticks of an older one are void.
    generation: u64,
    /// Operations this load started over the whole run (they are numbered).
    ops: u64,
}

impl ClientLoad {
    fn due_ms(&self) -> u64 {
        self.started_ms + (self.ticks + 1) * 1000 / u64::from(self.per_second.max(1))
    }
}

/// The load's n-th operation for client `client` (0-based).
pub fn load_op(client: u32, n: u64) -> Op {
    let key = if n.is_multiple_of(2) { "a" } else { "b" };
    if n % 3 == 2 {
        Op::Get { key: key.into() }
    } else {
        Op::Append {
            key: key.into(),
            value: format!("x {} {n} y", u64::from(client) + 1),
        }
    }
}

impl Simulation {
    /// `Input::KvLoad`: client `client` runs `per_second` operations a second (0: none).
    pub(in crate::sim) fn kv_set_load(
        &mut self,
        client: u32,
        per_second: u32,
    ) -> Result<(), Error> {
        if client >= super::KV_CLIENTS_MAX {
            return Err(Error::KvNoSuchClient { client });
        }
        if per_second > KV_LOAD_PER_SECOND_MAX {
            return Err(Error::KvLoadTooHigh { per_second });
        }
        let now = self.now_ms;
        let loads = &mut self.kv_load.loads;
        let at = match loads.iter().position(|l| l.client == client) {
            Some(at) => at,
            None => {
                loads.push(ClientLoad {
                    client,
                    per_second: 0,
                    started_ms: now,
                    ticks: 0,
                    generation: 0,
                    ops: 0,
                });
                loads.len() - 1
            }
        };
        let load = &mut loads[at];
        load.generation += 1;
        load.per_second = per_second;
        load.started_ms = now;
        load.ticks = 0;
        if per_second > 0 {
            let (due, generation) = (load.due_ms(), load.generation);
            self.queue.push(due, Action::KvLoad { client, generation });
        }
        Ok(())
    }

    /// A queued tick of client `client`'s load of `generation`.
    pub(in crate::sim) fn fire_kv_load(&mut self, client: u32, generation: u64) {
        let Some(at) = self.kv_load.loads.iter().position(|l| l.client == client) else {
            return;
        };
        let load = self.kv_load.loads[at];
        if load.generation != generation || load.per_second == 0 {
            return;
        }
        let idle = !self
            .kv_clients()
            .iter()
            .any(|c| c.id == client && c.pending.is_some());
        let mut started = false;
        if idle {
            // Refused only when the history is full: the load then does nothing.
            started = self.kv_op(client, load_op(client, load.ops)).is_ok();
        }
        let load = &mut self.kv_load.loads[at];
        load.ticks += 1;
        if started {
            load.ops += 1;
        }
        let due = load.due_ms();
        self.queue.push(due, Action::KvLoad { client, generation });
    }

    /// Client `client`'s load in force, operations per virtual second (0: none).
    pub fn kv_load_per_second(&self, client: u32) -> u32 {
        self.kv_load
            .loads
            .iter()
            .find(|l| l.client == client)
            .map_or(0, |l| l.per_second)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Input, SimConfig};

    #[test]
    fn the_load_appends_distinct_values_to_two_keys_and_reads_every_third() {
        assert_eq!(
            load_op(0, 0),
            Op::Append {
                key: "a".into(),
                value: "x 1 0 y".into()
            }
        );
        assert_eq!(load_op(2, 2), Op::Get { key: "a".into() });
        assert_eq!(
            load_op(1, 3),
            Op::Append {
                key: "b".into(),
                value: "x 2 3 y".into()
            }
        );
    }

    #[test]
    fn a_load_too_high_or_for_no_such_client_is_refused_and_changes_nothing() {
        let mut sim = Simulation::new(SimConfig::new(3, 1)).unwrap();
        assert_eq!(
            sim.apply(Input::KvLoad {
                client: 0,
                per_second: KV_LOAD_PER_SECOND_MAX + 1
            }),
            Err(Error::KvLoadTooHigh {
                per_second: KV_LOAD_PER_SECOND_MAX + 1
            })
        );
        assert_eq!(
            sim.apply(Input::KvLoad {
                client: super::super::KV_CLIENTS_MAX,
                per_second: 1
            }),
            Err(Error::KvNoSuchClient {
                client: super::super::KV_CLIENTS_MAX
            })
        );
        assert_eq!(sim.kv_load_per_second(0), 0);
        sim.apply(Input::KvLoad {
            client: 0,
            per_second: 10,
        })
        .unwrap();
        assert_eq!(sim.kv_load_per_second(0), 10);
    }
}
