// The cluster drawn as a ring of nodes (SVG), with the messages in flight moving between them.
//
// Each node is a <g data-node-id data-role data-term data-alive data-connected>: its body is
// filled with its term's colour, the role is shown by a letter badge (L / C / F), a crown for
// the leader and a dashed outline for a candidate; a crashed node is grey with a red cross, a
// cut-off node has a red dotted halo and says so. data-role is the role the session view
// decided (`shownRole`): a crown only for a live leader of the newest live term that reaches a
// majority; a stale leader (a lower term, or cut off) has a hollow grey crown and says "stale
// leader"; a crashed node has none. The arc around a node is its election timer.
// Messages sit at progress (now - sentMs) / (deliverMs - sentMs) on the way from sender to
// receiver; requests and replies travel on either side of the line so they never overlap.
// Messages on one link that overlap are drawn as one mark with a count (×3), and a link
// shows at most LINK_MARKS_MAX marks (the last one counts the rest). A mark passing over a
// node's text (its name, "term N", the lines below it) fades (class under-text), so a busy
// run never hides what a node says. Dropped messages flash a
// red ✗ for a moment, placed from the event's sender and receiver (never from its text).
import type { ClusterEvent, ClusterState, MessageView, NodeView } from "./api";
import { GROUP_COLORS, termFill } from "./colors";
import { h, nodeName, s, setAttr, setText, toggleClass } from "./dom";
import { entriesLabel, messageShape, replyMark, styleKey } from "./message-style";
import { type Selection, selectedMessage, selectedNode } from "./selection";

const VIEW = 330; // the viewBox is -VIEW..VIEW in both directions
/** Width (and height) of the ring's viewBox, in its own units. */
export const RING_VIEW_UNITS = 2 * VIEW;
const RING_R = 232;
/** In lecture mode a cut-off node this far down the ring (its y over RING_R) says "cut off"
 * above its circle: its large text leaves no room for a third line below it. */
const CUT_ABOVE_Y_MIN = 0.6 * RING_R;
/** ...written towards the ring's vertical middle when the node is this many of its radii
 * from it (room for the text before the middle), else centred. */
const CUT_INWARD_X_MIN_R = 2.4;
const LANE = 6; // messages keep this far to the right of the line between two nodes
const DROP_SHOW_MS = 1400; // real ms a drop marker stays
const MAX_DROP_MARKS = 40;
/** Hidden message marks kept for reuse (RingView.spares), over all styles. */
const SPARE_MARKS_MAX = 64;
/** Marks one link (sender → receiver) shows at most; the last one counts the rest. */
export const LINK_MARKS_MAX = 4;
/** Messages closer than this (viewBox units along the link) are one mark. */
const OVERLAP_UNITS = 22;
/** How far around a node's text (viewBox units) a mark's centre fades: what a mark covers
 * from its centre, its shape (at most 12), a count such as ×33 (about 22 either side) and a
 * reply's ✓ / ✗ (up to 24 to the right and 21 above, ring.css .msg-mark). */
const TEXT_CLEAR_X = 26;
const TEXT_CLEAR_Y = 22;

/** A box in the ring's units. */
interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface Point {
  x: number;
  y: number;
}

interface NodeEls {
  g: SVGGElement;
  halo: SVGCircleElement;
  track: SVGCircleElement;
  arc: SVGCircleElement;
  body: SVGCircleElement;
  name: SVGTextElement;
  term: SVGTextElement;
  badge: SVGGElement;
  badgeText: SVGTextElement;
  crown: SVGPathElement;
  cross: SVGGElement;
  sub: SVGTextElement;
  cut: SVGTextElement;
  title: SVGTitleElement;
  /** The body's fill as last set (termFill), "" for none. */
  fill: string;
  /** What the node says, as last drawn (unchanged: not touched), and its timer's arc. */
  key: string;
  arcDash: string;
  late: boolean;
  timerShown: boolean;
}

interface MsgEls {
  g: SVGGElement;
  tail: SVGLineElement;
  mark: SVGTextElement;
  label: SVGTextElement;
  count: SVGTextElement;
  last: MessageView;
  at: Point;
  /** Distance along its link this frame (for grouping). */
  along: number;
  /** The aria-label of the message alone. */
  name: string;
  /** Its style (styleKey): which shape it holds, so which spares it can be taken from. */
  key: string;
  /** What was last written for it (a mark moves every frame: only what changed is written,
   * and nothing is read back from the DOM): its transform, the message its tail points for,
   * the size of its group as said (1: alone), grouped under another mark, over a node's text,
   * selected. */
  drawn: { transform: string; tailFor: number; count: number; grouped: boolean; underText: boolean; selected: boolean };
}

