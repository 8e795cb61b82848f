//! Which seeds a test runs at. Like the Go tester, every run explores a fresh seed: without
//! `RAFTLAB_SEED`, a process draws one from the operating system's randomness. `RAFTLAB_SEED=n`
//! pins it; `RAFTLAB_SEEDS=k` runs k seeds from there. A failing seed is printed with the
//! command that replays it.

use std::cell::Cell;
use std::hash::{BuildHasher, Hasher};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

/// Drawn seeds stay below this, so a replay command is short to type.
pub const DRAWN_SEED_MAX: u64 = 1_000_000_000;

thread_local! {
    static CURRENT_SEED: Cell<Option<u64>> = const { Cell::new(None) };
    static PINNED_SEED: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Run this thread's tests at `seed` alone, whatever RAFTLAB_SEED and RAFTLAB_SEEDS say (None:
/// as they say again). For programs that run a test at a given seed (`lab3-run`).
pub fn pin_seed(seed: Option<u64>) {
    PINNED_SEED.with(|s| s.set(seed));
}

fn env_u64(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    match value.trim().parse() {
        Ok(v) => Some(v),
        Err(_) => panic!("{name}={value:?} is not a non-negative integer"),
    }
}

/// This process's seed when RAFTLAB_SEED is not set: drawn once, from the OS (std's
/// `RandomState` keys come from the operating system's random source).
pub fn drawn_seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        let seed = 1 + hasher.finish() % DRAWN_SEED_MAX;
        eprintln!("raftlab: drawn seed {seed} (RAFTLAB_SEED={seed} replays this run)");
        seed
    })
}

/// The first seed: RAFTLAB_SEED, else this process's drawn seed.
pub fn base_seed() -> u64 {
    env_u64("RAFTLAB_SEED").unwrap_or_else(drawn_seed)
}

/// The seeds to run: the base seed and the RAFTLAB_SEEDS - 1 after it.
pub fn seed_list() -> Vec<u64> {
    if let Some(seed) = PINNED_SEED.with(Cell::get) {
        return vec![seed];
    }
    let base = base_seed();
    let count = env_u64("RAFTLAB_SEEDS").unwrap_or(1).max(1);
    (0..count).map(|i| base.wrapping_add(i)).collect()
}

/// The seed `Config::new` uses: the one `seeds` is running, else the base seed.
pub fn current_seed() -> u64 {
    CURRENT_SEED
        .with(Cell::get)
        .or_else(|| PINNED_SEED.with(Cell::get))
        .unwrap_or_else(base_seed)
}

/// The name of the running test (libtest names each test's thread after it).
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<test>")
        .to_string()
}

/// The one-line command that replays the Lab 3 test `test` at `seed`.
pub fn replay_command(test: &str, seed: u64) -> String {
    replay_command_in("lab3", test, seed)
}

/// The one-line command that replays `test` of the test target `suite` ("lab3", "lab4") at
/// `seed`.
pub fn replay_command_in(suite: &str, test: &str, seed: u64) -> String {
    format!(
        "RAFTLAB_SEED={seed} cargo test --release -p raftlab-lab3 --test {suite} -- --exact {test}"
    )
}

/// Runs the Lab 3 test `body` once per seed of `seed_list()`. On a failure, prints the seed
/// and how to replay it, then fails the test.
pub fn seeds(body: impl Fn()) {
    seeds_in("lab3", body);
}

/// `seeds` for a test of the test target `suite` (its replay command names it).
pub fn seeds_in(suite: &str, body: impl Fn()) {
    let name = test_name();
    for seed in seed_list() {
        CURRENT_SEED.with(|s| s.set(Some(seed)));
        let result = catch_unwind(AssertUnwindSafe(&body));
        CURRENT_SEED.with(|s| s.set(None));
        if let Err(panic) = result {
            eprintln!(
                "FAILED at seed {seed}; replay with:\n  {}",
                replay_command_in(suite, &name, seed)
            );
            resume_unwind(panic);
        }
    }
}
