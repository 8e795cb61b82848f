// Generated from the Rust limits by session/tests/limits_ts.rs, which fails when this file
// differs: RAFTLAB_WRITE_LIMITS=1 cargo test -p raftlab-session --test limits_ts writes it.

/** Smallest cluster (session/src/run/options.rs). */
export const NODES_MIN = 3;
/** Largest cluster (the simulator's limit). */
export const NODES_MAX = 9;
/** Longest scenario id (session/src/page/stored.rs). */
export const SCENARIO_ID_CHARS_MAX = 64;
/** Largest run file read (session/src/codec/file.rs). */
export const RUN_FILE_BYTES_MAX = 67108864;
/** Event-log lines each moment keeps (session/src/run/time_travel.rs). */
export const RECENT_EVENTS_MAX = 150;
/** Client requests listed, each with its sentence (session/src/view/requests.rs). */
export const REQUESTS_SHOWN_MAX = 8;
