// The key/value clients (Lab 4's Clerks) as a panel: a form for a client's Get / Put /
// Append by hand (`Cluster.kvOp`, an input of the run: a link, a run file and time travel
// carry it) and its automatic load (`kvLoad`: the simulator starts its operations on a timer);
// per client its operation outstanding, attempts, the server it tries next and what it
// completed; and the history with the checker's verdict (kv-history.ts). The Clients button
// carries the verdict, so a student stepping through a scenario sees it turn red. The Cluster
// is asked for the clients only while the panel is open and the history changed.
import type { ClusterApi, KvClientView, KvOpKind } from "../api";
import { h, nodeName, setAttr, setText, uid } from "../dom";
import type { Frame } from "../frame";
import { KvHistoryPanel, callText } from "./kv-history";

export interface KvClientsHost {
  act(what: string, fn: (c: ClusterApi) => string | void): boolean;
  pause(): void;
  /** Draw a frame (the checker's module has loaded: the verdict can be given). */
  invalidate(): void;
}

export class KvClientsPanel {
  readonly el: HTMLElement;
  private readonly btn: HTMLButtonElement;
  private readonly badge: HTMLElement;
  private readonly pop: HTMLElement;
  private readonly list: HTMLElement;
  private readonly client: HTMLInputElement;
  private readonly op: HTMLSelectElement;
  private readonly key: HTMLInputElement;
  private readonly value: HTMLInputElement;
  private readonly rate: HTMLInputElement;
  readonly history: KvHistoryPanel;
  private listKey = "";

  constructor(private readonly host: KvClientsHost) {
    const id = uid("kv");
    this.badge = h("span", { class: "kv-badge", "data-verdict": "none" });
    this.btn = h("button", { type: "button", class: "disclose", "aria-expanded": "false", "aria-controls": id }, "Clients", this.badge, h("span", { class: "caret", "aria-hidden": "true" }, " ▾"));
    this.client = h("input", { type: "number", min: 1, value: 1, step: 1, class: "kv-client", "aria-label": "Client" });
    this.op = h("select", { "aria-label": "Operation" }, h("option", { value: "get" }, "Get"), h("option", { value: "put", selected: true }, "Put"), h("option", { value: "append" }, "Append"));
    this.key = h("input", { type: "text", value: "k", size: 6, "aria-label": "Key" });
    this.value = h("input", { type: "text", value: "v", size: 10, "aria-label": "Value" });
    this.op.addEventListener("change", () => (this.value.disabled = this.op.value === "get"));
    const send = h("button", { type: "button", class: "primary" }, "Send");
    send.addEventListener("click", () => this.send());
    const form = h("form", { class: "kv-form", "aria-label": "A client's operation" }, h("label", { class: "field inline" }, "Client", this.client), this.op, this.key, this.value, send);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.send();
    });
    this.rate = h("input", { type: "number", min: 0, value: 5, step: 1, class: "kv-rate", "aria-label": "Load, operations per second" });
    const load = h("button", { type: "button" }, "Set load");
    load.addEventListener("click", () => this.load());
    const loadRow = h("div", { class: "kv-form" }, h("label", { class: "field inline" }, "Automatic load", this.rate, "ops/s"), load, h("span", { class: "hint" }, "(0 stops it)"));
    this.list = h("ul", { class: "kv-clients" });
    this.history = new KvHistoryPanel(host);
    this.pop = h(
      "div",
      { class: "pop kv-pop", id, role: "group", "aria-label": "Key/value clients", hidden: true },
      h("p", { class: "hint" }, "Lab 4's clients: each Clerk sends its operation to the server it thinks leads and retries on the next after “wrong leader” or a lost reply."),
      form,
      loadRow,
      this.list,
      this.history.el,
    );
    this.btn.addEventListener("click", () => this.toggle());
    this.el = h("div", { class: "disclosure kv" }, this.btn, this.pop);
  }

  get open(): boolean {
    return !this.pop.hidden;
  }

  toggle(open = this.pop.hidden): void {
    this.pop.hidden = !open;
    this.btn.setAttribute("aria-expanded", String(open));
    this.listKey = "";
    this.history.reset();
  }

  reset(): void {
    this.listKey = "";
    this.history.reset();
    setText(this.badge, "");
    setAttr(this.badge, "data-verdict", "none");
  }

  private clientId(): number {
    return Math.trunc(Number(this.client.value));
  }

  private send(): void {
    const c = this.clientId();
    const op = this.op.value as KvOpKind;
    const key = this.key.value;
    const value = op === "get" ? undefined : this.value.value;
    const what = `C${c} ${callText({ kind: op, key, value: value ?? null })}`;
    this.host.act(what, (k) => (k.kvOp(c, op, key, value), `${what}: sent; the Clerk tries the server it thinks leads (press Play if paused).`));
  }

  private load(): void {
    const c = this.clientId();
    const rate = Math.trunc(Number(this.rate.value));
    this.host.act(`C${c} load`, (k) => (k.kvLoad(c, rate), rate === 0 ? `C${c}'s automatic load stopped.` : `C${c} starts an operation ${rate} times a virtual second while idle (Append to a or b, every third a Get).`));
  }

  /** Once per frame: the verdict (on the button), and while open the clients and lanes. */
  render(f: Frame): void {
    const c = f.c;
    if (c.kvHistoryVersion === 0 && this.badge.textContent === "" && !this.open) return;
    if (this.history.syncVerdict(c)) {
      const v = this.history.verdict!;
      setAttr(this.badge, "data-verdict", v.verdict);
      setText(this.badge, v.verdict === "linearizable" ? " ✓" : v.verdict === "not-linearizable" ? " ✗ not linearizable" : v.verdict === "unknown" ? " ?" : v.verdict === "checking" ? " …" : "");
      setAttr(this.btn, "title", v.text);
    }
    if (!this.open) return;
    const key = `${c.kvHistoryVersion}/${c.jumps}/${c.timelineVersion}/${f.state.nowMs}`;
    if (key !== this.listKey) {
      this.listKey = key;
      const v = c.kvClients();
      // The form's bounds are the simulator's (no limit is typed here).
      setAttr(this.client, "max", v.max);
      setAttr(this.key, "maxlength", v.keyBytesMax);
      setAttr(this.value, "maxlength", v.valueBytesMax);
      setAttr(this.rate, "max", v.loadPerSecondMax);
      this.drawClients(v.clients);
    }
    this.history.render(c, f.vt);
  }

  private drawClients(clients: KvClientView[]): void {
    while (this.list.children.length > clients.length) this.list.lastElementChild?.remove();
    clients.forEach((k, i) => {
      let li = this.list.children[i] as HTMLElement | undefined;
      if (!li) {
        li = h("li", { class: "kv-client-row" });
        this.list.append(li);
      }
      setAttr(li, "data-client", k.client);
      setAttr(li, "data-busy", k.pending ? "true" : "false");
      const p = k.pending;
      const doing = p ? `${callText(p)}, attempt ${k.attempts}` : "idle";
      const reach = k.connected.length === 0 ? "reaches no server" : `reaches ${k.connected.map(nodeName).join(" ")}`;
      setText(li, `C${k.client}: ${doing} · tries ${nodeName(k.leaderGuess)} next · ${k.opsDone} done · ${reach}${k.loadPerSecond > 0 ? ` · load ${k.loadPerSecond}/s` : ""}`);
    });
  }
}
