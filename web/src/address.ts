// The page's address (with url-params): what reproduces the cluster shown. A link opened
// keeps `?run=`, a run file next to the page (a Lab 3 test among them) `?runFile=`, a
// scenario `?scenario=`; a run imported from a file of the user's becomes its `?run=` link
// (its captions aside); a cluster started here says `?nodes=&seed=`. The address is written
// once, when the cluster is shown (history.replaceState: no new history entry), never per
// frame.
import type { ClusterApi } from "./api";

/** Where the cluster shown came from, as the address should say it. */
export type Source = { run: string } | { runFile: string } | { scenario: string } | { imported: true } | { keep: true } | null;

/** The parameters this module owns (the page's other parameters are left alone). */
const OWNED = ["nodes", "seed", "run", "runFile", "scenario"];

/** `href` with the address of the cluster `c` shown from `source`. */
export function addressOf(href: string, c: ClusterApi, source: Source): string {
  const u = new URL(href);
  for (const k of OWNED) u.searchParams.delete(k);
  if (source && "run" in source) u.searchParams.set("run", source.run);
  else if (source && "runFile" in source) u.searchParams.set("runFile", source.runFile);
  else if (source && "scenario" in source) u.searchParams.set("scenario", source.scenario);
  else if (source && "imported" in source) {
    // An imported file has no address of its own: its link replays the same run.
    let link: string | null = null;
    try {
      link = c.link();
    } catch {
      link = null;
    }
    if (link !== null) u.searchParams.set("run", link);
  } else {
    u.searchParams.set("nodes", String(c.nodeCount));
    u.searchParams.set("seed", c.seed);
  }
  return u.pathname + u.search + u.hash;
}

/** True when the document was reloaded (not opened from an address typed, pasted or
 * followed): a reload brings back the stored cluster where it was, though the address names
 * its run (which would open it afresh, at its start or the link's moment). */
export function reloaded(doc: Document): boolean {
  const nav = doc.defaultView?.performance?.getEntriesByType?.("navigation")[0] as PerformanceNavigationTiming | undefined;
  return nav?.type === "reload";
}

/** Writes the address of `c` into `doc`'s location (a sandboxed document may refuse).
 * `{ keep: true }`: the stored cluster brought back by a reload, which the address names. */
export function writeAddress(doc: Document, c: ClusterApi, source: Source): void {
  if (source && "keep" in source) return;
  try {
    const loc = doc.location;
    const next = addressOf(loc.href, c, source);
    if (next !== loc.pathname + loc.search + loc.hash) doc.defaultView?.history.replaceState(doc.defaultView.history.state, "", next);
  } catch {
    // the cluster runs all the same
  }
}
