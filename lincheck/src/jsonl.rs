//! The history file format: JSON lines, one operation per line (blank lines are skipped).
//!
//! ```text
//! {"client": 3, "call": 1200, "return": 1350, "op": "append", "key": "k", "value": "x"}
//! {"client": 1, "call": 10, "return": 20, "op": "get", "key": "k", "output": "xy"}
//! {"client": 0, "call": 5, "return": 9, "op": "put", "key": "k", "value": "v"}
//! {"client": 2, "call": 30, "op": "read", "output": null}
//! {"client": 2, "call": 30, "return": 40, "op": "cas", "from": 1, "to": 2, "ok": true}
//! ```
//!
//! `client` is a non-negative integer, `call` and `return` integers (only their order
//! matters); a missing or `null` `return` is an operation that never returned, which then has
//! no output. The key/value model has `get` (`key`, `output`: a string), `put` and `append`
//! (`key`, `value`: strings); the register model `read` (`output`: an integer, or `null` for
//! the empty register), `write` (`value`: an integer) and `cas` (`from`, `to`: integers; `ok`:
//! whether it took effect). Any other field is an error, as is a missing one.

use crate::history::{Operation, OPERATIONS_MAX};
use crate::kv::{KvInput, KvOp};
use crate::register::{RegisterInput, RegisterOutput};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use serde_json::{Map, Value};

/// A parsed history and, for each operation, its 1-based line in the file.
#[derive(Clone, Debug)]
pub struct Parsed<I, O> {
    pub history: Vec<Operation<I, O>>,
    pub lines: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A key/value history (models: [`crate::kv::Kv`]).
pub fn parse_kv(text: &str) -> Result<Parsed<KvInput, String>, ParseError> {
    parse(text, |fields, op, returned| {
        let key = || string(fields, "key");
        match op {
            "get" => {
                only(fields, &["key", "output"])?;
                let output = if returned { Some(string(fields, "output")?) } else { no_output(fields, "output")? };
                Ok((KvInput { key: key()?, op: KvOp::Get }, output))
            }
            "put" | "append" => {
                only(fields, &["key", "value", "output"])?;
                no_output::<()>(fields, "output")?;
                let value = string(fields, "value")?;
                let op = if op == "put" { KvOp::Put(value) } else { KvOp::Append(value) };
                Ok((KvInput { key: key()?, op }, returned.then(String::new)))
            }
            other => Err(format!(
                "op {other:?} is not a key/value operation (get, put, append; the register model has read, write, cas)"
            )),
        }
    })
}

/// A register history (model: [`crate::register::Register`]).
pub fn parse_register(text: &str) -> Result<Parsed<RegisterInput, RegisterOutput>, ParseError> {
    parse(text, |fields, op, returned| {
        match op {
        "read" => {
            only(fields, &["output"])?;
            let output = if returned {
                match fields.get("output") {
                    None => return Err("a read that returned needs \"output\" (null for the empty register)".into()),
                    Some(Value::Null) => Some(RegisterOutput::Read(None)),
                    Some(_) => Some(RegisterOutput::Read(Some(integer(fields, "output")?))),
                }
            } else {
                no_output(fields, "output")?
            };
            Ok((RegisterInput::Read, output))
        }
        "write" => {
            only(fields, &["value", "output"])?;
            no_output::<()>(fields, "output")?;
            Ok((RegisterInput::Write(integer(fields, "value")?), returned.then_some(RegisterOutput::Write)))
        }
        "cas" => {
            only(fields, &["from", "to", "ok"])?;
            let input = RegisterInput::Cas { from: integer(fields, "from")?, to: integer(fields, "to")? };
            let output = if returned {
                match fields.get("ok") {
                    Some(Value::Bool(ok)) => Some(RegisterOutput::Cas(*ok)),
                    _ => return Err("a cas that returned needs \"ok\": true or false".into()),
                }
            } else {
                no_output(fields, "ok")?
            };
            Ok((input, output))
        }
        other => Err(format!(
            "op {other:?} is not a register operation (read, write, cas; the key/value model has get, put, append)"
        )),
    }
    })
}

const COMMON: [&str; 4] = ["client", "call", "return", "op"];

fn parse<I, O>(
    text: &str,
    op: impl Fn(&Map<String, Value>, &str, bool) -> Result<(I, Option<O>), String>,
) -> Result<Parsed<I, O>, ParseError> {
    let mut parsed = Parsed {
        history: Vec::new(),
        lines: Vec::new(),
    };
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        let at = |message: String| ParseError {
            line: number,
            message,
        };
        if line.trim().is_empty() {
            continue;
        }
        if parsed.history.len() == OPERATIONS_MAX {
            return Err(at(format!(
                "more than OPERATIONS_MAX ({OPERATIONS_MAX}) operations"
            )));
        }
        let value: Value = serde_json::from_str(line).map_err(|e| at(format!("not JSON: {e}")))?;
        let Value::Object(fields) = value else {
            return Err(at("expected a JSON object, one operation per line".into()));
        };
        let client = match fields.get("client") {
            Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64().unwrap_or_default(),
            Some(v) => {
                return Err(at(format!(
                    "\"client\" must be a non-negative integer, got {v}"
                )))
            }
            None => return Err(at("missing \"client\"".into())),
        };
        let call = integer(&fields, "call").map_err(at)?;
        let ret = match fields.get("return") {
            None | Some(Value::Null) => None,
            Some(_) => Some(integer(&fields, "return").map_err(at)?),
        };
        if let Some(ret) = ret {
            if ret < call {
                return Err(at(format!(
                    "\"return\" ({ret}) is before \"call\" ({call})"
                )));
            }
        }
        let name = string(&fields, "op").map_err(at)?;
        let (input, output) =
            op(&fields, &name, ret.is_some()).map_err(|m| at(format!("{name}: {m}")))?;
        parsed.history.push(Operation {
            client,
            call,
            ret,
            input,
            output,
        });
        parsed.lines.push(number);
    }
    Ok(parsed)
}

