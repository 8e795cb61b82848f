//! A history: operations with their call and return times.

use core::fmt;

/// The most operations one history may hold (a check's node indices are `u32`).
pub const OPERATIONS_MAX: usize = 1 << 24;

/// One operation: who called it, when, with what, and what came back.
///
/// Times are integers of any unit; only their order matters. A call and a return at the same
/// time are concurrent (the call is taken to come first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation<I, O> {
    pub client: u64,
    pub call: i64,
    /// `None`: it never returned (a client crashed or timed out): open until the end of the
    /// history, it may have taken effect at any time after its call, or never.
    // Invariant: `ret >= call`; `ret.is_some() == output.is_some()` (checked by `check`).
    pub ret: Option<i64>,
    pub input: I,
    pub output: Option<O>,
}

impl<I, O> Operation<I, O> {
    /// A completed operation.
    pub fn new(client: u64, call: i64, ret: i64, input: I, output: O) -> Self {
        Operation {
            client,
            call,
            ret: Some(ret),
            input,
            output: Some(output),
        }
    }

    /// An operation that never returned.
    pub fn open(client: u64, call: i64, input: I) -> Self {
        Operation {
            client,
            call,
            ret: None,
            input,
            output: None,
        }
    }
}

/// A history the checker refuses, naming the operation (its index in the history).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HistoryError {
    ReturnBeforeCall { index: usize },
    OutputWithoutReturn { index: usize },
    ReturnWithoutOutput { index: usize },
    TooManyOperations { count: usize },
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryError::ReturnBeforeCall { index } => {
                write!(f, "operation {index} returns before its call")
            }
            HistoryError::OutputWithoutReturn { index } => {
                write!(f, "operation {index} never returned but has an output")
            }
            HistoryError::ReturnWithoutOutput { index } => {
                write!(f, "operation {index} returned but has no output")
            }
            HistoryError::TooManyOperations { count } => {
                write!(
                    f,
                    "{count} operations: more than OPERATIONS_MAX ({OPERATIONS_MAX})"
                )
            }
        }
    }
}

/// Check the invariants of [`Operation`] over a whole history.
pub(crate) fn validate<I, O>(history: &[Operation<I, O>]) -> Result<(), HistoryError> {
    if history.len() > OPERATIONS_MAX {
        return Err(HistoryError::TooManyOperations {
            count: history.len(),
        });
    }
    for (index, op) in history.iter().enumerate() {
        match (op.ret, &op.output) {
            (Some(ret), Some(_)) if ret < op.call => {
                return Err(HistoryError::ReturnBeforeCall { index })
            }
            (Some(_), None) => return Err(HistoryError::ReturnWithoutOutput { index }),
            (None, Some(_)) => return Err(HistoryError::OutputWithoutReturn { index }),
            _ => {}
        }
    }
    Ok(())
}
