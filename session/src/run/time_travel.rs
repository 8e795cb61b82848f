//! `TimeTravel`: a live run that can be rewound. The page plays it forward, seeks to any
//! moment between its start and its end, steps one event back or forward, plays on from a
//! past moment (the recorded inputs replay as it goes), and acting in the past forks: the
//! inputs after the moment shown are dropped, the new one is recorded, and that is the end.
//!
//! Everything shown for a moment comes from the simulation at that moment: each position
//! carries its `Narrator` and its last `RECENT_EVENTS_MAX` narrated lines, so a seek redraws
//! an event log without the caller keeping any history.
//!
//! Memory: at most `CHECKPOINTS_MAX` positions (a simulation with its events drained, a
//! narrator, the recent lines) plus the start, taken every `CHECKPOINT_SPACING_MS` virtual ms
//! and thinned (when full, every other one goes and the spacing doubles),
//! so a seek replays at most one spacing from the nearest checkpoint (or from the moment
//! shown, when that is nearer); at most `MARKERS_MAX` markers; at most `FRESH_MAX` lines
//! waiting to be taken.

use crate::narrate::{Narration, NarrationKind, Narrator};
use crate::run::Run;
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use raftlab::core::{NodeId, Role};
use raftlab::sim::{Error, Input, Outcome, Simulation, Stamp};
use raftlab::vec_map::VecMap;

/// The most checkpoints a run holds (its start not counted).
pub const CHECKPOINTS_MAX: usize = 64;
/// The first spacing of checkpoints, in virtual ms (doubled each time the maximum is reached).
pub const CHECKPOINT_SPACING_MS: u64 = 1_000;
/// Narrated lines each position keeps (what an event log shows for that moment).
pub const RECENT_EVENTS_MAX: usize = 150;
/// Lines produced by moving forward and not yet taken (the newest are kept).
pub const FRESH_MAX: usize = 500;
/// Markers a timeline holds (later ones are counted in `markers_omitted`).
pub const MARKERS_MAX: usize = 2_000;
/// Ticks one `step_forward` may take looking for an event.
pub const STEP_TICKS_MAX: u64 = 1_000_000;
/// Virtual ms simulated between two drains of the simulator's events (its buffer is bounded).
const SLICE_MS: u64 = 1_000;

/// What a marker on the timeline stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// A node became leader.
    Election,
    Crash,
    /// A partition or a heal.
    Partition,
    /// An input: something done from outside (a request, a crash, a network change, ...).
    Action,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub time_ms: u64,
    pub kind: MarkerKind,
    pub node: Option<NodeId>,
    pub label: String,
    /// Events recorded before it (orders markers of one millisecond; see `fork`).
    events: u64,
}

/// The last fork: acting at `at_ms` dropped the run from there to `dropped_to_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fork {
    pub at_ms: u64,
    pub dropped_to_ms: u64,
    pub inputs_dropped: usize,
}

#[derive(Clone, Debug)]
struct Position {
    sim: Simulation,
    inputs_applied: usize,
    narrator: Narrator,
    recent: VecDeque<Narration>,
    /// Lines narrated here since the run's start (the newest are the last of `recent`).
    lines_total: u64,
}

impl Position {
    /// Actions processed plus inputs applied: grows by one each tick.
    fn ticks(&self) -> u64 {
        self.sim.stamp().actions + self.inputs_applied as u64
    }
}

/// Where narrated lines go besides the position's own recent lines.
struct Sink<'a> {
    /// Lines for the caller (moving forward, not seeking).
    fresh: Option<&'a mut VecDeque<Narration>>,
    /// Events recorded up to the end of the run so far: later ones make markers.
    end_events: u64,
    markers: &'a mut Markers,
}

#[derive(Clone, Debug, Default)]
struct Markers {
    list: Vec<Marker>,
    omitted: u64,
}

impl Markers {
    /// Keeps the list in time order, however the markers come (a replay narrates a slice
    /// after its inputs): by time, then events before, then an event before an action.
    fn push(&mut self, marker: Marker) {
        if self.list.len() < MARKERS_MAX {
            let key = |m: &Marker| (m.time_ms, m.events, m.kind == MarkerKind::Action);
            let k = key(&marker);
            let i = self.list.partition_point(|m| key(m) <= k);
            self.list.insert(i, marker);
        } else {
            self.omitted += 1;
        }
    }
}

/// A client request the cluster accepted (`Input::Request`, `Outcome::Accepted`): which input
/// of the run it was, the leader that took it, where it appended it, and the moment (ticks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// Its index in the run's inputs.
    pub input: usize,
    pub leader: NodeId,
    pub index: u64,
    pub term: u64,
    pub at_ms: u64,
    /// The moment just after it was applied, in ticks from the run's start.
    pub ticks: u64,
}

