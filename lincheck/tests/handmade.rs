//! Hand-made histories the checker must reject, and ones it must accept.

mod common;

use raftlab_lincheck::kv::{Kv, KvInput};
use raftlab_lincheck::register::{Register, RegisterInput as R, RegisterOutput as Out};
use raftlab_lincheck::{check, Operation, Options, Outcome, StepBudget, Unlimited, Verdict};

fn op(
    client: u64,
    call: i64,
    ret: i64,
    input: KvInput,
    output: &str,
) -> Operation<KvInput, String> {
    Operation::new(client, call, ret, input, output.into())
}

fn put(client: u64, call: i64, ret: i64, key: &str, value: &str) -> Operation<KvInput, String> {
    op(client, call, ret, KvInput::put(key, value), "")
}

fn append(client: u64, call: i64, ret: i64, key: &str, value: &str) -> Operation<KvInput, String> {
    op(client, call, ret, KvInput::append(key, value), "")
}

fn get(client: u64, call: i64, ret: i64, key: &str, output: &str) -> Operation<KvInput, String> {
    op(client, call, ret, KvInput::get(key), output)
}

fn verdict(history: &[Operation<KvInput, String>]) -> Verdict {
    let v = check(&Kv, history, &mut Unlimited, &Options::default())
        .unwrap()
        .verdict;
    assert_eq!(
        v == Verdict::Linearizable,
        common::brute_force(&Kv, history),
        "checker and brute force disagree on {history:?}"
    );
    v
}

#[test]
fn a_stale_read_is_rejected_and_the_report_names_it() {
    let history = [
        put(0, 0, 10, "k", "a"),
        put(0, 20, 30, "k", "b"),
        get(1, 40, 50, "k", "a"),
    ];
    let report = check(&Kv, &history, &mut Unlimited, &Options::default()).unwrap();
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let p = &report.partitions[0];
    assert_eq!(p.longest, [0, 1], "both puts can be placed, in order");
    assert_eq!(p.stuck, [2], "the stale get cannot");
    // The same read while the second put is still in flight is fine.
    assert_eq!(
        verdict(&[
            put(0, 0, 10, "k", "a"),
            put(0, 20, 30, "k", "b"),
            get(1, 25, 50, "k", "a")
        ]),
        Verdict::Linearizable
    );
}

#[test]
fn a_lost_append_is_rejected() {
    let history = [
        append(0, 0, 10, "k", "x"),
        append(1, 20, 30, "k", "y"),
        get(2, 40, 50, "k", "x"),
    ];
    assert_eq!(verdict(&history), Verdict::NotLinearizable);
    let history = [
        append(0, 0, 10, "k", "x"),
        append(1, 20, 30, "k", "y"),
        get(2, 40, 50, "k", "xy"),
    ];
    assert_eq!(verdict(&history), Verdict::Linearizable);
    // Concurrent appends: either order, but one order for every reader.
    let a = [
        append(0, 0, 30, "k", "x"),
        append(1, 0, 30, "k", "y"),
        get(2, 40, 50, "k", "yx"),
    ];
    assert_eq!(verdict(&a), Verdict::Linearizable);
    let b = [
        a[0].clone(),
        a[1].clone(),
        get(2, 40, 50, "k", "yx"),
        get(3, 40, 50, "k", "xy"),
    ];
    assert_eq!(verdict(&b), Verdict::NotLinearizable);
}

#[test]
fn an_append_applied_twice_is_rejected() {
    let history = [append(0, 0, 10, "k", "x"), get(1, 20, 30, "k", "xx")];
    assert_eq!(verdict(&history), Verdict::NotLinearizable);
    let history = [
        append(0, 0, 10, "k", "x"),
        append(0, 20, 30, "k", "y"),
        get(1, 40, 50, "k", "xyy"),
    ];
    assert_eq!(verdict(&history), Verdict::NotLinearizable);
}

