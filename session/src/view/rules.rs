//! The rules a student can break, in the page: one switch per `Rule::ALL`, each showing
//! whether the rule is broken at the moment shown (`Simulation::broken_rules`). Breaking or
//! keeping one is `Input::BreakRule`, an input of the run like any other (so a link and a
//! run file carry it, and in the past it forks).

use crate::page::{Page, Refusal};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use raftlab::core::Rule;
use raftlab::sim::Input;
use serde::{Deserialize, Serialize};

/// One breakable rule, as `web/src/api.ts`'s `RuleView`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleView {
    /// Stable id (`commit-current-term`, ...).
    pub id: String,
    /// The rule in the paper's words; the page's switch is "Break: " + label.
    pub label: String,
    /// One line: what breaking it shows.
    pub teaches: String,
    /// Broken at the moment shown.
    pub broken: bool,
}

impl Page {
    /// Every breakable rule and whether it is broken at the moment shown: the core's, and
    /// the key/value service's (`Rule::SERVICE`) when the run has key/value clients or one
    /// of them is broken.
    pub fn rules(&self) -> Vec<RuleView> {
        let broken = self.sim().broken_rules();
        let kv = self.uses_kv();
        Rule::ALL
            .iter()
            .chain(Rule::SERVICE.iter().filter(|&&r| kv || broken.is_broken(r)))
            .map(|&r| RuleView {
                id: r.id().into(),
                label: r.label().into(),
                teaches: r.teaches().into(),
                broken: broken.is_broken(r),
            })
            .collect()
    }

    /// Break (`broken`) or keep again the rule `id` on every node, from the moment shown.
    /// Nothing is recorded when the rule already is so. Inside a scenario its remaining
    /// steps are played again with the rule so set (`rule_in_scenario`): the sentence that
    /// says so is returned.
    pub fn break_rule(&mut self, id: &str, broken: bool) -> Result<Option<String>, Refusal> {
        let Some(rule) = Rule::from_id(id) else {
            let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
            return Err(Refusal::BadArgument(format!(
                "unknown rule {id:?} (the rules are {})",
                ids.join(", ")
            )));
        };
        if self.sim().broken_rules().is_broken(rule) == broken {
            return Ok(None);
        }
        if let Some(said) = self.rule_in_scenario(rule, broken)? {
            return Ok(Some(said));
        }
        self.input(Input::BreakRule { rule, broken }).map(|_| None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::options::Options;

    #[test]
    fn breaking_a_rule_is_an_input_the_link_carries_and_a_seek_before_it_keeps_the_rule() {
        let mut p = Page::new(Options::with_seed(4)).unwrap();
        assert!(p.rules().iter().all(|r| !r.broken));
        assert_eq!(
            p.rules()[0].label,
            "commit only current-term entries (§5.4.2)"
        );
        p.advance(100).unwrap();
        p.break_rule("commit-current-term", true).unwrap();
        p.break_rule("commit-current-term", true).unwrap();
        assert_eq!(
            p.travel().run().inputs.len(),
            1,
            "breaking it twice records it once"
        );
        assert!(p.rules()[0].broken);
        p.advance(100).unwrap();
        let link = crate::codec::link::decode(&p.link().unwrap()).unwrap();
        let other = Page::from_link(link).unwrap();
        assert!(other.rules()[0].broken, "the link carries the broken rule");
        p.seek(50);
        assert!(!p.rules()[0].broken, "not broken yet at 50 ms");
        p.seek(200);
        p.break_rule("commit-current-term", false).unwrap();
        assert!(!p.rules()[0].broken);
        assert!(
            matches!(p.break_rule("no-such-rule", true), Err(Refusal::BadArgument(m)) if m.contains("vote-up-to-date"))
        );
    }
}
