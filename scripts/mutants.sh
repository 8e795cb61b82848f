#!/usr/bin/env bash
# Mutation testing of the Raft core: cargo-mutants changes raft/src/core one mutant at a time
# (a `<` for a `<=`, a `||` for a `&&`, a function body replaced by a default) and runs the
# core's and the Lab 3 crate's tests against each. A mutant the tests still pass is "missed":
# a gap in the tests, or an equivalent mutant (README lists them).
#
#   scripts/mutants.sh                 # all of raft/src/core (about 370 mutants; ~1 h on 2 cores)
#   scripts/mutants.sh replication.rs  # one file
#
# Seeds are pinned (RAFTLAB_SEED=1) so every mutant meets the same runs. Results land in
# mutants.out/ (caught.txt, missed.txt, timeout.txt, unviable.txt). Not part of `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install cargo-mutants
file="raft/src/core/${1:-**}"
export RAFTLAB_SEED=1
exec cargo mutants -j 2 --file "$file" \
  --test-package raftlab --test-package raftlab-lab3 \
  --timeout 120 --output . "${@:2}"
