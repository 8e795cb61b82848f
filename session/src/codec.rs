//! One versioned, checksummed text frame around bytes, for everything raftlab writes as text
//! (a run's link; the page's stored image can share it, see `Format::IMAGE_V1`).
//!
//! Text form: `<prefix><version><separator><base64>`. The version is in the clear so that a
//! reader can tell "another version" from "damaged" before decoding anything. The base64
//! decodes to (integers little-endian):
//!
//! | bytes | field                                   |
//! |-------|-----------------------------------------|
//! | 4     | magic                                   |
//! | 1     | format version (must equal the text's)  |
//! | 4     | payload length in bytes (u32)           |
//! | 4     | CRC-32 (IEEE) of the payload            |
//! | 4     | CRC-32 of the 13 header bytes before it |
//! | n     | payload                                 |
//!
//! `decode` checks, in this order, and fails with a distinct `FrameError` for each: not ours
//! (no prefix), another version, truncated (fewer bytes than the header says), corrupt (bad
//! base64, magic, header checksum, length or payload checksum). It never panics.

pub mod document;
pub mod file;
pub mod image;
pub mod link;
pub mod packed;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The header's length in bytes.
pub const HEADER_LEN: usize = 4 + 1 + 4 + 4 + 4;

/// Which base64 the text uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alphabet {
    /// `+` and `/`, padded with `=` (the stored image's form).
    Standard,
    /// `-` and `_`, unpadded: safe in a URL as it is.
    UrlSafe,
}

/// One kind of framed text: its prefix, separator, magic and version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Format {
    pub prefix: &'static str,
    /// Between the version and the base64.
    pub separator: char,
    pub magic: [u8; 4],
    pub version: u8,
    pub alphabet: Alphabet,
}

impl Format {
    /// The page's stored cluster image, version 1 (what `image.rs` writes):
    /// `raftlab-image/1:<standard base64>`, magic `RLIM`.
    pub const IMAGE_V1: Format = Format {
        prefix: "raftlab-image/",
        separator: ':',
        magic: *b"RLIM",
        version: 1,
        alphabet: Alphabet::Standard,
    };
}

/// Why a text is not a valid frame of its format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// It does not start with the format's prefix.
    Foreign,
    /// It is of another format version.
    Version(u64),
    /// Cut short: the detail says how much is there.
    Truncated(String),
    /// Damaged: the detail says what does not check out.
    Corrupt(String),
}

impl fmt::Display for FrameError {
    /// A clause to follow "the link", "the stored image", ...: "is truncated (...)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Foreign => f.write_str("is not raftlab's (its prefix is missing)"),
            FrameError::Version(v) => write!(f, "has format version {v}"),
            FrameError::Truncated(d) => write!(f, "is truncated ({d})"),
            FrameError::Corrupt(d) => write!(f, "is corrupt ({d})"),
        }
    }
}

/// `payload` framed as text in `format`.
pub fn encode(format: &Format, payload: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(&format.magic);
    bytes.push(format.version);
    bytes.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&crc32(payload).to_le_bytes());
    let header_crc = crc32(&bytes);
    bytes.extend_from_slice(&header_crc.to_le_bytes());
    bytes.extend_from_slice(payload);
    let body = encode_base64(format.alphabet, &bytes);
    format!(
        "{}{}{}{body}",
        format.prefix, format.version, format.separator
    )
}

