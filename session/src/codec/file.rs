//! A run as a readable JSON file: the config (seed included), each input with its time and
//! name, optional captions (a tester's steps), the end of the run and its trace digest.
//!
//! ```json
//! {
//!   "format": "raftlab-run",
//!   "version": 1,
//!   "title": "TestFigure8Unreliable3C, seed 1: Test (3C): Figure 8 (unreliable)",
//!   "config": {"nodes": 5, "seed": 1, "timing": {...}, "network": {...}, ...},
//!   "inputs": [
//!     {"atMs": 1200, "actions": 3456, "input": {"crash": {"node": 3}}},
//!     {"atMs": 1250, "actions": 3500, "input": {"request": {"node": 1, "command": "x=1"}}},
//!     {"atMs": 1300, "actions": 3600, "input": "heal"}
//!   ],
//!   "captions": [{"atMs": 1200, "actions": 3456, "text": "crash1(S3)"}],
//!   "end": {"atMs": 9000, "actions": 20000},
//!   "traceDigest": "4f0c2a9e8b7d6c5a"
//! }
//! ```
//!
//! Node ids are 1-based (S1 is `1`). `actions` is how many queued actions the simulation had
//! processed when the input was applied (inputs can fall between two actions of one
//! millisecond). The timing's optional `appendEntriesInFlightMax` is the leader's cap on
//! AppendEntries in flight per follower; a file without it (written before the cap) replays
//! with none, as it was recorded. `read` checks the JSON, the format and version, every field, then
//! `Run::validate`, and says what is wrong (with the line and column for bad JSON). It never
//! panics. The page should hand the text to Rust as it is: seeds, ids and digests are 64-bit.

use crate::codec::document::{self, DocumentError, Kind};
#[cfg(feature = "json")]
use crate::codec::{hex, hex64, unhex};
use crate::run::validate::{check_position, RunError};
use crate::run::Run;
use alloc::format;
use alloc::string::String;
#[cfg(feature = "json")]
use alloc::string::ToString;
use alloc::vec::Vec;
use core::fmt;
#[cfg(feature = "json")]
use core::fmt::Write as _;
#[cfg(feature = "json")]
use raftlab::core::{Rule, Timing};
use raftlab::sim::Stamp;
#[cfg(feature = "json")]
use raftlab::sim::{Input, NetConfig, SimConfig};
#[cfg(feature = "json")]
use serde::{Deserialize, Serialize};

/// What the `format` field says.
pub const FILE_FORMAT: &str = "raftlab-run";
/// The run file version this build writes and reads.
pub const FILE_VERSION: u64 = 1;
/// The largest run file `read` takes, in bytes.
pub const RUN_FILE_BYTES_MAX: usize = 64 << 20;
/// The most captions a run file may hold.
pub const CAPTIONS_MAX: usize = 100_000;
/// The longest caption or title, in characters.
pub const CAPTION_CHARS_MAX: usize = 500;

/// A note at a moment of a run ("crash1(S3)"): it describes, it changes nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caption {
    pub at: Stamp,
    pub text: String,
}

/// What a run file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunFile {
    pub title: Option<String>,
    pub run: Run,
    /// In stamp order.
    pub captions: Vec<Caption>,
    /// Where the run ended (replay to it with `Run::replay_to`), if known.
    pub end: Option<Stamp>,
    /// The trace digest at `end`, if known: a replay must reproduce it.
    pub trace_digest: Option<u64>,
}

/// Why a text is not a run file this build can play.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    /// What any versioned document can get wrong (size, JSON, format, version, a field).
    Document(DocumentError),
    /// The run cannot be replayed.
    Run(RunError),
}

/// What a run file is, for the one document reader (`codec::document`).
pub const RUN_FILE: Kind = Kind {
    name: "run file",
    format: FILE_FORMAT,
    version: FILE_VERSION,
    bytes_max: RUN_FILE_BYTES_MAX,
    reader: "this page",
};

impl FileError {
    /// A field out of range or unreadable: which and why.
    pub fn field(why: String) -> FileError {
        FileError::Document(DocumentError::Field(why))
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Document(e) => e.describe(&RUN_FILE, f),
            FileError::Run(e) => write!(f, "the run file's run cannot be replayed: {e}"),
        }
    }
}

// ----- the JSON shapes (camelCase, 1-based node ids): feature `json` -----

