// The logs: one table aligned by index, as RaftScope's and the paper's figures are: column i
// is index i on every server, so the rows can be compared at a glance.
//
// An entry shows its index, command and term (in the term's colour). Committed entries
// (index <= commitIndex) are solid, the others dashed; applied ones (<= lastApplied) carry a
// ✓. Everything up to the node's snapshot is one hatched block labelled lastIncludedIndex /
// lastIncludedTerm. On the other nodes' rows the leader's nextIndex (▼ above) and matchIndex
// (▲ below) for that node are marked, and where the row parts from the leader's log is
// marked (◆). Each row's head has an overview strip of its whole log (snapshot, entries,
// commitIndex, divergence, the leader's nextIndex, and the columns in view); clicking it
// shows that part. A row whose interesting part is out of view says so with a button that
// shows it ("◀ last entry 117").
//
// Only the columns in view are in the DOM and only they cross from Rust
// (`Cluster.logWindow()`), so a log of thousands of entries costs no more than a short one.
// The view follows what matters unless the user scrolled: the selected row's divergence or the
// leader's nextIndex for it, else the leader's newest entries.
import type { ClusterApi, ClusterState, LogEntryView, NodeView } from "./api";
import { termFill, termInk } from "./colors";
import { h, nodeName, setAttr, setHidden, setText, toggleClass } from "./dom";
import { type Selection, selectedNode } from "./selection";

const COL_W = 60; // px per log index
const HEAD_W = 196; // px of the sticky row header
const TRACK_MARGIN = 6; // px between the header and index `first`'s column
// Room after the longest log: the nextIndex column and its "▼ nextIndex" label, so following
// the newest entries never scrolls a marker half away.
const NEXT_ROOM = COL_W + 64;
const OVERSCAN = 4;
/** Following the newest entries, the view moves by a page when the newest would leave it
 * (the newest then about this fraction of the way across, in whole columns), not a column
 * per entry: each scroll repaints every entry in view (measure.mjs: under a client load that
 * was every third frame). */
const FOLLOW_PAGE_FRACTION = 0.5;
/** The table's drawn width grows (and shrinks) in steps of this many views: a change of it
 * lays out the whole page (the scroller is a flex item, so no relayout boundary holds it;
 * measure.mjs three: under a client load the logs' width changed with nearly every entry,
 * most of the full-page layouts of three instances). Past the newest there is room to scroll
 * into, as while following by pages. */
const WIDTH_STEP_VIEWS = 1;
/** Entries a row keeps hidden for reuse (a snapshot takes ten out of the view at once, while
 * new ones come one by one: removing and making them again was the slowest frames' largest
 * part of the log table, measure.mjs). */
const ENTRY_SPARES_MAX = 16;
/** px an applied entry's command leaves for its ✓ (logs.css's --entry-mark-w; none in lecture
 * mode, where the ✓ is not drawn). */
const APPLIED_MARK_W = 11;
/** Cases of index and term digits whose wrapping LogView keeps (7 by 4 digits in each mode
 * is far less). */
const WRAP_KEYS_MAX = 64;
/** An entry is drawn unclipped (a clip per entry was half of the browser's layerizing work per
 * frame with 9 logs in view: measure.mjs): its command is cut to what fits (`fitCommand`), and
 * an entry whose index and term do not fit on its first line (the term wraps to the second)
 * leaves its command out, which would fall on a third line below the entry. Both are learnt
 * from the layout: how many characters of a command fit (once per mode), and whether the term
 * wraps for each count of index and term digits (the digits are tabular: they decide it).
 * Until learnt an entry is drawn `tight`: clipped, the command cut by CSS. Hover and focus show
 * the whole command. */
interface EntryFit {
  presenter: boolean;
  /** Characters of a command an entry shows, without and with its ✓. */
  chars: number;
  charsApplied: number;
}

/** What an entry drawn shows (`LogView.describe` words it). */
interface EntryInfo {
  entry: LogEntryView;
  nd: NodeView;
  leader: NodeView | null;
  committed: boolean;
  applied: boolean;
  waits: boolean;
  involved: boolean;
  diverged: boolean;
}

/** `command` cut to `chars` characters, the last of them "…" (as CSS's text-overflow would). */
function fitCommand(command: string, chars: number): string {
  const all = [...command];
  if (all.length <= chars) return command;
  // Never "set …": a space before the ellipsis says nothing.
  return `${all.slice(0, Math.max(0, chars - 1)).join("").trimEnd()}…`;
}

/** An entry's case for wrapping: the mode and how many digits its index and term have. */
function digitsKey(presenter: boolean, index: number, term: number): string {
  return `${presenter ? "p" : ""}${String(index).length}/${String(term).length}`;
}

/** px of one character of `el`'s (monospaced) font, from a canvas: the font's longhands (the
 * `font` shorthand reads "" when a font-variant is set). */
