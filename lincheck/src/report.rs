//! The report as text: the verdict on the first line, then what was found.

use crate::check::{Outcome, PartitionReport, Report, Verdict};
use crate::history::Operation;
use crate::model::{Model, Step};
use alloc::format;
use alloc::string::String;
use core::fmt;

/// Partitions described in full (the others are counted).
pub const REPORT_PARTITIONS_MAX: usize = 5;
/// Operations of a longest prefix shown (its last ones, which lead to where it stops).
pub const REPORT_PREFIX_OPS_MAX: usize = 10;
/// Operations that cannot be placed shown.
pub const REPORT_STUCK_OPS_MAX: usize = 10;

/// `linearizable`, `not linearizable` or `unknown`.
pub fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Linearizable => "linearizable",
        Verdict::NotLinearizable => "not linearizable",
        Verdict::Unknown => "unknown",
    }
}

/// A report with what it needs to describe operations; `label(i)` names operation `i` of the
/// history (the command: `line 12`).
pub struct Text<'a, M: Model> {
    pub model: &'a M,
    pub history: &'a [Operation<M::Input, M::Output>],
    pub report: &'a Report<M::PartitionKey>,
    pub label: &'a dyn Fn(usize) -> String,
}

impl<M: Model> Text<'_, M> {
    fn operation(&self, f: &mut fmt::Formatter<'_>, i: usize) -> fmt::Result {
        let op = &self.history[i];
        let ret = match op.ret {
            Some(r) => format!("{r}"),
            None => String::from("-"),
        };
        write!(
            f,
            "{} client {} [{}, {}]: {}",
            (self.label)(i),
            op.client,
            op.call,
            ret,
            self.model.describe_operation(&op.input, op.output.as_ref())
        )
    }

    fn partition(
        &self,
        f: &mut fmt::Formatter<'_>,
        p: &PartitionReport<M::PartitionKey>,
    ) -> fmt::Result {
        let name = self.model.describe_partition(&p.key);
        let n = p.operations.len();
        let state = match p.outcome {
            Outcome::NotLinearizable => "not linearizable",
            Outcome::OutOfBudget => "unfinished when the budget ran out",
            _ => return Ok(()),
        };
        writeln!(f, "{name}: {state} ({n} operations)")?;
        let k = p.longest.len();
        let shown = k.min(REPORT_PREFIX_OPS_MAX);
        let found = if p.outcome == Outcome::OutOfBudget {
            " so far"
        } else {
            ""
        };
        if shown < k {
            writeln!(f, "  longest linearizable prefix{found}: {k} of {n} operations; its last {shown}, with the state after each:")?;
        } else {
            writeln!(f, "  longest linearizable prefix{found}: {k} of {n} operations, with the state after each:")?;
        }
        let mut state = self.model.init();
        for (j, &i) in p.longest.iter().enumerate() {
            let op = &self.history[i];
            match self.model.step(&state, &op.input, op.output.as_ref()) {
                Step::To(s) => state = s,
                Step::Same => {}
                Step::Illegal => debug_assert!(false, "a linearization the model refuses"),
            }
            if j >= k - shown {
                write!(f, "    ")?;
                self.operation(f, i)?;
                writeln!(f, "  => {}", self.model.describe_state(&state))?;
            }
        }
        if let Some((&first, others)) = p.stuck.split_first() {
            if p.outcome == Outcome::OutOfBudget {
                writeln!(
                    f,
                    "  not placed after it, so far (the search had more orders to try):"
                )?;
            } else {
                writeln!(f, "  cannot be placed after it:")?;
            }
            write!(f, "    ")?;
            self.operation(f, first)?;
            writeln!(f, "  <- returned before it could take effect")?;
            for &i in others.iter().take(REPORT_STUCK_OPS_MAX.saturating_sub(1)) {
                write!(f, "    ")?;
                self.operation(f, i)?;
                writeln!(f)?;
            }
            if p.stuck.len() > REPORT_STUCK_OPS_MAX {
                writeln!(
                    f,
                    "    ... and {} more called before that return",
                    p.stuck.len() - REPORT_STUCK_OPS_MAX
                )?;
            }
        }
        Ok(())
    }
}

impl<M: Model> fmt::Display for Text<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.report;
        writeln!(f, "{}", verdict_word(r.verdict))?;
        let count = |o: Outcome| r.partitions.iter().filter(|p| p.outcome == o).count();
        let (ok, bad, cut, unchecked) = (
            count(Outcome::Linearizable),
            count(Outcome::NotLinearizable),
            count(Outcome::OutOfBudget),
            count(Outcome::NotChecked),
        );
        writeln!(
            f,
            "{} operations ({} never returned) in {} partitions: {ok} linearizable, {bad} not linearizable, {cut} unfinished, {unchecked} not checked",
            r.operations,
            r.open,
            r.partitions.len()
        )?;
        let described = r
            .partitions
            .iter()
            .filter(|p| matches!(p.outcome, Outcome::NotLinearizable | Outcome::OutOfBudget));
        for p in described.clone().take(REPORT_PARTITIONS_MAX) {
            self.partition(f, p)?;
        }
        let more = described.count().saturating_sub(REPORT_PARTITIONS_MAX);
        if more > 0 {
            writeln!(f, "... and {more} more partitions not linearizable")?;
        }
        for p in r.partitions.iter().filter(|p| p.memo_full) {
            writeln!(
                f,
                "note: the memo of {} reached its limit (Options::memo_bytes_max); the search went on without remembering more",
                self.model.describe_partition(&p.key)
            )?;
        }
        let steps: u64 = r.partitions.iter().map(|p| p.steps).sum();
        let memo: usize = r.partitions.iter().map(|p| p.memo_entries).sum();
        writeln!(f, "search: {steps} steps, {memo} memo entries")
    }
}
