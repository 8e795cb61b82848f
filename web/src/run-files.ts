// Runs as files: the "Lab test" list (the 28 Lab 3 and 23 Lab 4 tests exported at seed 1, runs/index.json next
// to the page), "Export run" (the run as a readable JSON run file), "Import run" (a file
// picker; a file dropped on the element does the same) and the tester's caption at the moment
// shown. Opening a file is the host's (Cluster.fromRunFile); this bar fetches, reads and says.
// JSON run files are read and written by the run-file module (wasm.ts), which this bar loads
// on the first file opened or exported: a page that never does never downloads it.
//
// The Lab 3 list is only asked for on a page that says it ships one, with
// <meta name="raftlab-runs" content="runs/index.json"> (web/index.html does): an embedding
// page without run files makes no request for it (no 404) and shows no list.
import type { ClusterApi, RunCaption } from "./api";
import { fmtTime, h, setText } from "./dom";
import { loadRunFileModule, runFileText } from "./wasm";

/** The largest run file read (Rust's RUN_FILE_BYTES_MAX, via limits.ts): larger ones are refused unread. */
import { RUN_FILE_BYTES_MAX } from "./limits";
export { RUN_FILE_BYTES_MAX };
/** The meta element that names the index of the Lab 3 runs shipped with the page (its
 * `content`, relative to the page, e.g. "runs/index.json"). */
export const RUNS_META = 'meta[name="raftlab-runs"]';
/** At most this many tests are listed from the index. */
const LAB_RUNS_MAX = 200;

export interface RunFilesHost {
  /** Opens run file text (`from` names it in messages; `path`, relative to the page, is its
   * address when it has one); false (and the message shown) when bad. */
  openRunFile(text: string, from: string, path?: string): boolean;
  act(what: string, fn: (c: ClusterApi) => string | void): boolean;
  error(message: string): void;
  /** The document the element is in (for URLs and downloads). */
  doc(): Document;
}

interface LabRun {
  test: string;
  file: string;
}

/** `path` as a same-origin URL relative to the page, or an error message. */
export function runFileUrl(path: string, base: string): URL | string {
  const p = path.trim();
  if (p === "" || /^[a-z][a-z0-9+.-]*:/i.test(p) || p.startsWith("/") || p.startsWith("\\")) {
    return `runFile must be a path relative to the page, like runs/TestBackup3B.json, got "${path}"`;
  }
  let u: URL;
  try {
    u = new URL(p, base);
  } catch {
    return `runFile is not a valid path: "${path}"`;
  }
  if (u.origin !== new URL(base).origin) return `runFile must name a file next to the page, got "${path}"`;
  return u;
}

