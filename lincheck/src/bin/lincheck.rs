//! `lincheck FILE [--model kv|register] [--timeout-ms N]`: is the history in FILE (JSON
//! lines, see `raftlab_lincheck::jsonl`) linearizable?
//!
//! Prints `linearizable`, `not linearizable` or `unknown` (the time ran out), then the
//! report, and exits 0, 1 or 2 accordingly; 3 when the file cannot be read or has a bad line
//! (the error names the line), 4 for a bad command line.

use raftlab_lincheck::jsonl::{self, ParseError, Parsed};
use raftlab_lincheck::kv::Kv;
use raftlab_lincheck::register::Register;
use raftlab_lincheck::report::Text;
use raftlab_lincheck::{check, Model, Options, Verdict};
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The largest history file read.
const HISTORY_FILE_BYTES_MAX: u64 = 1 << 30;

const EXIT_BAD_FILE: u8 = 3;
const EXIT_USAGE: u8 = 4;

const USAGE: &str = "usage: lincheck FILE [--model kv|register] [--timeout-ms N]";

struct Args {
    file: String,
    model: String,
    timeout: Option<Duration>,
}

fn args() -> Result<Args, String> {
    let mut file = None;
    let mut model = String::from("kv");
    let mut timeout = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--model" => model = it.next().ok_or("--model needs kv or register")?,
            "--timeout-ms" => {
                let n = it.next().ok_or("--timeout-ms needs a number")?;
                let ms: u64 = n
                    .parse()
                    .map_err(|_| format!("--timeout-ms {n:?}: not a non-negative integer"))?;
                timeout = Some(Duration::from_millis(ms));
            }
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown option {s:?}")),
            _ if file.is_some() => return Err(format!("more than one FILE ({arg:?})")),
            _ => file = Some(arg),
        }
    }
    if model != "kv" && model != "register" {
        return Err(format!("--model {model:?}: kv or register"));
    }
    Ok(Args {
        file: file.ok_or("no FILE given")?,
        model,
        timeout,
    })
}

fn run<M: Model>(
    model: &M,
    parsed: Result<Parsed<M::Input, M::Output>, ParseError>,
    args: &Args,
    t0: Instant,
) -> ExitCode {
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => {
            eprintln!("lincheck: {}: {e}", args.file);
            return ExitCode::from(EXIT_BAD_FILE);
        }
    };
    let parse_ms = t0.elapsed().as_secs_f64() * 1e3;
    let t1 = Instant::now();
    let deadline = args.timeout.and_then(|d| t1.checked_add(d));
    let mut budget = |_steps: u64| deadline.is_none_or(|d| Instant::now() < d);
    let report = match check(model, &parsed.history, &mut budget, &Options::default()) {
        Ok(r) => r,
        Err(e) => {
            // The reader already refuses what `check` refuses; name the line anyway.
            eprintln!("lincheck: {}: {e}", args.file);
            return ExitCode::from(EXIT_BAD_FILE);
        }
    };
    let check_ms = t1.elapsed().as_secs_f64() * 1e3;
    let lines = &parsed.lines;
    let label = |i: usize| format!("line {}", lines[i]);
    let text = Text {
        model,
        history: &parsed.history,
        report: &report,
        label: &label,
    };
    let out = format!("{text}time: read {parse_ms:.1} ms, check {check_ms:.1} ms\n");
    // A closed pipe (`lincheck f | head`) is no reason to panic; the exit code stands.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    ExitCode::from(match report.verdict {
        Verdict::Linearizable => 0,
        Verdict::NotLinearizable => 1,
        Verdict::Unknown => 2,
    })
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("lincheck: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let t0 = Instant::now();
    let text = match std::fs::metadata(&args.file) {
        Ok(m) if m.len() > HISTORY_FILE_BYTES_MAX => Err(format!(
            "{} bytes: more than HISTORY_FILE_BYTES_MAX ({HISTORY_FILE_BYTES_MAX})",
            m.len()
        )),
        Ok(_) => std::fs::read_to_string(&args.file).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            eprintln!("lincheck: {}: {e}", args.file);
            return ExitCode::from(EXIT_BAD_FILE);
        }
    };
    if args.model == "kv" {
        run(&Kv, jsonl::parse_kv(&text), &args, t0)
    } else {
        run(&Register, jsonl::parse_register(&text), &args, t0)
    }
}
