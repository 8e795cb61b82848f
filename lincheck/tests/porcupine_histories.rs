//! porcupine's own 1- and 10-client key/value histories (tests/data/README.md): the verdicts
//! porcupine expects.

use raftlab_lincheck::jsonl::parse_kv;
use raftlab_lincheck::kv::Kv;
use raftlab_lincheck::{check, Options, Unlimited, Verdict};

fn verdict(text: &str) -> (Verdict, Vec<String>) {
    let parsed = parse_kv(text).unwrap();
    let report = check(&Kv, &parsed.history, &mut Unlimited, &Options::default()).unwrap();
    (
        report.verdict,
        report.illegal().map(|p| p.key.clone()).collect(),
    )
}

#[test]
fn porcupine_c01_ok_is_linearizable() {
    assert_eq!(
        verdict(include_str!("data/porcupine-c01-ok.jsonl")),
        (Verdict::Linearizable, vec![])
    );
}

#[test]
fn porcupine_c01_bad_is_not_and_key_7_is_where() {
    assert_eq!(
        verdict(include_str!("data/porcupine-c01-bad.jsonl")),
        (Verdict::NotLinearizable, vec!["7".into()])
    );
}

#[test]
fn porcupine_c10_ok_is_linearizable() {
    assert_eq!(
        verdict(include_str!("data/porcupine-c10-ok.jsonl")),
        (Verdict::Linearizable, vec![])
    );
}

#[test]
fn porcupine_c10_bad_is_not() {
    let (v, keys) = verdict(include_str!("data/porcupine-c10-bad.jsonl"));
    assert_eq!(v, Verdict::NotLinearizable);
    assert_eq!(keys, ["0", "1", "2", "3", "5", "6", "7", "9"]);
}
