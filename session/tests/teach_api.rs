//! The teaching views (scenario, monitors, rules, requests, state machines, causes) have
//! exactly the fields web/src/api.ts declares for them, like `view.rs`'s contract test.

use raftlab_session::monitors::monitors;
use raftlab_session::scenario_view::scenario_list;
use raftlab_session::Page;
use serde_json::Value;
use std::collections::BTreeSet;

#[path = "common/api_ts.rs"]
mod api_ts;
use api_ts::interfaces;

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

#[test]
fn teaching_views_match_api_ts_field_for_field() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/src/api.ts");
    let Ok(ts) = std::fs::read_to_string(path) else {
        eprintln!("{path} not found: contract test skipped");
        return;
    };
    let api = interfaces(&ts);
    let check = |name: &str, v: &Value| {
        let declared = api
            .get(name)
            .unwrap_or_else(|| panic!("api.ts has no interface {name}"));
        assert_eq!(
            &keys(v),
            declared,
            "{name}: the session's view and api.ts differ"
        );
    };
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
