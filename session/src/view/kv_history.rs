//! The key/value history, as porcupine's visualizer draws it: one lane per client on the
//! run's virtual time axis, each operation a bar from its call to its return (open to the
//! moment shown while it has not returned), and the linearizability checker's verdict for
//! the history so far.
//!
//! - `Page::kv_history(from_ms, to_ms)` gives the operations the page draws: those that
//!   overlap the visible window, at most `KV_HISTORY_SHOWN_MAX`, found by bisection on the
//!   call times (the history is in call order) plus a bounded look back for operations called
//!   before the window that are still running in it. Its work does not grow with the history.
//! - `KvChecker::verdict` is the verdict, cached: the caller holds one `KvChecker` per page.
//!   The checker runs only when the history changed (an operation called or returned) and
//!   with a step budget (`KV_CHECK_STEPS_MAX`, then the verdict is an explicit "unknown");
//!   while the run plays, it runs again only after the history grew by an eighth since the
//!   last check (amortized: each event is checked a bounded number of times), and once the
//!   moment shown stays (paused) at once. A history found not
//!   linearizable stays so as it grows (linearizability is prefix-closed), so it is not
//!   checked again in the same run. For a history that is not linearizable, the verdict
//!   names the operations that cannot be placed and the first one's call time to jump to.
//! - The search itself is not in the page's main wasm module (README, "Weight"): the page
//!   passes `KvChecker::verdict_with` a checker, the run-file module's `checkKvHistory`, which
//!   gets the history packed (`pack_history`) and answers with the verdict as text
//!   (`check_packed`: the search and the verdict's text are both there); until
//!   that module has loaded the verdict is "checking". Natively, `verdict` and `verdict_of`
//!   run the search in place (`check_history`).

use crate::page::Page;
use crate::view::kv_clients::KvOpView;
use crate::view::kv_store::shown_value;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use raftlab::kv::Op;
use raftlab::lincheck::kv::Kv;
use raftlab::lincheck::{check, Options, StepBudget, Verdict};
use raftlab::sim::{describe_kv_op, lincheck_history, KvHistoryOp};
use serde::{Deserialize, Serialize};

/// The most operations one `kv_history` call returns.
pub const KV_HISTORY_SHOWN_MAX: usize = 256;
/// How far back (in operations) `kv_history` looks for operations called before the window
/// that are still running in it (one per client at most).
pub const KV_HISTORY_LOOKBACK_MAX: usize = 1024;
/// The checker's budget per verdict, in search steps; past it the verdict is "unknown".
pub const KV_CHECK_STEPS_MAX: u64 = 200_000;
/// The checker's memo per key, in bytes (the page's memory is the visitor's).
pub const KV_CHECK_MEMO_BYTES_MAX: usize = 8 << 20;
/// The most operations a not-linearizable verdict names.
pub const KV_INVOLVED_SHOWN_MAX: usize = 16;

/// One operation as the history view draws it (api.ts's `KvHistoryOpView`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KvHistoryOpView {
    /// Its position in the history.
    pub op_id: u64,
    /// 1-based (C1..).
    pub client: u32,
    pub call_ms: u64,
    /// None while it has not returned (at the moment shown).
    pub return_ms: Option<u64>,
    pub op: KvOpView,
    /// A Get's value as shown (`kv_store::shown_value`); None otherwise and while open.
    pub output: Option<String>,
}

/// api.ts's `KvHistoryView`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KvHistoryView {
    pub from_ms: u64,
    pub to_ms: u64,
    /// The moment shown (open operations run to here).
    pub now_ms: u64,
    /// The operations overlapping the window, in call order.
    pub ops: Vec<KvHistoryOpView>,
    /// Operations in the window left out (more than `KV_HISTORY_SHOWN_MAX`).
    pub omitted: u64,
    /// Operations in the whole history so far.
    pub total: u64,
    /// Lanes: the clients so far.
    pub clients: u32,
}

