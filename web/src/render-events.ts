// The event log: the cluster's events narrated one sentence per line, newest first, bounded
// to EVENT_LINES_MAX lines. What it shows comes from Rust: after a jump (a seek, a step, a
// new cluster) the lines up to the moment shown (`recentEvents()`), then each frame's new
// events (`events()`, each handed out once). Dropped messages are left out unless asked for
// (under loss they would flood it).
import type { ClusterEvent, EventKind } from "./api";
import { fmtTime, h, nodeName, uid } from "./dom";
import type { Frame, FrameView } from "./frame";

/** Lines the event strip keeps (the newest; older ones are removed): as many as the Cluster
 * keeps for the moment shown (`recentEvents()`: Rust's RECENT_EVENTS_MAX, via limits.ts). */
import { RECENT_EVENTS_MAX } from "./limits";
export const EVENT_LINES_MAX = RECENT_EVENTS_MAX;

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

export class EventLog implements FrameView {
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
      // The list fills a box of its own, out of the panel's flex flow: a flex item cannot
      // be laid out apart from its container, the list placed in its box can (events.css),
      // so the lines it gains every frame under load lay out the list, not the page.
      h("div", { class: "event-list-box" }, this.list),
    );
  }

  clear(): void {
    this.list.replaceChildren();
    this.count = 0;
  }

  /** The lines up to the moment shown, from the Cluster. */
  replace(events: readonly ClusterEvent[]): void {
    this.clear();
    this.add(events);
  }

  render(f: Frame): void {
    if (f.jumped) this.replace(f.c.recentEvents());
    else this.add(f.events);
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

