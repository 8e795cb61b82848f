//! `cargo run --release -p raftlab-bench` prints the matrix (nodes × batch × size) with
//! raftlab's and raft-rs's committed entries per second and their ratio, each the median of
//! `--reps` runs; `--json` prints one JSON object per cell instead. `--scaling` prints the
//! simulator's cost per event against the entries each node holds. `--cell N,B,S` runs the
//! one cell of N nodes, batch B and size S (for profiling).

use raftlab_bench::harness::{median, run, Cluster, Workload};
use raftlab_bench::raft_rs::RaftRsCluster;
use raftlab_bench::raftlab::RaftlabCluster;

const NODES: [usize; 2] = [3, 5];
const BATCHES: [usize; 3] = [1, 64, 1024];
const SIZES: [usize; 3] = [16, 128, 1024];

struct Args {
    json: bool,
    scaling: bool,
    reps: usize,
    total: u64,
    /// Only this (nodes, batch, size) cell.
    cell: Option<(usize, usize, usize)>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        json: false,
        scaling: false,
        reps: 5,
        total: 16_384,
        cell: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => args.json = true,
            "--scaling" => args.scaling = true,
            "--cell" => {
                let v = it.next().ok_or("--cell needs N,B,S")?;
                let n: Vec<usize> = v
                    .split(',')
                    .map(|x| x.parse().map_err(|_| format!("--cell {v}: not N,B,S")))
                    .collect::<Result<_, _>>()?;
                match n[..] {
                    [nodes, batch, size] if nodes > 0 && batch > 0 && size > 0 => {
                        args.cell = Some((nodes, batch, size))
                    }
                    _ => return Err(format!("--cell {v}: not N,B,S (each at least 1)")),
                }
            }
            "--reps" | "--total" => {
                let v = it.next().ok_or(format!("{a} needs a number"))?;
                let n: u64 = v.parse().map_err(|_| format!("{a} {v}: not a number"))?;
                if n == 0 {
                    return Err(format!("{a} must be at least 1"));
                }
                if a == "--reps" {
                    args.reps = n as usize;
                } else {
                    args.total = n;
                }
            }
            other => {
                return Err(format!(
                    "unknown argument {other} (try --json, --scaling, --reps N, --total N, --cell N,B,S)"
                ))
            }
        }
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("raftlab-bench: {e}");
            std::process::exit(2);
        }
    };
    if args.scaling {
        raftlab_bench::scaling::print(args.reps);
        return;
    }
    if !args.json {
        println!(
            "committed entries per second on the leader, median of {} runs of {} entries",
            args.reps, args.total
        );
        println!(
            "{:>5} {:>6} {:>6} {:>14} {:>14} {:>7}",
            "nodes", "batch", "size", "raftlab/s", "raft-rs/s", "ratio"
        );
    }
    let cells: Vec<(usize, usize, usize)> = match args.cell {
        Some(cell) => vec![cell],
        None => NODES
            .iter()
            .flat_map(|&n| BATCHES.iter().flat_map(move |&b| SIZES.map(|s| (n, b, s))))
            .collect(),
    };
    for (nodes, batch, size) in cells {
        let work = Workload {
            batch,
            size,
            total: args.total,
        };
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        // Alternate the two, so a change in the machine's load hits both alike.
        for _ in 0..args.reps {
            ours.push(measure(&mut RaftlabCluster::new(nodes, size), work));
            theirs.push(measure(&mut RaftRsCluster::new(nodes, size), work));
        }
        let (ours, theirs) = (median(ours), median(theirs));
        let ratio = ours / theirs;
        if args.json {
            println!(
                "{{\"nodes\":{nodes},\"batch\":{batch},\"size\":{size},\"raftlab_per_s\":{ours:.0},\"raft_rs_per_s\":{theirs:.0},\"ratio\":{ratio:.3}}}"
            );
        } else {
            println!("{nodes:>5} {batch:>6} {size:>6} {ours:>14.0} {theirs:>14.0} {ratio:>7.2}");
        }
    }
}

fn measure(cluster: &mut dyn Cluster, work: Workload) -> f64 {
    match run(cluster, work) {
        Ok(cell) => cell.per_s(),
        Err(e) => {
            eprintln!("raftlab-bench: a run failed its check: {e}");
            std::process::exit(1);
        }
    }
}
