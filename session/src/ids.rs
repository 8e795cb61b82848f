//! Node ids, the one conversion between Rust's and the page's: inside Rust a node is a 0-based
//! `NodeId` (an index into the simulation); what crosses to JavaScript or a file names it as
//! the page shows it, 1..n (S1..Sn).

use raftlab::core::NodeId;

/// `node` as the page shows it: 1..n.
pub fn shown(node: NodeId) -> u32 {
    // Invariant: node < NODES_MAX (9), so this neither truncates nor overflows.
    node as u32 + 1
}
