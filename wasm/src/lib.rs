//! raftlab-wasm: the page's handle on a simulated Raft cluster (`Cluster` in JavaScript).
//!
//! A thin layer over the session layer (`raftlab_session`, the only Rust it depends on):
//! JavaScript values are type-checked here, numbers converted in `args` (1-based node ids
//! into 0-based ones, fractions of a virtual ms, ranges), and every command goes to
//! `raftlab_session::Page`. The plain objects the page reads are the session layer's `view`
//! structs (web/src/api.ts says the same in TypeScript), turned into JavaScript objects here;
//! the stored image is its `image`. A seed the page did not give is drawn here, from the
//! platform's secure randomness (`getrandom`: `crypto.getRandomValues` in a browser).
//!
//! Every method that takes a JavaScript value checks it and throws an `Error` whose message
//! names the call and what was wrong ("crash(id): unknown node 7: this cluster has nodes
//! 1..5"); nothing reachable from JavaScript panics on bad input.

pub mod args;
mod json;
mod kv;
mod teach;
mod views;

use args::{Fraction, NetworkPatch};
use js_sys::{Array, Object, Reflect};
use raftlab_session::options::{self as limits, Options};
use raftlab_session::raftlab::core::NodeId;
use raftlab_session::{image, stored, view, Page, Refusal, Resumed};
use serde::Serialize;
use wasm_bindgen::prelude::*;

// The plain objects of the Cluster handle, typed in the generated .d.ts from the one
// documented source, web/src/api.ts (session/src/view.rs's tests check the objects match it).
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("../../web/src/api.ts");

/// A simulated Raft cluster, advanced in virtual milliseconds by the page.
#[wasm_bindgen]
pub struct Cluster {
    page: Page,
    /// The fraction of a virtual ms `advance` has not run yet.
    fraction: Fraction,
    /// How `Cluster.restore` brought it back (None: not restored).
    resumed: Option<Resumed>,
    /// The key/value history's verdict, recomputed only when the history changed (`kv.rs`).
    kv: view::kv_history::KvChecker,
}

/// An Error for JavaScript about an argument: `call` names the method, `message` says what
/// was wrong with it.
fn error(call: &str, message: impl std::fmt::Display) -> JsError {
    JsError::new(&format!("{call}: {message}"))
}

/// An Error for a refused command: bad arguments name the call; a command the cluster cannot
/// carry out now ("S3 is already crashed", "no leader: ...") reads as a plain sentence.
fn refusal(call: &str, r: Refusal) -> JsError {
    match r {
        Refusal::BadArgument(m) => error(call, m),
        Refusal::Refused(m) => JsError::new(&m),
    }
}

/// How a JavaScript value reads in an error message: `NaN`, `string "5"`, `an array`.
pub fn describe(v: &JsValue) -> String {
    if v.is_undefined() {
        "undefined".into()
    } else if v.is_null() {
        "null".into()
    } else if let Some(b) = v.as_bool() {
        format!("boolean {b}")
    } else if let Some(x) = v.as_f64() {
        args::js_number(x)
    } else if let Some(s) = v.as_string() {
        let shown: String = s.chars().take(40).collect();
        let more = if shown.len() < s.len() { "..." } else { "" };
        format!("string {:?}{more}", shown)
    } else if v.is_bigint() {
        match js_sys::BigInt::to_string(v.unchecked_ref(), 10) {
            Ok(digits) => format!("bigint {}n", String::from(digits)),
            Err(_) => "a bigint".into(),
        }
    } else if Array::is_array(v) {
        "an array".into()
    } else if v.is_function() {
        "a function".into()
    } else if v.is_symbol() {
        "a symbol".into()
    } else {
        "an object".into()
    }
}

fn number(what: &str, v: &JsValue) -> Result<f64, String> {
    v.as_f64()
        .ok_or_else(|| format!("{what} must be a number, got {}", describe(v)))
}

/// `v` as a plain object of options with only `known` keys (undefined and null: no options).
/// Returns (key, value) for the keys present with a value other than undefined.
fn option_fields(
    what: &str,
    v: &JsValue,
    known: &[&str],
) -> Result<Vec<(String, JsValue)>, String> {
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    if !v.is_object() || Array::is_array(v) || v.is_function() {
        return Err(format!(
            "{what} must be an object like {{ {}: ... }}, got {}",
            known[0],
            describe(v)
        ));
    }
    let mut out = Vec::new();
    for key in Object::keys(v.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(format!(
                "unknown option {key:?} in {what} (the options are {})",
                known.join(", ")
            ));
        }
        let value = Reflect::get(v, &JsValue::from_str(&key))
            .map_err(|_| format!("could not read {what}.{key}"))?;
        if !value.is_undefined() && !value.is_null() {
            out.push((key, value));
        }
    }
    Ok(out)
}

