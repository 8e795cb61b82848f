// The status line: the outcome of the last action, and every error the Cluster throws, in
// words on the page (never only in the console).
import { h, setText } from "./dom";

export class StatusLine {
  readonly el: HTMLElement;
  private readonly text: HTMLElement;

  constructor() {
    this.text = h("span", { class: "status-text" });
    this.el = h("p", { class: "status", role: "status", "aria-live": "polite", "data-kind": "info" }, this.text);
    this.info("Starting…");
  }

  info(message: string): void {
    this.set("info", message);
  }

  error(message: string): void {
    this.set("error", message);
  }

  private set(kind: "info" | "error", message: string): void {
    this.el.dataset["kind"] = kind;
    setText(this.text, kind === "error" ? `⚠ ${message}` : message);
  }
}
