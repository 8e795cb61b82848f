//! The tester's commands: Go's `interface{}` values, which are ints or strings.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Int(u64),
    Str(String),
}

impl From<u64> for Cmd {
    fn from(x: u64) -> Cmd {
        Cmd::Int(x)
    }
}

impl From<String> for Cmd {
    fn from(s: String) -> Cmd {
        Cmd::Str(s)
    }
}

impl From<&str> for Cmd {
    fn from(s: &str) -> Cmd {
        Cmd::Str(s.to_string())
    }
}

impl Cmd {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("encoding into a Vec cannot fail")
    }

    pub fn decode(bytes: &[u8]) -> Option<Cmd> {
        postcard::from_bytes(bytes).ok()
    }

    pub fn as_int(&self) -> Option<u64> {
        match self {
            Cmd::Int(x) => Some(*x),
            Cmd::Str(_) => None,
        }
    }
}

impl std::fmt::Display for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cmd::Int(x) => write!(f, "{x}"),
            Cmd::Str(s) if s.len() > 20 => write!(f, "{:?}...({} bytes)", &s[..20], s.len()),
            Cmd::Str(s) => write!(f, "{s:?}"),
        }
    }
}
