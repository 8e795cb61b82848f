//! A modest randomized sweep under `cargo test`: 100 seeds from a seed drawn fresh for each
//! run (or from RAFTLAB_SEED); `RAFTLAB_SEEDS=k` runs k seeds. A failure prints its seed and
//! the command that replays it. For thousands of seeds with a progress bar, use the `sweep`
//! binary.

use raftlab::lab::seed_list;

#[test]
fn random_faults_never_break_safety_and_the_cluster_recovers() {
    let mut seeds = seed_list();
    if std::env::var("RAFTLAB_SEEDS").is_err() {
        seeds = (seeds[0]..seeds[0] + 100).collect();
    }
    for seed in seeds {
        if let Err(report) = raftlab_lab3::run(seed) {
            panic!("{report}");
        }
    }
}