/// api.ts's `KvVerdictView`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KvVerdictView {
    /// "none" (no operation yet) | "linearizable" | "not-linearizable" | "unknown" |
    /// "checking" (the checker is not loaded yet).
    pub verdict: String,
    /// One or two sentences: the verdict and why.
    pub text: String,
    /// Operations the verdict is about (the history's first `checked_ops`).
    pub checked_ops: u64,
    /// Operations in the history at the moment shown.
    pub total_ops: u64,
    /// Of the checked operations, those that had not returned (open: they may have taken
    /// effect or not).
    pub open_ops: u64,
    /// Search steps the check took.
    pub steps: u64,
    /// Not linearizable: the operations that cannot be placed (history positions, at most
    /// `KV_INVOLVED_SHOWN_MAX`), the first the one whose return came before it could be.
    pub involved: Vec<u64>,
    /// Not linearizable: the earliest call among `involved`, where to jump.
    pub first_ms: Option<u64>,
}

impl KvVerdictView {
    fn none() -> KvVerdictView {
        KvVerdictView {
            verdict: "none".into(),
            text: "No key/value operation yet: a client's Get, Put or Append starts the history."
                .into(),
            checked_ops: 0,
            total_ops: 0,
            open_ops: 0,
            steps: 0,
            involved: Vec::new(),
            first_ms: None,
        }
    }
}

fn op_view(h: &KvHistoryOp) -> KvHistoryOpView {
    KvHistoryOpView {
        op_id: h.op_id,
        client: h.client + 1,
        call_ms: h.call_ms,
        return_ms: h.return_ms,
        op: KvOpView::of(&h.op),
        output: h.output.as_deref().map(shown_value),
    }
}

/// The operations of `history` that overlap `from_ms..=to_ms`: (their positions, how many in
/// the window were left out). Bounded work: two bisections, at most
/// `KV_HISTORY_LOOKBACK_MAX` steps back and `KV_HISTORY_SHOWN_MAX` forward.
pub fn window(
    history: &[KvHistoryOp],
    clients: usize,
    from_ms: u64,
    to_ms: u64,
) -> (Vec<usize>, u64) {
    let start = history.partition_point(|h| h.call_ms < from_ms);
    let end = history.partition_point(|h| h.call_ms <= to_ms).max(start);
    // Called before the window, still running in it: at most one per client, each its
    // client's last operation before `start`.
    let mut before = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    for i in (start.saturating_sub(KV_HISTORY_LOOKBACK_MAX)..start).rev() {
        if seen.len() >= clients {
            break;
        }
        let h = &history[i];
        if seen.contains(&h.client) {
            continue;
        }
        seen.push(h.client);
        if h.return_ms.is_none_or(|r| r >= from_ms) {
            before.push(i);
        }
    }
    before.reverse();
    let room = KV_HISTORY_SHOWN_MAX.saturating_sub(before.len());
    let shown = (end - start).min(room);
    before.extend(start..start + shown);
    (before, (end - start - shown) as u64)
}

impl Page {
    /// The history's operations the page draws for the window `from_ms..=to_ms` of virtual
    /// time, at the moment shown.
    pub fn kv_history(&self, from_ms: u64, to_ms: u64) -> KvHistoryView {
        let sim = self.sim();
        let history = sim.kv_history();
        let clients = sim.kv_clients().len();
        let (shown, omitted) = window(history, clients, from_ms, to_ms);
        KvHistoryView {
            from_ms,
            to_ms,
            now_ms: sim.now_ms(),
            ops: shown.into_iter().map(|i| op_view(&history[i])).collect(),
            omitted,
            total: history.len() as u64,
            clients: clients as u32,
        }
    }

    /// Changes whenever the history at the moment shown changes within one run (an
    /// operation called or returned): operations called plus operations returned.
    pub fn kv_history_version(&self) -> u64 {
        let sim = self.sim();
        let len = sim.kv_history().len() as u64;
        let open = sim
            .kv_clients()
            .iter()
            .filter(|c| c.pending.is_some())
            .count() as u64;
        len + (len - open.min(len))
    }
}

