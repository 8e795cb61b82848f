//! Time the check of a history file, without reading and parsing it:
//!
//!   cargo run --release -p raftlab-lincheck --example time_check -- FILE [kv|register] [REPEATS]
//!
//! Prints the verdict and the fastest of REPEATS (default 5) checks.

use raftlab_lincheck::jsonl::{parse_kv, parse_register};
use raftlab_lincheck::kv::Kv;
use raftlab_lincheck::register::Register;
use raftlab_lincheck::report::verdict_word;
use raftlab_lincheck::{check, Model, Operation, Options, Unlimited};
use std::time::{Duration, Instant};

fn time<M: Model>(
    model: &M,
    history: &[Operation<M::Input, M::Output>],
    repeats: u32,
) -> (String, Duration, u64) {
    let mut best = Duration::MAX;
    let mut verdict = String::new();
    let mut steps = 0;
    for _ in 0..repeats {
        let t = Instant::now();
        let report =
            check(model, history, &mut Unlimited, &Options::default()).expect("a valid history");
        best = best.min(t.elapsed());
        verdict = verdict_word(report.verdict).into();
        steps = report.partitions.iter().map(|p| p.steps).sum();
    }
    (verdict, best, steps)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = &args[0];
    let repeats = args
        .get(2)
        .map_or(5, |s| s.parse().expect("REPEATS: a number"));
    let text = std::fs::read_to_string(file).expect("readable FILE");
    let (n, (verdict, best, steps)) = if args.get(1).is_some_and(|m| m == "register") {
        let p = parse_register(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        (p.history.len(), time(&Register, &p.history, repeats))
    } else {
        let p = parse_kv(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        (p.history.len(), time(&Kv, &p.history, repeats))
    };
    println!(
        "{file} {n} ops: {verdict}, best of {repeats}: {:.3} ms ({steps} steps)",
        best.as_secs_f64() * 1e3
    );
}
