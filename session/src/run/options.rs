//! The page's options and network settings, their defaults and their limits, defined once:
//! the wasm glue converts JavaScript values into these and the page reads the limits from
//! here (through `Cluster`'s errors) rather than copying them.
//!
//! Validation messages use the names of `web/src/api.ts` (`electionTimeoutMs`, `dropRate`),
//! since they are what a page or a course author reads.

use alloc::format;
use alloc::string::{String, ToString};
use core::fmt;
use raftlab::sim::rng::mix;
use raftlab::sim::{NetConfig, SimConfig};

/// Smallest cluster the page offers (a majority must survive one crash).
pub const NODES_MIN: usize = 3;
/// Largest cluster (the simulator's limit).
pub const NODES_MAX: usize = raftlab::sim::NODES_MAX;
pub const DEFAULT_NODES: usize = 5;
pub const DEFAULT_ELECTION_TIMEOUT_MS: u64 = 300;
pub const DEFAULT_HEARTBEAT_MS: u64 = 100;
pub const DEFAULT_SNAPSHOT_EVERY: u64 = 10;
/// Bounds of the page's timing options (electionTimeoutMs, heartbeatMs), in ms. A run read
/// from a link or a file may use up to `validate::TIMING_MS_MAX`.
pub const OPTION_TIMING_MS_MAX: u64 = 60_000;
pub const SNAPSHOT_EVERY_MAX: u64 = 1_000_000;
/// The page's network: every message (request or reply) takes 20..=60 ms, none is lost.
pub const DEFAULT_DELAY_MS_MIN: u64 = 20;
pub const DEFAULT_DELAY_MS_MAX: u64 = 60;
/// Largest one-way delay `setNetwork` accepts.
pub const DELAY_MS_LIMIT: u64 = 10_000;
/// Largest `advance(ms)` in one call.
pub const ADVANCE_MS_MAX: u64 = 60_000;
/// Largest client command, in UTF-8 bytes.
pub const COMMAND_BYTES_MAX: usize = 1_000;
/// Largest JavaScript safe integer: every number handed to the page stays exact.
pub const SAFE_INTEGER_MAX: u64 = (1 << 53) - 1;

/// Why options or network settings are refused: a typed value; its `Display` is the page's
/// message, in api.ts's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionsError {
    Nodes {
        nodes: usize,
    },
    ElectionTimeout {
        ms: u64,
    },
    Heartbeat {
        ms: u64,
    },
    /// electionTimeoutMs must be longer than heartbeatMs.
    TimeoutNotAboveHeartbeat {
        election_timeout_ms: u64,
        heartbeat_ms: u64,
    },
    SnapshotEvery {
        every: u64,
    },
    DropRate {
        permille: u32,
    },
    DelayMax {
        ms: u64,
    },
    DelayOrder {
        min_ms: u64,
        max_ms: u64,
    },
}

/// Permille as a decimal fraction, "1.001" for 1001, "0.5" for 500, without float formatting
/// (the page's wasm module carries none: README, "Weight").
fn permille_text(permille: u32) -> String {
    let (whole, thousandths) = (permille / 1000, permille % 1000);
    if thousandths == 0 {
        return format!("{whole}");
    }
    let digits = format!("{thousandths:03}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            OptionsError::Nodes { nodes } => {
                write!(f, "nodes must be {NODES_MIN}..{NODES_MAX}, got {nodes}")
            }
            OptionsError::ElectionTimeout { ms } => write!(
                f,
                "electionTimeoutMs must be 1..{OPTION_TIMING_MS_MAX}, got {ms}"
            ),
            OptionsError::Heartbeat { ms } => {
                write!(f, "heartbeatMs must be 1..{OPTION_TIMING_MS_MAX}, got {ms}")
            }
            OptionsError::TimeoutNotAboveHeartbeat {
                election_timeout_ms,
                heartbeat_ms,
            } => write!(
                f,
                "electionTimeoutMs ({election_timeout_ms}) must be longer than heartbeatMs ({heartbeat_ms}), or followers time out between heartbeats"
            ),
            OptionsError::SnapshotEvery { every } => write!(
                f,
                "snapshotEvery must be 0..{SNAPSHOT_EVERY_MAX}, got {every}"
            ),
            OptionsError::DropRate { permille } => write!(
                f,
                "dropRate must be 0..1, got {}",
                permille_text(permille)
            ),
            OptionsError::DelayMax { ms } => write!(
                f,
                "delayMsMax must be at most {DELAY_MS_LIMIT}, got {ms}"
            ),
            OptionsError::DelayOrder { min_ms, max_ms } => write!(
                f,
                "delayMsMin ({min_ms}) must not exceed delayMsMax ({max_ms})"
            ),
        }
    }
}