/// The verdict for a page's history, computed only when the history changed (see the module
/// doc). One per page: the wasm handle holds it beside its `Page`.
#[derive(Default)]
pub struct KvChecker {
    /// The run version (`TimeTravel::version`) and jumps the cache is of.
    run: Option<(u64, u64)>,
    /// Whether each operation of the history had returned when last synced: a prefix of the
    /// simulation's history.
    // Invariant: `open` holds exactly the indices i with `!returned[i]`, ascending.
    returned: Vec<bool>,
    /// Indices into `returned` of the operations open when synced.
    open: Vec<usize>,
    /// (operations, operations returned) when last checked.
    checked: Option<(usize, usize)>,
    /// (operations, operations returned) and the moment at the last call.
    seen: Option<((usize, usize), u64)>,
    verdict: Option<KvVerdictView>,
    /// Checks run (for tests and measurements).
    pub checks: u64,
}

/// What the search found for a history: a `Verdict`, the steps it took and, when not
/// linearizable, the operations that cannot be placed (history positions, at most
/// `KV_INVOLVED_SHOWN_MAX`, the first the one whose return came before it could be).
struct KvCheckOutcome {
    verdict: Verdict,
    steps: u64,
    involved: Vec<usize>,
}

/// A checker: the verdict on a whole history (searched), or why it cannot be checked.
pub type KvCheck<'a> = &'a mut dyn FnMut(&[KvHistoryOp]) -> Result<KvVerdictView, String>;

/// The verdict on `history`, searched with the page's budget (`KV_CHECK_STEPS_MAX`,
/// `KV_CHECK_MEMO_BYTES_MAX`).
pub fn check_history(history: &[KvHistoryOp]) -> Result<KvVerdictView, String> {
    let mut budget = StepBudget {
        left: KV_CHECK_STEPS_MAX,
    };
    let options = Options {
        memo_bytes_max: KV_CHECK_MEMO_BYTES_MAX,
    };
    let report =
        check(&Kv, &lincheck_history(history), &mut budget, &options).map_err(|e| e.to_string())?;
    let mut involved: Vec<usize> = report
        .illegal()
        .flat_map(|p| p.stuck.iter().copied())
        .collect();
    involved.truncate(KV_INVOLVED_SHOWN_MAX);
    let outcome = KvCheckOutcome {
        verdict: report.verdict,
        steps: report.partitions.iter().map(|p| p.steps).sum(),
        involved,
    };
    Ok(verdict_view(history, outcome))
}

/// One operation as `pack_history` writes it: client, call, return, operation, output.
type PackedOp = (u32, u64, Option<u64>, Op, Option<String>);
/// A `PackedOp` as written, borrowed from the history (the same encoding).
type PackedOpRef<'a> = (u32, u64, Option<u64>, &'a Op, &'a Option<String>);

/// `history` as bytes for a checker in another module (postcard of `PackedOp`s).
pub fn pack_history(history: &[KvHistoryOp]) -> Vec<u8> {
    let ops: Vec<PackedOpRef<'_>> = history
        .iter()
        .map(|h| (h.client, h.call_ms, h.return_ms, &h.op, &h.output))
        .collect();
    // Invariant: encoding integers and strings into a Vec cannot fail.
    postcard::to_allocvec(&ops).unwrap_or_default()
}

