//! A run as a link: a versioned, compact, URL-safe text of the run (config, seed, stamped
//! inputs) and, optionally, the moment shown (virtual ms).
//!
//! Text: `raftlab-run-1.<base64url>`, a `codec` frame (magic `RLRN`, CRC-32 checked) whose
//! payload is `LinkV1` in postcard: varints, stamps as differences from the previous one.
//! Every character is unreserved in a URL, so it goes in a query or a fragment as it is.
//! `decode` checks the frame, then that the payload decodes exactly, then `Run::validate` and
//! the position: any text gets either a run that replays or a `LinkError` that says what is
//! wrong. It never panics.

use crate::codec::{self, Alphabet, Format, FrameError};
use crate::run::validate::{check_position, RunError, INPUTS_MAX};
use crate::run::Run;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use raftlab::sim::{Input, SimConfig, SimConfigV1, Stamp};
use serde::{Deserialize, Serialize};

/// The link format this build writes and reads.
pub const LINK_FORMAT: Format = Format {
    prefix: "raftlab-run-",
    separator: '.',
    magic: *b"RLRN",
    version: 2,
    alphabet: Alphabet::UrlSafe,
};
/// Links of runs without an in-flight cap: those written before it read as runs with none,
/// so they replay as recorded; a run without one is written in it.
pub const LINK_FORMAT_V1: Format = Format {
    version: 1,
    ..LINK_FORMAT
};
/// The longest link text `decode` reads, in characters (a link of `INPUTS_MAX` small inputs
/// fits; browsers take URLs of a few MB).
pub const LINK_CHARS_MAX: usize = 2_000_000;

/// What a link holds: a run and, optionally, the virtual ms it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub run: Run,
    pub position_ms: Option<u64>,
}

/// Format version 2's payload: version 1's with the timing's in-flight cap.
#[derive(Serialize, Deserialize)]
struct LinkV2 {
    config: SimConfig,
    position_ms: Option<u64>,
    inputs: Vec<Step>,
}

/// Format version 1's payload.
#[derive(Serialize, Deserialize)]
struct LinkV1 {
    config: SimConfigV1,
    position_ms: Option<u64>,
    inputs: Vec<Step>,
}

impl From<LinkV1> for LinkV2 {
    fn from(v1: LinkV1) -> LinkV2 {
        LinkV2 {
            config: v1.config.into(),
            position_ms: v1.position_ms,
            inputs: v1.inputs,
        }
    }
}

/// `T` read from `bytes`, exactly.
fn payload<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, LinkError> {
    match postcard::take_from_bytes(bytes) {
        Ok((payload, [])) => Ok(payload),
        Ok((_, rest)) => Err(LinkError::Payload(alloc::format!(
            "{} bytes are left over",
            rest.len()
        ))),
        Err(e) => Err(LinkError::Payload(alloc::format!("{e}"))),
    }
}

/// An input and how far its stamp is past the previous input's (the first: past 0).
#[derive(Serialize, Deserialize)]
struct Step {
    after_ms: u64,
    after_actions: u64,
    input: Input,
}

/// Why a text is not a link this build can play.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Longer than `LINK_CHARS_MAX`.
    TooLong { chars: usize },
    /// The frame: not a link, another version, truncated or corrupt.
    Frame(FrameError),
    /// The frame checks out but its payload does not decode (written by a broken encoder).
    Payload(String),
    /// The run it holds cannot be replayed.
    Run(RunError),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::TooLong { chars } => write!(
                f,
                "the link is {chars} characters long; at most {LINK_CHARS_MAX} are read"
            ),
            LinkError::Frame(FrameError::Foreign) => f.write_str(
                "this is not a raftlab run link (it should start with \"raftlab-run-\")",
            ),
            LinkError::Frame(FrameError::Version(v)) => write!(
                f,
                "the link is of format version {v}; this page reads version {}",
                LINK_FORMAT.version
            ),
            LinkError::Frame(e) => write!(f, "the link {e}: was it copied whole?"),
            LinkError::Payload(d) => write!(f, "the link's run does not decode: {d}"),
            LinkError::Run(e) => write!(f, "the link's run cannot be replayed: {e}"),
        }
    }
}

