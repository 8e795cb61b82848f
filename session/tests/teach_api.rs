//! The teaching views (scenario, monitors, rules, requests, state machines, causes) have
//! exactly the fields web/src/api.ts declares for them, each of its declared type, like
//! `view.rs`'s contract test; both fail when api.ts is missing.

use raftlab_session::monitors::monitors;
use raftlab_session::scenario_view::scenario_list;
use raftlab_session::Page;
use serde_json::Value;

#[path = "common/api_ts.rs"]
mod api_ts;
use api_ts::read_api_ts;

#[test]
fn teaching_views_match_api_ts_field_for_field() {
    let (_, api) = read_api_ts();
    // Fields and their types, nested objects included.
    let check = |name: &str, v: &Value| api.check(name, v);
    let json = |v: &dyn erased::Ser| v.json();
    check("ScenarioListItem", &json(&scenario_list()[0]));

    let mut p = Page::from_scenario("figure-8-broken").unwrap();
    p.seek(p.travel().end_ms());
    let scenario = serde_json::to_value(p.scenario().unwrap()).unwrap();
    check("ScenarioView", &scenario);
    check("ScenarioStepView", &scenario["steps"][0]);
    let list = serde_json::to_value(monitors(p.sim())).unwrap();
    let red = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["status"] == "violated")
        .unwrap();
    check("MonitorView", red);
    check("MonitorViolation", &red["violation"]);
    check("RuleView", &serde_json::to_value(&p.rules()[0]).unwrap());
    let leader = p.leader().unwrap();
    p.take_over().unwrap();
    p.request_to(leader, "x").unwrap();
    let requests = serde_json::to_value(p.requests()).unwrap();
    check("RequestsView", &requests);
    check("TrackedRequestView", &requests["requests"][0]);
    let machines = serde_json::to_value(p.state_machines()).unwrap();
    let with_recent = machines
        .as_array()
        .unwrap()
        .iter()
        .find(|m| !m["recent"].as_array().unwrap().is_empty())
        .unwrap();
    check("StateMachineView", with_recent);
    check("AppliedCommandView", &with_recent["recent"][0]);
    let causes = serde_json::to_value(p.causes()).unwrap();
    check(
        "NodeCauseView",
        causes
            .as_array()
            .unwrap()
            .iter()
            .find(|c| !c.is_null())
            .unwrap(),
    );

    // An InstallSnapshot in flight, somewhere in the install-snapshot scenario.
    let mut p = Page::from_scenario("install-snapshot").unwrap();
    let end = p.travel().end_ms();
    let installing = (0..=end).find_map(|t| {
        p.seek(t);
        p.state_machines().into_iter().find_map(|m| m.installing)
    });
    check(
        "InstallingView",
        &serde_json::to_value(installing.expect("one in flight")).unwrap(),
    );
}

mod erased {
    pub trait Ser {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap()
        }
    }
}
