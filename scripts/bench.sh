#!/usr/bin/env bash
# Prints raftlab's native performance figures (README "Performance" quotes them):
#  1. simulator throughput (cargo bench -p raftlab-lab3);
#  2. the whole Lab 3 suite's wall and CPU time in release mode at one seed, on one test
#     thread and on two (the 6.5840 handout budgets ~6 min real, ~1 min CPU for Lab 3), and
#     100 seeds of each test on two threads;
#  3. the randomized sweep: 1000 seeds, on one thread and on two;
#  4. raftlab's core against raft-rs (raftlab-bench: the 18-cell matrix) and the simulator's
#     cost per event against the entries held.
# Wall-clock figures depend on the machine's load: repeat them, and say how loaded it was.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -q -p raftlab-lab3 2>/dev/null | grep '^simulator'
lab3_bin=$(cargo test --release -p raftlab-lab3 --test lab3 --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
# The test binary alone (what 3,000x real time is measured on), then through cargo test
# (which adds cargo's own start-up and freshness check, about 0.1-0.2 s).
TIMEFORMAT="lab3 suite, 28 tests, seed 1, release, 1 test thread, the test binary alone: %R s wall, %U s user + %S s sys CPU"
time (RAFTLAB_SEED=1 "$lab3_bin" --test-threads 1 >/dev/null 2>&1)
for threads in 1 2; do
  TIMEFORMAT="lab3 suite, 28 tests, seed 1, release, $threads test thread(s): %R s wall, %U s user + %S s sys CPU"
  time (RAFTLAB_SEED=1 cargo test -q --release -p raftlab-lab3 --test lab3 -- --test-threads "$threads" >/dev/null 2>&1)
done
TIMEFORMAT="lab3 suite, 28 tests x 100 seeds (RAFTLAB_SEEDS=100), release, 2 test threads: %R s wall, %U s user + %S s sys CPU"
time (RAFTLAB_SEED=1 RAFTLAB_SEEDS=100 cargo test -q --release -p raftlab-lab3 --test lab3 -- --test-threads 2 >/dev/null 2>&1)
cargo build -q --release -p raftlab-lab3 --bin sweep 2>/dev/null
for threads in 1 2; do
  TIMEFORMAT="sweep, 1000 seeds (3-7 nodes, 30 virtual s each), release, $threads thread(s): %R s wall, %U s user CPU"
  time (cargo run -q --release -p raftlab-lab3 --bin sweep -- --seeds 1000 --threads "$threads" >/dev/null 2>&1)
done
cargo run -q --release -p raftlab-bench -- --reps "${REPS:-3}" --total "${TOTAL:-8192}"
cargo run -q --release -p raftlab-bench -- --scaling --reps "${REPS:-3}"
uptime
