//! The replicated state machine: what every server applies, in log order, to the commands
//! Raft committed. Deterministic: the same log gives the same store on every server.

use crate::command::{Command, Op};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use raftlab_vecmap::VecMap;
use serde::{Deserialize, Serialize};

/// The most clients the duplicate table remembers; a command from one more is refused.
pub const CLIENTS_MAX: usize = 10_000;
/// The most bytes of keys and values the store holds; a Put or Append past it is refused.
pub const STORE_BYTES_MAX: usize = 64 << 20;

const SNAPSHOT_VERSION: u8 = 1;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// A Get's value (`""` for a key never written).
    Value(String),
    /// A Put or an Append took effect (now or, for a duplicate, before).
    Done,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreLimit {
    Clients,
    Bytes,
}

/// What applying one committed command did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// It took effect now; the reply for the Clerk waiting on it.
    Fresh(Reply),
    /// The client's last command again (a retry that was committed twice): a Put or Append
    /// does not take effect a second time; a Get reads the value now.
    Duplicate(Reply),
    /// Older than the client's last command: the Clerk has moved on, nobody waits for it.
    Stale,
    /// Refused, the same way on every server, because a limit would be passed.
    Refused(StoreLimit),
}

/// Its maps are `VecMap`s (sorted `Vec`s), not `BTreeMap`s: the store runs in the page's wasm
/// (README, "Weight"); they encode as maps all the same, so snapshots are unchanged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Store {
    data: VecMap<String, String>,
    // Invariant: `last[c]` is the highest `seq` of client c's commands applied so far.
    last: VecMap<u64, u64>,
    // Invariant: `bytes` is the sum of `key.len() + value.len()` over `data`; at most
    // STORE_BYTES_MAX.
    bytes: usize,
}

#[derive(Serialize, Deserialize)]
struct SnapshotBody {
    data: VecMap<String, String>,
    last: VecMap<u64, u64>,
}

/// A snapshot that cannot be restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    Empty,
    Version(u8),
    Corrupt,
    OverLimit(StoreLimit),
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Empty => f.write_str("empty key/value snapshot"),
            SnapshotError::Version(v) => write!(
                f,
                "key/value snapshot of version {v}, not {SNAPSHOT_VERSION}"
            ),
            SnapshotError::Corrupt => f.write_str("corrupt key/value snapshot"),
            SnapshotError::OverLimit(StoreLimit::Clients) => {
                write!(
                    f,
                    "key/value snapshot with more than CLIENTS_MAX ({CLIENTS_MAX}) clients"
                )
            }
            SnapshotError::OverLimit(StoreLimit::Bytes) => {
                write!(
                    f,
                    "key/value snapshot with more than STORE_BYTES_MAX ({STORE_BYTES_MAX}) bytes"
                )
            }
        }
    }
}

impl Store {
    pub fn new() -> Self {
        Store::default()
    }

    /// The value of `key`; `""` if it was never written.
    pub fn get(&self, key: &str) -> &str {
        self.data.get(key).map_or("", String::as_str)
    }

    /// Keys and values, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.data.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// How many keys it holds.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// The highest sequence number applied for `client_id`.
    pub fn last_seq(&self, client_id: u64) -> Option<u64> {
        self.last.get(&client_id).copied()
    }

