//! Why each node is as it is: the latest event at the moment shown that changed a node's
//! role or log or refused it something, with its cause in the paper's words (a step down and
//! the message with the higher term, a refused vote and why, a refused AppendEntries, a
//! truncation, an installed snapshot). The node details show it beside the node's state.
//! Read from the event log's own recent lines (`RECENT_EVENTS_MAX`), so it costs no more.

use crate::narrate::NarrationKind;
use crate::page::Page;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// A node's latest cause, as `web/src/api.ts`'s `NodeCauseView`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeCauseView {
    pub node: u32,
    pub time_ms: u64,
    pub text: String,
}

fn explains(kind: NarrationKind) -> bool {
    use NarrationKind as K;
    matches!(
        kind,
        K::SteppedDown
            | K::VoteRefused
            | K::AppendEntriesRefused
            | K::BecameLeader
            | K::ElectionStarted
            | K::Truncate
            | K::InstallSnapshot
            | K::Crash
            | K::Restart
    )
}

impl Page {
    /// Per node (index = id - 1): its latest explaining event up to the moment shown, if the
    /// event log still holds one.
    pub fn causes(&self) -> Vec<Option<NodeCauseView>> {
        let mut out: Vec<Option<NodeCauseView>> = (0..self.node_count()).map(|_| None).collect();
        for line in self.travel.recent() {
            let Some(node) = line.node else { continue };
            if node < out.len() && explains(line.kind) {
                out[node] = Some(NodeCauseView {
                    node: crate::ids::shown(node),
                    time_ms: line.time_ms,
                    text: line.text.clone(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_that_stepped_down_says_why_in_its_cause() {
        // Figure 8, step (c): S1 restarts and times out; S3 and S4 already voted in term 3.
        let mut p = Page::from_scenario("figure-8").unwrap();
        p.go_to_step(8).unwrap();
        let causes = p.causes();
        assert_eq!(causes.len(), 5);
        let texts: Vec<&str> = causes.iter().flatten().map(|c| c.text.as_str()).collect();
        assert!(!texts.is_empty());
        assert!(
            causes.iter().flatten().all(|c| c.time_ms <= p.now_ms()),
            "only the past of the moment shown"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("refused") || t.contains("stepped down")),
            "{texts:?}"
        );
    }
}