function monoCharWidth(el: Element, doc: Document): number {
  const ctx = doc.createElement("canvas").getContext("2d");
  if (!ctx) return 0;
  const st = getComputedStyle(el);
  ctx.font = `${st.fontStyle} ${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
  return ctx.measureText("0000000000").width / 10 + (parseFloat(st.letterSpacing) || 0);
}

/** The full value, as hover and focus say it. */
export function fullCommand(e: LogEntryView): string {
  if (e.command === "") return "(empty command)";
  return e.commandHex ? `bytes ${e.command} (hex: not printable text)` : `“${e.command}”`;
}

interface Strip {
  el: HTMLElement;
  snap: HTMLElement;
  log: HTMLElement;
  commit: HTMLElement;
  diverge: HTMLElement;
  next: HTMLElement;
  view: HTMLElement;
}

interface Row {
  id: number;
  el: HTMLElement;
  head: HTMLElement;
  badge: HTMLElement;
  title: HTMLElement;
  stats: HTMLElement;
  strip: Strip;
  track: HTMLElement;
  snap: HTMLElement;
  snapLabel: HTMLElement;
  next: HTMLElement;
  match: HTMLElement;
  diverge: HTMLElement;
  jump: HTMLButtonElement;
  jumpTo: number;
  entries: Map<number, HTMLElement>;
  /** Entries that left the view, kept hidden (class entry-spare, not `.entry`) for the next
   * that come into it: at most ENTRY_SPARES_MAX. */
  spares: HTMLElement[];
  /** Per entry drawn: the key of what it shows (`entryKey`); unchanged: not touched. */
  keys: Map<number, string>;
  /** The key of the row's head as last drawn. */
  headKey: string;
  /** The key of everything the row draws as last drawn (the head's and the table's extent). */
  key: string;
  /** What the row last showed (for its titles, `titleRow`). */
  shown: { nd: NodeView; inLo: number; inHi: number; nextI: number | undefined } | null;
  /** The pointer or focus is on the row's head: its titles follow every frame. */
  hovered: boolean;
}

export class LogView {
  readonly el: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly inner: HTMLElement;
  private readonly tip: HTMLElement;
  private rows: Row[] = [];
  /** Follow what matters (false once the user scrolled or jumped, until a new cluster). */
  private follow = true;
  private programmaticScroll = false;
  // Layout values cached from events (scroll, resize): reading them while drawing would force
  // a layout of the whole page in every frame.
  private viewW = 1200;
  private scrollX = 0;
  private pendingScroll: number | null = null;
  /** Index of column 0 and the number of columns, as last drawn. */
  private first = 1;
  private last = 0;
  /** The table's width as last drawn, without the room scrolled into past its end. */
  private tableW = 0;
  /** `first` as the scroll position was last set for (a change of it shifts every column). */
  private drawnFirst = 1;
  /** The violation shown: its nodes and log indices are highlighted. */
  private violation: { nodes: Set<number>; indices: Set<number> } | null = null;
  /** The windows last asked for and the key they were asked under (`windowKey`): the same
   * key, the same entries, not asked for again. */
  private windows = new Map<number, LogEntryView[]>();
  private windowKey = "";
  private cluster: ClusterApi | null = null;
  /** What was drawn, counted (for tests: a frame in which nothing changed touches nothing). */
  readonly counts = { rows: 0, entries: 0, windows: 0, made: 0, scrolls: 0 };
  /** Lecture mode (the presenter attribute): larger text, so fewer characters in an entry. */
  presenter = false;
  /** What fits in an entry, measured from a drawn entry in the mode it was measured in; null:
   * not yet. */
  private fit: EntryFit | null = null;
  /** Per mode and count of index and term digits (`digitsKey`): whether the term wraps to the
   * second line. At most WRAP_KEYS_MAX (then learnt again). */
  private readonly wraps = new Map<string, boolean>();
  /** Entries drawn `tight` whose digits' case is not learnt yet, measured at the next frame's
   * clean layout (`learn`): at most one per case. */
  private readonly probes = new Map<string, HTMLElement>();
  /** What each entry drawn shows, for its sentence (`describe`). */
  private readonly entryInfo = new WeakMap<HTMLElement, EntryInfo>();
  /** The entry whose sentence was written last (under the pointer or focused): it follows
   * the entry's changes. */
  private described: HTMLElement | null = null;
  /** The mode the entries were drawn in: a change draws every entry again. */
  private drawnPresenter = false;

  /** `onScrolled`: the user scrolled the table; the columns now in view need a frame (paused,
   * none would come). */
  constructor(
    private readonly onSelectNode: (id: number) => void,
    private readonly onScrolled: () => void,
  ) {
    this.inner = h("div", { class: "logs-inner" });
    this.scroller = h("div", { class: "logs-scroll", role: "group", tabindex: 0, "aria-label": "Logs of all nodes, aligned by index: scroll sideways; arrow keys move between entries" }, this.inner);
    this.tip = h("div", { class: "entry-tip", role: "tooltip", hidden: true });
    this.el = h("div", { class: "logs" }, this.scroller, this.tip);
    // The geometry's one definition, handed to the stylesheet (logs.css). CSSOM, not a
    // style attribute (strict CSP).
    this.el.style.setProperty("--log-col-w", `${COL_W}px`);
    this.el.style.setProperty("--log-track-x", `${HEAD_W + TRACK_MARGIN}px`);
    this.el.style.setProperty("--log-head-geom", `${HEAD_W}px`);
    this.el.style.setProperty("--entry-mark-w", `${APPLIED_MARK_W}px`);
    this.scroller.addEventListener("scroll", () => {
      const s = this.scroller;
      this.scrollX = s.scrollLeft;
      if (this.programmaticScroll) {
        this.programmaticScroll = false;
        return;
      }
      // The newest in view (the table's own end, or the room scrolled into past it while
      // following: followNewest keeps that): follow again; anywhere else: the user looks
      // there, and the view stays (a step left of the end would snap a page back otherwise).
      this.follow = s.scrollLeft >= this.tableW - s.clientWidth - 1;
      this.onScrolled();
    });
    new ResizeObserver(() => {
      this.viewW = this.scroller.clientWidth || this.viewW;
    }).observe(this.scroller);
    // The full value of an entry on hover and on focus (one tooltip for all of them).
    const show = (ev: Event): void => {
      const e = ev.target instanceof Element ? (ev.target.closest(".entry") as HTMLElement | null) : null;
      if (e) this.showTip(e);
    };
    this.inner.addEventListener("mouseover", show);
    this.inner.addEventListener("focusin", show);
    this.inner.addEventListener("mouseleave", () => this.hideTip());
    this.inner.addEventListener("focusout", () => this.hideTip());
    this.scroller.addEventListener("keydown", (ev) => this.onKey(ev));
  }

  /** Highlight the entries (and rows) a safety violation involves; null: none. */
  setViolation(v: { nodes: number[]; indices: number[] } | null): void {
    this.violation = v ? { nodes: new Set(v.nodes), indices: new Set(v.indices) } : null;
    for (const row of this.rows) {
      row.key = "";
      row.headKey = "";
      row.keys.clear();
    }
  }

  reset(): void {
    this.inner.replaceChildren();
    this.rows = [];
    this.windows.clear();
    this.windowKey = "";
    this.follow = true;
    this.drawnFirst = 1;
    this.hideTip();
  }

  /** Show index `index` (a third into the view) and stop following. */
  jumpTo(index: number): void {
    this.follow = false;
    const target = Math.max(0, (index - this.first) * COL_W - (this.viewW - HEAD_W) / 3);
    this.pendingScroll = target;
    // A click happens between frames: the layout is clean, scroll now.
    this.applyScroll();
  }

  render(c: ClusterApi, state: ClusterState, sel: Selection): void {
    const nodes = state.nodes;
    if (nodes.length !== this.rows.length) this.build(nodes.length);
    if (this.presenter !== this.drawnPresenter) {
      this.drawnPresenter = this.presenter;
      for (const row of this.rows) row.keys.clear();
    }

    // Column 0 is index `first`: the lowest snapshot boundary (its block) or index 1.
    let base = Infinity;
    let last = 0;
    for (const nd of nodes) {
      base = Math.min(base, nd.snapshotIndex);
      last = Math.max(last, nd.lastLogIndex);
    }
    const first = base > 0 ? base : 1;
    this.first = first;
    this.last = last;
    const width = HEAD_W + TRACK_MARGIN + Math.max(1, last - first + 1) * COL_W + NEXT_ROOM;
    const viewW = this.viewW;
    const leader = state.leader !== null ? (nodes[state.leader - 1] ?? null) : null;
    const selNode = selectedNode(sel);

    // Column 0 moved (a snapshot on the shortest log): what was in view stays in view.
    const shifted = this.scrollX - (first - this.drawnFirst) * COL_W;
    this.drawnFirst = first;
    let scrollLeft = this.scrollX;
    if (this.follow) {
      const focus = this.focusIndex(nodes, leader, selNode);
      scrollLeft = focus === null ? followNewest(shifted, width, viewW) : Math.max(0, Math.min(width - viewW, (focus - first) * COL_W - (viewW - HEAD_W) / 3));
    }
    const firstVisible = Math.max(0, Math.floor(scrollLeft / COL_W) - OVERSCAN);
    const lastVisible = Math.ceil((scrollLeft + viewW - HEAD_W) / COL_W) + OVERSCAN;
    const lo = first + firstVisible;
    const hi = first + lastVisible;
    // Fully in view (the overscan aside): what the strip's window and the jump buttons use.
    // Column k starts TRACK_MARGIN + k * COL_W right of the heads' edge.
    const inLo = first + Math.max(0, Math.ceil((scrollLeft - TRACK_MARGIN) / COL_W));
    const inHi = first + Math.floor((scrollLeft + viewW - HEAD_W - TRACK_MARGIN) / COL_W) - 1;

    this.tableW = width;
    // A page ahead of the newest entry is room to scroll into; the width drawn is a whole
    // number of views (WIDTH_STEP_VIEWS).
    const step = Math.max(COL_W, Math.round(viewW * WIDTH_STEP_VIEWS));
    const widthPx = `${Math.ceil(Math.max(width, scrollLeft + viewW) / step) * step}px`;
    if (this.inner.style.width !== widthPx) this.inner.style.width = widthPx;

    // Only the entries drawn cross from Rust: one window per row that has any in view, asked
    // for again only when a log can have changed (every change of a log is persisted:
    // persistVersion; a jump or a fork) or the window moved.
    const ranges: [number, number, number][] = [];
    let key = `${c.persistVersion}/${c.jumps}/${c.forks}/${c.timelineVersion}`;
    for (const nd of nodes) {
      const from = Math.max(lo, nd.snapshotIndex + 1);
      const to = Math.min(hi, nd.lastLogIndex);
      key += `/${from}-${to}:${nd.lastLogTerm}`;
      if (from <= to) ranges.push([nd.id, from, to]);
    }
    if (key !== this.windowKey || this.cluster !== c) {
      this.windowKey = key;
      this.cluster = c;
      this.windows.clear();
      this.counts.windows++;
      if (ranges.length > 0) for (const w of c.logWindow(ranges)) this.windows.set(w.node, w.entries);
    }
    const windows = this.windows;

    for (const nd of nodes) {
      const row = this.rows[nd.id - 1];
      if (row) this.renderRow(row, nd, windows.get(nd.id) ?? [], first, last, inLo, inHi, leader, selNode === nd.id);
    }

    this.pendingScroll = this.follow && Math.abs(this.scrollX - scrollLeft) > 1 ? scrollLeft : null;
  }

  /** What the view follows: the selected row's divergence from the leader's log, or the
   * leader's nextIndex for it when it lags; else null (the newest entries, at the right). */
  private focusIndex(nodes: NodeView[], leader: NodeView | null, sel: number | null): number | null {
    const nd = sel !== null ? nodes[sel - 1] : undefined;
    if (!nd || !leader || nd.id === leader.id) return null;
    if (nd.divergesAt !== null) return nd.divergesAt;
    const next = leader.nextIndex?.[nd.id - 1];
    if (next !== undefined && next <= leader.lastLogIndex) return Math.max(next - 1, 1);
    return null;
  }

  /** A scroll waits for the next frame's clean layout: the element draws one more frame. */
  get scrollPending(): boolean {
    return this.pendingScroll !== null;
  }

  /** Applies the scroll that keeps what matters in view. Called at the start of a frame,
   * before anything is written: the layout is clean then, so scrolling costs nothing (setting
   * scrollLeft after changing the DOM would force a layout of the whole page). */
  applyScroll(): void {
    if (this.pendingScroll === null) return;
    this.programmaticScroll = true;
    this.counts.scrolls++;
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
      const strip: Strip = {
        el: h("div", { class: "log-strip", role: "button", tabindex: -1, "aria-label": `Overview of ${nodeName(id)}'s log: click to show that part` }),
        snap: h("span", { class: "ov-snap" }),
        log: h("span", { class: "ov-log" }),
        commit: h("span", { class: "ov-commit" }),
        diverge: h("span", { class: "ov-diverge", hidden: true }),
        next: h("span", { class: "ov-next", hidden: true }),
        view: h("span", { class: "ov-view" }),
      };
      strip.el.append(strip.snap, strip.log, strip.commit, strip.next, strip.diverge, strip.view);
      strip.el.addEventListener("click", (ev) => {
        const r = strip.el.getBoundingClientRect();
        const f = r.width > 0 ? (ev.clientX - r.left) / r.width : 0;
        this.jumpTo(Math.round(this.first + f * Math.max(0, this.last - this.first)));
      });
      const jump = h("button", { type: "button", class: "log-jump", hidden: true });
      const head = h("div", { class: "log-head" }, h("div", { class: "row-line" }, nameBtn, title), stats, strip.el);
      const snapLabel = h("span", { class: "snap-label" });
      const snap = h("div", { class: "snapshot", hidden: true }, snapLabel);
      const next = h("div", { class: "marker next", hidden: true }, "▼");
      const match = h("div", { class: "marker match", hidden: true }, "▲");
      const diverge = h("div", { class: "marker diverge", hidden: true }, "◆");
      const row: Row = { id, el: h("div"), head, badge, title, stats, strip, track: h("div"), snap, snapLabel, next, match, diverge, jump, jumpTo: 0, entries: new Map(), spares: [], keys: new Map(), headKey: "", key: "", shown: null, hovered: false };
      jump.addEventListener("click", () => this.jumpTo(row.jumpTo));
      // The pointer and the focus each keep the titles following until both have left.
      let pointer = false;
      let focus = false;
      const hover = (set: () => void) => () => {
        set();
        row.hovered = pointer || focus;
        if (row.hovered) this.titleRow(row);
      };
      head.addEventListener("pointerenter", hover(() => (pointer = true)));
      head.addEventListener("pointerleave", hover(() => (pointer = false)));
      head.addEventListener("focusin", hover(() => (focus = true)));
      head.addEventListener("focusout", hover(() => (focus = false)));
      row.track = h("div", { class: "log-track" }, snap, next, match, diverge);
      // The jump button sits in a zero-width column stuck beside the head: at the view's left
      // edge wherever the table is scrolled, taking no room.
      row.el = h("div", { class: "log-row", "data-log-node": id }, head, h("div", { class: "log-aside" }, jump), row.track);
      this.inner.append(row.el);
      this.rows.push(row);
    }
  }

  private renderRow(
    row: Row,
    nd: NodeView,
    entries: LogEntryView[],
    first: number,
    last: number,
    inLo: number,
    inHi: number,
    leader: NodeView | null,
    selected: boolean,
  ): void {
    const x = (index: number) => (index - first) * COL_W;
    // The leader's view of this node, and where it parts from the leader's log.
    const other = leader !== null && leader.id !== nd.id;
    const nextI = other ? leader.nextIndex?.[nd.id - 1] : undefined;
    const matchI = other ? leader.matchIndex?.[nd.id - 1] : undefined;
    this.renderEntries(row, nd, entries, x, leader);
    const violated = this.violation?.nodes.has(nd.id) ?? false;
    // The head: what the node is, under its own key (unchanged, not touched).
    const headKey = [nd.commitIndex, nd.lastApplied, nd.snapshotIndex, nd.snapshotTerm, nd.lastLogIndex, nd.divergesAt, nd.alive, nd.connected, nd.shownRole, nd.role, nd.term, nd.votedFor, selected, violated].join("/");
    row.shown = { nd, inLo, inHi, nextI };
    if (row.hovered) this.titleRow(row);
    if (headKey !== row.headKey) {
      row.headKey = headKey;
      this.counts.rows++;
      setAttr(row.el, "data-commit-index", nd.commitIndex);
      setAttr(row.el, "data-last-applied", nd.lastApplied);
      setAttr(row.el, "data-snapshot-index", nd.snapshotIndex);
      setAttr(row.el, "data-snapshot-term", nd.snapshotTerm);
      setAttr(row.el, "data-last-index", nd.lastLogIndex);
      setAttr(row.el, "data-diverges-at", nd.divergesAt);
      toggleClass(row.el, "crashed", !nd.alive);
      toggleClass(row.el, "selected", selected);
      setAttr(row.el, "data-violation", String(violated));
      setAttr(row.badge, "data-role", nd.shownRole);
      setText(row.badge, roleLetter(nd));
      setText(row.title, `term ${nd.term}${nd.connected ? "" : " · cut off"}`);
      setText(row.stats, `commitIndex ${nd.commitIndex}\nlastApplied ${nd.lastApplied}`);
    }
    // The rest (the snapshot block, the markers, the strip, the jump button) moves with the
    // table's extent and the view as well.
    const key = [headKey, first, last, inLo, inHi, leader?.id, nextI, matchI].join("/");
    if (key === row.key) return;
    row.key = key;

    // Snapshot block: indices first..snapshotIndex.
    if (nd.snapshotIndex > 0) {
      setHidden(row.snap, false);
      const spanCols = nd.snapshotIndex - first + 1;
      const w = `${spanCols * COL_W - 6}px`;
      if (row.snap.style.width !== w) row.snap.style.width = w;
      // Short, and at the block's right end (what stays in view when the log scrolls on).
      const narrow = spanCols < 3;
      setText(row.snapLabel, narrow ? `≤${nd.snapshotIndex}\nT${nd.snapshotTerm}` : `≤${nd.snapshotIndex} · T${nd.snapshotTerm}`);
      setAttr(row.snap, "title", `Snapshot: entries 1..${nd.snapshotIndex} compacted (lastIncludedIndex ${nd.snapshotIndex}, lastIncludedTerm ${nd.snapshotTerm})`);
      toggleClass(row.snap, "narrow", narrow);
    } else {
      setHidden(row.snap, true);
    }

    const lname = leader ? nodeName(leader.id) : "";
    this.marker(row.next, nextI, first, "▼ nextIndex", `leader ${lname}: nextIndex[${nodeName(nd.id)}] = ${nextI}`);
    this.marker(row.match, matchI, first, "▲ matchIndex", `leader ${lname}: matchIndex[${nodeName(nd.id)}] = ${matchI}`);
    this.marker(row.diverge, nd.divergesAt ?? undefined, first, "◆", `${nodeName(nd.id)}'s log parts from leader ${lname}'s at index ${nd.divergesAt}`);

    // The overview strip: the whole log, scaled to first..last.
    const span = Math.max(1, last - first + 1);
    // Percentages rounded to 0.1: the style is written only when it changes.
    const at = (i: number) => Math.round((Math.max(0, Math.min(span, i - first + 1)) / span) * 1000) / 10;
    const pct = (i: number) => `${at(i)}%`;
    const fromRight = (i: number) => `${Math.round((100 - at(i)) * 10) / 10}%`;
    setStyle(row.strip.snap, "width", pct(nd.snapshotIndex));
    setStyle(row.strip.log, "left", pct(nd.snapshotIndex));
    setStyle(row.strip.log, "right", fromRight(nd.lastLogIndex));
    setStyle(row.strip.commit, "left", pct(nd.commitIndex));
    setHidden(row.strip.diverge, nd.divergesAt === null);
    if (nd.divergesAt !== null) setStyle(row.strip.diverge, "left", pct(nd.divergesAt - 1));
    setHidden(row.strip.next, nextI === undefined);
    if (nextI !== undefined) setStyle(row.strip.next, "left", pct(nextI - 1));
    setStyle(row.strip.view, "left", pct(inLo - 1));
    setStyle(row.strip.view, "right", fromRight(inHi));

    // Out of view: a button that shows it (the divergence first, else the last entry).
    const target = nd.divergesAt !== null && (nd.divergesAt < inLo || nd.divergesAt > inHi) ? nd.divergesAt : nd.lastLogIndex > nd.snapshotIndex && (nd.lastLogIndex < inLo || nd.lastLogIndex > inHi) ? nd.lastLogIndex : null;
    setHidden(row.jump, target === null);
    if (target !== null) {
      row.jumpTo = target;
      const dir = target < inLo ? "◀" : "▶";
      const what = target === nd.divergesAt ? `parts from the leader at ${target}` : `last entry ${target}`;
      setText(row.jump, `${dir} ${what}`);
      setAttr(row.jump, "title", `Show ${nodeName(nd.id)}'s ${target === nd.divergesAt ? `first entry that differs from the leader's log (index ${target})` : `last entry (index ${target})`}`);
      toggleClass(row.jump, "right", dir === "▶");
    }
  }

  /** The row's head and strip titles (what hovering them shows): long sentences written only
   * while the pointer or focus is on the row's head, not whenever the table grows. */
  private titleRow(row: Row): void {
    const shown = row.shown;
    if (!shown) return;
    const { nd, inLo, inHi, nextI } = shown;
    setAttr(
      row.head,
      "title",
      `${nodeName(nd.id)}: ${roleWords(nd)}, term ${nd.term}, votedFor ${nd.votedFor === null ? "—" : nodeName(nd.votedFor)}, log ${nd.snapshotIndex + 1}..${nd.lastLogIndex}${nd.snapshotIndex > 0 ? ` after a snapshot to ${nd.snapshotIndex}` : ""}, commitIndex ${nd.commitIndex}, lastApplied ${nd.lastApplied}${nd.divergesAt !== null ? `, parts from the leader's log at ${nd.divergesAt}` : ""}`,
    );

    setAttr(
      row.strip.el,
      "title",
      `${nodeName(nd.id)}'s log: ${nd.snapshotIndex > 0 ? `snapshot to ${nd.snapshotIndex}, ` : ""}entries to ${nd.lastLogIndex}, commitIndex ${nd.commitIndex}${nd.divergesAt !== null ? `, parts from the leader's log at ${nd.divergesAt}` : ""}${nextI !== undefined ? `, leader's nextIndex ${nextI}` : ""}; in view ${inLo}..${inHi}. Click to show that part.`,
    );
  }

  /** The entries in view (the window Rust gave for this row): created, moved or redrawn only
   * when what one shows changed (its key). An entry that left the view is given to one that
   * came into it (as the view follows the log, one leaves on the left as one comes on the
   * right): making and dropping them was most of the log table's layout work under load. */
  private renderEntries(row: Row, nd: NodeView, entries: LogEntryView[], x: (index: number) => number, leader: NodeView | null): void {
    const shown = new Set<number>();
    for (const entry of entries) shown.add(entry.index);
    const free: HTMLElement[] = [];
    const active = (this.el.getRootNode() as Document | ShadowRoot).activeElement;
    for (const [index, el] of row.entries) {
      if (shown.has(index)) continue;
      row.entries.delete(index);
      row.keys.delete(index);
      // The focused entry is not taken for another index: it goes, as focus would expect.
      if (el === active) el.remove();
      else free.push(el);
    }
    for (const entry of entries) {
      let el = row.entries.get(entry.index);
      if (!el) {
        el = free.pop();
        if (!el) {
          el = row.spares.pop();
          if (el) el.className = "entry";
        }
        if (el) el.setAttribute("data-index", String(entry.index));
        else {
          this.counts.made++;
          el = h(
            "div",
            { class: "entry", "data-node": nd.id, "data-index": entry.index, tabindex: -1 },
            h("span", { class: "e-index" }),
            h("span", { class: "e-term" }),
            h("span", { class: "e-cmd" }),
          );
          row.track.append(el);
        }
        row.entries.set(entry.index, el);
      }
      // Placed apart from what it shows: column 0 moving (a snapshot) moves every entry but
      // redraws none.
      const left = `${x(entry.index)}px`;
      if (el.style.left !== left) el.style.left = left;
      const k = entryKey(entry, nd, leader, this.violation !== null && this.violation.nodes.has(nd.id) && this.violation.indices.has(entry.index));
      if (row.keys.get(entry.index) === k) continue;
      row.keys.set(entry.index, k);
      this.counts.entries++;
      this.updateEntry(el, entry, nd, leader);
    }
    for (const el of free) {
      if (row.spares.length >= ENTRY_SPARES_MAX) {
        el.remove();
        continue;
      }
      // Hidden where it is (logs.css: laid out as an entry, not drawn): nothing is laid out
      // again when it is taken.
      el.className = "entry-spare";
      row.spares.push(el);
    }
  }

  /** Learns what fits in an entry from the entries drawn `tight` in the last frame (see
   * EntryFit). Called at the start of a frame, when the layout is clean (reading it then costs
   * nothing); when something was learnt, every entry is drawn again in that frame. */
  learn(): void {
    if (this.probes.size === 0) return;
    let learnt = false;
    for (const el of this.probes.values()) {
      const [index, term, cmd] = [...el.children] as HTMLElement[];
      if (!el.isConnected || !index || !term || !cmd || el.clientWidth === 0) continue;
      // The case it shows now (an entry leaving the view is given to one coming into it).
      const key = digitsKey(this.presenter, Number(el.getAttribute("data-index")), Number(el.getAttribute("data-term")));
      if (this.wraps.size >= WRAP_KEYS_MAX) this.wraps.clear();
      this.wraps.set(key, term.offsetTop > index.offsetTop);
      learnt = true;
      if (this.fit?.presenter !== this.presenter) {
        const box = getComputedStyle(el);
        const width = el.clientWidth - parseFloat(box.paddingLeft) - parseFloat(box.paddingRight);
        const ch = monoCharWidth(cmd, this.el.ownerDocument);
        if (width > 0 && ch > 0) {
          const mark = this.presenter ? 0 : APPLIED_MARK_W;
          this.fit = { presenter: this.presenter, chars: Math.max(1, Math.floor(width / ch)), charsApplied: Math.max(1, Math.floor((width - mark) / ch)) };
        }
      }
    }
    this.probes.clear();
    if (learnt) for (const row of this.rows) row.keys.clear();
  }

  /** Learning waits for the next frame: the element draws one more. */
  get learnPending(): boolean {
    return this.probes.size > 0;
  }

  /** Draws entry `el`'s command: cut to what fits, left out when the term wraps, or, while
   * either is not learnt yet, whole in a `tight` (clipped) entry that is measured next frame. */
  private drawCommand(el: HTMLElement, entry: LogEntryView, applied: boolean): void {
    const key = digitsKey(this.presenter, entry.index, entry.term);
    const wraps = this.wraps.get(key);
    const fit = this.fit?.presenter === this.presenter ? this.fit : null;
    const known = wraps !== undefined && fit !== null;
    toggleClass(el, "tight", !known);
    if (!known) {
      setText(el.children[2]!, entry.command);
      if (!this.probes.has(key)) this.probes.set(key, el);
      return;
    }
    setText(el.children[2]!, wraps ? "" : fitCommand(entry.command, applied ? fit.charsApplied : fit.chars));
  }

  private marker(el: HTMLElement, index: number | undefined, first: number, name: string, title: string): void {
    if (index === undefined) {
      setHidden(el, true);
      return;
    }
    setHidden(el, false);
    setStyle(el, "left", `${Math.max(0, index - first) * COL_W}px`);
    setText(el, name);
    setAttr(el, "title", title);
  }

  private updateEntry(el: HTMLElement, entry: LogEntryView, nd: NodeView, leader: NodeView | null): void {
    const committed = entry.index <= nd.commitIndex;
    // Above commitIndex and older than the leader's term: it waits for an entry of the
    // leader's own term (a leader commits by counting replicas only those: Figure 8, §5.4.2).
    const waits = !committed && leader !== null && entry.term < leader.term;
    const involved = this.violation !== null && this.violation.nodes.has(nd.id) && this.violation.indices.has(entry.index);
    const diverged = nd.divergesAt !== null && entry.index >= nd.divergesAt;
    setAttr(el, "data-waits-current-term", String(waits));
    setAttr(el, "data-violation", String(involved));
    setAttr(el, "data-diverged", String(diverged));
    const applied = entry.index <= nd.lastApplied;
    setText(el.children[0]!, String(entry.index));
    this.drawCommand(el, entry, applied);
    if (el.getAttribute("data-term") !== String(entry.term) || el.dataset["cmd"] !== entry.command) {
      setAttr(el, "data-term", entry.term);
      el.dataset["cmd"] = entry.command;
      el.style.setProperty("--fill", termFill(entry.term));
      el.style.setProperty("--ink", termInk(entry.term));
      setText(el.children[1]!, `T${entry.term}`);
    }
    // The whole command is on hover and focus (title, tooltip) and in data-cmd; "0701" typed
    // and the bytes 07 01 have the same data-cmd.
    toggleClass(el.children[2]!, "hex", entry.commandHex);
    setAttr(el, "data-committed", String(committed));
    setAttr(el, "data-applied", String(applied));
    // Its sentence (title and accessible name) is written when the pointer or focus comes to
    // it (`describe`), not for every entry whenever one changes.
    this.entryInfo.set(el, { entry, nd, leader, committed, applied, waits, involved, diverged });
    if (el === this.described) this.describe(el);
    else if (el.hasAttribute("title")) {
      // Said for what it showed before (another index, or before this change): never stale.
      el.removeAttribute("title");
      el.removeAttribute("aria-label");
    }
  }

  /** Writes entry `el`'s title and accessible name: its index, term, whole command and what
   * it waits for. */
  private describe(el: HTMLElement): void {
    const info = this.entryInfo.get(el);
    if (!info) return;
    this.described = el;
    const { entry, nd, leader, committed, applied, waits, involved, diverged } = info;
    const text = `index ${entry.index}, term ${entry.term}: ${fullCommand(entry)}\n${committed ? "committed" : "not committed"}${applied ? ", applied" : ""}${
      diverged ? `\nDiffers from leader ${leader ? nodeName(leader.id) : ""}'s log from index ${nd.divergesAt}.` : ""
    }${
      waits
        ? `\nWaits for an entry of leader ${nodeName(leader!.id)}'s own term ${leader!.term}: a leader commits by counting replicas only entries of its own term, and this term-${entry.term} entry is committed with the first of them (Figure 8, §5.4.2). Stored on a majority is not enough: a later leader could still overwrite it.`
        : ""
    }${involved ? "\nInvolved in the safety violation shown." : ""}`;
    setAttr(el, "title", text);
    setAttr(el, "aria-label", `${nodeName(nd.id)} ${text}`);
  }

  private showTip(entry: HTMLElement): void {
    this.describe(entry);
    const text = entry.getAttribute("title");
    if (!text) return;
    setText(this.tip, text);
    this.tip.hidden = false;
    // Below the entry, inside the logs panel (positions from the event, not per frame).
    const box = this.el.getBoundingClientRect();
    const r = entry.getBoundingClientRect();
    setStyle(this.tip, "left", `${Math.max(0, Math.min(r.left - box.left, box.width - 300))}px`);
    setStyle(this.tip, "top", `${r.bottom - box.top + 4}px`);
  }

  private hideTip(): void {
    this.tip.hidden = true;
  }

  /** Arrow keys move between entries (left / right in a row, up / down the same index). */
  private onKey(ev: KeyboardEvent): void {
    const cur = ev.target instanceof HTMLElement && ev.target.classList.contains("entry") ? ev.target : null;
    const keys: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    const d = keys[ev.key];
    if (!d) return;
    let node: number;
    let index: number;
    if (cur) {
      node = Number(cur.dataset["node"]) + d[0];
      index = Number(cur.dataset["index"]) + d[1];
    } else {
      // From the table itself: the first entry drawn of the first row that has one.
      const any = this.inner.querySelector<HTMLElement>(".entry");
      if (!any) return;
      any.focus();
      ev.preventDefault();
      return;
    }
    const row = this.rows[node - 1];
    const next = row?.entries.get(index);
    ev.preventDefault();
    ev.stopPropagation();
    if (next) {
      next.focus();
    } else if (row && d[1] !== 0) {
      this.jumpTo(index);
    }
  }
}

/** What an entry shows, as one string: the same key, the same DOM (`updateEntry` reads no
 * more than this). */
function entryKey(entry: LogEntryView, nd: NodeView, leader: NodeView | null, involved: boolean): string {
  const committed = entry.index <= nd.commitIndex;
  const waits = !committed && leader !== null && entry.term < leader.term;
  const diverged = nd.divergesAt !== null && entry.index >= nd.divergesAt;
  return `${entry.term}|${entry.commandHex}|${committed}|${entry.index <= nd.lastApplied}|${waits ? `${leader!.id}.${leader!.term}` : ""}|${diverged ? `${leader?.id}.${nd.divergesAt}` : ""}|${involved}|${entry.command}`;
}

/** The scroll that follows the newest entries from scroll `x`: `x` while the newest (at the
 * right end of a table `width` wide) is in a view `viewW` wide and no more than a page (and a
 * column) of room is left after it, else the newest about a page from the view's right edge,
 * with the first column in view whole beside the row heads. */
function followNewest(x: number, width: number, viewW: number): number {
  const end = width - viewW;
  if (end <= 0) return 0;
  // The newest entry comes to about FOLLOW_PAGE_FRACTION of the view (NEXT_ROOM is already
  // room after it): a narrow view (a phone) keeps it at the right edge, as without pages.
  const page = Math.max(0, Math.floor(((viewW - HEAD_W) * FOLLOW_PAGE_FRACTION - NEXT_ROOM) / COL_W) * COL_W);
  // No room for a page: the newest at the right edge, as the log grows.
  if (page === 0) return end;
  if (x >= end && x <= end + page + COL_W) return x;
  // Column k starts at HEAD_W + TRACK_MARGIN + k * COL_W: scrolled by TRACK_MARGIN less a
  // gap plus whole columns, one starts just right of the heads.
  const edge = TRACK_MARGIN - 4;
  return edge + Math.ceil((end + page - edge) / COL_W) * COL_W;
}

function setStyle(el: HTMLElement, prop: "left" | "right" | "width" | "top", value: string): void {
  if (el.style[prop] !== value) el.style[prop] = value;
}

function roleLetter(nd: NodeView): string {
  switch (nd.shownRole) {
    case "crashed":
      return "✕";
    case "leader":
      return "L";
    case "stale-leader":
      return "L?";
    case "candidate":
      return "C";
    default:
      return "F";
  }
}

function roleWords(nd: NodeView): string {
  switch (nd.shownRole) {
    case "crashed":
      return `crashed (was ${nd.role})`;
    case "stale-leader":
      return "stale leader (a lower term, or cut off from a majority)";
    default:
      return nd.role;
  }
}
