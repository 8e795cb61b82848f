//! What a run may hold, decided once: a run read from outside (a run file, a link, a stored
//! run) or played from a scenario must satisfy `Run::validate` before it is replayed, and the
//! page opens only such runs. Its cluster is one the page's options allow (`Options::validate`:
//! 3 to 9 nodes, timing up to 60 s), so a run the page opens is one it can link and reload.
//! `Run::validate` names the first thing wrong in a `RunError`.

use crate::run::options::{Options, OptionsError, NODES_MIN};
use crate::run::Run;
use alloc::vec::Vec;
use core::fmt;
use raftlab::sim::{Input, NetError, Stamp, ACTIONS_PER_MS_MAX, LOAD_PER_SECOND_MAX, NODES_MAX};

/// The most inputs a run read from outside may hold (a Lab 3 test applies up to a few
/// thousand; the page's runs far fewer).
pub const INPUTS_MAX: usize = 100_000;
/// The latest virtual time a stamp or a position may name: one virtual day.
pub const RUN_MS_MAX: u64 = 24 * 60 * 60 * 1000;
/// The longest election timeout or heartbeat interval, in virtual ms (the page's longest
/// election timeout, 60 s, draws up to 120 s).
pub const TIMING_MS_MAX: u64 = 120_000;
/// The largest client command or snapshot an input may carry, in bytes.
pub const INPUT_BYTES_MAX: usize = 1 << 20;

/// Why a run cannot be replayed as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// A cluster has `NODES_MIN` to `NODES_MAX` nodes.
    ClusterSize { nodes: usize },
    /// The cluster's timing or snapshot policy is not one the page's options allow.
    Options(OptionsError),
    /// `Timing::validate`'s reason.
    Timing(&'static str),
    /// A timing field above `TIMING_MS_MAX`.
    TimingTooLong { ms: u64 },
    /// The config's network settings are out of range.
    Network(NetError),
    /// More than `INPUTS_MAX` inputs.
    TooManyInputs { count: usize },
    /// Input `index` (0-based) is stamped before the one before it.
    StampGoesBack { index: usize },
    /// Input `index` is stamped after `RUN_MS_MAX`.
    StampTooLate { index: usize, at_ms: u64 },
    /// Input `index` claims more actions processed than the simulator can process by its
    /// time (`ACTIONS_PER_MS_MAX` per virtual millisecond).
    StampImpossible { index: usize, stamp: Stamp },
    /// Input `index` names a node the cluster does not have.
    NoSuchNode {
        index: usize,
        node: usize,
        nodes: usize,
    },
    /// Input `index` asks for a client load above `LOAD_PER_SECOND_MAX`.
    LoadTooHigh { index: usize, per_second: u32 },
    /// Input `index` carries more than `INPUT_BYTES_MAX` bytes.
    TooLarge { index: usize, bytes: usize },
    /// Input `index` sets network settings out of range.
    InputNetwork { index: usize, error: NetError },
    /// A position after `RUN_MS_MAX`.
    PositionTooLate { at_ms: u64 },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use RunError::*;
        match self {
            ClusterSize { nodes } => {
                write!(f, "a cluster has {NODES_MIN} to {NODES_MAX} nodes, not {nodes}")
            }
            Options(e) => write!(f, "its cluster is not one the page's options allow: {e}"),
            Timing(why) => write!(f, "its timing cannot elect a leader: {why}"),
            TimingTooLong { ms } => write!(
                f,
                "its timing names {ms} ms; election timeouts and heartbeats are at most {TIMING_MS_MAX} ms"
            ),
            Network(e) => write!(f, "its network settings are out of range: {e}"),
            TooManyInputs { count } => {
                write!(f, "it has {count} inputs; at most {INPUTS_MAX} are read")
            }
            StampGoesBack { index } => write!(
                f,
                "input {} is stamped before input {}: a run's stamps never go back",
                index + 1,
                index
            ),
            StampTooLate { index, at_ms } => write!(
                f,
                "input {} is at {at_ms} ms, after the last readable time ({RUN_MS_MAX} ms)",
                index + 1
            ),
            StampImpossible { index, stamp } => write!(
                f,
                "input {} claims {} actions processed by {} ms, more than the simulator can process ({ACTIONS_PER_MS_MAX} per ms)",
                index + 1,
                stamp.actions,
                stamp.at_ms
            ),
            NoSuchNode { index, node, nodes } => write!(
                f,
                "input {} names S{}, but the cluster has S1..S{nodes}",
                index + 1,
                node + 1
            ),
            LoadTooHigh { index, per_second } => write!(
                f,
                "input {} asks for {per_second} requests per second; at most {LOAD_PER_SECOND_MAX}",
                index + 1
            ),
            TooLarge { index, bytes } => write!(
                f,
                "input {} carries {bytes} bytes; at most {INPUT_BYTES_MAX}",
                index + 1
            ),
            InputNetwork { index, error } => write!(
                f,
                "input {} sets network settings out of range: {error}",
                index + 1
            ),
            PositionTooLate { at_ms } => write!(
                f,
                "its position {at_ms} ms is after the last readable time ({RUN_MS_MAX} ms)"
            ),
        }
    }
}

