//! The 28 Lab 3 tests and the 23 Lab 4 tests as runs: run one at a seed, keep what the tester
//! did (its inputs and its steps as captions) and write it as a run file
//! (`raftlab_session::RunFile`) the page plays. Shared by `bin/lab3_run.rs`, `lab3_export.rs`
//! and `lab4_export.rs` (`#[path]`-included by each).

#[allow(clippy::all, dead_code)]
mod lab3 {
    include!(concat!(env!("OUT_DIR"), "/lab3_tests.rs"));
}

#[allow(clippy::all, dead_code)]
mod lab4 {
    include!(concat!(env!("OUT_DIR"), "/lab4_tests.rs"));
}

use raftlab::lab::{capture_recordings, pin_seed, take_recordings, Recording};
use raftlab_session::{Caption, Run, RunFile};

/// Each test of `tests` whose Go name ends with `part` ("3A", "4B"), at each seed of
/// `seed_list()`, passes `export_replays`; `replay(seed)` is the command that replays the check.
#[allow(dead_code)]
pub fn export_part_replays(tests: &[LabTest], part: &str, replay: &dyn Fn(u64) -> String) {
    for seed in raftlab::lab::seed_list() {
        for test in tests.iter().filter(|t| t.go_name.ends_with(part)) {
            export_replays(test, seed, &|| replay(seed));
        }
    }
}

/// `test` at `seed`, exported as a run file and read back through the session crate, replays
/// to the digest the test produced, with its title and captions; panics with `replay()` (the
/// command that replays the check) otherwise.
#[allow(dead_code)]
pub fn export_replays(test: &LabTest, seed: u64, replay: &dyn Fn() -> String) {
    let fail = |why: String| -> ! {
        panic!(
            "{} at seed {seed}: {why}\n  replay: {}",
            test.go_name,
            replay()
        )
    };
    let recording = record(test, seed).unwrap_or_else(|e| fail(e));
    let digest = recording.trace_digest;
    let text = run_file(test, recording).write();
    let file = RunFile::read(&text).unwrap_or_else(|e| fail(e.to_string()));
    let end = file
        .end
        .unwrap_or_else(|| fail("no end in the file".into()));
    let sim = file
        .run
        .replay_to(end)
        .unwrap_or_else(|e| fail(e.to_string()));
    if (sim.trace_digest(), file.trace_digest) != (digest, Some(digest)) {
        fail(format!(
            "{} inputs replayed to digest {:016x}; the test produced {digest:016x}",
            file.run.inputs.len(),
            sim.trace_digest()
        ));
    }
    let title = file.title.clone().unwrap_or_default();
    if !title.starts_with(test.go_name) || file.captions.is_empty() {
        fail(format!("title {title:?}, {} captions", file.captions.len()));
    }
}

/// One Lab 3 or Lab 4 test: its Go name, its name here and its body.
pub struct LabTest {
    pub go_name: &'static str,
    pub name: &'static str,
    pub body: fn(),
}

macro_rules! tests {
    ($lab:ident: $($go:literal => $name:ident),* $(,)?) => {
        &[$(LabTest { go_name: $go, name: stringify!($name), body: $lab::$name }),*]
    };
}

/// The 28 Lab 3 tests, in raft/test_test.go's order.
pub const LAB3_TESTS: &[LabTest] = tests![lab3:
    "TestInitialElection3A" => initial_election_3a,
    "TestReElection3A" => re_election_3a,
    "TestManyElections3A" => many_elections_3a,
    "TestBasicAgree3B" => basic_agree_3b,
    "TestRPCBytes3B" => rpc_bytes_3b,
    "TestFollowerFailure3B" => follower_failure_3b,
    "TestLeaderFailure3B" => leader_failure_3b,
    "TestFailAgree3B" => fail_agree_3b,
    "TestFailNoAgree3B" => fail_no_agree_3b,
    "TestConcurrentStarts3B" => concurrent_starts_3b,
    "TestRejoin3B" => rejoin_3b,
    "TestBackup3B" => backup_3b,
    "TestCount3B" => count_3b,
    "TestPersist13C" => persist1_3c,
    "TestPersist23C" => persist2_3c,
    "TestPersist33C" => persist3_3c,
    "TestFigure83C" => figure8_3c,
    "TestUnreliableAgree3C" => unreliable_agree_3c,
    "TestFigure8Unreliable3C" => figure8_unreliable_3c,
    "TestReliableChurn3C" => reliable_churn_3c,
    "TestUnreliableChurn3C" => unreliable_churn_3c,
    "TestSnapshotBasic3D" => snapshot_basic_3d,
    "TestSnapshotInstall3D" => snapshot_install_3d,
    "TestSnapshotInstallUnreliable3D" => snapshot_install_unreliable_3d,
    "TestSnapshotInstallCrash3D" => snapshot_install_crash_3d,
    "TestSnapshotInstallUnCrash3D" => snapshot_install_uncrash_3d,
    "TestSnapshotAllCrash3D" => snapshot_all_crash_3d,
    "TestSnapshotInit3D" => snapshot_init_3d,
];

