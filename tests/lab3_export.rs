//! The Lab 3 tests as runs the page plays: each test's recording, written as a run file and
//! read back through the session crate, replays to the trace digest the test produced, and
//! carries the tester's steps as captions. Seeds move (`raftlab::lab::seed_list()`); a failure
//! prints its seed and the command that replays it.

#[path = "lab3_runs.rs"]
mod lab3_runs;

use lab3_runs::{export_part_replays, find, record, run_file, LAB3_TESTS, LAB4_TESTS};
use raftlab::lab::seed_list;
use raftlab_session::RunFile;

fn replay_command(test: &str, seed: u64) -> String {
    format!("RAFTLAB_SEED={seed} cargo test -p raftlab-lab3 --test lab3_export -- --exact {test}")
}

/// Each test of `part` ("3A"...), exported at each seed and read back, replays to the digest
/// the test produced.
fn export_and_replay(part: &str, this: &str) {
    export_part_replays(LAB3_TESTS, part, &|seed| replay_command(this, seed));
}

#[test]
fn every_3a_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced() {
    export_and_replay(
        "3A",
        "every_3a_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced",
    );
}

#[test]
fn every_3b_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced() {
    export_and_replay(
        "3B",
        "every_3b_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced",
    );
}

#[test]
fn every_3c_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced() {
    export_and_replay(
        "3C",
        "every_3c_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced",
    );
}

#[test]
fn every_3d_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced() {
    export_and_replay(
        "3D",
        "every_3d_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced",
    );
}

#[test]
fn an_exported_lab3_run_carries_the_testers_steps_as_captions() {
    let seed = seed_list()[0];
    let expected = [
        (
            "TestFigure8Unreliable3C",
            [
                "Test (3C): Figure 8 (unreliable)",
                "one(",
                "disconnect S",
                "connect S",
                "long reordering on",
                "Passed",
            ],
        ),
        (
            "TestPersist13C",
            [
                "Test (3C): basic persistence",
                "one(11) on 3 servers",
                "start1(S",
                "disconnect S",
                "checkOneLeader(): S",
                "Passed",
            ],
        ),
        (
            "TestFigure83C",
            [
                "Test (3C): Figure 8",
                "one(",
                "crash1(S",
                "start1(S",
                "connect S",
                "Passed",
            ],
        ),
    ];
    for (name, steps) in expected {
        let test = find(name).expect("a Lab 3 test");
        let recording = record(test, seed).unwrap_or_else(|e| panic!("{name} at seed {seed}: {e}"));
        let file = RunFile::read(&run_file(test, recording).write()).expect("valid file");
        for step in steps {
            assert!(
                file.captions.iter().any(|c| c.text.starts_with(step)),
                "{name} at seed {seed}: no caption starts with {step:?}\n  replay: {}",
                replay_command(
                    "an_exported_lab3_run_carries_the_testers_steps_as_captions",
                    seed
                )
            );
        }
        assert!(
            file.captions.windows(2).all(|w| w[0].at <= w[1].at),
            "captions out of time order"
        );
    }
}

#[test]
fn lab3_tests_are_found_by_their_go_names() {
    assert_eq!(LAB3_TESTS.len(), 28);
    assert_eq!(
        find("TestFigure8Unreliable3C").map(|t| t.name),
        Some("figure8_unreliable_3c")
    );
    assert_eq!(
        find("Figure8Unreliable3C").map(|t| t.name),
        Some("figure8_unreliable_3c")
    );
    assert_eq!(
        find("snapshot_init_3d").map(|t| t.go_name),
        Some("TestSnapshotInit3D")
    );
    assert!(find("TestNothing").is_none());
}

#[test]
fn the_shipped_lab3_and_lab4_runs_replay_to_their_trace_digests() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/public/runs");
    let regenerate =
        "cargo run --release -p raftlab-lab3 --bin lab3-run -- --all web/public/runs --lab all --seed 1";
    let index =
        std::fs::read_to_string(dir.join("index.json")).expect("web/public/runs/index.json");
    for test in LAB3_TESTS.iter().chain(LAB4_TESTS) {
        let name = format!("{}.json", test.go_name);
        assert!(
            index.contains(&format!("\"file\": \"{name}\"")),
            "index.json does not list {name}; regenerate: {regenerate}"
        );
        let text = std::fs::read_to_string(dir.join(&name)).expect("a shipped run");
        let file = RunFile::read(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let sim = file
            .run
            .replay_to(file.end.expect("an end"))
            .expect("valid");
        assert_eq!(
            Some(sim.trace_digest()),
            file.trace_digest,
            "{name} no longer replays to its digest; regenerate: {regenerate}"
        );
    }
}
