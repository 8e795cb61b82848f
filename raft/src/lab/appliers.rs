//! The tester's appliers (config.go's applier and applierSnap), run on every ApplyMsg the
//! simulation delivers, and the loop that advances the simulation with them.

use super::{Cmd, Lab, SNAPSHOT_INTERVAL};
use crate::core::ApplyMsg;
use crate::sim::Input;

/// What one server applied, by index (config.go's `logs[i]`): slot k holds index k.
/// Indices are dense from 1 (a server applies in order, or a snapshot's prefix), so a vector
/// rather than a map.
#[derive(Clone, Debug, Default)]
pub(crate) struct AppliedLog(Vec<Option<Cmd>>);

impl AppliedLog {
    pub(crate) fn get(&self, index: u64) -> Option<&Cmd> {
        self.0.get(usize::try_from(index).ok()?)?.as_ref()
    }

    fn insert(&mut self, index: u64, cmd: Cmd) {
        let k = usize::try_from(index).expect("a log index fits in memory");
        if self.0.len() <= k {
            self.0.resize(k + 1, None);
        }
        self.0[k] = Some(cmd);
    }

    /// Indices 0 ..= `index`, as applierSnap's `xlog` (None where nothing was applied).
    fn through(&self, index: u64) -> Vec<Option<Cmd>> {
        (0..=index).map(|j| self.get(j).cloned()).collect()
    }
}

impl Lab {
    /// Run the simulation up to `time_ms`, checking after every event.
    pub(crate) fn advance_to(&mut self, time_ms: u64) {
        while self.step_before(time_ms) {}
        self.sim.run_until(time_ms);
    }

    /// Process the next simulated action if it is due by `time_ms`, with the checks; false
    /// when none is.
    pub(crate) fn step_before(&mut self, time_ms: u64) -> bool {
        if self.sim.next_action_ms().is_none_or(|t| t > time_ms) {
            return false;
        }
        self.sim.step();
        self.after_events();
        true
    }

    /// After each simulated event: the safety checker's verdict, then the appliers.
    pub(crate) fn after_events(&mut self) {
        if let Some(v) = self.sim.violation() {
            self.fail(&v.to_string());
        }
        loop {
            let applies = self.sim.drain_applies();
            if applies.is_empty() {
                break;
            }
            for (server, msg) in applies {
                self.apply(server, msg);
            }
        }
    }

    fn apply(&mut self, i: usize, msg: ApplyMsg) {
        match msg {
            ApplyMsg::Command { index, command } => {
                let Some(cmd) = Cmd::decode(&command) else {
                    self.fail(&format!("apply error: server {i} applied a command the tester never sent, at index {index}"));
                };
                if self.snapshot && index != self.last_applied[i] + 1 {
                    self.fail(&format!(
                        "apply error: server {i} apply out of order, expected index {}, got {index}",
                        self.last_applied[i] + 1
                    ));
                }
                let (err, prevok) = self.check_logs(i, index, cmd);
                if let Some(err) = err {
                    self.fail(&format!("apply error: {err}"));
                }
                if index > 1 && !prevok {
                    self.fail(&format!(
                        "apply error: server {i} apply out of order {index}"
                    ));
                }
                if self.snapshot {
                    self.last_applied[i] = index;
                    if (index + 1) % SNAPSHOT_INTERVAL == 0 {
                        let xlog = self.logs[i].through(index);
                        let data = postcard::to_allocvec(&(index, xlog))
                            .expect("encoding into a Vec cannot fail");
                        // The service of a server crashed since is gone: nothing to do.
                        let snapshot = Input::Snapshot {
                            node: i,
                            index,
                            data,
                        };
                        let _ = self.apply_input(snapshot);
                    }
                }
            }
            ApplyMsg::Snapshot { index, data, .. } => {
                // The plain applier ignores snapshot messages.
                if self.snapshot {
                    self.ingest_snap(i, &data, Some(index));
                }
            }
        }
    }

    /// config.go's checkLogs: the value at `index` must agree with every server's record.
    fn check_logs(&mut self, i: usize, index: u64, cmd: Cmd) -> (Option<String>, bool) {
        let mut err = None;
        for (j, log) in self.logs.iter().enumerate() {
            if let Some(old) = log.get(index) {
                if *old != cmd {
                    err = Some(format!(
                        "commit index={index} server={i} {cmd} != server={j} {old}"
                    ));
                }
            }
        }
        let prevok = self.logs[i].get(index.wrapping_sub(1)).is_some();
        self.logs[i].insert(index, cmd);
        self.max_index = self.max_index.max(index);
        (err, prevok)
    }

    /// config.go's ingestSnap: the snapshot replaces server i's record.
    pub(crate) fn ingest_snap(&mut self, i: usize, data: &[u8], index: Option<u64>) {
        if data.is_empty() {
            self.fail("apply error: nil snapshot");
        }
        let Ok((last_included, xlog)) = postcard::from_bytes::<(u64, Vec<Option<Cmd>>)>(data)
        else {
            self.fail(&format!("apply error: server {i} snapshot decode error"));
        };
        if index.is_some_and(|x| x != last_included) {
            self.fail(&format!(
                "apply error: server {i} snapshot doesn't match m.SnapshotIndex"
            ));
        }
        self.logs[i] = AppliedLog(xlog);
        self.last_applied[i] = last_included;
    }
}
