//! The cells every bench prints (natively and in Chrome) and one measurement of a cell: each
//! implementation run once, raftlab first, so repetitions alternate the two and a change in
//! the machine's load hits both alike.

use crate::harness::{run_timed, Clock, Cluster, Workload};
use crate::raft_rs::RaftRsCluster;
use crate::raftlab::RaftlabCluster;

pub const NODES: [usize; 2] = [3, 5];
pub const BATCHES: [usize; 3] = [1, 64, 1024];
pub const SIZES: [usize; 3] = [16, 128, 1024];

/// Repetitions per cell (the median is reported) and entries per run, unless told otherwise.
pub const REPS_DEFAULT: usize = 5;
pub const TOTAL_DEFAULT: u64 = 16_384;

/// The matrix, in the order it is printed: (nodes, batch, size).
pub fn cells() -> impl Iterator<Item = (usize, usize, usize)> {
    NODES.into_iter().flat_map(|nodes| {
        BATCHES
            .into_iter()
            .flat_map(move |batch| SIZES.into_iter().map(move |size| (nodes, batch, size)))
    })
}

/// One run of `work` on `nodes` nodes of each implementation: (raftlab, raft-rs) committed
/// entries per second on the leader, timed by `now`.
pub fn measure_once(nodes: usize, work: Workload, now: Clock) -> Result<(f64, f64), String> {
    let cap = raftlab::core::Timing::LAB.append_entries_in_flight_max;
    measure_once_with(nodes, work, now, cap)
}

/// As `measure_once`, raftlab's leader capping AppendEntries in flight at `cap` (None: none).
pub fn measure_once_with(
    nodes: usize,
    work: Workload,
    now: Clock,
    cap: Option<u32>,
) -> Result<(f64, f64), String> {
    let ours = per_s(
        &mut RaftlabCluster::with_in_flight_max(nodes, work.size, cap),
        work,
        now,
    )
    .map_err(|e| format!("raftlab: {e}"))?;
    let theirs = per_s(&mut RaftRsCluster::new(nodes, work.size), work, now)
        .map_err(|e| format!("raft-rs: {e}"))?;
    Ok((ours, theirs))
}

fn per_s(cluster: &mut dyn Cluster, work: Workload, now: Clock) -> Result<f64, String> {
    let cell = run_timed(cluster, work, now)?;
    if cell.elapsed.is_zero() {
        return Err(format!(
            "{} entries took no measurable time (give a larger total)",
            work.total
        ));
    }
    Ok(cell.per_s())
}

/// A cell as one JSON object, as `--json` prints it and the browser build returns it:
/// `{"nodes":5,"batch":64,"size":16,"raftlab_per_s":…,"raft_rs_per_s":…,"ratio":…}`.
pub fn json(nodes: usize, work: Workload, raftlab_per_s: f64, raft_rs_per_s: f64) -> String {
    let (batch, size) = (work.batch, work.size);
    let ratio = raftlab_per_s / raft_rs_per_s;
    format!(
        "{{\"nodes\":{nodes},\"batch\":{batch},\"size\":{size},\"raftlab_per_s\":{raftlab_per_s:.0},\"raft_rs_per_s\":{raft_rs_per_s:.0},\"ratio\":{ratio:.3}}}"
    )
}
