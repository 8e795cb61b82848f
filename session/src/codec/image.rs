//! The stored cluster image: what `saveImage()` writes to localStorage and `Cluster.restore`
//! reads back.
//!
//! The frame is the crate's shared codec (`codec`, `Format::IMAGE_V1`),
//! the one a run's link uses too.
//!
//! Text form: `raftlab-image/<version>:<base64>` (standard alphabet, padded). The version is in
//! the clear so that a page can tell "another version" from "damaged" before decoding anything.
//!
//! The base64 decodes to (all integers little-endian):
//!
//! | bytes | field                                                      |
//! |-------|------------------------------------------------------------|
//! | 4     | magic `RLIM`                                               |
//! | 1     | format version (must equal the text's)                     |
//! | 4     | payload length in bytes (u32)                              |
//! | 4     | CRC-32 (IEEE) of the payload                               |
//! | 4     | CRC-32 of the 13 header bytes before it                    |
//! | n     | payload: `PayloadV1`, encoded with postcard                |
//!
//! `decode` checks, in this order, and fails with a distinct message for each: not ours (no
//! prefix), another version, truncated (fewer bytes than the header says), corrupt (bad base64,
//! header, checksum, or a payload that does not decode), inconsistent (valid bytes that cannot be
//! a cluster: node count, timing, a node's raft state or snapshot that does not decode, a raft
//! state that breaks a rule of the core's `PersistentState::validate`, terms or indices past
//! JavaScript's safe integers). Only an image that passes all of them is handed back, so a
//! cluster is never half-loaded.

use crate::codec::{self, Format, FrameError};
use crate::run::options::{Network, Options, NODES_MAX, NODES_MIN, SAFE_INTEGER_MAX};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use raftlab::core::{PersistentState, RestoreError};
use raftlab::sim::service::StateMachine;
use raftlab::sim::Simulation;
use serde::{Deserialize, Serialize};

/// The frame (prefix, magic, checksums, base64) is the session crate's shared codec.
const FORMAT: Format = Format::IMAGE_V1;
/// The format this build writes and reads.
pub const FORMAT_VERSION: u64 = FORMAT.version as u64;
/// Every image starts with this, then the version and a colon.
pub const PREFIX: &str = FORMAT.prefix;

/// The options of the stored cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredOptions {
    pub nodes: u32,
    pub seed: u64,
    pub election_timeout_ms: u64,
    pub heartbeat_ms: u64,
    /// 0: never snapshot.
    pub snapshot_every: u64,
}

impl StoredOptions {
    pub fn of(o: &Options) -> StoredOptions {
        StoredOptions {
            nodes: o.nodes as u32,
            seed: o.seed,
            election_timeout_ms: o.election_timeout_ms,
            heartbeat_ms: o.heartbeat_ms,
            snapshot_every: o.snapshot_every,
        }
    }

    pub fn to_options(&self) -> Options {
        Options {
            nodes: self.nodes as usize,
            seed: self.seed,
            election_timeout_ms: self.election_timeout_ms,
            heartbeat_ms: self.heartbeat_ms,
            snapshot_every: self.snapshot_every,
        }
    }
}

/// The network settings of the stored cluster (the page's sliders).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredNetwork {
    pub drop_permille: u32,
    pub delay_ms_min: u64,
    pub delay_ms_max: u64,
    pub long_reordering: bool,
}

impl StoredNetwork {
    pub fn of(n: &Network) -> StoredNetwork {
        StoredNetwork {
            drop_permille: n.drop_permille,
            delay_ms_min: n.delay_ms_min,
            delay_ms_max: n.delay_ms_max,
            long_reordering: n.long_reordering,
        }
    }

    pub fn to_network(&self) -> Network {
        Network {
            drop_permille: self.drop_permille,
            delay_ms_min: self.delay_ms_min,
            delay_ms_max: self.delay_ms_max,
            long_reordering: self.long_reordering,
        }
    }
}

/// One node's persister: 6.5840's raftstate and snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPersister {
    #[serde(with = "bytes")]
    pub raftstate: Vec<u8>,
    #[serde(with = "bytes")]
    pub snapshot: Vec<u8>,
}

/// Format version 1's payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub options: StoredOptions,
    pub now_ms: u64,
    pub network: StoredNetwork,
    pub persisters: Vec<StoredPersister>,
}

