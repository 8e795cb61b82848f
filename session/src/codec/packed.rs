//! A run file in the compact form the page's main wasm module reads and writes, so that it
//! needs no JSON reader: everything a `RunFile` holds (the run, title, captions, end and trace
//! digest) as postcard in a `codec` frame, `raftlab-file/1:<standard base64>`, magic `RLFL`.
//!
//! The JSON run file (`file`, feature `json`) is turned into this form and back by the page's
//! second module, `raftlab-files` (loaded on the first run file opened or exported): it reads
//! the JSON with all of `RunFile::read`'s checks, then packs it. `decode` checks again what a
//! `RunFile` must satisfy (the frame, the payload read exactly, `Run::validate`, the captions'
//! and title's limits and order, the end), so any text gets a run file or an error that says
//! what is wrong; it never panics. The version in the frame tells a main module and a reader
//! of different builds apart (a cached old module, say).

use crate::codec::file::{Caption, FileError, RunFile, RUN_FILE_BYTES_MAX};
use crate::codec::{self, Alphabet, Format};
use crate::run::validate::{RunError, INPUTS_MAX};
use crate::run::Run;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use raftlab::sim::{Input, SimConfig, SimConfigV1, Stamp};
use serde::{Deserialize, Serialize};

/// The packed run file's frame.
pub const PACKED_FORMAT: Format = Format {
    prefix: "raftlab-file/",
    separator: ':',
    magic: *b"RLFL",
    version: 2,
    alphabet: Alphabet::Standard,
};
/// Packed files of runs without an in-flight cap: those written before it read as runs with
/// none; a run without one is written in it.
pub const PACKED_FORMAT_V1: Format = Format {
    version: 1,
    ..PACKED_FORMAT
};

/// The longest packed text `decode` reads, in characters: the packed form of the largest run
/// file read (`RUN_FILE_BYTES_MAX`) is at most its bytes in base64 (each payload byte comes
/// from at least one byte of JSON).
pub const PACKED_CHARS_MAX: usize = RUN_FILE_BYTES_MAX / 3 * 4 + 64;

/// Version 2's payload: version 1's with the timing's in-flight cap.
#[derive(Serialize, Deserialize)]
struct PackedV2 {
    config: SimConfig,
    inputs: Vec<(Stamp, Input)>,
    title: Option<String>,
    captions: Vec<(Stamp, String)>,
    end: Option<Stamp>,
    trace_digest: Option<u64>,
}

impl From<PackedV1> for PackedV2 {
    fn from(v1: PackedV1) -> PackedV2 {
        PackedV2 {
            config: v1.config.into(),
            inputs: v1.inputs,
            title: v1.title,
            captions: v1.captions,
            end: v1.end,
            trace_digest: v1.trace_digest,
        }
    }
}

/// Version 1's payload.
#[derive(Serialize, Deserialize)]
struct PackedV1 {
    config: SimConfigV1,
    inputs: Vec<(Stamp, Input)>,
    title: Option<String>,
    captions: Vec<(Stamp, String)>,
    end: Option<Stamp>,
    trace_digest: Option<u64>,
}

/// `file` as packed text.
pub fn encode(file: &RunFile) -> String {
    let payload = PackedV2 {
        config: file.run.config.clone(),
        inputs: file.run.inputs.clone(),
        title: file.title.clone(),
        captions: file
            .captions
            .iter()
            .map(|c| (c.at, c.text.clone()))
            .collect(),
        end: file.end,
        trace_digest: file.trace_digest,
    };
    // A run without an in-flight cap (one recorded before it) is written as version 1.
    let (format, bytes) = match SimConfigV1::of(&payload.config) {
        Some(config) => (
            &PACKED_FORMAT_V1,
            postcard::to_allocvec(&PackedV1 {
                config,
                inputs: payload.inputs,
                title: payload.title,
                captions: payload.captions,
                end: payload.end,
                trace_digest: payload.trace_digest,
            }),
        ),
        None => (&PACKED_FORMAT, postcard::to_allocvec(&payload)),
    };
    codec::encode(format, &bytes.expect("encoding into a Vec cannot fail"))
}

