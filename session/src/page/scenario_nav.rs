//! A built-in scenario in the page: `Page::from_scenario(id)` plays it (lazily: only the one
//! chosen, when it is chosen) and opens its run like a run file, paused at its first step.
//! The student moves step by step (`next_step`, `previous_step`, `go_to_step`: each a seek
//! to a step's start; the timeline works as before) and "Take over" (`take_over`) switches to
//! free play at the moment shown: the recorded future is dropped, as acting in the past forks.
//! Acting in the past during a scenario forks the run the same way and ends the scenario,
//! except breaking or keeping a rule (`Page::break_rule`): a scenario's steps are inputs and
//! goals, not a recording, so its remaining steps are played again with the rules so set
//! (`replay_with`): the step row stays and says so ("§5.4.2 broken at step 9").

use crate::narrate::NarrationKind;
use crate::page::{Page, Refusal, ScenarioNav, SCENARIO_CHANGES_MAX};
use crate::scenario::{Goal, Step};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use raftlab::core::Rule;
use raftlab::sim::{Input, Stamp};
use serde::{Deserialize, Serialize};

/// The scenario at the moment shown, as `web/src/api.ts`'s `ScenarioView`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioView {
    pub id: String,
    pub title: String,
    /// One sentence: what the scenario teaches.
    pub teaches: String,
    pub steps: Vec<ScenarioStepView>,
    /// The step shown (1-based): the last one that began at or before the moment shown.
    pub current: u32,
    /// True once the moment shown is at or past the last step's end.
    pub finished: bool,
    /// The rules broken or kept inside the scenario, e.g. "§5.4.2 broken at step 9" (its
    /// remaining steps were played again with them), or None.
    pub changed: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioStepView {
    pub caption: String,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// A built-in scenario in the "Scenario" list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioListItem {
    pub id: String,
    pub title: String,
    pub teaches: String,
}

/// The built-in scenarios, in teaching order (the packed list `built_in::LIST`: none is
/// decoded).
pub fn scenario_list() -> Vec<ScenarioListItem> {
    crate::scenario::built_in::list()
        .unwrap_or_default()
        .into_iter()
        .map(|(id, title, teaches)| ScenarioListItem { id, title, teaches })
        .collect()
}

/// The built-in scenario `id` of `packed` (`built_in::decode`) played: its run file and its
/// steps as moments of that run.
fn played(packed: &[u8], id: &str) -> Result<(crate::codec::file::RunFile, ScenarioNav), String> {
    let scenario = crate::scenario::built_in::scenario_in(packed, id).map_err(|e| e.to_string())?;
    let played = scenario
        .play()
        .map_err(|e| format!("the scenario {id:?} did not play: {e}"))?;
    let steps = scenario
        .steps
        .iter()
        .zip(&played.steps)
        .map(|(step, (began, ended))| (step.caption.clone(), began.at_ms, ended.at_ms))
        .collect();
    // `play` records each step's inputs, in order, and nothing else.
    let first_input = scenario
        .steps
        .iter()
        .scan(0, |next, step| {
            let first = *next;
            *next += step.inputs.len();
            Some(first)
        })
        .collect();
    let nav = ScenarioNav {
        id: id.into(),
        title: scenario.title,
        teaches: scenario.teaches,
        steps,
        plan: scenario.steps,
        first_input,
        changes: Vec::new(),
        changes_omitted: 0,
    };
    Ok((played.file, nav))
}

impl ScenarioNav {
    /// 0-based index of the step shown at `now_ms`.
    fn current(&self, now_ms: u64) -> usize {
        self.steps
            .partition_point(|&(_, start, _)| start <= now_ms)
            .saturating_sub(1)
    }

    fn end_ms(&self) -> u64 {
        self.steps.last().map_or(0, |s| s.2)
    }

    fn note_change(&mut self, change: String) {
        if self.changes.len() == SCENARIO_CHANGES_MAX {
            self.changes.remove(0);
            self.changes_omitted += 1;
        }
        self.changes.push(change);
    }

