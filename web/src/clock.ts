// The virtual clock. JavaScript owns time: each animation frame the page asks the clock how
// many virtual milliseconds to advance the cluster by (real elapsed ms × speed). Two caps keep
// a slow or throttled frame from freezing the page with a huge catch-up: real elapsed time per
// frame is capped, and so is virtual time per frame. Nothing advances while paused or while
// the document is hidden.
//
// The cluster is advanced in whole milliseconds; the fraction left over is kept (`residualMs`)
// so slow motion (0.01x moves 0.16 virtual ms per frame) still adds up, and the renderer can
// draw messages at nowMs + residualMs for smooth movement.

/** Speeds offered by the speed control, slow motion to fast. */
export const SPEEDS: readonly number[] = [0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10];
/** Watchable: the default network takes 20..60 virtual ms per message, so a message crosses
 * in 0.2..0.6 s of real time and a heartbeat (every 100 ms) leaves once a second. */
export const DEFAULT_SPEED = 0.1;
/** Slow motion: at this speed and below, frames drawn only because time passes come at most
 * every SLOW_MOTION_FRAME_MS_MIN real ms (30 a second on a 60 Hz display): a message crossing
 * at 0.1× still takes 6 to 18 of them, and the page's CPU halves (README, "Frame cost"). */
export const SLOW_MOTION_SPEED_MAX = 0.3;
/** Real ms between two frames drawn for time passing in slow motion, at least (a little under
 * two 60 Hz frames, so that every other one is drawn despite timestamp jitter). */
export const SLOW_MOTION_FRAME_MS_MIN = 30;
/** How much before SLOW_MOTION_FRAME_MS_MIN the next slow-motion frame is asked for: after the
 * display frame in between has begun, before the one wanted. */
export const SLOW_MOTION_EARLY_MS = 12;
/** Virtual ms the Step button advances by. */
export const STEP_MS = 10;
/** Real ms of one frame counted at most (a background tab or a long frame counts as this). */
export const MAX_REAL_FRAME_MS = 100;
/** Virtual ms advanced per frame at most. */
export const MAX_VIRTUAL_FRAME_MS = 250;

export class Clock {
  speed = DEFAULT_SPEED;
  playing = true;
  residualMs = 0;
  private lastReal: number | null = null;

  /** Called once per animation frame with the frame's timestamp; returns whole virtual ms to
   * advance now (0 when paused or hidden). */
  tick(realNow: number, hidden: boolean): number {
    const last = this.lastReal;
    this.lastReal = realNow;
    if (!this.playing || hidden || last === null) return 0;
    const real = Math.min(Math.max(0, realNow - last), MAX_REAL_FRAME_MS);
    const virtual = Math.min(real * this.speed, MAX_VIRTUAL_FRAME_MS);
    const total = this.residualMs + virtual;
    const whole = Math.floor(total);
    this.residualMs = total - whole;
    return whole;
  }

  play(): void {
    this.playing = true;
  }

  pause(): void {
    this.playing = false;
  }

  toggle(): void {
    this.playing = !this.playing;
  }

  /** The loop stopped (paused, hidden, out of view): the next frame starts afresh instead of
   * catching up the real time in between. */
  rest(): void {
    this.lastReal = null;
  }

  /** Forget the fractional ms (a new cluster starts at its own nowMs). */
  reset(): void {
    this.residualMs = 0;
  }

  /** Index of the current speed in SPEEDS (nearest). */
  speedIndex(): number {
    let best = 0;
    for (let i = 1; i < SPEEDS.length; i++) {
      if (Math.abs(Math.log(SPEEDS[i]! / this.speed)) < Math.abs(Math.log(SPEEDS[best]! / this.speed))) best = i;
    }
    return best;
  }
}

/** "0.3×", "10×", "0.01×". */
export function fmtSpeed(speed: number): string {
  return `${Number(speed.toPrecision(2))}×`;
}
