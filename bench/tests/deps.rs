//! raft-rs is the bench crate's dependency only: no package the product is built from (the
//! core, the session, the page's two wasm modules, the Lab 3 suite) reaches the `raft` crate or its
//! protobuf codec, by any kind of dependency (normal, build or dev), nor the bench crates
//! themselves (bench/ and its wasm build bench/wasm/).

use std::collections::{BTreeMap, BTreeSet};

const PRODUCT: [&str; 5] = [
    "raftlab",
    "raftlab-session",
    "raftlab-wasm",
    "raftlab-files",
    "raftlab-lab3",
];
/// raft-rs, its codec, and the two bench crates that carry it (the native bench and its wasm
/// build, bench/wasm).
const BENCH_ONLY: [&str; 5] = [
    "raft",
    "raft-proto",
    "protobuf",
    "raftlab-bench",
    "raftlab-bench-wasm",
];

type Graph = BTreeMap<String, (String, Vec<String>)>;

/// package ("name version") -> (name, its dependencies as "name version"), read from the
/// workspace's Cargo.lock, which lists every package's dependencies of every kind.
fn graph() -> Graph {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock"))
        .expect("the workspace has a Cargo.lock");
    let mut packages: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut in_deps = false;
    for line in lock.lines() {
        let quoted = || line.split('"').nth(1).unwrap_or_default().to_string();
        if line == "[[package]]" {
            packages.push(Default::default());
            in_deps = false;
        } else if let Some(p) = packages.last_mut() {
            if line.starts_with("name = ") {
                p.0 = quoted();
            } else if line.starts_with("version = ") {
                p.1 = quoted();
            } else if line.starts_with("dependencies = [") {
                in_deps = true;
            } else if in_deps && line.starts_with(' ') {
                p.2.push(quoted());
            } else {
                in_deps = false;
            }
        }
    }
    // A dependency is written "name" when one version is locked, "name version" otherwise.
    let versions: BTreeMap<String, Vec<String>> =
        packages.iter().fold(BTreeMap::new(), |mut m, (n, v, _)| {
            m.entry(n.clone()).or_insert_with(Vec::new).push(v.clone());
            m
        });
    let id = |dep: &str| -> String {
        match dep.split_once(' ') {
            Some((n, v)) => format!("{n} {v}"),
            None => format!("{dep} {}", versions[dep][0]),
        }
    };
    packages
        .iter()
        .map(|(n, v, deps)| {
            (
                format!("{n} {v}"),
                (n.clone(), deps.iter().map(|d| id(d)).collect()),
            )
        })
        .collect()
}

/// Names of every package `root` reaches.
fn reached(graph: &Graph, root: &str) -> BTreeSet<String> {
    let start = graph
        .iter()
        .find(|(_, (name, _))| name == root)
        .map(|(id, _)| id.clone())
        .unwrap_or_else(|| panic!("{root} is a workspace package"));
    let mut seen = BTreeSet::new();
    let mut todo = vec![start];
    while let Some(id) = todo.pop() {
        if seen.insert(id.clone()) {
            todo.extend(graph[&id].1.iter().cloned());
        }
    }
    seen.iter().map(|id| graph[id].0.clone()).collect()
}

#[test]
fn raft_rs_reaches_no_product_package_and_no_wasm_build() {
    let graph = graph();
    let bench = reached(&graph, "raftlab-bench");
    assert!(
        bench.contains("raft"),
        "the bench crate depends on raft-rs (else this test checks nothing)"
    );
    assert!(
        reached(&graph, "raftlab-bench-wasm").contains("raft"),
        "the bench's wasm build carries raft-rs (else this test checks nothing)"
    );
    for root in PRODUCT {
        let deps = reached(&graph, root);
        for crate_name in BENCH_ONLY {
            assert!(
                !deps.contains(crate_name),
                "{root} depends on {crate_name}: raft-rs must stay the bench crate's own"
            );
        }
    }
}