/** Fetches a run file's text; throws an Error that says what went wrong. */
export async function fetchRunFile(url: URL): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: "same-origin" });
  } catch (e) {
    throw new Error(`could not fetch ${url.pathname}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) throw new Error(`could not fetch ${url.pathname}: HTTP ${res.status}`);
  return await res.text();
}

export class RunFilesBar {
  readonly el: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly picker: HTMLInputElement;
  private readonly caption: HTMLOutputElement;
  private captionsOf: ClusterApi | null = null;
  private captions: RunCaption[] = [];
  private shown = -2;
  private loaded = false;
  /** The index of Lab 3 runs (its files are named relative to it), once loadIndex read it. */
  private indexUrl: URL | null = null;
  /** The index's path as the page's meta element names it (relative to the page). */
  private indexPath: string | null = null;

  constructor(private readonly host: RunFilesHost) {
    this.select = h("select", { "aria-label": "Lab test", title: "Watch one of the 28 Lab 3 or 23 Lab 4 tests (seed 1): what the tester does to the cluster" }, h("option", { value: "" }, "Lab test…"));
    this.select.disabled = true;
    this.select.addEventListener("change", () => void this.openLab(this.select.value));
    const exportBtn = h("button", { type: "button", title: "Download this run as a readable JSON run file" }, "Export run");
    exportBtn.addEventListener("click", () => void this.exportRun());
    this.picker = h("input", { type: "file", accept: ".json,application/json", hidden: true, "aria-label": "Run file to import" });
    this.picker.addEventListener("change", () => {
      const file = this.picker.files?.[0];
      this.picker.value = "";
      if (file) void this.importFile(file);
    });
    const importBtn = h("button", { type: "button", title: "Open a run file (or drop one on the cluster)" }, "Import run");
    importBtn.addEventListener("click", () => this.picker.click());
    this.caption = h("output", { class: "run-caption", "aria-label": "Tester's step", hidden: true });
    this.el = h("div", { class: "run-files", role: "group", "aria-label": "Run files" }, this.select, exportBtn, importBtn, this.picker, this.caption);
  }

  /** Reads the list of Lab 3 runs the page names (once, RUNS_META); a page that names none
   * shows no list, and a list that does not load stays disabled. */
  async loadIndex(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const indexPath = this.host.doc().querySelector(RUNS_META)?.getAttribute("content")?.trim();
    if (!indexPath) {
      this.select.hidden = true;
      return;
    }
    try {
      const url = new URL(indexPath, this.host.doc().baseURI);
      this.indexUrl = url;
      this.indexPath = indexPath;
      const index = JSON.parse(await fetchRunFile(url)) as { runs?: unknown };
      const runs = Array.isArray(index.runs) ? index.runs.slice(0, LAB_RUNS_MAX) : [];
      // Grouped by lab, from the part the test's name ends with (3A..3D, 4A, 4B): the Lab 4
      // tests beside the Lab 3 ones.
      const groups = new Map<string, HTMLOptGroupElement>();
      for (const r of runs as Partial<LabRun>[]) {
        if (typeof r?.test !== "string" || typeof r.file !== "string" || !/^[A-Za-z0-9_.-]+\.json$/.test(r.file)) continue;
        const lab = /(\d)[a-d]$/i.exec(r.test)?.[1] ?? "";
        let group = groups.get(lab);
        if (!group) {
          group = h("optgroup", { label: lab ? `Lab ${lab}` : "Other runs" });
          groups.set(lab, group);
          this.select.append(group);
        }
        group.append(h("option", { value: r.file }, r.test));
      }
      this.select.disabled = this.select.options.length <= 1;
    } catch {
      this.select.title = `No Lab 3 runs next to this page (${indexPath} did not load)`;
    }
  }

  /** Opens the run file at `path` (relative to the page), e.g. from ?runFile=. */
  async openPath(path: string): Promise<void> {
    this.select.value = "";
    const url = runFileUrl(path, this.host.doc().baseURI);
    if (typeof url === "string") {
      this.host.error(`Could not open the run file in the address: ${url}.`);
      return;
    }
    try {
      await this.open(await fetchRunFile(url), url.pathname.split("/").pop() ?? path, path.trim());
    } catch (e) {
      this.host.error(`Could not open the run file ${path}: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }

  private async openLab(file: string): Promise<void> {
    if (!file) return;
    const test = this.select.selectedOptions[0]?.textContent ?? file;
    try {
      // The address names it relative to the page, as the index does (runs/index.json -> runs/<file>).
      const path = this.indexPath !== null ? this.indexPath.replace(/[^/]*$/, file) : file;
      await this.open(await fetchRunFile(new URL(file, this.indexUrl ?? this.host.doc().baseURI)), test, path);
    } catch (e) {
      this.host.error(`Could not load ${test}: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }

  /** A run file from the picker or dropped on the element. */
  async importFile(file: File): Promise<void> {
    this.select.value = "";
    if (file.size > RUN_FILE_BYTES_MAX) {
      this.host.error(`Import run: ${file.name} is ${file.size} bytes; a run file is at most ${RUN_FILE_BYTES_MAX} bytes.`);
      return;
    }
    let text: string;
    try {
      text = await file.text();
    } catch (e) {
      this.host.error(`Import run: could not read ${file.name}: ${e instanceof Error ? e.message : String(e)}.`);
      return;
    }
    await this.open(text, file.name);
  }

  /** Opens run file text once the run-file module is loaded (on the first file). */
  private async open(text: string, from: string, path?: string): Promise<void> {
    try {
      await loadRunFileModule();
    } catch (e) {
      this.host.error(`Could not open ${from}: the run-file reader did not load (${e instanceof Error ? e.message : String(e)}).`);
      return;
    }
    this.host.openRunFile(text, from, path);
  }

  private async exportRun(): Promise<void> {
    try {
      await loadRunFileModule();
    } catch (e) {
      this.host.error(`Export run: the run-file writer did not load (${e instanceof Error ? e.message : String(e)}).`);
      return;
    }
    this.host.act("Export run", (c) => {
      const text = runFileText(c);
      const doc = this.host.doc();
      const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
      const a = doc.createElement("a");
      a.href = url;
      a.download = `raftlab-run-seed-${c.seed}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 0);
      return `Exported the run (${c.timeline().inputs} actions, ${text.length} characters) as ${a.download}.`;
    });
  }

  /** A new cluster: its captions are read once. */
  reset(): void {
    this.captionsOf = null;
    this.captions = [];
    this.shown = -2;
  }

  /** Once per frame: the tester's caption at the moment shown. */
  sync(c: ClusterApi, nowMs: number): void {
    if (this.captionsOf !== c) {
      this.captionsOf = c;
      this.captions = c.captions();
      this.shown = -2;
    }
    const list = this.captions;
    // The last caption at or before nowMs (binary search: captions are in time order).
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.atMs <= nowMs) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i === this.shown) return;
    this.shown = i;
    this.caption.hidden = list.length === 0;
    setText(this.caption, i >= 0 ? `Tester at ${fmtTime(list[i]!.atMs)}: ${list[i]!.text}` : list.length > 0 ? "Tester: (not started yet)" : "");
  }
}
