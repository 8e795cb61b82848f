//! raftlab-files: the page's run-file module, a second, small wasm module that the page loads
//! (dynamic import) on the first run file it opens or exports, so that the main module needs
//! no JSON reader. It turns a run file's JSON (`RunFile::read`, every check, with the line
//! and column of bad JSON) into the packed form the main module reads
//! (`raftlab_session::packed`), and the packed form the main module writes back into JSON
//! (`RunFile::write`). It also holds the key/value history's linearizability search
//! (`checkKvHistory`), which the main module's verdict calls once this module has loaded.
//! Every function takes what JavaScript gives and throws an `Error` (or answers "error: ...")
//! that says what was wrong; nothing reachable from JavaScript panics.

use raftlab_session::{packed, RunFile};
use wasm_bindgen::prelude::*;

/// The call named in messages: what the page does with the result (web/src/wasm.ts).
const OPEN: &str = "Cluster.fromRunFile(text)";

/// `readRunFile(text)`: the run file in JSON `text`, read and checked, as packed text for
/// `Cluster.fromPackedRunFile`. Throws "Cluster.fromRunFile(text): not a run file this page
/// can play: ..." naming what is wrong.
#[wasm_bindgen(js_name = readRunFile)]
pub fn read_run_file(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<String, JsError> {
    let Some(text) = text.as_string() else {
        return Err(JsError::new(&format!("{OPEN}: text must be a string")));
    };
    let file = RunFile::read(&text)
        .map_err(|e| JsError::new(&format!("{OPEN}: not a run file this page can play: {e}")))?;
    Ok(packed::encode(&file))
}

/// `writeRunFile(packed)`: the packed run file (`Cluster.packedRunFile()`) as readable JSON
/// (`RunFile::write`). Throws on a damaged or foreign text, saying why.
#[wasm_bindgen(js_name = writeRunFile)]
pub fn write_run_file(
    #[wasm_bindgen(unchecked_param_type = "string")] packed: JsValue,
) -> Result<String, JsError> {
    const CALL: &str = "writeRunFile(packed)";
    let Some(text) = packed.as_string() else {
        return Err(JsError::new(&format!("{CALL}: packed must be a string")));
    };
    let file = packed::decode(&text)
        .map_err(|e| JsError::new(&format!("{CALL}: not a packed run file: {e}")))?;
    Ok(file.write())
}

/// `checkKvHistory(history)`: the linearizability search over a key/value history packed by
/// the main module (`Cluster.kvVerdict(check)` calls it with the bytes of
/// `raftlab_session::view::kv_history::pack_history`), with the page's step budget; the
/// verdict as text for the main module (`parse_verdict`; "error: ..." for bytes that are not
/// a history).
#[wasm_bindgen(js_name = checkKvHistory)]
pub fn check_kv_history(history: &[u8]) -> String {
    raftlab_session::view::kv_history::check_packed(history)
}
