//! A register of integers with read, write and compare-and-set (Jepsen's and Knossos's
//! "cas-register"). It starts empty; a read of the empty register returns `None` (`null`).
//! One register: not partitioned.

use crate::model::{Model, Step};
use alloc::format;
use alloc::string::String;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegisterInput {
    Read,
    Write(i64),
    Cas { from: i64, to: i64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegisterOutput {
    /// What a read returned; `None`: empty.
    Read(Option<i64>),
    Write,
    /// Whether the compare-and-set took effect.
    Cas(bool),
}

pub struct Register;

impl Model for Register {
    type Input = RegisterInput;
    type Output = RegisterOutput;
    type State = Option<i64>;
    type PartitionKey = ();

    fn init(&self) -> Option<i64> {
        None
    }

    fn step(
        &self,
        state: &Option<i64>,
        input: &RegisterInput,
        output: Option<&RegisterOutput>,
    ) -> Step<Option<i64>> {
        match (input, output) {
            (RegisterInput::Read, None) => Step::Same,
            (RegisterInput::Read, Some(RegisterOutput::Read(v))) if v == state => Step::Same,
            (RegisterInput::Write(v), None | Some(RegisterOutput::Write)) => Step::To(Some(*v)),
            (RegisterInput::Cas { from, to }, ok) => {
                let matches = *state == Some(*from);
                match ok {
                    None if matches => Step::To(Some(*to)),
                    None => Step::Same,
                    Some(RegisterOutput::Cas(true)) if matches => Step::To(Some(*to)),
                    Some(RegisterOutput::Cas(false)) if !matches => Step::Same,
                    _ => Step::Illegal,
                }
            }
            _ => Step::Illegal,
        }
    }

    fn partition(&self, _input: &RegisterInput) {}

    fn describe_partition(&self, _key: &()) -> String {
        String::from("the register")
    }

    fn describe_operation(&self, input: &RegisterInput, output: Option<&RegisterOutput>) -> String {
        let what = match input {
            RegisterInput::Read => String::from("read()"),
            RegisterInput::Write(v) => format!("write({v})"),
            RegisterInput::Cas { from, to } => format!("cas({from}, {to})"),
        };
        match output {
            None => format!("{what} -> ? (never returned)"),
            Some(RegisterOutput::Read(v)) => format!("{what} -> {}", self.describe_state(v)),
            Some(RegisterOutput::Write) => what,
            Some(RegisterOutput::Cas(ok)) => {
                format!("{what} -> {}", if *ok { "ok" } else { "fail" })
            }
        }
    }

    fn describe_state(&self, state: &Option<i64>) -> String {
        match state {
            Some(v) => format!("{v}"),
            None => String::from("null"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegisterInput::*;
    use RegisterOutput as Out;

    #[test]
    fn cas_takes_effect_only_on_a_match_and_must_say_which() {
        let one = Some(1);
        let cas = Cas { from: 1, to: 2 };
        assert_eq!(
            Register.step(&one, &cas, Some(&Out::Cas(true))),
            Step::To(Some(2))
        );
        assert_eq!(
            Register.step(&one, &cas, Some(&Out::Cas(false))),
            Step::Illegal
        );
        assert_eq!(
            Register.step(&None, &cas, Some(&Out::Cas(false))),
            Step::Same
        );
        assert_eq!(
            Register.step(&None, &cas, Some(&Out::Cas(true))),
            Step::Illegal
        );
        assert_eq!(Register.step(&one, &cas, None), Step::To(Some(2)));
        assert_eq!(Register.step(&None, &cas, None), Step::Same);
    }

    #[test]
    fn a_read_of_the_empty_register_is_null_and_mismatched_outputs_are_illegal() {
        assert_eq!(
            Register.step(&None, &Read, Some(&Out::Read(None))),
            Step::Same
        );
        assert_eq!(
            Register.step(&None, &Read, Some(&Out::Read(Some(0)))),
            Step::Illegal
        );
        assert_eq!(
            Register.step(&Some(3), &Write(4), Some(&Out::Write)),
            Step::To(Some(4))
        );
        assert_eq!(
            Register.step(&Some(3), &Read, Some(&Out::Cas(true))),
            Step::Illegal
        );
        assert_eq!(
            Register.step(&Some(3), &Write(4), Some(&Out::Read(None))),
            Step::Illegal
        );
    }
}