/// The checker of another module: the history `pack_history` wrote, checked
/// (`check_history`), the verdict as text for `parse_verdict` (its verdict, steps and
/// operations involved on the first line, its text on the second; "error: ..." when the
/// bytes are not a history or cannot be checked). Never panics on bad bytes.
pub fn check_packed(bytes: &[u8]) -> String {
    let ops: Vec<PackedOp> = match postcard::from_bytes(bytes) {
        Ok(ops) => ops,
        Err(_) => return "error: not a packed key/value history".into(),
    };
    let history: Vec<KvHistoryOp> = ops
        .into_iter()
        .enumerate()
        .map(
            |(i, (client, call_ms, return_ms, op, output))| KvHistoryOp {
                op_id: i as u64,
                client,
                call_ms,
                call_actions: 0,
                return_ms,
                op,
                output,
            },
        )
        .collect();
    match check_history(&history) {
        Ok(v) => {
            let mut text = v.verdict;
            for n in core::iter::once(v.steps).chain(v.involved) {
                text.push(' ');
                text.push_str(&n.to_string());
            }
            text.push('\n');
            text.push_str(&v.text);
            text
        }
        Err(e) => format!("error: {e}"),
    }
}

/// `check_packed`'s text as the verdict on `history` (the history packed); an "error: ..."
/// text (or a foreign one) is the error it names.
pub fn parse_verdict(text: &str, history: &[KvHistoryOp]) -> Result<KvVerdictView, String> {
    let bad = || format!("the checker answered {text:?}");
    if let Some(e) = text.strip_prefix("error: ") {
        return Err(e.into());
    }
    let (head, shown) = text.split_once('\n').ok_or_else(bad)?;
    let mut words = head.split(' ');
    let verdict = match words.next() {
        Some(v @ ("linearizable" | "not-linearizable" | "unknown")) => v,
        _ => return Err(bad()),
    };
    let steps = words.next().and_then(|w| w.parse().ok()).ok_or_else(bad)?;
    let involved = words
        .map(|w| w.parse().ok().filter(|&i: &u64| i < history.len() as u64))
        .collect::<Option<Vec<u64>>>()
        .ok_or_else(bad)?;
    if involved.len() > KV_INVOLVED_SHOWN_MAX {
        return Err(bad());
    }
    let total = history.len() as u64;
    Ok(KvVerdictView {
        verdict: verdict.into(),
        text: shown.into(),
        checked_ops: total,
        total_ops: total,
        open_ops: history.iter().filter(|h| h.return_ms.is_none()).count() as u64,
        steps,
        first_ms: involved.iter().map(|&i| history[i as usize].call_ms).min(),
        involved,
    })
}

impl KvChecker {
    pub fn new() -> KvChecker {
        KvChecker::default()
    }

    /// The verdict for `page`'s history at the moment shown, searched here.
    pub fn verdict(&mut self, page: &Page) -> KvVerdictView {
        self.verdict_with(page, Some(&mut check_history))
    }

    /// The verdict for `page`'s history at the moment shown, searched by `check` when a
    /// search is due; without a checker (not loaded yet) a due search is a "checking"
    /// verdict, and the next call with one searches.
    pub fn verdict_with(&mut self, page: &Page, check: Option<KvCheck<'_>>) -> KvVerdictView {
        let travel = page.travel();
        let sim = page.sim();
        self.verdict_in(
            (travel.version(), travel.jumps()),
            sim.now_ms(),
            sim.kv_history(),
            check,
        )
    }

    /// The verdict for `history`, the moment `now_ms` of the run `run` (the run's version
    /// and jumps: within one, a history only grows). A call at the same moment with the same
    /// history as the last (the page paused) checks what is not checked yet.
    pub fn verdict_of(
        &mut self,
        run: (u64, u64),
        now_ms: u64,
        history: &[KvHistoryOp],
    ) -> KvVerdictView {
        self.verdict_in(run, now_ms, history, Some(&mut check_history))
    }

