// The controls: play/pause, step, speed; the client request; the network (drop rate, delay,
// long reordering); partitions; a new cluster (Reset with node count and seed, which asks
// before it discards a stored cluster); the per-node actions (opened from the node itself,
// see node-menu.ts) and the keyboard shortcuts of this instance.
// Every control is a real form element with a visible label or an aria-label. Whatever the
// Cluster throws goes to the status line through host.act().
import type { ClusterApi, ClusterState, NetworkOptions } from "./api";
import type { ControlsMode } from "./attributes";
import { Clock, SPEEDS, STEP_MS, fmtSpeed } from "./clock";
import { h, nodeName, s, setAttr, setText, uid } from "./dom";
import { MAX_NODES, MIN_NODES, parseSeed } from "./params";

export interface ControlsHost {
  readonly clock: Clock;
  /** Runs fn on the current cluster; a returned string is shown as information, a thrown
   * error as an error (prefixed with `what`). Returns false when it threw. */
  act(what: string, fn: (c: ClusterApi) => string | void): boolean;
  /** Starts a new cluster (and clears the stored one). */
  reset(options: { nodes: number; seed?: string }): void;
  /** A description of the stored cluster Reset would discard, or null when none is stored. */
  storedCluster(): string | null;
  selectedNode(): number | null;
  select(id: number | null): void;
  /** Opens the actions of node `id` next to it (keyboard: focus goes into the menu). */
  openNodeMenu(id: number, focus: boolean): void;
  toggleHelp(): void;
  toggleTable(): void;
  /** Lecture mode on or off (the element's presenter attribute). */
  setPresenter(on: boolean): void;
  /** True in lecture mode. */
  presenter(): boolean;
  closePopups(): boolean;
  /** Selects the message in flight after the selected one (or the first). */
  selectNextMessage(): void;
  nodeCount(): number;
  /** Something changed that the next frame must show (the loop may be idle). */
  invalidate(): void;
  /** Reports a problem found before reaching the cluster (bad input). */
  error(message: string): void;
}

export const SHORTCUTS: readonly [string, string][] = [
  ["Space", "play / pause (everywhere in the cluster, also right after clicking a button)"],
  ["s", "step: pause and advance 10 virtual ms"],
  ["1–9", "select a node"],
  ["Enter", "open the actions of the focused or selected node"],
  ["c", "crash the selected node"],
  ["r", "restart the selected node"],
  ["d", "disconnect / reconnect the selected node"],
  ["t", "time out the selected node (it starts an election)"],
  ["m", "select the next message in flight: its fields, and a button to drop it"],
  ["A", "align the election timers: the nodes time out together and split the vote (RaftScope's A)"],
  ["T", "spread the election timers: one candidate wins in one round (RaftScope's T)"],
  ["?", "this help"],
  ["Esc", "close a menu or panel; clear the selection"],
];

export const HELP_TEXT = "Keys: 1–9 select a node · c crash · r restart · d disconnect / reconnect · t time out · m next message · A align timers · T spread timers · space play / pause · s step · ? help · Esc close";

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
export function isTextEntry(el: Element): boolean {
  if (el.closest("textarea, select, [contenteditable]")) return true;
  if (!(el instanceof HTMLInputElement)) return false;
  return !["range", "checkbox", "radio", "button", "submit", "reset", "color", "file"].includes(el.type);
}

/** Space on these would toggle or change them; it stays theirs. */
function ownsSpace(el: Element): boolean {
  if (isTextEntry(el)) return true;
  return el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio");
}

function labelled(text: string, control: HTMLElement, extra?: HTMLElement): HTMLLabelElement {
  return h("label", { class: "field" }, h("span", { class: "field-name" }, text), control, extra ?? null);
}

function button(text: string, attrs: Record<string, string> = {}): HTMLButtonElement {
  return h("button", { type: "button", ...attrs }, text);
}

/** A disclosure in the toolbar: a button that opens a panel below it. */
function disclosure(title: string, ...content: HTMLElement[]): { el: HTMLElement; btn: HTMLButtonElement; pop: HTMLElement } {
  const id = uid("pop");
  const btn = h("button", { type: "button", class: "disclose", "aria-expanded": "false", "aria-controls": id }, title, h("span", { class: "caret", "aria-hidden": "true" }, " ▾"));
  const pop = h("div", { class: "pop", id, role: "group", "aria-label": title, hidden: true }, ...content);
  return { el: h("div", { class: "disclosure" }, btn, pop), btn, pop };
}

