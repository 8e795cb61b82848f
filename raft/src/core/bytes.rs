//! Shared byte strings (`Arc<[u8]>`: commands, snapshots) through serde as bytes
//! (`#[serde(with = "bytes")]`). Postcard writes bytes as a varint length then the raw bytes,
//! exactly what it writes for a sequence of `u8` (serde's default for `[u8]`), so every
//! encoding stays byte-for-byte the same; only the per-byte calls go (one `serialize_u8` and
//! one push per byte, more than half the cost of a 1 KiB command's persist). Formats that
//! write bytes as a sequence (JSON) keep doing so, and both forms decode.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use serde::de::{self, SeqAccess};
use serde::{Deserializer, Serializer};

/// Bytes read ahead of a sequence's own size hint, at most (an untrusted length must not
/// reserve memory the input does not hold).
const SEQ_RESERVE_MAX: usize = 4096;

pub(crate) fn serialize<S: Serializer>(
    bytes: &Arc<[u8]>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_bytes(bytes)
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Arc<[u8]>, D::Error> {
    deserializer.deserialize_bytes(BytesVisitor)
}

struct BytesVisitor;

impl<'de> de::Visitor<'de> for BytesVisitor {
    type Value = Arc<[u8]>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("bytes")
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Arc<[u8]>, E> {
        Ok(v.into())
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Arc<[u8]>, E> {
        Ok(v.into())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Arc<[u8]>, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(SEQ_RESERVE_MAX));
        while let Some(b) = seq.next_element::<u8>()? {
            v.push(b);
        }
        Ok(v.into())
    }
}

#[cfg(test)]
mod tests {
    use crate::core::{Entry, InstallSnapshotArgs};
    use alloc::vec::Vec;
    use serde::{Deserialize, Serialize};

    /// How an entry was written before: the command as a plain `Vec<u8>`.
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct OldEntry {
        term: u64,
        command: Vec<u8>,
    }

    #[test]
    fn commands_encode_as_a_vec_of_bytes_did_and_old_encodings_decode() {
        for len in [0usize, 1, 127, 128, 1024, 70_000] {
            let command: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let old = OldEntry { term: 9, command };
            let entry = Entry {
                term: 9,
                command: old.command.clone().into(),
            };
            let old_bytes = postcard::to_allocvec(&old).unwrap();
            assert_eq!(
                postcard::to_allocvec(&entry).unwrap(),
                old_bytes,
                "len {len}"
            );
            let size =
                postcard::serialize_with_flavor(&entry, postcard::ser_flavors::Size::default());
            assert_eq!(size.unwrap(), old_bytes.len());
            assert_eq!(postcard::from_bytes::<Entry>(&old_bytes).unwrap(), entry);
        }
        let args = InstallSnapshotArgs {
            term: 3,
            leader_id: 1,
            last_included_index: 40,
            last_included_term: 2,
            data: Vec::from(&b"snapshot"[..]).into(),
        };
        let old = (3u64, 1usize, 40u64, 2u64, b"snapshot".to_vec());
        assert_eq!(
            postcard::to_allocvec(&args).unwrap(),
            postcard::to_allocvec(&old).unwrap()
        );
    }

    #[test]
    fn bytes_written_as_a_sequence_decode_too() {
        let seq = serde::de::value::SeqDeserializer::<_, serde::de::value::Error>::new(
            [1u8, 2, 3].into_iter(),
        );
        let bytes = super::deserialize(seq).unwrap();
        assert_eq!(&bytes[..], [1, 2, 3]);
    }
}