#[cfg(feature = "json")]
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTiming {
    #[serde(rename = "electionTimeoutMsMin")]
    election_timeout_ms_min: u64,
    #[serde(rename = "electionTimeoutMsMax")]
    election_timeout_ms_max: u64,
    #[serde(rename = "heartbeatMs")]
    heartbeat_ms: u64,
    /// Appended after version 1's first files: absent (files written before the cap, or a
    /// run without one) reads as no cap, so those runs replay as recorded.
    #[serde(
        rename = "appendEntriesInFlightMax",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    append_entries_in_flight_max: Option<u32>,
}

#[cfg(feature = "json")]
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileNet {
    #[serde(rename = "requestDelayMsMin")]
    request_delay_ms_min: u64,
    #[serde(rename = "requestDelayMsMax")]
    request_delay_ms_max: u64,
    #[serde(rename = "replyDelayMsMin")]
    reply_delay_ms_min: u64,
    #[serde(rename = "replyDelayMsMax")]
    reply_delay_ms_max: u64,
    #[serde(rename = "dropRequestPermille")]
    drop_request_permille: u32,
    #[serde(rename = "dropReplyPermille")]
    drop_reply_permille: u32,
    #[serde(rename = "longReordering")]
    long_reordering: bool,
    #[serde(rename = "longDelays")]
    long_delays: bool,
}

#[cfg(feature = "json")]
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    nodes: usize,
    seed: u64,
    timing: FileTiming,
    network: FileNet,
    /// Null: the built-in service never snapshots.
    #[serde(rename = "snapshotEvery")]
    snapshot_every: Option<u64>,
    /// The lab harness's appliers receive every ApplyMsg (its runs); the page's do not.
    #[serde(rename = "collectApplies")]
    collect_applies: bool,
    #[serde(rename = "startConnected")]
    start_connected: bool,
}

#[cfg(feature = "json")]
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) enum FileInput {
    Request {
        node: u64,
        /// The command as text, when it is printable UTF-8.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        command: Option<String>,
        /// Otherwise its bytes in hexadecimal.
        #[serde(
            rename = "commandHex",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        command_hex: Option<String>,
    },
    Crash {
        node: u64,
    },
    Restart {
        node: u64,
    },
    Connect {
        node: u64,
    },
    Disconnect {
        node: u64,
    },
    Partition {
        groups: Vec<Vec<u64>>,
    },
    Heal,
    Timeout {
        node: u64,
    },
    DropMessage {
        id: u64,
    },
    SetNetwork {
        network: FileNet,
    },
    Snapshot {
        node: u64,
        index: u64,
        #[serde(rename = "dataHex")]
        data_hex: String,
    },
    ClientLoad {
        #[serde(rename = "perSecond")]
        per_second: u32,
    },
    RestartAllFromDisk,
    BreakRule {
        /// The rule's id (`Rule::id`, e.g. "vote-up-to-date").
        rule: String,
        broken: bool,
    },
    AlignTimers,
    SpreadTimers,
    /// A key/value client's operation (`Input::KvOp`): client ids start at 1 (C1); `op` is
    /// "get", "put" or "append"; a Get has no value.
    KvOp {
        client: u64,
        op: String,
        key: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    KvConnect {
        client: u64,
        servers: Vec<u64>,
    },
    KvMaxRaftState {
        bytes: Option<u64>,
    },
    /// A key/value client's automatic load (`Input::KvLoad`), client ids from 1 (C1).
    KvLoad {
        client: u64,
        #[serde(rename = "perSecond")]
        per_second: u32,
    },
}

#[cfg(feature = "json")]
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStamp {
    #[serde(rename = "atMs")]
    at_ms: u64,
    actions: u64,
}

#[cfg(feature = "json")]
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStep {
    #[serde(rename = "atMs")]
    at_ms: u64,
    actions: u64,
    input: FileInput,
}

#[cfg(feature = "json")]
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCaption {
    #[serde(rename = "atMs")]
    at_ms: u64,
    actions: u64,
    text: String,
}

#[cfg(feature = "json")]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV1 {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u64,
    #[serde(default)]
    title: Option<String>,
    config: FileConfig,
    inputs: Vec<FileStep>,
    #[serde(default)]
    captions: Vec<FileCaption>,
    #[serde(default)]
    end: Option<FileStamp>,
    #[serde(default, rename = "traceDigest")]
    trace_digest: Option<String>,
}

