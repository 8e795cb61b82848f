//! The page's live safety monitors: Raft's five safety properties (Figure 3), each `ok` or
//! `violated` at the moment shown, from the checker's classified violations
//! (`Simulation::violations`). The simulation at the moment shown is the one time travel
//! replayed to it, so a seek before a violation shows every monitor ok again.
//!
//! A violated monitor says what broke in the paper's words (`Violation::detail`), the nodes
//! and log indices involved (1-based node ids, for highlighting) and when it was seen
//! (`atMs`, where the page offers to step back to).

use alloc::string::String;
use alloc::vec::Vec;
use raftlab::sim::checker::{Property, Violation};
use raftlab::sim::Simulation;
use serde::{Deserialize, Serialize};

/// One monitor, as `web/src/api.ts`'s `MonitorView`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonitorView {
    /// The property's stable id: `election-safety`, `leader-append-only`, `log-matching`,
    /// `leader-completeness`, `state-machine-safety` (the element's `data-property`).
    pub property: String,
    /// The paper's name ("State Machine Safety").
    pub name: String,
    /// What the property guarantees, in Figure 3's words.
    pub guarantee: String,
    /// "ok" or "violated" (the element's `data-status`).
    pub status: String,
    /// The first violation of this property up to the moment shown, or None while it holds.
    pub violation: Option<MonitorViolation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonitorViolation {
    /// What broke, in the paper's words.
    pub detail: String,
    /// Node ids 1..n involved, the one that broke it first.
    pub nodes: Vec<u32>,
    /// Log indices involved.
    pub indices: Vec<u64>,
    /// The virtual ms of the event after which the checker saw it.
    pub at_ms: u64,
    /// How many violations of this property the checker kept (at most `VIOLATIONS_MAX` of
    /// all properties together).
    pub count: u64,
}

fn violation_view(v: &Violation, count: u64) -> MonitorViolation {
    MonitorViolation {
        detail: v.detail.clone(),
        nodes: v.nodes.iter().map(|&n| crate::ids::shown(n)).collect(),
        indices: v.indices.clone(),
        at_ms: v.at_ms,
        count,
    }
}

/// The five monitors at the moment `sim` shows, in Figure 3's order.
pub fn monitors(sim: &Simulation) -> Vec<MonitorView> {
    let all = sim.violations();
    Property::SAFETY
        .iter()
        .map(|&p| {
            let mut of_p = all.iter().filter(|v| v.property == p);
            let first = of_p.next();
            let count = first.map_or(0, |_| 1 + of_p.count() as u64);
            MonitorView {
                property: p.id().into(),
                name: p.name().into(),
                guarantee: p.guarantee().into(),
                status: if first.is_some() { "violated" } else { "ok" }.into(),
                violation: first.map(|v| violation_view(v, count)),
            }
        })
        .collect()
}

/// The moment to step back to for a violation seen at `at_ms`: the end of the millisecond
/// before it, so the event that caused it is the next one to happen.
pub fn before_violation_ms(at_ms: u64) -> u64 {
    at_ms.saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Page;
    use crate::scenario::Scenario;

    #[test]
    fn every_monitor_is_ok_in_a_safe_run_and_they_name_figure_3s_properties() {
        let played = Scenario::built_in("figure-8").unwrap().play().unwrap();
        let list = monitors(played.session.sim());
        let ids: Vec<&str> = list.iter().map(|m| m.property.as_str()).collect();
        assert_eq!(
            ids,
            [
                "election-safety",
                "leader-append-only",
                "log-matching",
                "leader-completeness",
                "state-machine-safety"
            ]
        );
        assert!(list
            .iter()
            .all(|m| m.status == "ok" && m.violation.is_none()));
        assert_eq!(list[4].name, "State Machine Safety");
    }

    #[test]
    fn a_violation_turns_its_monitor_red_with_detail_nodes_indices_and_a_seek_before_it_clears_it()
    {
        let mut page = Page::from_scenario("figure-8-broken").unwrap();
        let end = page.travel().end_ms();
        page.seek(end);
        let list = monitors(page.sim());
        let red: Vec<&MonitorView> = list.iter().filter(|m| m.status == "violated").collect();
        assert!(!red.is_empty(), "the broken rule shows at the end");
        let first = red
            .iter()
            .min_by_key(|m| m.violation.as_ref().unwrap().at_ms)
            .unwrap();
        let v = first.violation.as_ref().unwrap();
        assert!(!v.detail.is_empty());
        assert!(!v.nodes.is_empty() && v.nodes.iter().all(|&n| (1..=5).contains(&n)));
        assert!(!v.indices.is_empty());
        assert!(v.count >= 1);
        // Just before the first violation every monitor holds again.
        page.seek(before_violation_ms(v.at_ms));
        assert!(
            monitors(page.sim()).iter().all(|m| m.status == "ok"),
            "at {} ms, before the violation at {} ms",
            page.now_ms(),
            v.at_ms
        );
        page.seek(v.at_ms);
        assert_eq!(
            monitors(page.sim())
                .iter()
                .find(|m| m.property == first.property)
                .unwrap()
                .status,
            "violated"
        );
    }
}