/** A mark's written state as made or taken for a message: alone (its name written), nothing
 * placed yet. */
const UNDRAWN = { transform: "", tailFor: -1, count: 1, grouped: false, underText: false, selected: false };

interface DropMark {
  g: SVGGElement;
  born: number;
  at: Point;
}

export interface RingCallbacks {
  selectNode(id: number): void;
  selectMessage(id: number): void;
}

function nodeRadius(n: number): number {
  return n <= 3 ? 56 : n <= 5 ? 46 : n <= 7 ? 40 : 34;
}

function ringPositions(n: number): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < n; i++) {
    const a = -Math.PI / 2 + (i * 2 * Math.PI) / n;
    out.push({ x: RING_R * Math.cos(a), y: RING_R * Math.sin(a) });
  }
  return out;
}

function roleLetter(node: NodeView): string {
  return node.role === "leader" ? "L" : node.role === "candidate" ? "C" : "F";
}

/** The node's sub-line: what it is, in a few words. */
function subLine(node: NodeView, n: number): string {
  switch (node.shownRole) {
    case "crashed":
      return "crashed";
    case "leader":
      return "leader";
    case "stale-leader":
      return "stale leader";
    case "candidate":
      return `votes ${node.votesGranted?.length ?? 0}/${n}`;
    default:
      return `votedFor ${node.votedFor === null ? "—" : nodeName(node.votedFor)}`;
  }
}

/** Where node `i`'s lines below its circle run (a class of ring.css) and their x offset. */
function labelSide(n: number, i: number, r: number): [string, number] {
  const right = Math.cos(-Math.PI / 2 + (i * 2 * Math.PI) / n) > 0;
  const bottomPair = n % 2 === 1 && n >= 7 && (i === (n - 1) / 2 || i === (n + 1) / 2);
  if (bottomPair) return right ? ["label-start", -r * 0.6] : ["label-end", r * 0.6];
  const topPair = n === 9 && (i === 1 || i === n - 1);
  if (topPair) return right ? ["label-end", r * 0.3] : ["label-start", -r * 0.3];
  return ["", 0];
}

/** A bottom node's "cut off" in lecture mode: above its circle (ring.css .above). */
function cutAbove(p: Point, r: number): SVGTextElement {
  const inward = Math.abs(p.x) > CUT_INWARD_X_MIN_R * r ? Math.sign(p.x) : 0;
  const cls = inward > 0 ? "cut-label above to-end" : inward < 0 ? "cut-label above to-start" : "cut-label above";
  return s("text", { class: cls, x: (inward * r * 0.3).toFixed(1), y: -r - 30 }, "cut off");
}

export class RingView {
  readonly el: SVGSVGElement;
  private readonly partLayer = s("g", { class: "partitions" });
  private readonly nodeLayer = s("g", { class: "nodes" });
  private readonly msgLayer = s("g", { class: "messages" });
  private readonly dropLayer = s("g", { class: "drops" });
  private readonly ring = s("circle", { class: "ring", r: RING_R });
  // Virtual time and the current leader, in the top left corner: the centre of the ring is
  // where messages between opposite nodes cross. HTML in a foreignObject, so a line that does
  // not fit beside the top node wraps (lecture mode's large text) instead of running over it.
  private readonly centerTime = h("div", { class: "center-time" });
  private readonly centerInfo = h("div", { class: "center-info" });
  private readonly centerStale = h("div", { class: "center-info center-stale" });
  private readonly center = s("foreignObject", { class: "center", x: -VIEW + 14, y: -VIEW + 8, width: 200, height: 2 * VIEW - 16 });
  private nodes: NodeEls[] = [];
  private pos: Point[] = [];
  private r = 46;
  private partKey = "";
  private readonly msgs = new Map<number, MsgEls>();
  /** Marks of messages that left the network, hidden (class msg-spare) and kept for the next
   * message of their style: a mark is made of seven SVG elements, and under load messages
   * come and go every frame (creating and removing them was a quarter of the ring's work).
   * At most SPARE_MARKS_MAX in all; the rest are removed. */
  private readonly spares = new Map<string, MsgEls[]>();
  private sparesCount = 0;
  /** Message marks made (not taken from the spares) since the view was created; for tests. */
  marksMade = 0;
  /** The boxes of the nodes' texts, in the ring's units (for marks to fade over), measured
   * for `textKey` (the texts drawn) and again after the drawing was resized. */
  private textBoxes: Box[] = [];
  private textKey = "";
  private textResized = true;
  /** The panel the drawing fills, observed for its size (`fitPanel`). */
  private panel: Element | null = null;
  private readonly panelSize = new ResizeObserver((entries) => this.fitPanel(entries));
  private drops: DropMark[] = [];
  /** The user asked for reduced motion: messages do not glide and drop marks do not fade. */
  reducedMotion = false;
  /** Lecture mode (the presenter attribute): the bottom nodes say "cut off" above them. */
  presenter = false;
  /** What the nodes were laid out for: their count and lecture mode. */
  private layoutKey = "";

