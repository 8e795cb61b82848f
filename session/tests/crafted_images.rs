//! Crafted and mutated storage images, with valid checksums, through `image::decode` and
//! `Page::restore`, natively (`wasm/tests/web.rs` restores the crafted image through the `Cluster`
//! handle in a browser). Whatever the bytes, decoding and restoring return Ok or Err and never
//! panic, and an image that decodes restores a cluster that runs.
//!
//! Seeded as the rest of the suite: a fresh seed per run, `RAFTLAB_SEED=n` pins it; a failure
//! prints the seed and the command that replays it.
#![cfg(not(target_arch = "wasm32"))]

use raftlab::core::{Entry, Log, PersistentState};
use raftlab::sim::rng::Rng;
use raftlab::sim::service::StateMachine;
use raftlab_session::image::{self, Image, ImageError};
use raftlab_session::{Options, Page};

/// Mutated images per run: enough to reach every check, few enough for a debug `cargo test`.
const CASES: u64 = 1000;

mod common;

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

/// Runs `body` with the seed (`common::seeded`), naming this file in the replay command.
fn seeded(test: &str, body: impl FnOnce(u64)) {
    common::seeded("crafted_images", test, body)
}

/// A 5-node cluster that elected a leader, committed commands and took snapshots.
fn running_image() -> Image {
    let mut e = Page::new(Options::with_seed(7)).unwrap();
    e.advance(3_000).unwrap();
    for i in 0..25 {
        if e.leader().is_some() {
            e.request(&format!("cmd-{i}")).unwrap();
        }
        e.advance(200).unwrap();
    }
    e.image()
}

fn entry(term: u64) -> Entry {
    Entry {
        term,
        command: b"x".to_vec().into(),
    }
}

/// `image` with node `i`'s persisted state replaced by `state` and its service snapshot
/// made to cover exactly `state`'s lastIncludedIndex, so that only the raft state is wrong.
fn with_state(image: &Image, i: usize, state: &PersistentState) -> Image {
    let mut image = image.clone();
    image.persisters[i].raftstate = state.encode();
    image.persisters[i].snapshot = StateMachine {
        last_applied: state.log.snapshot_index(),
        count: 1,
        digest: 1,
    }
    .encode();
    image
}

/// Decode, restore, run: every step may refuse, none may panic. An image that decodes must
/// restore (the decoder's promise: a cluster is never half-loaded).
fn exercise(text: &str) -> Result<(), ImageError> {
    let image = image::decode(text)?;
    let mut e = Page::restore(&image)
        .unwrap_or_else(|err| panic!("decode accepted an image restore refuses: {err}"));
    let _ = e.state();
    for i in 0..4 {
        let _ = e.advance(500);
        let _ = e.request(&format!("after-{i}"));
        let _ = e.state();
        let _ = e.take_events();
    }
    Ok(())
}

/// The known crash: a snapshot index near u64::MAX with a valid checksum. Before the core
/// validated restored state, this wrapped `lastIncludedIndex + log length` and panicked (in
/// debug in `decode`, in release in `Page::restore`).
#[test]
fn an_image_with_a_snapshot_index_near_u64_max_is_refused_with_a_clear_message() {
    let good = running_image();
    for (snapshot_index, entries) in [
        (u64::MAX - 1, 3),
        (u64::MAX, 0),
        (u64::MAX, 1),
        (u64::MAX - 2, 2),
        (1 << 63, 0),
    ] {
        let state = PersistentState {
            current_term: 9,
            voted_for: None,
            log: Log::new(snapshot_index, 9, (0..entries).map(|_| entry(9)).collect()),
        };
        let text = image::encode(&with_state(&good, 1, &state));
        let err = exercise(&text).expect_err("the image must be refused");
        let message = err.to_string();
        assert!(matches!(err, ImageError::Inconsistent(_)), "{message}");
        assert!(
            message
                .starts_with("stored cluster image is inconsistent: S2's raft state is invalid:"),
            "{message}"
        );
        assert!(message.contains("index"), "{message}");
    }
}

