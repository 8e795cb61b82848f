// The logs: one row per node, columns aligned by log index so the rows can be compared at a
// glance, scrolling horizontally without any entry limit.
//
// An entry shows its index, command and term (in the term's colour). Committed entries
// (index <= commitIndex) are solid, the others dashed; applied ones (<= lastApplied) carry a
// ✓. Everything up to the node's snapshot is one hatched block labelled lastIncludedIndex /
// lastIncludedTerm. On the other nodes' rows the leader's nextIndex (▼ above) and matchIndex
// (▲ below) for that node are marked. Only the columns in view are in the DOM, so a log of
// thousands of entries costs no more than a short one; the view follows the newest entries
// unless the user scrolled back.
import type { ClusterState, LogEntryView, NodeView } from "./api";
import { termFill, termInk } from "./colors";
import { h, nodeName, setAttr, setText, toggleClass } from "./dom";
import { type Selection, selectedNode } from "./selection";

const COL_W = 60; // px per log index
const HEAD_W = 196; // px of the sticky row header
// Room after the longest log: the nextIndex column and its "▼ nextIndex" label (and the
// track's 6 px margin), so following the newest entries never scrolls a marker half away.
const NEXT_ROOM = COL_W + 64;
const OVERSCAN = 4;

interface Row {
  id: number;
  el: HTMLElement;
  head: HTMLElement;
  badge: HTMLElement;
  title: HTMLElement;
  stats: HTMLElement;
  track: HTMLElement;
  snap: HTMLElement;
  snapLabel: HTMLElement;
  next: HTMLElement;
  match: HTMLElement;
  entries: Map<number, HTMLElement>;
}

export class LogView {
  readonly el: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly inner: HTMLElement;
  private rows: Row[] = [];
  private follow = true;
  private programmaticScroll = false;
  // Layout values cached from events (scroll, resize): reading them while drawing would force
  // a layout of the whole page in every frame.
  private viewW = 1200;
  private scrollX = 0;
  private pendingScroll: number | null = null;
  /** The violation shown: its nodes and log indices are highlighted. */
  private violation: { nodes: Set<number>; indices: Set<number> } | null = null;

  constructor(private readonly onSelectNode: (id: number) => void) {
    this.inner = h("div", { class: "logs-inner" });
    this.scroller = h("div", { class: "logs-scroll", tabindex: 0, "aria-label": "Logs of all nodes, scroll sideways" }, this.inner);
    this.el = h("div", { class: "logs" }, this.scroller);
    this.scroller.addEventListener("scroll", () => {
      const s = this.scroller;
      this.scrollX = s.scrollLeft;
      if (this.programmaticScroll) {
        this.programmaticScroll = false;
        return;
      }
      this.follow = s.scrollLeft + s.clientWidth >= s.scrollWidth - COL_W;
    });
    new ResizeObserver(() => {
      this.viewW = this.scroller.clientWidth || this.viewW;
    }).observe(this.scroller);
  }

  /** Highlight the entries (and rows) a safety violation involves; null: none. */
  setViolation(v: { nodes: number[]; indices: number[] } | null): void {
    this.violation = v ? { nodes: new Set(v.nodes), indices: new Set(v.indices) } : null;
  }

  reset(): void {
    this.inner.replaceChildren();
    this.rows = [];
    this.follow = true;
  }

  render(state: ClusterState, sel: Selection): void {
    const nodes = state.nodes;
    if (nodes.length !== this.rows.length) this.build(nodes.length);

    // Column 0 is index `first`: the lowest snapshot boundary (its block) or index 1.
    let base = Infinity;
    let last = 0;
    for (const nd of nodes) {
      base = Math.min(base, nd.snapshotIndex);
      last = Math.max(last, nd.snapshotIndex + nd.log.length);
    }
    const first = base > 0 ? base : 1;
    const width = HEAD_W + Math.max(1, last - first + 1) * COL_W + NEXT_ROOM;

    const viewW = this.viewW;
    const scrollLeft = this.follow ? Math.max(0, width - viewW) : this.scrollX;
    const firstVisible = Math.max(0, Math.floor(scrollLeft / COL_W) - OVERSCAN);
    const lastVisible = Math.ceil((scrollLeft + viewW - HEAD_W) / COL_W) + OVERSCAN;
    const lo = first + firstVisible;
    const hi = first + lastVisible;

    const widthPx = `${width}px`;
    if (this.inner.style.width !== widthPx) this.inner.style.width = widthPx;

    let leader: NodeView | null = null;
    for (const nd of nodes) {
      if (nd.alive && nd.role === "leader" && (!leader || nd.term > leader.term)) leader = nd;
    }
    const selNode = selectedNode(sel);
    for (const nd of nodes) {
      const row = this.rows[nd.id - 1];
      if (row) this.renderRow(row, nd, first, lo, hi, leader, selNode === nd.id);
    }

    this.pendingScroll = this.follow && Math.abs(this.scrollX - scrollLeft) > 1 ? scrollLeft : null;
  }

