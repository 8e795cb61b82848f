// The event log: the cluster's events() narrated one sentence per line, newest first, bounded
// to a few hundred lines. Dropped messages are left out unless asked for (under loss they
// would flood it).
import type { ClusterEvent, EventKind } from "./api";
import { fmtTime, h, nodeName, uid } from "./dom";

/** Lines the event strip keeps (the newest; older ones are removed). */
export const EVENT_LINES_MAX = 150;

const KIND_LABEL: Record<EventKind, string> = {
  electionStarted: "election",
  voteGranted: "vote",
  voteRefused: "no vote",
  becameLeader: "leader",
  steppedDown: "step down",
  commit: "commit",
  snapshot: "snapshot",
  installSnapshot: "install",
  truncate: "delete",
  crash: "crash",
  restart: "restart",
  disconnect: "disconnect",
  connect: "reconnect",
  partition: "partition",
  heal: "heal",
  messageDropped: "drop",
  request: "request",
  rule: "rule",
  timers: "timers",
  appendEntriesRefused: "refused",
};

export class EventLog {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly showDrops: HTMLInputElement;
  private count = 0;

  constructor() {
    this.list = h("ol", { class: "event-list", "aria-label": "Events, newest first", "aria-live": "off", tabindex: 0 });
    this.showDrops = h("input", { type: "checkbox" });
    this.showDrops.addEventListener("change", () => {
      this.list.classList.toggle("hide-drops", !this.showDrops.checked);
    });
    this.list.classList.add("hide-drops");
    const title = uid("events-title");
    this.el = h(
      "div",
      { class: "panel events", role: "group", "aria-labelledby": title },
      h(
        "div",
        { class: "panel-head" },
        h("h2", { id: title }, "Events"),
        h("label", { class: "inline" }, this.showDrops, " Show dropped messages"),
      ),
      this.list,
    );
  }

  clear(): void {
    this.list.replaceChildren();
    this.count = 0;
  }

  /** Adds a batch of new events (oldest first, as events() returns them). */
  add(events: readonly ClusterEvent[]): void {
    // (drops are filtered here, not hidden: hidden lines would push the others out)
    if (!this.showDrops.checked) events = events.filter((e) => e.kind !== "messageDropped");
    if (events.length === 0) return;
    const batch = events.length > EVENT_LINES_MAX ? events.slice(events.length - EVENT_LINES_MAX) : events;
    const frag = document.createDocumentFragment();
    for (let i = batch.length - 1; i >= 0; i--) frag.append(this.line(batch[i]!));
    this.list.prepend(frag);
    this.count += batch.length;
    while (this.count > EVENT_LINES_MAX && this.list.lastElementChild) {
      this.list.lastElementChild.remove();
      this.count--;
    }
  }

  private line(ev: ClusterEvent): HTMLLIElement {
    const about = ev.node !== null ? nodeName(ev.node) : "";
    return h(
      "li",
      { class: `ev ev-${ev.kind}`, "data-kind": ev.kind },
      h("time", {}, fmtTime(ev.timeMs)),
      h("span", { class: "ev-kind", title: ev.kind }, KIND_LABEL[ev.kind] ?? ev.kind),
      h("span", { class: "ev-node" }, about),
      h("span", { class: "ev-text" }, ev.text),
    );
  }
}

/** Keeps only the events not seen before. events() is expected to hand out each event once;
 * should it ever return events again, those already shown (same time, kind and text) are
 * skipped rather than repeated. Events arrive in time order. */
export class EventFeed {
  private lastTime = -Infinity;
  private seenAtLast = new Map<string, number>();

  reset(): void {
    this.lastTime = -Infinity;
    this.seenAtLast.clear();
  }

  fresh(events: readonly ClusterEvent[]): ClusterEvent[] {
    const out: ClusterEvent[] = [];
    const budget = new Map(this.seenAtLast);
    for (const ev of events) {
      if (ev.timeMs < this.lastTime) continue;
      const key = `${ev.kind}|${ev.node}|${ev.text}`;
      if (ev.timeMs === this.lastTime) {
        const left = budget.get(key) ?? 0;
        if (left > 0) {
          budget.set(key, left - 1);
          continue;
        }
      } else {
        this.lastTime = ev.timeMs;
        this.seenAtLast.clear();
        budget.clear();
      }
      this.seenAtLast.set(key, (this.seenAtLast.get(key) ?? 0) + 1);
      out.push(ev);
    }
    return out;
  }
}
