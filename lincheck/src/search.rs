//! The search over one partition: Wing & Gong's backtracking with Lowe's memo.
//!
//! The partition's calls and returns are laid out in time order in a doubly linked list
//! (indices into arrays; `HEAD` and `TAIL` sentinels). Walking it from the head, a call
//! whose operation the model accepts in the current state is linearized: the operation's
//! call and return are unlinked and the walk restarts at the head. Reaching a return means
//! that operation had to be linearized before this point and was not: undo the last
//! linearization and try the next call after it. The list empties exactly when every
//! operation has been placed. An operation that never returned has its return after every
//! other event, so it can be placed anywhere after its call, or last (which is "never").

use crate::bitset::Bitset;
use crate::check::Budget;
use crate::history::Operation;
use crate::memo::Memo;
use crate::model::{Model, Step};
use alloc::vec;
use alloc::vec::Vec;

/// How many search steps between two questions to the budget.
pub(crate) const STEPS_PER_BUDGET_CHECK: u64 = 1024;

const HEAD: usize = 0;

pub(crate) enum Found {
    Linearizable,
    Illegal,
    OutOfBudget,
}

pub(crate) struct Searched {
    pub found: Found,
    /// Indices into `ops`: the longest linearization found (all of them when linearizable).
    pub longest: Vec<usize>,
    /// Indices into `ops`: with `longest` placed, the operation whose return was reached
    /// unplaced, then the other operations called before that return and not placed.
    pub stuck: Vec<usize>,
    pub steps: u64,
    pub memo_entries: usize,
    pub memo_full: bool,
}

struct Frame<S> {
    call: usize,
    /// The state before this operation, when it changed the state.
    before: Option<S>,
}

/// Check the operations `ops` (indices into `history`, in history order) as one partition.
pub(crate) fn search<M: Model, B: Budget>(
    model: &M,
    history: &[Operation<M::Input, M::Output>],
    ops: &[usize],
    budget: &mut B,
    memo_bytes_max: usize,
) -> Searched {
    let n = ops.len();
    let tail = 2 * n + 1;
    // Events: (open return, time, return?, local op). Calls before returns at equal times.
    let mut events: Vec<(bool, i64, bool, usize)> = Vec::with_capacity(2 * n);
    for (local, &global) in ops.iter().enumerate() {
        let op = &history[global];
        events.push((false, op.call, false, local));
        match op.ret {
            Some(ret) => events.push((false, ret, true, local)),
            None => events.push((true, 0, true, local)),
        }
    }
    events.sort_unstable();

    // Nodes: 0 = HEAD, 1..=2n the events in order, 2n + 1 = TAIL.
    let mut next: Vec<usize> = (1..=tail + 1).collect();
    let mut prev: Vec<usize> = (0..=tail).map(|i| i.wrapping_sub(1)).collect();
    // Invariant: `op_of[node]` is the local op of an event node; `ret_of[op]` its return node.
    let mut op_of = vec![usize::MAX; tail + 1];
    let mut is_call = vec![false; tail + 1];
    let mut ret_of = vec![0usize; n];
    for (i, &(_, _, is_ret, local)) in events.iter().enumerate() {
        let node = i + 1;
        op_of[node] = local;
        is_call[node] = !is_ret;
        if is_ret {
            ret_of[local] = node;
        }
    }
    next[tail] = tail;
    prev[HEAD] = HEAD;

    let mut linearized = Bitset::new(n);
    let mut memo: Memo<M::State> = Memo::new(linearized.words().len(), memo_bytes_max);
    let mut state = model.init();
    let mut stack: Vec<Frame<M::State>> = Vec::new();
    let mut longest: Vec<usize> = Vec::new();
    // Invariant: `longest[..agree]` are the ops of `stack[..agree]` (so a longer prefix found
    // later copies only where it differs).
    let mut agree: usize = 0;
    let mut stuck: Vec<usize> = Vec::new();
    let mut steps: u64 = 0;
    let mut cur = next[HEAD];

    let found = loop {
        if next[HEAD] == tail {
            break Found::Linearizable;
        }
        steps += 1;
        if steps.is_multiple_of(STEPS_PER_BUDGET_CHECK) && !budget.spend(STEPS_PER_BUDGET_CHECK) {
            break Found::OutOfBudget;
        }
        debug_assert!(cur != tail, "the last event left is always a return");
        if is_call[cur] {
            let local = op_of[cur];
            let op = &history[ops[local]];
            let stepped = model.step(&state, &op.input, op.output.as_ref());
            let new_state = match stepped {
                Step::Illegal => {
                    cur = next[cur];
                    continue;
                }
                Step::Same => None,
                Step::To(s) => Some(s),
            };
            linearized.set(local);
            let reached = new_state.as_ref().unwrap_or(&state);
            if memo.insert_if_new(&linearized, reached, model.state_heap_bytes(reached)) {
                let before = new_state.map(|s| core::mem::replace(&mut state, s));
                stack.push(Frame { call: cur, before });
                if stack.len() == agree + 1 && longest.get(agree) == Some(&local) {
                    agree += 1;
                }
                // Unlink the call and its return.
                let ret = ret_of[local];
                next[prev[cur]] = next[cur];
                prev[next[cur]] = prev[cur];
                next[prev[ret]] = next[ret];
                prev[next[ret]] = prev[ret];
                cur = next[HEAD];
            } else {
                linearized.clear(local);
                cur = next[cur];
            }
        } else {
            if stack.len() > longest.len() || (longest.is_empty() && stuck.is_empty()) {
                longest.truncate(agree);
                longest.extend(stack[agree..].iter().map(|f| op_of[f.call]));
                agree = stack.len();
                debug_assert!(longest.iter().zip(&stack).all(|(&l, f)| l == op_of[f.call]));
                stuck.clear();
                stuck.push(op_of[cur]);
                let mut node = next[HEAD];
                while node != cur {
                    if is_call[node] && op_of[node] != op_of[cur] {
                        stuck.push(op_of[node]);
                    }
                    node = next[node];
                }
            }
            let Some(frame) = stack.pop() else {
                break Found::Illegal;
            };
            agree = agree.min(stack.len());
            let local = op_of[frame.call];
            linearized.clear(local);
            if let Some(before) = frame.before {
                state = before;
            }
            // Relink in the reverse order of unlinking: the return, then the call.
            let ret = ret_of[local];
            next[prev[ret]] = ret;
            prev[next[ret]] = ret;
            next[prev[frame.call]] = frame.call;
            prev[next[frame.call]] = frame.call;
            cur = next[frame.call];
        }
    };
    if let Found::Linearizable = found {
        longest = stack.iter().map(|f| op_of[f.call]).collect();
        stuck.clear();
        debug_assert_eq!(longest.len(), n);
    }
    Searched {
        found,
        longest,
        stuck,
        steps,
        memo_entries: memo.len(),
        memo_full: memo.full,
    }
}