#[test]
fn a_key_never_written_reads_empty() {
    assert_eq!(verdict(&[get(0, 0, 1, "k", "")]), Verdict::Linearizable);
    assert_eq!(verdict(&[get(0, 0, 1, "k", "x")]), Verdict::NotLinearizable);
    assert_eq!(
        verdict(&[put(0, 0, 1, "j", "x"), get(0, 2, 3, "k", "")]),
        Verdict::Linearizable
    );
}

#[test]
fn an_operation_that_never_returned_may_take_effect_late_or_never_but_once() {
    let open = Operation::open(0, 0, KvInput::append("k", "x"));
    assert_eq!(
        verdict(&[open.clone(), get(1, 10, 20, "k", "x")]),
        Verdict::Linearizable,
        "took effect"
    );
    assert_eq!(
        verdict(&[open.clone(), get(1, 10, 20, "k", "")]),
        Verdict::Linearizable,
        "not (yet)"
    );
    assert_eq!(
        verdict(&[
            open.clone(),
            get(1, 10, 20, "k", ""),
            get(1, 1000, 1010, "k", "x")
        ]),
        Verdict::Linearizable,
        "took effect long after the first read"
    );
    assert_eq!(
        verdict(&[
            open.clone(),
            get(1, 10, 20, "k", "x"),
            get(1, 30, 40, "k", "")
        ]),
        Verdict::NotLinearizable,
        "an effect cannot be undone"
    );
    assert_eq!(
        verdict(&[open.clone(), get(1, 10, 20, "k", "xx")]),
        Verdict::NotLinearizable,
        "nor happen twice"
    );
    // It cannot take effect before its call.
    let late = Operation::open(0, 30, KvInput::append("k", "x"));
    assert_eq!(
        verdict(&[late, get(1, 10, 20, "k", "x")]),
        Verdict::NotLinearizable
    );
    // A get that never returned constrains nothing.
    let open_get = Operation::open(2, 0, KvInput::get("k"));
    assert_eq!(
        verdict(&[put(0, 0, 10, "k", "a"), open_get]),
        Verdict::Linearizable
    );
}

#[test]
fn a_call_and_a_return_at_the_same_time_are_concurrent() {
    assert_eq!(
        verdict(&[append(0, 0, 10, "k", "x"), get(1, 10, 20, "k", "")]),
        Verdict::Linearizable
    );
    assert_eq!(
        verdict(&[append(0, 0, 10, "k", "x"), get(1, 11, 20, "k", "")]),
        Verdict::NotLinearizable
    );
}

#[test]
fn keys_are_checked_apart_and_the_report_says_which_failed() {
    let history = [
        put(0, 0, 10, "a", "1"),
        get(1, 20, 30, "a", "1"),
        put(0, 0, 10, "b", "1"),
        get(1, 20, 30, "b", "2"),
        get(1, 20, 30, "c", ""),
    ];
    let report = check(&Kv, &history, &mut Unlimited, &Options::default()).unwrap();
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let outcomes: Vec<_> = report
        .partitions
        .iter()
        .map(|p| (p.key.as_str(), p.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("a", Outcome::Linearizable),
            ("b", Outcome::NotLinearizable),
            ("c", Outcome::Linearizable)
        ]
    );
    assert_eq!(
        report.illegal().next().map(|p| p.stuck.clone()),
        Some(vec![3])
    );
}

