// The timeline: a slider over the run's virtual time (its value is the moment shown), buttons
// to step one event back or forward, and markers for elections, crashes, partitions and
// actions. Everything it shows comes from the Cluster (`timeline()`, `nowMs`, `endMs`); it
// keeps no history. Markers are drawn once per change in the run's own milliseconds, one
// path per kind inside one group; only that group's transform follows the run's growing end,
// written when the newest marker would lag by MARKS_LAG_UNITS_MAX (no per-marker work, no
// styles; the SVG's own viewBox stays, so it lays out the markers' SVG alone, never the page:
// timeline.css).
// The slider keeps its width wherever the moment is: the time beside it has a fixed width and
// "in the past" is said on its second line, never in the slider's room. Dragging the thumb
// seeks at every move; a click on the track seeks there (the range input's own behaviour,
// kept by not moving the thumb under the pointer). Step back / Step forward say the event
// they land on, as the event log's newest line says it.
import type { ClusterApi, ClusterEvent, TimelineView } from "./api";
import { fmtTime, h, s, setAttr, setText } from "./dom";

export interface TimelineHost {
  /** Runs fn on the current cluster; a returned string is shown as information, a thrown
   * error as an error. */
  act(what: string, fn: (c: ClusterApi) => string | void): boolean;
  /** Stepping pauses the clock. */
  pause(): void;
  /** The absolute URL that opens link text `text` on this page. */
  linkUrl(text: string): string;
}

/** Width of the markers' viewBox (any: the group's transform scales the run onto it). */
const MARKS_VIEW_UNITS = 1000;
/** How far (in viewBox units, about a pixel: the track is at most about as wide) the newest
 * marker may lag behind where the run's growing end puts it before the markers' transform is
 * written again. Writing it re-lays out and repaints every marker (up to the markers'
 * maximum), so it is written when they would move visibly, not every frame. */
export const MARKS_LAG_UNITS_MAX = 1;

/** Markers one path holds: a new marker rewrites its path's `d`, which the browser parses
 * again whole, so a long run's markers (up to the markers' maximum) are a few paths a kind,
 * not one that grows with the run. */
const MARKS_PER_PATH_MAX = 200;

const MARKER_Y: Record<string, [number, number]> = {
  action: [0, 10],
  election: [0, 4],
  crash: [6, 10],
  partition: [3, 7],
};

export class TimelineBar {
  readonly el: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly marks: SVGSVGElement;
  /** The markers, in the run's ms; its transform maps startMs..endMs onto the viewBox. */
  private readonly markGroup: SVGGElement;
  private readonly out: HTMLOutputElement;
  private readonly outTime: HTMLElement;
  private readonly outPast: HTMLElement;
  private readonly link: HTMLInputElement;
  private version = -1;
  private forks = 0;
  private shownMarkers = 0;
  /** Per kind, the path markers are added to and how many it holds (at most
   * MARKS_PER_PATH_MAX; then a new one is started). */
  private readonly markPaths = new Map<string, { path: SVGPathElement; count: number }>();
  /** The run's start and end the markers' transform was last written for. */
  private drawnStart = NaN;
  private drawnEnd = NaN;
  /** Times the markers' transform was written (for tests: not every frame). */
  transformWrites = 0;

