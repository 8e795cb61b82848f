// The key/value history as porcupine's visualizer draws it: one lane per client on the run's
// virtual time axis, each operation a bar from its call to its return (open ones run to the
// moment shown), and the linearizability checker's verdict for the history so far. For a
// history that is not linearizable the operations involved are drawn in the violation colour
// and "Jump to the first" shows the moment the first of them was called.
//
// Only the visible window is asked for (`Cluster.kvHistory(from, to)`, at most 256
// operations), and only when the history or the window changed: no per-frame work grows with
// the history. The verdict (`kvVerdict()`) is asked for when the history changed, or while it
// covers fewer operations than the history holds (the checker runs again once the history
// grew by an eighth or stopped growing); Rust caches it. The search runs in the run-file
// module (wasm.ts's `kvCheck`), loaded on the first verdict that needs one: "Checking…" until
// then.
import type { ClusterApi, KvHistoryOpView, KvOpView, KvVerdictView } from "../api";
import { fmtTime, h, s, setAttr, setText } from "../dom";
import { kvCheck, loadKvCheck } from "../wasm";

/** Widths of the drawing in SVG units (it scales to the popover's width). */
const W = 640;
const LANE = 22;
const LABEL = 34;
/** The window's spans to pick from, in virtual ms. */
const SPANS = [100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

export interface KvHistoryHost {
  act(what: string, fn: (c: ClusterApi) => string | void): boolean;
  pause(): void;
  /** Draw a frame (the checker's module has loaded: the verdict can be given). */
  invalidate(): void;
}

/** An operation as a Clerk call: Put(k, "v"), Append(k, "v"), Get(k). */
export function callText(op: KvOpView): string {
  const name = op.kind === "get" ? "Get" : op.kind === "put" ? "Put" : "Append";
  return `${name}(${op.value === null ? op.key : `${op.key}, "${op.value}"`})`;
}

/** What an operation reads as on its bar: Put(k, "v"), Get(k) → "v". */
export function opText(o: KvHistoryOpView): string {
  return `${callText(o.op)}${o.op.kind === "get" && o.output !== null ? ` → "${o.output}"` : ""}`;
}

export class KvHistoryPanel {
  readonly el: HTMLElement;
  /** The verdict badge (also shown on the Clients button). */
  readonly verdictEl: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly axis: HTMLElement;
  private readonly jump: HTMLButtonElement;
  private readonly spanOut: HTMLElement;
  private span = 4;
  private drawnKey = "";
  private verdictKey = "";
  verdict: KvVerdictView | null = null;

  constructor(private readonly host: KvHistoryHost) {
    this.verdictEl = h("p", { class: "kv-verdict", "data-verdict": "none", role: "status" });
    this.jump = h("button", { type: "button", hidden: true }, "Jump to the first");
    this.jump.addEventListener("click", () => {
      const at = this.verdict?.firstMs;
      if (at === null || at === undefined) return;
      this.host.pause();
      this.host.act("Jump to the first operation involved", (c) => (c.seek(at), `At ${fmtTime(at)}: the first operation the checker cannot place is called here.`));
    });
    const zoom = (d: number): HTMLButtonElement => {
      const b = h("button", { type: "button", "aria-label": d < 0 ? "Zoom in (shorter window)" : "Zoom out (longer window)" }, d < 0 ? "+" : "−");
      b.addEventListener("click", () => {
        this.span = Math.max(0, Math.min(SPANS.length - 1, this.span + d));
        this.drawnKey = "";
      });
      return b;
    };
    this.spanOut = h("span", { class: "hint" });
    this.svg = s("svg", { class: "kv-lanes", viewBox: `0 0 ${W} ${LANE}`, role: "img", "aria-label": "Each client's operations on the virtual time axis" });
    this.axis = h("div", { class: "kv-axis hint" });
    this.el = h(
      "div",
      { class: "kv-history", role: "group", "aria-label": "Key/value history" },
      h("div", { class: "kv-history-head" }, h("strong", {}, "History"), zoom(-1), zoom(1), this.spanOut, this.jump),
      this.verdictEl,
      this.svg,
      this.axis,
    );
  }

  reset(): void {
    this.drawnKey = "";
    this.verdictKey = "";
    this.verdict = null;
  }

  /** The verdict, asked for only when it can have changed; true when it did. */
  syncVerdict(c: ClusterApi): boolean {
    const key = `${c.kvHistoryVersion}/${c.jumps}/${c.timelineVersion}`;
    const partial = this.verdict !== null && this.verdict.checkedOps < this.verdict.totalOps;
    if (key === this.verdictKey && !partial) return false;
    this.verdictKey = key;
    // The search is in the run-file module, loaded on the first verdict that needs it.
    const v = c.kvVerdict(kvCheck());
    if (v.verdict === "checking") void loadKvCheck().then(() => this.host.invalidate());
    const changed = v.verdict !== this.verdict?.verdict || v.text !== this.verdict?.text || v.checkedOps !== this.verdict?.checkedOps;
    this.verdict = v;
    if (changed) {
      setAttr(this.verdictEl, "data-verdict", v.verdict);
      const lag = v.checkedOps < v.totalOps && v.verdict !== "checking" ? ` (checked through operation ${v.checkedOps} of ${v.totalOps}; checking again as the history grows)` : "";
      setText(this.verdictEl, `${v.verdict === "not-linearizable" ? "✗ " : v.verdict === "linearizable" ? "✓ " : v.verdict === "unknown" ? "? " : ""}${v.text}${lag}`);
      this.jump.hidden = v.firstMs === null;
      this.drawnKey = "";
    }
    return changed;
  }

  /** The lanes for the window ending at the moment shown (while the panel is open). */
  render(c: ClusterApi, nowMs: number): void {
    const span = SPANS[this.span]!;
    const to = Math.floor(nowMs);
    const from = Math.max(0, to - span);
    // Redraw when the history changed, or the window moved by a pixel's worth.
    const px = Math.floor(to / Math.max(1, span / W));
    const key = `${c.kvHistoryVersion}/${c.jumps}/${span}/${px}`;
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    const v = c.kvHistory(from, to);
    const lanes = Math.max(1, v.clients);
    const height = lanes * LANE;
    setAttr(this.svg, "viewBox", `0 0 ${W} ${height}`);
    setText(this.spanOut, `last ${span >= 1000 ? `${span / 1000} s` : `${span} ms`}`);
    const x = (ms: number): number => LABEL + ((Math.min(Math.max(ms, from), to) - from) / Math.max(1, to - from)) * (W - LABEL - 2);
    const involved = new Set(this.verdict?.verdict === "not-linearizable" ? this.verdict.involved : []);
    const parts: SVGElement[] = [];
    for (let l = 0; l < lanes; l++) {
      parts.push(s("text", { x: 2, y: l * LANE + 15, class: "kv-lane-name" }, `C${l + 1}`));
      parts.push(s("line", { x1: LABEL, x2: W, y1: (l + 1) * LANE - 0.5, y2: (l + 1) * LANE - 0.5, class: "kv-lane-rule" }));
    }
    for (const o of v.ops) {
      const x0 = x(o.callMs);
      const x1 = Math.max(x0 + 2, x(o.returnMs ?? v.nowMs));
      const y = (o.client - 1) * LANE + 3;
      const text = opText(o);
      const g = s(
        "g",
        { class: "kv-op", "data-op-id": o.opId, "data-kind": o.op.kind, "data-open": o.returnMs === null ? "true" : "false", "data-involved": involved.has(o.opId) ? "true" : "false" },
        s("title", {}, `C${o.client} ${text}: called at ${fmtTime(o.callMs)}, ${o.returnMs === null ? "not returned yet" : `returned at ${fmtTime(o.returnMs)}`}`),
        s("rect", { x: x0, y, width: x1 - x0, height: LANE - 7, rx: 3 }),
      );
      // A label only where it fits (about 6 units a character).
      if (x1 - x0 > 30) {
        const fit = Math.floor((x1 - x0 - 6) / 6);
        g.append(s("text", { x: x0 + 3, y: y + 11 }, text.length > fit ? `${text.slice(0, Math.max(1, fit - 1))}…` : text));
      }
      parts.push(g);
    }
    this.svg.replaceChildren(...parts);
    const none = v.ops.length === 0 && v.total > 0 ? " · no operation in this window: zoom out (−)" : "";
    setText(this.axis, `${fmtTime(from)} … ${fmtTime(to)}${v.omitted > 0 ? ` · ${v.omitted} more operations in this window not drawn (zoom in)` : ""}${none} · ${v.total} operation${v.total === 1 ? "" : "s"} in all`);
  }
}
