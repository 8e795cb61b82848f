//! The project's seed convention for this crate's integration tests (`raftlab::lab::seed_list`
//! needs `std` and the Lab 3 harness, so it is not linked here): RAFTLAB_SEED pins the seed,
//! else each run draws a fresh one from the OS; a failure prints the seed and the command
//! that replays it.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

pub fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    match std::env::var("RAFTLAB_SEED") {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("RAFTLAB_SEED={v:?} is not a non-negative integer")),
        Err(_) => {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u32(std::process::id());
            1 + h.finish() % 1_000_000_000
        }
    }
}

/// Runs `body` with the seed; on a panic, prints the seed and the replay command for test
/// `test` of test file `file`.
pub fn seeded(file: &str, test: &str, body: impl FnOnce(u64)) {
    let seed = seed();
    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| body(seed))) {
        eprintln!(
            "FAILED at seed {seed}; replay with:\n  RAFTLAB_SEED={seed} cargo test -p raftlab-session --test {file} -- --exact {test}"
        );
        resume_unwind(panic);
    }
}