/// The run file in packed `text`, checked (see the module documentation).
pub fn decode(text: &str) -> Result<RunFile, FileError> {
    if text.len() > PACKED_CHARS_MAX {
        return Err(FileError::Document(
            crate::codec::document::DocumentError::TooLarge { bytes: text.len() },
        ));
    }
    let field = |what: String| FileError::field(format!("{what} (in its packed form)"));
    let frame =
        |format| codec::decode(format, text).map_err(|e| field(format!("a frame that {e}")));
    fn exactly<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
        match postcard::take_from_bytes(bytes) {
            Ok((payload, [])) => Ok(payload),
            Ok((_, rest)) => Err(format!("{} bytes left over", rest.len())),
            Err(e) => Err(format!("fields that do not read: {e}")),
        }
    }
    let payload: PackedV2 = match codec::decode(&PACKED_FORMAT, text) {
        Err(codec::FrameError::Version(1)) => exactly::<PackedV1>(&frame(&PACKED_FORMAT_V1)?)
            .map_err(field)?
            .into(),
        _ => exactly(&frame(&PACKED_FORMAT)?).map_err(field)?,
    };
    if payload.inputs.len() > INPUTS_MAX {
        return Err(FileError::Run(RunError::TooManyInputs {
            count: payload.inputs.len(),
        }));
    }
    let file = RunFile {
        title: payload.title,
        run: Run {
            config: payload.config,
            inputs: payload.inputs,
        },
        captions: payload
            .captions
            .into_iter()
            .map(|(at, text)| Caption { at, text })
            .collect(),
        end: payload.end,
        trace_digest: payload.trace_digest,
    };
    file.check()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::{decode, encode, PACKED_FORMAT};
    use crate::codec;
    use crate::codec::file::{Caption, FileError, RunFile, CAPTION_CHARS_MAX};
    use crate::testing::fixture::session;
    use alloc::string::{String, ToString};
    use alloc::vec;
    use raftlab::sim::rng::Rng;
    use raftlab::sim::{Input, Stamp};

    fn fixture() -> RunFile {
        let mut session = session();
        let _ = session.apply(Input::Request {
            node: 2,
            command: vec![0, 159, 255],
        });
        session.run_until(41_000);
        let end = session.sim().stamp();
        RunFile {
            title: Some("the fixture".to_string()),
            captions: vec![
                Caption {
                    at: Stamp::default(),
                    text: "start".to_string(),
                },
                Caption {
                    at: end,
                    text: "the end".to_string(),
                },
            ],
            end: Some(end),
            trace_digest: Some(session.sim().trace_digest()),
            run: session.into_run(),
        }
    }

    #[test]
    fn a_run_file_packed_and_unpacked_is_the_same_run_file_and_replays_to_its_digest() {
        let file = fixture();
        let text = encode(&file);
        assert!(text.starts_with("raftlab-file/2:"), "{text}");
        let back = decode(&text).expect("a packed text this build wrote");
        assert_eq!(back, file);
        let sim = back.run.replay_to(back.end.unwrap()).expect("valid run");
        assert_eq!(Some(sim.trace_digest()), back.trace_digest);
    }

    #[test]
    fn a_run_file_without_the_in_flight_cap_packs_as_version_1_and_reads_back_without_it() {
        let mut file = fixture();
        file.run.config.timing.append_entries_in_flight_max = None;
        let text = encode(&file);
        assert!(text.starts_with("raftlab-file/1:"), "{text}");
        let back = decode(&text).expect("a version 1 packed text");
        assert_eq!(back.run.config.timing.append_entries_in_flight_max, None);
        assert_eq!(back, file);
    }

    #[test]
    fn a_damaged_or_inconsistent_packed_run_file_gets_an_error_that_says_what_is_wrong() {
        let text = encode(&fixture());
        let mut late_caption = fixture();
        late_caption.captions.swap(0, 1);
        let mut long_title = fixture();
        long_title.title = Some("x".repeat(CAPTION_CHARS_MAX + 1));
        let mut early_end = fixture();
        early_end.end = Some(Stamp::default());
        let mut bad_node = fixture();
        bad_node.run.inputs.push((
            early_end.run.inputs.last().unwrap().0,
            Input::Crash { node: 9 },
        ));
        let cases: [(&str, String, &str); 7] = [
            ("cut", text[..text.len() / 2].to_string(), "truncated"),
            ("not packed", "{\"format\": 1}".to_string(), "not"),
            (
                "another version",
                text.replacen("raftlab-file/2:", "raftlab-file/3:", 1),
                "version 3",
            ),
            (
                "captions out of order",
                encode(&late_caption),
                "caption 2 stamped before caption 1",
            ),
            (
                "a long title",
                encode(&long_title),
                "title 1 of 501 characters",
            ),
            (
                "an early end",
                encode(&early_end),
                "an \"end\" before its last input",
            ),
            (
                "a node it has not",
                encode(&bad_node),
                "names S10, but the cluster has S1..S5",
            ),
        ];
        for (what, text, says) in cases {
            let shown = decode(&text).expect_err(what).to_string();
            assert!(shown.contains(says), "{what}: {shown}");
        }
    }

    #[test]
    fn damaged_packed_texts_never_panic() {
        let text = encode(&fixture());
        let payload = codec::decode(&PACKED_FORMAT, &text).unwrap();
        let mut rng = Rng::new(7);
        for _ in 0..500 {
            // Bytes changed under a valid frame (the checksum would catch it otherwise).
            let mut bytes = payload.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len() as u64) as usize;
                bytes[at] = rng.below(256) as u8;
            }
            if rng.below(4) == 0 {
                bytes.truncate(rng.below(bytes.len() as u64) as usize);
            }
            match decode(&codec::encode(&PACKED_FORMAT, &bytes)) {
                Ok(file) => file.run.validate().expect("decode validates"),
                Err(
                    FileError::Document(crate::codec::document::DocumentError::Field(_))
                    | FileError::Run(_),
                ) => {}
                Err(e) => panic!("an unexpected error: {e}"),
            }
        }
    }
}
