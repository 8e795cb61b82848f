//! The recorded operations: every client operation, in call order, with its call and
//! return, as the Lab 4 tester and the page check them for linearizability.

use crate::kv::Op;
use crate::lincheck::kv::{KvInput, KvOp};
use crate::lincheck::Operation;
use alloc::string::String;
use alloc::vec::Vec;

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvHistoryOp {
    /// Its position in `Simulation::kv_history`.
    pub op_id: u64,
    pub client: u32,
    pub call_ms: u64,
    /// Actions processed when it was called (with `call_ms`, where in the run).
    pub call_actions: u64,
    /// None while open.
    pub return_ms: Option<u64>,
    pub op: Op,
    /// A Get's value; None for a Put or an Append, and while open.
    pub output: Option<String>,
}

/// `history` as the linearizability checker's KV history, in virtual ms (a call and a return
/// in the same ms count as concurrent, which only ever accepts more orders); an open
/// operation stays open. Every returned operation has an output (`""` for Put and Append).
pub fn lincheck_history(history: &[KvHistoryOp]) -> Vec<Operation<KvInput, String>> {
    history
        .iter()
        .map(|h| {
            let input = match &h.op {
                Op::Get { key } => KvInput {
                    key: key.clone(),
                    op: KvOp::Get,
                },
                Op::Put { key, value } => KvInput {
                    key: key.clone(),
                    op: KvOp::Put(value.clone()),
                },
                Op::Append { key, value } => KvInput {
                    key: key.clone(),
                    op: KvOp::Append(value.clone()),
                },
            };
            let call = time(h.call_ms);
            match h.return_ms {
                Some(ret) => Operation::new(
                    u64::from(h.client),
                    call,
                    time(ret),
                    input,
                    h.output.clone().unwrap_or_default(),
                ),
                None => Operation::open(u64::from(h.client), call, input),
            }
        })
        .collect()
}

/// Virtual ms as the checker's time (saturating: a run never reaches i64's ms).
fn time(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}
