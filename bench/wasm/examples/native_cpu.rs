//! The native side of `scripts/bench-chrome.mjs --clock cpu` (its default): one cell of the
//! matrix run natively, each core timed by this thread's CPU time over the whole run
//! (`run_core_once`: build, elect, drive, check, drop), as the script times each `run_core`
//! call in Chrome by the page's main-thread time. CPU time, not wall time, so that the other
//! work on a loaded machine does not count.
//!
//!   cargo run --release -p raftlab-bench-wasm --example native_cpu -- NODES,BATCH,SIZE REPS TOTAL
//!
//! Prints one JSON object, as `raftlab-bench --json` does: each core the median of REPS runs,
//! the two cores alternating.

use raftlab_bench::harness::{median, Workload};
use raftlab_bench::matrix;
use raftlab_bench_wasm::{run_core_once, Core};
use std::process::ExitCode;
use std::time::Duration;

/// This thread's CPU time so far.
fn thread_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec to write to; CLOCK_THREAD_CPUTIME_ID exists on Linux.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(r, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn parse(args: &[String]) -> Result<(usize, Workload, usize), String> {
    let usage = "usage: native_cpu NODES,BATCH,SIZE REPS TOTAL";
    let [cell, reps, total] = args else {
        return Err(usage.into());
    };
    let num = |what: &str, v: &str| {
        v.parse::<u64>().ok().filter(|&n| n >= 1).ok_or(format!(
            "{what} must be a whole number of at least 1, not {v:?} ({usage})"
        ))
    };
    let parts: Vec<u64> = cell
        .split(',')
        .map(|x| num("NODES, BATCH and SIZE", x))
        .collect::<Result<_, _>>()?;
    let [nodes, batch, size] = parts[..] else {
        return Err(format!("{cell:?} is not NODES,BATCH,SIZE ({usage})"));
    };
    let (nodes, work) = raftlab_bench_wasm::workload(
        nodes as f64,
        batch as f64,
        size as f64,
        num("TOTAL", total)? as f64,
    )?;
    Ok((nodes, work, num("REPS", reps)? as usize))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (nodes, work, reps) = match parse(&args) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("native_cpu: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut per_s = [Vec::new(), Vec::new()];
    for _ in 0..reps {
        for (k, core) in [Core::Raftlab, Core::RaftRs].into_iter().enumerate() {
            let start = thread_cpu();
            if let Err(e) = run_core_once(core, nodes, work, &thread_cpu) {
                eprintln!("native_cpu: {e}");
                return ExitCode::FAILURE;
            }
            let spent = thread_cpu().saturating_sub(start).as_secs_f64();
            per_s[k].push(work.total as f64 / spent.max(1e-9));
        }
    }
    let [ours, theirs] = per_s;
    println!(
        "{}",
        matrix::json(nodes, work, median(ours), median(theirs))
    );
    ExitCode::SUCCESS
}