/// A u64 seed from a safe-integer number, a bigint or a decimal string.
fn parse_seed(v: &JsValue) -> Result<u64, String> {
    const HINT: &str = "a whole number 0..18446744073709551615 (a number up to 2^53-1, a bigint or a decimal string)";
    if let Some(x) = v.as_f64() {
        if !x.is_finite() || x.fract() != 0.0 || x < 0.0 || x > limits::SAFE_INTEGER_MAX as f64 {
            let tip = if x.is_finite() && x.fract() == 0.0 && x > 0.0 {
                " (pass larger seeds as a string or a bigint)"
            } else {
                ""
            };
            return Err(format!(
                "seed must be {HINT}, got {}{tip}",
                args::js_number(x)
            ));
        }
        return Ok(x as u64);
    }
    let text = if v.is_bigint() {
        js_sys::BigInt::to_string(v.unchecked_ref(), 10)
            .map(String::from)
            .map_err(|_| format!("seed must be {HINT}"))?
    } else if let Some(s) = v.as_string() {
        s
    } else {
        return Err(format!("seed must be {HINT}, got {}", describe(v)));
    };
    let t = text.trim();
    if t.is_empty() || t.len() > 20 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("seed must be {HINT}, got {}", describe(v)));
    }
    t.parse::<u64>()
        .map_err(|_| format!("seed must be at most 18446744073709551615, got {t}"))
}

/// A seed for a cluster the page did not give one: 64 bits from the platform's secure source
/// (`crypto.getRandomValues` in a browser), so two pages almost never draw the same run.
fn random_seed() -> Result<u64, String> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        format!("could not draw a random seed from the platform ({e}); pass a seed")
    })?;
    Ok(u64::from_le_bytes(bytes))
}

fn parse_options(v: &JsValue) -> Result<Options, String> {
    const KNOWN: [&str; 5] = [
        "nodes",
        "seed",
        "electionTimeoutMs",
        "heartbeatMs",
        "snapshotEvery",
    ];
    let mut seed = None;
    let mut options = Options::with_seed(0);
    for (key, value) in option_fields("options", v, &KNOWN)? {
        match key.as_str() {
            "nodes" => {
                options.nodes = args::whole(
                    "nodes",
                    number("nodes", &value)?,
                    limits::NODES_MIN as u64,
                    limits::NODES_MAX as u64,
                )? as usize
            }
            "seed" => seed = Some(parse_seed(&value)?),
            "electionTimeoutMs" => {
                options.election_timeout_ms = args::whole(
                    "electionTimeoutMs",
                    number("electionTimeoutMs", &value)?,
                    1,
                    limits::OPTION_TIMING_MS_MAX,
                )?
            }
            "heartbeatMs" => {
                options.heartbeat_ms = args::whole(
                    "heartbeatMs",
                    number("heartbeatMs", &value)?,
                    1,
                    limits::OPTION_TIMING_MS_MAX,
                )?
            }
            "snapshotEvery" => {
                options.snapshot_every = args::whole(
                    "snapshotEvery",
                    number("snapshotEvery", &value)?,
                    0,
                    limits::SNAPSHOT_EVERY_MAX,
                )?
            }
            _ => {}
        }
    }
    options.validate()?;
    // Only once everything else is valid: a bad option does not consume a random draw.
    options.seed = match seed {
        Some(seed) => seed,
        None => random_seed()?,
    };
    Ok(options)
}

fn parse_network(v: &JsValue) -> Result<NetworkPatch, String> {
    const KNOWN: [&str; 4] = ["dropRate", "delayMsMin", "delayMsMax", "longReordering"];
    if v.is_undefined() || v.is_null() {
        return Err(format!(
            "options must be an object like {{ dropRate: 0.1 }}, got {}",
            describe(v)
        ));
    }
    let mut patch = NetworkPatch::default();
    for (key, value) in option_fields("options", v, &KNOWN)? {
        match key.as_str() {
            "dropRate" => patch.drop_rate = Some(number("dropRate", &value)?),
            "delayMsMin" => patch.delay_ms_min = Some(number("delayMsMin", &value)?),
            "delayMsMax" => patch.delay_ms_max = Some(number("delayMsMax", &value)?),
            "longReordering" => {
                patch.long_reordering = Some(value.as_bool().ok_or_else(|| {
                    format!(
                        "longReordering must be true or false, got {}",
                        describe(&value)
                    )
                })?)
            }
            _ => {}
        }
    }
    Ok(patch)
}