#[cfg(feature = "json")]
impl From<&NetConfig> for FileNet {
    fn from(n: &NetConfig) -> FileNet {
        FileNet {
            request_delay_ms_min: n.request_delay_ms_min,
            request_delay_ms_max: n.request_delay_ms_max,
            reply_delay_ms_min: n.reply_delay_ms_min,
            reply_delay_ms_max: n.reply_delay_ms_max,
            drop_request_permille: n.drop_request_permille,
            drop_reply_permille: n.drop_reply_permille,
            long_reordering: n.long_reordering,
            long_delays: n.long_delays,
        }
    }
}

#[cfg(feature = "json")]
impl From<FileNet> for NetConfig {
    fn from(n: FileNet) -> NetConfig {
        NetConfig {
            request_delay_ms_min: n.request_delay_ms_min,
            request_delay_ms_max: n.request_delay_ms_max,
            reply_delay_ms_min: n.reply_delay_ms_min,
            reply_delay_ms_max: n.reply_delay_ms_max,
            drop_request_permille: n.drop_request_permille,
            drop_reply_permille: n.drop_reply_permille,
            long_reordering: n.long_reordering,
            long_delays: n.long_delays,
        }
    }
}

#[cfg(feature = "json")]
/// Text a reader can read back as the same bytes: UTF-8 without control characters.
fn printable(bytes: &[u8]) -> Option<&str> {
    core::str::from_utf8(bytes)
        .ok()
        .filter(|s| !s.chars().any(char::is_control))
}

#[cfg(feature = "json")]
fn file_input(input: &Input) -> FileInput {
    let id = |node: usize| node as u64 + 1;
    match input {
        Input::Request { node, command } => {
            let text = printable(command);
            FileInput::Request {
                node: id(*node),
                command: text.map(ToString::to_string),
                command_hex: text.is_none().then(|| hex(command)),
            }
        }
        Input::Crash { node } => FileInput::Crash { node: id(*node) },
        Input::Restart { node } => FileInput::Restart { node: id(*node) },
        Input::Connect { node } => FileInput::Connect { node: id(*node) },
        Input::Disconnect { node } => FileInput::Disconnect { node: id(*node) },
        Input::Partition { groups } => FileInput::Partition {
            groups: groups
                .iter()
                .map(|g| g.iter().map(|&n| id(n)).collect())
                .collect(),
        },
        Input::Heal => FileInput::Heal,
        Input::Timeout { node } => FileInput::Timeout { node: id(*node) },
        Input::DropMessage { id } => FileInput::DropMessage { id: *id },
        Input::SetNetwork { net } => FileInput::SetNetwork {
            network: net.into(),
        },
        Input::Snapshot { node, index, data } => FileInput::Snapshot {
            node: id(*node),
            index: *index,
            data_hex: hex(data),
        },
        Input::ClientLoad { per_second } => FileInput::ClientLoad {
            per_second: *per_second,
        },
        Input::RestartAllFromDisk => FileInput::RestartAllFromDisk,
        Input::AlignTimers => FileInput::AlignTimers,
        Input::SpreadTimers => FileInput::SpreadTimers,
        Input::BreakRule { rule, broken } => FileInput::BreakRule {
            rule: rule.id().into(),
            broken: *broken,
        },
        Input::KvOp { client, op } => {
            use raftlab::kv::Op;
            let (name, key, value) = match op {
                Op::Get { key } => ("get", key, None),
                Op::Put { key, value } => ("put", key, Some(value.clone())),
                Op::Append { key, value } => ("append", key, Some(value.clone())),
            };
            FileInput::KvOp {
                client: u64::from(*client) + 1,
                op: name.into(),
                key: key.clone(),
                value,
            }
        }
        Input::KvConnect { client, servers } => FileInput::KvConnect {
            client: u64::from(*client) + 1,
            servers: servers.iter().map(|&n| id(n)).collect(),
        },
        Input::KvMaxRaftState { bytes } => FileInput::KvMaxRaftState { bytes: *bytes },
        Input::KvLoad { client, per_second } => FileInput::KvLoad {
            client: u64::from(*client) + 1,
            per_second: *per_second,
        },
    }
}

