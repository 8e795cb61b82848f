//! The key/value model of 6.5840's kvraft: Get, Put, Append on string keys and values; a key
//! never written reads as `""`. Partitioned by key, so a state is one key's value.

use crate::model::{Model, Step};
use alloc::format;
use alloc::string::String;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KvOp {
    Get,
    Put(String),
    Append(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvInput {
    pub key: String,
    pub op: KvOp,
}

impl KvInput {
    pub fn get(key: &str) -> Self {
        KvInput {
            key: key.into(),
            op: KvOp::Get,
        }
    }

    pub fn put(key: &str, value: &str) -> Self {
        KvInput {
            key: key.into(),
            op: KvOp::Put(value.into()),
        }
    }

    pub fn append(key: &str, value: &str) -> Self {
        KvInput {
            key: key.into(),
            op: KvOp::Append(value.into()),
        }
    }
}

/// The output is the value a Get returned (`""` for Put and Append, and ignored).
pub struct Kv;

impl Model for Kv {
    type Input = KvInput;
    type Output = String;
    type State = String;
    type PartitionKey = String;

    fn init(&self) -> String {
        String::new()
    }

    fn step(&self, state: &String, input: &KvInput, output: Option<&String>) -> Step<String> {
        match &input.op {
            KvOp::Get => match output {
                Some(value) if value != state => Step::Illegal,
                _ => Step::Same,
            },
            KvOp::Put(value) => Step::To(value.clone()),
            KvOp::Append(value) => {
                let mut next = String::with_capacity(state.len() + value.len());
                next.push_str(state);
                next.push_str(value);
                Step::To(next)
            }
        }
    }

    fn partition(&self, input: &KvInput) -> String {
        input.key.clone()
    }

    fn describe_partition(&self, key: &String) -> String {
        format!("key {key:?}")
    }

    fn describe_operation(&self, input: &KvInput, output: Option<&String>) -> String {
        let key = &input.key;
        match (&input.op, output) {
            (KvOp::Get, Some(value)) => format!("get({key:?}) -> {value:?}"),
            (KvOp::Get, None) => format!("get({key:?}) -> ? (never returned)"),
            (KvOp::Put(value), o) => format!("put({key:?}, {value:?}){}", never(o)),
            (KvOp::Append(value), o) => format!("append({key:?}, {value:?}){}", never(o)),
        }
    }

    fn state_heap_bytes(&self, state: &String) -> usize {
        state.len()
    }

    fn describe_state(&self, state: &String) -> String {
        format!("{state:?}")
    }
}

fn never<T>(output: Option<T>) -> &'static str {
    if output.is_none() {
        " (never returned)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_must_see_the_state_put_replaces_append_concatenates() {
        let s = String::from("ab");
        assert_eq!(
            Kv.step(&s, &KvInput::get("k"), Some(&"ab".into())),
            Step::Same
        );
        assert_eq!(
            Kv.step(&s, &KvInput::get("k"), Some(&"a".into())),
            Step::Illegal
        );
        assert_eq!(Kv.step(&s, &KvInput::get("k"), None), Step::Same);
        assert_eq!(
            Kv.step(&s, &KvInput::put("k", "z"), Some(&String::new())),
            Step::To("z".into())
        );
        assert_eq!(
            Kv.step(&s, &KvInput::append("k", "c"), None),
            Step::To("abc".into())
        );
        assert_eq!(Kv.init(), "");
    }
}
