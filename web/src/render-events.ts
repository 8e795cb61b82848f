// The event log: the cluster's events narrated one sentence per line, newest first, bounded
// to EVENT_LINES_MAX lines. What it shows comes from Rust: after a jump (a seek, a step, a
// new cluster) the lines up to the moment shown (`recentEvents()`), then each frame's new
// events (`events()`, each handed out once), drawn when the frame draws the event log
// (Frame.drawEvents: while playing at most every PANELS_FRAME_MS_MIN). Dropped messages are left
// out unless asked for (under loss they would flood it). While the list follows the newest
// (scrolled to its top, neither pointed at nor focused) only the lines that can be in its box
// are drawn (the others are `out`, not displayed): a line added at the top moves every line
// below it, and each moved line is painted again (measure.mjs three: most of the event log's
// cost under a client load). Pointing at it, focusing it or scrolling it draws them all.
import type { ClusterEvent, EventKind } from "./api";
import { fmtTime, h, nodeName, uid } from "./dom";
import type { Frame, FrameView } from "./frame";

/** Lines the event strip keeps (the newest; older ones are removed): as many as the Cluster
 * keeps for the moment shown (`recentEvents()`: Rust's RECENT_EVENTS_MAX, via limits.ts). */
import { RECENT_EVENTS_MAX } from "./limits";
export const EVENT_LINES_MAX = RECENT_EVENTS_MAX;
/** The least height (px) a line takes (one line of text): the box holds at most its height
 * over this many lines, so drawing that many while following draws every line in view. */
const LINE_PX_MIN = 18;

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
  /** Events handed out since the panel was last drawn (oldest first), at most EVENT_LINES_MAX. */
  private pending: ClusterEvent[] = [];
  /** Lines that can be in the box at once (from its height), and the list's first lines that
   * are drawn while it follows (the rest are `out`). */
  private linesInView = 40;
  /** The list is pointed at, holds the focus, is scrolled from its top: its lines are all
   * drawn then. */
  private readonly inUse = { pointer: false, focus: false, scroll: false };

  constructor() {
    this.list = h("ol", { class: "event-list following", "aria-label": "Events, newest first", "aria-live": "off", tabindex: 0 });
    this.showDrops = h("input", { type: "checkbox" });
    this.showDrops.addEventListener("change", () => {
      this.list.classList.toggle("hide-drops", !this.showDrops.checked);
    });
    this.list.classList.add("hide-drops");
    const use = (how: keyof EventLog["inUse"], on: () => boolean) => () => {
      this.inUse[how] = on();
      this.list.classList.toggle("following", !this.inUse.pointer && !this.inUse.focus && !this.inUse.scroll);
    };
    this.list.addEventListener("pointerenter", use("pointer", () => true));
    this.list.addEventListener("pointerleave", use("pointer", () => false));
    this.list.addEventListener("focusin", use("focus", () => true));
    this.list.addEventListener("focusout", use("focus", () => false));
    this.list.addEventListener("scroll", use("scroll", () => this.list.scrollTop > 0));
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
    new ResizeObserver((entries) => {
      const height = entries[entries.length - 1]?.contentRect.height ?? 0;
      const lines = Math.max(1, Math.ceil(height / LINE_PX_MIN) + 1);
      if (lines === this.linesInView) return;
      this.linesInView = lines;
      this.fold();
    }).observe(this.list);
  }

  /** Marks the lines past the first linesInView `out` and the others not (after a resize or
   * a replace; `add` marks only the lines it pushes past). */
  private fold(): void {
    let i = 0;
    for (const li of this.list.children) li.classList.toggle("out", i++ >= this.linesInView);
  }

  clear(): void {
    this.list.replaceChildren();
    this.count = 0;
    this.pending = [];
  }

  /** The lines up to the moment shown, from the Cluster. */
  replace(events: readonly ClusterEvent[]): void {
    this.clear();
    this.add(events);
  }

  render(f: Frame): void {
    if (f.jumped) {
      this.replace(f.c.recentEvents());
      return;
    }
    if (f.events.length > 0) {
      this.pending.push(...f.events);
      if (this.pending.length > EVENT_LINES_MAX) this.pending.splice(0, this.pending.length - EVENT_LINES_MAX);
    }
    if (!f.drawEvents || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.add(batch);
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
    // The lines this batch puts past the view: those it pushed there and, when it is longer
    // than the view, its own (a line further down was past it before).
    const lines = this.list.children;
    for (let i = this.linesInView; i < Math.min(lines.length, this.linesInView + batch.length); i++) lines[i]!.classList.add("out");
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