#[cfg(feature = "json")]
/// A 1-based node id from the file as the simulator's 0-based one.
fn node_of(index: usize, node: u64) -> Result<usize, FileError> {
    match node.checked_sub(1).and_then(|n| usize::try_from(n).ok()) {
        Some(n) => Ok(n),
        None => Err(FileError::field(format!(
            "node {node} in input {}: node ids start at 1 (S1)",
            index + 1
        ))),
    }
}

#[cfg(feature = "json")]
pub(crate) fn input_of(index: usize, input: FileInput) -> Result<Input, FileError> {
    let node = |n| node_of(index, n);
    Ok(match input {
        FileInput::Request {
            node: n,
            command,
            command_hex,
        } => {
            let command = match (command, command_hex) {
                (Some(text), None) => text.into_bytes(),
                (None, Some(h)) => unhex(&h).ok_or_else(|| {
                    FileError::field(format!(
                        "an unreadable commandHex in input {} (pairs of hexadecimal digits)",
                        index + 1
                    ))
                })?,
                _ => {
                    return Err(FileError::field(format!(
                        "a request in input {} with {} of \"command\" and \"commandHex\" (it takes one)",
                        index + 1,
                        "both or neither"
                    )))
                }
            };
            Input::Request {
                node: node(n)?,
                command,
            }
        }
        FileInput::Crash { node: n } => Input::Crash { node: node(n)? },
        FileInput::Restart { node: n } => Input::Restart { node: node(n)? },
        FileInput::Connect { node: n } => Input::Connect { node: node(n)? },
        FileInput::Disconnect { node: n } => Input::Disconnect { node: node(n)? },
        FileInput::Partition { groups } => Input::Partition {
            groups: groups
                .into_iter()
                .map(|g| g.into_iter().map(node).collect())
                .collect::<Result<_, _>>()?,
        },
        FileInput::Heal => Input::Heal,
        FileInput::Timeout { node: n } => Input::Timeout { node: node(n)? },
        FileInput::DropMessage { id } => Input::DropMessage { id },
        FileInput::SetNetwork { network } => Input::SetNetwork {
            net: network.into(),
        },
        FileInput::Snapshot {
            node: n,
            index: i,
            data_hex,
        } => Input::Snapshot {
            node: node(n)?,
            index: i,
            data: unhex(&data_hex).ok_or_else(|| {
                FileError::field(format!(
                    "an unreadable dataHex in input {} (pairs of hexadecimal digits)",
                    index + 1
                ))
            })?,
        },
        FileInput::ClientLoad { per_second } => Input::ClientLoad { per_second },
        FileInput::RestartAllFromDisk => Input::RestartAllFromDisk,
        FileInput::AlignTimers => Input::AlignTimers,
        FileInput::SpreadTimers => Input::SpreadTimers,
        FileInput::BreakRule { rule, broken } => Input::BreakRule {
            rule: Rule::from_id(&rule).ok_or_else(|| {
                FileError::field(format!(
                    "an unknown rule in input {}: {:?} (one of {})",
                    index + 1,
                    rule,
                    Rule::EVERY.map(Rule::id).join(", ")
                ))
            })?,
            broken,
        },
        FileInput::KvOp {
            client,
            op,
            key,
            value,
        } => {
            use raftlab::kv::Op;
            let op = match (op.as_str(), value) {
                ("get", None) => Op::Get { key },
                ("put", Some(value)) => Op::Put { key, value },
                ("append", Some(value)) => Op::Append { key, value },
                _ => {
                    return Err(FileError::field(format!(
                        "a key/value operation in input {} that is not \"get\" without a value or \"put\" / \"append\" with one",
                        index + 1
                    )))
                }
            };
            Input::KvOp {
                client: client_of(index, client)?,
                op,
            }
        }
        FileInput::KvConnect { client, servers } => Input::KvConnect {
            client: client_of(index, client)?,
            servers: servers.into_iter().map(node).collect::<Result<_, _>>()?,
        },
        FileInput::KvMaxRaftState { bytes } => Input::KvMaxRaftState { bytes },
        FileInput::KvLoad { client, per_second } => Input::KvLoad {
            client: client_of(index, client)?,
            per_second,
        },
    })
}

#[cfg(feature = "json")]
/// A 1-based client id from the file (C1) as the simulator's 0-based one.
fn client_of(index: usize, client: u64) -> Result<u32, FileError> {
    match client.checked_sub(1).and_then(|c| u32::try_from(c).ok()) {
        Some(c) => Ok(c),
        None => Err(FileError::field(format!(
            "client {client} in input {}: client ids start at 1 (C1)",
            index + 1
        ))),
    }
}

