// Notices above the cluster about stored data: the banner shown when the stored cluster could
// not be restored (the user decides: Reset, or keep the stored data and run in memory), and
// the note that storage is full or unavailable and the cluster runs in memory only.
import { h, setText } from "./dom";

export interface RestoreChoice {
  /** Discard the stored data and start a new cluster that is saved again. */
  reset(): void;
  /** Leave the stored data untouched and keep running in memory. */
  keep(): void;
}

const RESTORE_TITLE = "The stored cluster could not be restored.";
const FRESH_MEANWHILE = "A fresh cluster is running in memory meanwhile; nothing is written until you choose. ";
const NODES_MEANWHILE = "The stored nodes, restarted from their persisted state, run in memory meanwhile; nothing is written until you choose. ";

export class Notices {
  readonly el: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly bannerText: HTMLElement;
  private readonly bannerTitle: HTMLElement;
  private readonly bannerMeanwhile: HTMLElement;
  private readonly memory: HTMLElement;
  private choice: RestoreChoice | null = null;

  constructor() {
    this.bannerText = h("p", { class: "banner-text" });
    this.bannerTitle = h("strong", {}, RESTORE_TITLE);
    this.bannerMeanwhile = h("span", {}, FRESH_MEANWHILE);
    const reset = h("button", { type: "button", class: "danger" }, "Reset");
    reset.setAttribute("aria-label", "Reset: discard the stored data and start a new cluster");
    const keep = h("button", { type: "button" }, "Keep stored data");
    keep.setAttribute("aria-label", "Keep stored data and run a fresh cluster in memory only");
    reset.addEventListener("click", () => this.choose("reset"));
    keep.addEventListener("click", () => this.choose("keep"));
    this.banner = h(
      "div",
      { class: "banner restore-error", role: "alert", hidden: true },
      this.bannerTitle,
      this.bannerText,
      h(
        "p",
        { class: "small" },
        this.bannerMeanwhile,
        "Reset discards the stored data; Keep stored data leaves it as it is (for a later version or for inspection) and keeps running in memory only.",
      ),
      h("div", { class: "row" }, reset, keep),
    );
    this.memory = h("p", { class: "banner memory-only", role: "status", hidden: true });
    this.el = h("div", { class: "notices" }, this.banner, this.memory);
  }

  /** The banner: `message` says what is wrong; `run` when only the stored run was unusable
   * (its nodes restarted from their persisted state and run meanwhile). */
  showRestoreError(message: string, choice: RestoreChoice, { run = false } = {}): void {
    this.choice = choice;
    setText(this.bannerTitle, run ? "The stored run could not be restored." : RESTORE_TITLE);
    setText(this.bannerMeanwhile, run ? NODES_MEANWHILE : FRESH_MEANWHILE);
    setText(this.bannerText, message);
    this.banner.hidden = false;
  }

  hideRestoreError(): void {
    this.banner.hidden = true;
    this.choice = null;
  }

  get restoreErrorShown(): boolean {
    return !this.banner.hidden;
  }

  private choose(which: "reset" | "keep"): void {
    const c = this.choice;
    this.hideRestoreError();
    if (c) c[which]();
  }

  /** Shows (or with null hides) the memory-only note. */
  memoryOnly(message: string | null): void {
    if (message === null) {
      this.memory.hidden = true;
      return;
    }
    setText(this.memory, message);
    this.memory.hidden = false;
  }
}
