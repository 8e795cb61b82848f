// The cluster drawn as a ring of nodes (SVG), with the messages in flight moving between them.
//
// Each node is a <g data-node-id data-role data-term data-alive data-connected>: its body is
// filled with its term's colour, the role is shown by a letter badge (L / C / F), a crown for
// the leader and a dashed outline for a candidate; a crashed node is grey with a red cross, a
// cut-off node has a red dotted halo and says so. The arc around a node is its election timer.
// Messages sit at progress (now - sentMs) / (deliverMs - sentMs) on the way from sender to
// receiver; requests and replies travel on either side of the line so they never overlap.
// Dropped messages flash a red ✗ for a moment.
import type { ClusterEvent, ClusterState, MessageView, NodeView } from "./api";
import { GROUP_COLORS, termFill } from "./colors";
import { nodeName, s, setAttr, setText, toggleClass } from "./dom";
import { entriesLabel, messageShape, replyMark, styleKey } from "./message-style";
import { type Selection, selectedMessage, selectedNode } from "./selection";

const VIEW = 330; // the viewBox is -VIEW..VIEW in both directions
/** Width (and height) of the ring's viewBox, in its own units. */
export const RING_VIEW_UNITS = 2 * VIEW;
const RING_R = 232;
const LANE = 6; // messages keep this far to the right of the line between two nodes
const DROP_SHOW_MS = 1400; // real ms a drop marker stays
const MAX_DROP_MARKS = 40;

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
}

interface MsgEls {
  g: SVGGElement;
  tail: SVGLineElement;
  mark: SVGTextElement;
  label: SVGTextElement;
  last: MessageView;
  at: Point;
}

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

