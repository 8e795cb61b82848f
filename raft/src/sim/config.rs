//! `SimConfig`: the cluster, the seed, timing, network and service settings a simulation is
//! built from. Serializable, so a run (config and inputs) can be stored and shared.

use super::network::NetConfig;
use crate::core::Timing;
use serde::{Deserialize, Serialize};

/// What a simulation is built from (with the inputs applied to it, a whole run).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimConfig {
    pub nodes: usize,
    pub seed: u64,
    #[serde(with = "TimingDef")]
    pub timing: Timing,
    pub net: NetConfig,
    /// The built-in service snapshots every this many applied commands (None: never).
    pub snapshot_every: Option<u64>,
    /// Keep every ApplyMsg for the caller (`drain_applies`): the lab harness's appliers.
    pub collect_applies: bool,
    /// Start with every node connected (the page) or disconnected (the lab connects them).
    pub start_connected: bool,
}

impl SimConfig {
    pub fn new(nodes: usize, seed: u64) -> SimConfig {
        SimConfig {
            nodes,
            seed,
            timing: Timing::LAB,
            net: NetConfig::LAB_RELIABLE,
            snapshot_every: None,
            collect_applies: false,
            start_connected: true,
        }
    }
}

/// `Timing`'s serde form (the core's types stay free of serde derives they do not need).
#[derive(Serialize, Deserialize)]
#[serde(remote = "Timing")]
struct TimingDef {
    election_timeout_ms_min: u64,
    election_timeout_ms_max: u64,
    heartbeat_ms: u64,
    append_entries_in_flight_max: Option<u32>,
}

/// A `SimConfig` as written before the in-flight cap (link and packed run file format
/// version 1): the same fields, a timing without `append_entries_in_flight_max`. It reads as
/// a config with no cap, so those runs replay exactly as they were recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimConfigV1 {
    pub nodes: usize,
    pub seed: u64,
    pub timing: TimingV1,
    pub net: NetConfig,
    pub snapshot_every: Option<u64>,
    pub collect_applies: bool,
    pub start_connected: bool,
}

/// Version 1's timing: no in-flight cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimingV1 {
    pub election_timeout_ms_min: u64,
    pub election_timeout_ms_max: u64,
    pub heartbeat_ms: u64,
}

impl SimConfigV1 {
    /// `config` in version 1's shape, when it has no in-flight cap (the one thing version 1
    /// cannot hold).
    pub fn of(config: &SimConfig) -> Option<SimConfigV1> {
        let t = config.timing;
        t.append_entries_in_flight_max
            .is_none()
            .then(|| SimConfigV1 {
                nodes: config.nodes,
                seed: config.seed,
                timing: TimingV1 {
                    election_timeout_ms_min: t.election_timeout_ms_min,
                    election_timeout_ms_max: t.election_timeout_ms_max,
                    heartbeat_ms: t.heartbeat_ms,
                },
                net: config.net,
                snapshot_every: config.snapshot_every,
                collect_applies: config.collect_applies,
                start_connected: config.start_connected,
            })
    }
}

impl From<SimConfigV1> for SimConfig {
    fn from(c: SimConfigV1) -> SimConfig {
        SimConfig {
            nodes: c.nodes,
            seed: c.seed,
            timing: Timing {
                election_timeout_ms_min: c.timing.election_timeout_ms_min,
                election_timeout_ms_max: c.timing.election_timeout_ms_max,
                heartbeat_ms: c.timing.heartbeat_ms,
                append_entries_in_flight_max: None,
            },
            net: c.net,
            snapshot_every: c.snapshot_every,
            collect_applies: c.collect_applies,
            start_connected: c.start_connected,
        }
    }
}