#[test]
fn each_invalid_raft_state_is_refused_and_says_what_is_wrong() {
    let good = running_image();
    let s =
        |current_term, voted_for, snapshot_index, snapshot_term, terms: &[u64]| PersistentState {
            current_term,
            voted_for,
            log: Log::new(
                snapshot_index,
                snapshot_term,
                terms.iter().map(|&t| entry(t)).collect(),
            ),
        };
    for (state, expected) in [
        (s(3, Some(5), 0, 0, &[]), "votedFor"),
        (s(3, Some(usize::MAX), 0, 0, &[]), "votedFor"),
        (s(0, Some(1), 0, 0, &[]), "votedFor"),
        (s(u64::MAX, None, 0, 0, &[]), "currentTerm"),
        (s(3, None, 4, 0, &[]), "lastIncludedTerm"),
        (s(3, None, 0, 2, &[]), "lastIncludedTerm"),
        (s(3, None, 4, 5, &[]), "currentTerm"),
        (s(3, None, 4, 2, &[1]), "term"),
        (s(3, None, 0, 0, &[1, 2, 1]), "index 3"),
        (s(3, None, 0, 0, &[0]), "term 0"),
        (s(3, None, 0, 0, &[1, 4]), "currentTerm"),
        (s(3, None, (1 << 53) - 1, 1, &[1]), "out of range"),
        (s(1 << 53, None, 0, 0, &[]), "out of range"),
    ] {
        let text = image::encode(&with_state(&good, 0, &state));
        let err = exercise(&text).expect_err("the image must be refused");
        let message = err.to_string();
        assert!(
            message.starts_with("stored cluster image is inconsistent: S1's"),
            "{state:?}: {message}"
        );
        assert!(message.contains(expected), "{state:?}: {message}");
    }
    // The same states, made consistent, restore.
    for state in [
        s(3, Some(4), 0, 0, &[]),
        s(3, None, 4, 2, &[2, 3]),
        s(3, None, 0, 0, &[1, 1, 3]),
    ] {
        let text = image::encode(&with_state(&good, 0, &state));
        exercise(&text).unwrap_or_else(|e| panic!("{state:?}: {e}"));
    }
}

/// Values that break arithmetic: the edges of u64, of i64 and of JavaScript's safe integers.
fn extreme(rng: &mut Rng) -> u64 {
    const EDGES: [u64; 12] = [
        0,
        1,
        2,
        3,
        (1 << 53) - 1,
        1 << 53,
        (1 << 63) - 1,
        1 << 63,
        u64::MAX - 2,
        u64::MAX - 1,
        u64::MAX,
        u32::MAX as u64 + 1,
    ];
    match rng.below(4) {
        0 => rng.next_u64(),
        1 => rng.below(20),
        _ => EDGES[rng.below(EDGES.len() as u64) as usize],
    }
}

/// A raft state with fields drawn from extremes and from small plausible values.
fn crafted_state(rng: &mut Rng, base: &PersistentState) -> PersistentState {
    let mut s = base.clone();
    let entries: Vec<Entry> = (0..rng.below(5)).map(|_| entry(extreme(rng))).collect();
    let (mut index, mut term) = (s.log.snapshot_index(), s.log.snapshot_term());
    match rng.below(6) {
        0 => s.current_term = extreme(rng),
        1 => s.voted_for = Some(extreme(rng) as usize),
        2 => index = extreme(rng),
        3 => term = extreme(rng),
        4 => {
            index = extreme(rng);
            term = extreme(rng);
        }
        _ => {
            s.current_term = extreme(rng);
            index = extreme(rng);
            term = extreme(rng);
        }
    }
    s.log = Log::new(index, term, entries);
    s
}

