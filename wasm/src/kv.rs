//! The handle's key/value methods (issue 15, Lab 4 in the page): a client's Get / Put /
//! Append, its automatic load and the servers it reaches, as inputs of the run; the clients,
//! the history window the page draws and the checker's verdict (cached in the handle's
//! `KvChecker`, recomputed only when the history changed, by a search in the run-file
//! module that JavaScript passes in). JavaScript conversions only:
//! everything is the session layer's (`page/kv.rs`, `view/kv_*.rs`). Client ids are 1-based
//! here (C1), as node ids are.

use super::teach::string;
use super::{args, describe, error, number, refusal, to_js, Cluster};
use js_sys::Array;
use raftlab_session::options::SAFE_INTEGER_MAX;
use raftlab_session::page::kv::{op_of, KvOpName};
use raftlab_session::raftlab::sim::KvHistoryOp;
use raftlab_session::raftlab::sim::{KV_CLIENTS_MAX, KV_LOAD_PER_SECOND_MAX};
use raftlab_session::view::kv_history::{pack_history, parse_verdict};
use wasm_bindgen::prelude::*;

/// A 1-based client id from JavaScript as the session's 0-based one.
fn client(call: &str, v: &JsValue) -> Result<u32, JsError> {
    let id = number("client", v).map_err(|e| error(call, e))?;
    let id = args::whole("client", id, 1, u64::from(KV_CLIENTS_MAX)).map_err(|e| error(call, e))?;
    // In 1..=KV_CLIENTS_MAX: fits.
    Ok(u32::try_from(id - 1).unwrap_or(u32::MAX))
}