/// The payload of a frame in `format`, checking everything (see the module documentation).
pub fn decode(format: &Format, text: &str) -> Result<Vec<u8>, FrameError> {
    let text = text.trim();
    let Some(rest) = text.strip_prefix(format.prefix) else {
        return Err(FrameError::Foreign);
    };
    let Some((version, body)) = rest.split_once(format.separator) else {
        return Err(if rest.bytes().all(|b| b.is_ascii_digit()) {
            FrameError::Truncated("it ends inside its header".into())
        } else {
            FrameError::Corrupt("its header has no format version".into())
        });
    };
    if version.is_empty() || version.len() > 9 || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FrameError::Corrupt(format!(
            "unreadable format version \"{}\"",
            version.escape_debug()
        )));
    }
    let version: u64 = version
        .parse()
        .map_err(|_| FrameError::Corrupt("unreadable format version".into()))?;
    if version != u64::from(format.version) {
        return Err(FrameError::Version(version));
    }
    let bytes = decode_base64(format.alphabet, body)?;
    if bytes.len() < HEADER_LEN {
        return Err(FrameError::Truncated(format!(
            "{} bytes, shorter than its {HEADER_LEN}-byte header",
            bytes.len()
        )));
    }
    if bytes[..4] != format.magic {
        return Err(FrameError::Corrupt("bad magic number".into()));
    }
    if crc32(&bytes[..13]) != u32_at(&bytes, 13) {
        return Err(FrameError::Corrupt("header checksum mismatch".into()));
    }
    if u64::from(bytes[4]) != version {
        return Err(FrameError::Corrupt(format!(
            "the header says format version {}, the text says {version}",
            bytes[4]
        )));
    }
    let len = u32_at(&bytes, 5) as usize;
    let payload = &bytes[HEADER_LEN..];
    if payload.len() < len {
        return Err(FrameError::Truncated(format!(
            "{} of its {len} payload bytes are there",
            payload.len()
        )));
    }
    if payload.len() > len {
        return Err(FrameError::Corrupt(format!(
            "{} bytes follow the {len}-byte payload",
            payload.len() - len
        )));
    }
    if crc32(payload) != u32_at(&bytes, 9) {
        return Err(FrameError::Corrupt("checksum mismatch".into()));
    }
    Ok(payload.to_vec())
}

/// CRC-32 (IEEE 802.3, as zlib's and crc32fast's), bytewise with a 256-entry table built per
/// call (about 2,000 steps). Not crc32fast: its 16 tables are 16 KiB of data that does not
/// compress, in the wasm module every visitor downloads (README, "Weight").
fn crc32(bytes: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (n, slot) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    let mut crc = !0u32;
    for &b in bytes {
        crc = table[((crc ^ b as u32) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Base64 that may have been cut anywhere: a prefix of a valid encoding decodes to a prefix of
/// the bytes, so truncation shows up as missing bytes rather than as bad base64.
fn decode_base64(alphabet: Alphabet, body: &str) -> Result<Vec<u8>, FrameError> {
    let data = body.trim_end_matches('=');
    if body.len() - data.len() > 2 {
        return Err(FrameError::Corrupt(
            "not valid base64: too much padding".into(),
        ));
    }
    let extra = symbols(alphabet);
    if let Some((at, c)) = data
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || extra.contains(&c)))
    {
        return Err(FrameError::Corrupt(format!(
            "not valid base64: character {c:?} at offset {at}"
        )));
    }
    // A single leftover character carries no whole byte: it can only be a cut.
    let data = if data.len() % 4 == 1 {
        &data[..data.len() - 1]
    } else {
        data
    };
    // Every character is of the alphabet and the length leaves whole bytes: it decodes, the
    // bits a last partial character carries beyond them ignored.
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a') as u32 + 26,
            b'0'..=b'9' => (c - b'0') as u32 + 52,
            _ if c as char == extra[0] => 62,
            _ => 63,
        }
    };
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 2);
    for chunk in data.as_bytes().chunks(4) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &c)| acc | value(c) << (18 - 6 * i));
        let bytes = [(bits >> 16) as u8, (bits >> 8) as u8, bits as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    Ok(out)
}

/// The two characters after A-Z, a-z and 0-9 in `alphabet`.
fn symbols(alphabet: Alphabet) -> [char; 2] {
    match alphabet {
        Alphabet::Standard => ['+', '/'],
        Alphabet::UrlSafe => ['-', '_'],
    }
}

/// `bytes` in base64: the standard alphabet padded with `=`, the URL-safe one unpadded (as
/// the base64 crate's STANDARD and URL_SAFE_NO_PAD engines, which an own 30 lines replace in
/// the page's wasm module: README, "Weight").
fn encode_base64(alphabet: Alphabet, bytes: &[u8]) -> String {
    let [c62, c63] = symbols(alphabet);
    let char_of = |v: u32| -> char {
        let v = (v & 63) as u8;
        match v {
            0..=25 => (b'A' + v) as char,
            26..=51 => (b'a' + v - 26) as char,
            52..=61 => (b'0' + v - 52) as char,
            62 => c62,
            _ => c63,
        }
    };
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char_of(bits >> (18 - 6 * i)));
        }
        if alphabet == Alphabet::Standard {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

/// Bytes as lowercase hex, two digits a byte (a run file's binary commands and snapshots).
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 * bytes.len());
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A u64 as 16 hex digits (trace and state digests).
pub fn hex64(x: u64) -> String {
    format!("{x:016x}")
}

