//! Deterministic concurrency in virtual time. Each activity (the test itself is activity 0)
//! runs as a coroutine on the test's own thread, and only the one holding the baton runs. An
//! activity gives the baton up only in `sleep`: the scheduler then runs the simulation up to
//! the earliest wake-up time among all activities (ties go to whoever went to sleep first) and
//! hands the baton to that activity. Same seed, same interleaving.
//!
//! Activity 0 is the test's own stack; every other activity is a stackful coroutine
//! (corosensei) that activity 0 resumes from its `sleep` while the baton is elsewhere. A
//! coroutine that passes the baton suspends back into that loop, which resumes whichever
//! activity holds the baton now, until it is activity 0's again. So a switch is a few dozen
//! instructions, with no OS thread, no lock contention and no system call; an activity that
//! picks itself (a test without activities always does) does not switch at all.

use super::Lab;
use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult, Yielder};
use std::any::Any;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::ThreadId;

/// Each activity's stack (address space; pages are touched as used). A thread's default.
const ACTIVITY_STACK_BYTES: usize = 2 << 20;
/// Stacks of finished activities kept per thread for the next ones (each test's activities
/// reuse them instead of mapping new ones).
const SPARE_STACKS_MAX: usize = 64;

thread_local! {
    static SPARE_STACKS: RefCell<Vec<DefaultStack>> = const { RefCell::new(Vec::new()) };
}

fn new_stack() -> DefaultStack {
    SPARE_STACKS
        .with(|s| s.borrow_mut().pop())
        .unwrap_or_else(|| {
            DefaultStack::new(ACTIVITY_STACK_BYTES)
                .unwrap_or_else(|e| panic!("cannot map an activity's stack: {e}"))
        })
}

fn recycle_stack(stack: DefaultStack) {
    SPARE_STACKS.with(|s| {
        let mut spare = s.borrow_mut();
        if spare.len() < SPARE_STACKS_MAX {
            spare.push(stack);
        }
    });
}

/// An activity's coroutine while it is not running.
struct Fiber(Coroutine<(), (), (), DefaultStack>);

// SAFETY: a coroutine must not run on two threads. Every fiber of a `Shared` is created and
// resumed on `Sched::owner`'s thread only (`check_owner` refuses any other), and is dropped
// only once finished (its stack goes back to that thread's spares): an unfinished fiber holds
// an `Arc<Shared>` (in its closure or on its stack), so the `Shared` it lives in cannot be
// dropped, on any thread, while it is suspended.
unsafe impl Send for Fiber {}

/// A running coroutine's way back to activity 0's loop.
#[derive(Clone, Copy)]
struct YielderPtr(*const Yielder<(), ()>);

// SAFETY: used only on the owner thread, by the activity it belongs to, while that
// activity's coroutine body runs (the yielder lives on its stack that long; `done` clears it).
unsafe impl Send for YielderPtr {}

/// A condition on the tester's state that ends a sleep early (`Shared::sleep_until`).
pub(crate) type Until = Box<dyn Fn(&Lab) -> bool + Send>;

struct Act {
    /// (virtual time, order of going to sleep) while sleeping or waiting to start.
    wake: Option<(u64, u64)>,
    /// While sleeping: wake before `wake`'s time as soon as this holds, checked after every
    /// simulated action.
    until: Option<Until>,
    done: bool,
    /// The coroutine, while the activity is suspended or not started (never for activity 0).
    fiber: Option<Fiber>,
    /// Set while the activity's coroutine body runs.
    yielder: Option<YielderPtr>,
}

struct Sched {
    acts: Vec<Act>,
    /// The activity holding the baton.
    /// Invariant: exactly one activity runs tester code: the one named here.
    running: usize,
    seq: u64,
    /// The first panic of an activity other than the test's own.
    failure: Option<String>,
    /// The thread every activity runs on: the test's.
    owner: ThreadId,
}

pub(crate) struct Shared {
    lab: Mutex<Lab>,
    sched: Mutex<Sched>,
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
            fiber: None,
            yielder: None,
        };
        Arc::new(Shared {
            lab: Mutex::new(lab),
            sched: Mutex::new(Sched {
                acts: vec![main],
                running: 0,
                seq: 0,
                failure: None,
                owner: std::thread::current().id(),
            }),
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

    /// Activities run on the thread that started them. The test's handle may move to another
    /// thread only while it has no unfinished activity.
    fn check_owner(s: &mut Sched) {
        let here = std::thread::current().id();
        if here == s.owner {
            return;
        }
        if s.acts.iter().skip(1).all(|a| a.done) {
            s.owner = here;
        } else {
            panic!("a Config with running activities (Config::go) was used from another thread");
        }
    }

    /// Activity `me` (holding the baton) sleeps `ms` of virtual time.
    pub(crate) fn sleep(&self, me: usize, ms: u64) {
        self.sleep_until(me, ms, None);
    }

    /// Activity `me` (holding the baton) sleeps `ms` of virtual time, or less: until `until`
    /// holds after some simulated action.
    pub(crate) fn sleep_until(&self, me: usize, ms: u64, until: Option<Until>) {
        let mut s = self.sched();
        Shared::check_owner(&mut s);
        let target = self.lock().sim.now_ms() + ms;
        s.seq += 1;
        s.acts[me].wake = Some((target, s.seq));
        s.acts[me].until = until;
        self.pass_baton(&mut s);
        if me == 0 {
            s = self.run_others(s);
        } else if s.running != me {
            let yielder = s.acts[me]
                .yielder
                .expect("a running activity has its yielder");
            drop(s);
            // SAFETY: `me` is the activity whose coroutine body is running (only its own
            // `Config` sleeps as `me`, on the owner thread), so its yielder is alive.
            unsafe { (*yielder.0).suspend(()) };
            s = self.sched();
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

    /// Activity 0's loop while the baton is elsewhere: resume the activity holding it until
    /// it suspends or finishes, until the baton is back.
    fn run_others<'a>(&'a self, mut s: MutexGuard<'a, Sched>) -> MutexGuard<'a, Sched> {
        while s.running != 0 {
            let next = s.running;
            let mut fiber = s.acts[next]
                .fiber
                .take()
                .expect("the activity holding the baton is suspended or not started");
            drop(s);
            let result = fiber.0.resume(());
            s = self.sched();
            match result {
                CoroutineResult::Yield(()) => s.acts[next].fiber = Some(fiber),
                CoroutineResult::Return(()) => recycle_stack(fiber.0.into_stack()),
            }
        }
        s
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
    let mut s = shared.sched();
    Shared::check_owner(&mut s);
    let now = shared.lock().sim.now_ms();
    s.seq += 1;
    let id = s.acts.len();
    let (inner, slot) = (shared.clone(), result.clone());
    let coroutine = Coroutine::with_stack(new_stack(), move |yielder: &Yielder<(), ()>, ()| {
        {
            let mut s = inner.sched();
            s.acts[id].yielder = Some(YielderPtr(yielder));
            s.acts[id].wake = None;
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| body(id)));
        let mut s = inner.sched();
        s.acts[id].done = true;
        s.acts[id].yielder = None;
        match outcome {
            Ok(value) => {
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
                inner.pass_baton(&mut s);
            }
            Err(panic) => {
                // Back to the test's own activity, which reports the failure.
                s.failure.get_or_insert(panic_message(&*panic));
                s.running = 0;
            }
        }
    });
    let wake = Some((now, s.seq));
    s.acts.push(Act {
        wake,
        until: None,
        done: false,
        fiber: Some(Fiber(coroutine)),
        yielder: None,
    });
    Activity { result }
}
