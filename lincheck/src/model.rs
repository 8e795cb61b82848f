//! What a sequential object is, for the checker.

use alloc::string::String;
use core::hash::Hash;

/// The result of applying one operation to a model state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step<S> {
    /// The operation cannot happen in this state (e.g. a read that returned another value).
    Illegal,
    /// Legal, and the state does not change (saves the checker a copy of the state).
    Same,
    /// Legal; the state becomes this one.
    To(S),
}

/// A sequential specification: an initial state and a step function.
///
/// `partition` splits a history into sub-histories checked independently; that is sound only
/// when operations of different partitions never affect each other (keys of a key/value
/// store), and then `State` is the state of one partition. A model that cannot be split
/// returns the same key for every input.
pub trait Model {
    type Input;
    type Output;
    type State: Clone + Eq + Hash;
    type PartitionKey: Ord + Clone;

    fn init(&self) -> Self::State;

    /// Apply `input` in `state`. `output` is `None` for an operation that never returned:
    /// any output is then acceptable.
    fn step(
        &self,
        state: &Self::State,
        input: &Self::Input,
        output: Option<&Self::Output>,
    ) -> Step<Self::State>;

    fn partition(&self, input: &Self::Input) -> Self::PartitionKey;

    /// e.g. `key "k"`.
    fn describe_partition(&self, key: &Self::PartitionKey) -> String;

    /// e.g. `get("k") -> "xy"`; `output` `None`: never returned.
    fn describe_operation(&self, input: &Self::Input, output: Option<&Self::Output>) -> String;

    fn describe_state(&self, state: &Self::State) -> String;

    /// The heap bytes a copy of `state` holds (a string's bytes, say): the memo counts them
    /// against its limit, since it keeps a copy of every state it remembers.
    fn state_heap_bytes(&self, _state: &Self::State) -> usize {
        0
    }
}
