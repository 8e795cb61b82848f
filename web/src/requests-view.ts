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
  /** Status per request ("index/term/atMs"), to say each settlement once. */
  private said = new Map<string, string>();

  constructor(private readonly host: RequestsHost) {
    this.list = h("ol", { class: "requests" });
    this.el = h("div", { class: "requests-view" }, h("p", { class: "hint" }, "Client requests: pending until committed or lost"), this.list);
  }

  reset(): void {
    this.of = null;
    this.pendingFrom = Infinity;
    this.said.clear();
    this.list.replaceChildren();
  }

  /** Once per frame. */
  render(f: Frame): void {
    let commitIndex = 0;
    for (const nd of f.state.nodes) commitIndex = Math.max(commitIndex, nd.commitIndex);
    this.sync(f.c, f.state.nowMs, f.events, commitIndex);
  }

  /** `commitIndex`: the highest any node has (a commit below the oldest pending request's
   * index settles none). */
  sync(c: ClusterApi, nowMs: number, events: readonly { kind: EventKind }[] = [], commitIndex = Infinity): void {
    const fresh = c !== this.of || c.timelineVersion !== this.version || c.jumps !== this.jumps;
    const settling = this.pending && events.some((e) => SETTLING.has(e.kind) || (e.kind === "commit" && commitIndex >= this.pendingFrom));
    if (!fresh && !settling) return;
    const jumped = c === this.of && c.jumps !== this.jumps;
    this.of = c;
    this.version = c.timelineVersion;
    this.jumps = c.jumps;
    const v = c.requests();
    this.pending = v.requests.some((r) => r.status === "pending");
    this.pendingFrom = Math.min(Infinity, ...v.requests.filter((r) => r.status === "pending").map((r) => r.index));
    const newest = v.requests[v.requests.length - 1];
    for (const r of v.requests) {
      const key = `${r.index}/${r.term}/${r.atMs}`;
      const before = this.said.get(key);
      if (before !== r.status) {
        this.said.set(key, r.status);
        // Settled while playing on (not by a jump): say it.
        if (before === "pending" && r.status !== "pending" && !jumped) this.host.info(`At ${fmtTime(nowMs)}: ${r.text ?? c.requestText(r.index, r.term) ?? ""}`);
        if (r === newest && before !== undefined) this.host.reply(r.text ?? "");
      }
    }
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
