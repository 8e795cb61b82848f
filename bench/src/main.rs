//! `cargo run --release -p raftlab-bench` prints the matrix (nodes × batch × size) with
//! raftlab's and raft-rs's committed entries per second and their ratio, each the median of
//! `--reps` runs; `--json` prints one JSON object per cell instead. `--scaling` prints the
//! simulator's cost per event against the entries each node holds. `--cell NODES,BATCH,SIZE`
//! runs that one cell of the matrix only (scripts/bench-chrome.mjs runs each cell natively
//! right before it times it in Chrome, so both see the same load). `--in-flight-max N|none`
//! sets raftlab's cap on AppendEntries in flight per follower (default: the core's,
//! `APPEND_ENTRIES_IN_FLIGHT_MAX`), as the cap was chosen by.

use raftlab_bench::harness::{median, Workload};
use raftlab_bench::matrix::{cells, json, measure_once_with, REPS_DEFAULT, TOTAL_DEFAULT};
use std::time::Instant;

struct Args {
    json: bool,
    scaling: bool,
    reps: usize,
    total: u64,
    /// `--cell`: only this (nodes, batch, size).
    cell: Option<(usize, usize, usize)>,
    /// `--in-flight-max`: raftlab's cap (None: no cap).
    in_flight_max: Option<u32>,
}

/// "NODES,BATCH,SIZE" as a cell of the matrix, or what is wrong with it.
fn parse_cell(v: &str) -> Result<(usize, usize, usize), String> {
    let n: Vec<usize> = v
        .split(',')
        .map(|x| {
            x.trim()
                .parse()
                .map_err(|_| format!("--cell {v}: {x:?} is not a number"))
        })
        .collect::<Result<_, _>>()?;
    match n[..] {
        [nodes, batch, size] if cells().any(|c| c == (nodes, batch, size)) => {
            Ok((nodes, batch, size))
        }
        _ => Err(format!(
            "--cell {v}: not a cell of the matrix (NODES,BATCH,SIZE, e.g. 5,64,16)"
        )),
    }
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        json: false,
        scaling: false,
        reps: REPS_DEFAULT,
        total: TOTAL_DEFAULT,
        cell: None,
        in_flight_max: raftlab::core::Timing::LAB.append_entries_in_flight_max,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => args.json = true,
            "--scaling" => args.scaling = true,
            "--cell" => {
                let v = it.next().ok_or("--cell needs NODES,BATCH,SIZE")?;
                args.cell = Some(parse_cell(&v)?);
            }
            "--in-flight-max" => {
                let v = it.next().ok_or("--in-flight-max needs N or none")?;
                let limit = raftlab::core::APPEND_ENTRIES_IN_FLIGHT_MAX_LIMIT;
                args.in_flight_max = match v.as_str() {
                    "none" => None,
                    n => match n.parse::<u32>() {
                        Ok(n) if (1..=limit).contains(&n) => Some(n),
                        _ => return Err(format!("--in-flight-max {v}: 1..{limit} or none")),
                    },
                };
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
                    "unknown argument {other} (try --json, --scaling, --reps N, --total N, --cell NODES,BATCH,SIZE, --in-flight-max N|none)"
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
    let origin = Instant::now();
    let now = || origin.elapsed();
    for (nodes, batch, size) in cells().filter(|&c| args.cell.is_none_or(|only| only == c)) {
        let work = Workload {
            batch,
            size,
            total: args.total,
        };
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..args.reps {
            match measure_once_with(nodes, work, &now, args.in_flight_max) {
                Ok((a, b)) => {
                    ours.push(a);
                    theirs.push(b);
                }
                Err(e) => {
                    eprintln!("raftlab-bench: a run failed its check: {e}");
                    std::process::exit(1);
                }
            }
        }
        let (ours, theirs) = (median(ours), median(theirs));
        if args.json {
            println!("{}", json(nodes, work, ours, theirs));
        } else {
            let ratio = ours / theirs;
            println!("{nodes:>5} {batch:>6} {size:>6} {ours:>14.0} {theirs:>14.0} {ratio:>7.2}");
        }
    }
}
