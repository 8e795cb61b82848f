// The status line: the outcome of the last action, and every error the Cluster throws, in
// words on the page (never only in the console).
import { h, setText } from "./dom";

export class StatusLine {
  readonly el: HTMLElement;
  private readonly text: HTMLElement;

  constructor() {
    this.text = h("span", { class: "status-text" });
    // Focusable: a message cut to one line shows whole on focus (and on hover, its title).
    this.el = h("p", { class: "status", role: "status", "aria-live": "polite", "data-kind": "info", tabindex: 0 }, this.text);
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
    const text = kind === "error" ? `⚠ ${message}` : message;
    setText(this.text, text);
    // A long message is cut to one line on screen; the whole of it shows on hover.
    if (this.el.title !== text) this.el.title = text;
  }
}
