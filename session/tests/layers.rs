//! Architecture: the session crate's modules depend one way. Every `crate::` path in
//! `session/src` (use lines and paths in code, tests included) is an edge from the file it is
//! in to the module file it names; the edges must form no circle, and they must go down the
//! layers: `view -> page -> scenario -> codec -> testing -> run -> narrate -> ids` (a layer may use
//! any layer below it and the files of its own folder). `lib.rs` is the crate's front door
//! (re-exports only) and takes no part.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first: a file may name a module of its own layer or of a lower one.
const LAYERS: [&str; 8] = [
    "ids", "narrate", "run", "testing", "codec", "scenario", "page", "view",
];

/// A module path (`["page", "stored"]`) for each source file, and the file's code with
/// comments removed.
fn modules(src: &Path) -> BTreeMap<Vec<String>, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read session/src") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let rel = path.strip_prefix(src).expect("below src");
            let mut segments: Vec<String> = rel
                .iter()
                .map(|s| s.to_str().expect("utf-8 path").to_string())
                .collect();
            let last = segments.pop().expect("a file name");
            let stem = last.trim_end_matches(".rs");
            if stem != "mod" {
                segments.push(stem.to_string());
            }
            if segments == ["lib"] {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read a source file");
            out.insert(segments, strip_comments(&text));
        }
    }
    out
}

fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path a `crate::` prefix names in `code`, `use crate::{a::B, c}` groups expanded.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `raftlab_crate::`, not ours
        }
        let (paths, _) = tree(rest, Vec::new());
        out.extend(paths);
    }
    out
}

/// Parses a use tree at the start of `s` below `prefix`; returns the paths and the rest.
fn tree(s: &str, prefix: Vec<String>) -> (Vec<Vec<String>>, &str) {
    let s = s.trim_start();
    if let Some(mut inner) = s.strip_prefix('{') {
        let mut paths = Vec::new();
        loop {
            inner = inner.trim_start();
            if let Some(after) = inner.strip_prefix('}') {
                return (paths, after);
            }
            if let Some(after) = inner.strip_prefix(',') {
                inner = after;
                continue;
            }
            let (more, after) = tree(inner, prefix.clone());
            if after.len() == inner.len() {
                return (paths, after); // not a tree: stop here
            }
            paths.extend(more);
            inner = after;
        }
    }
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    let ident = &s[..end];
    let after = &s[end..];
    if ident.is_empty() {
        return (vec![prefix], after);
    }
    let mut path = prefix;
    if ident != "self" {
        path.push(ident.to_string());
    }
    match after.strip_prefix("::") {
        Some(next) => tree(next, path),
        None => (vec![path], skip_rename(after)),
    }
}

/// `as Name` after a path, skipped.
fn skip_rename(s: &str) -> &str {
    let Some(rest) = s.trim_start().strip_prefix("as ") else {
        return s;
    };
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[end..]
}

/// The module file a path names: its longest prefix that is a module.
fn module_of(path: &[String], modules: &BTreeMap<Vec<String>, String>) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains_key(m))
}

/// What is wrong with the dependencies of `modules`, one line each.
fn problems(modules: &BTreeMap<Vec<String>, String>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let rank = |m: &[String]| LAYERS.iter().position(|l| *l == m[0]);
    for (from, code) in modules {
        edges.entry(from.clone()).or_default();
        if rank(from).is_none() {
            problems.push(format!(
                "{} is in no layer: add its folder to LAYERS",
                from.join("::")
            ));
        }
        let tests_at = code.find("mod tests").unwrap_or(code.len());
        if code[..tests_at].contains("super::") {
            problems.push(format!(
                "{} uses `super::` outside its tests: name the module as `crate::...`",
                from.join("::")
            ));
        }
        for path in crate_paths(code) {
            let Some(to) = module_of(&path, modules) else {
                problems.push(format!(
                    "{} names crate::{}, which goes through lib.rs's re-exports: name the module it is defined in",
                    from.join("::"),
                    path.join("::")
                ));
                continue;
            };
            if &to == from {
                continue;
            }
            if let (Some(a), Some(b)) = (rank(from), rank(&to)) {
                if b > a {
                    problems.push(format!(
                        "{} (layer {}) uses {} (layer {}), a layer above it",
                        from.join("::"),
                        LAYERS[a],
                        to.join("::"),
                        LAYERS[b]
                    ));
                }
            }
            edges.entry(from.clone()).or_default().insert(to);
        }
    }
    problems.extend(circles(&edges));
    problems
}

/// Each circle in the graph, once, as `a -> b -> a`.
fn circles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        marks: &mut BTreeMap<Vec<String>, Mark>,
        path: &mut Vec<Vec<String>>,
        out: &mut Vec<String>,
    ) {
        marks.insert(node.clone(), Mark::Open);
        path.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            match marks.get(next) {
                Some(Mark::Open) => {
                    let start = path.iter().position(|p| p == next).expect("on the path");
                    let mut names: Vec<String> =
                        path[start..].iter().map(|p| p.join("::")).collect();
                    names.push(next.join("::"));
                    out.push(format!("import circle: {}", names.join(" -> ")));
                }
                Some(Mark::Done) => {}
                None => visit(next, edges, marks, path, out),
            }
        }
        path.pop();
        marks.insert(node.clone(), Mark::Done);
    }
    let mut marks = BTreeMap::new();
    let mut out = Vec::new();
    for node in edges.keys() {
        if !marks.contains_key(node) {
            visit(node, edges, &mut marks, &mut Vec::new(), &mut out);
        }
    }
    out
}

#[test]
fn no_module_of_the_session_crate_imports_one_that_imports_it_or_one_of_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    assert!(
        modules.len() > 20,
        "read {} modules of session/src",
        modules.len()
    );
    let problems = problems(&modules);
    assert!(
        problems.is_empty(),
        "the session crate's dependencies:\n  {}",
        problems.join("\n  ")
    );
}

/// The check itself finds a back-import, a circle inside a layer, and a path through lib.rs.
#[test]
fn the_layer_check_reports_a_back_import_a_circle_and_a_re_exported_path() {
    let module = |path: &[&str], code: &str| {
        (
            path.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            code.to_string(),
        )
    };
    let clean: BTreeMap<_, _> = [
        module(&["run"], "pub struct Run;"),
        module(
            &["page"],
            "use crate::run::Run; use crate::{run::Run as R};",
        ),
        module(
            &["view"],
            "use crate::{page, run::{self, Run}};\n// use crate::view::x (a comment)",
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(problems(&clean), Vec::<String>::new());

    let mut back = clean.clone();
    back.insert(vec!["run".into()], "fn f() { crate::page::go() }".into());
    let found = problems(&back);
    assert!(
        found.iter().any(|p| p.contains("a layer above it")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("import circle: page -> run -> page")
                || p.contains("import circle: run -> page -> run")),
        "{found:?}"
    );

    let mut inner = clean.clone();
    inner.insert(
        vec!["page".into(), "stored".into()],
        "use crate::page::Page;".into(),
    );
    inner.insert(
        vec!["page".into()],
        "use crate::page::stored::{self, Saved};".into(),
    );
    let found = problems(&inner);
    assert!(
        found.iter().any(|p| p.starts_with("import circle:")),
        "{found:?}"
    );

    let mut alias = clean;
    alias.insert(vec!["page".into()], "use crate::Run;".into());
    let found = problems(&alias);
    assert!(found.iter().any(|p| p.contains("re-exports")), "{found:?}");
}
