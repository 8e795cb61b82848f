// What the element tells the outside: DOM events with a typed `detail` for course pages
// (leader-elected, committed, crashed, restarted, partitioned, healed, violation, and
// raft-event for every event), and a polite ARIA live region that narrates elections,
// crashes and (at most every few seconds) commits, never every heartbeat.
import type { ClusterEvent, RaftClusterEventMap } from "./api";
import { h, nodeName } from "./dom";

/** Real ms between two narrated commits at most once. */
const COMMIT_NARRATION_MS = 5000;
/** Lines the live region keeps (older ones are removed). */
const LIVE_LINES_MAX = 3;

export class Narrator {
  readonly live: HTMLElement;
  private lastCommitSaid = -Infinity;

  constructor(private readonly target: EventTarget) {
    this.live = h("div", { class: "visually-hidden", role: "log", "aria-live": "polite", "aria-label": "Narration" });
  }

  private emit<K extends keyof RaftClusterEventMap>(type: K, detail: RaftClusterEventMap[K]["detail"]): void {
    this.target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
  }

  private say(text: string): void {
    this.live.append(h("p", {}, text));
    while (this.live.childElementCount > LIVE_LINES_MAX) this.live.firstElementChild?.remove();
  }

  /** This frame's new events (oldest first); `now` is real time. */
  events(events: readonly ClusterEvent[], now: number): void {
    for (const ev of events) {
      this.emit("raft-event", ev);
      const node = ev.node;
      switch (ev.kind) {
        case "becameLeader":
          if (node !== null) {
            this.emit("leader-elected", { node, term: ev.term ?? 0, timeMs: ev.timeMs });
            this.say(`${nodeName(node)} became leader in term ${ev.term ?? "?"}.`);
          }
          break;
        case "commit":
          this.emit("committed", { node, index: ev.index ?? 0, term: ev.term, timeMs: ev.timeMs });
          if (now - this.lastCommitSaid >= COMMIT_NARRATION_MS) {
            this.lastCommitSaid = now;
            this.say(`Committed up to index ${ev.index ?? "?"}.`);
          }
          break;
        case "crash":
          if (node !== null) {
            this.emit("crashed", { node, timeMs: ev.timeMs });
            this.say(`${nodeName(node)} crashed.`);
          }
          break;
        case "restart":
          if (node !== null) {
            this.emit("restarted", { node, timeMs: ev.timeMs });
            this.say(`${nodeName(node)} restarted.`);
          }
          break;
        case "partition":
          this.emit("partitioned", { text: ev.text, timeMs: ev.timeMs });
          this.say(ev.text);
          break;
        case "heal":
          this.emit("healed", { timeMs: ev.timeMs });
          this.say("The network was healed.");
          break;
        default:
          break;
      }
    }
  }

  violation(message: string, timeMs: number): void {
    this.emit("violation", { message, timeMs });
    this.say(`Raft safety violated: ${message}`);
  }

  ready(nodes: number, seed: string, restored: boolean): void {
    this.emit("cluster-ready", { nodes, seed, restored });
  }
}
