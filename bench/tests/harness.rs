//! Both cores go through the harness and pass its end check: every node applied every entry,
//! in order. (Speed is measured by `cargo run -p raftlab-bench`, never asserted here.)

use raftlab_bench::harness::{run, Applied, Workload};
use raftlab_bench::raft_rs::RaftRsCluster;
use raftlab_bench::raftlab::RaftlabCluster;

const WORK: [Workload; 3] = [
    Workload {
        batch: 1,
        size: 16,
        total: 40,
    },
    Workload {
        batch: 64,
        size: 128,
        total: 300,
    },
    Workload {
        batch: 1024,
        size: 64,
        total: 1100,
    },
];

#[test]
fn raftlab_applies_every_entry_in_order_on_every_node() {
    for nodes in [3, 5] {
        for work in WORK {
            let cell = run(&mut RaftlabCluster::new(nodes, work.size), work)
                .unwrap_or_else(|e| panic!("{nodes} nodes, {work:?}: {e}"));
            assert_eq!(cell.applied, work.total);
        }
    }
}

#[test]
fn raft_rs_applies_every_entry_in_order_on_every_node() {
    for nodes in [3, 5] {
        for work in WORK {
            let cell = run(&mut RaftRsCluster::new(nodes, work.size), work)
                .unwrap_or_else(|e| panic!("{nodes} nodes, {work:?}: {e}"));
            assert_eq!(cell.applied, work.total);
        }
    }
}

#[test]
fn the_end_check_catches_a_command_out_of_order_or_of_the_wrong_size() {
    let mut applied = Applied::default();
    applied.apply(&raftlab_bench::harness::command(0, 16), 16);
    assert_eq!(applied.wrong, None);
    applied.apply(&raftlab_bench::harness::command(2, 16), 16);
    assert_eq!(applied.wrong, Some((1, 16)), "command 2 where 1 was due");
    let mut applied = Applied::default();
    applied.apply(&raftlab_bench::harness::command(0, 20), 16);
    assert_eq!(applied.wrong, Some((0, 20)));
}
