//! A modest randomized sweep under `cargo test`; `RAFTLAB_SEEDS=k` runs k seeds (from
//! RAFTLAB_SEED, default 1). For thousands of seeds with a progress bar, use the `sweep` binary.

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
