//! Property tests: histories of a sequential execution are linearizable; with one output
//! changed, the checker agrees with a brute-force search. Seeded; a failure prints its seed
//! and the command that replays it.

mod common;

use common::{brute_force, kv_sequential, register_sequential, replay, seeds, Rng};
use raftlab_lincheck::kv::{Kv, KvOp};
use raftlab_lincheck::register::{Register, RegisterInput, RegisterOutput};
use raftlab_lincheck::{check, Model, Operation, Options, Unlimited, Verdict};

fn verdict<M: Model>(model: &M, history: &[Operation<M::Input, M::Output>]) -> Verdict {
    check(model, history, &mut Unlimited, &Options::default())
        .unwrap()
        .verdict
}

#[test]
fn histories_of_a_sequential_execution_are_linearizable() {
    for seed in seeds(300) {
        let mut rng = Rng::new(seed);
        let n = 1 + rng.below(60) as usize;
        let spread = rng.below(40);
        let keys = 1 + rng.below(3);
        let kv = kv_sequential(&mut rng, n, keys, spread, 15);
        assert_eq!(
            verdict(&Kv, &kv),
            Verdict::Linearizable,
            "kv, {}\n{kv:?}",
            replay(seed, "sequential")
        );
        let values = 1 + rng.below(4);
        let reg = register_sequential(&mut rng, n, values, spread, 15);
        assert_eq!(
            verdict(&Register, &reg),
            Verdict::Linearizable,
            "register, {}\n{reg:?}",
            replay(seed, "sequential")
        );
    }
}

#[test]
fn with_one_output_changed_the_checker_agrees_with_brute_force() {
    let mut rejected = 0;
    let mut total = 0;
    for seed in seeds(1500) {
        let mut rng = Rng::new(seed);
        let n = 1 + rng.below(8) as usize;
        let spread = rng.below(25);

        let keys = 1 + rng.below(2);
        let mut kv = kv_sequential(&mut rng, n, keys, spread, 20);
        let gets: Vec<usize> = (0..kv.len())
            .filter(|&i| kv[i].input.op == KvOp::Get && kv[i].output.is_some())
            .collect();
        if !gets.is_empty() {
            let i = gets[rng.below(gets.len() as u64) as usize];
            // Another value this key had or could have had: a value written somewhere, a prefix
            // of the current one, or that with a value appended twice.
            let written: Vec<String> = kv
                .iter()
                .filter_map(|o| match &o.input.op {
                    KvOp::Put(v) | KvOp::Append(v) => Some(v.clone()),
                    KvOp::Get => None,
                })
                .collect();
            let old = kv[i].output.clone().unwrap_or_default();
            let new = match rng.below(3) {
                0 if !written.is_empty() => {
                    written[rng.below(written.len() as u64) as usize].clone()
                }
                1 => old[..old.len() / 2].to_string(),
                _ => format!("{old}{}", written.first().cloned().unwrap_or_default()),
            };
            kv[i].output = Some(new);
        }
        let (ours, brute) = (verdict(&Kv, &kv), brute_force(&Kv, &kv));
        assert_eq!(
            ours == Verdict::Linearizable,
            brute,
            "kv, {}\n{kv:?}",
            replay(seed, "brute_force")
        );
        total += 1;
        rejected += (!brute) as u32;

        let mut reg = register_sequential(&mut rng, n, 3, spread, 20);
        let outputs: Vec<usize> = (0..reg.len())
            .filter(|&i| reg[i].output.is_some())
            .collect();
        if !outputs.is_empty() {
            let i = outputs[rng.below(outputs.len() as u64) as usize];
            reg[i].output = Some(match reg[i].input {
                RegisterInput::Read => {
                    RegisterOutput::Read([None, Some(0), Some(1), Some(2)][rng.below(4) as usize])
                }
                RegisterInput::Cas { .. } => RegisterOutput::Cas(rng.chance(50)),
                RegisterInput::Write(_) => RegisterOutput::Write,
            });
        }
        let (ours, brute) = (verdict(&Register, &reg), brute_force(&Register, &reg));
        assert_eq!(
            ours == Verdict::Linearizable,
            brute,
            "register, {}\n{reg:?}",
            replay(seed, "brute_force")
        );
        total += 1;
        rejected += (!brute) as u32;
    }
    if std::env::var("LINCHECK_SEED").is_err() {
        // The mutations must make both kinds of history, or the comparison says little.
        assert!(
            rejected > total / 5 && rejected < total * 4 / 5,
            "{rejected} of {total} rejected"
        );
    }
}

#[test]
fn memoisation_changes_no_verdict() {
    for seed in seeds(300) {
        let mut rng = Rng::new(seed);
        let n = 1 + rng.below(9) as usize;
        let spread = rng.below(30);
        let mut kv = kv_sequential(&mut rng, n, 1, spread, 20);
        if let Some(i) =
            (0..kv.len()).find(|&i| kv[i].input.op == KvOp::Get && kv[i].output.is_some())
        {
            if rng.chance(50) {
                kv[i].output = Some("0.".into());
            }
        }
        let with = verdict(&Kv, &kv);
        let without = check(&Kv, &kv, &mut Unlimited, &Options { memo_bytes_max: 0 })
            .unwrap()
            .verdict;
        assert_eq!(with, without, "{}\n{kv:?}", replay(seed, "memoisation"));
    }
}
