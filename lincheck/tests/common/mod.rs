//! Shared by the checker's tests: seeds, random histories, and a brute-force checker.
#![allow(dead_code)]

use raftlab_lincheck::kv::{Kv, KvInput, KvOp};
use raftlab_lincheck::register::{Register, RegisterInput, RegisterOutput};
use raftlab_lincheck::{Model, Operation, Step};
use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;

pub type KvHistory = Vec<Operation<KvInput, String>>;
pub type RegisterHistory = Vec<Operation<RegisterInput, RegisterOutput>>;

/// `LINCHECK_SEED=n` runs seed n alone; otherwise seeds `0..count`.
pub fn seeds(count: u64) -> Vec<u64> {
    match std::env::var("LINCHECK_SEED") {
        Ok(s) => vec![s.parse().expect("LINCHECK_SEED: an integer")],
        Err(_) => (0..count).collect(),
    }
}

pub fn replay(seed: u64, test: &str) -> String {
    format!("seed {seed}; replay: LINCHECK_SEED={seed} cargo test -p raftlab-lincheck --test properties {test}")
}

pub struct Rng(Pcg64Mcg);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(Pcg64Mcg::seed_from_u64(seed))
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

/// Place op i's linearization point at 10 * i, its call up to `spread` before and its return
/// up to `spread` after (so neighbours overlap); `open_percent` of them never return, and
/// half of those never take effect either. The history is shuffled.
#[allow(clippy::too_many_arguments)]
fn sequential<M: Model>(
    model: &M,
    rng: &mut Rng,
    n: usize,
    spread: u64,
    open_percent: u64,
    clients: u64,
    mut input: impl FnMut(&mut Rng, usize) -> M::Input,
    output: impl Fn(&M::State, &M::Input) -> M::Output,
) -> Vec<Operation<M::Input, M::Output>>
where
    M::PartitionKey: Ord,
{
    // One sequential state per partition.
    let mut states: std::collections::BTreeMap<M::PartitionKey, M::State> = Default::default();
    let mut history = Vec::with_capacity(n);
    for i in 0..n {
        let point = 10 * i as i64;
        let call = point - rng.below(spread + 1) as i64;
        let inp = input(rng, i);
        let state = states
            .entry(model.partition(&inp))
            .or_insert_with(|| model.init());
        let client = rng.below(clients);
        if rng.chance(open_percent) {
            if rng.chance(50) {
                // Took effect at its point.
                if let Step::To(s) = model.step(state, &inp, None) {
                    *state = s;
                }
            }
            history.push(Operation::open(client, call, inp));
            continue;
        }
        let out = output(state, &inp);
        match model.step(state, &inp, Some(&out)) {
            Step::To(s) => *state = s,
            Step::Same => {}
            Step::Illegal => panic!("the generator's own output was refused"),
        }
        let ret = point + rng.below(spread + 1) as i64;
        history.push(Operation::new(client, call, ret, inp, out));
    }
    rng.shuffle(&mut history);
    history
}

pub fn kv_sequential(
    rng: &mut Rng,
    n: usize,
    keys: u64,
    spread: u64,
    open_percent: u64,
) -> KvHistory {
    sequential(
        &Kv,
        rng,
        n,
        spread,
        open_percent,
        5,
        |rng, i| {
            let key = format!("{}", (b'a' + rng.below(keys) as u8) as char);
            match rng.below(4) {
                0 => KvInput::put(&key, &format!("p{i}.")),
                1 => KvInput::append(&key, &format!("{i}.")),
                _ => KvInput::get(&key),
            }
        },
        |state, input| match input.op {
            KvOp::Get => state.clone(),
            _ => String::new(),
        },
    )
}

pub fn register_sequential(
    rng: &mut Rng,
    n: usize,
    values: u64,
    spread: u64,
    open_percent: u64,
) -> RegisterHistory {
    sequential(
        &Register,
        rng,
        n,
        spread,
        open_percent,
        5,
        |rng, _| match rng.below(3) {
            0 => RegisterInput::Write(rng.below(values) as i64),
            1 => RegisterInput::Cas {
                from: rng.below(values) as i64,
                to: rng.below(values) as i64,
            },
            _ => RegisterInput::Read,
        },
        |state, input| match input {
            RegisterInput::Read => RegisterOutput::Read(*state),
            RegisterInput::Write(_) => RegisterOutput::Write,
            RegisterInput::Cas { from, .. } => RegisterOutput::Cas(*state == Some(*from)),
        },
    )
}

/// Is there an order of the operations, each after every operation that returned before its
/// call, that the model accepts, leaving out only operations that never returned? By trying
/// every order: for small histories, and written independently of the checker's search.
pub fn brute_force<M: Model>(model: &M, history: &[Operation<M::Input, M::Output>]) -> bool {
    assert!(history.len() <= 12, "brute force is for small histories");
    let mut by_key: std::collections::BTreeMap<M::PartitionKey, Vec<usize>> = Default::default();
    for (i, op) in history.iter().enumerate() {
        by_key
            .entry(model.partition(&op.input))
            .or_default()
            .push(i);
    }
    by_key
        .values()
        .all(|ops| place(model, history, ops, 0, &model.init()))
}

fn place<M: Model>(
    model: &M,
    history: &[Operation<M::Input, M::Output>],
    ops: &[usize],
    placed: u32,
    state: &M::State,
) -> bool {
    let unplaced = |j: usize| placed & (1 << j) == 0;
    if (0..ops.len()).all(|j| !unplaced(j) || history[ops[j]].ret.is_none()) {
        return true;
    }
    for x in 0..ops.len() {
        if !unplaced(x) {
            continue;
        }
        let op = &history[ops[x]];
        let must_wait = (0..ops.len())
            .any(|y| y != x && unplaced(y) && history[ops[y]].ret.is_some_and(|r| r < op.call));
        if must_wait {
            continue;
        }
        let next = match model.step(state, &op.input, op.output.as_ref()) {
            Step::Illegal => continue,
            Step::Same => state.clone(),
            Step::To(s) => s,
        };
        if place(model, history, ops, placed | (1 << x), &next) {
            return true;
        }
    }
    false
}
