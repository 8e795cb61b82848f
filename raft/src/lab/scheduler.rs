//! Deterministic concurrency in virtual time. Each activity (the test itself is activity 0)
//! runs on its own thread, but only the one holding the baton runs. An activity gives the
//! baton up only in `sleep`: the scheduler then runs the simulation up to the earliest wake-up
//! time among all activities (ties go to whoever went to sleep first) and hands the baton to
//! that activity. Same seed, same interleaving.

use super::Lab;
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// A condition on the tester's state that ends a sleep early (`Shared::sleep_until`).
pub(crate) type Until = Box<dyn Fn(&Lab) -> bool + Send>;

struct Act {
    /// (virtual time, order of going to sleep) while sleeping or waiting to start.
    wake: Option<(u64, u64)>,
    /// While sleeping: wake before `wake`'s time as soon as this holds, checked after every
    /// simulated action.
    until: Option<Until>,
    done: bool,
}

struct Sched {
    acts: Vec<Act>,
    /// The activity holding the baton.
    /// Invariant: exactly one activity thread runs tester code: the one named here.
    running: usize,
    seq: u64,
    /// The first panic of an activity other than the test's own thread.
    failure: Option<String>,
}

pub(crate) struct Shared {
    lab: Mutex<Lab>,
    sched: Mutex<Sched>,
    baton: Condvar,
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
            until: None,
            done: false,
        };
        Arc::new(Shared {
            lab: Mutex::new(lab),
            sched: Mutex::new(Sched {
                acts: vec![main],
                running: 0,
                seq: 0,
                failure: None,
            }),
            baton: Condvar::new(),
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
        self.sleep_until(me, ms, None);
    }

    /// Activity `me` (holding the baton) sleeps `ms` of virtual time, or less: until `until`
    /// holds after some simulated action.
    pub(crate) fn sleep_until(&self, me: usize, ms: u64, until: Option<Until>) {
        let mut s = self.sched();
        let target = self.lock().sim.now_ms() + ms;
        s.seq += 1;
        s.acts[me].wake = Some((target, s.seq));
        s.acts[me].until = until;
        self.pass_baton(&mut s);
        while s.running != me {
            s = self.baton.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        s.acts[me].wake = None;
        s.acts[me].until = None;
        if me == 0 {
            if let Some(failure) = s.failure.take() {
                drop(s);
                panic!("a concurrent activity failed: {failure}");
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
        let next = if s.acts.iter().any(|a| a.until.is_some()) {
            self.advance_watching(s, time).unwrap_or(next)
        } else {
            self.lock().advance_to(time);
            next
        };
        s.running = next;
        self.baton.notify_all();
    }
}

impl Shared {
    /// Run the simulation up to `time` action by action, stopping as soon as a sleeping
    /// activity's `until` holds: that activity (the first to have gone to sleep, if several).
    fn advance_watching(&self, s: &Sched, time: u64) -> Option<usize> {
        let mut lab = self.lock();
        loop {
            let ready = s
                .acts
                .iter()
                .enumerate()
                .filter(|(_, a)| !a.done)
                .filter_map(|(i, a)| Some((a.wake?.1, i, a.until.as_ref()?)))
                .filter(|(_, _, until)| until(&lab))
                .map(|(seq, i, _)| (seq, i))
                .min();
            if let Some((_, i)) = ready {
                return Some(i);
            }
            if !lab.step_before(time) {
                lab.advance_to(time);
                return None;
            }
        }
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
            until: None,
            done: false,
        });
        s.acts.len() - 1
    };
    let (shared, slot) = (shared.clone(), result.clone());
    std::thread::Builder::new()
        .name(format!("activity-{id}"))
        .spawn(move || {
            {
                let mut s = shared.sched();
                while s.running != id {
                    s = shared.baton.wait(s).unwrap_or_else(PoisonError::into_inner);
                }
                s.acts[id].wake = None;
            }
            let outcome = catch_unwind(AssertUnwindSafe(|| body(id)));
            let mut s = shared.sched();
            s.acts[id].done = true;
            match outcome {
                Ok(value) => {
                    *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
                    shared.pass_baton(&mut s);
                }
                Err(panic) => {
                    // Wake the test's own thread, which reports the failure.
                    s.failure.get_or_insert(panic_message(&*panic));
                    s.running = 0;
                    shared.baton.notify_all();
                }
            }
        })
        .expect("spawning an activity thread");
    Activity { result }
}
