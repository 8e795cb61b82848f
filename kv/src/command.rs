//! A Clerk's request as it travels and as it sits in the Raft log.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// A key never written reads as `""`.
    Get {
        key: String,
    },
    Put {
        key: String,
        value: String,
    },
    Append {
        key: String,
        value: String,
    },
}

/// An operation tagged with who asked and which of their requests it is. A Clerk has one
/// request outstanding at a time and numbers them 1, 2, 3, ...; a retry keeps its number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    pub client_id: u64,
    pub seq: u64,
    pub op: Op,
}

/// Bytes in the log that are not a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError;

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("log entry is not a key/value command")
    }
}

impl Command {
    /// The bytes handed to `Raft::start`.
    pub fn encode(&self) -> Vec<u8> {
        // Invariant: serialising owned strings and integers into a Vec cannot fail.
        postcard::to_allocvec(self).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Result<Command, CommandError> {
        postcard::from_bytes(bytes).map_err(|_| CommandError)
    }

    pub fn key(&self) -> &str {
        match &self.op {
            Op::Get { key } | Op::Put { key, .. } | Op::Append { key, .. } => key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_survives_the_log_and_garbage_is_refused() {
        let c = Command {
            client_id: 7,
            seq: 3,
            op: Op::Append {
                key: "k".into(),
                value: "x 7 3 y".into(),
            },
        };
        assert_eq!(Command::decode(&c.encode()), Ok(c.clone()));
        assert_eq!(c.key(), "k");
        assert_eq!(Command::decode(&[0xff, 0xff, 0xff]), Err(CommandError));
        let bytes = c.encode();
        assert_eq!(
            Command::decode(&bytes[..bytes.len() - 1]),
            Err(CommandError)
        );
    }
}
