//! The check of a whole history: split it into partitions, search each, sum up.

use crate::history::{validate, HistoryError, Operation};
use crate::memo::MEMO_BYTES_MAX;
use crate::model::Model;
use crate::search::{search, Found};
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// How long the search may go on. The search calls `spend` every so many steps (and a step
/// is one call or return looked at); `false` stops it and the result is [`Verdict::Unknown`].
pub trait Budget {
    fn spend(&mut self, steps: u64) -> bool;
}

/// No limit.
pub struct Unlimited;

impl Budget for Unlimited {
    fn spend(&mut self, _steps: u64) -> bool {
        true
    }
}

/// At most this many search steps (counted in the search's batches).
pub struct StepBudget {
    pub left: u64,
}

impl Budget for StepBudget {
    fn spend(&mut self, steps: u64) -> bool {
        match self.left.checked_sub(steps) {
            Some(left) => {
                self.left = left;
                true
            }
            None => {
                self.left = 0;
                false
            }
        }
    }
}

/// Any `FnMut(steps) -> bool` is a budget (the command uses a wall-clock deadline).
impl<F: FnMut(u64) -> bool> Budget for F {
    fn spend(&mut self, steps: u64) -> bool {
        self(steps)
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    /// Per partition; [`MEMO_BYTES_MAX`] by default.
    pub memo_bytes_max: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            memo_bytes_max: MEMO_BYTES_MAX,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Linearizable,
    NotLinearizable,
    /// The budget ran out before every partition was decided, and none was found illegal.
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Linearizable,
    NotLinearizable,
    /// The budget ran out during this partition's search.
    OutOfBudget,
    /// The budget had run out before this partition's turn.
    NotChecked,
}

#[derive(Clone, Debug)]
pub struct PartitionReport<K> {
    pub key: K,
    /// Indices into the history, in history order.
    pub operations: Vec<usize>,
    pub outcome: Outcome,
    /// Indices into the history, in linearization order: the longest linearizable prefix
    /// found (every operation when the partition is linearizable).
    pub longest: Vec<usize>,
    /// Indices into the history of the operations that cannot be placed after `longest`: first
    /// the one whose return came before it could be placed, then the others called before
    /// that return. Empty when linearizable.
    pub stuck: Vec<usize>,
    pub steps: u64,
    pub memo_entries: usize,
    /// The memo reached `Options::memo_bytes_max` (the search went on without it).
    pub memo_full: bool,
}

#[derive(Clone, Debug)]
pub struct Report<K> {
    pub verdict: Verdict,
    /// In key order.
    pub partitions: Vec<PartitionReport<K>>,
    pub operations: usize,
    /// Operations that never returned.
    pub open: usize,
}

impl<K> Report<K> {
    pub fn illegal(&self) -> impl Iterator<Item = &PartitionReport<K>> {
        self.partitions
            .iter()
            .filter(|p| p.outcome == Outcome::NotLinearizable)
    }

    pub fn memo_full(&self) -> bool {
        self.partitions.iter().any(|p| p.memo_full)
    }
}

/// Is `history` linearizable under `model`? Every partition is checked (for a complete
/// report) until the budget runs out.
pub fn check<M: Model, B: Budget>(
    model: &M,
    history: &[Operation<M::Input, M::Output>],
    budget: &mut B,
    options: &Options,
) -> Result<Report<M::PartitionKey>, HistoryError> {
    validate(history)?;
    let mut by_key: BTreeMap<M::PartitionKey, Vec<usize>> = BTreeMap::new();
    for (i, op) in history.iter().enumerate() {
        by_key
            .entry(model.partition(&op.input))
            .or_default()
            .push(i);
    }
    let mut partitions = Vec::with_capacity(by_key.len());
    let mut out_of_budget = false;
    for (key, operations) in by_key {
        if out_of_budget {
            partitions.push(PartitionReport {
                key,
                operations,
                outcome: Outcome::NotChecked,
                longest: Vec::new(),
                stuck: Vec::new(),
                steps: 0,
                memo_entries: 0,
                memo_full: false,
            });
            continue;
        }
        let searched = search(model, history, &operations, budget, options.memo_bytes_max);
        let outcome = match searched.found {
            Found::Linearizable => Outcome::Linearizable,
            Found::Illegal => Outcome::NotLinearizable,
            Found::OutOfBudget => {
                out_of_budget = true;
                Outcome::OutOfBudget
            }
        };
        partitions.push(PartitionReport {
            longest: searched.longest.iter().map(|&l| operations[l]).collect(),
            stuck: searched.stuck.iter().map(|&l| operations[l]).collect(),
            key,
            operations,
            outcome,
            steps: searched.steps,
            memo_entries: searched.memo_entries,
            memo_full: searched.memo_full,
        });
    }
    let verdict = if partitions
        .iter()
        .any(|p| p.outcome == Outcome::NotLinearizable)
    {
        Verdict::NotLinearizable
    } else if out_of_budget {
        Verdict::Unknown
    } else {
        Verdict::Linearizable
    };
    Ok(Report {
        verdict,
        partitions,
        operations: history.len(),
        open: history.iter().filter(|o| o.ret.is_none()).count(),
    })
}