export class Controls {
  readonly toolbar: HTMLElement;
  private readonly playBtn: HTMLButtonElement;
  private readonly playLabel: HTMLElement;
  private readonly playIcon: HTMLElement;
  private readonly speed: HTMLInputElement;
  private readonly speedOut: HTMLOutputElement;
  /** "seed N", shown in the ring's corner. */
  readonly seedOut: HTMLElement;
  private readonly cmd: HTMLInputElement;
  readonly cmdOut: HTMLOutputElement;
  private readonly drop: HTMLInputElement;
  private readonly dropOut: HTMLOutputElement;
  private readonly delay: HTMLInputElement;
  private readonly delayOut: HTMLOutputElement;
  private readonly reorder: HTMLInputElement;
  private readonly part: HTMLInputElement;
  private readonly partOut: HTMLElement;
  private readonly nodesSel: HTMLSelectElement;
  private readonly seedIn: HTMLInputElement;
  private readonly confirmBox: HTMLElement;
  private readonly confirmText: HTMLElement;
  private readonly pops: { btn: HTMLButtonElement; pop: HTMLElement }[] = [];
  private readonly fullOnly: HTMLElement[] = [];
  /** The "Presenter mode" switch in the Lecture panel. */
  private readonly presenterBox: HTMLInputElement;
  /** On narrow containers (phones) the toolbar folds into this menu (phone.css). */
  private readonly menuBtn: HTMLButtonElement;
  private commandCounter = 1;
  private pendingReset: { nodes: number; seed?: string } | null = null;

