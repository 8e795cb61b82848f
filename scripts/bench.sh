#!/usr/bin/env bash
# Prints raftlab's performance figures (README quotes them):
#  1. simulator throughput (cargo bench -p raftlab-lab3);
#  2. the whole Lab 3 suite's wall and CPU time in release mode at one seed, on one test
#     thread and on two (the 6.5840 handout budgets ~6 min real, ~1 min CPU for Lab 3);
#  3. the randomized sweep: 1000 seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -q -p raftlab-lab3 2>/dev/null | grep '^simulator'
cargo test -q --release -p raftlab-lab3 --test lab3 --no-run 2>/dev/null
for threads in 1 2; do
  TIMEFORMAT="lab3 suite, 28 tests, seed 1, release, $threads test thread(s): %R s wall, %U s user + %S s sys CPU"
  time (RAFTLAB_SEED=1 cargo test -q --release -p raftlab-lab3 --test lab3 -- --test-threads "$threads" >/dev/null 2>&1)
done
cargo build -q --release -p raftlab-lab3 --bin sweep 2>/dev/null
TIMEFORMAT="sweep, 1000 seeds (3-7 nodes, 30 virtual s each), release: %R s wall"
time (cargo run -q --release -p raftlab-lab3 --bin sweep -- --seeds 1000 >/dev/null 2>&1)