fn parse_groups(v: &JsValue) -> Result<Vec<Vec<f64>>, String> {
    const SHAPE: &str = "groups must be an array of groups of node ids, like [[1, 2], [3, 4, 5]]";
    if !Array::is_array(v) {
        return Err(format!("{SHAPE}; got {}", describe(v)));
    }
    let groups: &Array = v.unchecked_ref();
    let mut out = Vec::with_capacity(groups.length() as usize);
    for (g, group) in groups.iter().enumerate() {
        if !Array::is_array(&group) {
            return Err(format!("{SHAPE}; group {g} is {}", describe(&group)));
        }
        let ids: &Array = group.unchecked_ref();
        let mut out_group = Vec::with_capacity(ids.length() as usize);
        for id in ids.iter() {
            out_group
                .push(number("every node id", &id).map_err(|e| format!("{e} (in group {g})"))?);
        }
        out.push(out_group);
    }
    Ok(out)
}

fn to_js<T: Serialize>(call: &str, value: &T) -> Result<JsValue, JsError> {
    let text = json::to_string(value).map_err(|e| error(call, e))?;
    js_sys::JSON::parse(&text).map_err(|_| error(call, "its JSON did not parse"))
}

#[wasm_bindgen]
impl Cluster {
    /// `new Cluster(options)`: a cluster of fresh nodes, all connected, at time 0.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "ClusterOptions")] options: JsValue,
    ) -> Result<Cluster, JsError> {
        let options = parse_options(&options).map_err(|e| JsError::new(&e))?;
        let page = Page::new(options).map_err(|e| JsError::new(&e))?;
        Ok(Cluster::around(page))
    }

    /// `Cluster.restore(text)`: the cluster of a `saveStored()` text (or a `saveImage()`
    /// image): its run replayed to the stored moment, checked against every node's stored
    /// persister (`restoredRun`), with its scenario or run file's title and captions; without a run, or when the run is damaged or does not match
    /// (`restoreProblem` says why), every node restarts from its persisted state. Throws,
    /// saying why, on a foreign, other-version, truncated, corrupt or inconsistent image;
    /// never loads half a cluster.
    pub fn restore(
        #[wasm_bindgen(unchecked_param_type = "string")] image: JsValue,
    ) -> Result<Cluster, JsError> {
        let Some(text) = image.as_string() else {
            return Err(JsError::new(&format!(
                "Cluster.restore(image): image must be a string, got {}",
                describe(&image)
            )));
        };
        let (page, resumed) =
            stored::restore_in(&text, teach::packed_scenarios()).map_err(|e| JsError::new(&e))?;
        let mut cluster = Cluster::around(page);
        cluster.resumed = Some(resumed);
        Ok(cluster)
    }

    /// True for a cluster `Cluster.restore` brought back with its run (timeline included).
    #[wasm_bindgen(getter, js_name = restoredRun)]
    pub fn restored_run(&self) -> bool {
        self.resumed == Some(Resumed::Run)
    }

    /// Why `Cluster.restore` could not use the stored run (its nodes restarted instead).
    #[wasm_bindgen(getter, js_name = restoreProblem)]
    pub fn restore_problem(&self) -> Option<String> {
        match &self.resumed {
            Some(Resumed::NodesInstead(why)) => Some(why.clone()),
            _ => None,
        }
    }

    /// What the page stores for this cluster (one text: the image, and the run with the
    /// moment shown when it has a fresh start, with the scenario shown or the run file's
    /// title and captions), and what was left out for its length, if anything.
    #[wasm_bindgen(js_name = saveStored, unchecked_return_type = "StoredCluster")]
    pub fn save_stored(&self) -> Result<JsValue, JsError> {
        let saved = stored::save(&self.page);
        to_js(
            "saveStored()",
            &view::StoredCluster {
                text: saved.text,
                note: saved.note,
            },
        )
    }

    /// `Cluster.fromLink(text)`: the cluster of a `link()` text, its run replayed from a fresh
    /// start, showing the link's moment. Throws, saying why, on anything else.
    #[wasm_bindgen(js_name = fromLink)]
    pub fn from_link(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Cluster, JsError> {
        const CALL: &str = "Cluster.fromLink(text)";
        let Some(text) = text.as_string() else {
            return Err(error(
                CALL,
                format!("text must be a string, got {}", describe(&text)),
            ));
        };
        let link = raftlab_session::link::decode(text.trim()).map_err(|e| error(CALL, e))?;
        let page = Page::from_link(link).map_err(|e| error(CALL, e))?;
        Ok(Cluster::around(page))
    }

    /// `Cluster.fromPackedRunFile(text)`: the cluster of a run file in its packed form
    /// (`raftlab_session::packed`: what the run-file module, raftlab-files, makes of the JSON
    /// "Export run" and the Lab 3 exporter write), its run replayed from a fresh start to its
    /// end and shown paused at its start. Throws, saying why, on anything else.
    #[wasm_bindgen(js_name = fromPackedRunFile)]
    pub fn from_packed_run_file(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<Cluster, JsError> {
        const CALL: &str = "Cluster.fromPackedRunFile(text)";
        let Some(text) = text.as_string() else {
            return Err(error(
                CALL,
                format!("text must be a string, got {}", describe(&text)),
            ));
        };
        let file = raftlab_session::packed::decode(&text)
            .map_err(|e| error(CALL, format!("not a run file this page can play: {e}")))?;
        let page = Page::from_run_file(file).map_err(|e| error(CALL, e))?;
        Ok(Cluster::around(page))
    }

    /// The run as a run file in its packed form (options, seed, every input with its time,
    /// the title and captions it was opened with): the run-file module writes it as JSON.
    #[wasm_bindgen(js_name = packedRunFile)]
    pub fn packed_run_file(&self) -> String {
        self.page.packed_run_file()
    }

    /// The run file's title, if the run came from one that had a title.
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> Option<String> {
        self.page.title().map(String::from)
    }

    /// The run file's captions (the tester's steps) as { atMs, text }, in time order.
    #[wasm_bindgen(unchecked_return_type = "RunCaption[]")]
    pub fn captions(&self) -> Result<JsValue, JsError> {
        let list: Vec<view::RunCaption> = self
            .page
            .captions()
            .iter()
            .map(|c| view::RunCaption {
                at_ms: c.at.at_ms as f64,
                text: c.text.clone(),
            })
            .collect();
        to_js("captions()", &list)
    }

    /// The run and the moment shown as link text (versioned, compact, URL-safe); throws for
    /// a cluster restored from storage.
    pub fn link(&self) -> Result<String, JsError> {
        self.page.link().map_err(|e| refusal("link()", e))
    }

    /// The versioned, checksummed image of every node's persister (and the options), as text.
    #[wasm_bindgen(js_name = saveImage)]
    pub fn save_image(&self) -> String {
        image::encode(&self.page.image())
    }

    /// The seed, in decimal.
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> String {
        self.page.options().seed.to_string()
    }

    #[wasm_bindgen(getter, js_name = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.page.now_ms() as f64
    }

    #[wasm_bindgen(getter, js_name = nodeCount)]
    pub fn node_count(&self) -> u32 {
        self.page.node_count() as u32
    }

    /// Bumps whenever any node's persister is written (and when the network settings change,
    /// which the image also holds): the page saves to localStorage then.
    #[wasm_bindgen(getter, js_name = persistVersion)]
    pub fn persist_version(&self) -> f64 {
        self.page.persist_version() as f64
    }

    /// Digest of the whole event trace so far, 16 hex digits: same seed and same commands,
    /// same digest, in wasm and natively (`Simulation::trace_digest`).
    #[wasm_bindgen(getter, js_name = traceDigest)]
    pub fn trace_digest(&self) -> String {
        view::hex64(self.page.trace_digest())
    }

    /// Run virtual time forward by `ms` (finite, 0..=60000; fractions add up across calls).
    pub fn advance(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
    ) -> Result<(), JsError> {
        const CALL: &str = "advance(ms)";
        let ms = number("ms", &ms).map_err(|e| error(CALL, e))?;
        let whole = self.fraction.advance(ms).map_err(|e| error(CALL, e))?;
        self.page.advance(whole).map_err(|e| refusal(CALL, e))
    }

    /// The whole cluster as one plain object (ClusterState).
    #[wasm_bindgen(unchecked_return_type = "ClusterState")]
    pub fn state(&self) -> Result<JsValue, JsError> {
        to_js("state()", &self.page.state())
    }

    /// The events since the last call, oldest first, at most 500 (the newest).
    #[wasm_bindgen(unchecked_return_type = "ClusterEvent[]")]
    pub fn events(&mut self) -> Result<JsValue, JsError> {
        to_js("events()", &self.page.take_events())
    }

    /// The last events up to the moment shown (at most 150, oldest first): what the event
    /// log shows there, after a seek or a step back.
    #[wasm_bindgen(js_name = recentEvents, unchecked_return_type = "ClusterEvent[]")]
    pub fn recent_events(&self) -> Result<JsValue, JsError> {
        to_js("recentEvents()", &self.page.recent_events())
    }

    /// The first virtual ms of the run (0, or where a restored cluster started).
    #[wasm_bindgen(getter, js_name = startMs)]
    pub fn start_ms(&self) -> f64 {
        self.page.travel().start_ms() as f64
    }

    /// The furthest virtual ms the run has reached (nowMs is at most this).
    #[wasm_bindgen(getter, js_name = endMs)]
    pub fn end_ms(&self) -> f64 {
        self.page.travel().end_ms() as f64
    }

    /// Bumps whenever the moment shown jumps (seek, step back): redraw from recentEvents().
    #[wasm_bindgen(getter, js_name = jumps)]
    pub fn jumps(&self) -> f64 {
        self.page.travel().jumps() as f64
    }

    /// Bumps whenever the timeline's markers or forks change.
    #[wasm_bindgen(getter, js_name = timelineVersion)]
    pub fn timeline_version(&self) -> f64 {
        self.page.travel().version() as f64
    }

    /// How many times acting in the past forked the run.
    #[wasm_bindgen(getter)]
    pub fn forks(&self) -> f64 {
        self.page.travel().forks() as f64
    }

    /// The run's timeline: start, end, the moment shown, markers, forks, checkpoints.
    #[wasm_bindgen(unchecked_return_type = "TimelineView")]
    pub fn timeline(&self) -> Result<JsValue, JsError> {
        to_js("timeline()", &view::timeline_view(self.page.travel()))
    }

    /// Show the end of virtual millisecond `ms` (clamped to startMs..endMs). Acting there
    /// forks the run; playing goes on from there.
    pub fn seek(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
    ) -> Result<(), JsError> {
        const CALL: &str = "seek(ms)";
        let ms = number("ms", &ms).map_err(|e| error(CALL, e))?;
        let ms = args::seek_ms(ms).map_err(|e| error(CALL, e))?;
        self.fraction.reset();
        self.page.seek(ms);
        Ok(())
    }

    /// Back to just before the newest event shown; false at the start.
    #[wasm_bindgen(js_name = stepBack)]
    pub fn step_back(&mut self) -> bool {
        self.fraction.reset();
        self.page.step_back()
    }

    /// On to just after the next event; false when none comes.
    #[wasm_bindgen(js_name = stepForward)]
    pub fn step_forward(&mut self) -> bool {
        self.fraction.reset();
        self.page.step_forward()
    }

    /// Kill node `id`: it keeps only what it persisted.
    pub fn crash(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
    ) -> Result<(), JsError> {
        self.node_command("crash(id)", &id, Page::crash)
    }

    /// Start node `id` again from its persisted state (crashing it first if it is alive).
    pub fn restart(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
    ) -> Result<(), JsError> {
        self.node_command("restart(id)", &id, Page::restart)
    }

    /// Cut node `id` off the network.
    pub fn disconnect(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
    ) -> Result<(), JsError> {
        self.node_command("disconnect(id)", &id, Page::disconnect)
    }

    /// Put node `id` back on the network.
    pub fn connect(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
    ) -> Result<(), JsError> {
        self.node_command("connect(id)", &id, Page::connect)
    }

    /// Make node `id` time out now and start an election.
    pub fn timeout(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
    ) -> Result<(), JsError> {
        self.node_command("timeout(id)", &id, Page::timeout)
    }

    /// Every node restarts from its persisted state alone (crashed or not): Lab 3C's point.
    #[wasm_bindgen(js_name = restartAllFromDisk)]
    pub fn restart_all_from_disk(&mut self) -> Result<(), JsError> {
        self.fraction.reset();
        self.page
            .restart_all_from_disk()
            .map_err(|e| refusal("restartAllFromDisk()", e))
    }

    /// Split the network into `groups` of node ids; nodes not named are each alone.
    pub fn partition(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number[][]")] groups: JsValue,
    ) -> Result<(), JsError> {
        const CALL: &str = "partition(groups)";
        let groups = parse_groups(&groups).map_err(|e| error(CALL, e))?;
        let groups = args::groups(&groups, self.page.node_count()).map_err(|e| error(CALL, e))?;
        self.fraction.reset();
        self.page.partition(&groups).map_err(|e| refusal(CALL, e))
    }

    /// RaftScope's lecturer key A: the election timers of every live node that is not leader
    /// expire together, so the vote splits (an input of the run).
    #[wasm_bindgen(js_name = alignTimers)]
    pub fn align_timers(&mut self) -> Result<(), JsError> {
        self.fraction.reset();
        self.page
            .align_timers()
            .map_err(|e| refusal("alignTimers()", e))
    }

    /// RaftScope's lecturer key T: the election timers are spread apart, so one candidate
    /// wins in one round (an input of the run).
    #[wasm_bindgen(js_name = spreadTimers)]
    pub fn spread_timers(&mut self) -> Result<(), JsError> {
        self.fraction.reset();
        self.page
            .spread_timers()
            .map_err(|e| refusal("spreadTimers()", e))
    }

    /// One network again, every node connected.
    pub fn heal(&mut self) {
        self.fraction.reset();
        self.page.heal();
    }

    /// Lose the in-flight message `id` (from `state().messages`).
    #[wasm_bindgen(js_name = dropMessage)]
    pub fn drop_message(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
    ) -> Result<(), JsError> {
        const CALL: &str = "dropMessage(id)";
        let id = number("id", &id).map_err(|e| error(CALL, e))?;
        let id = args::message_id(id).map_err(|e| error(CALL, e))?;
        self.fraction.reset();
        self.page.drop_message(id).map_err(|e| refusal(CALL, e))
    }

    /// Change the given network settings; the others stay as they are.
    #[wasm_bindgen(js_name = setNetwork)]
    pub fn set_network(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "NetworkOptions")] options: JsValue,
    ) -> Result<(), JsError> {
        const CALL: &str = "setNetwork(options)";
        let patch = parse_network(&options).map_err(|e| error(CALL, e))?;
        let net = patch
            .patched(self.page.network())
            .map_err(|e| error(CALL, e))?;
        self.fraction.reset();
        self.page.set_network(net).map_err(|e| refusal(CALL, e))
    }

    /// Submit `command` to the current leader: { index, term, leader }. Throws "no leader: ..."
    /// when no live node thinks it is leader.
    #[wasm_bindgen(unchecked_return_type = "RequestResult")]
    pub fn request(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] command: JsValue,
    ) -> Result<JsValue, JsError> {
        const CALL: &str = "request(command)";
        let Some(command) = command.as_string() else {
            return Err(error(
                CALL,
                format!("command must be a string, got {}", describe(&command)),
            ));
        };
        self.fraction.reset();
        let result = self.page.request(&command).map_err(|e| refusal(CALL, e))?;
        to_js(CALL, &result)
    }
}

