//! The page's key/value clients (Lab 4): a client's Get / Put / Append by hand
//! (`Input::KvOp`), its automatic load (`Input::KvLoad`: the simulator starts its operations
//! on a timer, so a run with a load replays, links and time-travels like any other), and which
//! servers its ends reach (`Input::KvConnect`). Clients are 0-based here (C1 is client 0), as
//! nodes are; the page's 1-based ids are the glue's and the view's. Every command is an input
//! of the run; what the simulator refuses (a client with an operation outstanding, a key too
//! long) is a `Refusal` whose text is the simulator's sentence.

use crate::page::{Page, Refusal};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use raftlab::core::NodeId;
use raftlab::kv::Op;
use raftlab::sim::Input;
use raftlab::sim::{KV_CLIENTS_MAX, KV_KEY_BYTES_MAX, KV_VALUE_BYTES_MAX};

/// Which operation the page's form asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KvOpName {
    Get,
    Put,
    Append,
}

impl KvOpName {
    /// "get" | "put" | "append" (the page's names, as api.ts's `KvOpKind`).
    pub fn parse(name: &str) -> Option<KvOpName> {
        match name {
            "get" => Some(KvOpName::Get),
            "put" => Some(KvOpName::Put),
            "append" => Some(KvOpName::Append),
            _ => None,
        }
    }
}

/// The one check of a client number from outside (0-based).
pub fn check_client(client: u32) -> Result<u32, Refusal> {
    if client >= KV_CLIENTS_MAX {
        return Err(Refusal::BadArgument(format!(
            "unknown client C{}: clients are C1..C{KV_CLIENTS_MAX}",
            u64::from(client) + 1
        )));
    }
    Ok(client)
}

/// The operation the form describes, checked (a Get takes no value).
pub fn op_of(name: KvOpName, key: &str, value: Option<&str>) -> Result<Op, Refusal> {
    if key.is_empty() {
        return Err(Refusal::BadArgument("the key must not be empty".into()));
    }
    if key.len() > KV_KEY_BYTES_MAX {
        return Err(Refusal::BadArgument(format!(
            "a key is at most {KV_KEY_BYTES_MAX} bytes of UTF-8, got {}",
            key.len()
        )));
    }
    let checked = |v: Option<&str>| -> Result<String, Refusal> {
        let v = v.unwrap_or("");
        if v.len() > KV_VALUE_BYTES_MAX {
            return Err(Refusal::BadArgument(format!(
                "a value is at most {KV_VALUE_BYTES_MAX} bytes of UTF-8, got {}",
                v.len()
            )));
        }
        Ok(v.into())
    };
    Ok(match name {
        KvOpName::Get => Op::Get { key: key.into() },
        KvOpName::Put => Op::Put {
            key: key.into(),
            value: checked(value)?,
        },
        KvOpName::Append => Op::Append {
            key: key.into(),
            value: checked(value)?,
        },
    })
}

impl Page {
    /// Client `client` starts `op` now (an input of the run; in the past it forks).
    pub fn kv_op(&mut self, client: u32, op: Op) -> Result<(), Refusal> {
        let client = check_client(client)?;
        self.input(Input::KvOp { client, op }).map(|_| ())
    }

    /// Client `client` starts an operation `per_second` times a virtual second while it is
    /// idle (0: stop), from now on (`Input::KvLoad`).
    pub fn kv_load(&mut self, client: u32, per_second: u32) -> Result<(), Refusal> {
        let client = check_client(client)?;
        self.input(Input::KvLoad { client, per_second }).map(|_| ())
    }

    /// Client `client`'s ends reach exactly `servers` from now on.
    pub fn kv_connect(&mut self, client: u32, servers: &[NodeId]) -> Result<(), Refusal> {
        let client = check_client(client)?;
        let mut checked = Vec::with_capacity(servers.len());
        for &s in servers {
            let s = self.check_node(s)?;
            if checked.contains(&s) {
                return Err(Refusal::BadArgument(format!(
                    "server {} appears more than once",
                    s + 1
                )));
            }
            checked.push(s);
        }
        self.input(Input::KvConnect {
            client,
            servers: checked,
        })
        .map(|_| ())
    }

    /// True when the run has key/value clients at the moment shown: the page then shows
    /// each node's store instead of its last commands, and the service's rules.
    pub fn uses_kv(&self) -> bool {
        !self.sim().kv_clients().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_makes_checked_operations_and_bad_clients_are_refused() {
        assert_eq!(
            op_of(KvOpName::Put, "k", Some("v")),
            Ok(Op::Put {
                key: "k".into(),
                value: "v".into()
            })
        );
        assert_eq!(
            op_of(KvOpName::Get, "k", Some("ignored")),
            Ok(Op::Get { key: "k".into() })
        );
        assert!(matches!(
            op_of(KvOpName::Append, "", None),
            Err(Refusal::BadArgument(_))
        ));
        let long = "x".repeat(KV_KEY_BYTES_MAX + 1);
        assert!(
            matches!(op_of(KvOpName::Get, &long, None), Err(Refusal::BadArgument(m)) if m.contains("at most 64"))
        );
        assert!(
            matches!(check_client(KV_CLIENTS_MAX), Err(Refusal::BadArgument(m)) if m.contains("C33"))
        );
        assert_eq!(KvOpName::parse("append"), Some(KvOpName::Append));
        assert_eq!(KvOpName::parse("cas"), None);
    }
}