#[wasm_bindgen]
impl Cluster {
    /// Client `client` (1-based) starts `op` ("get" | "put" | "append") on `key` (with
    /// `value` for a Put or an Append) now: an input of the run. Throws, saying why, when the
    /// client has an operation outstanding or an argument is out of range.
    #[wasm_bindgen(js_name = kvOp)]
    pub fn kv_op(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] client_: JsValue,
        #[wasm_bindgen(unchecked_param_type = "KvOpKind")] op: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] value: JsValue,
    ) -> Result<(), JsError> {
        const CALL: &str = "kvOp(client, op, key, value)";
        let c = client(CALL, &client_)?;
        let name = string(CALL, "op", &op)?;
        let Some(name) = KvOpName::parse(&name) else {
            return Err(error(
                CALL,
                format!("op must be \"get\", \"put\" or \"append\", got {name:?}"),
            ));
        };
        let key = string(CALL, "key", &key)?;
        let value = if value.is_undefined() || value.is_null() {
            None
        } else {
            Some(string(CALL, "value", &value)?)
        };
        if name != KvOpName::Get && value.is_none() {
            return Err(error(CALL, "a put or an append takes a value"));
        }
        let op = op_of(name, &key, value.as_deref()).map_err(|e| refusal(CALL, e))?;
        self.fraction.reset();
        self.page.kv_op(c, op).map_err(|e| refusal(CALL, e))
    }

    /// Client `client` starts an operation `perSecond` times a virtual second while idle
    /// (0: stop), from now on: an input of the run.
    #[wasm_bindgen(js_name = kvLoad)]
    pub fn kv_load(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] client_: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number", js_name = perSecond)] per_second: JsValue,
    ) -> Result<(), JsError> {
        const CALL: &str = "kvLoad(client, perSecond)";
        let c = client(CALL, &client_)?;
        let rate = number("perSecond", &per_second)
            .and_then(|x| args::whole("perSecond", x, 0, u64::from(KV_LOAD_PER_SECOND_MAX)))
            .map_err(|e| error(CALL, e))?;
        self.fraction.reset();
        self.page
            .kv_load(c, rate as u32)
            .map_err(|e| refusal(CALL, e))
    }

    /// Client `client`'s ends reach exactly the servers `ids` from now on.
    #[wasm_bindgen(js_name = kvConnect)]
    pub fn kv_connect(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] client_: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number[]")] ids: JsValue,
    ) -> Result<(), JsError> {
        const CALL: &str = "kvConnect(client, ids)";
        let c = client(CALL, &client_)?;
        if !Array::is_array(&ids) {
            return Err(error(
                CALL,
                format!("ids must be an array of node ids, got {}", describe(&ids)),
            ));
        }
        let n = self.page.node_count();
        let list: &Array = ids.unchecked_ref();
        if list.length() as usize > n {
            return Err(error(CALL, format!("at most {n} node ids")));
        }
        let servers = list
            .iter()
            .map(|v| number("node id", &v).and_then(|x| args::node_index(x, n)))
            .collect::<Result<Vec<_>, String>>()
            .map_err(|e| error(CALL, e))?;
        self.fraction.reset();
        self.page
            .kv_connect(c, &servers)
            .map_err(|e| refusal(CALL, e))
    }

    /// The key/value clients at the moment shown.
    #[wasm_bindgen(js_name = kvClients, unchecked_return_type = "KvClientsView")]
    pub fn kv_clients(&self) -> Result<JsValue, JsError> {
        to_js("kvClients()", &self.page.kv_clients())
    }

    /// The history's operations overlapping `fromMs..=toMs` (at most 256), at the moment
    /// shown: what the history view draws.
    #[wasm_bindgen(js_name = kvHistory, unchecked_return_type = "KvHistoryView")]
    pub fn kv_history(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number", js_name = fromMs)] from_ms: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number", js_name = toMs)] to_ms: JsValue,
    ) -> Result<JsValue, JsError> {
        const CALL: &str = "kvHistory(fromMs, toMs)";
        let ms = |what: &str, v: &JsValue| {
            number(what, v)
                .and_then(|x| args::whole(what, x, 0, SAFE_INTEGER_MAX))
                .map_err(|e| error(CALL, e))
        };
        let (from, to) = (ms("fromMs", &from_ms)?, ms("toMs", &to_ms)?);
        to_js(CALL, &self.page.kv_history(from, to))
    }

    /// Changes whenever the history at the moment shown changes (an operation called or
    /// returned): the page asks for the window and the verdict again only then.
    #[wasm_bindgen(getter, js_name = kvHistoryVersion)]
    pub fn kv_history_version(&self) -> f64 {
        self.page.kv_history_version() as f64
    }

    /// The linearizability checker's verdict on the history so far, with a step budget
    /// (then "unknown"); computed only when the history changed. The search runs in `check`,
    /// the run-file module's `checkKvHistory` (bytes of the packed history in, the verdict
    /// as text out): without one (the module not loaded yet) a due search is the verdict
    /// "checking", and a later call with `check` searches.
    #[wasm_bindgen(js_name = kvVerdict, unchecked_return_type = "KvVerdictView")]
    pub fn kv_verdict(
        &mut self,
        #[wasm_bindgen(unchecked_optional_param_type = "KvCheck")] check: JsValue,
    ) -> Result<JsValue, JsError> {
        const CALL: &str = "kvVerdict(check)";
        let v = if check.is_undefined() || check.is_null() {
            self.kv.verdict_with(&self.page, None)
        } else {
            let Some(f) = check.dyn_ref::<js_sys::Function>() else {
                return Err(error(
                    CALL,
                    format!("check must be a function, got {}", describe(&check)),
                ));
            };
            let mut search = |history: &[KvHistoryOp]| {
                let bytes = js_sys::Uint8Array::from(&pack_history(history)[..]);
                let answer = f.call1(&JsValue::NULL, &bytes).map_err(|e| {
                    match e.dyn_ref::<js_sys::Error>() {
                        Some(e) => format!("the checker threw: {}", String::from(e.message())),
                        None => format!("the checker threw {}", describe(&e)),
                    }
                })?;
                let text = answer
                    .as_string()
                    .ok_or_else(|| format!("the checker answered {}", describe(&answer)))?;
                parse_verdict(&text, history)
            };
            self.kv.verdict_with(&self.page, Some(&mut search))
        };
        to_js(CALL, &v)
    }
}