impl Cluster {
    fn node_command(
        &mut self,
        call: &str,
        id: &JsValue,
        f: fn(&mut Page, NodeId) -> Result<(), Refusal>,
    ) -> Result<(), JsError> {
        let id = number("id", id).map_err(|e| error(call, e))?;
        let node = args::node_index(id, self.page.node_count()).map_err(|e| error(call, e))?;
        self.fraction.reset();
        f(&mut self.page, node).map_err(|e| refusal(call, e))
    }

    fn around(page: Page) -> Cluster {
        Cluster {
            page,
            fraction: Fraction::default(),
            resumed: None,
            kv: Default::default(),
        }
    }

    /// The Rust side of the handle (tests, native tools).
    pub fn page(&self) -> &Page {
        &self.page
    }
}

#[cfg(test)]
mod tests {
    /// Architecture: the glue depends on the session layer only, dev-dependencies included.
    #[test]
    fn the_glue_depends_on_the_session_layer_not_on_the_core() {
        let toml = include_str!("../Cargo.toml");
        let deps: Vec<&str> = toml
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("raftlab"))
            .collect();
        // Without its `json` feature: serde_json stays out of the main module (README, "Weight").
        assert_eq!(
            deps,
            [
                "raftlab-session = { path = \"../session\", default-features = false }",
                "raftlab-session = { path = \"../session\", features = [\"testing\"] }"
            ]
        );
        // args.rs is a leaf: it uses nothing of lib.rs, so the modules form no circle.
        assert!(!include_str!("args.rs").contains("crate::"));
    }
}
