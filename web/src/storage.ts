// Persistence of the whole cluster in localStorage.
//
// One key per cluster (the element's `storage-key` attribute, default derivedStorageKey())
// holds cluster.saveImage(): a single setItem is atomic, so a reload never sees half a save.
// The page saves each frame in which cluster.persistVersion changed. Stored data is never
// deleted silently: only an explicit Reset clears it. While `hold` is set (the stored image
// could not be restored and the user has not decided yet) nothing is written at all. A failed
// write (quota, or storage disabled) switches to memory-only and says so.
import type { ClusterApi } from "./api";
import { errorMessage } from "./dom";

export const STORAGE_FULL = "Storage full: running in memory only";

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
  private savedVersion: number | null = null;

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
    this.savedVersion = null;
    this.onNotice(null);
  }

  /** Marks the cluster's current state as already stored (right after a restore). */
  markSaved(cluster: ClusterApi): void {
    this.savedVersion = cluster.persistVersion;
  }

  /** Forget what was saved: the next maybeSave writes (a new cluster). */
  forget(): void {
    this.savedVersion = null;
  }

  /** Saves when the cluster's persisted state changed since the last save. Returns true when it wrote. */
  maybeSave(cluster: ClusterApi): boolean {
    if (this.hold || this.memoryOnly || this.off) return false;
    const version = cluster.persistVersion;
    if (version === this.savedVersion) return false;
    return this.write(cluster.saveImage(), version);
  }

  private write(image: string, version: number): boolean {
    const storage = this.storage();
    try {
      if (!storage) throw new DOMException("localStorage is not available", "SecurityError");
      storage.setItem(this.key, image);
    } catch (e) {
      this.memoryOnly = true;
      this.onNotice(isQuotaError(e) ? STORAGE_FULL : `${STORAGE_FULL} (${errorMessage(e)})`);
      return false;
    }
    this.savedVersion = version;
    this.lastSavedChars = image.length;
    return true;
  }
}