/// Callers that report errors as text (the image check, the wasm glue) take it with `?`.
impl From<OptionsError> for String {
    fn from(e: OptionsError) -> String {
        e.to_string()
    }
}

/// What a cluster is made with (ClusterOptions, validated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    // Invariant (after `validate`): NODES_MIN <= nodes <= NODES_MAX.
    pub nodes: usize,
    /// The seed the page shows and stores.
    pub seed: u64,
    /// Election timeouts are drawn from `[election_timeout_ms, 2 * election_timeout_ms)`.
    // Invariant (after `validate`): heartbeat_ms < election_timeout_ms <= OPTION_TIMING_MS_MAX.
    pub election_timeout_ms: u64,
    pub heartbeat_ms: u64,
    /// 0: never snapshot.
    // Invariant (after `validate`): snapshot_every <= SNAPSHOT_EVERY_MAX.
    pub snapshot_every: u64,
}

impl Options {
    pub fn with_seed(seed: u64) -> Options {
        Options {
            nodes: DEFAULT_NODES,
            seed,
            election_timeout_ms: DEFAULT_ELECTION_TIMEOUT_MS,
            heartbeat_ms: DEFAULT_HEARTBEAT_MS,
            snapshot_every: DEFAULT_SNAPSHOT_EVERY,
        }
    }

    /// The options a run's config was made with (a link's or a run file's).
    pub fn of(config: &SimConfig) -> Options {
        Options {
            nodes: config.nodes,
            seed: config.seed,
            election_timeout_ms: config.timing.election_timeout_ms_min,
            heartbeat_ms: config.timing.heartbeat_ms,
            snapshot_every: config.snapshot_every.unwrap_or(0),
        }
    }

    /// Ok when the simulator will accept these options.
    pub fn validate(&self) -> Result<(), OptionsError> {
        if !(NODES_MIN..=NODES_MAX).contains(&self.nodes) {
            return Err(OptionsError::Nodes { nodes: self.nodes });
        }
        if !(1..=OPTION_TIMING_MS_MAX).contains(&self.election_timeout_ms) {
            return Err(OptionsError::ElectionTimeout {
                ms: self.election_timeout_ms,
            });
        }
        if !(1..=OPTION_TIMING_MS_MAX).contains(&self.heartbeat_ms) {
            return Err(OptionsError::Heartbeat {
                ms: self.heartbeat_ms,
            });
        }
        if self.election_timeout_ms <= self.heartbeat_ms {
            return Err(OptionsError::TimeoutNotAboveHeartbeat {
                election_timeout_ms: self.election_timeout_ms,
                heartbeat_ms: self.heartbeat_ms,
            });
        }
        if self.snapshot_every > SNAPSHOT_EVERY_MAX {
            return Err(OptionsError::SnapshotEvery {
                every: self.snapshot_every,
            });
        }
        Ok(())
    }

    /// The simulator's configuration for these options, with `sim_seed` and `net`.
    pub fn sim_config(&self, sim_seed: u64, net: NetConfig) -> SimConfig {
        let mut config = SimConfig::new(self.nodes, sim_seed);
        config.timing.election_timeout_ms_min = self.election_timeout_ms;
        config.timing.election_timeout_ms_max = 2 * self.election_timeout_ms;
        config.timing.heartbeat_ms = self.heartbeat_ms;
        config.net = net;
        config.snapshot_every = (self.snapshot_every > 0).then_some(self.snapshot_every);
        config.collect_applies = false;
        config.start_connected = true;
        config
    }
}

/// The page's network settings (NetworkOptions), validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    /// Loss probability of every request and every reply, in permille.
    // Invariant (after `validate`): drop_permille <= 1000.
    pub drop_permille: u32,
    // Invariant (after `validate`): delay_ms_min <= delay_ms_max <= DELAY_MS_LIMIT.
    pub delay_ms_min: u64,
    pub delay_ms_max: u64,
    pub long_reordering: bool,
}

impl Network {
    pub const DEFAULT: Network = Network {
        drop_permille: 0,
        delay_ms_min: DEFAULT_DELAY_MS_MIN,
        delay_ms_max: DEFAULT_DELAY_MS_MAX,
        long_reordering: false,
    };

