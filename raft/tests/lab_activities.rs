//! The lab harness's activities (`Config::go`, Go's goroutines): they interleave only in
//! `sleep_ms`, in wake-up order (ties to whoever slept first), the same way every run; one
//! activity's panic fails the test; and they all run on the test's own thread.

use raftlab::lab::Config;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

/// Who ran when, in virtual ms.
type Log = Arc<Mutex<Vec<(u64, &'static str)>>>;

fn note(log: &Log, cfg: &Config, who: &'static str) {
    log.lock().unwrap().push((cfg.now_ms(), who));
}

#[test]
fn activities_interleave_in_wake_up_order_with_ties_to_the_first_sleeper() {
    let mut cfg = Config::with_seed(3, false, false, 7);
    let t0 = cfg.now_ms();
    let log: Log = Arc::default();
    let (a, b) = (log.clone(), log.clone());
    let first = cfg.go(move |c| {
        for _ in 0..3 {
            note(&a, c, "a");
            c.sleep_ms(30);
        }
        "a done"
    });
    let second = cfg.go(move |c| {
        for _ in 0..2 {
            note(&b, c, "b");
            c.sleep_ms(45);
        }
        // An activity may start activities of its own.
        let nested = {
            let b = b.clone();
            c.go(move |c| {
                c.sleep_ms(5);
                note(&b, c, "nested");
                42
            })
        };
        nested.join(c)
    });
    note(&log, &cfg, "test");
    cfg.sleep_ms(60);
    note(&log, &cfg, "test");
    assert_eq!(first.join(&mut cfg), "a done");
    assert_eq!(second.join(&mut cfg), 42);
    let log: Vec<(u64, &str)> = log
        .lock()
        .unwrap()
        .iter()
        .map(|&(t, w)| (t - t0, w))
        .collect();
    // At 60 the test and `a` both wake: the test went to sleep first (at 0, `a` at 30).
    assert_eq!(
        log,
        [
            (0, "test"),
            (0, "a"),
            (0, "b"),
            (30, "a"),
            (45, "b"),
            (60, "test"),
            (60, "a"),
            (95, "nested"),
        ]
    );
}

#[test]
fn an_activity_that_panics_fails_the_test_with_its_message() {
    let failure = catch_unwind(AssertUnwindSafe(|| {
        let mut cfg = Config::with_seed(3, false, false, 7);
        let _quiet = cfg.go(|c| {
            c.sleep_ms(10);
            panic!("the activity's own words");
        });
        cfg.sleep_ms(1_000);
    }))
    .expect_err("the test fails");
    let message = failure.downcast_ref::<String>().expect("a formatted panic");
    assert!(
        message.contains("a concurrent activity failed: the activity's own words"),
        "{message}"
    );
}

#[test]
fn activities_run_on_the_tests_own_thread() {
    let mut cfg = Config::with_seed(3, false, false, 7);
    let here = std::thread::current().id();
    let there = cfg.go(|c| {
        c.sleep_ms(1);
        std::thread::current().id()
    });
    assert_eq!(there.join(&mut cfg), here);
}

#[test]
fn a_config_with_running_activities_refuses_another_thread() {
    let mut cfg = Config::with_seed(3, false, false, 7);
    let _sleeper = cfg.go(|c| c.sleep_ms(10_000));
    std::thread::scope(|scope| {
        let refused = scope.spawn(|| cfg.sleep_ms(1)).join();
        assert!(refused.is_err(), "sleeping on another thread must panic");
    });
}

#[test]
fn a_config_without_activities_may_move_to_another_thread() {
    let mut cfg = Config::with_seed(3, false, false, 7);
    let done = cfg.go(|c| c.sleep_ms(5));
    done.join(&mut cfg);
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                cfg.sleep_ms(10);
                let again = cfg.go(|c| {
                    c.sleep_ms(1);
                    7
                });
                assert_eq!(again.join(&mut cfg), 7);
            })
            .join()
            .expect("no activity was left behind");
    });
}
