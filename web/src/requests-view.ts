// Client requests, tracked: each request this page sent and a leader accepted is pending until
// committed or lost (`Cluster.requests()`, the session's tracking). When one is settled the
// status line says which and why, and the Command form's reply (read by screen readers)
// follows the newest request; the list is in the State machines popover. The Cluster is asked
// only after the run changed (an input, a jump, a new cluster) or, while a request is pending,
// in a frame with an event that can settle one (a commit, a truncation, a leader change).
// Only the requests listed carry their sentence (Rust's REQUESTS_SHOWN_MAX); an older one's
// is asked for when it settles (`requestText`).
import type { ClusterApi, EventKind, TrackedRequestView } from "./api";
import { fmtTime, h, nodeName, setAttr, setText } from "./dom";
import type { Frame } from "./frame";
import { REQUESTS_SHOWN_MAX } from "./limits";

/** The events after which a pending request may be committed or lost (a commit only once a
 * node's commitIndex reached the oldest pending index: `pendingFrom`). */
const SETTLING: ReadonlySet<EventKind> = new Set<EventKind>(["truncate", "steppedDown", "becameLeader", "crash", "restart", "snapshot", "installSnapshot"]);

/** While playing, the list is asked for at most this often (real ms): under a client load
 * every request (an input) and nearly every commit would ask for it (Rust works out every
 * tracked request's status) in most frames; a settled request is said at most this late. */
const REQUESTS_SYNC_MS_MIN = 200;

export interface RequestsHost {
  info(message: string): void;
  /** The reply of the Command form: the newest request's status. */
  reply(text: string): void;
}

export class RequestsWatch {
  /** The list (for the State machines popover). */
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private of: ClusterApi | null = null;
  private version = -1;
  private jumps = -1;
  private pending = false;
  /** The lowest index of a pending request (Infinity: none). */
  private pendingFrom = Infinity;
  /** Status per request tracked ("index/term/atMs"), to say each settlement once. */
  private said = new Map<string, string>();
  /** An input or a settling event came since the list was last asked for. */
  private due = false;
  /** When the list was last asked for (the frame's real ms). */
  private syncedAt = -Infinity;
  /** The moment shown (virtual ms) when the list was last asked for. */
  private syncedNowMs = -Infinity;
  /** Times the list was asked for (for tests: not in every frame under load). */
  asked = 0;

  constructor(private readonly host: RequestsHost) {
    this.list = h("ol", { class: "requests" });
    this.el = h("div", { class: "requests-view" }, h("p", { class: "hint" }, "Client requests: pending until committed or lost"), this.list);
  }

  reset(): void {
    this.of = null;
    this.due = false;
    this.syncedAt = -Infinity;
    this.syncedNowMs = -Infinity;
    this.pendingFrom = Infinity;
    this.said.clear();
    this.list.replaceChildren();
  }

  /** Once per frame: the list is asked for again after a jump or a new cluster at once; after
   * an input or an event that can settle a request at most every REQUESTS_SYNC_MS_MIN while
   * playing. */
  render(f: Frame): void {
    const c = f.c;
    let commitIndex = 0;
    for (const nd of f.state.nodes) commitIndex = Math.max(commitIndex, nd.commitIndex);
    this.due ||= c.timelineVersion !== this.version;
    for (const e of f.events) {
      // A request made (or replayed after a seek back, which is no new input), or one that
      // can settle a pending request (a commit below the oldest pending index settles none).
      if (e.kind === "request" || (this.pending && (SETTLING.has(e.kind) || (e.kind === "commit" && commitIndex >= this.pendingFrom)))) this.due = true;
    }
    const moved = c !== this.of || c.jumps !== this.jumps;
    if (!moved && (!this.due || (f.playing && f.t - this.syncedAt < REQUESTS_SYNC_MS_MIN))) return;
    this.due = false;
    this.syncedAt = f.t;
    this.sync(c, f.state.nowMs);
  }

  /** Asks for the list and says what settled since it was last asked for. */
  private sync(c: ClusterApi, nowMs: number): void {
    const jumped = c === this.of && c.jumps !== this.jumps;
    const first = c !== this.of;
    this.of = c;
    this.version = c.timelineVersion;
    this.jumps = c.jumps;
    this.asked++;
    const v = c.requests();
    this.pending = v.requests.some((r) => r.status === "pending");
    this.pendingFrom = Math.min(Infinity, ...v.requests.filter((r) => r.status === "pending").map((r) => r.index));
    const newest = v.requests[v.requests.length - 1];
    // Only the requests tracked now are remembered (at most the tracked maximum).
    const was = this.said;
    this.said = new Map();
    for (const r of v.requests) {
      const key = `${r.index}/${r.term}/${r.atMs}`;
      // One made since the list was last asked for was pending then (playing on, it can
      // settle before the list is asked for again).
      const before = was.get(key) ?? (first || jumped || r.atMs < this.syncedNowMs ? undefined : "pending");
      this.said.set(key, r.status);
      if (before !== r.status) {
        // Settled while playing on (not by a jump): say it.
        if (before === "pending" && r.status !== "pending" && !jumped) this.host.info(`At ${fmtTime(nowMs)}: ${r.text ?? c.requestText(r.index, r.term) ?? ""}`);
        if (r === newest && before !== undefined) this.host.reply(r.text ?? "");
      }
    }
    this.syncedNowMs = nowMs;
    this.draw(v.requests, v.omitted);
  }

  private draw(list: TrackedRequestView[], omitted: number): void {
    // The newest: those with their sentence.
    const shown = list.slice(-REQUESTS_SHOWN_MAX);
    while (this.list.children.length > shown.length) this.list.lastElementChild?.remove();
    shown.forEach((r, i) => {
      let li = this.list.children[i] as HTMLElement | undefined;
      if (!li) {
        li = h("li", { class: "request" });
        this.list.append(li);
      }
      setAttr(li, "data-status", r.status);
      setText(li, `${fmtTime(r.atMs)} ${nodeName(r.leader)}: ${r.text ?? ""}`);
    });
    setAttr(this.list, "title", omitted > 0 ? `${omitted} older requests are no longer tracked (at most 64)` : null);
  }
}