impl Image {
    /// The image of `sim` (made with `options`, its network `network`): every node's persister.
    pub fn of(sim: &Simulation, options: &Options, network: &Network) -> Image {
        Image {
            options: StoredOptions::of(options),
            now_ms: sim.now_ms(),
            network: StoredNetwork::of(network),
            persisters: (0..sim.len())
                .map(|i| {
                    let p = &sim.node(i).persister;
                    StoredPersister {
                        raftstate: p.raftstate().to_vec(),
                        snapshot: p.snapshot().to_vec(),
                    }
                })
                .collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// Not a raftlab image at all.
    Foreign,
    /// A raftlab image of another format version.
    Version(u64),
    /// Cut short: the detail says how much is there.
    Truncated(String),
    /// Damaged: the detail says what does not check out.
    Corrupt(String),
    /// Intact, but not a cluster this page can run.
    Inconsistent(String),
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::Foreign => f.write_str("stored data is not a raftlab cluster image"),
            ImageError::Version(v) => {
                write!(f, "stored cluster image has format version {v}; this page reads version {FORMAT_VERSION}")
            }
            ImageError::Truncated(d) => write!(f, "stored cluster image is truncated ({d})"),
            ImageError::Corrupt(d) => write!(f, "stored cluster image is corrupt ({d})"),
            ImageError::Inconsistent(d) => write!(f, "stored cluster image is inconsistent: {d}"),
        }
    }
}

impl core::error::Error for ImageError {}

/// The image as text.
pub fn encode(image: &Image) -> String {
    encode_version(image, FORMAT_VERSION as u8)
}

/// The image as text, labelled with `version` (tests build "other version" images with it).
pub fn encode_version(image: &Image, version: u8) -> String {
    let payload = postcard::to_allocvec(image).expect("encoding into a Vec cannot fail");
    codec::encode(&Format { version, ..FORMAT }, &payload)
}

pub fn decode(text: &str) -> Result<Image, ImageError> {
    let payload = codec::decode(&FORMAT, text).map_err(|e| match e {
        FrameError::Foreign => ImageError::Foreign,
        FrameError::Version(v) => ImageError::Version(v),
        FrameError::Truncated(detail) => ImageError::Truncated(detail),
        FrameError::Corrupt(detail) => ImageError::Corrupt(detail),
    })?;
    let payload = &payload[..];
    let image: Image = match postcard::take_from_bytes(payload) {
        Ok((image, [])) => image,
        Ok((_, rest)) => {
            return Err(ImageError::Corrupt(format!(
                "{} undecoded bytes after the payload",
                rest.len()
            )))
        }
        Err(e) => {
            return Err(ImageError::Corrupt(format!(
                "the payload does not decode: {e}"
            )))
        }
    };
    check(&image).map_err(ImageError::Inconsistent)?;
    Ok(image)
}

/// Intact bytes that must also make a cluster.
fn check(image: &Image) -> Result<(), String> {
    let nodes = image.options.nodes as usize;
    if !(NODES_MIN..=NODES_MAX).contains(&nodes) {
        return Err(format!(
            "it has {nodes} nodes; a cluster has {NODES_MIN}..{NODES_MAX}"
        ));
    }
    if image.persisters.len() != nodes {
        return Err(format!(
            "it has {nodes} nodes but {} persisters",
            image.persisters.len()
        ));
    }
    image.options.to_options().validate()?;
    image.network.to_network().validate()?;
    if image.now_ms > SAFE_INTEGER_MAX {
        return Err(format!("its time {} ms is out of range", image.now_ms));
    }
    for (i, p) in image.persisters.iter().enumerate() {
        let s = i + 1;
        // The core's rules for a stored raft state (PersistentState::validate): terms,
        // votedFor, index ranges, snapshot metadata, entry terms.
        let state = PersistentState::restore(&p.raftstate, nodes).map_err(|e| match e {
            RestoreError::Decode(e) => format!("S{s}'s raft state does not decode: {e}"),
            RestoreError::Invalid(e) => format!("S{s}'s raft state is invalid: {e}"),
        })?;
        let log = &state.log;
        // Terms and indices must also stay exact as JavaScript numbers: the page shows them.
        if state.current_term > SAFE_INTEGER_MAX || log.last_index() > SAFE_INTEGER_MAX {
            return Err(format!(
                "S{s}'s term or log index is out of range (currentTerm {}, last log index {}; at most 2^53 - 1)",
                state.current_term,
                log.last_index()
            ));
        }
        let service = StateMachine::decode(&p.snapshot)
            .map_err(|e| format!("S{s}'s snapshot does not decode: {e}"))?;
        if service.last_applied != log.snapshot_index() {
            return Err(format!(
                "S{s}'s snapshot covers index {} but its log says lastIncludedIndex {}",
                service.last_applied,
                log.snapshot_index()
            ));
        }
    }
    Ok(())
}

/// Byte strings as postcard byte arrays (length + raw bytes) rather than sequences of numbers.
mod bytes {
    use alloc::vec::Vec;
    use core::fmt;
    use serde::de::{Deserializer, Error, SeqAccess, Visitor};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    struct BytesVisitor;

