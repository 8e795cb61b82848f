//! One seed decides a whole run.

#[test]
fn same_seed_gives_the_same_trace() {
    for seed in [1, 7, 42] {
        let a = raftlab_lab3::run(seed).expect("sweep run");
        let b = raftlab_lab3::run(seed).expect("sweep run");
        assert_eq!(
            a.trace_digest, b.trace_digest,
            "seed {seed}: two runs differ"
        );
        assert_eq!(a.events, b.events, "seed {seed}: two runs differ");
    }
}

#[test]
fn different_seeds_give_different_traces() {
    let a = raftlab_lab3::run(1).expect("sweep run");
    let b = raftlab_lab3::run(2).expect("sweep run");
    assert_ne!(a.trace_digest, b.trace_digest);
}

#[test]
fn the_reference_scenario_has_the_same_digest_natively_and_in_wasm() {
    // wasm/tests/web.rs asserts the same constant in headless Chrome.
    assert_eq!(
        raftlab::sim::reference_trace_digest(),
        raftlab::sim::REFERENCE_TRACE_DIGEST
    );
}