/// Refuse fields other than the common ones and `allowed`.
fn only(fields: &Map<String, Value>, allowed: &[&str]) -> Result<(), String> {
    match fields
        .keys()
        .find(|k| !COMMON.contains(&k.as_str()) && !allowed.contains(&k.as_str()))
    {
        Some(k) => Err(format!(
            "unknown field {k:?} (this op has {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}

fn no_output<O>(fields: &Map<String, Value>, name: &str) -> Result<Option<O>, String> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => Err(format!(
            "{name:?} given, but the operation never returned (or has no output)"
        )),
    }
}

fn integer(fields: &Map<String, Value>, name: &str) -> Result<i64, String> {
    match fields.get(name) {
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| format!("{name:?} must be an integer, got {n}")),
        Some(v) => Err(format!("{name:?} must be an integer, got {v}")),
        None => Err(format!("missing {name:?}")),
    }
}

fn string(fields: &Map<String, Value>, name: &str) -> Result<String, String> {
    match fields.get(name) {
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(v) => Err(format!("{name:?} must be a string, got {v}")),
        None => Err(format!("missing {name:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_examples_parse() {
        let kv = parse_kv(
            "{\"client\": 3, \"call\": 1200, \"return\": 1350, \"op\": \"append\", \"key\": \"k\", \"value\": \"x\"}\n\n\
             {\"client\": 1, \"call\": 10, \"return\": 20, \"op\": \"get\", \"key\": \"k\", \"output\": \"xy\"}\n\
             {\"client\": 0, \"call\": 5, \"op\": \"put\", \"key\": \"k\", \"value\": \"v\"}\n",
        )
        .unwrap();
        assert_eq!(kv.lines, [1, 3, 4]);
        assert_eq!(
            kv.history[0],
            Operation::new(3, 1200, 1350, KvInput::append("k", "x"), String::new())
        );
        assert_eq!(kv.history[1].output.as_deref(), Some("xy"));
        assert_eq!(kv.history[2], Operation::open(0, 5, KvInput::put("k", "v")));

        let reg = parse_register(
            "{\"client\": 2, \"call\": 30, \"return\": 31, \"op\": \"read\", \"output\": null}\n\
             {\"client\": 2, \"call\": 32, \"return\": null, \"op\": \"cas\", \"from\": 1, \"to\": 2}\n\
             {\"client\": 1, \"call\": 3, \"return\": 4, \"op\": \"write\", \"value\": -7}",
        )
        .unwrap();
        assert_eq!(reg.history[0].output, Some(RegisterOutput::Read(None)));
        assert_eq!(
            reg.history[1],
            Operation::open(2, 32, RegisterInput::Cas { from: 1, to: 2 })
        );
        assert_eq!(reg.history[2].input, RegisterInput::Write(-7));
    }

    #[test]
    fn bad_lines_are_named_with_the_reason() {
        let err = |text: &str| parse_kv(text).unwrap_err().to_string();
        let ok = "{\"client\": 1, \"call\": 1, \"return\": 2, \"op\": \"get\", \"key\": \"k\", \"output\": \"\"}\n";
        assert_eq!(
            err(&format!("{ok}{{\"client\": 1")).split(':').next(),
            Some("line 2")
        );
        assert!(err(&format!("{ok}[1]")).contains("line 2: expected a JSON object"));
        assert!(
            err("{\"client\": -1, \"call\": 1, \"op\": \"get\", \"key\": \"k\"}")
                .contains("non-negative")
        );
        assert!(
            err("{\"client\": 1, \"call\": 1.5, \"op\": \"get\", \"key\": \"k\"}")
                .contains("\"call\" must be an integer")
        );
        assert!(err("{\"client\": 1, \"call\": 5, \"return\": 4, \"op\": \"get\", \"key\": \"k\", \"output\": \"\"}")
            .contains("before \"call\""));
        assert!(err(
            "{\"client\": 1, \"call\": 1, \"return\": 2, \"op\": \"get\", \"key\": \"k\"}"
        )
        .contains("missing \"output\""));
        assert!(err(
            "{\"client\": 1, \"call\": 1, \"op\": \"get\", \"key\": \"k\", \"output\": \"x\"}"
        )
        .contains("never returned"));
        assert!(err("{\"client\": 1, \"call\": 1, \"op\": \"read\"}")
            .contains("not a key/value operation"));
        assert!(err(
            "{\"client\": 1, \"call\": 1, \"op\": \"put\", \"key\": \"k\", \"valeu\": \"x\"}"
        )
        .contains("unknown field \"valeu\""));
        assert!(
            err("{\"client\": 1, \"call\": 1, \"op\": \"put\", \"key\": 3, \"value\": \"x\"}")
                .contains("\"key\" must be a string")
        );
        let reg = |text: &str| parse_register(text).unwrap_err().to_string();
        assert!(
            reg("{\"client\": 1, \"call\": 1, \"return\": 2, \"op\": \"read\"}")
                .contains("null for the empty register")
        );
        assert!(reg(
            "{\"client\": 1, \"call\": 1, \"return\": 2, \"op\": \"cas\", \"from\": 1, \"to\": 2}"
        )
        .contains("\"ok\""));
        assert!(
            reg("{\"client\": 1, \"call\": 1, \"op\": \"write\", \"value\": \"3\"}")
                .contains("must be an integer")
        );
        assert!(
            reg("{\"client\": 1, \"call\": 1, \"op\": \"get\", \"key\": \"k\"}")
                .contains("not a register operation")
        );
    }
}