  constructor(private readonly host: TimelineHost) {
    this.slider = h("input", { type: "range", min: 0, max: 0, step: 1, value: 0, "aria-label": "Timeline" });
    const seek = (): void => {
      const ms = Number(this.slider.value);
      this.host.act("Timeline", (c) => c.seek(ms));
    };
    this.slider.addEventListener("input", seek);
    this.slider.addEventListener("change", seek);
    this.markGroup = s("g", { class: "timeline-mark-group" });
    this.marks = s("svg", { class: "timeline-marks", viewBox: `0 0 ${MARKS_VIEW_UNITS} 10`, preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false" }, this.markGroup);
    const back = h("button", { type: "button", title: "Go back to just before the last event shown" }, "Step back");
    back.addEventListener("click", () => {
      this.host.pause();
      this.host.act("Step back", (c) => (c.stepBack() ? `Stepped back to ${landedOn(c)}` : "At the start of the run: nothing happened before."));
    });
    const forward = h("button", { type: "button", title: "Go on to just after the next event" }, "Step forward");
    forward.addEventListener("click", () => {
      this.host.pause();
      this.host.act("Step forward", (c) => (c.stepForward() ? `Stepped forward to ${landedOn(c)}` : "Nothing more happens."));
    });
    this.outTime = h("span", { class: "timeline-time" });
    this.outPast = h("span", { class: "timeline-past" });
    this.out = h("output", { class: "timeline-out" }, this.outTime, this.outPast);
    this.link = h("input", { type: "text", readonly: true, "aria-label": "Link", class: "timeline-link", hidden: true, spellcheck: "false" });
    const copy = h("button", { type: "button", title: "A link to this run at the moment shown" }, "Copy link");
    copy.addEventListener("click", () => this.copyLink());
    this.el = h(
      "div",
      { class: "timeline", role: "group", "aria-label": "Time travel" },
      back,
      h("div", { class: "timeline-track" }, this.marks, this.slider),
      forward,
      this.out,
      copy,
      this.link,
    );
  }

  private copyLink(): void {
    this.host.act("Copy link", (c) => {
      const url = this.host.linkUrl(c.link());
      this.link.value = url;
      this.link.hidden = false;
      this.link.select();
      const at = fmtTime(c.nowMs);
      // The clipboard may be refused (permissions, an insecure page): the field holds it anyway.
      navigator.clipboard?.writeText(url).catch(() => undefined);
      return `A link to this run at ${at} (${url.length} characters) is in the Link field and, where the browser allows, on the clipboard.`;
    });
  }

  /** A new cluster: markers are drawn afresh. */
  reset(): void {
    this.link.hidden = true;
    this.link.value = "";
    this.version = -1;
    this.forks = -1;
    this.drawnStart = NaN;
    this.clearMarkers();
  }

  /** Once per frame: the thumb at the moment shown, the viewBox over the run. */
  sync(c: ClusterApi, nowMs: number): void {
    const start = c.startMs;
    const end = c.endMs;
    setAttr(this.slider, "min", start);
    setAttr(this.slider, "max", end);
    if (this.slider.value !== String(nowMs)) this.slider.value = String(nowMs);
    const past = nowMs < end;
    setAttr(this.slider, "aria-valuetext", `${fmtTime(nowMs)} of ${fmtTime(end)}${past ? ", in the past" : ""}`);
    setText(this.outTime, `${fmtTime(nowMs)} of ${fmtTime(end)}`);
    setText(this.outPast, past ? "in the past" : "at the end");
    setAttr(this.out, "title", past ? "In the past: acting here forks the run (its later actions are dropped)" : "At the end of the run: playing goes on from here");
    setAttr(this.el, "data-past", String(past));
    // A marker at t moves by (t - start) * (end - drawnEnd) / (end - start)² of the width when
    // the end grows: at most (end - drawnEnd) / (end - start), the newest one's lag.
    const span = Math.max(1, end - start);
    if (start !== this.drawnStart || end < this.drawnEnd || ((end - this.drawnEnd) * MARKS_VIEW_UNITS) / span >= MARKS_LAG_UNITS_MAX) {
      this.drawnStart = start;
      this.drawnEnd = end;
      this.transformWrites++;
      setAttr(this.markGroup, "transform", `scale(${MARKS_VIEW_UNITS / span},1) translate(${-start},0)`);
    }
    if (c.timelineVersion !== this.version) {
      this.version = c.timelineVersion;
      // Markers only grow at the end unless the run forked: then redraw them all. Only the
      // markers not drawn yet are asked for.
      if (c.forks !== this.forks) {
        this.forks = c.forks;
        this.clearMarkers();
      }
      let t = c.timelineFrom(this.shownMarkers);
      if (t.markersFrom < this.shownMarkers) {
        // Fewer markers than drawn (the future dropped): all of them again.
        this.clearMarkers();
        t = c.timeline();
      }
      this.drawMarkers(t);
    }
  }

  private drawMarkers(t: TimelineView): void {
    // A few paths per kind (a vertical stroke per marker): a frame that rescales them repaints
    // a handful of paths, not one element per marker (up to the markers' maximum).
    const added = new Map<SVGPathElement, string>();
    for (const m of t.markers) {
      const [y1, y2] = MARKER_Y[m.kind] ?? [0, 10];
      let at = this.markPaths.get(m.kind);
      if (!at || at.count >= MARKS_PER_PATH_MAX) {
        at = { path: s("path", { class: `mark mark-${m.kind}`, "data-kind": m.kind, "vector-effect": "non-scaling-stroke", d: "" }), count: 0 };
        this.markPaths.set(m.kind, at);
        this.markGroup.append(at.path);
      }
      at.count++;
      added.set(at.path, `${added.get(at.path) ?? ""}M${m.timeMs} ${y1}V${y2}`);
    }
    for (const [path, d] of added) path.setAttribute("d", (path.getAttribute("d") ?? "") + d);
    this.shownMarkers = t.markersFrom + t.markers.length;
    // Reaching the markers' maximum is said, not hidden.
    setAttr(this.el, "title", t.markersOmitted > 0 ? `${this.shownMarkers} markers shown; ${t.markersOmitted} later ones are not (at most ${this.shownMarkers})` : null);
  }

  private clearMarkers(): void {
    this.markGroup.replaceChildren();
    this.markPaths.clear();
    this.shownMarkers = 0;
  }
}

/** The moment shown and the newest event there, as the event log's top line says it. */
function landedOn(c: ClusterApi): string {
  const recent: ClusterEvent[] = c.recentEvents();
  const ev = recent[recent.length - 1];
  return ev ? `${fmtTime(c.nowMs)}: ${ev.text}` : `${fmtTime(c.nowMs)} (the run's start).`;
}
