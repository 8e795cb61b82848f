//! Each limit is defined once, in Rust; the page needs a few of them before the wasm module
//! loads (to check `?nodes=`, an attribute, a file's size), so web/src/limits.ts is generated
//! from the Rust constants and this test fails when it differs (or is missing).
//! `RAFTLAB_WRITE_LIMITS=1 cargo test -p raftlab-session --test limits_ts` writes it.

use raftlab_session::codec::file::RUN_FILE_BYTES_MAX;
use raftlab_session::options::{NODES_MAX, NODES_MIN};
use raftlab_session::stored::SCENARIO_ID_CHARS_MAX;
use raftlab_session::time_travel::RECENT_EVENTS_MAX;
use raftlab_session::view::requests::REQUESTS_SHOWN_MAX;

fn expected() -> String {
    let mut ts = String::from(
        "// Generated from the Rust limits by session/tests/limits_ts.rs, which fails when this file\n\
         // differs: RAFTLAB_WRITE_LIMITS=1 cargo test -p raftlab-session --test limits_ts writes it.\n\n",
    );
    for (doc, name, value) in [
        (
            "Smallest cluster (session/src/run/options.rs).",
            "NODES_MIN",
            NODES_MIN,
        ),
        (
            "Largest cluster (the simulator's limit).",
            "NODES_MAX",
            NODES_MAX,
        ),
        (
            "Longest scenario id (session/src/page/stored.rs).",
            "SCENARIO_ID_CHARS_MAX",
            SCENARIO_ID_CHARS_MAX,
        ),
        (
            "Largest run file read (session/src/codec/file.rs).",
            "RUN_FILE_BYTES_MAX",
            RUN_FILE_BYTES_MAX,
        ),
        (
            "Event-log lines each moment keeps (session/src/run/time_travel.rs).",
            "RECENT_EVENTS_MAX",
            RECENT_EVENTS_MAX,
        ),
        (
            "Client requests listed, each with its sentence (session/src/view/requests.rs).",
            "REQUESTS_SHOWN_MAX",
            REQUESTS_SHOWN_MAX,
        ),
    ] {
        ts.push_str(&format!("/** {doc} */\nexport const {name} = {value};\n"));
    }
    ts
}

#[test]
fn web_src_limits_ts_is_the_rust_limits() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/src/limits.ts");
    let want = expected();
    if std::env::var("RAFTLAB_WRITE_LIMITS").is_ok() {
        std::fs::write(path, &want).expect("write web/src/limits.ts");
    }
    let got = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{path}: {e}; write it with RAFTLAB_WRITE_LIMITS=1 cargo test -p raftlab-session --test limits_ts")
    });
    assert_eq!(
        got, want,
        "web/src/limits.ts differs from the Rust limits; rewrite it with RAFTLAB_WRITE_LIMITS=1 cargo test -p raftlab-session --test limits_ts"
    );
}
