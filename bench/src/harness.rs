//! The loop both cores go through, and the check that ends every run.

use std::time::{Duration, Instant};

/// One implementation behind the harness: a cluster of `nodes` in-memory nodes.
pub trait Cluster {
    /// Elect node 0 (the first node) leader and deliver until quiet. Not timed.
    fn elect(&mut self);
    /// Give the leader `command` as a new proposal.
    fn propose(&mut self, command: Vec<u8>);
    /// Deliver messages, in FIFO order, handling each node's output as it is produced, until
    /// no message is left.
    fn deliver_until_quiet(&mut self);
    /// Entries applied on the leader so far.
    fn leader_applied(&self) -> u64;
    /// Compact every node's log up to what it applied (every `COMPACT_EVERY_ROUNDS` rounds).
    fn compact(&mut self);
    /// Tell the followers the leader's commitIndex (a heartbeat round) and deliver until quiet.
    fn flush_commit(&mut self);
    /// Commands applied per node, as counted by `Applied`.
    fn applied(&self) -> Vec<&Applied>;
}

/// Rounds between two compactions of every node's log (memory stays bounded).
pub const COMPACT_EVERY_ROUNDS: u64 = 4;

/// A workload: `total` entries proposed in rounds of `batch`, each `size` bytes.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    pub batch: usize,
    pub size: usize,
    pub total: u64,
}

/// The `seq`-th command (0-based) of `size` bytes: its first 8 bytes are `seq` (little
/// endian, so the check can tell order), the rest a filler.
pub fn command(seq: u64, size: usize) -> Vec<u8> {
    let mut c = vec![0xA5u8; size.max(8)];
    c[..8].copy_from_slice(&seq.to_le_bytes());
    c
}

/// What one node applied: each command must be the next in sequence, of the right size.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    pub count: u64,
    /// The first command that came out of order or with the wrong size, if any.
    pub wrong: Option<(u64, usize)>,
}

impl Applied {
    pub fn apply(&mut self, command: &[u8], size: usize) {
        let seq = command
            .get(..8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")));
        if seq != Some(self.count) || command.len() != size.max(8) {
            self.wrong.get_or_insert((self.count, command.len()));
        }
        self.count += 1;
    }
}

/// The result of one run of one cell on one implementation.
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    pub applied: u64,
    pub elapsed: Duration,
}

impl Cell {
    pub fn per_s(&self) -> f64 {
        self.applied as f64 / self.elapsed.as_secs_f64()
    }
}

/// Run `work` on `cluster`: elect (untimed), then propose in rounds until `total` entries are
/// applied on the leader (timed), then check every node applied every entry in order.
pub fn run(cluster: &mut dyn Cluster, work: Workload) -> Result<Cell, String> {
    cluster.elect();
    let mut proposed = 0u64;
    let mut round = 0u64;
    let start = Instant::now();
    while cluster.leader_applied() < work.total {
        let n = (work.batch as u64).min(work.total - proposed);
        if n == 0 {
            return Err(format!(
                "all {} entries proposed but the leader applied only {}",
                work.total,
                cluster.leader_applied()
            ));
        }
        for _ in 0..n {
            cluster.propose(command(proposed, work.size));
            proposed += 1;
        }
        cluster.deliver_until_quiet();
        round += 1;
        if round.is_multiple_of(COMPACT_EVERY_ROUNDS) {
            cluster.compact();
        }
    }
    let elapsed = start.elapsed();
    cluster.flush_commit();
    for (node, applied) in cluster.applied().into_iter().enumerate() {
        if let Some((seq, len)) = applied.wrong {
            return Err(format!(
                "node {node} applied command {seq} out of order or with {len} bytes"
            ));
        }
        if applied.count != work.total {
            return Err(format!(
                "node {node} applied {} of {} entries",
                applied.count, work.total
            ));
        }
    }
    Ok(Cell {
        applied: work.total,
        elapsed,
    })
}

/// Median of `xs` (which must not be empty).
pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}
