//! `cargo run --release -p raftlab-lab3 --bin op-latency -- FILE.json...` replays each run file
//! (a Lab 4 run, as `lab3-run` writes them) and prints its key/value operations' latency in
//! virtual ms (call to return): count, median, p90, max. README "Performance" quotes it for
//! TestConcurrent4A before and after the leader's in-flight cap.

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: op-latency FILE.json...");
        std::process::exit(2);
    }
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            eprintln!("op-latency: {path}: {e}");
            std::process::exit(1)
        });
        let file = raftlab_session::RunFile::read(&text).unwrap_or_else(|e| {
            eprintln!("op-latency: {path}: {e}");
            std::process::exit(1)
        });
        let end = file.end.unwrap_or_else(|| {
            file.run
                .inputs
                .last()
                .map_or_else(Default::default, |(at, _)| *at)
        });
        let sim = file.run.replay_to(end).unwrap_or_else(|e| {
            eprintln!("op-latency: {path}: {e}");
            std::process::exit(1)
        });
        let mut ms: Vec<u64> = sim
            .kv_history()
            .iter()
            .filter_map(|op| Some(op.return_ms? - op.call_ms))
            .collect();
        ms.sort_unstable();
        if ms.is_empty() {
            println!("{path}: no operation returned");
            continue;
        }
        let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
        println!(
            "{path}: {} operations, latency median {} ms, p90 {} ms, max {} ms (cap {:?})",
            ms.len(),
            at(0.5),
            at(0.9),
            ms[ms.len() - 1],
            file.run.config.timing.append_entries_in_flight_max
        );
        let buckets = [0, 10, 50, 90, 110, 200, u64::MAX];
        let counts: Vec<String> = buckets
            .windows(2)
            .map(|w| {
                let n = ms.iter().filter(|&&m| m >= w[0] && m < w[1]).count();
                format!(
                    "[{}, {}): {n}",
                    w[0],
                    if w[1] == u64::MAX {
                        "inf".into()
                    } else {
                        w[1].to_string()
                    }
                )
            })
            .collect();
        println!("  by latency (ms): {}", counts.join(", "));
        if let Ok(slow_ms) = std::env::var("OP_LATENCY_TRACE_MS") {
            // Diagnostics: the events during the first operation at least this slow.
            let slow_ms: u64 = slow_ms.parse().expect("OP_LATENCY_TRACE_MS: a number");
            let Some(op) = sim.kv_history().iter().find(|op| {
                op.op_id > 20 && op.return_ms.is_some_and(|r| r - op.call_ms >= slow_ms)
            }) else {
                continue;
            };
            println!(
                "  op {} of C{}: {:?}, {}..{} ms",
                op.op_id,
                op.client,
                op.op,
                op.call_ms,
                op.return_ms.unwrap()
            );
            let (from, to) = (op.call_ms, op.return_ms.unwrap());
            let mut sim = file
                .run
                .replay_until(from.saturating_sub(1))
                .expect("valid run");
            sim.drain_events();
            sim.run_until(to);
            for e in sim.drain_events() {
                println!("  {:>6} {:?}", e.time_ms, e.kind);
            }
        }
    }
}
