//! The built-in scenarios as the page ships them: one postcard blob,
//! `session/scenarios/built-in.postcard`, of the (id, `Scenario`) pairs in teaching order, each
//! read and checked from its JSON source (`scenario::BUILT_IN`) by `Scenario::read`. So the
//! page's wasm module holds neither the sources' pretty-printed JSON nor a JSON reader.
//!
//! The JSON files in `session/scenarios/` stay the source of truth: a test fails when the blob
//! is stale and names the command that regenerates it (`REGENERATE`).

use crate::scenario::{Scenario, ScenarioError};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The packed scenarios: postcard of `Vec<(String, Scenario)>`, in teaching order.
pub const PACKED: &[u8] = include_bytes!("../../scenarios/built-in.postcard");
/// Where `PACKED` comes from, relative to the repository.
pub const PACKED_PATH: &str = "session/scenarios/built-in.postcard";
/// The command that writes `PACKED_PATH` from the JSON sources.
pub const REGENERATE: &str = "cargo run -p raftlab-session --example pack-scenarios";

/// Every built-in scenario as (id, scenario), in teaching order.
pub fn all() -> Result<Vec<(String, Scenario)>, ScenarioError> {
    match postcard::take_from_bytes::<Vec<(String, Scenario)>>(PACKED) {
        Ok((list, [])) => Ok(list),
        Ok((_, rest)) => Err(ScenarioError::field(format!(
            "{} bytes after the packed built-in scenarios (regenerate: {REGENERATE})",
            rest.len()
        ))),
        Err(e) => Err(ScenarioError::field(format!(
            "packed built-in scenarios that do not decode: {e} (regenerate: {REGENERATE})"
        ))),
    }
}

/// The built-in scenario `id`.
pub fn scenario(id: &str) -> Result<Scenario, ScenarioError> {
    all()?
        .into_iter()
        .find(|(known, _)| known == id)
        .map(|(_, s)| s)
        .ok_or_else(|| ScenarioError::Unknown(id.into()))
}

/// The packed form of the JSON sources (`scenario::BUILT_IN`), each read and checked: what
/// `PACKED_PATH` must hold.
#[cfg(feature = "json")]
pub fn pack() -> Result<Vec<u8>, ScenarioError> {
    let list = crate::scenario::BUILT_IN
        .iter()
        .map(|(id, text)| {
            let s = Scenario::read(text)
                .map_err(|e| ScenarioError::field(format!("(source {id}.json) {e}")))?;
            Ok((String::from(*id), s))
        })
        .collect::<Result<Vec<_>, ScenarioError>>()?;
    postcard::to_allocvec(&list).map_err(|e| ScenarioError::field(format!("{e}")))
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::{all, pack, PACKED, PACKED_PATH, REGENERATE};
    use crate::scenario::{Scenario, BUILT_IN};

    #[test]
    fn the_packed_built_in_scenarios_are_their_json_sources_read() {
        let fresh = pack().expect("every built-in scenario's source reads");
        assert!(
            fresh == PACKED,
            "{PACKED_PATH} is stale: its JSON sources in session/scenarios/ changed \
             ({} bytes packed now, {} in the file). Regenerate it: {REGENERATE}",
            fresh.len(),
            PACKED.len()
        );
    }

    #[test]
    fn the_packed_scenarios_decode_to_what_their_sources_read() {
        let packed = all().expect("the packed scenarios decode");
        assert_eq!(packed.len(), BUILT_IN.len());
        for ((id, scenario), (source_id, text)) in packed.iter().zip(BUILT_IN) {
            assert_eq!(id, source_id);
            assert_eq!(*scenario, Scenario::read(text).unwrap(), "{id}");
        }
    }
}
