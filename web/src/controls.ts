// The controls: play/pause, step, speed; the client request; the network (drop rate, delay,
// long reordering); partitions; a new cluster (Reset with node count and seed); the per-node
// actions (Crash / Restart, Disconnect / Reconnect, Time out); and the keyboard shortcuts.
// Every control is a real form element with a visible label or an aria-label. Whatever the
// Cluster throws goes to the status line through host.act().
import type { ClusterApi, ClusterState, NetworkOptions, NodeView } from "./api";
import { Clock, SPEEDS, STEP_MS, fmtSpeed } from "./clock";
import { h, nodeName, s, setAttr, setText } from "./dom";
import { MAX_NODES, MIN_NODES, parseSeed } from "./params";
import type { NodeActionsFactory } from "./render-log";

export interface ControlsHost {
  readonly clock: Clock;
  /** Runs fn on the current cluster; a returned string is shown as information, a thrown
   * error as an error (prefixed with `what`). Returns false when it threw. */
  act(what: string, fn: (c: ClusterApi) => string | void): boolean;
  /** Starts a new cluster (and clears the stored one). */
  reset(options: { nodes: number; seed?: string }): void;
  selectedNode(): number | null;
  select(id: number | null): void;
  nodeCount(): number;
  /** Reports a problem found before reaching the cluster (bad input). */
  error(message: string): void;
}

export const HELP_TEXT =
  "Keys: 1–9 select a node · c crash · r restart · d disconnect / reconnect · t time out · space play / pause · s step · Esc clear selection";

/** Parses "1,2 | 3,4,5" (names like S1 allowed) into groups of node ids. */
export function parsePartition(text: string): number[][] {
  const groups = text.split("|").map((g) => g.trim());
  if (groups.length < 2) throw new Error(`write at least two groups separated by "|", e.g. "1,2 | 3,4,5"`);
  return groups.map((g, i) => {
    const tokens = g.split(/[\s,;]+/).filter((t) => t !== "");
    if (tokens.length === 0) throw new Error(`group ${i + 1} is empty`);
    return tokens.map((t) => {
      const m = /^[sS]?(\d{1,2})$/.exec(t);
      if (!m) throw new Error(`"${t}" is not a node id (use 1..9 or S1..S9)`);
      return Number(m[1]);
    });
  });
}

/** Keys typed here are text, not shortcuts. (A slider or a checkbox takes no letters or
 * digits, so shortcuts still work right after using one.) */
function isTextEntry(el: Element): boolean {
  if (el.closest("textarea, select, [contenteditable]")) return true;
  if (!(el instanceof HTMLInputElement)) return false;
  return !["range", "checkbox", "radio", "button", "submit", "reset", "color", "file"].includes(el.type);
}

function labelled(text: string, control: HTMLElement, extra?: HTMLElement): HTMLLabelElement {
  return h("label", { class: "field" }, h("span", { class: "field-name" }, text), control, extra ?? null);
}

function button(text: string, attrs: Record<string, string> = {}): HTMLButtonElement {
  return h("button", { type: "button", ...attrs }, text);
}

export class Controls {
  readonly toolbar: HTMLElement;
  readonly panels: HTMLElement;
  readonly help: HTMLElement;
  readonly nodeActions: NodeActionsFactory;

  private readonly playBtn: HTMLButtonElement;
  private readonly playLabel: HTMLElement;
  private readonly playIcon: HTMLElement;
  private readonly speed: HTMLInputElement;
  private readonly speedOut: HTMLOutputElement;
  private readonly seedOut: HTMLElement;
  private readonly cmd: HTMLInputElement;
  private readonly cmdOut: HTMLOutputElement;
  private readonly drop: HTMLInputElement;
  private readonly dropOut: HTMLOutputElement;
  private readonly delay: HTMLInputElement;
  private readonly delayOut: HTMLOutputElement;
  private readonly reorder: HTMLInputElement;
  private readonly part: HTMLInputElement;
  private readonly partOut: HTMLElement;
  private readonly nodesSel: HTMLSelectElement;
  private readonly seedIn: HTMLInputElement;
  private commandCounter = 1;

