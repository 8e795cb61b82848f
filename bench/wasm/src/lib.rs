//! raftlab-bench's harness in the browser: `run_cell(nodes, batch, size, total)` runs one cell
//! once on each core (raftlab first, then raft-rs), timed by `performance.now()`, and returns
//! the cell as the native `--json` prints it. `scripts/bench-chrome.mjs` calls it for every
//! cell of the matrix (`cells()`), several times, and takes the median. `run_core` runs one
//! core once, for a caller that times the whole call by CPU time (the script's default
//! `--clock cpu`: Chrome's main-thread time; natively, examples/native_cpu.rs).

use raftlab_bench::harness::{run_timed, Clock, Workload};
use raftlab_bench::matrix;
use raftlab_bench::raft_rs::RaftRsCluster;
use raftlab_bench::raftlab::RaftlabCluster;
use std::time::Duration;
use wasm_bindgen::prelude::*;

/// Nodes in a cluster: the simulator's bound.
pub const NODES_MAX: u64 = raftlab::sim::NODES_MAX as u64;
/// Proposals per round.
pub const BATCH_MAX: u64 = 4_096;
/// Bytes per command.
pub const SIZE_MAX: u64 = 64 * 1024;
/// Bytes proposed per round (`batch × size`): a node holds up to `COMPACT_EVERY_ROUNDS` rounds
/// of them between compactions, in a 4 GiB address space.
pub const BATCH_BYTES_MAX: u64 = 4 * 1024 * 1024;
/// Entries per run.
pub const TOTAL_MAX: u64 = 1 << 22;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

fn now() -> Duration {
    // performance.now() is milliseconds since the page's time origin, never negative.
    Duration::from_secs_f64(performance_now().max(0.0) / 1_000.0)
}

/// `x` as a whole number in `min..=max`, or an error naming `what`.
fn whole(what: &str, x: f64, min: u64, max: u64) -> Result<u64, String> {
    if x.fract() != 0.0 || !(min as f64..=max as f64).contains(&x) {
        return Err(format!(
            "{what} must be a whole number from {min} to {max}, not {x}"
        ));
    }
    Ok(x as u64)
}

/// The cell's workload from JS numbers, checked.
pub fn workload(
    nodes: f64,
    batch: f64,
    size: f64,
    total: f64,
) -> Result<(usize, Workload), String> {
    let nodes = whole("nodes", nodes, 1, NODES_MAX)?;
    let batch = whole("batch", batch, 1, BATCH_MAX)?;
    let size = whole("size", size, 1, SIZE_MAX)?;
    let total = whole("total", total, 1, TOTAL_MAX)?;
    if batch * size > BATCH_BYTES_MAX {
        return Err(format!(
            "batch × size is {} bytes, more than BATCH_BYTES_MAX ({BATCH_BYTES_MAX})",
            batch * size
        ));
    }
    let work = Workload {
        batch: batch as usize,
        size: size as usize,
        total,
    };
    Ok((nodes as usize, work))
}

/// One run of the cell on each core: `{"nodes":…,"batch":…,"size":…,"raftlab_per_s":…,
/// "raft_rs_per_s":…,"ratio":…}`. Throws on arguments out of range or a run that fails the
/// harness's end check.
#[wasm_bindgen]
pub fn run_cell(nodes: f64, batch: f64, size: f64, total: f64) -> Result<String, JsError> {
    let (nodes, work) = workload(nodes, batch, size, total).map_err(|e| JsError::new(&e))?;
    let (ours, theirs) = matrix::measure_once(nodes, work, &now).map_err(|e| JsError::new(&e))?;
    Ok(matrix::json(nodes, work, ours, theirs))
}

/// One of the two cores behind the harness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Core {
    Raftlab,
    RaftRs,
}

impl Core {
    /// `"raftlab"` or `"raft-rs"`, as the JSON and the table name them.
    pub fn parse(name: &str) -> Result<Core, String> {
        match name {
            "raftlab" => Ok(Core::Raftlab),
            "raft-rs" => Ok(Core::RaftRs),
            other => Err(format!(
                "core must be \"raftlab\" or \"raft-rs\", not {other:?}"
            )),
        }
    }
}

/// One whole run of `work` on `nodes` nodes of `core`: the cluster built, elected, driven to
/// `total` entries, checked and dropped; what a caller timing the call by CPU time measures
/// (the same span natively and in Chrome). Returns the entries per second of the harness's own
/// timed span, by `now`.
pub fn run_core_once(core: Core, nodes: usize, work: Workload, now: Clock) -> Result<f64, String> {
    let cell = match core {
        Core::Raftlab => run_timed(&mut RaftlabCluster::new(nodes, work.size), work, now),
        Core::RaftRs => run_timed(&mut RaftRsCluster::new(nodes, work.size), work, now),
    };
    cell.map(|c| c.per_s())
        .map_err(|e| format!("{core:?}: {e}"))
}

/// One run of the cell on `core` (`"raftlab"` or `"raft-rs"`): the harness's entries per
/// second by `performance.now()`. The caller times the call itself by CPU time (bench-chrome's
/// `--clock cpu`). Throws as `run_cell` does, and on an unknown core.
#[wasm_bindgen]
pub fn run_core(core: &str, nodes: f64, batch: f64, size: f64, total: f64) -> Result<f64, JsError> {
    let core = Core::parse(core).map_err(|e| JsError::new(&e))?;
    let (nodes, work) = workload(nodes, batch, size, total).map_err(|e| JsError::new(&e))?;
    run_core_once(core, nodes, work, &now).map_err(|e| JsError::new(&e))
}

/// The matrix, as `[[nodes, batch, size], …]` in JSON, in the order the native bench prints it.
#[wasm_bindgen]
pub fn cells() -> String {
    let cells: Vec<String> = matrix::cells()
        .map(|(n, b, s)| format!("[{n},{b},{s}]"))
        .collect();
    format!("[{}]", cells.join(","))
}

/// Repetitions per cell and entries per run of the native bench, as `[reps, total]`.
#[wasm_bindgen]
pub fn defaults() -> Vec<f64> {
    vec![matrix::REPS_DEFAULT as f64, matrix::TOTAL_DEFAULT as f64]
}