    fn changed(&self) -> Option<String> {
        if self.changes.is_empty() {
            return None;
        }
        let listed = self.changes.join("; ");
        Some(match self.changes_omitted {
            0 => listed,
            n => format!("{listed} (and {n} earlier change{})", plural(n)),
        })
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A rule as a step row names it: its section of the paper when it has one ("§5.4.2"),
/// else its label in quotes.
fn rule_name(rule: Rule) -> String {
    let label = rule.label();
    match label.rsplit_once(" (§") {
        Some((_, section)) => format!("§{}", section.trim_end_matches(')')),
        None => format!("\"{}\"", label.split(" (").next().unwrap_or(label)),
    }
}

/// How a step of a scenario played again ended.
enum Replayed {
    /// Its goal held at the moment shown.
    Reached,
    /// An input was refused, or the goal did not hold in time: the sentence says which.
    Stopped(String),
}

impl Page {
    /// The built-in scenario `id`, played now and opened paused at its first step.
    #[cfg(feature = "built-in-scenarios")]
    pub fn from_scenario(id: &str) -> Result<Page, String> {
        Page::from_scenario_in(crate::scenario::built_in::PACKED, id)
    }

    /// `from_scenario`, the scenario from `packed` (the packed built-in scenarios,
    /// `built_in::decode`).
    pub fn from_scenario_in(packed: &[u8], id: &str) -> Result<Page, String> {
        let (file, nav) = played(packed, id)?;
        let mut page = Page::from_run_file(file)?;
        page.scenario = Some(nav);
        page.go_to_step(1).map_err(|e| e.to_string())?;
        Ok(page)
    }

    /// The built-in scenario `id` shown again over this page's run (a stored page restored,
    /// `stored::restore`): its run must be the scenario's, played on or not past its end.
    pub(crate) fn resume_scenario(&mut self, packed: &[u8], id: &str) -> Result<(), String> {
        let (file, nav) = played(packed, id)?;
        let run = self.travel.run();
        if run.config != file.run.config {
            return Err(format!(
                "it is not the scenario {id:?}'s run (its cluster's options differ)"
            ));
        }
        if let Some(i) =
            (0..file.run.inputs.len()).find(|&i| run.inputs.get(i) != Some(&file.run.inputs[i]))
        {
            return Err(format!(
                "it is not the scenario {id:?}'s run (its action {} differs)",
                i + 1
            ));
        }
        if self.travel.end_ms() < nav.end_ms() {
            return Err(format!(
                "it ends at {} ms, before the scenario {id:?}'s end ({} ms)",
                self.travel.end_ms(),
                nav.end_ms()
            ));
        }
        self.set_title_and_captions(file.title, file.captions);
        self.scenario = Some(nav);
        Ok(())
    }

    /// The id of the scenario shown, or None in free play.
    pub fn scenario_id(&self) -> Option<&str> {
        self.scenario.as_ref().map(|nav| nav.id.as_str())
    }

    /// The scenario shown and its step at the moment shown, or None in free play.
    pub fn scenario(&self) -> Option<ScenarioView> {
        let nav = self.scenario.as_ref()?;
        let now = self.now_ms();
        Some(ScenarioView {
            id: nav.id.clone(),
            title: nav.title.clone(),
            teaches: nav.teaches.clone(),
            steps: nav
                .steps
                .iter()
                .map(|(caption, start, end)| ScenarioStepView {
                    caption: caption.clone(),
                    start_ms: *start,
                    end_ms: *end,
                })
                .collect(),
            current: nav.current(now) as u32 + 1,
            finished: now >= nav.end_ms(),
            changed: nav.changed(),
        })
    }

    /// Inside a scenario (before its end): break or keep a rule at the moment shown and play
    /// the scenario's remaining steps again with the rules so set: the rest of the step shown
    /// (its inputs not yet applied, then its goal), then each later step's inputs and goal.
    /// The moment shown stays where the rule changed. Returns the sentence that says so, or
    /// None when no scenario is shown there (the caller records the input as any other).
    pub(crate) fn rule_in_scenario(
        &mut self,
        rule: Rule,
        broken: bool,
    ) -> Result<Option<String>, Refusal> {
        let Some(nav) = self.scenario.as_ref() else {
            return Ok(None);
        };
        let at = self.now_ms();
        if at >= nav.end_ms() {
            return Ok(None);
        }
        let k = nav.current(at);
        let done = self
            .travel
            .inputs_applied()
            .saturating_sub(nav.first_input[k])
            .min(nav.plan[k].inputs.len());
        let mut nav = self.scenario.take().expect("checked above");
        let ticks = self.ticks();
        // Undo goes back to the scenario as it was played.
        self.keep_undo(Some(nav.clone()));
        if let Err(e) = self.travel.apply(Input::BreakRule { rule, broken }) {
            self.scenario = Some(nav);
            self.undo = None;
            return Err(Refusal::Refused(e.to_string()));
        }
        let change = format!(
            "{} {} at step {}",
            rule_name(rule),
            if broken { "broken" } else { "kept" },
            k + 1
        );
        nav.note_change(change.clone());
        // The steps from k on are played again; the rows before k stay as they were.
        let plan = core::mem::take(&mut nav.plan);
        let mut steps: Vec<(String, u64, u64)> = nav.steps[..k].to_vec();
        nav.first_input.truncate(k + 1);
        let mut stopped = None;
        for (j, step) in plan.iter().enumerate().skip(k) {
            let (began, skip) = if j == k {
                (nav.steps[k].1, done)
            } else {
                nav.first_input.push(self.travel.run().inputs.len());
                (self.now_ms(), 0)
            };
            let outcome = self.play_step(step, j + 1, began, skip);
            steps.push((step.caption.clone(), began, self.now_ms()));
            if let Replayed::Stopped(why) = outcome {
                stopped = Some(why);
                break;
            }
        }
        nav.plan = plan;
        nav.steps = steps;
        nav.first_input.truncate(nav.steps.len());
        nav.plan.truncate(nav.steps.len());
        let shown = nav.steps.len();
        self.scenario = Some(nav);
        self.seek_ticks(ticks.saturating_add(1));
        let title = self.scenario.as_ref().map_or("", |n| n.title.as_str());
        let short = title.split(':').next().unwrap_or(title);
        Ok(Some(match stopped {
            None => format!(
                "{short}, {change}: its remaining steps were played again with the rule {}; Next step goes on from here.",
                if broken { "broken" } else { "kept" }
            ),
            Some(why) => format!(
                "{short}, {change}: its steps were played again with the rule {} up to step {shown}, where {why}; the steps after it are gone.",
                if broken { "broken" } else { "kept" }
            ),
        }))
    }

    /// Step `number` of a scenario played at the end of the run: its inputs from `skip` on,
    /// then on, one action at a time, until its goal holds (at most `within_ms` after
    /// `began_ms`, when the step began).
    fn play_step(&mut self, step: &Step, number: usize, began_ms: u64, skip: usize) -> Replayed {
        for input in &step.inputs[skip.min(step.inputs.len())..] {
            if let Err(e) = self.travel.apply(input.clone()) {
                return Replayed::Stopped(format!("its input was refused ({e})"));
            }
        }
        let began = Stamp {
            at_ms: began_ms,
            actions: 0,
        };
        if let Goal::AfterMs(ms) = step.until {
            self.travel.advance_to(began_ms.saturating_add(ms));
            return Replayed::Reached;
        }
        let deadline_ms = began_ms.saturating_add(step.within_ms);
        let mut installed = alloc::vec![false; self.node_count()];
        loop {
            if step.until.reached(self.sim(), began, &installed) {
                return Replayed::Reached;
            }
            match self.sim().next_action_ms() {
                Some(next) if next <= deadline_ms => {}
                _ => {
                    return Replayed::Stopped(format!(
                        "step {number}'s goal ({}) did not hold within {} ms",
                        step.until, step.within_ms
                    ))
                }
            }
            let Some(lines) = self.travel.tick_at_end() else {
                return Replayed::Stopped(format!("nothing more happened in step {number}"));
            };
            for line in lines {
                if let (NarrationKind::InstallSnapshot, Some(node)) = (line.kind, line.node) {
                    if let Some(seen) = installed.get_mut(node) {
                        *seen = true;
                    }
                }
            }
        }
    }

    fn nav(&self) -> Result<&ScenarioNav, Refusal> {
        self.scenario.as_ref().ok_or_else(|| {
            Refusal::Refused("no scenario is shown: choose one from the Scenario list".into())
        })
    }

    /// Show the start of step `step` (1-based); returns it.
    pub fn go_to_step(&mut self, step: u32) -> Result<u32, Refusal> {
        let nav = self.nav()?;
        let n = nav.steps.len() as u32;
        if step == 0 || step > n {
            return Err(Refusal::BadArgument(format!(
                "step must be 1..{n}, got {step}"
            )));
        }
        let start = nav.steps[step as usize - 1].1;
        self.seek(start);
        Ok(step)
    }

    /// Show the next step's start; at the last step, the scenario's end. Returns the step
    /// shown (1-based).
    pub fn next_step(&mut self) -> Result<u32, Refusal> {
        let nav = self.nav()?;
        let now = self.now_ms();
        let i = nav.current(now);
        if i + 1 < nav.steps.len() {
            return self.go_to_step(i as u32 + 2);
        }
        let end = nav.end_ms();
        if now >= end {
            return Err(Refusal::Refused(
                "this is the end of the scenario: Take over to play on freely".into(),
            ));
        }
        self.seek(end);
        Ok(i as u32 + 1)
    }

    /// Show the previous step's start (or this one's, from the middle of the first step).
    pub fn previous_step(&mut self) -> Result<u32, Refusal> {
        let nav = self.nav()?;
        let now = self.now_ms();
        let i = nav.current(now);
        if i > 0 {
            return self.go_to_step(i as u32);
        }
        if now > nav.steps[0].1 {
            return self.go_to_step(1);
        }
        Err(Refusal::Refused("this is the scenario's first step".into()))
    }

    /// Free play from the moment shown: the scenario ends and what was recorded after this
    /// moment is dropped (a fork). Returns the sentence that says so.
    pub fn take_over(&mut self) -> Result<String, Refusal> {
        let nav = self.nav()?.clone();
        let now = self.now_ms();
        if !self.travel.at_end() {
            self.keep_undo(Some(nav));
        }
        self.scenario = None;
        if self.travel.drop_future() {
            let fork = self.travel.last_fork();
            let (to, dropped) = fork.map_or((now, 0), |f| (f.dropped_to_ms, f.inputs_dropped));
            Ok(format!(
                "Took over at {now} ms: free play from here. The scenario's recorded future (to {to} ms, {dropped} later action{}) was dropped, as acting in the past forks the run.",
                if dropped == 1 { "" } else { "s" }
            ))
        } else {
            Ok(format!(
                "Took over at {now} ms, the scenario's end: free play from here."
            ))
        }
    }

    /// Called after an input: acting in the past of a scenario forked it, so it ends.
    pub(crate) fn end_scenario_if_forked(&mut self) {
        if let Some(nav) = &self.scenario {
            if self.travel.end_ms() < nav.end_ms() {
                self.scenario = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_every_built_in_scenario_by_title() {
        let list = scenario_list();
        assert_eq!(list.len(), crate::scenario::BUILT_IN.len());
        assert_eq!(list[0].id, "leader-election");
        assert!(list
            .iter()
            .all(|s| !s.title.is_empty() && !s.teaches.is_empty()));
    }

    #[test]
    fn a_scenario_opens_at_its_first_step_and_next_and_previous_walk_its_steps() {
        let mut p = Page::from_scenario("figure-8").unwrap();
        let v = p.scenario().unwrap();
        assert_eq!(v.current, 1);
        assert_eq!(p.now_ms(), v.steps[0].start_ms);
        assert!(!v.finished);
        assert!(
            p.captions().is_empty(),
            "the steps are the scenario's, not a tester's"
        );
        let n = v.steps.len() as u32;
        for k in 2..=n {
            assert_eq!(p.next_step().unwrap(), k);
            let v = p.scenario().unwrap();
            assert_eq!(v.current, k);
            assert_eq!(p.now_ms(), v.steps[k as usize - 1].start_ms);
        }
        // Next at the last step goes to the scenario's end, then refuses.
        assert_eq!(p.next_step().unwrap(), n);
        let v = p.scenario().unwrap();
        assert!(v.finished);
        assert_eq!(p.now_ms(), v.steps.last().unwrap().end_ms);
        assert!(matches!(p.next_step(), Err(Refusal::Refused(_))));
        assert_eq!(p.previous_step().unwrap(), n - 1);
        assert_eq!(p.go_to_step(3).unwrap(), 3);
        assert_eq!(p.scenario().unwrap().current, 3);
        assert!(matches!(p.go_to_step(n + 1), Err(Refusal::BadArgument(_))));
        p.go_to_step(1).unwrap();
        assert!(matches!(p.previous_step(), Err(Refusal::Refused(_))));
        assert!(Page::from_scenario("no-such")
            .err()
            .unwrap()
            .contains("no-such"));
    }

    #[test]
    fn take_over_drops_the_recorded_future_and_ends_the_scenario() {
        let mut p = Page::from_scenario("leader-crash").unwrap();
        let end = p.travel().end_ms();
        p.go_to_step(2).unwrap();
        let at = p.now_ms();
        let text = p.take_over().unwrap();
        assert!(text.contains("dropped"), "{text}");
        assert!(p.scenario().is_none());
        assert_eq!(
            p.travel().end_ms(),
            at,
            "the future after {at} ms (to {end} ms) is gone"
        );
        assert!(matches!(p.next_step(), Err(Refusal::Refused(_))));
        // Free play goes on from there.
        p.advance(500).unwrap();
        assert_eq!(p.now_ms(), at + 500);
    }

    #[test]
    fn breaking_commit_current_term_at_figure_8_step_9_plays_on_to_its_violation() {
        let mut p = Page::from_scenario("figure-8").unwrap();
        let steps = p.scenario().unwrap().steps.len() as u32;
        p.go_to_step(9).unwrap();
        let at = p.now_ms();
        let said = p
            .break_rule("commit-current-term", true)
            .unwrap()
            .expect("inside a scenario, breaking a rule says what it did");
        assert!(
            said.starts_with("Figure 8, §5.4.2 broken at step 9"),
            "{said}"
        );
        let v = p.scenario().expect("the scenario goes on");
        assert_eq!(v.changed.as_deref(), Some("§5.4.2 broken at step 9"));
        assert_eq!((v.current, v.steps.len() as u32), (9, steps), "{said}");
        assert_eq!(
            p.now_ms(),
            at,
            "the moment shown stays where the rule changed"
        );
        assert!(p.rules()[0].broken);
        assert_eq!(
            p.travel().forks(),
            1,
            "the future played without the rule is gone"
        );
        assert!(p.sim().violations().is_empty());
        // Next step through the remaining steps reaches what the scenario is about: an
        // old-term entry counted onto a majority, committed, then overwritten.
        let mut k = 9;
        while !p.scenario().unwrap().finished {
            k = p.next_step().unwrap();
        }
        assert_eq!(k, steps);
        let ids: Vec<&str> = p
            .sim()
            .violations()
            .iter()
            .map(|v| v.property.id())
            .collect();
        assert!(ids.contains(&"state-machine-safety"), "{ids:?}");
        // Before the rule changed, none of it happened: seek back and the rule is kept.
        p.go_to_step(8).unwrap();
        assert!(!p.rules()[0].broken);
        assert!(p.sim().violations().is_empty());
    }

    #[test]
    fn keeping_the_rules_inside_a_scenario_plays_its_steps_as_before() {
        // Broken from the start (figure-8-broken), kept again at step 9: the rest plays as
        // Figure 8 does, so the overwrite is safe.
        let mut p = Page::from_scenario("figure-8-broken").unwrap();
        p.go_to_step(9).unwrap();
        let said = p.break_rule("commit-current-term", false).unwrap().unwrap();
        assert!(said.contains("§5.4.2 kept at step 9"), "{said}");
        while !p.scenario().unwrap().finished {
            p.next_step().unwrap();
        }
        // Its last step's goal (a violation) no longer holds: the row stops there and says so.
        assert!(said.contains("did not hold"), "{said}");
        assert!(
            p.sim().violations().is_empty(),
            "{:?}",
            p.sim().violations()
        );
    }

    #[test]
    fn acting_in_the_past_of_a_scenario_forks_and_undo_brings_its_future_back() {
        let mut p = Page::from_scenario("leader-election").unwrap();
        let end = p.travel().end_ms();
        let inputs = p.travel().run().inputs.len();
        p.go_to_step(2).unwrap();
        let at = p.now_ms();
        assert!(!p.can_undo_fork());
        p.crash(0).unwrap();
        assert!(p.scenario().is_none());
        assert_eq!(p.travel().forks(), 1);
        assert!(p.can_undo_fork());
        let said = p.undo_fork().unwrap();
        assert!(said.starts_with("Undone"), "{said}");
        assert_eq!(p.travel().end_ms(), end);
        assert_eq!(p.travel().run().inputs.len(), inputs);
        assert_eq!(p.now_ms(), at);
        assert_eq!(p.scenario().unwrap().current, 2, "the scenario is back too");
        assert!(matches!(p.undo_fork(), Err(Refusal::Refused(_))));
        // An action at the end forks nothing and leaves nothing to undo.
        p.seek(end);
        p.advance(10).unwrap();
        p.crash(0).unwrap();
        assert!(!p.can_undo_fork());
    }

    #[test]
    fn acting_in_the_past_of_a_scenario_forks_it_and_ends_the_scenario() {
        let mut p = Page::from_scenario("leader-election").unwrap();
        p.go_to_step(2).unwrap();
        p.crash(0).unwrap();
        assert!(p.scenario().is_none());
        assert_eq!(p.travel().forks(), 1);
    }
}