  constructor(private readonly host: ControlsHost) {
    // Time
    this.playIcon = h("span", { class: "icon", "aria-hidden": "true" });
    this.playLabel = h("span");
    this.playBtn = h("button", { type: "button", class: "primary play", "aria-keyshortcuts": "Space" }, this.playIcon, this.playLabel);
    this.playBtn.addEventListener("click", () => this.togglePlay());
    const stepBtn = button(`Step +${STEP_MS} ms`, { "aria-keyshortcuts": "S", title: "Pause and advance virtual time a little" });
    stepBtn.addEventListener("click", () => this.step());
    this.speed = h("input", {
      type: "range",
      id: "speed",
      min: 0,
      max: SPEEDS.length - 1,
      step: 1,
      value: host.clock.speedIndex(),
      "aria-valuetext": fmtSpeed(host.clock.speed),
    });
    this.speedOut = h("output", { for: "speed", class: "speed-out" });
    this.speed.addEventListener("input", () => {
      host.clock.speed = SPEEDS[Number(this.speed.value)] ?? host.clock.speed;
      this.syncSpeed();
    });
    this.seedOut = h("span", { class: "seed muted" });
    this.toolbar = h(
      "div",
      { class: "toolbar", role: "toolbar", "aria-label": "Time" },
      this.playBtn,
      stepBtn,
      h("label", { class: "field speed", for: "speed" }, h("span", { class: "field-name" }, "Speed"), this.speed, this.speedOut),
      this.seedOut,
    );

    // Client request
    this.cmd = h("input", { type: "text", value: "x=1", autocomplete: "off", spellcheck: "false", size: 10, maxlength: 1000 });
    const sendBtn = button("Send request", { class: "primary" });
    this.cmdOut = h("output", { class: "result", "aria-live": "polite" });
    const sendForm = h("form", { class: "row" }, labelled("Command", this.cmd), sendBtn);
    sendBtn.type = "submit";
    sendForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.sendRequest();
    });
    const clientPanel = h(
      "section",
      { class: "panel", "aria-labelledby": "client-title" },
      h("h2", { id: "client-title" }, "Client"),
      sendForm,
      this.cmdOut,
    );

    // Network
    this.drop = h("input", { type: "range", min: 0, max: 0.5, step: 0.01, value: 0 });
    this.dropOut = h("output");
    this.drop.addEventListener("input", () => {
      setText(this.dropOut, `${Math.round(Number(this.drop.value) * 100)}%`);
      this.setNetwork({ dropRate: Number(this.drop.value) });
    });
    this.delay = h("input", { type: "range", min: 0, max: 500, step: 5, value: 0 });
    this.delayOut = h("output");
    this.delay.addEventListener("input", () => {
      const max = Number(this.delay.value);
      setText(this.delayOut, `${max} ms`);
      this.host.act("Max delay", (c) => {
        const net = c.state().network;
        c.setNetwork({ delayMsMax: max, delayMsMin: Math.min(net.delayMsMin, max) });
      });
    });
    this.reorder = h("input", { type: "checkbox" });
    this.reorder.addEventListener("change", () => this.setNetwork({ longReordering: this.reorder.checked }));
    const netPanel = h(
      "section",
      { class: "panel", "aria-labelledby": "net-title" },
      h("h2", { id: "net-title" }, "Network"),
      labelled("Drop rate", this.drop, this.dropOut),
      labelled("Max delay", this.delay, this.delayOut),
      h(
        "label",
        { class: "field inline", title: "6.5840's long reordering: 2/3 of replies are delayed a further 200..2199 ms" },
        this.reorder,
        " Long reordering",
      ),
    );

    // Partition
    this.part = h("input", { type: "text", placeholder: "1,2 | 3,4,5", autocomplete: "off", spellcheck: "false", size: 12 });
    const applyBtn = button("Apply partition");
    const healBtn = button("Heal");
    this.partOut = h("p", { class: "muted small" });
    const partForm = h("form", { class: "row" }, labelled("Partition groups", this.part), applyBtn, healBtn);
    applyBtn.type = "submit";
    partForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.applyPartition();
    });
    healBtn.addEventListener("click", () => this.host.act("Heal", (c) => (c.heal(), "Network healed: every node can reach every other.")));
    const partPanel = h(
      "section",
      { class: "panel", "aria-labelledby": "part-title" },
      h("h2", { id: "part-title" }, "Partition"),
      partForm,
      this.partOut,
    );

    // New cluster
    this.nodesSel = h("select", {});
    for (let n = MIN_NODES; n <= MAX_NODES; n++) this.nodesSel.append(h("option", { value: n }, String(n)));
    this.nodesSel.value = "5";
    this.seedIn = h("input", { type: "text", inputmode: "numeric", placeholder: "random", autocomplete: "off", size: 10 });
    const resetBtn = button("Reset", { class: "danger", title: "Start a new cluster and clear the stored one" });
    resetBtn.addEventListener("click", () => this.reset());
    const resetPanel = h(
      "section",
      { class: "panel", "aria-labelledby": "reset-title" },
      h("h2", { id: "reset-title" }, "New cluster"),
      h("div", { class: "row" }, labelled("Nodes", this.nodesSel), labelled("Seed", this.seedIn), resetBtn),
      h("p", { class: "muted small" }, "Reset starts a new cluster and clears the stored one."),
    );

    this.panels = h("div", { class: "control-panels" }, clientPanel, partPanel, netPanel, resetPanel);
    this.help = h("p", { class: "help" }, HELP_TEXT);

    this.nodeActions = {
      create: (id) => this.createNodeActions(id),
      update: (el, node) => this.updateNodeActions(el, node),
    };
    this.syncSpeed();
  }

  togglePlay(): void {
    this.host.clock.toggle();
  }

  step(): void {
    this.host.clock.pause();
    this.host.act("Step", (c) => c.advance(STEP_MS));
  }

  private syncSpeed(): void {
    const txt = fmtSpeed(this.host.clock.speed);
    setText(this.speedOut, txt);
    setAttr(this.speed, "aria-valuetext", txt);
  }

  private setNetwork(options: NetworkOptions): void {
    this.host.act("Network", (c) => c.setNetwork(options));
  }

  private sendRequest(): void {
    const command = this.cmd.value.trim();
    if (command === "") {
      this.host.error("Send request: type a command first");
      return;
    }
    let shown = "";
    const ok = this.host.act("Send request", (c) => {
      const r = c.request(command);
      shown = `“${command}” appended by leader ${nodeName(r.leader)} at index ${r.index} (term ${r.term}); it is committed once a majority stores it.`;
      return shown;
    });
    if (ok) {
      setText(this.cmdOut, shown);
      this.cmdOut.classList.remove("error");
      this.commandCounter++;
      const m = /^(.*?)(\d+)$/.exec(command);
      this.cmd.value = m ? `${m[1]}${Number(m[2]) + 1}` : `${command} ${this.commandCounter}`;
    } else {
      setText(this.cmdOut, "Not accepted: see the status line.");
      this.cmdOut.classList.add("error");
    }
  }

  private applyPartition(): void {
    let groups: number[][];
    try {
      groups = parsePartition(this.part.value);
    } catch (e) {
      this.host.error(`Apply partition: ${(e as Error).message}`);
      return;
    }
    this.host.act("Apply partition", (c) => {
      c.partition(groups);
      return `Partitioned: ${groups.map((g) => `{${g.map(nodeName).join(", ")}}`).join(" | ")}`;
    });
  }

  private reset(): void {
    const nodes = Number(this.nodesSel.value);
    const seedText = this.seedIn.value.trim();
    if (seedText === "") {
      this.host.reset({ nodes });
      return;
    }
    const r = parseSeed(seedText);
    if ("error" in r) {
      this.host.error(`Reset: ${r.error}`);
      return;
    }
    this.host.reset({ nodes, seed: r.seed });
  }

  /** A new cluster is shown: put its node count in the selector. */
  onNewCluster(c: ClusterApi): void {
    this.nodesSel.value = String(c.nodeCount);
    setText(this.cmdOut, "");
  }

  /** Brings the controls in line with the cluster each frame (not while the user edits one). */
  sync(state: ClusterState): void {
    const playing = this.host.clock.playing;
    if (this.playIcon.dataset["playing"] !== String(playing)) {
      this.playIcon.dataset["playing"] = String(playing);
      this.playIcon.replaceChildren(
        s(
          "svg",
          { viewBox: "0 0 12 12", width: 12, height: 12 },
          playing
            ? s("path", { d: "M2,1 h3 v10 h-3 Z M7,1 h3 v10 h-3 Z" })
            : s("path", { d: "M2.5,1 L11,6 L2.5,11 Z" }),
        ),
      );
    }
    setText(this.playLabel, playing ? "Pause" : "Play");
    setText(this.seedOut, `seed ${state.seed}`);
    const active = document.activeElement;
    const net = state.network;
    if (active !== this.drop) {
      const v = String(net.dropRate);
      if (this.drop.value !== v) this.drop.value = v;
      setText(this.dropOut, `${Math.round(net.dropRate * 100)}%`);
    }
    if (active !== this.delay) {
      const v = String(net.delayMsMax);
      if (Number(this.delay.max) < net.delayMsMax) this.delay.max = String(net.delayMsMax);
      if (this.delay.value !== v) this.delay.value = v;
      setText(this.delayOut, net.delayMsMin === net.delayMsMax ? `${net.delayMsMax} ms` : `${net.delayMsMin}–${net.delayMsMax} ms`);
    }
    if (active !== this.reorder && this.reorder.checked !== net.longReordering) this.reorder.checked = net.longReordering;
    setText(
      this.partOut,
      state.partition
        ? `Now: ${state.partition.map((g) => `{${g.map(nodeName).join(", ")}}`).join(" | ")}`
        : "Now: the network is whole.",
    );
  }

  private createNodeActions(id: number): HTMLElement {
    const name = nodeName(id);
    const crash = button("Crash", { "data-action": "crash" });
    const net = button("Disconnect", { "data-action": "net" });
    const timeout = button("Time out", { "data-action": "timeout", "aria-label": `Time out ${name}`, title: `Make ${name}'s election timer expire now` });
    // A mouse click leaves no focus behind, so Space stays play/pause rather than pressing
    // the button again (whose action has flipped, e.g. Crash -> Restart). Keyboard
    // activation (detail 0) keeps the focus where the user put it.
    const onClick = (action: () => void) => (ev: MouseEvent) => {
      action();
      if (ev.detail > 0 && ev.currentTarget instanceof HTMLElement) ev.currentTarget.blur();
    };
    crash.addEventListener("click", onClick(() => this.crashOrRestart(id)));
    net.addEventListener("click", onClick(() => this.toggleConnected(id)));
    timeout.addEventListener("click", onClick(() => this.timeout(id)));
    return h("div", { class: "node-actions", role: "group", "aria-label": `Actions on ${name}` }, crash, net, timeout);
  }

  private updateNodeActions(el: HTMLElement, node: NodeView): void {
    const [crash, net, timeout] = el.children as unknown as [HTMLButtonElement, HTMLButtonElement, HTMLButtonElement];
    const name = nodeName(node.id);
    const crashWord = node.alive ? "Crash" : "Restart";
    setText(crash, crashWord);
    setAttr(crash, "aria-label", `${crashWord} ${name}`);
    setAttr(crash, "data-state", node.alive ? "alive" : "crashed");
    const netWord = node.connected ? "Disconnect" : "Reconnect";
    setText(net, netWord);
    setAttr(net, "aria-label", `${netWord} ${name}`);
    const canTimeout = node.alive && node.role !== "leader";
    if (timeout.disabled === canTimeout) timeout.disabled = !canTimeout;
  }

  private crashOrRestart(id: number): void {
    this.host.act(`Crash/Restart ${nodeName(id)}`, (c) => {
      const nd = c.state().nodes[id - 1];
      if (nd && !nd.alive) {
        c.restart(id);
        return `Restarted ${nodeName(id)} from its persisted state (currentTerm, votedFor, log, snapshot).`;
      }
      c.crash(id);
      return `Crashed ${nodeName(id)}: its volatile state is lost.`;
    });
  }

  crash(id: number): void {
    this.host.act(`Crash ${nodeName(id)}`, (c) => (c.crash(id), `Crashed ${nodeName(id)}: its volatile state is lost.`));
  }

  restart(id: number): void {
    this.host.act(`Restart ${nodeName(id)}`, (c) => {
      if (c.state().nodes[id - 1]?.alive) throw new Error(`${nodeName(id)} is running: crash it first (c)`);
      c.restart(id);
      return `Restarted ${nodeName(id)} from its persisted state.`;
    });
  }

  private toggleConnected(id: number): void {
    this.host.act(`Disconnect/Reconnect ${nodeName(id)}`, (c) => {
      const nd = c.state().nodes[id - 1];
      if (nd && !nd.connected) {
        c.connect(id);
        return `Reconnected ${nodeName(id)}.`;
      }
      c.disconnect(id);
      return `Disconnected ${nodeName(id)}: its messages are lost until it is reconnected.`;
    });
  }

  timeout(id: number): void {
    this.host.act(`Time out ${nodeName(id)}`, (c) => (c.timeout(id), `${nodeName(id)}'s election timer expired: it starts an election.`));
  }

  /** Keyboard shortcuts on the whole document. Returns the function that removes them. */
  attachKeyboard(doc: Document): () => void {
    const onKey = (ev: KeyboardEvent) => this.onKey(ev);
    doc.addEventListener("keydown", onKey);
    return () => doc.removeEventListener("keydown", onKey);
  }

  private onKey(ev: KeyboardEvent): void {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const target = ev.target instanceof Element ? ev.target : null;
    if (target && isTextEntry(target)) return;
    const key = ev.key;
    if (key === " " && target?.closest("button, [role=button], a, summary, input")) return;
    const sel = this.host.selectedNode();
    const needNode = (fn: (id: number) => void) => {
      if (sel === null) this.host.error("Select a node first: press 1–9 or click it");
      else fn(sel);
    };
    switch (key) {
      case " ":
        this.togglePlay();
        break;
      case "s":
      case ".":
        this.step();
        break;
      case "c":
        needNode((id) => this.crash(id));
        break;
      case "r":
        needNode((id) => this.restart(id));
        break;
      case "d":
        needNode((id) => this.toggleConnected(id));
        break;
      case "t":
        needNode((id) => this.timeout(id));
        break;
      case "Escape":
        this.host.select(null);
        break;
      default:
        if (/^[1-9]$/.test(key)) {
          const id = Number(key);
          if (id > this.host.nodeCount()) {
            this.host.error(`There is no ${nodeName(id)}: this cluster has ${this.host.nodeCount()} nodes`);
          } else {
            this.host.select(id);
          }
          break;
        }
        return;
    }
    ev.preventDefault();
  }
}
