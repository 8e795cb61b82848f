//! The client load generator: `per_second` distinct commands per virtual second, each offered
//! to every live node that believes it leads (as a client that does not know the leader would;
//! only leaders take them).

use super::error::Error;
use super::queue::Action;
use super::Simulation;
use crate::core::Role;
use alloc::format;

/// The highest client load, in requests per virtual second.
pub const LOAD_PER_SECOND_MAX: u32 = 1_000;

/// The load in force: the n-th request goes out at `started_ms + n * 1000 / per_second`.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Load {
    per_second: u32,
    started_ms: u64,
    /// Requests sent at this rate so far.
    sent: u64,
    /// Bumped by every new setting: queued requests of an older one are void.
    generation: u64,
    /// Commands sent over the whole run (they are numbered, so each is distinct).
    commands: u64,
}

impl Load {
    fn due_ms(&self) -> u64 {
        self.started_ms + (self.sent + 1) * 1000 / u64::from(self.per_second)
    }
}

impl Simulation {
    pub(super) fn set_load(&mut self, per_second: u32) -> Result<(), Error> {
        if per_second > LOAD_PER_SECOND_MAX {
            return Err(Error::LoadTooHigh { per_second });
        }
        let load = &mut self.load;
        load.generation += 1;
        load.per_second = per_second;
        load.started_ms = self.now_ms;
        load.sent = 0;
        if per_second > 0 {
            let (due, generation) = (load.due_ms(), load.generation);
            self.queue.push(due, Action::Load { generation });
        }
        Ok(())
    }

    /// The queued request of `generation` is due: offer it, then queue the next.
    pub(super) fn fire_load(&mut self, generation: u64) {
        if self.load.generation != generation || self.load.per_second == 0 {
            return;
        }
        self.load.commands += 1;
        self.load.sent += 1;
        let command = format!("load {}", self.load.commands).into_bytes();
        for node in 0..self.nodes.len() {
            let leads = self.nodes[node]
                .raft
                .as_ref()
                .is_some_and(|r| r.role() == Role::Leader);
            if leads {
                // A live node: the request cannot be refused.
                let _ = self.request(node, command.clone());
            }
        }
        let due = self.load.due_ms();
        self.queue.push(due, Action::Load { generation });
    }
}
