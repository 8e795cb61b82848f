//! The 28 Lab 3 tests as runs: run one at a seed, keep what the tester did (its inputs and its
//! steps as captions) and write it as a run file (`raftlab_session::RunFile`) the page plays.
//! Shared by `bin/lab3_run.rs` and `lab3_export.rs` (`#[path]`-included by both).

#[allow(clippy::all, dead_code)]
mod lab3 {
    include!(concat!(env!("OUT_DIR"), "/lab3_tests.rs"));
}

use raftlab::lab::{capture_recordings, pin_seed, take_recordings, Recording};
use raftlab_session::{Caption, Run, RunFile};

/// One Lab 3 test: its Go name, its name here and its body.
pub struct Lab3Test {
    pub go_name: &'static str,
    pub name: &'static str,
    pub body: fn(),
}

macro_rules! tests {
    ($($go:literal => $name:ident),* $(,)?) => {
        &[$(Lab3Test { go_name: $go, name: stringify!($name), body: lab3::$name }),*]
    };
}

/// The 28 tests, in test_test.go's order.
pub const LAB3_TESTS: &[Lab3Test] = tests![
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

/// The test named `name`: its Go name (`TestFigure8Unreliable3C`, the `Test` optional, any
/// case) or its name here (`figure8_unreliable_3c`).
pub fn find(name: &str) -> Option<&'static Lab3Test> {
    let wanted = name.to_ascii_lowercase();
    LAB3_TESTS.iter().find(|t| {
        let go = t.go_name.to_ascii_lowercase();
        go == wanted || go.strip_prefix("test") == Some(wanted.as_str()) || t.name == wanted
    })
}

/// Run `test` once at `seed` (in a thread named after it, as libtest does) and return the
/// tester's recording, or the test's failure.
pub fn record(test: &Lab3Test, seed: u64) -> Result<Recording, String> {
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
pub fn run_file(test: &Lab3Test, recording: Recording) -> RunFile {
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