  constructor(private readonly cb: RingCallbacks) {
    this.el = s(
      "svg",
      {
        class: "ring-view",
        viewBox: `${-VIEW} ${-VIEW} ${2 * VIEW} ${2 * VIEW}`,
        role: "group",
        "aria-label": "Cluster: nodes on a ring and the messages between them",
      },
      this.partLayer,
      this.ring,
      this.center,
      this.nodeLayer,
      this.msgLayer,
      this.dropLayer,
    );
    this.center.append(h("div", { class: "center-lines" }, this.centerTime, this.centerInfo, this.centerStale));
    // Enter on a focused node opens its actions: the instance's keyboard handler does it.
    this.el.addEventListener("click", (ev) => this.onClick(ev));
    // A resize can change the text's size in the ring's units (--ts, lecture mode).
    new ResizeObserver(() => (this.textResized = true)).observe(this.el);
  }

  private onClick(ev: MouseEvent): void {
    const target = ev.target as Element;
    const m = target.closest("[data-message-id]");
    if (m) {
      this.cb.selectMessage(Number(m.getAttribute("data-message-id")));
      return;
    }
    const n = target.closest("[data-node-id]");
    if (n) this.cb.selectNode(Number(n.getAttribute("data-node-id")));
  }

  /** Forget everything drawn for the previous cluster. */
  reset(): void {
    this.nodeLayer.replaceChildren();
    this.msgLayer.replaceChildren();
    this.dropLayer.replaceChildren();
    this.partLayer.replaceChildren();
    this.nodes = [];
    this.textKey = "";
    this.textBoxes = [];
    this.msgs.clear();
    this.spares.clear();
    this.sparesCount = 0;
    this.drops = [];
    this.partKey = "";
  }

  /** Draws `state` at virtual time `t` (state.nowMs plus the clock's fraction). `dropped` are
   * this frame's messageDropped events; `realNow` is the frame's real timestamp. */
  render(
    state: ClusterState,
    t: number,
    sel: Selection,
    dropped: ClusterEvent[],
    realNow: number,
    playing: boolean,
  ): void {
    if (this.el.parentElement !== this.panel) {
      if (this.panel) this.panelSize.unobserve(this.panel);
      this.panel = this.el.parentElement;
      if (this.panel) this.panelSize.observe(this.panel);
    }
    const n = state.nodes.length;
    const layoutKey = `${n}/${this.presenter}`;
    if (n !== this.nodes.length || layoutKey !== this.layoutKey) {
      this.layout(n);
      this.layoutKey = layoutKey;
    }
    this.renderPartition(state.partition, n);
    const selNode = selectedNode(sel);
    for (const node of state.nodes) {
      const els = this.nodes[node.id - 1];
      if (els) this.renderNode(els, node, n, selNode === node.id);
    }
    this.measureTexts();
    this.renderMessages(state, t, selectedMessage(sel), dropped, realNow);
    this.renderDrops(realNow);
    this.renderCenter(state, t, playing);
  }

  /** Gives the drawing its panel's size in px. Sized in percent (ring.css: inset 0, 100%),
   * Chrome lays the SVG out as resized at every layout, and with it every shape and text of
   * the ring, whatever changed (a message moving, a timer's arc): measured at 9 nodes under
   * load, 485 layout invalidations a frame, 165 with the size in px. Written when the panel's
   * size changes (before that frame is painted). */
  private fitPanel(entries: ResizeObserverEntry[]): void {
    const box = entries[entries.length - 1]?.contentRect;
    if (!box || box.width <= 0 || box.height <= 0) return;
    const w = `${box.width}px`;
    const hh = `${box.height}px`;
    if (this.el.style.width !== w) this.el.style.width = w;
    if (this.el.style.height !== hh) this.el.style.height = hh;
  }