/// The 23 Lab 4 tests, in kvraft/test_test.go's order.
pub const LAB4_TESTS: &[LabTest] = tests![lab4:
    "TestBasic4A" => basic_4a,
    "TestSpeed4A" => speed_4a,
    "TestConcurrent4A" => concurrent_4a,
    "TestUnreliable4A" => unreliable_4a,
    "TestUnreliableOneKey4A" => unreliable_one_key_4a,
    "TestOnePartition4A" => one_partition_4a,
    "TestManyPartitionsOneClient4A" => many_partitions_one_client_4a,
    "TestManyPartitionsManyClients4A" => many_partitions_many_clients_4a,
    "TestPersistOneClient4A" => persist_one_client_4a,
    "TestPersistConcurrent4A" => persist_concurrent_4a,
    "TestPersistConcurrentUnreliable4A" => persist_concurrent_unreliable_4a,
    "TestPersistPartition4A" => persist_partition_4a,
    "TestPersistPartitionUnreliable4A" => persist_partition_unreliable_4a,
    "TestPersistPartitionUnreliableLinearizable4A" => persist_partition_unreliable_linearizable_4a,
    "TestSnapshotRPC4B" => snapshot_rpc_4b,
    "TestSnapshotSize4B" => snapshot_size_4b,
    "TestSpeed4B" => speed_4b,
    "TestSnapshotRecover4B" => snapshot_recover_4b,
    "TestSnapshotRecoverManyClients4B" => snapshot_recover_many_clients_4b,
    "TestSnapshotUnreliable4B" => snapshot_unreliable_4b,
    "TestSnapshotUnreliableRecover4B" => snapshot_unreliable_recover_4b,
    "TestSnapshotUnreliableRecoverConcurrentPartition4B" => snapshot_unreliable_recover_concurrent_partition_4b,
    "TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable4B" => snapshot_unreliable_recover_concurrent_partition_linearizable_4b,
];

/// The Lab 3 or Lab 4 test named `name`: its Go name (`TestFigure8Unreliable3C`, the `Test`
/// optional, any case) or its name here (`figure8_unreliable_3c`).
pub fn find(name: &str) -> Option<&'static LabTest> {
    let wanted = name.to_ascii_lowercase();
    LAB3_TESTS.iter().chain(LAB4_TESTS).find(|t| {
        let go = t.go_name.to_ascii_lowercase();
        go == wanted || go.strip_prefix("test") == Some(wanted.as_str()) || t.name == wanted
    })
}

/// Run `test` once at `seed` (in a thread named after it, as libtest does) and return the
/// tester's recording, or the test's failure.
pub fn record(test: &LabTest, seed: u64) -> Result<Recording, String> {
    let body = test.body;
    let run = std::thread::Builder::new()
        .name(test.name.to_string())
        .spawn(move || {
            pin_seed(Some(seed));
            capture_recordings();
            body();
            take_recordings()
        })
        .map_err(|e| format!("cannot start the test's thread: {e}"))?
        .join();
    match run {
        Ok(mut recordings) => recordings
            .pop()
            .ok_or_else(|| format!("{} made no cluster", test.go_name)),
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "the test panicked".into())),
    }
}

/// The run file of a recording of `test`: its run, its steps as captions, where it ended and
/// the trace digest it ended with.
pub fn run_file(test: &LabTest, recording: Recording) -> RunFile {
    let description = recording.title.as_deref().unwrap_or("");
    RunFile {
        title: Some(format!(
            "{}, seed {}: {description}",
            test.go_name, recording.seed
        )),
        run: Run {
            config: recording.config,
            inputs: recording.inputs,
        },
        captions: recording
            .captions
            .into_iter()
            .map(|(at, text)| Caption { at, text })
            .collect(),
        end: Some(recording.end),
        trace_digest: Some(recording.trace_digest),
    }
}