#[cfg(feature = "json")]
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("these shapes always serialize")
}

impl RunFile {
    /// A file of `run` alone: no title, captions, end or digest.
    pub fn of(run: Run) -> RunFile {
        RunFile {
            title: None,
            run,
            captions: Vec::new(),
            end: None,
            trace_digest: None,
        }
    }

    #[cfg(feature = "json")]
    /// The file as JSON text: one input or caption per line.
    pub fn write(&self) -> String {
        let c = &self.run.config;
        let config = FileConfig {
            nodes: c.nodes,
            seed: c.seed,
            timing: FileTiming {
                election_timeout_ms_min: c.timing.election_timeout_ms_min,
                election_timeout_ms_max: c.timing.election_timeout_ms_max,
                heartbeat_ms: c.timing.heartbeat_ms,
                append_entries_in_flight_max: c.timing.append_entries_in_flight_max,
            },
            network: (&c.net).into(),
            snapshot_every: c.snapshot_every,
            collect_applies: c.collect_applies,
            start_connected: c.start_connected,
        };
        let mut out = String::new();
        let _ = writeln!(out, "{{\n  \"format\": \"{FILE_FORMAT}\",");
        let _ = writeln!(out, "  \"version\": {FILE_VERSION},");
        if let Some(title) = &self.title {
            let _ = writeln!(out, "  \"title\": {},", json(title));
        }
        let _ = writeln!(out, "  \"config\": {},", json(&config));
        let lines = |items: Vec<String>| {
            if items.is_empty() {
                return String::from("[]");
            }
            format!("[\n    {}\n  ]", items.join(",\n    "))
        };
        let inputs = self
            .run
            .inputs
            .iter()
            .map(|(at, input)| {
                json(&FileStep {
                    at_ms: at.at_ms,
                    actions: at.actions,
                    input: file_input(input),
                })
            })
            .collect();
        let _ = write!(out, "  \"inputs\": {}", lines(inputs));
        let captions = self
            .captions
            .iter()
            .map(|c| {
                json(&FileCaption {
                    at_ms: c.at.at_ms,
                    actions: c.at.actions,
                    text: c.text.clone(),
                })
            })
            .collect();
        let _ = write!(out, ",\n  \"captions\": {}", lines(captions));
        if let Some(end) = self.end {
            let end = FileStamp {
                at_ms: end.at_ms,
                actions: end.actions,
            };
            let _ = write!(out, ",\n  \"end\": {}", json(&end));
        }
        if let Some(digest) = self.trace_digest {
            let _ = write!(out, ",\n  \"traceDigest\": \"{}\"", hex64(digest));
        }
        out.push_str("\n}\n");
        out
    }

    #[cfg(feature = "json")]
    /// The run file in `text`, checked through and through (see the module documentation).
    pub fn read(text: &str) -> Result<RunFile, FileError> {
        let file: FileV1 = document::read(&RUN_FILE, text).map_err(FileError::Document)?;
        if file.inputs.len() > crate::run::validate::INPUTS_MAX {
            return Err(FileError::Run(RunError::TooManyInputs {
                count: file.inputs.len(),
            }));
        }
        if file.captions.len() > CAPTIONS_MAX {
            return Err(FileError::field(format!(
                "{} captions; at most {CAPTIONS_MAX}",
                file.captions.len()
            )));
        }
        let c = file.config;
        let config = SimConfig {
            nodes: c.nodes,
            seed: c.seed,
            timing: Timing {
                election_timeout_ms_min: c.timing.election_timeout_ms_min,
                election_timeout_ms_max: c.timing.election_timeout_ms_max,
                heartbeat_ms: c.timing.heartbeat_ms,
                append_entries_in_flight_max: c.timing.append_entries_in_flight_max,
            },
            net: c.network.into(),
            snapshot_every: c.snapshot_every,
            collect_applies: c.collect_applies,
            start_connected: c.start_connected,
        };
        let inputs = file
            .inputs
            .into_iter()
            .enumerate()
            .map(|(i, step)| {
                let at = Stamp {
                    at_ms: step.at_ms,
                    actions: step.actions,
                };
                Ok((at, input_of(i, step.input)?))
            })
            .collect::<Result<Vec<_>, FileError>>()?;
        let run = Run { config, inputs };
        let captions = file
            .captions
            .into_iter()
            .map(|c| Caption {
                at: Stamp {
                    at_ms: c.at_ms,
                    actions: c.actions,
                },
                text: c.text,
            })
            .collect();
        let end = file.end.map(|e| Stamp {
            at_ms: e.at_ms,
            actions: e.actions,
        });
        let trace_digest = match file.trace_digest {
            None => None,
            Some(d) => Some(
                u64::from_str_radix(&d, 16)
                    .ok()
                    .filter(|_| !d.is_empty() && d.len() <= 16)
                    .ok_or_else(|| {
                        FileError::field(format!(
                            "an unreadable traceDigest {:?} (16 hexadecimal digits)",
                            d
                        ))
                    })?,
            ),
        };
        let file = RunFile {
            title: file.title,
            run,
            captions,
            end,
            trace_digest,
        };
        file.check()?;
        Ok(file)
    }

