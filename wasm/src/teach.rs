//! The teaching methods of the `Cluster` handle (issue 9): built-in scenarios step by step,
//! the live safety monitors, the rules a student can break, requests to a chosen node and
//! their tracking, the state machines and each node's latest cause. JavaScript conversions
//! only: everything is the session layer's (`Page`'s `scenario_view`, `monitors`,
//! `rules_view`, `requests`, `state_machine`, `causes`).

use super::{args, describe, error, number, refusal, to_js, Cluster};
use raftlab_session::monitors::monitors;
use raftlab_session::scenario_view::scenario_list;
use raftlab_session::{built_in, Page};
use std::sync::OnceLock;
use wasm_bindgen::prelude::*;

/// The packed built-in scenarios (`session/scenarios/built-in.postcard`): not in this module
/// (issue 14, "Half the weight"); the page fetches the file when a scenario is first needed
/// and hands it over with `Cluster.loadScenarios`.
static SCENARIOS: OnceLock<Vec<u8>> = OnceLock::new();

/// The packed built-in scenarios once loaded (or compiled in, in the tests' build).
pub(crate) fn packed_scenarios() -> Option<&'static [u8]> {
    SCENARIOS
        .get()
        .map(Vec::as_slice)
        .or_else(built_in::compiled)
}

pub(crate) fn string(call: &str, what: &str, v: &JsValue) -> Result<String, JsError> {
    v.as_string().ok_or_else(|| {
        error(
            call,
            format!("{what} must be a string, got {}", describe(v)),
        )
    })
}

#[wasm_bindgen]
impl Cluster {
    /// `Cluster.scenarios()`: the built-in scenarios in teaching order, { id, title, teaches }.
    #[wasm_bindgen(unchecked_return_type = "ScenarioListItem[]")]
    pub fn scenarios() -> Result<JsValue, JsError> {
        to_js("Cluster.scenarios()", &scenario_list())
    }

    /// `Cluster.loadScenarios(packed)`: the bytes of `session/scenarios/built-in.postcard`
    /// (the page fetches them on the first scenario it opens or restores), checked, kept for
    /// `fromScenario` and `restore`. Throws, saying why, for bytes that are not the packed
    /// scenarios; once loaded, later calls change nothing.
    #[wasm_bindgen(js_name = loadScenarios)]
    pub fn load_scenarios(packed: Vec<u8>) -> Result<(), JsError> {
        const CALL: &str = "Cluster.loadScenarios(packed)";
        built_in::decode(&packed).map_err(|e| error(CALL, e))?;
        let _ = SCENARIOS.set(packed);
        Ok(())
    }

    /// `Cluster.scenariosLoaded()`: whether `fromScenario` can play a scenario (its bytes
    /// were given to `loadScenarios`).
    #[wasm_bindgen(js_name = scenariosLoaded)]
    pub fn scenarios_loaded() -> bool {
        packed_scenarios().is_some()
    }

    /// `Cluster.fromScenario(id)`: the built-in scenario `id`, played now and shown paused at
    /// its first step. Throws, saying why, for an unknown id, or before `loadScenarios`.
    #[wasm_bindgen(js_name = fromScenario)]
    pub fn from_scenario(
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<Cluster, JsError> {
        const CALL: &str = "Cluster.fromScenario(id)";
        let id = string(CALL, "id", &id)?;
        let packed = packed_scenarios().ok_or_else(|| {
            error(
                CALL,
                "the built-in scenarios are not loaded yet (Cluster.loadScenarios)",
            )
        })?;
        let page = Page::from_scenario_in(packed, &id).map_err(|e| error(CALL, e))?;
        Ok(Cluster::around(page))
    }

    /// The scenario shown and its step at the moment shown, or null in free play.
    #[wasm_bindgen(unchecked_return_type = "ScenarioView | null")]
    pub fn scenario(&self) -> Result<JsValue, JsError> {
        to_js("scenario()", &self.page.scenario())
    }

    /// Show the next step's start (at the last step: the scenario's end); returns the step.
    #[wasm_bindgen(js_name = nextStep)]
    pub fn next_step(&mut self) -> Result<u32, JsError> {
        self.fraction.reset();
        self.page.next_step().map_err(|e| refusal("nextStep()", e))
    }

    /// Show the previous step's start; returns the step.
    #[wasm_bindgen(js_name = previousStep)]
    pub fn previous_step(&mut self) -> Result<u32, JsError> {
        self.fraction.reset();
        self.page
            .previous_step()
            .map_err(|e| refusal("previousStep()", e))
    }

    /// Show the start of step `step` (1-based).
    #[wasm_bindgen(js_name = goToStep)]
    pub fn go_to_step(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] step: JsValue,
    ) -> Result<u32, JsError> {
        const CALL: &str = "goToStep(step)";
        let step = number("step", &step).map_err(|e| error(CALL, e))?;
        let step = args::whole("step", step, 1, u32::MAX as u64).map_err(|e| error(CALL, e))?;
        self.fraction.reset();
        self.page
            .go_to_step(step as u32)
            .map_err(|e| refusal(CALL, e))
    }