#[test]
fn the_register_model_reads_null_when_empty_and_checks_cas_outcomes() {
    let reg = |h: &[Operation<R, Out>]| {
        let v = check(&Register, h, &mut Unlimited, &Options::default())
            .unwrap()
            .verdict;
        assert_eq!(
            v == Verdict::Linearizable,
            common::brute_force(&Register, h),
            "{h:?}"
        );
        v
    };
    let read = |c, t, r, v| Operation::new(c, t, r, R::Read, Out::Read(v));
    let write = |c, t, r, v| Operation::new(c, t, r, R::Write(v), Out::Write);
    let cas = |c, t, r, from, to, ok| Operation::new(c, t, r, R::Cas { from, to }, Out::Cas(ok));
    assert_eq!(reg(&[read(0, 0, 1, None)]), Verdict::Linearizable);
    assert_eq!(
        reg(&[write(0, 0, 1, 1), read(1, 2, 3, None)]),
        Verdict::NotLinearizable
    );
    assert_eq!(
        reg(&[
            write(0, 0, 1, 1),
            cas(1, 2, 3, 1, 2, true),
            read(0, 4, 5, Some(2))
        ]),
        Verdict::Linearizable
    );
    assert_eq!(
        reg(&[write(0, 0, 1, 1), cas(1, 2, 3, 1, 2, false)]),
        Verdict::NotLinearizable
    );
    assert_eq!(
        reg(&[cas(1, 2, 3, 1, 2, false), read(0, 4, 5, None)]),
        Verdict::Linearizable
    );
    // Two successful cas from the same value, one after the other: only if something wrote 1 between.
    let two = [
        write(0, 0, 1, 1),
        cas(1, 2, 3, 1, 2, true),
        cas(2, 4, 5, 1, 3, true),
    ];
    assert_eq!(reg(&two), Verdict::NotLinearizable);
    let mut with_open = two.to_vec();
    with_open.push(Operation::open(3, 0, R::Write(1)));
    assert_eq!(
        reg(&with_open),
        Verdict::Linearizable,
        "an open write of 1 can fall between"
    );
}

#[test]
fn an_exhausted_budget_gives_unknown_not_a_verdict() {
    let mut rng = common::Rng::new(7);
    let mut history = common::kv_sequential(&mut rng, 3000, 1, 30, 5);
    history.extend(
        common::kv_sequential(&mut rng, 10, 1, 30, 0)
            .into_iter()
            .map(|mut o| {
                o.input.key = "z".into();
                o
            }),
    );
    let report = check(
        &Kv,
        &history,
        &mut StepBudget { left: 1024 },
        &Options::default(),
    )
    .unwrap();
    assert_eq!(report.verdict, Verdict::Unknown);
    assert_eq!(report.partitions[0].outcome, Outcome::OutOfBudget);
    assert!(
        !report.partitions[0].longest.is_empty(),
        "it reports how far it got"
    );
    assert_eq!(report.partitions[1].outcome, Outcome::NotChecked);
    let report = check(&Kv, &history, &mut Unlimited, &Options::default()).unwrap();
    assert_eq!(report.verdict, Verdict::Linearizable);
    assert_eq!(report.partitions[0].longest.len(), 3000);
}

#[test]
fn a_full_memo_is_reported_and_the_verdicts_stay_right() {
    let options = Options { memo_bytes_max: 0 };
    let history = [
        append(0, 0, 10, "k", "x"),
        append(1, 20, 30, "k", "y"),
        get(2, 40, 50, "k", "x"),
    ];
    let report = check(&Kv, &history, &mut Unlimited, &options).unwrap();
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    assert!(report.memo_full());
    let ok = [append(0, 0, 10, "k", "x"), get(2, 40, 50, "k", "x")];
    assert_eq!(
        check(&Kv, &ok, &mut Unlimited, &options).unwrap().verdict,
        Verdict::Linearizable
    );
}

#[test]
fn a_malformed_history_is_an_error_naming_the_operation() {
    use raftlab_lincheck::HistoryError;
    let bad = [get(0, 10, 5, "k", "")];
    assert_eq!(
        check(&Kv, &bad, &mut Unlimited, &Options::default()).unwrap_err(),
        HistoryError::ReturnBeforeCall { index: 0 }
    );
    let mut no_output = get(0, 1, 5, "k", "");
    no_output.output = None;
    assert_eq!(
        check(
            &Kv,
            &[put(0, 0, 1, "k", "a"), no_output],
            &mut Unlimited,
            &Options::default()
        )
        .unwrap_err(),
        HistoryError::ReturnWithoutOutput { index: 1 }
    );
}