    /// What every run file satisfies, whatever its form (JSON here, packed in `packed.rs`): a
    /// run that replays, at most `CAPTIONS_MAX` captions in time order within the readable
    /// time, texts within `CAPTION_CHARS_MAX`, an end not before the last input.
    pub fn check(&self) -> Result<(), FileError> {
        self.run.validate().map_err(FileError::Run)?;
        if self.captions.len() > CAPTIONS_MAX {
            return Err(FileError::field(format!(
                "{} captions; at most {CAPTIONS_MAX}",
                self.captions.len()
            )));
        }
        for (i, c) in self.captions.iter().enumerate() {
            if i > 0 && c.at < self.captions[i - 1].at {
                return Err(FileError::field(format!(
                    "caption {} stamped before caption {i}: captions are in time order",
                    i + 1
                )));
            }
            check_position(c.at.at_ms).map_err(FileError::Run)?;
            check_text("caption", i + 1, &c.text)?;
        }
        if let Some(title) = &self.title {
            check_text("title", 1, title)?;
        }
        if let Some(end) = self.end {
            check_position(end.at_ms).map_err(FileError::Run)?;
            if self.run.inputs.last().is_some_and(|(last, _)| end < *last) {
                return Err(FileError::field("an \"end\" before its last input".into()));
            }
        }
        Ok(())
    }
}

