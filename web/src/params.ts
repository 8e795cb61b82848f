// URL parameters: ?nodes=N&seed=N start a fresh cluster instead of restoring the stored one.
// Values are validated here; a bad value is reported (and the parameters ignored), never thrown.

export interface StartParams {
  /** True when at least one valid start parameter was given (and none was bad). */
  fresh: boolean;
  nodes?: number;
  /** u64 as a decimal string. */
  seed?: string;
  /** One message per bad parameter. */
  errors: string[];
}

// The node limits are Rust's (web/src/limits.ts is generated from them and checked by a test):
// they are needed before the wasm module loads.
export { NODES_MIN as MIN_NODES, NODES_MAX as MAX_NODES } from "./limits";
import { NODES_MIN as MIN_NODES, NODES_MAX as MAX_NODES } from "./limits";
const U64_MAX = 18446744073709551615n;

/** Parses a node count 3..9; returns an error message on failure. */
export function parseNodes(text: string): number | string {
  const t = text.trim();
  if (!/^\d{1,2}$/.test(t)) return `nodes must be a whole number ${MIN_NODES}..${MAX_NODES}, got "${text}"`;
  const n = Number(t);
  if (n < MIN_NODES || n > MAX_NODES) return `nodes must be ${MIN_NODES}..${MAX_NODES}, got ${n}`;
  return n;
}

/** Parses a u64 seed written in decimal; returns { error } on failure. */
export function parseSeed(text: string): { seed: string } | { error: string } {
  const t = text.trim();
  if (!/^\d{1,20}$/.test(t)) return { error: `seed must be a whole number 0..${U64_MAX}, got "${text}"` };
  if (BigInt(t) > U64_MAX) return { error: `seed must be at most ${U64_MAX}, got ${t}` };
  return { seed: BigInt(t).toString() };
}

export function parseStartParams(search: string): StartParams {
  const q = new URLSearchParams(search);
  const out: StartParams = { fresh: false, errors: [] };
  let given = false;
  const nodes = q.get("nodes");
  if (nodes !== null) {
    given = true;
    const n = parseNodes(nodes);
    if (typeof n === "number") out.nodes = n;
    else out.errors.push(`URL parameter ${n}`);
  }
  const seed = q.get("seed");
  if (seed !== null) {
    given = true;
    const r = parseSeed(seed);
    if ("seed" in r) out.seed = r.seed;
    else out.errors.push(`URL parameter ${r.error}`);
  }
  out.fresh = given && out.errors.length === 0;
  return out;
}

/** The page URL without the start parameters, so a reload restores instead of starting over. */
export function withoutStartParams(href: string): string {
  const u = new URL(href);
  u.searchParams.delete("nodes");
  u.searchParams.delete("seed");
  return u.pathname + (u.search === "?" ? "" : u.search) + u.hash;
}
