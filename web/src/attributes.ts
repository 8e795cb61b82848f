// The attributes of <raft-cluster>, parsed and validated. A bad value is reported (as one
// sentence naming the attribute) and its default used instead; nothing here throws.
import { SPEEDS } from "./clock";
import { parseNodes, parseSeed } from "./params";

export type ControlsMode = "full" | "compact" | "none";

/** Longest storage key accepted (localStorage keys count against the quota too). */
export const STORAGE_KEY_CHARS_MAX = 200;
/** Smallest and largest height accepted in pixels. */
export const HEIGHT_PX_MIN = 240;
export const HEIGHT_PX_MAX = 4000;

export interface ElementConfig {
  nodes?: number;
  seed?: string;
  speed?: number;
  autoplay: boolean;
  controls: ControlsMode;
  /** null: derived from the page and the element's id or position. */
  storageKey: string | null;
  persist: boolean;
  /** A CSS length for the element's height, or null (the stylesheet's default). */
  height: string | null;
  /** The host page opted in: read ?nodes=&seed= and keep them in the address. */
  urlParams: boolean;
  /** A built-in scenario to show from its first step on every load (its id, e.g. figure-8). */
  scenario: string | null;
  /** Lecture mode for projectors: large text, the ring, the logs and the step caption on one
   * screen (presenter.css). */
  presenter: boolean;
  errors: string[];
}

export const OBSERVED_ATTRIBUTES = ["nodes", "seed", "speed", "autoplay", "controls", "storage-key", "storagekey", "persist", "height", "url-params", "scenario", "presenter"];

/** Longest scenario id accepted in the attribute (the session crate checks it is a known one). */
import { SCENARIO_ID_CHARS_MAX } from "./limits";
export { SCENARIO_ID_CHARS_MAX };

function flag(name: string, v: string | null, dflt: boolean, errors: string[]): boolean {
  if (v === null) return dflt;
  const t = v.trim().toLowerCase();
  if (t === "" || t === "true" || t === name) return true;
  if (t === "false") return false;
  errors.push(`attribute ${name} must be present, "true" or "false", got "${v}"`);
  return dflt;
}

/** Parses a speed such as "1", "0.1" or "2x" to the nearest offered speed. */
export function parseSpeed(text: string): number | string {
  const t = text.trim().replace(/[x×]$/i, "");
  if (!/^\d{1,3}(\.\d{1,4})?$/.test(t)) return `speed must be a number ${SPEEDS[0]}..${SPEEDS[SPEEDS.length - 1]}, got "${text}"`;
  const v = Number(t);
  const lo = SPEEDS[0]!;
  const hi = SPEEDS[SPEEDS.length - 1]!;
  if (v < lo || v > hi) return `speed must be ${lo}..${hi}, got ${v}`;
  let best = SPEEDS[0]!;
  for (const s of SPEEDS) if (Math.abs(Math.log(s / v)) < Math.abs(Math.log(best / v))) best = s;
  return best;
}

/** Parses a height: a number (pixels) or a CSS length such as "40rem" or "80vh". */
export function parseHeight(text: string): string | { error: string } {
  const t = text.trim();
  if (/^\d{1,5}$/.test(t)) {
    const px = Number(t);
    if (px < HEIGHT_PX_MIN || px > HEIGHT_PX_MAX) return { error: `height must be ${HEIGHT_PX_MIN}..${HEIGHT_PX_MAX} pixels, got ${px}` };
    return `${px}px`;
  }
  if (t.length <= 40 && /^\d+(\.\d+)?(px|em|rem|vh|svh|dvh|lvh|%)$/.test(t) && CSS.supports("height", t)) return t;
  return { error: `height must be a number of pixels or a CSS length such as 600px, 40rem or 80vh, got "${text}"` };
}

export function readConfig(el: Element): ElementConfig {
  const errors: string[] = [];
  const cfg: ElementConfig = { autoplay: false, controls: "full", storageKey: null, persist: true, height: null, urlParams: false, scenario: null, presenter: false, errors };
  const nodes = el.getAttribute("nodes");
  if (nodes !== null) {
    const n = parseNodes(nodes);
    if (typeof n === "number") cfg.nodes = n;
    else errors.push(`attribute ${n}`);
  }
  const seed = el.getAttribute("seed");
  if (seed !== null) {
    const r = parseSeed(seed);
    if ("seed" in r) cfg.seed = r.seed;
    else errors.push(`attribute ${r.error}`);
  }
  const speed = el.getAttribute("speed");
  if (speed !== null) {
    const v = parseSpeed(speed);
    if (typeof v === "number") cfg.speed = v;
    else errors.push(`attribute ${v}`);
  }
  cfg.autoplay = flag("autoplay", el.getAttribute("autoplay"), false, errors);
  cfg.urlParams = flag("url-params", el.getAttribute("url-params"), false, errors);
  cfg.presenter = flag("presenter", el.getAttribute("presenter"), false, errors);
  const controls = el.getAttribute("controls");
  if (controls !== null) {
    const t = controls.trim().toLowerCase();
    if (t === "full" || t === "compact" || t === "none") cfg.controls = t;
    else errors.push(`attribute controls must be "full", "compact" or "none", got "${controls}"`);
  }
  const key = el.getAttribute("storage-key") ?? el.getAttribute("storagekey");
  if (key !== null) {
    if (key.trim() === "" || key.length > STORAGE_KEY_CHARS_MAX) errors.push(`attribute storage-key must be 1..${STORAGE_KEY_CHARS_MAX} characters, got ${key.length}`);
    else cfg.storageKey = key;
  }
  const persist = el.getAttribute("persist");
  if (persist !== null) {
    const t = persist.trim().toLowerCase();
    if (t === "none") cfg.persist = false;
    else if (t === "local" || t === "") cfg.persist = true;
    else errors.push(`attribute persist must be "none" or "local", got "${persist}"`);
  }
  const scenario = el.getAttribute("scenario");
  if (scenario !== null) {
    const t = scenario.trim();
    if (t.length >= 1 && t.length <= SCENARIO_ID_CHARS_MAX && /^[a-z0-9-]+$/.test(t)) cfg.scenario = t;
    else errors.push(`attribute scenario must be a scenario id such as "figure-8", got "${scenario.slice(0, SCENARIO_ID_CHARS_MAX)}"`);
  }
  const height = el.getAttribute("height");
  if (height !== null) {
    const r = parseHeight(height);
    if (typeof r === "string") cfg.height = r;
    else errors.push(`attribute ${r.error}`);
  }
  return cfg;
}