/// `hex`'s bytes back, or None when `text` is not whole hex bytes.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{decode, encode, Alphabet, Format, FrameError};

    const TEST: Format = Format {
        prefix: "t-",
        separator: '.',
        magic: *b"TEST",
        version: 3,
        alphabet: Alphabet::UrlSafe,
    };

    /// `n` bytes from xorshift64 seeded with `seed` (not 0): the same on every run.
    fn pseudo_random_bytes(n: usize, mut seed: u64) -> alloc::vec::Vec<u8> {
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect()
    }

    #[test]
    fn base64_is_what_the_base64_crate_writes_and_reads_so_stored_texts_still_read() {
        use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
        use base64::Engine as _;
        for len in 0..200usize {
            let bytes = pseudo_random_bytes(len, 0x9E37_79B9_7F4A_7C15 ^ len as u64);
            for (alphabet, theirs) in [
                (Alphabet::Standard, STANDARD.encode(&bytes)),
                (Alphabet::UrlSafe, URL_SAFE_NO_PAD.encode(&bytes)),
            ] {
                let ours = super::encode_base64(alphabet, &bytes);
                assert_eq!(ours, theirs, "{len} bytes, {alphabet:?}");
                assert_eq!(
                    super::decode_base64(alphabet, &ours).unwrap(),
                    bytes,
                    "{len} bytes"
                );
            }
        }
    }

    #[test]
    fn crc32_is_the_ieee_crc_that_crc32fast_computes_so_stored_texts_still_check() {
        assert_eq!(super::crc32(b""), 0);
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(super::crc32(b"123456789"), 0xCBF4_3926);
        let bytes = pseudo_random_bytes(5_000, 0x2545_F491_4F6C_DD1D);
        for len in [1, 7, 16, 255, 4_999, 5_000] {
            let mut h = crc32fast::Hasher::new();
            h.update(&bytes[..len]);
            assert_eq!(super::crc32(&bytes[..len]), h.finalize(), "{len} bytes");
        }
    }

    #[test]
    fn a_frame_decodes_to_its_payload_and_each_kind_of_damage_is_named() {
        let payload: alloc::vec::Vec<u8> = (0..=255u8).collect();
        let text = encode(&TEST, &payload);
        assert!(text.starts_with("t-3."));
        assert!(text[4..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode(&TEST, &text), Ok(payload));
        assert_eq!(decode(&TEST, "x-3.AAAA"), Err(FrameError::Foreign));
        assert_eq!(decode(&TEST, "t-4.AAAA"), Err(FrameError::Version(4)));
        assert!(matches!(
            decode(&TEST, &text[..text.len() - 10]),
            Err(FrameError::Truncated(_))
        ));
        assert!(matches!(
            decode(&TEST, &text[..10]),
            Err(FrameError::Truncated(_))
        ));
        let mut damaged = text.clone().into_bytes();
        let last = damaged.len() - 3;
        damaged[last] = if damaged[last] == b'A' { b'B' } else { b'A' };
        let damaged = alloc::string::String::from_utf8(damaged).unwrap();
        assert_eq!(
            decode(&TEST, &damaged),
            Err(FrameError::Corrupt("checksum mismatch".into()))
        );
        assert!(matches!(
            decode(&TEST, "t-3.AA+A"),
            Err(FrameError::Corrupt(_))
        ));
    }

    #[test]
    fn the_image_format_reads_what_the_page_stores_today() {
        // A v1 image header as image.rs writes it: the same frame, standard base64.
        let text = encode(&Format::IMAGE_V1, b"payload!");
        assert!(text.starts_with("raftlab-image/1:"));
        assert!(text.ends_with('='), "standard base64 is padded: {text}");
        assert_eq!(
            decode(&Format::IMAGE_V1, &text).as_deref(),
            Ok(&b"payload!"[..])
        );
    }
}