  /** Applies the scroll that keeps the newest entries in view. Called at the start of a
   * frame, before anything is written: the layout is clean then, so scrolling costs nothing
   * (setting scrollLeft after changing the DOM would force a layout of the whole page). */
  applyScroll(): void {
    if (this.pendingScroll === null) return;
    this.programmaticScroll = true;
    this.scroller.scrollLeft = this.pendingScroll;
    this.scrollX = this.pendingScroll;
    this.pendingScroll = null;
  }

  private build(n: number): void {
    this.reset();
    for (let id = 1; id <= n; id++) {
      const badge = h("span", { class: "role-badge" });
      const title = h("span", { class: "row-title" });
      const nameBtn = h(
        "button",
        { type: "button", class: "row-name", title: `Actions on ${nodeName(id)}` },
        badge,
        h("strong", {}, nodeName(id)),
      );
      nameBtn.addEventListener("click", () => this.onSelectNode(id));
      const stats = h("div", { class: "row-stats" });
      const head = h("div", { class: "log-head" }, h("div", { class: "row-line" }, nameBtn, title), stats);
      const snapLabel = h("span", { class: "snap-label" });
      const snap = h("div", { class: "snapshot", hidden: true }, snapLabel);
      const next = h("div", { class: "marker next", hidden: true }, "▼");
      const match = h("div", { class: "marker match", hidden: true }, "▲");
      const track = h("div", { class: "log-track" }, snap, next, match);
      const el = h("div", { class: "log-row", "data-log-node": id }, head, track);
      this.inner.append(el);
      this.rows.push({ id, el, head, badge, title, stats, track, snap, snapLabel, next, match, entries: new Map() });
    }
  }

  private renderRow(
    row: Row,
    nd: NodeView,
    first: number,
    lo: number,
    hi: number,
    leader: NodeView | null,
    selected: boolean,
  ): void {
    const x = (index: number) => (index - first) * COL_W;
    setAttr(row.el, "data-commit-index", nd.commitIndex);
    setAttr(row.el, "data-last-applied", nd.lastApplied);
    setAttr(row.el, "data-snapshot-index", nd.snapshotIndex);
    setAttr(row.el, "data-snapshot-term", nd.snapshotTerm);
    toggleClass(row.el, "crashed", !nd.alive);
    toggleClass(row.el, "selected", selected);
    setAttr(row.el, "data-violation", String(this.violation?.nodes.has(nd.id) ?? false));
    setAttr(row.badge, "data-role", nd.alive ? nd.role : "crashed");
    setText(row.badge, !nd.alive ? "✕" : nd.role === "leader" ? "L" : nd.role === "candidate" ? "C" : "F");
    setText(row.title, `term ${nd.term}${nd.connected ? "" : " · cut off"}`);
    setText(row.stats, `commitIndex ${nd.commitIndex}\nlastApplied ${nd.lastApplied}`);
    setAttr(
      row.head,
      "title",
      `${nodeName(nd.id)}: ${nd.alive ? nd.role : `crashed (was ${nd.role})`}, term ${nd.term}, votedFor ${nd.votedFor === null ? "—" : nodeName(nd.votedFor)}, commitIndex ${nd.commitIndex}, lastApplied ${nd.lastApplied}`,
    );

    // Snapshot block: indices first..snapshotIndex.
    if (nd.snapshotIndex > 0) {
      row.snap.hidden = false;
      const spanCols = nd.snapshotIndex - first + 1;
      const w = `${spanCols * COL_W - 6}px`;
      if (row.snap.style.width !== w) row.snap.style.width = w;
      // Short, and at the block's right end (what stays in view when the log scrolls on).
      const narrow = spanCols < 3;
      setText(row.snapLabel, narrow ? `≤${nd.snapshotIndex}\nT${nd.snapshotTerm}` : `≤${nd.snapshotIndex} · T${nd.snapshotTerm}`);
      setAttr(row.snap, "title", `Snapshot: entries 1..${nd.snapshotIndex} compacted (lastIncludedIndex ${nd.snapshotIndex}, lastIncludedTerm ${nd.snapshotTerm})`);
      toggleClass(row.snap, "narrow", narrow);
    } else {
      row.snap.hidden = true;
    }

    // Entries in view.
    const from = Math.max(lo, nd.snapshotIndex + 1);
    const to = Math.min(hi, nd.snapshotIndex + nd.log.length);
    for (const [index, el] of row.entries) {
      if (index < from || index > to) {
        el.remove();
        row.entries.delete(index);
      }
    }
    for (let index = from; index <= to; index++) {
      const entry = nd.log[index - nd.snapshotIndex - 1];
      if (!entry) continue;
      let el = row.entries.get(index);
      if (!el) {
        el = this.createEntry(entry);
        row.track.append(el);
        row.entries.set(index, el);
      }
      const left = `${x(index)}px`;
      if (el.style.left !== left) el.style.left = left;
      this.updateEntry(el, entry, nd, leader);
    }

    // The leader's view of this node.
    const li = leader && leader.id !== nd.id ? leader.id - 1 : -1;
    const nextI = li >= 0 ? leader?.nextIndex?.[nd.id - 1] : undefined;
    const matchI = li >= 0 ? leader?.matchIndex?.[nd.id - 1] : undefined;
    this.marker(row.next, nextI, first, `leader ${leader ? nodeName(leader.id) : ""}: nextIndex[${nodeName(nd.id)}] = ${nextI}`);
    this.marker(row.match, matchI, first, `leader ${leader ? nodeName(leader.id) : ""}: matchIndex[${nodeName(nd.id)}] = ${matchI}`);
  }

