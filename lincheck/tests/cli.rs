//! The `lincheck` command: first line, exit codes, bad lines named.

mod common;

use std::path::PathBuf;
use std::process::Command;

fn file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("raftlab-lincheck-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// (exit code, stdout, stderr)
fn lincheck(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lincheck"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const STALE: &str = r#"{"client": 0, "call": 0, "return": 10, "op": "put", "key": "k", "value": "a"}
{"client": 0, "call": 20, "return": 30, "op": "put", "key": "k", "value": "b"}
{"client": 1, "call": 40, "return": 50, "op": "get", "key": "k", "output": "a"}
"#;

#[test]
fn a_linearizable_history_prints_linearizable_and_exits_0() {
    let path = file(
        "ok.jsonl",
        &STALE.replace(r#""output": "a""#, r#""output": "b""#),
    );
    let (code, out, _) = lincheck(&[path.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().next(), Some("linearizable"));
}

#[test]
fn a_stale_read_prints_not_linearizable_names_its_line_and_exits_1() {
    let path = file("stale.jsonl", STALE);
    let (code, out, _) = lincheck(&[path.to_str().unwrap(), "--model", "kv"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.lines().next(), Some("not linearizable"));
    assert!(out.contains("key \"k\": not linearizable"), "{out}");
    assert!(out.contains("line 3 client 1 [40, 50]: get(\"k\") -> \"a\"  <- returned before it could take effect"), "{out}");
}

#[test]
fn a_register_history_with_an_open_operation() {
    let text = r#"{"client": 0, "call": 0, "return": 1, "op": "write", "value": 1}
{"client": 1, "call": 2, "op": "cas", "from": 1, "to": 2}
{"client": 2, "call": 3, "return": 4, "op": "read", "output": 2}
{"client": 2, "call": 5, "return": 6, "op": "read", "output": null}
"#;
    let path = file("register.jsonl", text);
    let (code, out, _) = lincheck(&[path.to_str().unwrap(), "--model", "register"]);
    assert_eq!(
        (code, out.lines().next()),
        (1, Some("not linearizable")),
        "{out}"
    );
    let fixed = file(
        "register-ok.jsonl",
        &text.replace("\"output\": null", "\"output\": 2"),
    );
    let (code, out, _) = lincheck(&[fixed.to_str().unwrap(), "--model", "register"]);
    assert_eq!(
        (code, out.lines().next()),
        (0, Some("linearizable")),
        "{out}"
    );
    assert!(out.contains("(1 never returned)"), "{out}");
}

#[test]
fn out_of_time_prints_unknown_and_exits_2() {
    let mut rng = common::Rng::new(1);
    let history = common::kv_sequential(&mut rng, 4000, 1, 30, 5);
    let mut text = String::new();
    for op in &history {
        let (name, value) = match &op.input.op {
            raftlab_lincheck::kv::KvOp::Get => ("get", None),
            raftlab_lincheck::kv::KvOp::Put(v) => ("put", Some(v)),
            raftlab_lincheck::kv::KvOp::Append(v) => ("append", Some(v)),
        };
        let ret = op.ret.map_or("null".to_string(), |r| r.to_string());
        let extra = match (value, &op.output) {
            (Some(v), _) => format!(r#", "value": "{v}""#),
            (None, Some(o)) => format!(r#", "output": "{o}""#),
            (None, None) => String::new(),
        };
        text += &format!(
            "{{\"client\": {}, \"call\": {}, \"return\": {ret}, \"op\": \"{name}\", \"key\": \"{}\"{extra}}}\n",
            op.client, op.call, op.input.key
        );
    }
    let path = file("big.jsonl", &text);
    let (code, out, _) = lincheck(&[path.to_str().unwrap(), "--timeout-ms", "0"]);
    assert_eq!((code, out.lines().next()), (2, Some("unknown")), "{out}");
    assert!(out.contains("unfinished when the budget ran out"), "{out}");
    let (code, out, _) = lincheck(&[path.to_str().unwrap(), "--timeout-ms", "600000"]);
    assert_eq!(
        (code, out.lines().next()),
        (0, Some("linearizable")),
        "{out}"
    );
}

#[test]
fn a_bad_line_is_named_and_exits_3() {
    let text = format!("{STALE}\n{{\"client\": 1, \"call\": 60, \"op\": \"get\", \"key\": 5}}\n");
    let path = file("bad.jsonl", &text);
    let (code, out, err) = lincheck(&[path.to_str().unwrap()]);
    assert_eq!(code, 3, "{out}");
    assert!(out.is_empty());
    assert!(
        err.contains("bad.jsonl: line 5: get: \"key\" must be a string, got 5"),
        "{err}"
    );
    let path = file("notjson.jsonl", "{\"client\": 1,\n");
    let (code, _, err) = lincheck(&[path.to_str().unwrap()]);
    assert_eq!(code, 3);
    assert!(err.contains("line 1: not JSON"), "{err}");
    let (code, _, err) = lincheck(&["/nonexistent/history.jsonl"]);
    assert_eq!(code, 3);
    assert!(err.contains("/nonexistent/history.jsonl"), "{err}");
    // A register op given to the kv model says so.
    let path = file(
        "wrong-model.jsonl",
        "{\"client\": 1, \"call\": 1, \"return\": 2, \"op\": \"read\", \"output\": null}\n",
    );
    let (code, _, err) = lincheck(&[path.to_str().unwrap()]);
    assert_eq!(code, 3);
    assert!(
        err.contains("line 1: read: op \"read\" is not a key/value operation"),
        "{err}"
    );
}

#[test]
fn a_bad_command_line_prints_usage_and_exits_4() {
    let path = file("usage.jsonl", STALE);
    let p = path.to_str().unwrap();
    for args in [
        vec![],
        vec![p, "--model", "queue"],
        vec![p, "--timeout-ms", "-1"],
        vec![p, "--bogus"],
        vec![p, p],
    ] {
        let (code, _, err) = lincheck(&args);
        assert_eq!(code, 4, "{args:?}");
        assert!(err.contains("usage: lincheck FILE"), "{err}");
    }
}
