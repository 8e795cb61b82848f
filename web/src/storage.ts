// Persistence of the whole cluster in localStorage.
//
// One key per cluster (the element's `storage-key` attribute, default derivedStorageKey())
// holds cluster.saveStored(): every node's persister (the versioned, checksummed image) and,
// when the cluster has a fresh start to replay, the run and the moment shown (the session
// crate's link codec) with the scenario shown (its id) or the run file's title and captions, in one text: a single setItem is atomic, so a reload never sees half a
// save. The page saves when a persister was written (persistVersion), the run changed
// (timelineVersion) or the moment shown moved: at once while paused (an action, a seek, a
// step); while playing at most every SAVE_INTERVAL_MS (the moment shown moves every frame,
// a client load adds inputs many times a second, and the text grows with the run: it is not
// re-encoded each time); and always when playing stops or the page goes away (pagehide). Stored data is never deleted silently: only an explicit Reset clears it. While `hold` is set (the stored image
// could not be restored and the user has not decided yet) nothing is written at all. A failed
// write (quota, or storage disabled) switches to memory-only and says so.
import type { ClusterApi } from "./api";
import { errorMessage } from "./dom";

export const STORAGE_FULL = "Storage full: running in memory only";
/** While playing, a save waits this long after the last one (wall ms); pausing and pagehide
 * save the latest state anyway, and the run replays to the moment saved. */
export const SAVE_INTERVAL_MS = 5000;

export function defaultStorageKey(pathname: string): string {
  return `raftlab:${pathname}`;
}

/** The storage key of an element without a `storage-key` attribute: "raftlab:" + the page's
 * path, then "#" + the element's id, or its position among the page's <raft-cluster>
 * elements when it is not the first (the first keeps the plain key). */
export function derivedStorageKey(el: Element): string {
  const base = defaultStorageKey(el.ownerDocument.location?.pathname ?? "/");
  if (el.id) return `${base}#${el.id}`;
  const root = el.getRootNode() as Document | ShadowRoot;
  const all = typeof root.querySelectorAll === "function" ? [...root.querySelectorAll("raft-cluster")] : [el];
  const i = all.indexOf(el);
  return i <= 0 ? base : `${base}#${i + 1}`;
}

function isQuotaError(e: unknown): boolean {
  if (!(e instanceof DOMException)) return false;
  return e.name === "QuotaExceededError" || e.name === "NS_ERROR_DOM_QUOTA_REACHED" || e.code === 22;
}

export class Persistence {
  /** Nothing is written while set: the stored data waits for the user's decision. */
  hold = false;
  /** persist="none": nothing is read or written. */
  off = false;
  /** Set when a write failed; the cluster keeps running in memory. */
  memoryOnly = false;
  /** Characters written by the last successful save. */
  lastSavedChars = 0;
  /** What was saved last: persistVersion, timelineVersion, the moment shown. */
  private saved: { persist: number; timeline: number; nowMs: number } | null = null;
  private savedAt = -Infinity;
  /** The note of the last save (the run was left out of it), shown once. */
  private note: string | null = null;

  /** onNotice(message) reports a switch to memory-only; onNotice(null) clears the report. */
  constructor(
    public key: string,
    private readonly onNotice: (message: string | null) => void,
  ) {}

  private storage(): Storage | null {
    try {
      return window.localStorage;
    } catch {
      return null; // storage disabled (e.g. blocked cookies): read as empty, write fails
    }
  }

  /** The stored image, or null when there is none (or storage cannot be read). */
  read(): string | null {
    if (this.off) return null;
    try {
      return this.storage()?.getItem(this.key) ?? null;
    } catch {
      return null;
    }
  }

  /** Deletes the stored image. Only called on the user's explicit Reset. */
  clear(): void {
    if (!this.off) {
      try {
        this.storage()?.removeItem(this.key);
      } catch {
        // nothing stored that we could reach
      }
    }
    this.hold = false;
    this.memoryOnly = false;
    this.saved = null;
    this.note = null;
    this.onNotice(null);
  }

  private static versions(cluster: ClusterApi): { persist: number; timeline: number; nowMs: number } {
    return { persist: cluster.persistVersion, timeline: cluster.timelineVersion, nowMs: cluster.nowMs };
  }

  /** Marks the cluster's current state as already stored (right after a restore). */
  markSaved(cluster: ClusterApi): void {
    this.saved = Persistence.versions(cluster);
  }

  /** Forget what was saved: the next maybeSave writes (a new cluster). */
  forget(): void {
    this.saved = null;
  }

  /** Saves when the cluster's persisted state, its run or the moment shown changed since the
   * last save (while `playing`, at most every SAVE_INTERVAL_MS unless `force`). Returns true
   * when it wrote. */
  maybeSave(cluster: ClusterApi, { playing = false, force = false } = {}): boolean {
    if (this.hold || this.memoryOnly || this.off) return false;
    const now = Persistence.versions(cluster);
    const was = this.saved;
    if (was && was.persist === now.persist && was.timeline === now.timeline && was.nowMs === now.nowMs) return false;
    const wall = performance.now();
    if (playing && !force && wall - this.savedAt < SAVE_INTERVAL_MS) return false;
    const stored = cluster.saveStored();
    if (!this.write(stored.text)) return false;
    this.saved = now;
    this.savedAt = wall;
    if (stored.note !== this.note) {
      this.note = stored.note;
      this.onNotice(stored.note === null ? null : `${stored.note}.`);
    }
    return true;
  }

  private write(text: string): boolean {
    const storage = this.storage();
    try {
      if (!storage) throw new DOMException("localStorage is not available", "SecurityError");
      storage.setItem(this.key, text);
    } catch (e) {
      this.memoryOnly = true;
      this.onNotice(isQuotaError(e) ? STORAGE_FULL : `${STORAGE_FULL} (${errorMessage(e)})`);
      return false;
    }
    this.lastSavedChars = text.length;
    return true;
  }
}