/// What became of an accepted request once a node committed its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// Its entry (its index, its term) was committed.
    Committed,
    /// Another entry was committed at its index.
    Lost,
}

/// The fate of the entry at (`index`, `term`) as `sim`'s live nodes that committed `index`
/// hold it: Ok(None) while none has committed it, Err(()) when every one that has compacted
/// it into a snapshot (its term no longer known).
pub fn entry_fate(sim: &Simulation, index: u64, term: u64) -> Result<Option<Settled>, ()> {
    let mut unknown = false;
    for n in 0..sim.len() {
        let Some(raft) = sim.raft(n) else { continue };
        if raft.commit_index() < index {
            continue;
        }
        match raft.log().term_at(index) {
            Some(t) if t == term => return Ok(Some(Settled::Committed)),
            Some(_) => return Ok(Some(Settled::Lost)),
            None => unknown = true,
        }
    }
    if unknown {
        Err(())
    } else {
        Ok(None)
    }
}

#[cfg(test)]
std::thread_local! {
    /// `first_from` replays on this thread (for tests: what is noted is not replayed).
    pub(crate) static REPLAYS: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

#[derive(Clone, Debug)]
pub struct TimeTravel {
    current: Position,
    tape: Tape,
}

/// Everything but the moment shown (so moving a position borrows the rest apart).
#[derive(Clone, Debug)]
struct Tape {
    run: Run,
    /// Invariant: in time order, all on the current run; `[0]` is the start and stays.
    checkpoints: Vec<Position>,
    spacing_ms: u64,
    /// The furthest the run has gone: ms, ticks and events recorded.
    end_ms: u64,
    end_ticks: u64,
    end_events: u64,
    markers: Markers,
    /// Recorded inputs that have their action marker (a run's inputs replayed for the
    /// first time, by `from_run`, get theirs as they replay).
    // Invariant: marked_inputs <= run.inputs.len().
    marked_inputs: usize,
    /// The run's accepted requests, in input order, noted as each input is first applied
    /// (`from_run` replays them all), so they follow from the run alone.
    // Invariant: every `input` < accepted_through <= run.inputs.len(), increasing.
    accepted: Vec<Accepted>,
    accepted_through: usize,
    /// `settle`'s answers by input index: a function of the run up to the settling moment,
    /// kept until a fork changes the run (not of what was shown).
    settled: RefCell<VecMap<usize, Settled>>,
    fresh: VecDeque<Narration>,
    forks: u64,
    last_fork: Option<Fork>,
    jumps: u64,
    /// Bumped whenever the markers, the end's markers or the forks change.
    version: u64,
}

impl TimeTravel {
    /// A run starting from `sim` (a new cluster, or one restored from storage).
    pub fn new(mut sim: Simulation) -> TimeTravel {
        let mut run = Run::new(sim.config().clone());
        run.inputs.clear();
        let _ = sim.drain_events();
        let start = Position {
            narrator: Narrator::new(sim.len()),
            inputs_applied: 0,
            recent: VecDeque::new(),
            lines_total: 0,
            sim,
        };
        let tape = Tape {
            end_ms: start.sim.now_ms(),
            end_ticks: start.ticks(),
            end_events: start.sim.events_total(),
            run,
            checkpoints: alloc::vec![start.clone()],
            spacing_ms: CHECKPOINT_SPACING_MS,
            markers: Markers::default(),
            marked_inputs: 0,
            accepted: Vec::new(),
            accepted_through: 0,
            settled: RefCell::new(VecMap::new()),
            fresh: VecDeque::new(),
            forks: 0,
            last_fork: None,
            jumps: 0,
            version: 0,
        };
        TimeTravel {
            current: start,
            tape,
        }
    }

    /// `run` replayed from a fresh start (`Simulation::new` of its config) to `end_ms` (or to
    /// its last input, if later), showing `end_ms`: its inputs are the recorded future, so
    /// acting before the last of them forks. The caller validated the run (`Run::validate`).
    pub fn from_run(run: Run, end_ms: u64) -> Result<TimeTravel, Error> {
        let sim = Simulation::new(run.config.clone())?;
        let last = run.inputs.last().map_or(0, |(at, _)| at.at_ms);
        let mut tt = TimeTravel::new(sim);
        tt.tape.run.inputs = run.inputs;
        tt.tape.forward(&mut tt.current, end_ms.max(last), false);
        tt.tape.note_end(&tt.current);
        tt.seek(end_ms);
        Ok(tt)
    }

    // ----- what is shown -----

    /// The run's accepted requests (all of them, up to its end), in input order.
    pub fn accepted(&self) -> &[Accepted] {
        &self.tape.accepted
    }

    /// What became of accepted request `a` once its index was first committed (replayed from
    /// it, up to the moment shown), or None when no node has committed it by then.
    pub fn settle(&self, a: &Accepted) -> Option<Settled> {
        if let Some(s) = self.tape.settled.borrow().get(&a.input) {
            return Some(*s);
        }
        let found = self.first_from(a.ticks, |sim| {
            entry_fate(sim, a.index, a.term).ok().flatten()
        })?;
        self.tape.settled.borrow_mut().insert(a.input, found);
        Some(found)
    }

    /// Notes what became of accepted request `a` as the moment shown says (`entry_fate`
    /// found it there), so that `settle` need not replay once every node has compacted it.
    /// Only while the checker has found no violation up to the moment shown: it checked after
    /// every event that a committed entry never changes, so the fate seen now is the fate at
    /// its first commit, which `settle` would replay to (a function of the run, not of what
    /// was shown). After a violation (a broken rule can overwrite a committed entry) `settle`
    /// replays as before.
    pub fn note_settled(&self, a: &Accepted, fate: Settled) {
        if self.current.sim.violation().is_some() {
            return;
        }
        let mut settled = self.tape.settled.borrow_mut();
        if settled.get(&a.input).is_none() {
            settled.insert(a.input, fate);
        }
    }

    /// How many of the run's inputs the moment shown has applied.
    pub fn inputs_applied(&self) -> usize {
        self.current.inputs_applied
    }

    /// The first moment from `from_ticks` on (up to the moment shown) at which `found` says
    /// something, replayed tick by tick from the nearest checkpoint without moving the moment
    /// shown; None when it says nothing up to there.
    pub fn first_from<R>(
        &self,
        from_ticks: u64,
        mut found: impl FnMut(&Simulation) -> Option<R>,
    ) -> Option<R> {
        #[cfg(test)]
        REPLAYS.with(|n| n.set(n.get() + 1));
        let to = self.current.ticks();
        let cps = &self.tape.checkpoints;
        let i = cps.partition_point(|c| c.ticks() <= from_ticks).max(1);
        let mut at = cps[i - 1].clone();
        let mut tape = self.tape.clone_for_replay();
        while at.ticks() < from_ticks && tape.tick(&mut at, false) {}
        loop {
            if let Some(r) = found(&at.sim) {
                return Some(r);
            }
            if at.ticks() >= to || !tape.tick(&mut at, false) {
                return None;
            }
        }
    }

    /// The simulation at the moment shown.
    pub fn sim(&self) -> &Simulation {
        &self.current.sim
    }
    pub fn run(&self) -> &Run {
        &self.tape.run
    }
    pub fn now_ms(&self) -> u64 {
        self.current.sim.now_ms()
    }
    pub fn start_ms(&self) -> u64 {
        self.tape.checkpoints[0].sim.now_ms()
    }
    /// The furthest virtual ms the run has reached.
    pub fn end_ms(&self) -> u64 {
        self.tape.end_ms
    }
    /// True when nothing has been recorded after the moment shown (acting does not fork).
    pub fn at_end(&self) -> bool {
        self.current.ticks() >= self.tape.end_ticks && self.now_ms() >= self.tape.end_ms
    }
    /// The role `node` had when it crashed, at the moment shown.
    pub fn crashed_role(&self, node: NodeId) -> Option<Role> {
        self.current.narrator.crashed_role(node)
    }
    /// The last `RECENT_EVENTS_MAX` lines up to the moment shown, oldest first.
    pub fn recent(&self) -> impl Iterator<Item = &Narration> {
        self.current.recent.iter()
    }
    /// The lines produced since the last call by moving forward (play, steps, inputs); a
    /// jump (seek, step back) discards them. Oldest first, at most `FRESH_MAX`.
    pub fn take_fresh(&mut self) -> Vec<Narration> {
        self.tape.fresh.drain(..).collect()
    }
    pub fn markers(&self) -> &[Marker] {
        &self.tape.markers.list
    }
    /// Markers left out because `MARKERS_MAX` were held.
    pub fn markers_omitted(&self) -> u64 {
        self.tape.markers.omitted
    }
    pub fn forks(&self) -> u64 {
        self.tape.forks
    }
    pub fn last_fork(&self) -> Option<Fork> {
        self.tape.last_fork
    }
    /// Bumped by every jump of the moment shown (seek, step back).
    pub fn jumps(&self) -> u64 {
        self.tape.jumps
    }
    /// Bumped whenever the markers or the forks change.
    pub fn version(&self) -> u64 {
        self.tape.version
    }
    /// Checkpoints held, the start included (at most `CHECKPOINTS_MAX` + 1).
    pub fn checkpoints(&self) -> usize {
        self.tape.checkpoints.len()
    }
    pub fn spacing_ms(&self) -> u64 {
        self.tape.spacing_ms
    }

    // ----- moving -----

    /// Play on from the moment shown to `time_ms` (the end of that millisecond): recorded
    /// inputs on the way are applied where they were recorded; past the end, the run grows.
    pub fn advance_to(&mut self, time_ms: u64) {
        self.tape.forward(&mut self.current, time_ms, true);
        self.tape.note_end(&self.current);
    }

    /// Show the end of virtual millisecond `time_ms` (clamped to the run's start and end).
    pub fn seek(&mut self, time_ms: u64) {
        let time_ms = time_ms.clamp(self.start_ms(), self.tape.end_ms);
        let cps = &self.tape.checkpoints;
        let i = cps.partition_point(|c| c.sim.now_ms() <= time_ms).max(1);
        let base = &cps[i - 1];
        // From the moment shown when it is on the way (playing on, small steps forward).
        if !(self.now_ms() <= time_ms && self.current.ticks() >= base.ticks()) {
            self.current = base.clone();
        }
        self.tape.forward(&mut self.current, time_ms, false);
        self.tape.jumped();
        self.tape.note_end(&self.current);
    }

    /// The exact moment shown: ticks (simulator actions and inputs) from the run's start. A
    /// millisecond may hold many ticks; `seek_ticks` comes back to exactly this one.
    pub fn ticks(&self) -> u64 {
        self.current.ticks()
    }

    /// Show the moment `ticks` ticks into the run (clamped to its end), from the nearest
    /// checkpoint at or before it. True when the run has that many ticks.
    pub fn seek_ticks(&mut self, ticks: u64) -> bool {
        let ticks = ticks.min(self.tape.end_ticks);
        let cps = &self.tape.checkpoints;
        let i = cps.partition_point(|c| c.ticks() <= ticks).max(1);
        let base = &cps[i - 1];
        if !(self.current.ticks() <= ticks && self.current.ticks() >= base.ticks()) {
            self.current = base.clone();
        }
        while self.current.ticks() < ticks && self.tape.tick(&mut self.current, false) {}
        self.tape.jumped();
        self.tape.note_end(&self.current);
        self.current.ticks() == ticks
    }

    /// Forward to just after the next tick that records an event. False when none comes
    /// within `STEP_TICKS_MAX` ticks (a stalled or empty simulation).
    pub fn step_forward(&mut self) -> bool {
        let events = self.current.sim.events_total();
        let mut ticks = 0;
        while self.current.sim.events_total() == events && ticks < STEP_TICKS_MAX {
            if !self.tape.tick(&mut self.current, true) {
                break;
            }
            ticks += 1;
        }
        self.tape.note_end(&self.current);
        self.current.sim.events_total() > events
    }

    /// Back to just before the tick that recorded the newest event: the latest position with
    /// fewer events. False at the start.
    pub fn step_back(&mut self) -> bool {
        let events = self.current.sim.events_total();
        let cps = &self.tape.checkpoints;
        if events <= cps[0].sim.events_total() {
            return false;
        }
        let i = cps
            .partition_point(|c| c.sim.events_total() < events)
            .max(1);
        // First pass: the ticks of the last position with fewer events; second: go there.
        let mut at = cps[i - 1].clone();
        let mut last = at.ticks();
        while self.tape.tick(&mut at, false) && at.sim.events_total() < events {
            last = at.ticks();
        }
        let mut at = self.tape.checkpoints[i - 1].clone();
        while at.ticks() < last && self.tape.tick(&mut at, false) {}
        self.current = at;
        self.tape.jumped();
        true
    }

    /// At the end of the run: one more simulator action (the run grows by one tick), with
    /// checkpoints kept on the way as playing keeps them. Returns the lines it narrated
    /// (None when nothing is left to do, or when the moment shown is not the end).
    pub fn tick_at_end(&mut self) -> Option<impl Iterator<Item = &Narration>> {
        if !self.at_end() {
            return None;
        }
        let lines = self.current.lines_total;
        let mark = (self.now_ms() / self.tape.spacing_ms + 1) * self.tape.spacing_ms;
        if !self.tape.tick(&mut self.current, true) {
            return None;
        }
        if self.now_ms() >= mark {
            self.tape.keep_checkpoint(&self.current);
        }
        self.tape.note_end(&self.current);
        let new = (self.current.lines_total - lines) as usize;
        let recent = &self.current.recent;
        Some(recent.iter().skip(recent.len().saturating_sub(new)))
    }

    /// Take over the counters a page compares frame to frame from `newer` (`forks` as is: an
    /// undo is not a fork; `jumps` and `version` bumped past its), so that going back to this
    /// copy of the run (an undo) reads as a jump and a change of the markers.
    pub(crate) fn supersede(&mut self, newer: &TimeTravel) {
        self.tape.forks = newer.tape.forks;
        self.tape.jumps = self.tape.jumps.max(newer.tape.jumps) + 1;
        self.tape.version = self.tape.version.max(newer.tape.version) + 1;
        self.tape.fresh.clear();
    }

    /// Drop what was recorded after the moment shown, as acting here would (a fork), without
    /// acting: the moment shown becomes the end. False (nothing dropped) at the end.
    pub fn drop_future(&mut self) -> bool {
        if self.at_end() {
            return false;
        }
        let events = self.current.sim.events_total();
        self.tape.fork(&self.current, events);
        true
    }

    /// Apply `input` at the moment shown and record it. In the past, an accepted input forks:
    /// the recorded inputs and markers after this moment are dropped first. A refused input
    /// changes nothing (not even the future).
    pub fn apply(&mut self, input: Input) -> Result<Outcome, Error> {
        let at = self.current.sim.stamp();
        let events = self.current.sim.events_total();
        let roles = roles(&self.current.sim);
        let outcome = self.current.sim.apply(input.clone())?;
        if !self.at_end() {
            self.tape.fork(&self.current, events);
        }
        let tape = &mut self.tape;
        tape.markers.push(Marker {
            time_ms: at.at_ms,
            kind: MarkerKind::Action,
            node: None,
            label: input_text(&input),
            events,
        });
        tape.version += 1;
        tape.run.record(at, input);
        self.current.inputs_applied += 1;
        tape.marked_inputs = tape.run.inputs.len();
        let recorded = tape.run.inputs.len() - 1;
        tape.note_accepted(recorded, &self.current, Ok(outcome.clone()));
        note_crashes(&mut self.current, &roles);
        tape.narrate_into(&mut self.current, true);
        tape.note_end(&self.current);
        Ok(outcome)
    }
}

impl Tape {
    /// Drop everything recorded after `at` (the moment shown, where `events` had been
    /// recorded): it becomes the end.
    fn fork(&mut self, at: &Position, events: u64) {
        let now = at.sim.now_ms();
        let kept = at.inputs_applied;
        let dropped = self.run.inputs.len() - kept;
        self.run.inputs.truncate(kept);
        self.marked_inputs = self.marked_inputs.min(kept);
        self.accepted.retain(|a| a.input < kept);
        self.settled.borrow_mut().clear();
        self.accepted_through = self.accepted_through.min(kept);
        let cps = self.checkpoints.partition_point(|c| c.sim.now_ms() < now);
        self.checkpoints.truncate(cps.max(1));
        self.markers
            .list
            .retain(|m| m.time_ms < now || (m.time_ms == now && m.events <= events));
        self.last_fork = Some(Fork {
            at_ms: now,
            dropped_to_ms: self.end_ms,
            inputs_dropped: dropped,
        });
        self.forks += 1;
        self.end_ms = now;
        self.end_ticks = at.ticks();
        self.end_events = events;
        self.version += 1;
    }

    fn jumped(&mut self) {
        self.fresh.clear();
        self.jumps += 1;
    }

    fn note_end(&mut self, at: &Position) {
        self.end_ticks = self.end_ticks.max(at.ticks());
        self.end_ms = self.end_ms.max(at.sim.now_ms());
        self.end_events = self.end_events.max(at.sim.events_total());
    }

    /// Move `at` forward to the end of `time_ms`, in slices, taking checkpoints on the way.
    fn forward(&mut self, at: &mut Position, time_ms: u64, fresh: bool) {
        while at.sim.now_ms() < time_ms && !at.sim.is_stalled() {
            let now = at.sim.now_ms();
            let mark = (now / self.spacing_ms + 1) * self.spacing_ms;
            let next = time_ms.min(now + SLICE_MS).min(mark);
            self.advance(at, next, fresh);
            if at.sim.now_ms() == mark {
                self.keep_checkpoint(at);
            }
        }
        // The inputs and actions of `time_ms` itself (a position may be mid-millisecond).
        self.advance(at, time_ms, fresh);
    }

    /// Inputs stamped at or before `time_ms` (each where it was recorded), then every action
    /// due by `time_ms`; then narrate.
    fn advance(&mut self, at: &mut Position, time_ms: u64, fresh: bool) {
        while let Some((stamp, _)) = self.run.inputs.get(at.inputs_applied) {
            if stamp.at_ms > time_ms {
                break;
            }
            self.replay_next_input(at);
        }
        at.sim.run_until(time_ms);
        self.narrate_into(at, fresh);
    }

    /// Replay the next recorded input at its stamp (the events before it first), mark it on
    /// the timeline and note the roles of nodes it crashed. Precondition: one is left.
    fn replay_next_input(&mut self, at: &mut Position) {
        let (stamp, input) = &self.run.inputs[at.inputs_applied];
        let roles = roles(&at.sim);
        // Events before the input: those up to its stamp.
        at.sim.run_to(*stamp);
        let events = at.sim.events_total();
        let outcome = at.sim.apply(input.clone());
        if mark_input(
            &mut self.markers,
            &mut self.marked_inputs,
            at.inputs_applied,
            *stamp,
            input,
            events,
        ) {
            self.version += 1;
        }
        at.inputs_applied += 1;
        let index = at.inputs_applied - 1;
        self.note_accepted(index, at, outcome);
        note_crashes(at, &roles);
    }

    /// Note input `index` (just applied at `at`) if it is a request the cluster accepted, the
    /// first time it is applied.
    fn note_accepted(&mut self, index: usize, at: &Position, outcome: Result<Outcome, Error>) {
        if index < self.accepted_through {
            return;
        }
        self.accepted_through = index + 1;
        let (stamp, input) = &self.run.inputs[index];
        if let (Input::Request { node, .. }, Ok(Outcome::Accepted { index: i, term })) =
            (input, outcome)
        {
            self.accepted.push(Accepted {
                input: index,
                leader: *node,
                index: i,
                term,
                at_ms: stamp.at_ms,
                ticks: at.ticks(),
            });
        }
    }

    /// A copy of the tape to replay on without touching this one (no checkpoints, markers or
    /// lines kept: only the run).
    fn clone_for_replay(&self) -> Tape {
        Tape {
            run: self.run.clone(),
            checkpoints: Vec::new(),
            spacing_ms: self.spacing_ms,
            end_ms: self.end_ms,
            end_ticks: self.end_ticks,
            end_events: self.end_events,
            markers: Markers::default(),
            marked_inputs: self.run.inputs.len(),
            accepted: Vec::new(),
            accepted_through: self.run.inputs.len(),
            settled: RefCell::new(VecMap::new()),
            fresh: VecDeque::new(),
            forks: 0,
            last_fork: None,
            jumps: 0,
            version: 0,
        }
    }

    /// One tick: the next input if it is due before the next action, else the next action.
    fn tick(&mut self, at: &mut Position, fresh: bool) -> bool {
        let moved = match self.run.inputs.get(at.inputs_applied) {
            // Recorded after exactly `stamp.actions` actions: due once they are processed.
            Some((stamp, _)) if at.sim.stamp().actions >= stamp.actions => {
                self.replay_next_input(at);
                true
            }
            _ => at.sim.step(),
        };
        self.narrate_into(at, fresh);
        moved
    }

    fn narrate_into(&mut self, at: &mut Position, fresh: bool) {
        let mut sink = Sink {
            fresh: if fresh { Some(&mut self.fresh) } else { None },
            end_events: self.end_events,
            markers: &mut self.markers,
        };
        if narrate(at, &mut sink) {
            self.version += 1;
        }
    }

    /// Keep `at` as a checkpoint if it is past the last one; thin them when there are too many.
    fn keep_checkpoint(&mut self, at: &Position) {
        let last = self.checkpoints.last().map_or(0, |c| c.sim.now_ms());
        if at.sim.now_ms() <= last {
            return;
        }
        self.checkpoints.push(at.clone());
        if self.checkpoints.len() > CHECKPOINTS_MAX + 1 {
            self.spacing_ms *= 2;
            let spacing = self.spacing_ms;
            let mut i = 0;
            self.checkpoints.retain(|c| {
                i += 1;
                i == 1 || c.sim.now_ms() % spacing == 0
            });
        }
    }
}

/// Drain `at`'s events into its narrator and recent lines (and the sink). True when a
/// marker was added.
fn narrate(at: &mut Position, sink: &mut Sink) -> bool {
    let drained = at.sim.drain_events();
    // A run of the Lab 3 harness collects applies for its service (`collect_applies`): the
    // page has no such service, so they are dropped here rather than piling up.
    let _ = at.sim.drain_applies();
    let total = at.sim.events_total();
    let first = total - drained.len() as u64;
    let mut marked = false;
    for (k, event) in drained.into_iter().enumerate() {
        let ordinal = first + k as u64 + 1;
        let Some(line) = at.narrator.narrate(&at.sim, event) else {
            continue;
        };
        if ordinal > sink.end_events {
            if let Some(kind) = marker_kind(line.kind) {
                sink.markers.push(Marker {
                    time_ms: line.time_ms,
                    kind,
                    node: line.node,
                    label: line.text.clone(),
                    events: ordinal,
                });
                marked = true;
            }
        }
        if let Some(fresh) = sink.fresh.as_deref_mut() {
            if fresh.len() == FRESH_MAX {
                fresh.pop_front();
            }
            fresh.push_back(line.clone());
        }
        if at.recent.len() == RECENT_EVENTS_MAX {
            at.recent.pop_front();
        }
        at.recent.push_back(line);
        at.lines_total += 1;
    }
    marked
}

/// The action marker of recorded input `index` (replayed at `stamp`, `events` recorded before
/// it), unless it has one: the first replay of a run read from a link or a file marks its
/// inputs as `apply` marks the page's own.
fn mark_input(
    markers: &mut Markers,
    marked_inputs: &mut usize,
    index: usize,
    stamp: Stamp,
    input: &Input,
    events: u64,
) -> bool {
    if index < *marked_inputs {
        return false;
    }
    markers.push(Marker {
        time_ms: stamp.at_ms,
        kind: MarkerKind::Action,
        node: None,
        label: input_text(input),
        events,
    });
    *marked_inputs = index + 1;
    true
}

fn marker_kind(kind: NarrationKind) -> Option<MarkerKind> {
    match kind {
        NarrationKind::BecameLeader => Some(MarkerKind::Election),
        NarrationKind::Crash => Some(MarkerKind::Crash),
        NarrationKind::Partition | NarrationKind::Heal => Some(MarkerKind::Partition),
        _ => None,
    }
}

/// The role of every live node (None for crashed ones).
fn roles(sim: &Simulation) -> Vec<Option<Role>> {
    (0..sim.len())
        .map(|i| sim.raft(i).map(|r| r.role()))
        .collect()
}

/// After an input: the nodes it crashed keep the role they had (their view shows it).
fn note_crashes(at: &mut Position, before: &[Option<Role>]) {
    for (node, role) in before.iter().enumerate() {
        if role.is_some() && at.sim.raft(node).is_none() {
            at.narrator.note_crash(node, *role);
        }
    }
}

/// An input in a few words, with 1-based node names ("crash S3").
pub fn input_text(input: &Input) -> String {
    let s = |n: &NodeId| format!("S{}", n + 1);
    match input {
        Input::Request { node, command } => format!(
            "request \u{201c}{}\u{201d} to {}",
            crate::narrate::command_text(command),
            s(node)
        ),
        Input::Crash { node } => format!("crash {}", s(node)),
        Input::Restart { node } => format!("restart {}", s(node)),
        Input::Connect { node } => format!("connect {}", s(node)),
        Input::Disconnect { node } => format!("disconnect {}", s(node)),
        Input::Partition { groups } => {
            let n = groups.iter().flatten().max().map_or(0, |m| m + 1);
            format!("partition {}", crate::narrate::partition_text(n, groups))
        }
        Input::Heal => "heal".into(),
        Input::Timeout { node } => format!("time out {}", s(node)),
        Input::DropMessage { id } => format!("drop message {id}"),
        Input::SetNetwork { .. } => "network settings".into(),
        Input::Snapshot { node, index, .. } => format!("snapshot {} at {index}", s(node)),
        Input::ClientLoad { per_second } => format!("client load {per_second}/s"),
        Input::RestartAllFromDisk => "restart all from disk".into(),
        Input::AlignTimers => "align the election timers".into(),
        Input::SpreadTimers => "spread the election timers".into(),
        Input::BreakRule { rule, broken: true } => format!("break {}", rule.id()),
        Input::BreakRule {
            rule,
            broken: false,
        } => format!("keep {}", rule.id()),
        Input::KvOp { client, op } => format!(
            "C{} {}",
            u64::from(*client) + 1,
            raftlab::sim::describe_kv_op(op)
        ),
        Input::KvConnect { client, servers } => {
            let names: Vec<String> = servers.iter().map(s).collect();
            format!(
                "connect C{} to {}",
                u64::from(*client) + 1,
                if names.is_empty() {
                    "no server".into()
                } else {
                    names.join(", ")
                }
            )
        }
        Input::KvMaxRaftState { bytes: Some(b) } => format!("maxraftstate {b} bytes"),
        Input::KvMaxRaftState { bytes: None } => "no maxraftstate".into(),
        Input::KvLoad {
            client,
            per_second: 0,
        } => format!("C{} load off", u64::from(*client) + 1),
        Input::KvLoad { client, per_second } => {
            format!("C{} load {per_second} ops/s", u64::from(*client) + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{MarkerKind, TimeTravel, CHECKPOINTS_MAX};
    use raftlab::sim::{Input, SimConfig, Simulation};

    /// 5 nodes, client load, a crash at 4 s and a partition at 9 s, played to 20 s in frames.
    fn played() -> TimeTravel {
        let mut config = SimConfig::new(5, 77);
        config.snapshot_every = Some(20);
        let mut tt = TimeTravel::new(Simulation::new(config).expect("valid"));
        let moves = [
            (500, Input::ClientLoad { per_second: 20 }),
            (4_000, Input::Crash { node: 1 }),
            (
                9_000,
                Input::Partition {
                    groups: alloc::vec![alloc::vec![0, 1], alloc::vec![2, 3, 4]],
                },
            ),
        ];
        for (at, input) in moves {
            while tt.now_ms() < at {
                let t = tt.now_ms() + 16;
                tt.advance_to(t);
            }
            tt.apply(input).expect("valid move");
        }
        tt.advance_to(20_000);
        tt
    }

    fn state(s: &Simulation) -> (u64, raftlab::sim::Stamp) {
        (s.trace_digest(), s.stamp())
    }

    #[test]
    fn seeks_land_where_a_straight_replay_does_and_the_past_shows_the_crashed_node_alive() {
        let mut tt = played();
        let run = tt.run().clone();
        assert_eq!(run.inputs.len(), 3);
        for t in [3_000, 12_345, 0, 20_000, 4_000, 8_999] {
            tt.seek(t);
            let straight = run.replay_until(t).expect("valid");
            assert_eq!(state(tt.sim()), state(&straight), "seek to {t} ms");
        }
        tt.seek(3_999);
        assert!(tt.sim().raft(1).is_some(), "S2 alive before its crash");
        tt.seek(4_001);
        assert!(tt.sim().raft(1).is_none(), "S2 crashed after it");
        assert!(tt.recent().any(|l| l.text.starts_with("S2 crashed")));
        assert_eq!(tt.end_ms(), 20_000, "seeking does not change the run");
        let kinds: alloc::vec::Vec<MarkerKind> = tt.markers().iter().map(|m| m.kind).collect();
        for k in [
            MarkerKind::Election,
            MarkerKind::Crash,
            MarkerKind::Partition,
            MarkerKind::Action,
        ] {
            assert!(kinds.contains(&k), "a {k:?} marker");
        }
    }

    #[test]
    fn stepping_back_returns_to_the_moment_stepping_forward_left() {
        let mut tt = played();
        tt.seek(10_000);
        let before = state(tt.sim());
        assert!(tt.step_forward());
        assert_ne!(state(tt.sim()), before);
        assert!(tt.step_back());
        let back = state(tt.sim());
        assert!(back.1 >= before.1, "not before where the step began");
        assert_eq!(tt.sim().events_total(), {
            let mut again = played();
            again.seek(10_000);
            again.sim().events_total()
        });
    }

    #[test]
    fn acting_in_the_past_forks_drops_the_future_and_records_the_input() {
        let mut tt = played();
        tt.seek(3_000);
        let leader = (0..5)
            .find(|&n| tt.sim().get_state(n).is_some_and(|s| s.1))
            .expect("a leader at 3 s");
        tt.apply(Input::Crash { node: leader }).expect("crash");
        assert_eq!(tt.forks(), 1);
        let fork = tt.last_fork().expect("forked");
        assert_eq!(
            (fork.at_ms, fork.dropped_to_ms, fork.inputs_dropped),
            (3_000, 20_000, 2)
        );
        assert_eq!(tt.end_ms(), 3_000);
        assert_eq!(
            tt.run().inputs.len(),
            2,
            "load kept, the new crash recorded"
        );
        assert!(tt.markers().iter().all(|m| m.time_ms <= 3_000));
        tt.advance_to(6_000);
        let straight = tt.run().replay_until(6_000).expect("valid");
        assert_eq!(state(tt.sim()), state(&straight), "the fork replays");
        assert!(
            tt.sim().raft(1).is_some(),
            "the dropped crash of S2 does not happen"
        );
    }

    #[test]
    fn a_run_from_a_link_replays_to_the_same_moment_with_its_future_recorded() {
        let mut tt = played();
        tt.seek(6_000);
        let from = TimeTravel::from_run(tt.run().clone(), 6_000).expect("valid");
        assert_eq!(state(from.sim()), state(tt.sim()));
        let last = tt.run().inputs.last().expect("inputs").0.at_ms;
        assert_eq!(
            from.end_ms(),
            last,
            "the run up to its last input is recorded"
        );
        assert!(!from.at_end());
        assert_eq!(from.run(), tt.run());
    }

    #[test]
    fn a_long_run_keeps_at_most_checkpoints_max_and_seeks_exactly() {
        let mut config = SimConfig::new(3, 3);
        config.snapshot_every = Some(10);
        let mut tt = TimeTravel::new(Simulation::new(config).expect("valid"));
        tt.apply(Input::ClientLoad { per_second: 2 }).expect("load");
        tt.advance_to(150_000);
        assert!(tt.checkpoints() <= CHECKPOINTS_MAX + 1);
        assert!(
            tt.spacing_ms() > super::CHECKPOINT_SPACING_MS,
            "never thinned"
        );
        let run = tt.run().clone();
        for t in [149_999, 70_001] {
            tt.seek(t);
            assert_eq!(state(tt.sim()), state(&run.replay_until(t).expect("valid")));
        }
    }
}
