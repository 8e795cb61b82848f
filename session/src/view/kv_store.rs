//! Each node's key/value store at the moment shown (Lab 4's state machine): its keys and
//! values in key order, at most `KV_KEYS_SHOWN_MAX` keys and the last
//! `KV_VALUE_SHOWN_CHARS_MAX` characters of each value (an Append's newest part), so a
//! frame's work does not grow with the store. The state machines view shows it instead of
//! the last commands when the run has key/value clients (`Page::uses_kv`).

use crate::page::Page;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use raftlab::core::NodeId;
use serde::{Deserialize, Serialize};

/// The most keys shown per node.
pub const KV_KEYS_SHOWN_MAX: usize = 8;
/// The most characters of a value shown (its end; the start is elided with "…").
pub const KV_VALUE_SHOWN_CHARS_MAX: usize = 40;

/// api.ts's `KvPairView`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KvPairView {
    pub key: String,
    /// The value's last `KV_VALUE_SHOWN_CHARS_MAX` characters, "…" before them when cut.
    pub value: String,
    /// The value's whole length in bytes.
    pub bytes: u64,
}

/// api.ts's `KvStoreView`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KvStoreView {
    /// The first keys in key order (at most `KV_KEYS_SHOWN_MAX`).
    pub keys: Vec<KvPairView>,
    /// Keys the store holds in all.
    pub keys_total: u64,
    /// Bytes of keys and values it holds.
    pub bytes: u64,
}

/// `value` as shown: its end, at most `KV_VALUE_SHOWN_CHARS_MAX` characters.
pub fn shown_value(value: &str) -> String {
    let chars = value.chars().count();
    if chars <= KV_VALUE_SHOWN_CHARS_MAX {
        return value.into();
    }
    let tail: String = value
        .chars()
        .skip(chars - (KV_VALUE_SHOWN_CHARS_MAX - 1))
        .collect();
    format!("…{tail}")
}

impl Page {
    /// Node `node`'s store at the moment shown (a crashed node's: the store it had).
    pub fn kv_store(&self, node: NodeId) -> KvStoreView {
        let store = self.sim().kv_store(node);
        KvStoreView {
            keys: store
                .iter()
                .take(KV_KEYS_SHOWN_MAX)
                .map(|(k, v)| KvPairView {
                    key: k.into(),
                    value: shown_value(v),
                    bytes: v.len() as u64,
                })
                .collect(),
            keys_total: store.len() as u64,
            bytes: store.bytes() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_value_shows_its_end() {
        assert_eq!(shown_value("abc"), "abc");
        let long: String = (0..100)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let s = shown_value(&long);
        assert_eq!(s.chars().count(), KV_VALUE_SHOWN_CHARS_MAX);
        assert!(s.starts_with('…'));
        assert!(long.ends_with(&s[s.char_indices().nth(1).unwrap().0..]));
    }
}