  constructor(private readonly host: ControlsHost) {
    // Time
    this.playIcon = h("span", { class: "icon", "aria-hidden": "true" });
    this.playLabel = h("span");
    this.playBtn = h("button", { type: "button", class: "primary play", "aria-keyshortcuts": "Space" }, this.playIcon, this.playLabel);
    this.playBtn.addEventListener("click", () => this.togglePlay());
    const stepBtn = button(`Step +${STEP_MS} ms`, { "aria-keyshortcuts": "S", title: "Pause and advance virtual time a little" });
    stepBtn.addEventListener("click", () => this.step());
    const speedId = uid("speed");
    this.speed = h("input", {
      type: "range",
      id: speedId,
      min: 0,
      max: SPEEDS.length - 1,
      step: 1,
      value: host.clock.speedIndex(),
      "aria-valuetext": fmtSpeed(host.clock.speed),
    });
    this.speedOut = h("output", { for: speedId, class: "speed-out" });
    this.speed.addEventListener("input", () => {
      host.clock.speed = SPEEDS[Number(this.speed.value)] ?? host.clock.speed;
      this.syncSpeed();
      host.invalidate();
    });
    this.seedOut = h("span", { class: "seed" });

    // Client request
    this.cmd = h("input", { type: "text", value: "x=1", autocomplete: "off", spellcheck: "false", size: 6, maxlength: 1000 });
    const sendBtn = button("Send request", { class: "primary" });
    sendBtn.type = "submit";
    // The request's outcome: shown in the status line; here for the form (and tests) too.
    this.cmdOut = h("output", { class: "result visually-hidden" });
    const sendForm = h("form", { class: "row send" }, labelled("Command", this.cmd), sendBtn, this.cmdOut);
    sendForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.sendRequest(null);
    });

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
    const net = disclosure(
      "Network",
      labelled("Drop rate", this.drop, this.dropOut),
      labelled("Max delay", this.delay, this.delayOut),
      h("label", { class: "field inline", title: "6.5840's long reordering: 2/3 of replies are delayed a further 200..2199 ms" }, this.reorder, " Long reordering"),
    );

    // Partition
    this.part = h("input", { type: "text", placeholder: "1,2 | 3,4,5", autocomplete: "off", spellcheck: "false", size: 12 });
    const applyBtn = button("Apply partition");
    applyBtn.type = "submit";
    const healBtn = button("Heal");
    this.partOut = h("p", { class: "part-now" });
    const partForm = h("form", { class: "row" }, labelled("Partition groups", this.part), applyBtn, healBtn);
    partForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.applyPartition();
    });
    healBtn.addEventListener("click", () => this.host.act("Heal", (c) => (c.heal(), "Network healed: every node can reach every other.")));
    const part = disclosure("Partition", partForm, this.partOut);

    // New cluster
    this.nodesSel = h("select", {});
    for (let n = MIN_NODES; n <= MAX_NODES; n++) this.nodesSel.append(h("option", { value: n }, String(n)));
    this.nodesSel.value = "5";
    this.seedIn = h("input", { type: "text", inputmode: "numeric", placeholder: "random", autocomplete: "off", size: 10 });
    const resetBtn = button("Reset", { class: "danger", title: "Start a new cluster (asks before it discards a stored one)" });
    resetBtn.addEventListener("click", () => this.reset());
    this.confirmText = h("p", { class: "confirm-text" });
    const yes = button("Discard and reset", { class: "danger" });
    const no = button("Cancel");
    yes.addEventListener("click", () => {
      const r = this.pendingReset;
      this.hideConfirm();
      if (r) this.host.reset(r);
    });
    no.addEventListener("click", () => {
      this.hideConfirm();
      this.host.act("", () => "Reset cancelled: the stored cluster is kept.");
    });
    this.confirmBox = h("div", { class: "confirm", role: "alertdialog", "aria-label": "Discard the stored cluster?", hidden: true }, this.confirmText, h("div", { class: "row" }, yes, no));
    // Lab 3C's point: every node comes back from what it persisted, and nothing else.
    const diskBtn = button("Restart all from disk", { title: "Every node restarts from its persisted state alone (currentTerm, votedFor, log, snapshot), as after a power cut: what Lab 3C tests" });
    diskBtn.addEventListener("click", () =>
      this.host.act("Restart all from disk", (c) => (c.restartAllFromDisk(), "Restarted all from disk: every node came back from its persisted state alone (currentTerm, votedFor, log, snapshot), as after a power cut of the whole cluster; what it had not persisted is gone.")),
    );

    const fresh = disclosure(
      "New cluster",
      h("div", { class: "row" }, labelled("Nodes", this.nodesSel), labelled("Seed", this.seedIn), resetBtn),
      this.confirmBox,
      h("p", { class: "note" }, "Reset starts a new cluster; it asks first when a stored cluster would be discarded."),
      h("div", { class: "row" }, diskBtn),
      h("p", { class: "note" }, "Restart all from disk keeps this cluster: every node restarts from what it persisted, and nothing else (Lab 3C). It is recorded in the run."),
    );

    // Lecture (RaftScope's keys A and T, as inputs of the run) and the presenter switch.
    this.presenterBox = h("input", { type: "checkbox", class: "presenter-toggle" });
    this.presenterBox.addEventListener("change", () => this.host.setPresenter(this.presenterBox.checked));
    const alignBtn = button("Align timers", { "aria-keyshortcuts": "A", title: "Every node that is not leader times out at the same moment: they split the vote (RaftScope's A)" });
    alignBtn.addEventListener("click", () => this.alignTimers());
    const spreadBtn = button("Spread timers", { "aria-keyshortcuts": "Shift+T", title: "The election timers are spread apart: one candidate wins in one round (RaftScope's T)" });
    spreadBtn.addEventListener("click", () => this.spreadTimers());
    const lecture = disclosure(
      "Lecture",
      h("label", { class: "field inline", title: "Large text for a projector: the ring, the logs and the step's caption on one screen" }, this.presenterBox, " Presenter mode"),
      h("div", { class: "row" }, alignBtn, spreadBtn),
      h("p", { class: "note" }, "Align timers provokes a split vote; Spread timers avoids one. Each is recorded in the run, so a link replays it."),
    );
    this.menuBtn = button("Menu", { class: "menu-toggle", "aria-expanded": "false", title: "All the controls" });
    this.menuBtn.addEventListener("click", () => {
      const root = this.toolbar.closest(".root");
      const open = root?.getAttribute("data-menu") !== "open";
      root?.setAttribute("data-menu", open ? "open" : "closed");
      this.menuBtn.setAttribute("aria-expanded", String(open));
      this.host.invalidate();
    });
    const tableBtn = button("Table", { "aria-pressed": "false", class: "table-toggle", title: "Show the cluster as a table" });
    tableBtn.addEventListener("click", () => this.host.toggleTable());
    const helpBtn = button("?", { "aria-label": "Help: keyboard shortcuts and legend", "aria-keyshortcuts": "?", class: "help-btn" });
    helpBtn.addEventListener("click", () => this.host.toggleHelp());

    for (const d of [net, part, fresh, lecture]) {
      this.pops.push(d);
      d.btn.addEventListener("click", () => this.togglePop(d));
      if (d !== lecture) this.fullOnly.push(d.el);
    }
    lecture.el.classList.add("lecture");
    this.fullOnly.push(tableBtn);
    this.toolbar = h(
      "div",
      { class: "toolbar", role: "toolbar", "aria-label": "Controls" },
      this.playBtn,
      this.menuBtn,
      stepBtn,
      h("label", { class: "field speed" }, h("span", { class: "field-name" }, "Speed"), this.speed, this.speedOut),
      sendForm,
      net.el,
      part.el,
      fresh.el,
      lecture.el,
      tableBtn,
      helpBtn,
    );
    this.syncSpeed();
  }

  /** full: everything; compact: time, request, help; none: no toolbar. */
  setMode(mode: ControlsMode): void {
    this.toolbar.hidden = mode === "none";
    for (const el of this.fullOnly) el.hidden = mode !== "full";
  }

  private togglePop(d: { btn: HTMLButtonElement; pop: HTMLElement }): void {
    const open = d.pop.hidden;
    this.closePops();
    d.pop.hidden = !open;
    d.btn.setAttribute("aria-expanded", String(open));
  }

  /** Closes the toolbar's open panels; true when one was open. */
  closePops(): boolean {
    let any = false;
    for (const d of this.pops) {
      if (!d.pop.hidden) any = true;
      d.pop.hidden = true;
      d.btn.setAttribute("aria-expanded", "false");
    }
    return any;
  }

  setTablePressed(on: boolean): void {
    const b = this.toolbar.querySelector(".table-toggle");
    if (b) b.setAttribute("aria-pressed", String(on));
  }

  togglePlay(): void {
    this.host.clock.toggle();
    this.host.invalidate();
  }

  step(): void {
    this.host.clock.pause();
    this.host.act("Step", (c) => c.advance(STEP_MS));
  }

  private syncSpeed(): void {
    const txt = fmtSpeed(this.host.clock.speed);
    setText(this.speedOut, txt);
    setAttr(this.speed, "aria-valuetext", txt);
    if (this.speed.value !== String(this.host.clock.speedIndex())) this.speed.value = String(this.host.clock.speedIndex());
  }

  /** The speed changed from outside (attribute). */
  onSpeed(): void {
    this.syncSpeed();
  }

  private setNetwork(options: NetworkOptions): void {
    this.host.act("Network", (c) => c.setNetwork(options));
  }

  /** Sends the command in the form; `to` names the node the client asks (null: the leader). */
  sendRequest(to: number | null): void {
    const command = this.cmd.value.trim();
    if (command === "") {
      this.host.error("Send request: type a command first");
      return;
    }
    let shown = "";
    const ok = this.host.act("Send request", (c) => {
      // To a chosen node as a client would (a follower answers "not leader"), or to the leader.
      const r = to !== null ? c.requestTo(to, command) : c.request(command);
      // The tracked request says whether it can still be committed (a leader in a minority
      // never commits it) rather than promising a commit.
      const tracked = c.requests().requests.filter((t) => t.index === r.index && t.term === r.term).pop();
      shown = `“${command}” appended by leader ${nodeName(r.leader)} at index ${r.index} (term ${r.term}). ${tracked?.text ?? (tracked ? c.requestText(tracked.index, tracked.term) : "") ?? ""}`.trim();
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
    let opts: { nodes: number; seed?: string } = { nodes };
    if (seedText !== "") {
      const r = parseSeed(seedText);
      if ("error" in r) {
        this.host.error(`Reset: ${r.error}`);
        return;
      }
      opts = { nodes, seed: r.seed };
    }
    const stored = this.host.storedCluster();
    if (stored === null) {
      this.host.reset(opts);
      return;
    }
    this.pendingReset = opts;
    setText(this.confirmText, `Reset discards the stored cluster (${stored}). Start a new one anyway?`);
    this.confirmBox.hidden = false;
    (this.confirmBox.querySelector("button") as HTMLButtonElement | null)?.focus();
  }

  private hideConfirm(): void {
    this.pendingReset = null;
    this.confirmBox.hidden = true;
  }

  /** A new cluster is shown: put its node count in the selector. */
  onNewCluster(c: ClusterApi): void {
    this.nodesSel.value = String(c.nodeCount);
    setText(this.cmdOut, "");
    this.hideConfirm();
  }

  /** Brings the controls in line with the cluster each frame (not while the user edits one). */
  sync(state: ClusterState, active: Element | null): void {
    const playing = this.host.clock.playing;
    if (this.playIcon.dataset["playing"] !== String(playing)) {
      this.playIcon.dataset["playing"] = String(playing);
      this.playIcon.replaceChildren(
        s(
          "svg",
          { viewBox: "0 0 12 12", width: 12, height: 12 },
          playing ? s("path", { d: "M2,1 h3 v10 h-3 Z M7,1 h3 v10 h-3 Z" }) : s("path", { d: "M2.5,1 L11,6 L2.5,11 Z" }),
        ),
      );
    }
    setText(this.playLabel, playing ? "Pause" : "Play");
    setText(this.seedOut, `seed ${state.seed}`);
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
    setText(this.partOut, describeNetwork(state));
  }

  crashOrRestart(id: number): void {
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

  toggleConnected(id: number): void {
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

  alignTimers(): void {
    this.host.act("Align timers", (c) => (c.alignTimers(), "Aligned the election timers: every node that is not leader times out at the same moment, so they split the vote (each votes for itself)."));
  }

  spreadTimers(): void {
    this.host.act("Spread timers", (c) => (c.spreadTimers(), "Spread the election timers: the first candidate's RequestVotes arrive before the next node times out, so one round elects a leader."));
  }

  /** The presenter attribute changed: the switch follows it. */
  onPresenter(on: boolean): void {
    if (this.presenterBox.checked !== on) this.presenterBox.checked = on;
  }

  timeout(id: number): void {
    this.host.act(`Time out ${nodeName(id)}`, (c) => (c.timeout(id), `${nodeName(id)}'s election timer expired: it starts an election.`));
  }

  /** The instance's keyboard handling, on its own root (never on the document). Space is
   * play/pause everywhere in the instance except in text fields and checkboxes: a button
   * that was just clicked keeps no claim on it. Returns the function that removes it. */
  attachKeyboard(root: HTMLElement): () => void {
    const onKey = (ev: KeyboardEvent) => this.onKey(ev);
    // Space activates a focused button on keyup: swallow that too, or the button would fire.
    const onKeyUp = (ev: KeyboardEvent) => {
      if (ev.key !== " ") return;
      const target = ev.composedPath()[0];
      if (target instanceof Element && !ownsSpace(target)) ev.preventDefault();
    };
    root.addEventListener("keydown", onKey);
    root.addEventListener("keyup", onKeyUp);
    return () => {
      root.removeEventListener("keydown", onKey);
      root.removeEventListener("keyup", onKeyUp);
    };
  }

  private onKey(ev: KeyboardEvent): void {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const first = ev.composedPath()[0];
    const target = first instanceof Element ? first : null;
    const key = ev.key;
    if (key === "Escape") {
      if (!this.host.closePopups() && !this.closePops()) this.host.select(null);
      this.host.invalidate();
      ev.preventDefault();
      return;
    }
    if (key === " ") {
      if (target && ownsSpace(target)) return;
      this.togglePlay();
      ev.preventDefault();
      return;
    }
    if (target && isTextEntry(target)) return;
    const sel = this.host.selectedNode();
    const needNode = (fn: (id: number) => void) => {
      if (sel === null) this.host.error("Select a node first: press 1–9 or click it");
      else fn(sel);
    };
    switch (key) {
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
      case "?":
        this.host.toggleHelp();
        break;
      case "a":
      case "A":
        this.alignTimers();
        break;
      case "T":
        this.spreadTimers();
        break;
      case "m":
        this.host.selectNextMessage();
        break;
      case "Enter": {
        // On a node: its actions. Elsewhere (not on a control): the selected node's.
        const g = target?.closest("[data-node-id]");
        if (g) {
          this.host.openNodeMenu(Number(g.getAttribute("data-node-id")), true);
          break;
        }
        if (sel !== null && !target?.closest("button, a, input, select, textarea, summary, [role=button]")) {
          this.host.openNodeMenu(sel, true);
          break;
        }
        return;
      }
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
    this.host.invalidate();
    ev.preventDefault();
  }
}

/** One sentence about the network that agrees with the state: the partition groups, the
 * nodes cut off one by one, or "whole". */
export function describeNetwork(state: ClusterState): string {
  const parts: string[] = [];
  if (state.partition) parts.push(`partitioned into ${state.partition.map((g) => `{${g.map(nodeName).join(", ")}}`).join(" | ")}`);
  const cut = state.nodes.filter((n) => !n.connected);
  if (cut.length > 0) parts.push(`${cut.map((n) => nodeName(n.id)).join(", ")} ${cut.length === 1 ? "is" : "are"} disconnected`);
  const crashed = state.nodes.filter((n) => !n.alive);
  const tail = crashed.length > 0 ? ` (${crashed.map((n) => nodeName(n.id)).join(", ")} crashed)` : "";
  if (parts.length === 0) return `Now: the network is whole${tail}.`;
  return `Now: ${parts.join("; ")}${tail}.`;
}