  private layout(n: number): void {
    this.reset();
    this.pos = ringPositions(n);
    this.r = nodeRadius(n);
    const r = this.r;
    // ring.css places the labels from it: "term N" inside the circle when it fits, else below.
    this.el.style.setProperty("--node-r", String(r));
    // The corner ends clear of the top node's crown and timer (and of its neighbours').
    setAttr(this.center, "width", Math.round(VIEW - 14 - r - 24));
    for (let i = 0; i < n; i++) {
      const id = i + 1;
      const p = this.pos[i]!;
      // With an odd count (7, 9) the two bottom nodes sit close: their lines below are
      // written outward from them, so the two never run into each other. With 9, the lines
      // of the two beside the top node run inward, clear of the next node down.
      const [anchor, lx] = labelSide(n, i, r);
      const els: NodeEls = {
        g: s("g", {
          class: anchor ? `node ${anchor}` : "node",
          "data-node-id": id,
          transform: `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`,
          tabindex: 0,
          role: "button",
          "aria-haspopup": "true",
        }),
        halo: s("circle", { class: "cut-halo", r: r + 15 }),
        track: s("circle", { class: "timer-track", r: r + 7 }),
        arc: s("circle", { class: "timer-arc", r: r + 7, pathLength: 100, transform: "rotate(-90)" }),
        body: s("circle", { class: "body", r }),
        // Offsets in em: they grow with the text when a small ring enlarges it (--ts); the
        // name and "term N" share the circle, centred as a pair (ring.css moves "term N"
        // below the circle when it would not fit inside).
        name: s("text", { class: "name", dy: "-0.3em" }, nodeName(id)),
        term: s("text", { class: "term", dy: "0.98em" }),
        badge: s("g", { class: "badge", "aria-hidden": "true", transform: `translate(${(r * 0.74).toFixed(1)},${(-r * 0.74).toFixed(1)})` }),
        badgeText: s("text", { y: 0.5 }),
        crown: s("path", {
          class: "crown",
          d: `M-15,${-r - 6} L-15,${-r - 20} L-7.5,${-r - 12} L0,${-r - 24} L7.5,${-r - 12} L15,${-r - 20} L15,${-r - 6} Z`,
        }),
        cross: s(
          "g",
          { class: "cross" },
          s("line", { x1: -r * 0.6, y1: -r * 0.6, x2: r * 0.6, y2: r * 0.6 }),
          s("line", { x1: r * 0.6, y1: -r * 0.6, x2: -r * 0.6, y2: r * 0.6 }),
        ),
        sub: s("text", { class: "sub", x: lx.toFixed(1), y: r + 9, dy: "1em" }),
        // Below the lines under the circle; for a bottom node in lecture mode above the
        // circle (over a stale leader's crown), written towards the ring's middle (away from
        // the lines of the node next up) when there is room for it before the middle (7 and
        // fewer nodes), else centred (9: the two bottom nodes' would meet).
        cut: this.presenter && p.y > CUT_ABOVE_Y_MIN
          ? cutAbove(p, r)
          : s("text", { class: "cut-label", x: lx.toFixed(1), y: r + 9, dy: "2.15em" }, "cut off"),
        title: s("title"),
        fill: "",
        key: "",
        arcDash: "",
        late: false,
        // As made: the timer's track and arc are shown.
        timerShown: true,
      };
      els.badge.append(s("circle", { r: 12 }), els.badgeText);
      els.g.append(els.title, els.halo, els.track, els.arc, els.body, els.crown, els.name, els.term, els.badge, els.cross, els.sub, els.cut);
      this.nodeLayer.append(els.g);
      this.nodes.push(els);
    }
  }

