// The frame loop's one value: what the cluster is at the moment drawn, asked for once per
// frame and handed to every view (`FrameView.render`), so no view asks the Cluster for the
// same thing again. One requestAnimationFrame callback drives every instance on the page
// (`requestSharedFrame`): first each applies what needs a clean layout (scrolling), then each
// draws; separate callbacks would interleave DOM writes and layout reads across instances.
import type { ClusterApi, ClusterEvent, ClusterState } from "./api";
import type { Selection } from "./selection";

export interface Frame {
  readonly c: ClusterApi;
  readonly state: ClusterState;
  /** Events since the last frame, oldest first (each handed out once by the Cluster). */
  readonly events: readonly ClusterEvent[];
  /** The moment shown jumped (a seek, a step) since the last frame: draw afresh. */
  readonly jumped: boolean;
  /** The run's timeline changed (an input, a marker, a fork) since the last frame. */
  readonly runChanged: boolean;
  /** Virtual ms drawn: state.nowMs plus the clock's fraction while playing. */
  readonly vt: number;
  /** The frame's real timestamp (requestAnimationFrame's). */
  readonly t: number;
  readonly playing: boolean;
  readonly selection: Selection;
  /** The text panels draw in this frame: the logs table, the event log. Both when paused,
   * after a jump or when asked (a scroll of the table, a new selection); while playing on
   * time alone each at most every PANELS_FRAME_MS_MIN, one of them a frame, on the
   * instance's turn (`FrameClient.frame`). */
  readonly drawLogs: boolean;
  readonly drawEvents: boolean;
}

/** While playing, the text panels are drawn at most this often (real ms): ten times a second
 * is live to the eye and readable, and their layout is most of a frame's browser work under a
 * client load (measure.mjs three: three instances under 20 requests/s each laid out the whole
 * page at nearly every frame). The ring moves every frame. */
export const PANELS_FRAME_MS_MIN = 100;

/** A view of the cluster: draws one frame. */
export interface FrameView {
  render(f: Frame): void;
}

/** What the shared callback drives. */
export interface FrameClient {
  beforeFrame(): void;
  /** `panelsTurn`: this instance's turn to draw its text panels if they are due (one
   * instance a frame when several are on the page, so no frame lays out all of them). */
  frame(t: number, panelsTurn: boolean): void;
}

const pending = new Set<FrameClient>();
let sharedRaf = 0;
/** Shared frames run (whose turn it is to draw its panels: round robin over the batch). */
let sharedFrames = 0;

export function requestSharedFrame(el: FrameClient): void {
  pending.add(el);
  if (sharedRaf === 0) sharedRaf = requestAnimationFrame(runSharedFrame);
}

export function cancelSharedFrame(el: FrameClient): void {
  pending.delete(el);
}

function runSharedFrame(t: number): void {
  sharedRaf = 0;
  const batch = [...pending];
  pending.clear();
  for (const el of batch) el.beforeFrame();
  const turn = sharedFrames++ % batch.length;
  batch.forEach((el, i) => el.frame(t, i === turn));
}

/** Calls `fn` only when `key` differs from the last call's: for what does not change every
 * frame (the rules, the scenario's step), so it is not asked for again. */
export class Changed {
  private last: unknown[] | null = null;

  /** True (and remembers the key) when any part of `key` changed since the last true. */
  check(...key: unknown[]): boolean {
    const was = this.last;
    if (was && was.length === key.length && was.every((v, i) => v === key[i])) return false;
    this.last = key;
    return true;
  }

  reset(): void {
    this.last = null;
  }
}