    impl<'de> Visitor<'de> for BytesVisitor {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a byte string")
        }
        fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::new();
            while let Some(b) = seq.next_element()? {
                out.push(b);
            }
            Ok(out)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        d.deserialize_byte_buf(BytesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;
    use raftlab::sim::{Input, Simulation};

    /// A 5-node cluster's image after 8 s of client load: commands committed, snapshots taken.
    fn running_cluster_image() -> Image {
        let options = Options::with_seed(7);
        let network = Network::DEFAULT;
        let mut sim = Simulation::new(options.sim_config(options.seed, network.net_config()))
            .expect("valid options");
        sim.apply(Input::ClientLoad { per_second: 20 })
            .expect("valid load");
        sim.run_until(8_000);
        Image::of(&sim, &options, &network)
    }

    #[test]
    fn foreign_data_is_not_ours() {
        for text in [
            "",
            "garbage",
            "{\"hello\":1}",
            "raftlab",
            "RAFTLAB-IMAGE/1:AAAA",
        ] {
            assert_eq!(decode(text), Err(ImageError::Foreign), "{text:?}");
        }
        assert_eq!(
            decode("x").unwrap_err().to_string(),
            "stored data is not a raftlab cluster image"
        );
    }

    #[test]
    fn other_versions_say_which() {
        let image = running_cluster_image();
        let v2 = encode_version(&image, 2);
        assert_eq!(decode(&v2), Err(ImageError::Version(2)));
        assert_eq!(
            decode(&v2).unwrap_err().to_string(),
            "stored cluster image has format version 2; this page reads version 1"
        );
        assert_eq!(
            decode("raftlab-image/17:whatever"),
            Err(ImageError::Version(17))
        );
    }

    #[test]
    fn truncation_anywhere_is_reported_as_truncation() {
        let text = encode(&running_cluster_image());
        let header = PREFIX.len() + 2;
        // Any cut after the text header that loses data (cutting only base64 padding loses none).
        let data_end = text.trim_end_matches('=').len();
        for cut in (header + 1..data_end)
            .step_by(7)
            .chain([text.len() / 2, data_end - 1])
        {
            let err = decode(&text[..cut]).unwrap_err();
            assert!(
                matches!(err, ImageError::Truncated(_)),
                "cut at {cut}: {err}"
            );
            assert!(
                err.to_string()
                    .starts_with("stored cluster image is truncated"),
                "{err}"
            );
        }
        assert!(matches!(
            decode("raftlab-image/1"),
            Err(ImageError::Truncated(_))
        ));
        assert!(matches!(
            decode("raftlab-image/1:"),
            Err(ImageError::Truncated(_))
        ));
    }

    #[test]
    fn corruption_is_caught_by_the_checksums() {
        let text = encode(&running_cluster_image());
        let header = PREFIX.len() + 2;
        let mut caught = 0;
        // Up to the last quad, whose low bits may be padding bits the decoder ignores.
        for at in (header..text.len() - 4).step_by(5).chain([text.len() / 2]) {
            let mut chars: Vec<char> = text.chars().collect();
            chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
            let bad: String = chars.into_iter().collect();
            let err = decode(&bad).unwrap_err();
            // A flip inside the length field may read as a cut; anything else is corruption.
            assert!(
                matches!(err, ImageError::Corrupt(_) | ImageError::Truncated(_)),
                "flip at {at}: {err}"
            );
            caught += matches!(err, ImageError::Corrupt(_)) as usize;
        }
        assert!(caught > 0);
        let mut chars: Vec<char> = text.chars().collect();
        let mid = text.len() / 2;
        chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
        let bad: String = chars.into_iter().collect();
        assert_eq!(
            decode(&bad).unwrap_err().to_string(),
            "stored cluster image is corrupt (checksum mismatch)"
        );
        // Not base64 at all after a good header.
        let bad = format!("{}!{}", &text[..mid], &text[mid + 1..]);
        assert!(matches!(decode(&bad), Err(ImageError::Corrupt(_))));
    }

    #[test]
    fn inconsistent_images_are_refused() {
        let mut image = running_cluster_image();
        image.options.nodes = 12;
        let err = decode(&encode(&image)).unwrap_err();
        assert!(matches!(err, ImageError::Inconsistent(_)), "{err}");
        assert!(err.to_string().contains("12 nodes"), "{err}");

        let mut image = running_cluster_image();
        image.persisters[2].raftstate = vec![0xff; 3];
        let err = decode(&encode(&image)).unwrap_err();
        assert!(
            err.to_string().contains("S3's raft state does not decode"),
            "{err}"
        );

        let mut image = running_cluster_image();
        image.persisters.pop();
        assert!(matches!(
            decode(&encode(&image)),
            Err(ImageError::Inconsistent(_))
        ));

        let mut image = running_cluster_image();
        image.options.heartbeat_ms = 500;
        assert!(matches!(
            decode(&encode(&image)),
            Err(ImageError::Inconsistent(_))
        ));
    }
}