  private renderNode(els: NodeEls, node: NodeView, n: number, selected: boolean): void {
    this.renderTimer(els, node.alive ? node.electionTimer : null);
    const { g } = els;
    const shown = node.shownRole;
    const sub = subLine(node, n);
    const key = `${shown}/${node.role}/${node.term}/${node.alive}/${node.connected}/${selected}/${sub}`;
    if (key === els.key) return;
    els.key = key;
    setAttr(g, "data-role", shown);
    setAttr(g, "data-term", node.term);
    setAttr(g, "data-alive", String(node.alive));
    setAttr(g, "data-connected", String(node.connected));
    toggleClass(g, "leader", shown === "leader");
    toggleClass(g, "stale-leader", shown === "stale-leader");
    toggleClass(g, "candidate", shown === "candidate");
    toggleClass(g, "follower", shown === "follower");
    toggleClass(g, "crashed", !node.alive);
    toggleClass(g, "cut", !node.connected);
    toggleClass(g, "selected", selected);
    const state = !node.alive ? `crashed (was ${node.role})` : shown === "stale-leader" ? "a leader in a lower term than others know, or cut off from a majority" : node.role;
    // The name starts with what the node shows (S3, term 4, its sub-line), then says more.
    // Compared with the value last set: the CSSOM reads a colour back as rgb(), never as
    // the hsl() written, so comparing with style.fill would set it (and lay out) every frame.
    const fill = node.alive ? termFill(node.term) : "";
    if (els.fill !== fill) {
      els.fill = fill;
      els.body.style.fill = fill; // CSSOM: no style attribute
    }
    // The accessible name is the visible text (name, term, sub-line, "cut off"; the role
    // badge repeats the sub-line and is hidden); the title adds the state in words.
    setText(els.title, `${nodeName(node.id)} term ${node.term} ${sub}${node.connected ? "" : " cut off"} (${state}): Enter or click for its actions`);
    setText(els.term, `term ${node.term}`);
    setText(els.badgeText, node.alive ? roleLetter(node) : "✕");
    setText(els.sub, sub);
  }

  /** A node's election timer: the arc drawn to its progress (every frame while it runs; only
   * what changed is written, nothing read back). */
  private renderTimer(els: NodeEls, timer: NodeView["electionTimer"]): void {
    const shown = timer !== null;
    if (els.timerShown !== shown) {
      els.timerShown = shown;
      els.track.classList.toggle("hidden", !shown);
      els.arc.classList.toggle("hidden", !shown);
    }
    if (!shown) return;
    const p = Math.max(0, Math.min(1, timer.progress));
    const dash = `${(p * 100).toFixed(1)} 100`;
    if (els.arcDash !== dash) {
      els.arcDash = dash;
      els.arc.setAttribute("stroke-dasharray", dash);
    }
    const late = p > 0.8;
    if (els.late !== late) {
      els.late = late;
      els.arc.classList.toggle("late", late);
    }
  }