pub(crate) fn check_text(what: &str, number: usize, text: &str) -> Result<(), FileError> {
    document::check_text(text, 0, CAPTION_CHARS_MAX).map_err(|chars| {
        FileError::field(format!(
            "{what} {number} of {chars} characters; at most {CAPTION_CHARS_MAX}"
        ))
    })
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::{Caption, FileError, RunFile};
    use crate::testing::fixture::session;
    use alloc::string::{String, ToString};
    use alloc::vec;
    use raftlab::sim::{Input, Stamp};

    fn fixture_file() -> RunFile {
        let mut session = session();
        // Inputs whose file form is not plain: a binary command, a snapshot's bytes.
        let _ = session.apply(Input::Request {
            node: 2,
            command: vec![0, 159, 255],
        });
        let _ = session.apply(Input::Request {
            node: 3,
            command: b"x=\"1\"".to_vec(),
        });
        let _ = session.apply(Input::BreakRule {
            rule: raftlab::core::Rule::VoteUpToDate,
            broken: true,
        });
        session.run_until(41_000);
        let end = session.sim().stamp();
        RunFile {
            title: Some("the fixture".to_string()),
            captions: vec![
                Caption {
                    at: Stamp::default(),
                    text: "start".to_string(),
                },
                Caption {
                    at: end,
                    text: "the end".to_string(),
                },
            ],
            end: Some(end),
            trace_digest: Some(session.sim().trace_digest()),
            run: session.into_run(),
        }
    }

    #[test]
    fn key_value_inputs_survive_the_run_file_and_replay_to_the_same_history() {
        use raftlab::kv::Op;
        let mut session = session();
        let inputs = [
            Input::KvMaxRaftState { bytes: Some(800) },
            Input::BreakRule {
                rule: raftlab::core::Rule::FilterDuplicates,
                broken: true,
            },
            Input::KvConnect {
                client: 1,
                servers: vec![0, 2],
            },
            Input::KvOp {
                client: 0,
                op: Op::Put {
                    key: "k".into(),
                    value: "v".into(),
                },
            },
            Input::KvOp {
                client: 1,
                op: Op::Append {
                    key: "k".into(),
                    value: "w".into(),
                },
            },
            Input::KvOp {
                client: 2,
                op: Op::Get { key: "k".into() },
            },
        ];
        for input in inputs {
            session.apply(input).expect("accepted");
        }
        session.run_until(45_000);
        let end = session.sim().stamp();
        let history = session.sim().kv_history().to_vec();
        assert!(history.iter().all(|h| h.return_ms.is_some()), "{history:?}");
        let file = RunFile {
            title: None,
            captions: vec![],
            end: Some(end),
            trace_digest: Some(session.sim().trace_digest()),
            run: session.into_run(),
        };
        let text = file.write();
        for part in [
            "{\"kvMaxRaftState\":{\"bytes\":800}}",
            "{\"breakRule\":{\"rule\":\"filter-duplicates\",\"broken\":true}}",
            "{\"kvConnect\":{\"client\":2,\"servers\":[1,3]}}",
            "{\"kvOp\":{\"client\":1,\"op\":\"put\",\"key\":\"k\",\"value\":\"v\"}}",
            "{\"kvOp\":{\"client\":3,\"op\":\"get\",\"key\":\"k\"}}",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        let read = RunFile::read(&text).expect("a file this build wrote");
        assert_eq!(read, file);
        let sim = read.run.replay_to(read.end.unwrap()).expect("valid run");
        assert_eq!(Some(sim.trace_digest()), read.trace_digest);
        assert_eq!(sim.kv_history(), &history[..]);
        let bad = text.replace("\"op\":\"get\"", "\"op\":\"cas\"");
        let error = RunFile::read(&bad).unwrap_err().to_string();
        assert!(error.contains("not \"get\" without a value"), "{error}");
    }

    #[test]
    fn a_run_file_read_back_is_the_run_written_and_replays_to_its_trace_digest() {
        let file = fixture_file();
        let text = file.write();
        assert!(
            text.contains("\"input\":{\"crash\":{\"node\":2}}"),
            "{text}"
        );
        assert!(text.contains("\"input\":\"heal\""), "{text}");
        assert!(text.contains("\"commandHex\":\"009fff\""), "{text}");
        assert!(text.contains("\"command\":\"x=\\\"1\\\"\""), "{text}");
        let rule = "{\"breakRule\":{\"rule\":\"vote-up-to-date\",\"broken\":true}}";
        assert!(text.contains(rule), "{text}");
        let read = RunFile::read(&text).expect("a file this build wrote");
        assert_eq!(read, file);
        let sim = read.run.replay_to(read.end.unwrap()).expect("valid run");
        assert_eq!(Some(sim.trace_digest()), read.trace_digest);
    }

    #[test]
    fn the_in_flight_cap_is_written_when_set_and_a_file_without_it_reads_as_no_cap() {
        let file = fixture_file();
        let cap = file.run.config.timing.append_entries_in_flight_max;
        assert_eq!(cap, Some(raftlab::core::APPEND_ENTRIES_IN_FLIGHT_MAX));
        let text = file.write();
        let field = alloc::format!("\"appendEntriesInFlightMax\":{}", cap.unwrap());
        assert!(text.contains(&field), "{text}");
        assert_eq!(
            RunFile::read(&text).expect("valid").run.config,
            file.run.config
        );
        // A file written before the cap has no such field: it reads as a run without one,
        // and a run without one is written as before.
        let old = text.replacen(&alloc::format!(",{field}"), "", 1);
        assert!(!old.contains("appendEntriesInFlightMax"), "{old}");
        let read = RunFile::read(&old).expect("a file written before the cap");
        assert_eq!(read.run.config.timing.append_entries_in_flight_max, None);
        assert_eq!(read.write(), old);
        let null = text.replacen(&field, "\"appendEntriesInFlightMax\":null", 1);
        let read = RunFile::read(&null).expect("null is no cap");
        assert_eq!(read.run.config.timing.append_entries_in_flight_max, None);
        let zero = text.replacen(&field, "\"appendEntriesInFlightMax\":0", 1);
        let error = RunFile::read(&zero).expect_err("a cap of 0").to_string();
        assert!(
            error.contains("appendEntriesInFlightMax must be 1..1024"),
            "{error}"
        );
    }

    #[test]
    fn a_damaged_run_file_gets_an_error_that_says_what_is_wrong() {
        let text = fixture_file().write();
        let crash = "\"input\":{\"crash\":{\"node\":2}}";
        let cases: [(&str, String, &str); 9] = [
            (
                "cut",
                text[..text.len() / 2].to_string(),
                "EOF while parsing",
            ),
            (
                "not a run file",
                "{\"a\": 1}".to_string(),
                "not a raftlab run file",
            ),
            (
                "another version",
                text.replacen("\"version\": 1", "\"version\": 2", 1),
                "version 2; this page reads version 1",
            ),
            (
                "node 0",
                text.replacen(crash, "\"input\":{\"crash\":{\"node\":0}}", 1),
                "node ids start at 1",
            ),
            (
                "S9 of 5",
                text.replacen(crash, "\"input\":{\"crash\":{\"node\":9}}", 1),
                "names S9, but the cluster has S1..S5",
            ),
            (
                "back in time",
                text.replacen("\"atMs\":4000", "\"atMs\":1", 1),
                "input 2 is stamped before input 1",
            ),
            (
                "a misspelt input",
                text.replacen("\"crash\"", "\"crsh\"", 1),
                "unknown variant `crsh`",
            ),
            (
                "bad hex",
                text.replacen("009fff", "009fzz", 1),
                "unreadable commandHex in input 7",
            ),
            (
                "an unknown rule",
                text.replacen("vote-up-to-date", "vote-twice", 1),
                "an unknown rule in input 9: \"vote-twice\" (one of commit-current-term,",
            ),
        ];
        for (what, text, says) in cases {
            let error = RunFile::read(&text).expect_err(what);
            let shown = error.to_string();
            assert!(shown.contains(says), "{what}: {shown}");
            if what == "cut" {
                assert!(
                    matches!(error, FileError::Document(super::DocumentError::Json(_)))
                        && shown.contains("line"),
                    "{shown}"
                );
            }
        }
    }

    /// Seeds of the fuzz test: a fixed list, each printed if its case panics.
    const FUZZ_SEEDS: core::ops::Range<u64> = 1..21;
    /// Mutated files per seed.
    const CASES_PER_SEED: usize = 50;

    #[test]
    fn mutated_and_truncated_run_files_never_panic() {
        use raftlab::sim::rng::Rng;
        const PIECES: &[&str] = &[
            "0",
            "1",
            "-1",
            "99999999999999999999",
            "\"",
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "null",
            "true",
            "\"node\"",
            "\"atMs\"",
            "\"heal\"",
            "\"zz\"",
            "\u{e9}",
            "",
        ];
        let text = fixture_file().write();
        for seed in FUZZ_SEEDS {
            let result = std::panic::catch_unwind(|| {
                let mut rng = Rng::new(seed);
                for _ in 0..CASES_PER_SEED {
                    let mut damaged = text.clone();
                    let digits: alloc::vec::Vec<usize> = damaged
                        .char_indices()
                        .filter(|(_, c)| c.is_ascii_digit())
                        .map(|(i, _)| i)
                        .collect();
                    if rng.below(2) == 0 {
                        // A number changed: ids, times, counts, limits out of range.
                        let at = digits[rng.below(digits.len() as u64) as usize];
                        let piece =
                            ["0", "9", "-1", "99999999999999999999", "1.5"][rng.below(5) as usize];
                        damaged.replace_range(at..at + 1, piece);
                    }
                    for _ in 0..rng.below(3) {
                        let mut at = rng.below(damaged.len() as u64) as usize;
                        while !damaged.is_char_boundary(at) {
                            at -= 1;
                        }
                        if rng.below(5) == 0 {
                            damaged.truncate(at);
                        } else {
                            let mut end = (at + rng.below(4) as usize).min(damaged.len());
                            while !damaged.is_char_boundary(end) {
                                end -= 1;
                            }
                            let piece = PIECES[rng.below(PIECES.len() as u64) as usize];
                            damaged.replace_range(at..end, piece);
                        }
                    }
                    match RunFile::read(&damaged) {
                        Ok(file) => file.run.validate().expect("read validates"),
                        Err(e) => assert!(!e.to_string().is_empty()),
                    }
                }
            });
            if let Err(panic) = result {
                std::println!("the run file fuzz test failed at seed {seed}");
                std::panic::resume_unwind(panic);
            }
        }
    }
}
