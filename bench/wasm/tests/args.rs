//! `run_cell`'s arguments come from JS: anything but a whole number in range is an error that
//! names the argument, never a panic or a silent wrap.

use raftlab_bench_wasm::{workload, BATCH_BYTES_MAX, BATCH_MAX, NODES_MAX, TOTAL_MAX};

#[test]
fn a_cell_of_the_matrix_is_accepted_as_given() {
    let (nodes, work) = workload(5.0, 1024.0, 1024.0, 16_384.0).expect("a cell of the matrix");
    assert_eq!(
        (nodes, work.batch, work.size, work.total),
        (5, 1024, 1024, 16_384)
    );
}

#[test]
fn arguments_out_of_range_or_not_whole_are_errors_naming_the_argument() {
    let bad = [
        (0.0, 1.0, 16.0, 10.0, "nodes"),
        (NODES_MAX as f64 + 1.0, 1.0, 16.0, 10.0, "nodes"),
        (-3.0, 1.0, 16.0, 10.0, "nodes"),
        (3.5, 1.0, 16.0, 10.0, "nodes"),
        (f64::NAN, 1.0, 16.0, 10.0, "nodes"),
        (3.0, 0.0, 16.0, 10.0, "batch"),
        (3.0, f64::INFINITY, 16.0, 10.0, "batch"),
        (3.0, 1.0, 0.0, 10.0, "size"),
        (3.0, 1.0, 16.0, 0.0, "total"),
        (3.0, 1.0, 16.0, TOTAL_MAX as f64 + 1.0, "total"),
        // Each within its own bound, their product over BATCH_BYTES_MAX.
        (
            3.0,
            BATCH_MAX as f64,
            (BATCH_BYTES_MAX / BATCH_MAX + 1) as f64,
            10.0,
            "BATCH_BYTES_MAX",
        ),
    ];
    for (nodes, batch, size, total, named) in bad {
        let e = workload(nodes, batch, size, total)
            .expect_err(&format!("({nodes}, {batch}, {size}, {total}) is refused"));
        assert!(e.contains(named), "{e:?} names {named}");
    }
}

#[test]
fn a_core_is_named_raftlab_or_raft_rs_and_anything_else_is_an_error() {
    use raftlab_bench_wasm::Core;
    assert_eq!(Core::parse("raftlab"), Ok(Core::Raftlab));
    assert_eq!(Core::parse("raft-rs"), Ok(Core::RaftRs));
    for bad in ["", "raft_rs", "Raftlab", "etcd"] {
        let e = Core::parse(bad).expect_err(bad);
        assert!(
            e.contains("raftlab") && e.contains(&format!("{bad:?}")),
            "{e}"
        );
    }
}

#[test]
fn run_core_once_runs_either_core_through_the_whole_check() {
    use raftlab_bench_wasm::{run_core_once, Core};
    let (nodes, work) = workload(3.0, 8.0, 16.0, 200.0).expect("in range");
    let clock = std::time::Instant::now();
    for core in [Core::Raftlab, Core::RaftRs] {
        let per_s = run_core_once(core, nodes, work, &|| clock.elapsed()).expect("the run passes");
        assert!(per_s > 0.0, "{core:?}: {per_s}");
    }
}