    /// Free play from the moment shown: the scenario's recorded future is dropped. Returns
    /// the sentence that says so.
    #[wasm_bindgen(js_name = takeOver)]
    pub fn take_over(&mut self) -> Result<String, JsError> {
        self.fraction.reset();
        self.page.take_over().map_err(|e| refusal("takeOver()", e))
    }

    /// Undo the last fork (an action in the past, Take over, a rule changed inside a
    /// scenario): the dropped future is back. Returns the sentence that says so.
    #[wasm_bindgen(js_name = undoFork)]
    pub fn undo_fork(&mut self) -> Result<String, JsError> {
        self.fraction.reset();
        self.page.undo_fork().map_err(|e| refusal("undoFork()", e))
    }

    /// True when the last input forked the run and `undoFork()` can bring its future back.
    #[wasm_bindgen(getter, js_name = canUndoFork)]
    pub fn can_undo_fork(&self) -> bool {
        self.page.can_undo_fork()
    }

    /// Raft's five safety properties at the moment shown, each ok or violated.
    #[wasm_bindgen(unchecked_return_type = "MonitorView[]")]
    pub fn monitors(&self) -> Result<JsValue, JsError> {
        to_js("monitors()", &monitors(self.page.sim()))
    }

    /// The rules a student can break, each with whether it is broken at the moment shown.
    #[wasm_bindgen(unchecked_return_type = "RuleView[]")]
    pub fn rules(&self) -> Result<JsValue, JsError> {
        to_js("rules()", &self.page.rules())
    }

    /// Break (`broken` true) or keep again the rule `id` on every node, from the moment
    /// shown (an input of the run; in the past it forks). Inside a scenario its remaining
    /// steps are played again with the rule so set: returns the sentence that says so.
    #[wasm_bindgen(js_name = breakRule)]
    pub fn break_rule(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "boolean")] broken: JsValue,
    ) -> Result<Option<String>, JsError> {
        const CALL: &str = "breakRule(id, broken)";
        let id = string(CALL, "id", &id)?;
        let Some(broken) = broken.as_bool() else {
            return Err(error(
                CALL,
                format!("broken must be true or false, got {}", describe(&broken)),
            ));
        };
        self.fraction.reset();
        self.page
            .break_rule(&id, broken)
            .map_err(|e| refusal(CALL, e))
    }

    /// Send `command` to node `id` as a client would: a follower answers "not leader"
    /// (thrown), a leader (a stale one too) appends it: { index, term, leader }.
    #[wasm_bindgen(js_name = requestTo, unchecked_return_type = "RequestResult")]
    pub fn request_to(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] command: JsValue,
    ) -> Result<JsValue, JsError> {
        const CALL: &str = "requestTo(id, command)";
        let id = number("id", &id).map_err(|e| error(CALL, e))?;
        let node = args::node_index(id, self.page.node_count()).map_err(|e| error(CALL, e))?;
        let command = string(CALL, "command", &command)?;
        self.fraction.reset();
        let result = self
            .page
            .request_to(node, &command)
            .map_err(|e| refusal(CALL, e))?;
        to_js(CALL, &result)
    }

    /// The requests accepted from this page, up to the moment shown, each pending,
    /// committed or lost, with a sentence that says why.
    #[wasm_bindgen(unchecked_return_type = "RequestsView")]
    pub fn requests(&self) -> Result<JsValue, JsError> {
        to_js("requests()", &self.page.requests())
    }

    /// The sentence of the tracked request at `index` in `term` (those `requests()` leaves
    /// out: it builds only the shown ones'), or undefined.
    #[wasm_bindgen(js_name = requestText)]
    pub fn request_text(&self, index: f64, term: f64) -> Option<String> {
        if !(index >= 0.0 && term >= 0.0) {
            return None;
        }
        self.page.request_text(index as u64, term as u64)
    }

    /// Every node's state machine: its last applied commands, lastApplied, the snapshot
    /// boundary and an InstallSnapshot on its way to it.
    #[wasm_bindgen(js_name = stateMachines, unchecked_return_type = "StateMachineView[]")]
    pub fn state_machines(&self) -> Result<JsValue, JsError> {
        to_js("stateMachines()", &self.page.state_machines())
    }

    /// Per node (index id - 1): its latest event that says why it is as it is, or null.
    #[wasm_bindgen(unchecked_return_type = "(NodeCauseView | null)[]")]
    pub fn causes(&self) -> Result<JsValue, JsError> {
        to_js("causes()", &self.page.causes())
    }
}
