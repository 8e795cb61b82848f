//! kvraft's porcupine check (`porcupine.CheckOperationsVerbose(models.KvModel, log, 1 s)`),
//! with raftlab-lincheck on the simulator's history of every Clerk operation (the ones
//! 6.5840 logs and the ones it does not: more operations only constrain the order more).
//!
//! Porcupine's limit is one second of wall time; here it is a number of search steps, so the
//! verdict depends on the run alone (a replay gives the same one). As in 6.5840, a search
//! that runs out is reported and passes.

use super::super::Lab;
use crate::lincheck::kv::Kv;
use crate::lincheck::report::Text;
use crate::lincheck::{check as lincheck, Options, StepBudget, Verdict};
use crate::sim::lincheck_history;
use std::time::Instant;

/// The search steps one check may take (porcupine's `linearizabilityCheckTimeout`, 1 s).
/// README "Lab 4" gives what the tests' histories take.
pub const LINEARIZABILITY_CHECK_STEPS_MAX: u64 = 1_000_000;

/// Check the run's whole history so far; fail the test with the checker's report when it is
/// not linearizable.
/// Prints what the check took: operations, partitions, search steps and wall time.
pub(crate) fn check(lab: &Lab) {
    let t0 = Instant::now();
    let history = lincheck_history(lab.sim.kv_history());
    let mut budget = StepBudget {
        left: LINEARIZABILITY_CHECK_STEPS_MAX,
    };
    let report = match lincheck(&Kv, &history, &mut budget, &Options::default()) {
        Ok(report) => report,
        Err(e) => lab.fail(&format!("the history cannot be checked: {e}")),
    };
    let steps: u64 = report.partitions.iter().map(|p| p.steps).sum();
    super::report(&format!(
        "  ... linearizability: {} operations ({} open), {} keys, {steps} search steps, {:.1} ms wall",
        report.operations,
        report.open,
        report.partitions.len(),
        t0.elapsed().as_secs_f64() * 1e3
    ));
    match report.verdict {
        Verdict::Linearizable => {}
        Verdict::Unknown => {
            super::report("info: linearizability check timed out, assuming history is ok");
        }
        Verdict::NotLinearizable => {
            let label = |i: usize| format!("op {i}");
            let text = Text {
                model: &Kv,
                history: &history,
                report: &report,
                label: &label,
            };
            lab.fail(&format!("history is not linearizable\n{text}"));
        }
    }
}
