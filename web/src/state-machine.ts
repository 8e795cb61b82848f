// The state machines beside the logs: for each node, the last commands it applied (at most
// four), lastApplied and how many commands its service applied, the snapshot boundary
// (lastIncludedIndex / lastIncludedTerm) as it compacts, and an InstallSnapshot on its way
// to it (its arrival replaces the follower's log up to lastIncludedIndex; the event log
// narrates it). Read from `Cluster.stateMachines()` only while the popover is open.
import type { ClusterApi, StateMachineView } from "./api";
import { fmtTime, h, nodeName, setAttr, setText, uid } from "./dom";

export class StateMachinesPanel {
  readonly el: HTMLElement;
  private readonly btn: HTMLButtonElement;
  private readonly pop: HTMLElement;
  private readonly list: HTMLElement;
  private rows: { li: HTMLElement; text: HTMLElement }[] = [];

  /** `extra`: more content for the popover (the tracked requests). */
  constructor(extra: HTMLElement) {
    const id = uid("sm");
    this.btn = h("button", { type: "button", class: "disclose", "aria-expanded": "false", "aria-controls": id }, "State machines", h("span", { class: "caret", "aria-hidden": "true" }, " ▾"));
    this.list = h("ul", { class: "state-machines" });
    this.pop = h(
      "div",
      { class: "pop sm-pop", id, role: "group", "aria-label": "Each node's state machine", hidden: true },
      h("p", { class: "hint" }, "Applied commands (newest last) · lastApplied · snapshot ≤lastIncludedIndex"),
      this.list,
      extra,
    );
    this.btn.addEventListener("click", () => this.toggle());
    this.el = h("div", { class: "disclosure state-machine" }, this.btn, this.pop);
  }

  get open(): boolean {
    return !this.pop.hidden;
  }

  toggle(open = this.pop.hidden): void {
    this.pop.hidden = !open;
    this.btn.setAttribute("aria-expanded", String(open));
  }

  reset(): void {
    this.list.replaceChildren();
    this.rows = [];
  }

  /** Once per frame while open. */
  sync(c: ClusterApi): void {
    if (!this.open) return;
    const machines = c.stateMachines();
    if (machines.length !== this.rows.length) {
      this.reset();
      for (const m of machines) {
        const text = h("span", { class: "sm-text" });
        const li = h("li", { class: "sm-row", "data-node": m.node }, h("strong", {}, nodeName(m.node)), text);
        this.list.append(li);
        this.rows.push({ li, text });
      }
    }
    machines.forEach((m, i) => this.row(this.rows[i]!, m));
  }

  private row(r: { li: HTMLElement; text: HTMLElement }, m: StateMachineView): void {
    // A key/value run shows the store instead of the last commands.
    const kv = m.kv;
    const store = kv === null ? null : kv.keysTotal === 0 ? "store empty" : `${kv.keys.map((p) => `${p.key}="${p.value}"`).join(" ")}${kv.keysTotal > kv.keys.length ? ` (+${kv.keysTotal - kv.keys.length} keys)` : ""}`;
    const applied = store ?? (m.recent.length === 0 ? "nothing applied after the snapshot" : m.recent.map((a) => `${a.index}: ${a.command}`).join(" · "));
    const snap = m.snapshotIndex > 0 ? `snapshot ≤${m.snapshotIndex} (T${m.snapshotTerm})` : "no snapshot";
    const install = m.installing ? ` · InstallSnapshot from ${nodeName(m.installing.from)} in flight (≤${m.installing.lastIncludedIndex}, T${m.installing.lastIncludedTerm}), arrives at ${fmtTime(m.installing.deliverMs)}: it replaces the log up to there` : "";
    setText(r.text, ` ${m.alive ? "" : kv ? "(crashed: the store it had; a restart rebuilds it from the snapshot and the log) " : "(crashed: what its disk holds) "}${applied} · lastApplied ${m.lastApplied} · ${m.appliedCount} applied · ${snap}${install}`);
    setAttr(r.li, "data-snapshot-index", m.snapshotIndex);
    setAttr(r.li, "data-last-applied", m.lastApplied);
    setAttr(r.li, "data-installing", m.installing ? "true" : "false");
    setAttr(r.li, "data-kv", kv === null ? null : "true");
  }
}
