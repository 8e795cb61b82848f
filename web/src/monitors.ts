// The live safety monitors: Raft's five safety properties (Figure 3), one element each with
// data-property and data-status ("ok" | "violated"), green while the property holds at the
// moment shown and red once the checker saw it broken. A violation is said in the paper's
// words (the checker's detail), with the nodes and log indices involved (the element
// highlights them in the ring and the logs) and a button back to just before the event that
// caused it. Everything comes from `Cluster.monitors()`, read only while a violation is
// shown or just went away (ClusterState.violation says whether there is one).
import type { ClusterApi, MonitorView, MonitorViolation } from "./api";
import { fmtTime, h, nodeName, setAttr, setText } from "./dom";

export interface MonitorsHost {
  act(what: string, fn: (c: ClusterApi) => string | void): boolean;
  pause(): void;
  /** The nodes and indices of the first violation shown, or null: highlight them. */
  highlight(v: MonitorViolation | null): void;
}

// The paper's names; "Leader " is not drawn for two of them (one row must hold all five), a
// screen reader reads it and the tooltip says it.
const NAMES: [id: string, name: string, hidden: string][] = [
  ["election-safety", "Election Safety", ""],
  ["leader-append-only", "Leader Append-Only", "Leader "],
  ["log-matching", "Log Matching", ""],
  ["leader-completeness", "Leader Completeness", "Leader "],
  ["state-machine-safety", "State Machine Safety", ""],
];

export class MonitorsPanel {
  /** The five monitors (in the run-files row). */
  readonly el: HTMLElement;
  /** What broke and the way back (a row of its own, hidden while every property holds). */
  readonly report: HTMLElement;
  private readonly items = new Map<string, { li: HTMLElement; mark: HTMLElement }>();
  private readonly reportText: HTMLElement;
  private readonly back: HTMLButtonElement;
  private shownKey = "";
  private first: MonitorViolation | null = null;

  constructor(private readonly host: MonitorsHost) {
    const list = h("ul", { class: "monitors", "aria-label": "Safety monitors (Figure 3)" });
    for (const [id, name, hidden] of NAMES) {
      const mark = h("span", { class: "monitor-mark", "aria-hidden": "true" }, "✓");
      const li = h("li", { class: "monitor", "data-property": id, "data-status": "ok", title: `${name}: holds` }, mark, h("span", { class: "monitor-name" }, hidden ? h("span", { class: "visually-hidden" }, hidden) : "", name.slice(hidden.length)));
      list.append(li);
      this.items.set(id, { li, mark });
    }
    this.el = list;
    this.reportText = h("span", { class: "monitor-report-text" });
    this.back = h("button", { type: "button", title: "Seek to just before the event after which the checker saw the violation" }, "Step back to just before it");
    this.back.addEventListener("click", () => {
      const v = this.first;
      if (!v) return;
      this.host.pause();
      const to = Math.max(0, v.atMs - 1);
      this.host.act("Step back to the violation", (c) => (c.seek(to), `At ${fmtTime(c.nowMs)}, just before the violation at ${fmtTime(v.atMs)}: every monitor holds here. Step forward to watch the event that breaks it.`));
    });
    this.report = h("div", { class: "monitor-report", role: "group", "aria-label": "Safety violation", hidden: true }, this.reportText, this.back);
  }

  reset(): void {
    this.shownKey = "";
    this.draw([]);
  }

  /** Once per frame: `violation` is ClusterState.violation; monitors() is read only while
   * there is one (or just after it went away, to turn every monitor green again). */
  sync(c: ClusterApi, violation: string | null): void {
    if (violation === null) {
      if (this.shownKey !== "") {
        this.shownKey = "";
        this.draw([]);
      }
      return;
    }
    const list = c.monitors();
    const key = list.map((m) => `${m.status}:${m.violation?.atMs ?? ""}:${m.violation?.count ?? ""}`).join("|");
    if (key === this.shownKey) return;
    this.shownKey = key;
    this.draw(list);
  }

  private draw(list: MonitorView[]): void {
    const byId = new Map(list.map((m) => [m.property as string, m]));
    let first: MonitorView | null = null;
    for (const [id, name] of NAMES) {
      const m = byId.get(id);
      const item = this.items.get(id)!;
      const violated = m?.status === "violated";
      setAttr(item.li, "data-status", violated ? "violated" : "ok");
      setText(item.mark, violated ? "✗" : "✓");
      setAttr(item.li, "title", violated && m?.violation ? `${name} violated at ${fmtTime(m.violation.atMs)}: ${m.violation.detail}` : `${name} holds: ${m?.guarantee ?? ""}`);
      if (violated && m?.violation && (!first || m.violation.atMs < first.violation!.atMs)) first = m;
    }
    this.first = first?.violation ?? null;
    this.report.hidden = first === null;
    if (first && first.violation) {
      const v = first.violation;
      const nodes = v.nodes.map(nodeName).join(", ");
      setText(this.reportText, `${first.name} violated at ${fmtTime(v.atMs)}: ${v.detail}. Involved: ${nodes || "—"}${v.indices.length ? `, index ${v.indices.join(", ")}` : ""}.`);
    }
    this.host.highlight(this.first);
  }
}
