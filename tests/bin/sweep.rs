//! `cargo run --release -p raftlab-lab3 --bin sweep -- --seeds 1000 [--from 1] [--threads 2]` runs the
//! randomized safety sweep over many seeds with a progress bar and prints each failing seed;
//! `--seed N` replays one seed and prints its full report (and checks that its recorded
//! inputs replay to the same trace).

use indicatif::{ProgressBar, ProgressStyle};

fn arg(args: &[String], name: &str) -> Option<u64> {
    let i = args.iter().position(|a| a == name)?;
    let value = args
        .get(i + 1)
        .unwrap_or_else(|| panic!("{name} needs a number"));
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name} needs a number, got {value:?}")),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(seed) = arg(&args, "--seed") {
        match raftlab_lab3::run(seed) {
            Ok(o) => {
                println!(
                    "seed {seed}: ok ({} nodes, {} entries committed, {} events, {} inputs)",
                    o.nodes,
                    o.commits,
                    o.events,
                    o.run.inputs.len()
                );
                let replayed = o.run.replay_to(o.end).map(|sim| sim.trace_digest());
                if replayed != Ok(o.trace_digest) {
                    println!("but its inputs replay to another trace: {replayed:?}");
                    std::process::exit(1);
                }
            }
            Err(report) => {
                println!("{report}");
                std::process::exit(1);
            }
        }
        return;
    }
    let count = arg(&args, "--seeds").unwrap_or(100);
    let from = arg(&args, "--from").unwrap_or(1);
    let bar = ProgressBar::new(count);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} seeds, {msg} [{elapsed} / ~{eta}]")
            .expect("template"),
    );
    // Seeds run in parallel on `--threads` threads (default 1), each taking the next seed.
    let threads = arg(&args, "--threads").unwrap_or(1).clamp(1, 64);
    let next = std::sync::atomic::AtomicU64::new(from);
    let failed = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let seed = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if seed >= from + count {
                    return;
                }
                if let Err(report) = raftlab_lab3::run(seed) {
                    bar.println(report.lines().next().unwrap_or_default());
                    bar.println(format!("  replay: {}", raftlab_lab3::replay_command(seed)));
                    failed
                        .lock()
                        .expect("no thread panics holding it")
                        .push(seed);
                }
                bar.set_message(format!(
                    "{} failed",
                    failed.lock().expect("not poisoned").len()
                ));
                bar.inc(1);
            });
        }
    });
    let mut failed = failed.into_inner().expect("not poisoned");
    failed.sort_unstable();
    bar.finish();
    println!(
        "{} passed, {} failed",
        count - failed.len() as u64,
        failed.len()
    );
    if !failed.is_empty() {
        println!("failing seeds: {failed:?}");
        std::process::exit(1);
    }
}
