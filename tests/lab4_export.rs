//! The Lab 4 tests as runs the page plays: each test's recording, written as a run file and
//! read back through the session crate, replays to the trace digest the test produced (the
//! clients' operations are inputs like the rest), and carries the tester's steps as captions.
//! Seeds move (`raftlab::lab::seed_list()`); a failure prints its seed and the command that
//! replays it.

#[path = "lab3_runs.rs"]
mod lab3_runs;

use lab3_runs::{export_part_replays, find, record, run_file, LAB4_TESTS};
use raftlab::lab::seed_list;
use raftlab_session::RunFile;

fn replay_command(test: &str, seed: u64) -> String {
    format!("RAFTLAB_SEED={seed} cargo test --release -p raftlab-lab3 --test lab4_export -- --exact {test}")
}

/// Each Lab 4 test of `part` ("4A", "4B"), exported at each seed and read back, replays to
/// the digest the test produced.
fn export_and_replay(part: &str, this: &str) {
    export_part_replays(LAB4_TESTS, part, &|seed| replay_command(this, seed));
}

#[test]
fn every_4a_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced() {
    export_and_replay(
        "4A",
        "every_4a_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced",
    );
}

#[test]
fn every_4b_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced() {
    export_and_replay(
        "4B",
        "every_4b_test_exported_as_a_run_file_replays_to_the_digest_the_test_produced",
    );
}

#[test]
fn an_exported_lab4_run_carries_the_testers_steps_and_the_clients_operations() {
    let seed = seed_list()[0];
    let test = find("TestPersistPartition4A").expect("a Lab 4 test");
    let recording = record(test, seed).unwrap_or_else(|e| panic!("at seed {seed}: {e}"));
    let file = RunFile::read(&run_file(test, recording).write()).expect("valid file");
    for step in [
        "Test: restarts, partitions, many clients (4A)",
        "client C",
        "partition([",
        "ConnectAll()",
        "ShutdownServer(S",
        "StartServer(S",
        "Passed",
    ] {
        assert!(
            file.captions.iter().any(|c| c.text.starts_with(step)),
            "at seed {seed}: no caption starts with {step:?}\n  replay: {}",
            replay_command(
                "an_exported_lab4_run_carries_the_testers_steps_and_the_clients_operations",
                seed
            )
        );
    }
    let ops = file
        .run
        .inputs
        .iter()
        .filter(|(_, i)| matches!(i, raftlab::sim::Input::KvOp { .. }))
        .count();
    assert!(ops > 100, "only {ops} client operations in the run");
}

#[test]
fn lab4_tests_are_found_by_their_go_names() {
    assert_eq!(LAB4_TESTS.len(), 23);
    assert_eq!(find("TestBasic4A").map(|t| t.name), Some("basic_4a"));
    assert_eq!(
        find("SnapshotUnreliableRecoverConcurrentPartitionLinearizable4B").map(|t| t.name),
        Some("snapshot_unreliable_recover_concurrent_partition_linearizable_4b")
    );
    assert_eq!(
        find("snapshot_rpc_4b").map(|t| t.go_name),
        Some("TestSnapshotRPC4B")
    );
}
