// The timeline: a slider over the run's virtual time (its value is the moment shown), buttons
// to step one event back or forward, and markers for elections, crashes, partitions and
// actions. Everything it shows comes from the Cluster (`timeline()`, `nowMs`, `endMs`); it
// keeps no history. Markers are drawn once per change in the run's own milliseconds, inside
// one group; each frame only that group's transform follows the run's growing end (no
// per-marker work, no styles; the SVG's own viewBox stays, so a frame lays out the markers'
// SVG alone, never the page: timeline.css).
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
    this.shownMarkers = 0;
    this.markGroup.replaceChildren();
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
    setAttr(this.markGroup, "transform", `scale(${MARKS_VIEW_UNITS / Math.max(1, end - start)},1) translate(${-start},0)`);
    if (c.timelineVersion !== this.version) {
      this.version = c.timelineVersion;
      // Markers only grow at the end unless the run forked: then redraw them all. Only the
      // markers not drawn yet are asked for.
      if (c.forks !== this.forks) {
        this.forks = c.forks;
        this.markGroup.replaceChildren();
        this.shownMarkers = 0;
      }
      let t = c.timelineFrom(this.shownMarkers);
      if (t.markersFrom < this.shownMarkers) {
        // Fewer markers than drawn (the future dropped): all of them again.
        this.markGroup.replaceChildren();
        this.shownMarkers = 0;
        t = c.timeline();
      }
      this.drawMarkers(t);
    }
  }

  private drawMarkers(t: TimelineView): void {
    for (const m of t.markers) {
      const [y1, y2] = MARKER_Y[m.kind] ?? [0, 10];
      this.markGroup.append(
        s(
          "line",
          { class: `mark mark-${m.kind}`, "data-kind": m.kind, "data-time-ms": m.timeMs, x1: m.timeMs, x2: m.timeMs, y1, y2, "vector-effect": "non-scaling-stroke" },
          s("title", {}, `${fmtTime(m.timeMs)}: ${m.label}`),
        ),
      );
    }
    this.shownMarkers = t.markersFrom + t.markers.length;
    // Reaching the markers' maximum is said, not hidden.
    setAttr(this.el, "title", t.markersOmitted > 0 ? `${this.shownMarkers} markers shown; ${t.markersOmitted} later ones are not (at most ${this.shownMarkers})` : null);
  }
}

/** The moment shown and the newest event there, as the event log's top line says it. */
function landedOn(c: ClusterApi): string {
  const recent: ClusterEvent[] = c.recentEvents();
  const ev = recent[recent.length - 1];
  return ev ? `${fmtTime(c.nowMs)}: ${ev.text}` : `${fmtTime(c.nowMs)} (the run's start).`;
}