/// `run` (and the moment shown, if any) as link text.
pub fn encode(run: &Run, position_ms: Option<u64>) -> String {
    let mut last = Stamp::default();
    let inputs = run
        .inputs
        .iter()
        .map(|(stamp, input)| {
            // Stamps never go back (Run's invariant); saturate rather than trust it blindly.
            let step = Step {
                after_ms: stamp.at_ms.saturating_sub(last.at_ms),
                after_actions: stamp.actions.saturating_sub(last.actions),
                input: input.clone(),
            };
            last = *stamp;
            step
        })
        .collect();
    // A run without an in-flight cap (one recorded before it) is written as version 1, as
    // it was: the same text, which older pages also read.
    let (format, bytes) = match SimConfigV1::of(&run.config) {
        Some(config) => (
            &LINK_FORMAT_V1,
            postcard::to_allocvec(&LinkV1 {
                config,
                position_ms,
                inputs,
            }),
        ),
        None => (
            &LINK_FORMAT,
            postcard::to_allocvec(&LinkV2 {
                config: run.config.clone(),
                position_ms,
                inputs,
            }),
        ),
    };
    codec::encode(format, &bytes.expect("encoding into a Vec cannot fail"))
}

/// The link in `text`, checked through and through (see the module documentation).
pub fn decode(text: &str) -> Result<Link, LinkError> {
    let chars = text.len();
    if chars > LINK_CHARS_MAX {
        return Err(LinkError::TooLong { chars });
    }
    let payload: LinkV2 = match codec::decode(&LINK_FORMAT, text) {
        Err(FrameError::Version(1)) => {
            let bytes = codec::decode(&LINK_FORMAT_V1, text).map_err(LinkError::Frame)?;
            payload::<LinkV1>(&bytes)?.into()
        }
        bytes => payload(&bytes.map_err(LinkError::Frame)?)?,
    };
    if payload.inputs.len() > INPUTS_MAX {
        return Err(LinkError::Run(RunError::TooManyInputs {
            count: payload.inputs.len(),
        }));
    }
    let mut at = Stamp::default();
    let mut inputs = Vec::with_capacity(payload.inputs.len());
    for (index, step) in payload.inputs.into_iter().enumerate() {
        let (Some(at_ms), Some(actions)) = (
            at.at_ms.checked_add(step.after_ms),
            at.actions.checked_add(step.after_actions),
        ) else {
            return Err(LinkError::Run(RunError::StampTooLate {
                index,
                at_ms: u64::MAX,
            }));
        };
        at = Stamp { at_ms, actions };
        inputs.push((at, step.input));
    }
    let run = Run {
        config: payload.config,
        inputs,
    };
    run.validate().map_err(LinkError::Run)?;
    if let Some(at_ms) = payload.position_ms {
        check_position(at_ms).map_err(LinkError::Run)?;
    }
    Ok(Link {
        run,
        position_ms: payload.position_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::{decode, encode, Link, LinkError, LINK_FORMAT};
    use crate::codec::{self, FrameError};
    use crate::run::validate::RunError;
    use crate::run::Run;
    use crate::testing::fixture::{generated, session};
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;
    use raftlab::sim::rng::Rng;
    use raftlab::sim::{Input, Stamp};
    use std::println;

    #[test]
    fn a_run_through_a_link_replays_to_the_identical_trace_digest_and_position() {
        let session = session();
        let end = session.sim().stamp();
        let text = encode(session.run(), Some(end.at_ms));
        let link = decode(&text).expect("a link this build wrote");
        assert_eq!(&link.run, session.run());
        assert_eq!(link.position_ms, Some(end.at_ms));
        let replayed = link.run.replay_to(end).expect("valid run");
        assert_eq!(replayed.trace_digest(), session.sim().trace_digest());
    }

    /// A run of `config` with a burst of requests, played to 6 s.
    fn short_session(config: raftlab::sim::SimConfig) -> crate::run::session::Session {
        let mut session = crate::run::session::Session::new(config).expect("valid config");
        session.run_until(2_000);
        // A burst at the leader: more than a window of messages, had each its own.
        let node = session.sim().leader().expect("a leader after 2 s");
        for i in 0..10 {
            let _ = session.apply(Input::Request {
                node,
                command: alloc::vec![i; 3],
            });
        }
        let _ = session.apply(Input::ClientLoad { per_second: 50 });
        session.run_until(6_000);
        session
    }

    #[test]
    fn a_run_with_the_in_flight_cap_is_a_version_2_link_and_one_without_a_version_1_link() {
        use raftlab::core::APPEND_ENTRIES_IN_FLIGHT_MAX;
        let mut config = raftlab::sim::SimConfig::new(5, 41);
        assert_eq!(
            config.timing.append_entries_in_flight_max,
            Some(APPEND_ENTRIES_IN_FLIGHT_MAX),
            "new runs get the cap"
        );
        let capped = short_session(config.clone());
        let text = encode(capped.run(), Some(6_000));
        assert!(text.starts_with("raftlab-run-2."), "{text}");
        let link = decode(&text).expect("a link this build wrote");
        assert_eq!(&link.run, capped.run(), "the cap round-trips");
        let replayed = link.run.replay_to(capped.sim().stamp()).expect("valid run");
        assert_eq!(replayed.trace_digest(), capped.sim().trace_digest());

        config.timing.append_entries_in_flight_max = None;
        let uncapped = short_session(config);
        let text = encode(uncapped.run(), Some(6_000));
        assert!(
            text.starts_with("raftlab-run-1."),
            "written as before the cap: {text}"
        );
        let link = decode(&text).expect("a version 1 link");
        assert_eq!(link.run.config.timing.append_entries_in_flight_max, None);
        assert_eq!(&link.run, uncapped.run());
        let replayed = link
            .run
            .replay_to(uncapped.sim().stamp())
            .expect("valid run");
        assert_eq!(replayed.trace_digest(), uncapped.sim().trace_digest());
        assert_ne!(
            uncapped.sim().trace_digest(),
            capped.sim().trace_digest(),
            "the cap paces replication differently"
        );
    }

    #[test]
    fn a_five_minute_run_with_fifty_actions_fits_a_link_of_at_most_2_kb() {
        let session = generated(2026, 5, 50);
        let run = session.run();
        // Refused inputs (a crash of a crashed node, ...) are not recorded.
        let actions = run.inputs.len();
        assert!((40..=50).contains(&actions), "{actions} actions recorded");
        let text = encode(run, Some(session.sim().now_ms()));
        let empty = encode(&Run::new(run.config.clone()), Some(session.sim().now_ms()));
        let per_action = (text.len() - empty.len()) as f64 / actions as f64;
        println!(
            "link: {} characters for 5 virtual minutes and {actions} actions ({} without actions, {per_action:.1} per action)",
            text.len(),
            empty.len()
        );
        assert!(text.len() <= 2_048, "{} characters", text.len());
        let link = decode(&text).expect("valid");
        let replayed = link.run.replay_until(300_000).expect("valid run");
        assert_eq!(replayed.trace_digest(), session.sim().trace_digest());
    }

    /// A link whose payload is `run` as written, framed with a valid checksum.
    fn reframed(run: &Run) -> String {
        encode(run, None)
    }

    #[test]
    fn a_damaged_link_gets_an_error_that_says_what_is_wrong() {
        let run = session().into_run();
        let text = encode(&run, Some(1_000));
        let cut = &text[..text.len() / 2];
        let mut flipped: Vec<u8> = text.clone().into_bytes();
        let at = flipped.len() - 5;
        flipped[at] = if flipped[at] == b'a' { b'b' } else { b'a' };
        let flipped = String::from_utf8(flipped).expect("ascii");
        let newer = text.replacen("raftlab-run-2.", "raftlab-run-3.", 1);
        let mut crash_s9 = run.clone();
        crash_s9.inputs.push((
            Stamp {
                at_ms: 50_000,
                actions: 1 << 20,
            },
            Input::Crash { node: 8 },
        ));
        let mut flood = run.clone();
        flood.inputs.push((
            Stamp {
                at_ms: 50_000,
                actions: 1 << 20,
            },
            Input::ClientLoad { per_second: 5_000 },
        ));
        let mut ten_nodes = run.clone();
        ten_nodes.config.nodes = 10;
        let cases: [(&str, String, &str); 7] = [
            ("cut", cut.to_string(), "the link is truncated"),
            (
                "a character changed",
                flipped,
                "the link is corrupt (checksum mismatch)",
            ),
            (
                "another version",
                newer,
                "format version 3; this page reads version 2",
            ),
            (
                "not a link",
                "https://example.com/".to_string(),
                "not a raftlab run link",
            ),
            (
                "S9 of 5",
                reframed(&crash_s9),
                "names S9, but the cluster has S1..S5",
            ),
            (
                "a load of 5000/s",
                reframed(&flood),
                "asks for 5000 requests per second; at most 1000",
            ),
            (
                "10 nodes",
                reframed(&ten_nodes),
                "a cluster has 3 to 9 nodes, not 10",
            ),
        ];
        for (what, text, says) in cases {
            let error = decode(&text).expect_err(what);
            let shown = error.to_string();
            assert!(shown.contains(says), "{what}: {shown}");
        }
        assert!(matches!(
            decode(&encode(&run, Some(u64::MAX))),
            Err(LinkError::Run(RunError::PositionTooLate { .. }))
        ));
    }

    /// Seeds of the fuzz test: a fixed list, each printed if its case panics.
    const FUZZ_SEEDS: core::ops::Range<u64> = 1..41;
    /// Mutated links per seed.
    const CASES_PER_SEED: usize = 100;

    /// A run of random inputs and stamps (nothing simulated: the decoder is under test).
    fn random_run(rng: &mut Rng) -> Run {
        let nodes = 1 + rng.below(9) as usize;
        let mut run = Run::new(raftlab::sim::SimConfig::new(nodes, rng.next_u64()));
        let mut at = Stamp::default();
        for _ in 0..rng.below(40) {
            at.at_ms += rng.below(5_000);
            at.actions += rng.below(50_000);
            let node = rng.below(nodes as u64) as usize;
            let input = match rng.below(6) {
                0 => Input::Request {
                    node,
                    command: alloc::vec![7; rng.below(20) as usize],
                },
                1 => Input::Partition {
                    groups: alloc::vec![alloc::vec![node]],
                },
                2 => Input::ClientLoad {
                    per_second: rng.below(100) as u32,
                },
                3 => Input::SetNetwork {
                    net: raftlab::sim::NetConfig::LAB_UNRELIABLE,
                },
                4 => Input::DropMessage { id: rng.next_u64() },
                _ => Input::Timeout { node },
            };
            run.inputs.push((at, input));
        }
        run
    }

    #[test]
    fn mutated_and_truncated_links_never_panic_and_a_valid_decode_round_trips() {
        const ALPHABET: &[u8] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/";
        for seed in FUZZ_SEEDS {
            let result = std::panic::catch_unwind(|| {
                let mut rng = Rng::new(seed);
                for _ in 0..CASES_PER_SEED {
                    let run = random_run(&mut rng);
                    let mut text = encode(&run, Some(rng.below(1 << 40))).into_bytes();
                    match rng.below(4) {
                        0 => text.truncate(rng.below(text.len() as u64 + 1) as usize),
                        1 => {
                            for _ in 0..1 + rng.below(4) {
                                let at = rng.below(text.len() as u64) as usize;
                                text[at] = ALPHABET[rng.below(ALPHABET.len() as u64) as usize];
                            }
                        }
                        _ => {
                            // Damage the payload itself and frame it again with valid
                            // checksums, so postcard and the validation see the damage.
                            let mut bytes =
                                codec::decode(&LINK_FORMAT, core::str::from_utf8(&text).unwrap())
                                    .unwrap();
                            for _ in 0..1 + rng.below(4) {
                                let at = rng.below(bytes.len() as u64) as usize;
                                bytes[at] = rng.next_u64() as u8;
                            }
                            if rng.below(2) == 0 {
                                bytes.truncate(rng.below(bytes.len() as u64) as usize);
                            }
                            text = codec::encode(&LINK_FORMAT, &bytes).into_bytes();
                        }
                    }
                    let text = String::from_utf8(text).expect("ascii");
                    match decode(&text) {
                        Ok(Link { run, position_ms }) => {
                            run.validate().expect("decode validates");
                            assert_eq!(
                                decode(&encode(&run, position_ms)),
                                Ok(Link { run, position_ms })
                            );
                        }
                        Err(e) => assert!(!e.to_string().is_empty()),
                    }
                }
            });
            if let Err(panic) = result {
                println!("the link fuzz test failed at seed {seed}");
                std::panic::resume_unwind(panic);
            }
        }
        let _ = FrameError::Foreign;
    }
}
