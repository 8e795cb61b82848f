//! The built-in scenarios as the page ships them: one postcard blob,
//! `session/scenarios/built-in.postcard`, of the (id, `Scenario`) pairs in teaching order, each
//! read and checked from its JSON source (`scenario::BUILT_IN`) by `Scenario::read`. So the
//! page's wasm module holds neither the sources' pretty-printed JSON nor a JSON reader.
//!
//! The JSON files in `session/scenarios/` stay the source of truth: a test fails when the blob
//! is stale and names the command that regenerates it (`REGENERATE`).
//!
//! The page's main wasm module does not hold the blob (issue 14, "Half the weight"): it is built
//! without the feature `built-in-scenarios` (on by default) and the page fetches the blob as
//! a file of its own when a scenario is first needed, then hands it over (`decode`,
//! `scenario_in` and the `_in` functions of `page` take the bytes). What the "Scenario" list
//! shows before then (each scenario's id, title and what it teaches) is a second, small blob,
//! `LIST`, always compiled in and checked against the same sources.

use crate::scenario::{Scenario, ScenarioError};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The packed scenarios: postcard of `Vec<(String, Scenario)>`, in teaching order.
#[cfg(feature = "built-in-scenarios")]
pub const PACKED: &[u8] = include_bytes!("../../scenarios/built-in.postcard");
/// Where `PACKED` comes from, relative to the repository.
pub const PACKED_PATH: &str = "session/scenarios/built-in.postcard";
/// The "Scenario" list: postcard of `Vec<ListItem>`, in teaching order (`pack_list`).
pub const LIST: &[u8] = include_bytes!("../../scenarios/built-in-list.postcard");
/// Where `LIST` comes from, relative to the repository.
pub const LIST_PATH: &str = "session/scenarios/built-in-list.postcard";
/// The command that writes `PACKED_PATH` and `LIST_PATH` from the JSON sources.
pub const REGENERATE: &str = "cargo run -p raftlab-session --example pack-scenarios";

/// A scenario in the "Scenario" list: (id, title, what it teaches).
pub type ListItem = (String, String, String);

/// `PACKED` when compiled in (feature `built-in-scenarios`), else None: the caller has the
/// bytes from elsewhere (the page fetches them).
pub fn compiled() -> Option<&'static [u8]> {
    #[cfg(feature = "built-in-scenarios")]
    return Some(PACKED);
    #[cfg(not(feature = "built-in-scenarios"))]
    None
}

/// Every built-in scenario as (id, scenario), in teaching order.
#[cfg(feature = "built-in-scenarios")]
pub fn all() -> Result<Vec<(String, Scenario)>, ScenarioError> {
    decode(PACKED)
}

/// Every scenario of `packed` (the bytes of `PACKED_PATH`) as (id, scenario), in teaching
/// order; bytes that are not the packed scenarios are an error that says so.
pub fn decode(packed: &[u8]) -> Result<Vec<(String, Scenario)>, ScenarioError> {
    match postcard::take_from_bytes::<Vec<(String, Scenario)>>(packed) {
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
#[cfg(feature = "built-in-scenarios")]
pub fn scenario(id: &str) -> Result<Scenario, ScenarioError> {
    scenario_in(PACKED, id)
}

/// The scenario `id` of `packed` (the bytes of `PACKED_PATH`).
pub fn scenario_in(packed: &[u8], id: &str) -> Result<Scenario, ScenarioError> {
    decode(packed)?
        .into_iter()
        .find(|(known, _)| known == id)
        .map(|(_, s)| s)
        .ok_or_else(|| ScenarioError::Unknown(id.into()))
}

/// The "Scenario" list (id, title, teaches of each built-in scenario, in teaching order), from
/// `LIST`: no scenario is decoded.
pub fn list() -> Result<Vec<ListItem>, ScenarioError> {
    match postcard::take_from_bytes::<Vec<ListItem>>(LIST) {
        Ok((list, [])) => Ok(list),
        _ => Err(ScenarioError::field(format!(
            "a packed scenario list that does not decode (regenerate: {REGENERATE})"
        ))),
    }
}

/// What `LIST_PATH` must hold: the list of the scenarios `pack` packs.
#[cfg(feature = "json")]
pub fn pack_list() -> Result<Vec<u8>, ScenarioError> {
    let list: Vec<ListItem> = decode(&pack()?)?
        .into_iter()
        .map(|(id, s)| (id, s.title, s.teaches))
        .collect();
    postcard::to_allocvec(&list).map_err(|e| ScenarioError::field(format!("{e}")))
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

#[cfg(all(test, feature = "json", feature = "built-in-scenarios"))]
mod tests {
    use super::{all, list, pack, pack_list, LIST, LIST_PATH, PACKED, PACKED_PATH, REGENERATE};
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
    fn the_packed_list_is_the_packed_scenarios_titles() {
        let fresh = pack_list().expect("every built-in scenario's source reads");
        assert!(
            fresh == LIST,
            "{LIST_PATH} is stale: its JSON sources in session/scenarios/ changed. Regenerate it: {REGENERATE}"
        );
        let listed = list().expect("the packed list decodes");
        let packed = all().expect("the packed scenarios decode");
        assert_eq!(listed.len(), packed.len());
        for ((id, title, teaches), (packed_id, s)) in listed.iter().zip(&packed) {
            assert_eq!((id, title, teaches), (packed_id, &s.title, &s.teaches));
        }
    }

    #[test]
    fn bytes_that_are_not_the_packed_scenarios_are_an_error() {
        assert!(super::decode(b"").is_err());
        assert!(super::decode(&PACKED[..PACKED.len() / 2]).is_err());
        let mut more = PACKED.to_vec();
        more.push(0);
        assert!(super::decode(&more).is_err());
        assert!(super::scenario_in(PACKED, "no-such-scenario").is_err());
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
