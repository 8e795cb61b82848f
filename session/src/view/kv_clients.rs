//! The key/value clients at the moment shown (Lab 4's Clerks): per client its operation
//! outstanding, how many attempts it took so far (each retry goes to the next server after
//! "wrong leader" or a lost reply), the server it tries next, which servers its ends reach,
//! how many operations it completed and its automatic load. At most `KV_CLIENTS_MAX` clients,
//! so a frame's work does not grow with the run.

use crate::ids::shown;
use crate::page::Page;
use alloc::string::String;
use alloc::vec::Vec;
use raftlab::kv::Op;
use raftlab::sim::{KV_CLIENTS_MAX, KV_KEY_BYTES_MAX, KV_LOAD_PER_SECOND_MAX, KV_VALUE_BYTES_MAX};
use serde::{Deserialize, Serialize};

/// An operation as the page shows it (api.ts's `KvOpView`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KvOpView {
    /// "get" | "put" | "append".
    pub kind: String,
    pub key: String,
    /// A Put's or an Append's value; None for a Get.
    pub value: Option<String>,
}

impl KvOpView {
    pub fn of(op: &Op) -> KvOpView {
        let (kind, key, value) = match op {
            Op::Get { key } => ("get", key, None),
            Op::Put { key, value } => ("put", key, Some(value.clone())),
            Op::Append { key, value } => ("append", key, Some(value.clone())),
        };
        KvOpView {
            kind: kind.into(),
            key: key.clone(),
            value,
        }
    }
}

/// One client (api.ts's `KvClientView`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KvClientView {
    /// 1-based, as the page names it (C1..).
    pub client: u32,
    /// The operation outstanding and its position in the history, or None when idle.
    pub pending: Option<KvOpView>,
    pub pending_op_id: Option<u64>,
    /// Attempts for the operation outstanding (the last one's, once done).
    pub attempts: u32,
    /// The server it tries next (1..n).
    pub leader_guess: u32,
    /// The servers its ends reach (1..n).
    pub connected: Vec<u32>,
    pub ops_done: u64,
    /// Its automatic load, operations per virtual second (0: none).
    pub load_per_second: u32,
}

/// api.ts's `KvClientsView`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KvClientsView {
    pub clients: Vec<KvClientView>,
    /// The most clients a run may have.
    pub max: u32,
    /// Operations in the history so far (called, returned or not).
    pub operations: u64,
    /// The simulator's limits the form needs (defined once, in Rust).
    pub key_bytes_max: u64,
    pub value_bytes_max: u64,
    pub load_per_second_max: u32,
}

impl Page {
    /// The key/value clients at the moment shown, by id.
    pub fn kv_clients(&self) -> KvClientsView {
        let sim = self.sim();
        KvClientsView {
            clients: sim
                .kv_clients()
                .iter()
                .map(|c| KvClientView {
                    client: c.id + 1,
                    pending: c.pending.as_ref().map(|(_, op)| KvOpView::of(op)),
                    pending_op_id: c.pending.as_ref().map(|(id, _)| *id),
                    attempts: c.attempts,
                    leader_guess: shown(c.leader_guess),
                    connected: c
                        .connected
                        .iter()
                        .enumerate()
                        .filter(|(_, &on)| on)
                        .map(|(i, _)| shown(i))
                        .collect(),
                    ops_done: c.ops_done,
                    load_per_second: sim.kv_load_per_second(c.id),
                })
                .collect(),
            max: KV_CLIENTS_MAX,
            operations: sim.kv_history().len() as u64,
            key_bytes_max: KV_KEY_BYTES_MAX as u64,
            value_bytes_max: KV_VALUE_BYTES_MAX as u64,
            load_per_second_max: KV_LOAD_PER_SECOND_MAX,
        }
    }
}
