// The status line: the outcome of the last action, and every error the Cluster throws, in
// words on the page (never only in the console).
import { h, setText } from "./dom";

export class StatusLine {
  readonly el: HTMLElement;
  private readonly text: HTMLElement;
  /** A button offered with the message shown (Undo after a fork); the next message removes it. */
  private offered: HTMLButtonElement | null = null;

  constructor() {
    this.text = h("span", { class: "status-text" });
    // A long message wraps (cluster.css): the whole of it is always on screen.
    this.el = h("p", { class: "status", role: "status", "aria-live": "polite", "data-kind": "info" }, this.text);
    this.info("Starting…");
  }

  info(message: string): void {
    this.set("info", message);
  }

  error(message: string): void {
    this.set("error", message);
  }

  /** Offers `label` (a button) beside the message shown, until the next message. */
  offer(label: string, onClick: () => void): void {
    this.offered?.remove();
    const b = h("button", { type: "button", class: "status-offer" }, label);
    b.addEventListener("click", () => {
      b.remove();
      if (this.offered === b) this.offered = null;
      onClick();
    });
    this.offered = b;
    this.el.append(b);
  }

  private set(kind: "info" | "error", message: string): void {
    this.offered?.remove();
    this.offered = null;
    if (this.el.dataset["kind"] !== kind) this.el.dataset["kind"] = kind;
    const text = kind === "error" ? `⚠ ${message}` : message;
    setText(this.text, text);
  }
}