  private marker(el: HTMLElement, index: number | undefined, first: number, title: string): void {
    if (index === undefined) {
      el.hidden = true;
      return;
    }
    el.hidden = false;
    const left = `${Math.max(0, index - first) * COL_W}px`;
    if (el.style.left !== left) el.style.left = left;
    const name = el.classList.contains("next") ? "▼ nextIndex" : "▲ matchIndex";
    setText(el, name);
    setAttr(el, "title", title);
  }

  private createEntry(entry: LogEntryView): HTMLElement {
    const el = h(
      "div",
      { class: "entry", "data-index": entry.index },
      h("span", { class: "e-index" }),
      h("span", { class: "e-term" }),
      h("span", { class: "e-cmd" }),
    );
    return el;
  }

  private updateEntry(el: HTMLElement, entry: LogEntryView, nd: NodeView, leader: NodeView | null): void {
    const committed = entry.index <= nd.commitIndex;
    // Above commitIndex and older than the leader's term: it waits for an entry of the
    // leader's own term (a leader commits by counting replicas only those: Figure 8, §5.4.2).
    const waits = !committed && leader !== null && entry.term < leader.term;
    const involved = this.violation !== null && this.violation.nodes.has(nd.id) && this.violation.indices.has(entry.index);
    setAttr(el, "data-waits-current-term", String(waits));
    setAttr(el, "data-violation", String(involved));
    const applied = entry.index <= nd.lastApplied;
    if (el.getAttribute("data-term") !== String(entry.term) || el.dataset["cmd"] !== entry.command) {
      setAttr(el, "data-term", entry.term);
      el.dataset["cmd"] = entry.command;
      el.style.setProperty("--fill", termFill(entry.term));
      el.style.setProperty("--ink", termInk(entry.term));
      setText(el.children[0]!, String(entry.index));
      setText(el.children[1]!, `T${entry.term}`);
      setText(el.children[2]!, entry.command);
    }
    setAttr(el, "data-committed", String(committed));
    setAttr(el, "data-applied", String(applied));
    setAttr(
      el,
      "title",
      `index ${entry.index}, term ${entry.term}: ${entry.command}\n${committed ? "committed" : "not committed"}${applied ? ", applied" : ""}${
        waits
          ? `\nWaits for an entry of leader ${nodeName(leader!.id)}'s own term ${leader!.term}: a leader commits by counting replicas only entries of its own term, and this term-${entry.term} entry is committed with the first of them (Figure 8, §5.4.2). Stored on a majority is not enough: a later leader could still overwrite it.`
          : ""
      }${involved ? "\nInvolved in the safety violation shown." : ""}`,
    );
  }
}