  private renderPartition(groups: number[][] | null, n: number): void {
    const key = groups ? JSON.stringify(groups) : "";
    if (key === this.partKey) return;
    this.partKey = key;
    this.partLayer.replaceChildren();
    if (!groups) return;
    const width = 2 * this.r + 40;
    groups.forEach((group, gi) => {
      const pts = group
        .filter((id) => id >= 1 && id <= n)
        .sort((a, b) => a - b)
        .map((id) => this.pos[id - 1]!);
      if (pts.length === 0) return;
      const d =
        pts.length === 1
          ? `M${pts[0]!.x},${pts[0]!.y} l0.01,0`
          : "M" + pts.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" L") + " Z";
      const color = GROUP_COLORS[gi % GROUP_COLORS.length]!;
      const path = s("path", { class: "partition-group", d, "stroke-width": width, "data-group": group.join(",") });
      path.style.stroke = color; // CSSOM, not a style attribute (strict CSP)
      path.style.fill = color;
      this.partLayer.append(path);
    });
  }

  /** Measures the nodes' texts when what they say changed or the drawing was resized (a
   * layout read then, never on a frame where nothing of it changed). */
  private measureTexts(): void {
    // What each node says and how it is drawn (renderNode's keys), not read back from the DOM.
    const key = this.nodes.map((e) => e.key).join("|");
    if (key === this.textKey && !this.textResized) return;
    this.textKey = key;
    this.textResized = false;
    this.textBoxes = [];
    // As drawn (ring.css moves the lines below by a CSS transform, which getBBox leaves out):
    // the texts' boxes on screen, brought back into the ring's units.
    const toRing = this.el.getScreenCTM()?.inverse();
    if (!toRing) return;
    for (const e of this.nodes) {
      for (const t of [e.name, e.term, e.sub, e.cut]) {
        if (!t.textContent) continue;
        const b = t.getBoundingClientRect();
        if (b.width === 0) continue;
        const a = new DOMPoint(b.left, b.top).matrixTransform(toRing);
        const z = new DOMPoint(b.right, b.bottom).matrixTransform(toRing);
        this.textBoxes.push({ left: a.x, top: a.y, right: z.x, bottom: z.y });
      }
    }
  }

  /** True when a mark centred at `at` would cover a node's text. */
  private overText(at: Point): boolean {
    return this.textBoxes.some((b) => at.x > b.left - TEXT_CLEAR_X && at.x < b.right + TEXT_CLEAR_X && at.y > b.top - TEXT_CLEAR_Y && at.y < b.bottom + TEXT_CLEAR_Y);
  }

  /** The point at `p` (0..1) of the way from node `from` to node `to`, on the sender's lane. */
  private along(from: number, to: number, p: number): { at: Point; dir: Point; d: number } {
    const a = this.pos[from - 1];
    const b = this.pos[to - 1];
    if (!a || !b) return { at: { x: 0, y: 0 }, dir: { x: 1, y: 0 }, d: 0 };
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len;
    const uy = dy / len;
    const start = this.r + 10;
    const travel = Math.max(0, len - 2 * start);
    const d = start + travel * p;
    return { at: { x: a.x + ux * d - uy * LANE, y: a.y + uy * d + ux * LANE }, dir: { x: ux, y: uy }, d };
  }

  private renderMessages(
    state: ClusterState,
    t: number,
    selMsg: number | null,
    dropped: ClusterEvent[],
    realNow: number,
  ): void {
    // Messages that left the network (delivered, or dropped) first: their marks are spares
    // for the messages that came into it in this frame.
    const live = new Set<number>();
    for (const m of state.messages) live.add(m.id);
    const vanished: { at: Point; last: MessageView }[] = [];
    for (const [id, e] of this.msgs) {
      if (live.has(id)) continue;
      this.msgs.delete(id);
      vanished.push({ at: e.at, last: e.last });
      this.release(e);
    }
    for (const m of state.messages) {
      let e = this.msgs.get(m.id);
      if (!e) {
        e = this.createMessage(m);
        this.msgs.set(m.id, e);
      }
      e.last = m;
      const span = m.deliverMs - m.sentMs;
      // prefers-reduced-motion: a message waits half-way instead of gliding.
      const p = this.reducedMotion ? 0.5 : span > 0 ? Math.max(0, Math.min(1, (t - m.sentMs) / span)) : 1;
      const { at, dir, d } = this.along(m.from, m.to, p);
      e.at = at;
      e.along = d;
      const drawn = e.drawn;
      const transform = `translate(${at.x.toFixed(1)},${at.y.toFixed(1)})`;
      if (drawn.transform !== transform) {
        drawn.transform = transform;
        e.g.setAttribute("transform", transform);
      }
      const underText = this.overText(at);
      if (drawn.underText !== underText) {
        drawn.underText = underText;
        e.g.classList.toggle("under-text", underText);
      }
      // A message's direction is its link's: its tail is drawn once.
      if (drawn.tailFor !== m.id) {
        drawn.tailFor = m.id;
        e.tail.setAttribute("x2", (-dir.x * 16).toFixed(1));
        e.tail.setAttribute("y2", (-dir.y * 16).toFixed(1));
      }
      const selected = selMsg === m.id;
      if (drawn.selected !== selected) {
        drawn.selected = selected;
        e.g.classList.toggle("selected", selected);
      }
    }
    this.groupMessages(state.messages, selMsg);
    // Match the frame's messageDropped events to vanished messages (a message removed before
    // its deliverMs was certainly lost); drops of messages never drawn are shown from the
    // event itself.
    const early = vanished.filter((e) => state.nowMs < e.last.deliverMs);
    const pool = [...early, ...vanished.filter((e) => state.nowMs >= e.last.deliverMs)];
    const marked = new Set<(typeof vanished)[number]>();
    for (const ev of dropped) {
      // The event names the message; else match by node.
      const byId = ev.message !== null ? pool.findIndex((e) => e.last.id === ev.message) : -1;
      const i =
        byId >= 0 ? byId : pool.findIndex((e) => ev.node === null || e.last.from === ev.node || e.last.to === ev.node);
      if (i >= 0) {
        const [e] = pool.splice(i, 1);
        marked.add(e!);
        this.addDrop(e!.at, realNow);
      } else {
        this.addDropFromEvent(ev, realNow);
      }
    }
    for (const e of early) if (!marked.has(e)) this.addDrop(e.at, realNow);
  }

  /** A mark for message `m`: a spare of its style made to show `m`, else a new one. */
  private createMessage(m: MessageView): MsgEls {
    const key = styleKey(m.kind, m.heartbeat);
    const entries = entriesLabel(m);
    const reply = replyMark(m);
    // The visible text (entry count, ✓ / ✗) is part of the name (axe: label-content-name-mismatch).
    const name = `${m.kind}${m.heartbeat ? " (heartbeat)" : ""} from ${nodeName(m.from)} to ${nodeName(m.to)}, term ${m.term}${entries ? `, ${entries} entries` : ""}${reply ? `, ${reply}` : ""}`;
    const spare = this.spares.get(key)?.pop();
    if (spare) {
      this.sparesCount--;
      const { g, label, mark, count } = spare;
      g.setAttribute("class", `msg msg-${key}-g`);
      g.setAttribute("data-message-id", String(m.id));
      setAttr(g, "data-kind", m.kind);
      setAttr(g, "data-heartbeat", String(m.heartbeat));
      g.setAttribute("aria-label", name);
      setAttr(g, "data-count", null);
      setText(label, entries);
      setText(mark, reply);
      toggleClass(mark, "no", reply === "✗");
      setText(count, "");
      // Its classes were reset and its name written above; its transform and tail are
      // written for this message.
      Object.assign(spare, { last: m, name, along: 0, drawn: { ...UNDRAWN } });
      return spare;
    }
    this.marksMade++;
    const g = s("g", {
      class: `msg msg-${key}-g`,
      "data-message-id": m.id,
      "data-kind": m.kind,
      "data-heartbeat": String(m.heartbeat),
      role: "button",
      "aria-label": name,
    });
    const tail = s("line", { class: `msg-tail msg-${key}-tail`, x1: 0, y1: 0, x2: 0, y2: 0 });
    const label = s("text", { class: "msg-label", y: 0.5 }, entries);
    const mark = s("text", { class: "msg-mark", x: 11, y: -9 }, reply);
    toggleClass(mark, "no", reply === "✗");
    // A group's count sits on the mark itself (in place of its entry count): never beside
    // it, where it could cover a node's text.
    const count = s("text", { class: "msg-count", y: 0.5 });
    g.append(s("circle", { class: "msg-hit", r: 14 }), tail, messageShape(key), label, mark, count);
    this.msgLayer.append(g);
    return { g, tail, mark, label, count, last: m, at: { x: 0, y: 0 }, along: 0, name, key, drawn: { ...UNDRAWN } };
  }

  /** A message left the network: its mark becomes a hidden spare (neither `.msg` nor a
   * `data-message-id`, so nothing takes it for a message), or goes when there are enough. */
  private release(e: MsgEls): void {
    if (this.sparesCount >= SPARE_MARKS_MAX) {
      e.g.remove();
      return;
    }
    e.g.setAttribute("class", "msg-spare");
    e.g.removeAttribute("data-message-id");
    const list = this.spares.get(e.key);
    if (list) list.push(e);
    else this.spares.set(e.key, [e]);
    this.sparesCount++;
  }

  /** Messages on one link that overlap become one mark with a count; a link shows at most
   * LINK_MARKS_MAX marks (the last counts the rest). The mark shown of a group is its
   * selected message, else its first. */
  private groupMessages(messages: MessageView[], selMsg: number | null): void {
    const links = new Map<string, MsgEls[]>();
    for (const m of messages) {
      const e = this.msgs.get(m.id);
      if (!e) continue;
      const key = `${m.from}>${m.to}`;
      const list = links.get(key);
      if (list) list.push(e);
      else links.set(key, [e]);
    }
    for (const list of links.values()) {
      list.sort((a, b) => a.along - b.along);
      const groups: MsgEls[][] = [];
      for (const e of list) {
        const g = groups[groups.length - 1];
        if (g && (e.along - g[g.length - 1]!.along < OVERLAP_UNITS || groups.length >= LINK_MARKS_MAX)) g.push(e);
        else groups.push([e]);
      }
      for (const g of groups) {
        const shown = g.find((e) => e.last.id === selMsg) ?? g[0]!;
        for (const e of g) {
          const drawn = e.drawn;
          const alone = e === shown;
          if (drawn.grouped !== !alone) {
            drawn.grouped = !alone;
            e.g.classList.toggle("grouped", !alone);
          }
          if (!alone || drawn.count === g.length) continue;
          // Said again only when its group's size changed.
          drawn.count = g.length;
          const more = g.length - 1;
          setText(e.count, more > 0 ? `×${g.length}` : "");
          toggleClass(e.g, "counted", more > 0);
          setAttr(e.g, "data-count", more > 0 ? g.length : null);
          setAttr(e.g, "aria-label", more > 0 ? `${e.name}, ×${g.length}: ${more} more message${more === 1 ? "" : "s"} on this link` : e.name);
        }
      }
    }
  }

  private addDrop(want: Point, realNow: number): void {
    // Never over a node (its name, term and sub-line): push the mark out of every node's
    // disc towards the ring's centre; and never on top of another mark.
    const at = { ...want };
    const clear = this.r + 30;
    for (const p of this.pos) {
      const d = Math.hypot(at.x - p.x, at.y - p.y);
      if (d < clear) {
        // Out to the edge of the node's clear zone, on the side the mark already was
        // (towards the centre when it sits on the node's middle).
        const len = d > 0.5 ? d : Math.hypot(p.x, p.y) || 1;
        const ux = d > 0.5 ? (at.x - p.x) / len : -p.x / len;
        const uy = d > 0.5 ? (at.y - p.y) / len : -p.y / len;
        at.x = p.x + ux * clear;
        at.y = p.y + uy * clear;
      }
    }
    if (this.drops.some((dm) => Math.hypot(dm.at.x - at.x, dm.at.y - at.y) < 18)) return;
    const g = s(
      "g",
      { class: "drop", transform: `translate(${at.x.toFixed(1)},${at.y.toFixed(1)})` },
      s("title", {}, "a message dropped by the network"),
      s("path", { d: "M-7,-7 L7,7 M7,-7 L-7,7" }),
    );
    this.dropLayer.append(g);
    this.drops.push({ g, born: realNow, at });
    while (this.drops.length > MAX_DROP_MARKS) this.drops.shift()!.g.remove();
  }

  /** A drop with no message drawn: place it on the way from its sender (`node`) to its
   * receiver (`peer`), else next to the node it is about. */
  private addDropFromEvent(ev: ClusterEvent, realNow: number): void {
    const n = this.pos.length;
    const ok = (id: number | null): id is number => id !== null && id >= 1 && id <= n;
    if (ok(ev.node) && ok(ev.peer) && ev.node !== ev.peer) {
      this.addDrop(this.along(ev.node, ev.peer, 0.25).at, realNow);
    } else if (ok(ev.node)) {
      const p = this.pos[ev.node - 1]!;
      this.addDrop({ x: p.x * 0.78, y: p.y * 0.78 }, realNow);
    }
  }

  private renderDrops(realNow: number): void {
    this.drops = this.drops.filter((d) => {
      const age = realNow - d.born;
      if (age > DROP_SHOW_MS || age < 0) {
        d.g.remove();
        return false;
      }
      if (!this.reducedMotion) setAttr(d.g, "opacity", (1 - age / DROP_SHOW_MS).toFixed(2));
      return true;
    });
  }

  private renderCenter(state: ClusterState, t: number, playing: boolean): void {
    setText(this.centerTime, `t = ${(t / 1000).toFixed(3)} s${playing ? "" : " · paused"}`);
    // The leader the session view crowned (one decision, in Rust); stale ones on a line of
    // their own, short, so the text ends before the top node's crown.
    const leader = state.leader !== null ? state.nodes[state.leader - 1] : undefined;
    setText(this.centerInfo, leader ? `leader ${nodeName(leader.id)} · term ${leader.term}` : "no leader");
    const stale = state.nodes.filter((nd) => nd.shownRole === "stale-leader");
    setText(this.centerStale, stale.length > 0 ? `stale: ${stale.map((nd) => `${nodeName(nd.id)} (T${nd.term})`).join(", ")}` : "");
    setAttr(this.centerStale, "aria-label", stale.length > 0 ? `stale leaders, others know term ${state.newestTerm}: ${stale.map((nd) => `${nodeName(nd.id)} in term ${nd.term}`).join(", ")}` : null);
  }
}