/// A state that breaks no rule but sits at the edges: terms and indices up to JavaScript's
/// largest safe integer, which the page accepts and must then run.
fn edgy_valid_state(rng: &mut Rng, nodes: usize) -> PersistentState {
    const SAFE: u64 = (1 << 53) - 1;
    let pick = |rng: &mut Rng, values: &[u64]| values[rng.below(values.len() as u64) as usize];
    let current_term = pick(rng, &[1, 2, 5, SAFE - 1, SAFE]);
    let entries = rng.below(4);
    let snapshot_index = pick(rng, &[0, 1, 10, SAFE - 5, SAFE - entries]);
    let snapshot_term = match snapshot_index {
        0 => 0,
        _ => rng.between(1, current_term),
    };
    let mut term = snapshot_term.max(1);
    let entries = (0..entries)
        .map(|_| {
            term = rng.between(term, current_term);
            entry(term)
        })
        .collect();
    PersistentState {
        current_term,
        voted_for: (rng.below(2) == 0).then(|| rng.below(nodes as u64) as usize),
        log: Log::new(snapshot_index, snapshot_term, entries),
    }
}

/// Byte-level damage: flip, overwrite with 0xff, insert, delete, truncate.
fn mutate_bytes(rng: &mut Rng, bytes: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(bytes.len() as u64 + 1) as usize;
        match rng.below(5) {
            0 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
            1 if at < bytes.len() => bytes[at] = 0xff,
            2 => bytes.insert(at, rng.next_u64() as u8),
            3 if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => bytes.truncate(at),
        }
    }
}

/// The image's framing around `payload`, with the checksums computed (as `image::encode`).
fn frame(payload: &[u8]) -> String {
    use base64::Engine as _;
    let crc = |b: &[u8]| {
        let mut h = crc32fast::Hasher::new();
        h.update(b);
        h.finalize()
    };
    let mut bytes = b"RLIM".to_vec();
    bytes.push(image::FORMAT_VERSION as u8);
    bytes.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&crc(payload).to_le_bytes());
    let header_crc = crc(&bytes);
    bytes.extend_from_slice(&header_crc.to_le_bytes());
    bytes.extend_from_slice(payload);
    format!(
        "{}{}:{}",
        image::PREFIX,
        image::FORMAT_VERSION,
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    )
}

#[test]
fn crafted_and_mutated_images_with_valid_checksums_never_panic() {
    seeded(
        "crafted_and_mutated_images_with_valid_checksums_never_panic",
        |seed| {
            let good = running_image();
            let mut rng = Rng::new(seed);
            let (mut accepted, mut refused) = (0, 0);
            for case in 0..CASES {
                let node = rng.below(good.persisters.len() as u64) as usize;
                let base = PersistentState::decode(&good.persisters[node].raftstate).unwrap();
                let text = match rng.below(5) {
                    // Crafted fields in one node's raft state, its snapshot kept consistent.
                    0 | 1 => {
                        image::encode(&with_state(&good, node, &crafted_state(&mut rng, &base)))
                    }
                    // Valid states at the edges, in several nodes: these must restore.
                    2 => {
                        let mut image = good.clone();
                        for node in 0..image.persisters.len() {
                            if rng.below(2) == 0 {
                                let state = edgy_valid_state(&mut rng, image.persisters.len());
                                image = with_state(&image, node, &state);
                            }
                        }
                        let text = image::encode(&image);
                        if let Err(e) = image::decode(&text) {
                            panic!("case {case}: a valid image is refused: {e}");
                        }
                        text
                    }
                    // Damaged raft state bytes.
                    3 => {
                        let mut image = good.clone();
                        mutate_bytes(&mut rng, &mut image.persisters[node].raftstate);
                        image::encode(&image)
                    }
                    // Damaged payload bytes, checksums recomputed.
                    _ => {
                        let mut payload = postcard::to_allocvec(&good).unwrap();
                        mutate_bytes(&mut rng, &mut payload);
                        frame(&payload)
                    }
                };
                match catch_unwind(AssertUnwindSafe(|| exercise(&text))) {
                    Ok(Ok(())) => accepted += 1,
                    Ok(Err(_)) => refused += 1,
                    Err(panic) => {
                        eprintln!("case {case} panicked on the image:\n  {text}");
                        resume_unwind(panic);
                    }
                }
            }
            println!("seed {seed}: {CASES} images, {accepted} restored and ran, {refused} refused");
            assert!(
                accepted > 0 && refused > 0,
                "accepted {accepted}, refused {refused}"
            );
        },
    );
}
