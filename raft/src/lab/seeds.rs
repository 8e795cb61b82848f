//! Which seeds a test runs at: `RAFTLAB_SEED=n` pins one, `RAFTLAB_SEEDS=k` runs k seeds
//! (from RAFTLAB_SEED, default 1). A failing seed is printed with the command that replays it.

use std::cell::Cell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

pub const DEFAULT_SEED: u64 = 1;

thread_local! {
    static CURRENT_SEED: Cell<Option<u64>> = const { Cell::new(None) };
}

fn env_u64(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    match value.trim().parse() {
        Ok(v) => Some(v),
        Err(_) => panic!("{name}={value:?} is not a non-negative integer"),
    }
}

/// The seeds to run: RAFTLAB_SEED (default 1) and the RAFTLAB_SEEDS - 1 after it.
pub fn seed_list() -> Vec<u64> {
    let base = env_u64("RAFTLAB_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_u64("RAFTLAB_SEEDS").unwrap_or(1).max(1);
    (0..count).map(|i| base.wrapping_add(i)).collect()
}

/// The seed `Config::new` uses: the one `seeds` is running, else RAFTLAB_SEED, else 1.
pub fn current_seed() -> u64 {
    CURRENT_SEED
        .with(Cell::get)
        .or_else(|| env_u64("RAFTLAB_SEED"))
        .unwrap_or(DEFAULT_SEED)
}

/// The name of the running test (libtest names each test's thread after it).
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<test>")
        .to_string()
}

/// The one-line command that replays `test` at `seed`.
pub fn replay_command(test: &str, seed: u64) -> String {
    format!(
        "RAFTLAB_SEED={seed} cargo test --release -p raftlab-lab3 --test lab3 -- --exact {test}"
    )
}

/// Runs `body` once per seed of `seed_list()`. On a failure, prints the seed and how to replay
/// it, then fails the test.
pub fn seeds(body: impl Fn()) {
    let name = test_name();
    for seed in seed_list() {
        CURRENT_SEED.with(|s| s.set(Some(seed)));
        let result = catch_unwind(AssertUnwindSafe(&body));
        CURRENT_SEED.with(|s| s.set(None));
        if let Err(panic) = result {
            eprintln!(
                "FAILED at seed {seed}; replay with:\n  {}",
                replay_command(&name, seed)
            );
            resume_unwind(panic);
        }
    }
}