    /// True when nothing was applied that a snapshot would keep: no key and no client.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.last.is_empty()
    }

    /// Apply one committed command.
    pub fn apply(&mut self, command: &Command) -> Applied {
        self.apply_filtering(command, true)
    }

    /// Apply one committed command; with `filter_duplicates` false (the broken rule "apply
    /// each client request once"), a retried or older Put or Append takes effect again, as
    /// in a server without a duplicate table (which is still kept: its highest numbers).
    pub fn apply_filtering(&mut self, command: &Command, filter_duplicates: bool) -> Applied {
        let last = self.last.get(&command.client_id).copied();
        match last {
            Some(l) if !filter_duplicates && command.seq <= l => {}
            Some(l) if command.seq < l => return Applied::Stale,
            Some(l) if command.seq == l => {
                return Applied::Duplicate(match &command.op {
                    Op::Get { key } => Reply::Value(self.get(key).into()),
                    _ => Reply::Done,
                });
            }
            None if self.last.len() >= CLIENTS_MAX => return Applied::Refused(StoreLimit::Clients),
            _ => {}
        }
        let reply = match &command.op {
            Op::Get { key } => Reply::Value(self.get(key).into()),
            Op::Put { key, value } => {
                let old = self.data.get(key).map_or(0, |v| key.len() + v.len());
                let bytes = self.bytes - old + key.len() + value.len();
                if bytes > STORE_BYTES_MAX {
                    return Applied::Refused(StoreLimit::Bytes);
                }
                self.bytes = bytes;
                self.data.insert(key.clone(), value.clone());
                Reply::Done
            }
            Op::Append { key, value } => {
                let new_key = if self.data.contains_key(key) {
                    0
                } else {
                    key.len()
                };
                let bytes = self.bytes + new_key + value.len();
                if bytes > STORE_BYTES_MAX {
                    return Applied::Refused(StoreLimit::Bytes);
                }
                self.bytes = bytes;
                match self.data.get_mut(key) {
                    Some(v) => v.push_str(value),
                    None => {
                        self.data.insert(key.clone(), value.clone());
                    }
                }
                Reply::Done
            }
        };
        let seq = last.map_or(command.seq, |l| l.max(command.seq));
        self.last.insert(command.client_id, seq);
        debug_assert_eq!(
            self.bytes,
            self.data
                .iter()
                .map(|(k, v)| k.len() + v.len())
                .sum::<usize>()
        );
        Applied::Fresh(reply)
    }

    /// The store and the duplicate table, for the service's snapshot.
    pub fn snapshot(&self) -> Vec<u8> {
        let body = SnapshotBody {
            data: self.data.clone(),
            last: self.last.clone(),
        };
        let mut out = alloc::vec![SNAPSHOT_VERSION];
        // Invariant: serialising maps of strings and integers into a Vec cannot fail.
        out.extend(postcard::to_allocvec(&body).unwrap_or_default());
        out
    }

    /// The store a snapshot holds; a corrupt or foreign one is an error, never half loaded.
    pub fn restore(bytes: &[u8]) -> Result<Store, SnapshotError> {
        let (&version, body) = bytes.split_first().ok_or(SnapshotError::Empty)?;
        if version != SNAPSHOT_VERSION {
            return Err(SnapshotError::Version(version));
        }
        let body: SnapshotBody = postcard::from_bytes(body).map_err(|_| SnapshotError::Corrupt)?;
        if body.last.len() > CLIENTS_MAX {
            return Err(SnapshotError::OverLimit(StoreLimit::Clients));
        }
        let mut total: usize = 0;
        for (k, v) in &body.data {
            total = total.saturating_add(k.len()).saturating_add(v.len());
        }
        if total > STORE_BYTES_MAX {
            return Err(SnapshotError::OverLimit(StoreLimit::Bytes));
        }
        Ok(Store {
            data: body.data,
            last: body.last,
            bytes: total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn cmd(client_id: u64, seq: u64, op: Op) -> Command {
        Command { client_id, seq, op }
    }
    fn get(k: &str) -> Op {
        Op::Get { key: k.into() }
    }
    fn put(k: &str, v: &str) -> Op {
        Op::Put {
            key: k.into(),
            value: v.into(),
        }
    }
    fn append(k: &str, v: &str) -> Op {
        Op::Append {
            key: k.into(),
            value: v.into(),
        }
    }

    #[test]
    fn get_put_append_and_a_missing_key_reads_empty() {
        let mut s = Store::new();
        assert_eq!(
            s.apply(&cmd(1, 1, get("k"))),
            Applied::Fresh(Reply::Value("".into()))
        );
        assert_eq!(
            s.apply(&cmd(1, 2, put("k", "a"))),
            Applied::Fresh(Reply::Done)
        );
        assert_eq!(
            s.apply(&cmd(2, 1, append("k", "b"))),
            Applied::Fresh(Reply::Done)
        );
        assert_eq!(
            s.apply(&cmd(1, 3, get("k"))),
            Applied::Fresh(Reply::Value("ab".into()))
        );
        assert_eq!(
            s.apply(&cmd(2, 2, put("k", "z"))),
            Applied::Fresh(Reply::Done)
        );
        assert_eq!(s.get("k"), "z");
        assert_eq!(s.bytes(), 2);
    }

    #[test]
    fn a_retried_append_takes_effect_once_and_an_old_one_not_at_all() {
        let mut s = Store::new();
        let first = cmd(1, 1, append("k", "x"));
        assert_eq!(s.apply(&first), Applied::Fresh(Reply::Done));
        assert_eq!(
            s.apply(&first),
            Applied::Duplicate(Reply::Done),
            "the retry is filtered"
        );
        assert_eq!(s.get("k"), "x");
        assert_eq!(
            s.apply(&cmd(1, 2, append("k", "y"))),
            Applied::Fresh(Reply::Done)
        );
        assert_eq!(
            s.apply(&first),
            Applied::Stale,
            "a copy that lagged behind the next request"
        );
        assert_eq!(s.get("k"), "xy");
        // Another client's sequence numbers are its own.
        assert_eq!(
            s.apply(&cmd(2, 1, append("k", "z"))),
            Applied::Fresh(Reply::Done)
        );
        assert_eq!(s.get("k"), "xyz");
        // A duplicated Get reads the value at its new place in the log.
        assert_eq!(
            s.apply(&cmd(3, 1, get("k"))),
            Applied::Fresh(Reply::Value("xyz".into()))
        );
        s.apply(&cmd(2, 2, append("k", "!")));
        assert_eq!(
            s.apply(&cmd(3, 1, get("k"))),
            Applied::Duplicate(Reply::Value("xyz!".into()))
        );
    }

    #[test]
    fn without_filtering_a_retried_append_takes_effect_again_and_the_table_keeps_the_highest() {
        let mut s = Store::new();
        assert!(s.is_empty());
        let first = cmd(1, 1, append("k", "x"));
        assert_eq!(
            s.apply_filtering(&first, false),
            Applied::Fresh(Reply::Done)
        );
        assert!(!s.is_empty());
        assert_eq!(
            s.apply_filtering(&first, false),
            Applied::Fresh(Reply::Done)
        );
        assert_eq!(s.get("k"), "xx", "the retry applied twice");
        s.apply_filtering(&cmd(1, 2, append("k", "y")), false);
        assert_eq!(
            s.apply_filtering(&first, false),
            Applied::Fresh(Reply::Done)
        );
        assert_eq!(s.get("k"), "xxyx");
        assert_eq!(
            s.last_seq(1),
            Some(2),
            "an older copy leaves the highest number"
        );
        assert_eq!(s.apply(&first), Applied::Stale, "filtering again");
    }

    #[test]
    fn the_snapshot_carries_the_duplicate_table_and_bad_bytes_are_refused() {
        let mut s = Store::new();
        s.apply(&cmd(1, 1, append("a", "x")));
        s.apply(&cmd(2, 5, put("b", "y")));
        let bytes = s.snapshot();
        let mut r = Store::restore(&bytes).unwrap();
        assert_eq!(r, s);
        assert_eq!(
            r.apply(&cmd(1, 1, append("a", "x"))),
            Applied::Duplicate(Reply::Done),
            "still filtered"
        );
        assert_eq!(r.get("a"), "x");
        assert_eq!(r.last_seq(2), Some(5));
        assert_eq!(Store::restore(&[]), Err(SnapshotError::Empty));
        assert_eq!(Store::restore(&[9]), Err(SnapshotError::Version(9)));
        assert_eq!(
            Store::restore(&bytes[..bytes.len() - 1]),
            Err(SnapshotError::Corrupt)
        );
        assert!(Store::restore(&[2, 0])
            .unwrap_err()
            .to_string()
            .contains("version 2"));
        assert_eq!(Store::restore(&Store::new().snapshot()), Ok(Store::new()));
    }

    #[test]
    fn the_snapshot_is_byte_for_byte_the_btree_map_encoding_of_before() {
        use alloc::collections::BTreeMap;
        // What version 1 snapshots were written as (a struct of two BTreeMaps, postcard).
        #[derive(Serialize)]
        struct Before {
            data: BTreeMap<String, String>,
            last: BTreeMap<u64, u64>,
        }
        let mut s = Store::new();
        let mut data = BTreeMap::new();
        let mut last = BTreeMap::new();
        // Keys and clients out of order, appends to existing and new keys.
        for (i, (c, k)) in [(9u64, "zeta"), (2, "a"), (300, "mu"), (2, "a"), (7, "")]
            .into_iter()
            .enumerate()
        {
            let seq = i as u64 + 1;
            s.apply(&cmd(c, seq, append(k, "v")));
            data.entry(k.to_string())
                .or_insert_with(String::new)
                .push('v');
            last.insert(c, seq);
        }
        let mut before = alloc::vec![SNAPSHOT_VERSION];
        before.extend(postcard::to_allocvec(&Before { data, last }).unwrap());
        assert_eq!(s.snapshot(), before);
        assert_eq!(Store::restore(&before).unwrap(), s);
        assert_eq!(
            s.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ["", "a", "mu", "zeta"]
        );
    }

    #[test]
    fn the_snapshot_of_a_small_store_is_small() {
        // 6.5840's TestSnapshotSize4B allows 500 bytes for a store of two short keys.
        let mut s = Store::new();
        for seq in 1..=400 {
            s.apply(&cmd(1, seq, put("x", if seq % 2 == 0 { "0" } else { "1" })));
        }
        assert!(s.snapshot().len() < 20, "{} bytes", s.snapshot().len());
    }

    #[test]
    fn limits_refuse_the_same_way_on_every_server() {
        let mut s = Store::new();
        let big = "v".repeat(STORE_BYTES_MAX);
        assert_eq!(
            s.apply(&cmd(1, 1, put("k", &big))),
            Applied::Refused(StoreLimit::Bytes)
        );
        assert_eq!(s.get("k"), "");
        assert_eq!(s.last_seq(1), None, "a refused command is not recorded");
        assert_eq!(
            s.apply(&cmd(1, 1, put("k", &big[1..]))),
            Applied::Fresh(Reply::Done)
        );
        assert_eq!(
            s.apply(&cmd(1, 2, append("k", "v"))),
            Applied::Refused(StoreLimit::Bytes)
        );
        assert_eq!(
            s.apply(&cmd(1, 3, put("k", "small"))),
            Applied::Fresh(Reply::Done)
        );
        assert_eq!(s.bytes(), 6);

        let mut s = Store::new();
        for c in 0..CLIENTS_MAX as u64 {
            assert_eq!(
                s.apply(&cmd(c, 1, get("k"))),
                Applied::Fresh(Reply::Value("".into()))
            );
        }
        assert_eq!(
            s.apply(&cmd(CLIENTS_MAX as u64, 1, get("k"))),
            Applied::Refused(StoreLimit::Clients)
        );
        assert_eq!(
            s.apply(&cmd(0, 2, get("k"))),
            Applied::Fresh(Reply::Value("".into())),
            "known clients go on"
        );
    }
}