export class RingView {
  readonly el: SVGSVGElement;
  private readonly partLayer = s("g", { class: "partitions" });
  private readonly nodeLayer = s("g", { class: "nodes" });
  private readonly msgLayer = s("g", { class: "messages" });
  private readonly dropLayer = s("g", { class: "drops" });
  private readonly ring = s("circle", { class: "ring", r: RING_R });
  // Virtual time and the current leader, in the top left corner: the centre of the ring is
  // where messages between opposite nodes cross.
  private readonly centerTime = s("text", { class: "center-time", x: -VIEW + 16, y: -VIEW + 34 });
  private readonly centerInfo = s("text", { class: "center-info", x: -VIEW + 16, y: -VIEW + 56 });
  private nodes: NodeEls[] = [];
  private pos: Point[] = [];
  private r = 46;
  private partKey = "";
  private readonly msgs = new Map<number, MsgEls>();
  private drops: DropMark[] = [];
  /** The user asked for reduced motion: messages do not glide and drop marks do not fade. */
  reducedMotion = false;

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
      s("g", { class: "center" }, this.centerTime, this.centerInfo),
      this.nodeLayer,
      this.msgLayer,
      this.dropLayer,
    );
    // Enter on a focused node opens its actions: the instance's keyboard handler does it.
    this.el.addEventListener("click", (ev) => this.onClick(ev));
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
    this.msgs.clear();
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
    const n = state.nodes.length;
    if (n !== this.nodes.length) this.layout(n);
    this.renderPartition(state.partition, n);
    const selNode = selectedNode(sel);
    for (const node of state.nodes) {
      const els = this.nodes[node.id - 1];
      if (els) this.renderNode(els, node, n, selNode === node.id);
    }
    this.renderMessages(state, t, selectedMessage(sel), dropped, realNow);
    this.renderDrops(realNow);
    this.renderCenter(state, t, playing);
  }

  private layout(n: number): void {
    this.reset();
    this.pos = ringPositions(n);
    this.r = nodeRadius(n);
    const r = this.r;
    for (let i = 0; i < n; i++) {
      const id = i + 1;
      const p = this.pos[i]!;
      const els: NodeEls = {
        g: s("g", {
          class: "node",
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
        name: s("text", { class: "name", y: -2 }, nodeName(id)),
        // Offsets in em: they grow with the text when a small ring enlarges it (--ts).
        term: s("text", { class: "term", dy: `${((r * 0.42 + 4) / 17).toFixed(2)}em` }),
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
        sub: s("text", { class: "sub", y: r + 9, dy: "1em" }),
        cut: s("text", { class: "cut-label", y: r + 9, dy: "2em" }, "cut off"),
        title: s("title"),
      };
      els.badge.append(s("circle", { r: 12 }), els.badgeText);
      els.g.append(els.title, els.halo, els.track, els.arc, els.body, els.crown, els.name, els.term, els.badge, els.cross, els.sub, els.cut);
      this.nodeLayer.append(els.g);
      this.nodes.push(els);
    }
  }

  private renderNode(els: NodeEls, node: NodeView, n: number, selected: boolean): void {
    const { g } = els;
    setAttr(g, "data-role", node.role);
    setAttr(g, "data-term", node.term);
    setAttr(g, "data-alive", String(node.alive));
    setAttr(g, "data-connected", String(node.connected));
    toggleClass(g, "leader", node.role === "leader");
    toggleClass(g, "candidate", node.role === "candidate");
    toggleClass(g, "follower", node.role === "follower");
    toggleClass(g, "crashed", !node.alive);
    toggleClass(g, "cut", !node.connected);
    toggleClass(g, "selected", selected);
    const state = !node.alive ? `crashed (was ${node.role})` : node.role;
    // The name starts with what the node shows (S3, term 4, its sub-line), then says more.
    const fill = node.alive ? termFill(node.term) : "";
    if (els.body.style.fill !== fill) els.body.style.fill = fill; // CSSOM: no style attribute
    let sub: string;
    if (!node.alive) sub = "crashed";
    else if (node.role === "leader") sub = "leader";
    else if (node.role === "candidate") sub = `votes ${node.votesGranted?.length ?? 0}/${n}`;
    else sub = `votedFor ${node.votedFor === null ? "—" : nodeName(node.votedFor)}`;
    // The accessible name is the visible text (name, term, sub-line, "cut off"; the role
    // badge repeats the sub-line and is hidden); the title adds the state in words.
    setText(els.title, `${nodeName(node.id)} term ${node.term} ${sub}${node.connected ? "" : " cut off"} (${state}): Enter or click for its actions`);
    setText(els.term, `term ${node.term}`);
    setText(els.badgeText, node.alive ? roleLetter(node) : "✕");
    setText(els.sub, sub);
    const timer = node.alive ? node.electionTimer : null;
    toggleClass(els.track, "hidden", timer === null);
    toggleClass(els.arc, "hidden", timer === null);
    if (timer) {
      const p = Math.max(0, Math.min(1, timer.progress));
      setAttr(els.arc, "stroke-dasharray", `${(p * 100).toFixed(1)} 100`);
      toggleClass(els.arc, "late", p > 0.8);
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

  /** The point at `p` (0..1) of the way from node `from` to node `to`, on the sender's lane. */
  private along(from: number, to: number, p: number): { at: Point; dir: Point } {
    const a = this.pos[from - 1];
    const b = this.pos[to - 1];
    if (!a || !b) return { at: { x: 0, y: 0 }, dir: { x: 1, y: 0 } };
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len;
    const uy = dy / len;
    const start = this.r + 10;
    const travel = Math.max(0, len - 2 * start);
    const d = start + travel * p;
    return { at: { x: a.x + ux * d - uy * LANE, y: a.y + uy * d + ux * LANE }, dir: { x: ux, y: uy } };
  }

  private renderMessages(
    state: ClusterState,
    t: number,
    selMsg: number | null,
    dropped: ClusterEvent[],
    realNow: number,
  ): void {
    const live = new Set<number>();
    for (const m of state.messages) {
      live.add(m.id);
      let e = this.msgs.get(m.id);
      if (!e) {
        e = this.createMessage(m);
        this.msgs.set(m.id, e);
      }
      e.last = m;
      const span = m.deliverMs - m.sentMs;
      // prefers-reduced-motion: a message waits half-way instead of gliding.
      const p = this.reducedMotion ? 0.5 : span > 0 ? Math.max(0, Math.min(1, (t - m.sentMs) / span)) : 1;
      const { at, dir } = this.along(m.from, m.to, p);
      e.at = at;
      setAttr(e.g, "transform", `translate(${at.x.toFixed(1)},${at.y.toFixed(1)})`);
      setAttr(e.tail, "x2", (-dir.x * 16).toFixed(1));
      setAttr(e.tail, "y2", (-dir.y * 16).toFixed(1));
      toggleClass(e.g, "selected", selMsg === m.id);
    }
    // Messages that left the network: delivered, or dropped. Match the frame's messageDropped
    // events to vanished messages (a message removed before its deliverMs was certainly lost);
    // drops of messages never drawn are shown from the event itself.
    const vanished: MsgEls[] = [];
    for (const [id, e] of this.msgs) {
      if (live.has(id)) continue;
      this.msgs.delete(id);
      e.g.remove();
      vanished.push(e);
    }
    const early = vanished.filter((e) => state.nowMs < e.last.deliverMs);
    const pool = [...early, ...vanished.filter((e) => state.nowMs >= e.last.deliverMs)];
    const marked = new Set<MsgEls>();
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

  private createMessage(m: MessageView): MsgEls {
    const key = styleKey(m.kind, m.heartbeat);
    const g = s("g", {
      class: `msg msg-${key}-g`,
      "data-message-id": m.id,
      "data-kind": m.kind,
      "data-heartbeat": String(m.heartbeat),
      role: "button",
      // The visible text (entry count, ✓ / ✗) is part of the name (axe: label-content-name-mismatch).
      "aria-label": `${m.kind}${m.heartbeat ? " (heartbeat)" : ""} from ${nodeName(m.from)} to ${nodeName(m.to)}, term ${m.term}${entriesLabel(m) ? `, ${entriesLabel(m)} entries` : ""}${replyMark(m) ? `, ${replyMark(m)}` : ""}`,
    });
    const tail = s("line", { class: `msg-tail msg-${key}-tail`, x1: 0, y1: 0, x2: 0, y2: 0 });
    const label = s("text", { class: "msg-label", y: 0.5 }, entriesLabel(m));
    const mark = s("text", { class: "msg-mark", x: 11, y: -9 }, replyMark(m));
    toggleClass(mark, "no", replyMark(m) === "✗");
    g.append(s("circle", { class: "msg-hit", r: 14 }), tail, messageShape(key), label, mark);
    this.msgLayer.append(g);
    return { g, tail, mark, label, last: m, at: { x: 0, y: 0 } };
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

  /** A drop with no message drawn: place it on the way between the two nodes the event names
   * ("S1 → S3 …"), else next to the node it is about. */
  private addDropFromEvent(ev: ClusterEvent, realNow: number): void {
    const ids = [...ev.text.matchAll(/\bS(\d+)\b/g)].map((m) => Number(m[1])).filter((id) => id >= 1 && id <= this.pos.length);
    if (ids.length >= 2 && ids[0] !== ids[1]) {
      this.addDrop(this.along(ids[0]!, ids[1]!, 0.25).at, realNow);
    } else {
      const id = ev.node ?? ids[0];
      const p = id !== undefined ? this.pos[id - 1] : undefined;
      if (p) this.addDrop({ x: p.x * 0.78, y: p.y * 0.78 }, realNow);
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
    let leader: NodeView | null = null;
    for (const nd of state.nodes) {
      if (nd.alive && nd.role === "leader" && (!leader || nd.term > leader.term)) leader = nd;
    }
    const newest = Math.max(0, ...state.nodes.filter((nd) => nd.alive).map((nd) => nd.term));
    const stale = leader && leader.term < newest ? ` (stale: others are at term ${newest})` : "";
    setText(this.centerInfo, leader ? `leader ${nodeName(leader.id)} · term ${leader.term}${stale}` : "no leader");
  }
}