    pub fn validate(&self) -> Result<(), OptionsError> {
        if self.drop_permille > 1000 {
            return Err(OptionsError::DropRate {
                permille: self.drop_permille,
            });
        }
        if self.delay_ms_max > DELAY_MS_LIMIT {
            return Err(OptionsError::DelayMax {
                ms: self.delay_ms_max,
            });
        }
        if self.delay_ms_min > self.delay_ms_max {
            return Err(OptionsError::DelayOrder {
                min_ms: self.delay_ms_min,
                max_ms: self.delay_ms_max,
            });
        }
        Ok(())
    }

    /// Requests and replies get the same delay range and the same loss rate.
    pub fn net_config(&self) -> NetConfig {
        NetConfig {
            request_delay_ms_min: self.delay_ms_min,
            request_delay_ms_max: self.delay_ms_max,
            reply_delay_ms_min: self.delay_ms_min,
            reply_delay_ms_max: self.delay_ms_max,
            drop_request_permille: self.drop_permille,
            drop_reply_permille: self.drop_permille,
            long_reordering: self.long_reordering,
            long_delays: false,
        }
    }

    /// What the page shows of a simulator network (request side).
    pub fn of(net: &NetConfig) -> Network {
        Network {
            drop_permille: net.drop_request_permille,
            delay_ms_min: net.request_delay_ms_min,
            delay_ms_max: net.request_delay_ms_max,
            long_reordering: net.long_reordering,
        }
    }
}

/// The simulator seed of a cluster restored at `now_ms` from a cluster seeded `seed`: a new run
/// (not a replay of the old one), yet the same for the same stored image.
pub fn restored_sim_seed(seed: u64, now_ms: u64) -> u64 {
    mix(seed ^ mix(now_ms ^ 0x7261_6674_6c61_6221))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked() {
        let mut o = Options::with_seed(1);
        o.nodes = 2;
        assert_eq!(o.validate(), Err(OptionsError::Nodes { nodes: 2 }));
        assert!(o
            .validate()
            .unwrap_err()
            .to_string()
            .contains("nodes must be 3..9"));
        o.nodes = 10;
        assert!(o.validate().is_err());
        let mut o = Options::with_seed(1);
        o.heartbeat_ms = 300;
        assert!(o
            .validate()
            .unwrap_err()
            .to_string()
            .contains("longer than heartbeatMs"));
        let o = Options {
            snapshot_every: 0,
            ..Options::with_seed(1)
        };
        assert_eq!(
            o.sim_config(1, Network::DEFAULT.net_config())
                .snapshot_every,
            None
        );
        assert_eq!(
            Options::of(&Options::with_seed(9).sim_config(9, Network::DEFAULT.net_config())),
            Options::with_seed(9)
        );
    }

    #[test]
    fn network_settings_are_checked() {
        let net = |drop_permille, delay_ms_min, delay_ms_max| Network {
            drop_permille,
            delay_ms_min,
            delay_ms_max,
            long_reordering: false,
        };
        assert_eq!(
            net(1001, 0, 0).validate(),
            Err(OptionsError::DropRate { permille: 1001 })
        );
        assert!(net(1001, 0, 0)
            .validate()
            .unwrap_err()
            .to_string()
            .contains("dropRate must be 0..1, got 1.001"));
        for (permille, text) in [
            (0, "0"),
            (500, "0.5"),
            (1010, "1.01"),
            (2000, "2"),
            (4_294_967_295, "4294967.295"),
        ] {
            assert_eq!(super::permille_text(permille), text);
        }
        assert!(net(0, 80, 50)
            .validate()
            .unwrap_err()
            .to_string()
            .contains("delayMsMin (80) must not exceed delayMsMax (50)"));
        assert_eq!(
            net(0, 0, DELAY_MS_LIMIT + 1).validate(),
            Err(OptionsError::DelayMax {
                ms: DELAY_MS_LIMIT + 1
            })
        );
        assert_eq!(net(0, 0, DELAY_MS_LIMIT).validate(), Ok(()));
        assert_eq!(
            Network::of(&Network::DEFAULT.net_config()),
            Network::DEFAULT
        );
    }

    #[test]
    fn restored_seeds_differ_by_time() {
        assert_ne!(restored_sim_seed(5, 1), restored_sim_seed(5, 2));
        assert_eq!(restored_sim_seed(5, 1), restored_sim_seed(5, 1));
    }
}