impl Run {
    /// Ok when the run can be replayed as it is: the config builds a simulation within the
    /// limits, and every input is in order, in range and names nodes the cluster has.
    pub fn validate(&self) -> Result<(), RunError> {
        let config = &self.config;
        let nodes = config.nodes;
        if !(NODES_MIN..=NODES_MAX).contains(&nodes) {
            return Err(RunError::ClusterSize { nodes });
        }
        let timing = &config.timing;
        for ms in [
            timing.election_timeout_ms_min,
            timing.election_timeout_ms_max,
            timing.heartbeat_ms,
        ] {
            if ms > TIMING_MS_MAX {
                return Err(RunError::TimingTooLong { ms });
            }
        }
        timing.validate().map_err(RunError::Timing)?;
        Options::of(config).validate().map_err(RunError::Options)?;
        config.net.validate().map_err(RunError::Network)?;
        if self.inputs.len() > INPUTS_MAX {
            return Err(RunError::TooManyInputs {
                count: self.inputs.len(),
            });
        }
        let mut last = Stamp::default();
        for (index, (stamp, input)) in self.inputs.iter().enumerate() {
            if *stamp < last {
                return Err(RunError::StampGoesBack { index });
            }
            last = *stamp;
            if stamp.at_ms > RUN_MS_MAX {
                return Err(RunError::StampTooLate {
                    index,
                    at_ms: stamp.at_ms,
                });
            }
            if stamp.actions > (stamp.at_ms + 1) * ACTIONS_PER_MS_MAX {
                return Err(RunError::StampImpossible {
                    index,
                    stamp: *stamp,
                });
            }
            check_input(index, input, nodes)?;
        }
        Ok(())
    }
}

/// Validate a position (the virtual ms shown) read with a run.
pub fn check_position(at_ms: u64) -> Result<(), RunError> {
    if at_ms > RUN_MS_MAX {
        return Err(RunError::PositionTooLate { at_ms });
    }
    Ok(())
}

fn check_input(index: usize, input: &Input, nodes: usize) -> Result<(), RunError> {
    let named: Vec<usize> = match input {
        Input::Request { node, command } => {
            check_bytes(index, command.len())?;
            alloc::vec![*node]
        }
        Input::Snapshot { node, data, .. } => {
            check_bytes(index, data.len())?;
            alloc::vec![*node]
        }
        Input::Crash { node }
        | Input::Restart { node }
        | Input::Connect { node }
        | Input::Disconnect { node }
        | Input::Timeout { node } => alloc::vec![*node],
        Input::Partition { groups } => groups.iter().flatten().copied().collect(),
        Input::SetNetwork { net } => {
            net.validate()
                .map_err(|error| RunError::InputNetwork { index, error })?;
            Vec::new()
        }
        Input::ClientLoad { per_second } => {
            if *per_second > LOAD_PER_SECOND_MAX {
                return Err(RunError::LoadTooHigh {
                    index,
                    per_second: *per_second,
                });
            }
            Vec::new()
        }
        Input::KvOp { op, .. } => {
            let bytes = match op {
                raftlab::kv::Op::Get { key } => key.len(),
                raftlab::kv::Op::Put { key, value } | raftlab::kv::Op::Append { key, value } => {
                    key.len().saturating_add(value.len())
                }
            };
            check_bytes(index, bytes)?;
            Vec::new()
        }
        Input::KvConnect { servers, .. } => servers.clone(),
        Input::Heal
        | Input::KvMaxRaftState { .. }
        | Input::KvLoad { .. }
        | Input::DropMessage { .. }
        | Input::RestartAllFromDisk
        | Input::AlignTimers
        | Input::SpreadTimers
        | Input::BreakRule { .. } => Vec::new(),
    };
    match named.into_iter().find(|&node| node >= nodes) {
        Some(node) => Err(RunError::NoSuchNode { index, node, nodes }),
        None => Ok(()),
    }
}

fn check_bytes(index: usize, bytes: usize) -> Result<(), RunError> {
    if bytes > INPUT_BYTES_MAX {
        return Err(RunError::TooLarge { index, bytes });
    }
    Ok(())
}
