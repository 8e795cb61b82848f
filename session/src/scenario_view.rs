//! A built-in scenario in the page: `Page::from_scenario(id)` plays it (lazily: only the one
//! chosen, when it is chosen) and opens its run like a run file, paused at its first step.
//! The student moves step by step (`next_step`, `previous_step`, `go_to_step`: each a seek
//! to a step's start; the timeline works as before) and "Take over" (`take_over`) switches to
//! free play at the moment shown: the recorded future is dropped, as acting in the past forks.
//! Acting in the past during a scenario forks the run the same way and ends the scenario.

use crate::page::{Page, Refusal};
use crate::scenario::Scenario;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The scenario shown: its steps as moments of the run.
#[derive(Clone, Debug)]
pub struct ScenarioNav {
    id: String,
    title: String,
    teaches: String,
    /// Each step's caption and where it begins and ends (virtual ms).
    steps: Vec<(String, u64, u64)>,
}

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

/// The built-in scenarios, in teaching order (read, not played).
pub fn scenario_list() -> Vec<ScenarioListItem> {
    crate::built_in::all()
        .unwrap_or_default()
        .into_iter()
        .map(|(id, s)| ScenarioListItem {
            id,
            title: s.title,
            teaches: s.teaches,
        })
        .collect()
}

/// The built-in scenario `id` played: its run file and its steps as moments of that run.
fn played(id: &str) -> Result<(crate::file::RunFile, ScenarioNav), String> {
    let scenario = Scenario::built_in(id).map_err(|e| e.to_string())?;
    let played = scenario
        .play()
        .map_err(|e| format!("the scenario {id:?} did not play: {e}"))?;
    let steps = scenario
        .steps
        .iter()
        .zip(&played.steps)
        .map(|(step, (began, ended))| (step.caption.clone(), began.at_ms, ended.at_ms))
        .collect();
    let nav = ScenarioNav {
        id: id.into(),
        title: scenario.title,
        teaches: scenario.teaches,
        steps,
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
}

impl Page {
    /// The built-in scenario `id`, played now and opened paused at its first step.
    pub fn from_scenario(id: &str) -> Result<Page, String> {
        let (file, nav) = played(id)?;
        let mut page = Page::from_run_file(file)?;
        page.scenario = Some(nav);
        page.go_to_step(1).map_err(|e| e.to_string())?;
        Ok(page)
    }

    /// The built-in scenario `id` shown again over this page's run (a stored page restored,
    /// `stored::restore`): its run must be the scenario's, played on or not past its end.
    pub(crate) fn resume_scenario(&mut self, id: &str) -> Result<(), String> {
        let (file, nav) = played(id)?;
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
        })
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
        self.nav()?;
        let now = self.now_ms();
        self.scenario = None;
        if self.travel.drop_future() {
            let fork = self.travel.last_fork();
            let (to, dropped) = fork.map_or((now, 0), |f| (f.dropped_to_ms, f.inputs_dropped));
            self.requests.forget_after(now);
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
    fn acting_in_the_past_of_a_scenario_forks_it_and_ends_the_scenario() {
        let mut p = Page::from_scenario("leader-election").unwrap();
        p.go_to_step(2).unwrap();
        p.crash(0).unwrap();
        assert!(p.scenario().is_none());
        assert_eq!(p.travel().forks(), 1);
    }
}
