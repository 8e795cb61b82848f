//! Export a Lab 3 or Lab 4 test at a seed as a run file the page plays (JSON on stdout), or
//! all 28 Lab 3 tests (or all 23 Lab 4 tests) into a directory with an index:
//!
//! ```sh
//! cargo run -p raftlab-lab3 --bin lab3-run -- TestFigure8Unreliable3C --seed 1 > figure8.json
//! cargo run --release -p raftlab-lab3 --bin lab3-run -- --all web/public/runs --lab all --seed 1
//! cargo run --release -p raftlab-lab3 --bin lab3-run -- TestBasic4A --seed 1 > basic4a.json
//! cargo run --release -p raftlab-lab3 --bin lab3-run -- --all runs4 --lab 4 --seed 1
//! ```
//!
//! The tester's own lines (`... Passed --`) go to stderr.

#[path = "../lab3_runs.rs"]
mod lab3_runs;

use lab3_runs::{find, record, run_file, LabTest, LAB3_TESTS, LAB4_TESTS};
use raftlab::kv::Op;
use raftlab_session::RunFile;
use std::process::ExitCode;

const USAGE: &str = "usage: lab3-run <TestName> [--seed N]   (the run file on stdout)
       lab3-run <TestName> [--seed N] --history FILE
                 (a Lab 4 test's Clerk operations as JSON lines, for the lincheck command)
       lab3-run --all <dir> [--lab 3|4|all] [--seed N]
                 (all 28 Lab 3 tests, the 23 Lab 4 ones, or all 51, as <dir>/<TestName>.json, and <dir>/index.json)
       lab3-run --list
test names are the Go names (TestFigure8Unreliable3C, TestBasic4A); the seed defaults to 1";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lab3-run: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut seed = 1;
    let mut tests: Vec<&LabTest> = LAB3_TESTS.iter().collect();
    let mut all = None;
    let mut history = None;
    let mut test = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => {
                let value = args.next().ok_or("--seed needs a number")?;
                seed = value
                    .parse()
                    .map_err(|_| format!("--seed {value:?} is not a non-negative integer"))?;
            }
            "--all" => all = Some(args.next().ok_or("--all needs a directory")?),
            "--history" => history = Some(args.next().ok_or("--history needs a file")?),
            "--lab" => {
                tests = match args.next().as_deref() {
                    Some("3") => LAB3_TESTS.iter().collect(),
                    Some("4") => LAB4_TESTS.iter().collect(),
                    Some("all") => LAB3_TESTS.iter().chain(LAB4_TESTS).collect(),
                    _ => return Err("--lab needs 3, 4 or all".into()),
                }
            }
            "--list" => {
                LAB3_TESTS
                    .iter()
                    .chain(LAB4_TESTS)
                    .for_each(|t| println!("{}", t.go_name));
                return Ok(());
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            name if !name.starts_with('-') && test.is_none() => test = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}\n{USAGE}")),
        }
    }
    raftlab::lab::report_to_stderr(true);
    match (all, test) {
        (Some(dir), None) => export_all(&tests, &dir, seed),
        (None, Some(name)) => {
            let test = find(&name).ok_or_else(|| {
                format!("no Lab 3 or Lab 4 test is named {name:?} (lab3-run --list lists them)")
            })?;
            let file = run_file(test, record(test, seed)?);
            match history {
                None => print!("{}", file.write()),
                Some(path) => write_history(&file, &path)?,
            }
            Ok(())
        }
        _ => Err(USAGE.into()),
    }
}

/// All of `tests` at `seed` into `dir`, and `dir/index.json`: `{"seed": 1, "runs": [{"test":
/// "TestInitialElection3A", "file": "TestInitialElection3A.json", "title": ...}, ...]}`.
fn export_all(tests: &[&LabTest], dir: &str, seed: u64) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {dir}: {e}"))?;
    let mut index = Vec::new();
    for test in tests {
        let file = run_file(test, record(test, seed)?);
        let name = format!("{}.json", test.go_name);
        let path = std::path::Path::new(dir).join(&name);
        std::fs::write(&path, file.write())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        index.push(format!(
            "    {{\"test\": \"{}\", \"file\": \"{name}\", \"inputs\": {}, \"endMs\": {}, \"title\": {}}}",
            test.go_name,
            file.run.inputs.len(),
            file.end.map_or(0, |e| e.at_ms),
            json_string(file.title.as_deref().unwrap_or(""))
        ));
    }
    let index = format!(
        "{{\n  \"format\": \"raftlab-run-index\",\n  \"seed\": {seed},\n  \"runs\": [\n{}\n  ]\n}}\n",
        index.join(",\n")
    );
    let path = std::path::Path::new(dir).join("index.json");
    std::fs::write(&path, index).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The run's Clerk operations (replayed from its inputs) as lincheck's JSON lines:
/// `{"client": 1, "call": 10, "return": 20, "op": "get", "key": "k", "output": "xy"}`, times
/// in virtual ms, `"return": null` for an operation that never returned.
fn write_history(file: &RunFile, path: &str) -> Result<(), String> {
    let end = file.end.ok_or("the run has no end")?;
    let sim = file.run.replay_to(end).map_err(|e| e.to_string())?;
    let mut out = String::new();
    for h in sim.kv_history() {
        let (op, key, value) = match &h.op {
            Op::Get { key } => ("get", key, None),
            Op::Put { key, value } => ("put", key, Some(value)),
            Op::Append { key, value } => ("append", key, Some(value)),
        };
        let ret = h.return_ms.map_or("null".to_string(), |r| r.to_string());
        out.push_str(&format!(
            "{{\"client\": {}, \"call\": {}, \"return\": {ret}, \"op\": \"{op}\", \"key\": {}",
            h.client,
            h.call_ms,
            json_string(key)
        ));
        if let Some(value) = value {
            out.push_str(&format!(", \"value\": {}", json_string(value)));
        }
        if let Some(output) = &h.output {
            out.push_str(&format!(", \"output\": {}", json_string(output)));
        }
        out.push_str("}\n");
    }
    std::fs::write(path, out).map_err(|e| format!("cannot write {path}: {e}"))
}

/// `s` as a JSON string (the titles are ASCII text; quotes and backslashes escaped).
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
