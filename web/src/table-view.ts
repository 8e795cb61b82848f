// The cluster as a table: one row per node with the Raft paper's names, for screen readers
// and for anyone who prefers numbers to the ring. Rendered only while shown.
import type { ClusterState, NodeView } from "./api";
import { shownState } from "./details";
import { h, nodeName, setText } from "./dom";

const COLUMNS: [string, (n: NodeView) => string][] = [
  ["node", (n) => nodeName(n.id)],
  ["state", (n) => shownState(n)],
  ["currentTerm", (n) => String(n.term)],
  ["votedFor", (n) => (n.votedFor === null ? "—" : nodeName(n.votedFor))],
  ["last log index", (n) => String(n.lastLogIndex)],
  ["commitIndex", (n) => String(n.commitIndex)],
  ["lastApplied", (n) => String(n.lastApplied)],
  ["lastIncludedIndex", (n) => String(n.snapshotIndex)],
  ["network", (n) => (n.connected ? "connected" : "cut off")],
];

export class TableView {
  readonly el: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private cells: HTMLElement[][] = [];

  constructor() {
    this.body = h("tbody");
    this.el = h(
      "div",
      { class: "table-view", hidden: true, tabindex: 0 },
      h(
        "table",
        { class: "nodes-table" },
        h("caption", {}, "The cluster as a table"),
        h("thead", {}, h("tr", {}, ...COLUMNS.map(([name]) => h("th", { scope: "col" }, name)))),
        this.body,
      ),
    );
  }

  get shown(): boolean {
    return !this.el.hidden;
  }

  render(state: ClusterState): void {
    if (this.el.hidden) return;
    if (this.cells.length !== state.nodes.length) {
      this.cells = state.nodes.map(() => COLUMNS.map((_, i) => (i === 0 ? h("th", { scope: "row" }) : h("td"))));
      this.body.replaceChildren(...this.cells.map((row) => h("tr", {}, ...row)));
    }
    state.nodes.forEach((n, r) => COLUMNS.forEach(([, f], c) => setText(this.cells[r]![c]!, f(n))));
  }
}