    fn verdict_in(
        &mut self,
        run: (u64, u64),
        now_ms: u64,
        history: &[KvHistoryOp],
        check: Option<KvCheck<'_>>,
    ) -> KvVerdictView {
        let (version, jumps) = run;
        match self.run {
            // The same run, the moment shown moved on: the history only grew.
            Some(r) if r == run && history.len() >= self.returned.len() => {}
            // The same run, a jump (a seek, a step back): the history is a prefix or an
            // extension of the one synced; keep what still holds (cheap comparisons) and the
            // last check, which `prefix_closed` below reuses where it can.
            Some((v, _)) if v == version => self.jumped(history),
            // Another run (a fork, an undo, a new marker): start afresh.
            _ => {
                self.returned.clear();
                self.open.clear();
                self.checked = None;
                self.seen = None;
                self.verdict = None;
            }
        }
        self.run = Some((version, jumps));
        self.sync(history);
        let state = (self.returned.len(), self.returned.len() - self.open.len());
        if state.0 == 0 {
            self.seen = Some((state, now_ms));
            return KvVerdictView::none();
        }
        // Playing on (time or the history moved since the last call), or paused.
        let moving = self.seen != Some((state, now_ms));
        self.seen = Some((state, now_ms));
        let total = state.0 as u64;
        let open = self.open.len() as u64;
        if let (Some(checked), Some(v)) = (self.checked, self.verdict.as_ref()) {
            // Within one run the moments' histories are prefixes of one another, and
            // linearizability is prefix-closed: a not-linearizable history stays so as it
            // grows, a linearizable one was so at every earlier moment.
            let extends = state.0 >= checked.0 && state.1 >= checked.1;
            let prefix = state.0 <= checked.0 && state.1 <= checked.1;
            let known = match v.verdict.as_str() {
                _ if checked == state => true,
                "not-linearizable" => extends,
                "linearizable" => prefix,
                _ => false,
            };
            let grown = state.0 - checked.0.min(state.0) + (state.1 - checked.1.min(state.1));
            let wait = extends && moving && grown < ((checked.0 + checked.1) / 8).max(1);
            if known || wait {
                let mut v = v.clone();
                v.total_ops = total;
                if v.verdict == "linearizable" && prefix {
                    v.checked_ops = total;
                    v.open_ops = open;
                }
                return v;
            }
        }
        let Some(check) = check else {
            return KvVerdictView {
                verdict: "checking".into(),
                text: "Checking…".into(),
                total_ops: total,
                open_ops: open,
                ..KvVerdictView::none()
            };
        };
        self.checks += 1;
        let v = match check(history) {
            Ok(v) => v,
            // The simulator records only well-formed histories; say so rather than panic.
            Err(e) => KvVerdictView {
                verdict: "unknown".into(),
                text: format!("Unknown: the history cannot be checked ({e})."),
                checked_ops: total,
                total_ops: total,
                open_ops: open,
                ..KvVerdictView::none()
            },
        };
        self.checked = Some(state);
        self.verdict = Some(v.clone());
        v
    }

    /// After a jump in the same run: drop what the moment shown has not called yet, and open
    /// again what it has not seen return (comparisons only).
    fn jumped(&mut self, history: &[KvHistoryOp]) {
        let len = history.len().min(self.returned.len());
        self.returned.truncate(len);
        self.open.retain(|&i| i < len);
        for (i, (returned, h)) in self.returned.iter_mut().zip(history).enumerate() {
            if *returned && h.return_ms.is_none() {
                *returned = false;
                self.open.push(i);
            }
        }
        // At most one open operation per client: few.
        raftlab::small_sort::sort_small(&mut self.open);
    }

    /// Sync what is new: the operations that returned since, and those called since.
    fn sync(&mut self, history: &[KvHistoryOp]) {
        let returned = &mut self.returned;
        self.open.retain(|&i| {
            let now = history[i].return_ms.is_some();
            returned[i] = now;
            !now
        });
        let from = returned.len();
        for (k, h) in history[from..].iter().enumerate() {
            returned.push(h.return_ms.is_some());
            if h.return_ms.is_none() {
                self.open.push(from + k);
            }
        }
    }
}

