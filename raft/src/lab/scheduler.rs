//! Deterministic concurrency in virtual time. Each activity (the test itself is activity 0)
//! runs on its own thread, but only the one holding the baton runs. An activity gives the
//! baton up only in `sleep`: the scheduler then runs the simulation up to the earliest wake-up
//! time among all activities (ties go to whoever went to sleep first) and hands the baton to
//! that activity. Same seed, same interleaving.
//!
//! The baton goes straight to the activity that runs next: the sleeper unparks that one
//! thread only (none when it picks itself, as a test without activities always does), so a
//! switch costs one wake-up, not one per waiting activity.

use super::Lab;
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::Thread;

struct Act {
    /// (virtual time, order of going to sleep) while sleeping or waiting to start.
    wake: Option<(u64, u64)>,
    done: bool,
    /// The thread it runs on, which `pass_baton` unparks (None until the thread exists).
    thread: Option<Thread>,
}

struct Sched {
    acts: Vec<Act>,
    seq: u64,
    /// The first panic of an activity other than the test's own thread.
    failure: Option<String>,
}

pub(crate) struct Shared {
    lab: Mutex<Lab>,
    sched: Mutex<Sched>,
    /// The activity holding the baton (written under `sched`, read by parked threads).
    /// Invariant: exactly one activity thread runs tester code: the one named here.
    running: AtomicUsize,
}

/// A running activity (Go's goroutine); `Config::join` waits for it.
pub struct Activity<T> {
    result: Arc<Mutex<Option<T>>>,
}

impl<T> Activity<T> {
    pub(crate) fn is_finished(&self) -> bool {
        self.result
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    pub(crate) fn take(self) -> T {
        self.result
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .expect("finished")
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "an activity panicked".to_string()
    }
}

impl Shared {
    pub(crate) fn new(lab: Lab) -> Arc<Shared> {
        let main = Act {
            wake: None,
            done: false,
            thread: Some(std::thread::current()),
        };
        Arc::new(Shared {
            lab: Mutex::new(lab),
            sched: Mutex::new(Sched {
                acts: vec![main],
                seq: 0,
                failure: None,
            }),
            running: AtomicUsize::new(0),
        })
    }

    /// The tester state. A test that failed while holding it poisons the lock; the state is
    /// still what it was, and the failure is already on its way.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Lab> {
        self.lab.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sched(&self) -> MutexGuard<'_, Sched> {
        self.sched.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Activity `me` (holding the baton) sleeps `ms` of virtual time.
    pub(crate) fn sleep(&self, me: usize, ms: u64) {
        let mut s = self.sched();
        if me == 0 {
            // The test's handle may have moved to another thread since the last sleep.
            let current = std::thread::current();
            if s.acts[0].thread.as_ref().map(Thread::id) != Some(current.id()) {
                s.acts[0].thread = Some(current);
            }
        }
        let target = self.lock().sim.now_ms() + ms;
        s.seq += 1;
        s.acts[me].wake = Some((target, s.seq));
        self.pass_baton(&mut s);
        if self.running.load(Ordering::Acquire) != me {
            drop(s);
            self.wait_for_baton(me);
            s = self.sched();
        }
        s.acts[me].wake = None;
        if me == 0 {
            if let Some(failure) = s.failure.take() {
                drop(s);
                panic!("a concurrent activity failed: {failure}");
            }
        }
    }

    /// Park until `running` names `me` (wake-ups for others, or spurious, park again).
    fn wait_for_baton(&self, me: usize) {
        while self.running.load(Ordering::Acquire) != me {
            std::thread::park();
        }
    }

    /// Hand the baton to activity `next`, waking its thread unless it is the caller's.
    fn give_baton(&self, s: &Sched, next: usize) {
        let previous = self.running.swap(next, Ordering::AcqRel);
        if previous != next {
            if let Some(thread) = &s.acts[next].thread {
                thread.unpark();
            }
        }
    }

    /// Run the simulation to the earliest wake-up and give that activity the baton.
    fn pass_baton(&self, s: &mut Sched) {
        let next = s
            .acts
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.done)
            .filter_map(|(i, a)| a.wake.map(|w| (w, i)))
            .min();
        let Some(((time, _), next)) = next else {
            return;
        };
        self.lock().advance_to(time);
        self.give_baton(s, next);
    }
}

/// Start `body` as a new activity; it first runs when the current one sleeps.
pub(crate) fn spawn<T: Send + 'static>(
    shared: &Arc<Shared>,
    body: impl FnOnce(usize) -> T + Send + 'static,
) -> Activity<T> {
    let result = Arc::new(Mutex::new(None));
    let id = {
        let mut s = shared.sched();
        let now = shared.lock().sim.now_ms();
        s.seq += 1;
        let wake = Some((now, s.seq));
        s.acts.push(Act {
            wake,
            done: false,
            thread: None,
        });
        s.acts.len() - 1
    };
    let (inner, slot) = (shared.clone(), result.clone());
    let handle = std::thread::Builder::new()
        .name(format!("activity-{id}"))
        .spawn(move || {
            inner.wait_for_baton(id);
            inner.sched().acts[id].wake = None;
            let outcome = catch_unwind(AssertUnwindSafe(|| body(id)));
            let mut s = inner.sched();
            s.acts[id].done = true;
            match outcome {
                Ok(value) => {
                    *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
                    inner.pass_baton(&mut s);
                }
                Err(panic) => {
                    // Wake the test's own thread, which reports the failure.
                    s.failure.get_or_insert(panic_message(&*panic));
                    inner.give_baton(&s, 0);
                }
            }
        })
        .expect("spawning an activity thread");
    // The new activity first runs when the spawner sleeps, which needs the sched lock: by
    // then its thread is known.
    shared.sched().acts[id].thread = Some(handle.thread().clone());
    Activity { result }
}
