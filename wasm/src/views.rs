//! The handle's methods for the page's views that ask for only what they draw (issue 14):
//! the log window. JavaScript conversions only; the windows are `log_window`'s.

use super::{args, describe, error, number, refusal, to_js, Cluster};
use js_sys::Array;
use raftlab_session::log_window::LogRange;
use raftlab_session::options::SAFE_INTEGER_MAX;
use raftlab_session::view;
use wasm_bindgen::prelude::*;

const SHAPE: &str = "ranges must be an array of [node id, from, to] triples, like [[1, 10, 40]]";

fn ranges(v: &JsValue, n: usize) -> Result<Vec<LogRange>, String> {
    if !Array::is_array(v) {
        return Err(format!("{SHAPE}; got {}", describe(v)));
    }
    let list: &Array = v.unchecked_ref();
    if list.length() as usize > n {
        return Err(format!(
            "at most {n} ranges (one per node), got {}",
            list.length()
        ));
    }
    list.iter()
        .enumerate()
        .map(|(k, t)| {
            if !Array::is_array(&t) || t.unchecked_ref::<Array>().length() != 3 {
                return Err(format!("{SHAPE}; range {k} is {}", describe(&t)));
            }
            let t: &Array = t.unchecked_ref();
            let at = |i: u32, what: &str| -> Result<f64, String> {
                number(what, &t.get(i)).map_err(|e| format!("{e} (in range {k})"))
            };
            let node = args::node_index(at(0, "node id")?, n)
                .map_err(|e| format!("{e} (in range {k})"))?;
            let from = args::whole("from", at(1, "from")?, 0, SAFE_INTEGER_MAX)?;
            let to = args::whole("to", at(2, "to")?, 0, SAFE_INTEGER_MAX)?;
            Ok(LogRange { node, from, to })
        })
        .collect()
}

#[wasm_bindgen]
impl Cluster {
    /// The log entries the page draws: for each `[node id, from, to]`, that node's entries
    /// with indices from..=to (at most 512 per range), at the moment shown.
    #[wasm_bindgen(js_name = logWindow, unchecked_return_type = "LogWindowView[]")]
    pub fn log_window(
        &self,
        #[wasm_bindgen(unchecked_param_type = "[number, number, number][]")] ranges_: JsValue,
    ) -> Result<JsValue, JsError> {
        const CALL: &str = "logWindow(ranges)";
        let r = ranges(&ranges_, self.page.node_count()).map_err(|e| error(CALL, e))?;
        let windows = self.page.log_window(&r).map_err(|e| refusal(CALL, e))?;
        to_js(CALL, &windows)
    }

    /// The timeline with its markers from the `from`-th on (`markersFrom` says where they
    /// start): what the page has not drawn yet, not all of them again.
    #[wasm_bindgen(js_name = timelineFrom, unchecked_return_type = "TimelineView")]
    pub fn timeline_from(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
    ) -> Result<JsValue, JsError> {
        const CALL: &str = "timelineFrom(from)";
        let from = number("from", &from)
            .and_then(|x| args::whole("from", x, 0, SAFE_INTEGER_MAX))
            .map_err(|e| error(CALL, e))?;
        let from = usize::try_from(from).unwrap_or(usize::MAX);
        to_js(CALL, &view::timeline_view_from(self.page.travel(), from))
    }
}