/// The verdict shown for `outcome`, the search over all of `history`.
fn verdict_view(history: &[KvHistoryOp], outcome: KvCheckOutcome) -> KvVerdictView {
    let total = history.len() as u64;
    let open = history.iter().filter(|h| h.return_ms.is_none()).count() as u64;
    let steps = outcome.steps;
    let base = KvVerdictView {
        checked_ops: total,
        total_ops: total,
        open_ops: open,
        steps,
        ..KvVerdictView::none()
    };
    let open_text = if open == 0 {
        String::new()
    } else {
        format!(" ({open} not returned yet: each may take effect or not)")
    };
    match outcome.verdict {
        Verdict::Linearizable => KvVerdictView {
            verdict: "linearizable".into(),
            text: format!(
                "Linearizable: the {total} operation{} so far{open_text} fit one order, each taking effect at one moment between its call and its return.",
                if total == 1 { "" } else { "s" }
            ),
            ..base
        },
        Verdict::Unknown => KvVerdictView {
            verdict: "unknown".into(),
            text: format!(
                "Unknown: the checker stopped after {steps} steps (the page's budget) without a verdict on the {total} operations; check the run's history with the lincheck command."
            ),
            ..base
        },
        Verdict::NotLinearizable => {
            let involved = outcome.involved;
            let first = involved.first().map(|&i| &history[i]);
            let first_ms = involved.iter().map(|&i| history[i].call_ms).min();
            let what = first.map_or_else(String::new, |h| {
                let out = match &h.output {
                    Some(v) => format!(" → {:?}", shown_value(v)),
                    None => String::new(),
                };
                format!(
                    " C{} {}{out} (called at {} ms) cannot be placed: no order of the operations on its key explains every result.",
                    h.client + 1,
                    describe_kv_op(&h.op),
                    h.call_ms
                )
            });
            KvVerdictView {
                verdict: "not-linearizable".into(),
                text: format!(
                    "Not linearizable:{what} {} operation{} involved.",
                    involved.len(),
                    if involved.len() == 1 { "" } else { "s" }
                ),
                involved: involved.into_iter().map(|i| i as u64).collect(),
                first_ms,
                ..base
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use raftlab::kv::Op;

    /// A moment after every operation of the tests' histories.
    const NOW: u64 = 1_000_000;

    fn op(
        id: u64,
        client: u32,
        call: u64,
        ret: Option<u64>,
        op: Op,
        out: Option<&str>,
    ) -> KvHistoryOp {
        KvHistoryOp {
            op_id: id,
            client,
            call_ms: call,
            call_actions: 0,
            return_ms: ret,
            op,
            output: out.map(Into::into),
        }
    }
    fn put(k: &str, v: &str) -> Op {
        Op::Put {
            key: k.into(),
            value: v.into(),
        }
    }
    fn get(k: &str) -> Op {
        Op::Get { key: k.into() }
    }

    #[test]
    fn the_window_holds_what_overlaps_it_and_what_runs_into_it() {
        let h = [
            op(0, 0, 0, Some(5), put("k", "a"), None),
            op(1, 1, 2, None, get("k"), None),
            op(2, 0, 10, Some(12), get("k"), Some("a")),
            op(3, 0, 20, Some(30), put("k", "b"), None),
            op(4, 0, 40, Some(41), get("k"), Some("b")),
        ];
        // 15..=35: op 1 (open since 2) and op 3 (called at 20); op 0 and 2 ended before.
        assert_eq!(window(&h, 2, 15, 35), (vec![1, 3], 0));
        assert_eq!(window(&h, 2, 0, 100), (vec![0, 1, 2, 3, 4], 0));
        assert_eq!(window(&h, 2, 11, 11), (vec![1, 2], 0));
        assert_eq!(window(&[], 0, 0, 10), (vec![], 0));
        let many: Vec<KvHistoryOp> = (0..KV_HISTORY_SHOWN_MAX as u64 + 10)
            .map(|i| op(i, 0, i * 2, Some(i * 2 + 1), get("k"), Some("")))
            .collect();
        let (shown, omitted) = window(&many, 1, 0, u64::MAX);
        assert_eq!(shown.len(), KV_HISTORY_SHOWN_MAX);
        assert_eq!(omitted, 10);
    }

    #[test]
    fn a_stale_read_is_flagged_with_the_operations_involved_and_the_first_call() {
        // C1 puts a then b; C2 reads a after b returned: a value that was no longer the latest.
        let h = [
            op(0, 0, 0, Some(10), put("k", "a"), None),
            op(1, 0, 20, Some(30), put("k", "b"), None),
            op(2, 1, 40, Some(50), get("k"), Some("a")),
        ];
        let mut c = KvChecker::new();
        let v = c.verdict_of((0, 0), NOW, &h[..2]);
        assert_eq!(v.verdict, "linearizable", "{v:?}");
        let v = c.verdict_of((0, 0), NOW, &h);
        assert_eq!(v.verdict, "not-linearizable", "{v:?}");
        assert!(v.involved.contains(&2), "{v:?}");
        assert_eq!(
            v.first_ms,
            v.involved.iter().map(|&i| h[i as usize].call_ms).min()
        );
        assert!(v.text.contains("C2 Get(k)"), "{}", v.text);
    }

    #[test]
    fn the_verdict_is_computed_only_when_the_history_changed() {
        let mut h = vec![op(0, 0, 0, None, put("k", "a"), None)];
        let mut c = KvChecker::new();
        assert_eq!(c.verdict_of((0, 0), NOW, &[]).verdict, "none");
        assert_eq!(c.checks, 0);
        let v = c.verdict_of((0, 0), NOW, &h);
        assert_eq!((v.verdict.as_str(), v.open_ops), ("linearizable", 1));
        assert_eq!(c.checks, 1);
        for _ in 0..10 {
            c.verdict_of((0, 0), NOW, &h);
        }
        assert_eq!(c.checks, 1, "an unchanged history is not checked again");
        h[0].return_ms = Some(5);
        let v = c.verdict_of((0, 0), NOW, &h);
        assert_eq!((v.open_ops, c.checks), (0, 2), "a return is a change");
        // Another run (a fork, a jump): checked afresh.
        c.verdict_of((1, 0), NOW, &h);
        assert_eq!(c.checks, 3);
    }

    #[test]
    fn while_the_history_grows_it_is_checked_again_after_it_grew_by_an_eighth() {
        let mut h: Vec<KvHistoryOp> = Vec::new();
        let mut c = KvChecker::new();
        for i in 0..400u64 {
            h.push(op(i, 0, i * 10, Some(i * 10 + 5), put("k", "v"), None));
            // Frames while it plays: the moment moves, the history grows now and then.
            for t in 0..3 {
                c.verdict_of((0, 0), i * 10 + 5 + t, &h);
            }
        }
        // Each check waits for the history to grow by an eighth: about log(400)/log(9/8).
        assert!(c.checks < 60, "{} checks for 400 operations", c.checks);
        // Paused: the moment stays, and the next call checks the whole history.
        c.verdict_of((0, 0), NOW, &h);
        let v = c.verdict_of((0, 0), NOW, &h);
        assert_eq!((v.checked_ops, v.total_ops), (400, 400));
        let checks = c.checks;
        c.verdict_of((0, 0), NOW, &h);
        assert_eq!(c.checks, checks);
    }

    #[test]
    fn a_jump_back_reuses_a_linearizable_verdict_and_a_jump_over_a_violation_checks_again() {
        let h = [
            op(0, 0, 0, Some(10), put("k", "a"), None),
            op(1, 0, 20, Some(30), put("k", "b"), None),
            op(2, 1, 40, Some(50), get("k"), Some("a")),
        ];
        let mut c = KvChecker::new();
        assert_eq!(c.verdict_of((0, 0), NOW, &h[..2]).verdict, "linearizable");
        assert_eq!(c.checks, 1);
        // Back to the first Put, still open: a prefix of what was found linearizable.
        let mut back = h[..1].to_vec();
        back[0].return_ms = None;
        let v = c.verdict_of((0, 1), NOW, &back);
        assert_eq!(
            (v.verdict.as_str(), v.checked_ops, v.open_ops),
            ("linearizable", 1, 1)
        );
        assert_eq!(
            c.checks, 1,
            "a prefix of a linearizable history needs no check"
        );
        // Forward past the stale read: checked, not linearizable.
        assert_eq!(c.verdict_of((0, 2), NOW, &h).verdict, "not-linearizable");
        assert_eq!(c.checks, 2);
        // Back before the read returned: not known from a longer history; checked again.
        let mut before = h.to_vec();
        before[2].return_ms = None;
        before[2].output = None;
        assert_eq!(c.verdict_of((0, 3), NOW, &before).verdict, "linearizable");
        assert_eq!(c.checks, 3);
    }

    #[test]
    fn not_linearizable_stays_so_as_the_history_grows_without_checking_again() {
        let mut h = vec![
            op(0, 0, 0, Some(10), put("k", "a"), None),
            op(1, 1, 20, Some(30), get("k"), Some("b")),
        ];
        let mut c = KvChecker::new();
        assert_eq!(c.verdict_of((0, 0), NOW, &h).verdict, "not-linearizable");
        let checks = c.checks;
        for i in 2..50 {
            h.push(op(i, 0, i * 40, Some(i * 40 + 1), get("k"), Some("a")));
            let v = c.verdict_of((0, 0), NOW, &h);
            assert_eq!(v.verdict, "not-linearizable");
            assert_eq!(v.total_ops, i + 1);
        }
        assert_eq!(c.checks, checks);
    }
    #[test]
    fn a_packed_history_checked_elsewhere_gives_the_same_outcome_and_bad_text_is_an_error() {
        let h = [
            op(0, 0, 0, Some(10), put("k", "a"), None),
            op(1, 0, 20, Some(30), put("k", "b"), None),
            op(2, 1, 40, Some(50), get("k"), Some("a")),
            op(3, 2, 45, None, put("j", "x"), None),
        ];
        for n in 0..=h.len() {
            let here = check_history(&h[..n]).unwrap();
            let there = parse_verdict(&check_packed(&pack_history(&h[..n])), &h[..n]).unwrap();
            assert_eq!(here, there, "the first {n} operations");
        }
        assert_eq!(check_history(&h).unwrap().verdict, "not-linearizable");
        assert!(check_packed(&[0xff, 0xff]).starts_with("error: "));
        assert!(parse_verdict("error: broken", &h)
            .unwrap_err()
            .contains("broken"));
        for bad in [
            "",
            "linearizable 3",
            "maybe 3\nx",
            "not-linearizable 5 9\nx",
            "unknown x\nx",
        ] {
            assert!(parse_verdict(bad, &h).is_err(), "{bad:?}");
        }
        // A return before its call: the checker refuses it, the page says unknown.
        let mut c = KvChecker::new();
        let wrong = [op(0, 0, 10, Some(5), put("k", "a"), None)];
        let v = c.verdict_in(
            (0, 0),
            NOW,
            &wrong,
            Some(&mut |h: &[KvHistoryOp]| parse_verdict(&check_packed(&pack_history(h)), h)),
        );
        assert_eq!(v.verdict, "unknown", "{v:?}");
    }

    #[test]
    fn without_a_checker_the_verdict_is_checking_until_one_is_given() {
        let h = [op(0, 0, 0, Some(5), put("k", "a"), None)];
        let mut c = KvChecker::new();
        for _ in 0..3 {
            let v = c.verdict_in((0, 0), NOW, &h, None);
            assert_eq!(
                (v.verdict.as_str(), v.checked_ops, v.total_ops),
                ("checking", 0, 1)
            );
        }
        assert_eq!(c.checks, 0);
        let v = c.verdict_in((0, 0), NOW, &h, Some(&mut check_history));
        assert_eq!((v.verdict.as_str(), c.checks), ("linearizable", 1));
        // Known now: no checker needed.
        let v = c.verdict_in((0, 0), NOW, &h, None);
        assert_eq!(v.verdict, "linearizable");
    }
}
