// The actions of one node, opened from the node itself (a click on it, or Enter on it): crash
// or restart, disconnect or reconnect, time out, send a client request to this node, and its
// details. Buttons are named with the action and the node ("Crash S3") and their visible text
// says the same. The menu sits in the middle of the ring, where it covers no node.
import type { NodeView } from "./api";
import { h, nodeName, setAttr, setText } from "./dom";

export interface NodeMenuActions {
  crashOrRestart(id: number): void;
  toggleConnected(id: number): void;
  timeout(id: number): void;
  sendTo(id: number): void;
  details(id: number): void;
  close(): void;
}

export class NodeMenu {
  readonly el: HTMLElement;
  private readonly title: HTMLElement;
  private readonly crash: HTMLButtonElement;
  private readonly net: HTMLButtonElement;
  private readonly time: HTMLButtonElement;
  private readonly send: HTMLButtonElement;
  private readonly info: HTMLButtonElement;
  private readonly close: HTMLButtonElement;
  /** The node whose actions are shown, or null when closed. */
  id: number | null = null;

  constructor(actions: NodeMenuActions) {
    this.title = h("h3", { class: "menu-title" });
    const mk = (cls: string, fn: (id: number) => void) => {
      const b = h("button", { type: "button", class: cls });
      b.addEventListener("click", () => {
        if (this.id !== null) fn(this.id);
      });
      return b;
    };
    this.crash = mk("crash", (id) => actions.crashOrRestart(id));
    this.net = mk("net", (id) => actions.toggleConnected(id));
    this.time = mk("timeout", (id) => actions.timeout(id));
    this.send = mk("send", (id) => actions.sendTo(id));
    this.info = mk("info", (id) => actions.details(id));
    this.close = h("button", { type: "button", class: "menu-close", "aria-label": "Close the node's actions" }, "✕");
    this.close.addEventListener("click", () => actions.close());
    this.el = h(
      "div",
      { class: "node-menu", role: "group", hidden: true },
      h("div", { class: "menu-head" }, this.title, this.close),
      h("div", { class: "menu-buttons" }, this.crash, this.net, this.time, this.send, this.info),
    );
  }

  open(id: number, focus: boolean): void {
    this.id = id;
    this.el.hidden = false;
    setAttr(this.el, "aria-label", `Actions on ${nodeName(id)}`);
    if (focus) this.crash.focus();
  }

  hide(): boolean {
    const was = this.id !== null;
    this.id = null;
    this.el.hidden = true;
    return was;
  }

  render(node: NodeView | undefined): void {
    if (this.id === null) return;
    if (!node) {
      this.hide();
      return;
    }
    const name = nodeName(node.id);
    setText(this.title, `${name} · ${node.alive ? node.role : "crashed"} · term ${node.term}`);
    setText(this.crash, `${node.alive ? "Crash" : "Restart"} ${name}`);
    setAttr(this.crash, "data-state", node.alive ? "alive" : "crashed");
    setText(this.net, `${node.connected ? "Disconnect" : "Reconnect"} ${name}`);
    setText(this.time, `Time out ${name}`);
    const canTimeout = node.alive && node.role !== "leader";
    if (this.time.disabled === canTimeout) this.time.disabled = !canTimeout;
    setAttr(this.time, "title", canTimeout ? `Make ${name}'s election timer expire now` : node.alive ? "A leader has no election timer" : "Crashed");
    setText(this.send, `Send request to ${name}`);
    setText(this.info, `Details of ${name}`);
  }
}
