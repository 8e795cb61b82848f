// <raft-cluster>: a whole virtual Raft cluster in one self-contained element.
//
// It renders into an open shadow root with its own constructed stylesheet and owns nothing
// global: no ids outside its shadow root, no listeners on the document or the window (the
// keyboard shortcuts act on the focused instance), its own storage key, and the page's
// address only when the host page opts in with `url-params`.
//
// Each animation frame while it runs: the clock says how much virtual time passed, the
// cluster advances by that much, then ONE state() call and one events() call feed every view
// (ring, logs, details, event log, table, controls), and the persisted image is saved when
// persistVersion moved. Paused, hidden, or scrolled out of view (IntersectionObserver) the
// loop stops: no state() call, no drawing. A change while idle (a click, a key, a new
// cluster) draws one frame.
import type { ClusterApi, ClusterOptions } from "./api";
import { type ElementConfig, OBSERVED_ATTRIBUTES, readConfig } from "./attributes";
import { Clock } from "./clock";
import cssText from "./cluster.css?inline";
import linkCss from "./link-field.css?inline";
import phoneCss from "./phone.css?inline";
import presenterCss from "./presenter.css?inline";
import { touchDevice, watchRingFont } from "./presenter";
import { Controls, SHORTCUTS, type ControlsHost } from "./controls";
import { DetailsPanel } from "./details";
import { errorMessage, fmtTime, h, nodeName, setText, uid } from "./dom";
import { type Source, reloaded, writeAddress } from "./address";
import { buildLegend } from "./legend";
import { Narrator } from "./narrator";
import { NodeMenu } from "./node-menu";
import { Notices } from "./notices";
import { parseStartParams } from "./params";
import { RunFilesBar } from "./run-files";
import { EventFeed, EventLog } from "./render-events";
import { LogView } from "./render-log";
import { RING_VIEW_UNITS, RingView } from "./render-ring";
import type { Selection } from "./selection";
import { StatusLine } from "./status";
import { Persistence, derivedStorageKey } from "./storage";
import { TableView } from "./table-view";
import { TimelineBar } from "./timeline-bar";
import { MonitorsPanel } from "./monitors";
import { RequestsWatch } from "./requests-view";
import { RulesPanel } from "./rules-panel";
import { ScenarioBar } from "./scenario-bar";
import { StateMachinesPanel } from "./state-machine";
import { clusterFromLink, clusterFromRunFile, clusterFromScenario, createCluster, loadWasm, restoreCluster, scenarioList, wasmMemoryBytes } from "./wasm";

let sheet: CSSStyleSheet | null = null;
/** One constructed stylesheet shared by every instance (CSSOM: allowed by style-src 'self'). */
function styles(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(cssText + linkCss + presenterCss + phoneCss);
  }
  return sheet;
}

// One requestAnimationFrame callback drives every instance that has something to draw: first
// each applies its pending scroll (while the layout is clean), then each draws. Separate
// callbacks would interleave DOM writes and layout reads across instances and force a layout
// of the whole page once per instance and frame.
const pending = new Set<RaftClusterElement>();
/** The handles given out by `element.cluster`, to the clusters they wrap. */
const unwrapped = new WeakMap<object, ClusterApi>();
let sharedRaf = 0;

function requestSharedFrame(el: RaftClusterElement): void {
  pending.add(el);
  if (sharedRaf === 0) sharedRaf = requestAnimationFrame(runSharedFrame);
}

function runSharedFrame(t: number): void {
  sharedRaf = 0;
  const batch = [...pending];
  pending.clear();
  for (const el of batch) el.beforeFrame();
  for (const el of batch) el.frame(t);
}

export class RaftClusterElement extends HTMLElement implements ControlsHost {
  static get observedAttributes(): string[] {
    return OBSERVED_ATTRIBUTES;
  }

  readonly clock = new Clock();
  /** Real ms the last frame's work took (advance, state, render, save); for measurements. */
  lastFrameMs = 0;
  /** Frames drawn since the element was created; for measurements and tests. */
  framesDrawn = 0;
  /** Bytes of the wasm module's memory (shared by every instance, a high-water mark); for
   * measurements. */
  get wasmMemoryBytes(): number {
    return wasmMemoryBytes();
  }

  private _cluster: ClusterApi | null = null;
  private handle: { target: ClusterApi; proxy: ClusterApi } | null = null;
  private selection: Selection = null;
  private readonly shadow: ShadowRoot;
  private readonly root: HTMLElement;
  private readonly status = new StatusLine();
  private readonly runFiles: RunFilesBar;
  private violationShown = false;
  private readonly notices = new Notices();
  private readonly persistence: Persistence;
  private readonly feed = new EventFeed();
  private readonly eventLog = new EventLog();
  private readonly controls: Controls;
  private readonly ring: RingView;
  private readonly logs: LogView;
  private readonly details: DetailsPanel;
  private readonly menu: NodeMenu;
  private readonly table = new TableView();
  private readonly timeline: TimelineBar;
  // Teaching (issue 9): scenarios, safety monitors, breakable rules, state machines.
  private readonly scenarios: ScenarioBar;
  private readonly monitors: MonitorsPanel;
  private readonly rules: RulesPanel;
  private readonly requests: RequestsWatch;
  private readonly machines: StateMachinesPanel;
  private readonly teachRow: HTMLElement;
  /** Node ids of the violation shown (highlighted on the ring). */
  private violationNodes: number[] = [];
  /** The Cluster's jumps and forks counts last drawn (a change: redraw from the Cluster). */
  private jumps = 0;
  private forks = 0;
  /** A fork was just made: the status line offers to undo it (next frame, after its sentence). */
  private offerUndo = false;
  private readonly narrator: Narrator;
  private readonly help: HTMLElement;
  private config: ElementConfig;
  private booted = false;
  private heightSet = false;
  private motionQuery: MediaQueryList | null = null;
  private scheduled = false;
  private inView = true;
  private io: IntersectionObserver | null = null;
  private detachKeys: (() => void) | null = null;
  /** Saves the moment shown when the page goes away (a reload, a tab closed). */
  private readonly onPageHide = (): void => this.saveNow();
  private frameFailed = false;
  /** Where the next cluster attached comes from, for the address (address.ts). */
  private source: Source = null;

  constructor() {
    super();
    this.config = readConfig(this);
    this.persistence = new Persistence("", (m) => this.notices.memoryOnly(m));
    this.narrator = new Narrator(this);
    this.controls = new Controls(this);
    this.runFiles = new RunFilesBar({ act: (what, fn) => this.act(what, fn), error: (m) => this.error(m), openRunFile: (text, from, path) => this.openRunFile(text, from, path), doc: () => this.ownerDocument });
    this.timeline = new TimelineBar({ act: (what, fn) => this.act(what, fn), pause: () => this.clock.pause(), linkUrl: (text) => this.linkUrl(text) });
    this.scenarios = new ScenarioBar({
      openScenario: (id) => this.openScenario(id),
      act: (what, fn) => this.act(what, fn),
      pause: () => this.clock.pause(),
      // Take over said what was dropped: the fork is not announced again (Undo is offered).
      forkSaid: (c) => ((this.forks = c.forks), (this.offerUndo = true)),
    });
    this.monitors = new MonitorsPanel({ act: (what, fn) => this.act(what, fn), pause: () => this.clock.pause(), highlight: (v) => this.highlight(v) });
    this.rules = new RulesPanel({ act: (what, fn) => this.act(what, fn), forkSaid: (c) => ((this.forks = c.forks), (this.offerUndo = true)) });
    this.requests = new RequestsWatch({ info: (m) => this.status.info(m), reply: (t) => setText(this.controls.cmdOut, t) });
    this.machines = new StateMachinesPanel(this.requests.el);
    this.teachRow = h("div", { class: "teach-row" }, this.scenarios.pick, this.rules.el);
    this.ring = new RingView({
      selectNode: (id) => {
        this.select(id);
        this.openNodeMenu(id, false);
      },
      selectMessage: (id) => this.selectMessage(id),
    });
    this.logs = new LogView((id) => {
      this.select(id);
      this.openNodeMenu(id, false);
    });
    this.details = new DetailsPanel(
      (id) => this.act(`Drop message ${id}`, (c) => (c.dropMessage(id), `Dropped message ${id}.`)),
      () => this.closeDetails(),
    );
    this.menu = new NodeMenu({
      crashOrRestart: (id) => this.controls.crashOrRestart(id),
      toggleConnected: (id) => this.controls.toggleConnected(id),
      timeout: (id) => this.controls.timeout(id),
      sendTo: (id) => this.controls.sendRequest(id),
      details: (id) => {
        this.select(id);
        this.details.el.hidden = false;
        this.invalidate();
      },
      close: () => {
        this.menu.hide();
        this.invalidate();
      },
    });
    this.help = this.buildHelp();
    this.shadow = this.attachShadow({ mode: "open" });
    this.shadow.adoptedStyleSheets = [styles()];
    this.root = this.build();
    this.shadow.append(this.root);
  }

  // ---- attributes and public API ---------------------------------------------------------

  attributeChangedCallback(name: string): void {
    this.config = readConfig(this);
    if (name === "speed" && this.config.speed !== undefined) {
      this.clock.speed = this.config.speed;
      this.controls.onSpeed();
    }
    if (name === "controls") this.applyMode();
    if (name === "height") this.applyHeight();
    if (name === "presenter") this.controls.onPresenter(this.config.presenter);
    if (this.booted && this.config.errors.length > 0) this.status.error(`${this.config.errors.join("; ")}.`);
    this.invalidate();
  }

  /** The Cluster handle shown (and driven) by this element. What a page calls on it is drawn
   * (and saved) at the next frame even while the element is paused: the handle given out
   * is a thin wrapper whose methods schedule one frame after they ran. */
  get cluster(): ClusterApi | null {
    const c = this._cluster;
    if (!c) return null;
    if (this.handle?.target !== c) this.handle = { target: c, proxy: this.wrap(c) };
    return this.handle.proxy;
  }

  set cluster(c: ClusterApi | null) {
    if (c === null) {
      this.detach();
      return;
    }
    this.attach(unwrapped.get(c) ?? c, false);
  }

  private wrap(c: ClusterApi): ClusterApi {
    const proxy = new Proxy(c, {
      get: (target, key) => {
        const v: unknown = Reflect.get(target, key, target);
        if (typeof v !== "function" || key === "constructor") return v;
        return (...args: unknown[]) => {
          try {
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          } finally {
            this.invalidate();
          }
        };
      },
    });
    unwrapped.set(proxy, c);
    return proxy;
  }

  get playing(): boolean {
    return this.clock.playing;
  }

  play(): void {
    this.clock.play();
    this.invalidate();
  }

  pause(): void {
    this.clock.pause();
    this.invalidate();
  }

  /** The key this instance stores its cluster under ("" with persist="none"). */
  get storageKey(): string {
    return this.persistence.off ? "" : this.persistence.key;
  }

  connectedCallback(): void {
    this.config = readConfig(this);
    this.applyMode();
    this.applyHeight();
    this.controls.onPresenter(this.config.presenter);
    this.persistence.off = !this.config.persist;
    this.persistence.key = this.config.storageKey ?? derivedStorageKey(this);
    this.detachKeys ??= this.controls.attachKeyboard(this.root);
    this.ownerDocument.defaultView?.addEventListener("pagehide", this.onPageHide);
    if (typeof IntersectionObserver === "function" && !this.io) {
      this.io = new IntersectionObserver((entries) => {
        const last = entries[entries.length - 1];
        if (!last) return;
        this.inView = last.isIntersecting;
        this.invalidate();
      });
      this.io.observe(this);
    }
    if (!this.booted) {
      this.booted = true;
      if (this.config.speed !== undefined) {
        this.clock.speed = this.config.speed;
        this.controls.onSpeed();
      }
      if (!this.config.autoplay) this.clock.pause();
      loadWasm().then(
        () => {
          this.scenarios.list(scenarioList());
          if (!this._cluster) this.boot();
          this.invalidate();
        },
        (e: unknown) => this.status.error(`Could not load the Raft simulator (WebAssembly): ${errorMessage(e)}`),
      );
    }
    this.invalidate();
  }

  disconnectedCallback(): void {
    pending.delete(this);
    this.scheduled = false;
    this.detachKeys?.();
    this.detachKeys = null;
    this.ownerDocument.defaultView?.removeEventListener("pagehide", this.onPageHide);
    this.io?.disconnect();
    this.io = null;
    this.saveNow();
  }

  private applyMode(): void {
    const mode = this.config.controls;
    this.root.dataset["controls"] = mode;
    this.controls.setMode(mode);
    this.status.el.hidden = mode === "none";
    this.timeline.el.hidden = mode !== "full";
    this.runFiles.el.hidden = mode !== "full";
    this.teachRow.hidden = mode !== "full";
    this.monitors.el.hidden = mode === "none";
    if (mode === "full") void this.runFiles.loadIndex();
  }

  private applyHeight(): void {
    // CSSOM, not a style attribute: allowed under a strict style-src. A height the host page
    // set itself is left alone unless the attribute is given.
    if (this.config.height !== null) {
      this.style.height = this.config.height;
      this.heightSet = true;
    } else if (this.heightSet) {
      this.style.height = "";
      this.heightSet = false;
    }
  }

  private build(): HTMLElement {
    const ringTitle = uid("ring-title");
    const ringPanel = h(
      "div",
      { class: "ring-panel", role: "group", "aria-labelledby": ringTitle },
      h("h2", { id: ringTitle, class: "visually-hidden" }, "Cluster"),
      this.ring.el,
      this.controls.seedOut,
      this.table.el,
      this.menu.el,
    );
    const logsTitle = uid("logs-title");
    const logsPanel = h(
      "div",
      { class: "panel logs-panel", role: "group", "aria-labelledby": logsTitle },
      h("div", { class: "panel-head" }, h("h2", { id: logsTitle }, "Logs"), this.machines.el, h("span", { class: "hint" }, "solid committed · dashed not yet · ✓ applied · ▼ nextIndex ▲ matchIndex")),
      this.logs.el,
    );
    this.details.el.hidden = true;
    const main = h("div", { class: "main" }, ringPanel, h("div", { class: "side" }, logsPanel, this.details.el, this.eventLog.el));
    const root = h(
      "div",
      { class: "root", tabindex: -1 },
      this.notices.el,
      this.controls.toolbar,
      h("div", { class: "time-row" }, this.teachRow, this.timeline.el),
      h("div", { class: "files-row" }, this.runFiles.el, this.monitors.el),
      this.scenarios.nav,
      this.rules.banner,
      this.monitors.report,
      this.status.el,
      main,
      this.help,
      this.narrator.live,
    );
    // A run file dropped on the element opens like "Import run".
    root.addEventListener("dragover", (ev) => {
      if (ev.dataTransfer?.types.includes("Files")) ev.preventDefault();
    });
    root.addEventListener("drop", (ev) => {
      const file = ev.dataTransfer?.files?.[0];
      if (!file) return;
      ev.preventDefault();
      void this.runFiles.importFile(file);
    });
    // A button clicked with the mouse keeps no focus: Space stays play/pause and never
    // repeats the button's action (Send request, Reset, Heal, Step...).
    root.addEventListener("click", (ev) => {
      const b = ev.target instanceof Element ? ev.target.closest("button") : null;
      if (b && ev.detail > 0 && this.shadow.activeElement === b) root.focus({ preventScroll: true });
      this.invalidate();
    });
    root.addEventListener("input", () => this.invalidate());
    watchRingFont(this.ring.el, main);
    // The ring is the largest square that fits next to the logs (at most 58% of the width).
    new ResizeObserver(() => {
      const size = Math.floor(Math.max(0, Math.min(main.clientHeight, main.clientWidth * 0.58)));
      const v = `${size}px`;
      if (main.style.getPropertyValue("--ring-size") !== v) main.style.setProperty("--ring-size", v);
    }).observe(main);
    // Text on a small ring: enlarge it (at most 1.5×) towards 14 px.
    new ResizeObserver(() => {
      const px = Math.min(ringPanel.clientWidth, ringPanel.clientHeight);
      if (px <= 0) return;
      const scale = px / RING_VIEW_UNITS;
      const ts = Math.min(1.5, Math.max(1, 14.5 / (17 * scale))).toFixed(2);
      if (main.style.getPropertyValue("--ts") !== ts) main.style.setProperty("--ts", ts);
    }).observe(ringPanel);
    return root;
  }

  private buildHelp(): HTMLElement {
    const title = uid("help-title");
    const close = h("button", { type: "button", class: "menu-close", "aria-label": "Close help" }, "✕");
    close.addEventListener("click", () => this.toggleHelp());
    return h(
      "section",
      { class: "help-panel", role: "dialog", "aria-labelledby": title, hidden: true },
      h("div", { class: "menu-head" }, h("h2", { id: title }, "Keyboard and legend"), close),
      h("p", {}, "Click a node (or Tab to it and press Enter) for its actions: crash, restart, disconnect, reconnect, time out, send a request, details. Click a message in flight for its fields."),
      h("dl", { class: "shortcuts" }, ...SHORTCUTS.flatMap(([k, what]) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, what)])),
      buildLegend(),
    );
  }

  // ---- choosing the cluster --------------------------------------------------------------

  private boot(): void {
    const cfg = this.config;
    const errors = [...cfg.errors];
    const want: ClusterOptions = {};
    let fromUrl = false;
    if (cfg.urlParams) {
      const params = parseStartParams(this.ownerDocument.location?.search ?? "");
      if (params.errors.length > 0) errors.push(`${params.errors.join("; ")}. Ignored the URL parameters`);
      if (params.fresh) {
        fromUrl = true;
        if (params.nodes !== undefined) want.nodes = params.nodes;
        if (params.seed !== undefined) want.seed = params.seed;
      }
    }
    // The address names the run shown (address.ts); a reload restores the stored one instead.
    const address = cfg.urlParams && !(reloaded(this.ownerDocument) && this.persistence.read() !== null);
    // A built-in scenario (the scenario attribute, or ?scenario=figure-8 with url-params) is
    // played and shown at its first step.
    const urlScenario = address ? new URLSearchParams(this.ownerDocument.location?.search ?? "").get("scenario") : null;
    const scenarioId = urlScenario ?? cfg.scenario;
    if (scenarioId !== null) {
      try {
        this.showScenario(clusterFromScenario(scenarioId));
        if (errors.length > 0) this.status.error(`${errors.join("; ")}.`);
        return;
      } catch (e) {
        errors.push(`Could not open the scenario ${urlScenario !== null ? "in the address" : "of the scenario attribute"}: ${errorMessage(e)}`);
      }
    }
    // A link (?run=, from "Copy link") plays its run from a fresh start at its moment.
    const runText = address ? new URLSearchParams(this.ownerDocument.location?.search ?? "").get("run") : null;
    if (runText !== null) {
      try {
        const c = clusterFromLink(runText);
        this.source = { run: runText };
        this.attach(c, false);
        if (errors.length > 0) this.status.error(`${errors.join("; ")}.`);
        else this.status.info(`Opened the link: ${c.nodeCount} nodes, seed ${c.seed}, ${c.timeline().inputs} recorded actions, shown at ${fmtTime(c.nowMs)} (the run goes on to ${fmtTime(c.endMs)}). Press Play to go on.`);
        this.clock.pause();
        return;
      } catch (e) {
        errors.push(`Could not open the link in the address: ${errorMessage(e)}`);
      }
    }
    // A run file next to the page (?runFile=runs/TestBackup3B.json) is fetched, then opened.
    const runFile = address ? new URLSearchParams(this.ownerDocument.location?.search ?? "").get("runFile") : null;
    if (runFile !== null) queueMicrotask(() => void this.runFiles.openPath(runFile));
    if (!fromUrl) {
      if (cfg.nodes !== undefined) want.nodes = cfg.nodes;
      if (cfg.seed !== undefined) want.seed = cfg.seed;
    }
    const problems = errors.length > 0 ? `${errors.join("; ")}.` : "";
    const image = this.persistence.read();
    if (image !== null) {
      let restored: ClusterApi | null = null;
      let failure = "";
      try {
        restored = restoreCluster(image);
      } catch (e) {
        failure = errorMessage(e);
      }
      if (restored) {
        const same = (want.nodes === undefined || want.nodes === restored.nodeCount) && (want.seed === undefined || String(want.seed) === restored.seed);
        if (same || !fromUrl) {
          // A reload: the address already names this cluster's run (it was written for it).
          if (cfg.urlParams && !address) this.source = { keep: true };
          this.attach(restored, true);
          const problem = restored.restoreProblem;
          if (problem !== undefined) {
            // The run is kept as it was stored until the user decides (nothing is written).
            this.persistence.hold = true;
            this.notices.showRestoreError(`The stored run could not be replayed: ${problem}. Every node restarted from its persisted state instead, without the timeline.`, {
              reset: () => this.reset({ nodes: this._cluster?.nodeCount ?? 5 }),
              keep: () => {
                this.notices.memoryOnly("Running in memory only: the stored data is kept as it was. Reset replaces it.");
                this.status.info("Kept the stored data untouched; this cluster runs in memory only.");
              },
            }, { run: true });
            this.status.error(`Could not restore the stored run: ${problem}. Restored every node from its persisted state instead.`);
          } else if (problems) this.status.error(problems);
          else if (restored.restoredRun) {
            // Back in the past of its run: shown paused there, as a link opens.
            const past = restored.nowMs < restored.endMs;
            if (past) this.clock.pause();
            const scenario = restored.scenario();
            const guided = scenario ? ` Scenario: ${scenario.title}, step ${scenario.current} of ${scenario.steps.length}.` : restored.title ? ` Run file: ${restored.title}.` : "";
            this.status.info(`Restored the stored cluster: ${restored.nodeCount} nodes, seed ${restored.seed}, its run replayed to ${fmtTime(restored.nowMs)} (${restored.timeline().inputs} recorded actions, to ${fmtTime(restored.endMs)}), and every node's persisted state checked against what was stored.${guided}${past ? " Paused there: press Play to go on." : ""}`);
          }
          else this.status.info(`Restored the stored cluster: ${restored.nodeCount} nodes, seed ${restored.seed}. Every node restarted from its persisted state (currentTerm, votedFor, log, snapshot), as after a crash of the whole cluster; crashes, disconnections and partitions are not stored.`);
          return;
        }
        restored.free();
      } else {
        this.persistence.hold = true;
        this.notices.showRestoreError(failure, {
          reset: () => this.reset({ nodes: this._cluster?.nodeCount ?? 5 }),
          keep: () => {
            this.notices.memoryOnly("Running in memory only: the stored data is kept as it was. Reset replaces it.");
            this.status.info("Kept the stored data untouched; this cluster runs in memory only.");
          },
        });
        this.startFresh(want, "in memory");
        this.status.error(`Could not restore the stored cluster: ${failure}`);
        return;
      }
    }
    this.startFresh(want, fromUrl ? "from the URL" : "");
    if (problems) this.status.error(problems);
  }

  private startFresh(opts: ClusterOptions, how: string): boolean {
    let c: ClusterApi;
    try {
      c = createCluster(opts);
    } catch (e) {
      this.status.error(`Could not start a cluster: ${errorMessage(e)}`);
      return false;
    }
    this.attach(c, false);
    this.status.info(`New cluster${how ? ` ${how}` : ""}: ${c.nodeCount} nodes, seed ${c.seed}.${this.clock.playing ? " Watch the first election." : touchDevice(this.ownerDocument) ? " Tap Play to start." : " Press Play (or Space) to start."}`);
    return true;
  }

  /** A run file's cluster (Cluster.fromRunFile), paused at its start; a bad file is said and
   * the cluster shown stays. */
  private openRunFile(text: string, from: string, path?: string): boolean {
    let c: ClusterApi;
    try {
      c = clusterFromRunFile(text);
    } catch (e) {
      this.status.error(`Could not open ${from}: ${errorMessage(e)}`);
      this.invalidate();
      return false;
    }
    this.source = path !== undefined ? { runFile: path } : { imported: true };
    this.attach(c, false);
    this.clock.pause();
    const t = c.timeline();
    this.status.info(`Opened ${c.title ?? from}: ${c.nodeCount} nodes, seed ${c.seed}, ${t.inputs} recorded actions to ${fmtTime(c.endMs)}, paused at the start. Press Play or drag the Timeline.`);
    this.invalidate();
    return true;
  }

  /** A built-in scenario (Cluster.fromScenario), paused at its first step; an unknown one
   * is said and the cluster shown stays. */
  private openScenario(id: string): boolean {
    let c: ClusterApi;
    try {
      c = clusterFromScenario(id);
    } catch (e) {
      this.status.error(`Could not open the scenario: ${errorMessage(e)}`);
      this.invalidate();
      return false;
    }
    this.showScenario(c);
    return true;
  }

  private showScenario(c: ClusterApi): void {
    const id = c.scenario()?.id;
    if (id !== undefined) this.source = { scenario: id };
    this.attach(c, false);
    this.clock.pause();
    const v = c.scenario();
    this.status.info(`Scenario: ${v?.title ?? "the scenario"}. ${v?.steps.length ?? 0} steps to ${fmtTime(c.endMs)}, paused at step 1: press Next step, drag the Timeline, or Take over to play freely.`);
    this.invalidate();
  }

  /** The nodes and log entries of the violation shown, highlighted in the ring and the logs. */
  private highlight(v: { nodes: number[]; indices: number[] } | null): void {
    this.violationNodes = v?.nodes ?? [];
    this.markViolationNodes();
    this.logs.setViolation(v);
    // The logs drew this frame before the monitors read the violation: draw once more.
    this.invalidate();
  }

  /** The ring's nodes involved in the violation shown get data-violation (the ring may have
   * redrawn its nodes since: called after each ring render while one is shown). */
  private markViolationNodes(): void {
    const v = this.violationNodes.length > 0 ? { nodes: this.violationNodes } : null;
    for (const el of this.ring.el.querySelectorAll("[data-node-id]")) {
      const id = Number(el.getAttribute("data-node-id"));
      const on = v !== null && v.nodes.includes(id);
      if ((el.getAttribute("data-violation") === "true") !== on) el.setAttribute("data-violation", String(on));
    }
  }

  /** Reset: a new cluster with these options; the stored cluster is cleared. */
  reset(options: { nodes: number; seed?: string }): void {
    const opts: ClusterOptions = { nodes: options.nodes };
    if (options.seed !== undefined) opts.seed = options.seed;
    let c: ClusterApi;
    try {
      c = createCluster(opts);
    } catch (e) {
      this.status.error(`Reset: ${errorMessage(e)}`);
      return;
    }
    this.persistence.clear();
    this.notices.hideRestoreError();
    this.attach(c, false);
    this.persistence.maybeSave(c);
    this.status.info(`Reset: new cluster of ${c.nodeCount} nodes, seed ${c.seed}.${this.persistence.off ? "" : " The stored cluster was replaced."}`);
  }

  setPresenter(on: boolean): void {
    this.toggleAttribute("presenter", on);
  }

  presenter(): boolean {
    return this.config.presenter;
  }

  storedCluster(): string | null {
    if (this.persistence.off || this.persistence.read() === null) return null;
    if (this.persistence.hold || this.persistence.memoryOnly) return "stored data this cluster did not write";
    const c = this._cluster;
    return c ? `${c.nodeCount} nodes, seed ${c.seed}, at ${(c.nowMs / 1000).toFixed(1)} virtual s` : "stored data";
  }

  private attach(c: ClusterApi, restored: boolean): void {
    const old = this._cluster;
    this._cluster = c;
    if (old && old !== c) {
      try {
        old.free();
      } catch {
        // already freed by its owner
      }
    }
    this.clock.reset();
    this.feed.reset();
    this.ring.reset();
    this.logs.reset();
    this.eventLog.clear();
    // A link or a run opened in its past: the events up to the moment shown.
    this.eventLog.add(this.feed.fresh(c.recentEvents()));
    this.timeline.reset();
    this.runFiles.reset();
    this.scenarios.reset();
    this.monitors.reset();
    this.rules.reset();
    this.machines.reset();
    this.requests.reset();
    this.jumps = c.jumps;
    this.forks = c.forks;
    this.violationShown = false;
    if (this.selection?.kind === "message" || (this.selection?.kind === "node" && this.selection.id > c.nodeCount)) this.selection = null;
    if (this.menu.id !== null && this.menu.id > c.nodeCount) this.menu.hide();
    this.controls.onNewCluster(c);
    if (restored) this.persistence.markSaved(c);
    else this.persistence.forget();
    this.frameFailed = false;
    this.syncUrl(c);
    this.narrator.ready(c.nodeCount, c.seed, restored);
    this.invalidate();
  }

  /** The absolute URL of this page that opens link text `text` (?run=). */
  private linkUrl(text: string): string {
    const u = new URL(this.ownerDocument.location.href);
    u.search = "";
    u.hash = "";
    u.searchParams.set("run", text);
    return u.href;
  }

  /** With url-params: the address says what reproduces the cluster shown (address.ts). */
  private syncUrl(c: ClusterApi): void {
    const source = this.source;
    this.source = null;
    if (this.config.urlParams) writeAddress(this.ownerDocument, c, source);
  }

  private detach(): void {
    this._cluster = null;
    this.violationShown = false;
    this.ring.reset();
    this.logs.reset();
    this.eventLog.clear();
  }

  // ---- the frame loop ----------------------------------------------------------------------

  /** Something changed that must be drawn: schedule one frame (the loop may be idle). */
  invalidate(): void {
    if (!this.scheduled && this.isConnected) {
      this.scheduled = true;
      requestSharedFrame(this);
    }
  }

  private get running(): boolean {
    return this.clock.playing && this.inView && this._cluster !== null && !this.frameFailed;
  }

  /** Before any instance draws in this frame: the layout is still clean. */
  beforeFrame(): void {
    this.logs.applyScroll();
  }

  /** One frame (called by the shared requestAnimationFrame callback). */
  frame(t: number): void {
    this.scheduled = false;
    const t0 = performance.now();
    try {
      this.update(t);
      this.frameFailed = false;
    } catch (e) {
      this.clock.pause();
      if (!this.frameFailed) this.status.error(`The simulation stopped: ${errorMessage(e)}. Paused: press Play to go on, or Reset.`);
      this.frameFailed = true;
    }
    this.framesDrawn++;
    this.lastFrameMs = performance.now() - t0;
    if (this.running) this.invalidate();
    else this.clock.rest();
  }

  private update(t: number): void {
    const c = this._cluster;
    if (!c) return;
    const dt = this.inView ? this.clock.tick(t, this.ownerDocument.hidden) : 0;
    if (dt > 0) c.advance(dt);
    const state = c.state();
    if (c.jumps !== this.jumps) {
      // The moment shown jumped (a seek, a step back): everything is drawn afresh from what
      // the Cluster says about that moment.
      this.jumps = c.jumps;
      this.feed.reset();
      this.ring.reset();
      this.eventLog.clear();
      this.eventLog.add(this.feed.fresh(c.recentEvents()));
      // Before a violation it is not shown: playing on to it pauses and reports it again.
      this.violationShown = state.violation !== null;
    }
    if (c.forks !== this.forks) {
      this.forks = c.forks;
      const fork = c.timeline().lastFork;
      if (fork) this.status.info(`Acted in the past, at ${fmtTime(fork.atMs)}: the run forked there. Its future (to ${fmtTime(fork.droppedToMs)}, ${fork.inputsDropped} later action${fork.inputsDropped === 1 ? "" : "s"}) was dropped and the action recorded.`);
      this.offerUndo = true;
    }
    if (this.offerUndo) {
      this.offerUndo = false;
      if (c.canUndoFork) this.status.offer("Undo", () => this.act("Undo", (k) => k.undoFork()));
    }
    const events = this.feed.fresh(c.events());
    if (state.violation !== null && !this.violationShown) {
      this.violationShown = true;
      this.clock.pause();
      this.status.error(`Raft safety violated: ${state.violation}. Paused.`);
      this.narrator.violation(state.violation, state.nowMs);
    }
    this.persistence.maybeSave(c, { playing: this.clock.playing });
    const vt = state.nowMs + (this.clock.playing ? this.clock.residualMs : 0);
    if (this.selection?.kind === "node" && this.selection.id > state.nodes.length) this.selection = null;
    const shown = !this.table.shown;
    if (shown) {
      this.ring.reducedMotion = this.reducedMotion();
      this.ring.render(
        state,
        vt,
        this.selection,
        events.filter((e) => e.kind === "messageDropped"),
        t,
        this.clock.playing,
      );
      if (this.violationNodes.length > 0) this.markViolationNodes();
    }
    this.table.render(state);
    this.menu.render(this.menu.id !== null ? state.nodes[this.menu.id - 1] : undefined);
    this.logs.render(state, this.selection);
    if (!this.details.el.hidden) {
      this.details.causes = this.selection?.kind === "node" ? c.causes() : [];
      this.details.render(state, this.selection);
    }
    this.eventLog.add(events);
    this.controls.sync(state, this.shadow.activeElement);
    if (!this.timeline.el.hidden) this.timeline.sync(c, state.nowMs);
    if (!this.runFiles.el.hidden) this.runFiles.sync(c, state.nowMs);
    // A scenario's step row and caption show in every controls mode.
    this.scenarios.sync(c, state.nowMs);
    if (!this.teachRow.hidden) {
      this.rules.sync(c);
    }
    this.monitors.sync(c, state.violation);
    this.machines.sync(c);
    this.requests.sync(c, state.nowMs);
    this.narrator.events(events, t);
  }

  /** prefers-reduced-motion, read per frame from the instance's own query (no listener). */
  private reducedMotion(): boolean {
    this.motionQuery ??= this.ownerDocument.defaultView?.matchMedia?.("(prefers-reduced-motion: reduce)") ?? null;
    return this.motionQuery?.matches ?? false;
  }

  private saveNow(): void {
    if (this._cluster) this.persistence.maybeSave(this._cluster, { force: true });
  }

  // ---- ControlsHost --------------------------------------------------------------------

  act(what: string, fn: (c: ClusterApi) => string | void): boolean {
    const c = this._cluster;
    this.invalidate();
    if (!c) {
      this.status.error(`${what}: there is no cluster yet`);
      return false;
    }
    try {
      const message = fn(c);
      if (message) this.status.info(message);
      return true;
    } catch (e) {
      this.status.error(what ? `${what}: ${errorMessage(e)}` : errorMessage(e));
      return false;
    }
  }

  error(message: string): void {
    this.status.error(message);
  }

  selectedNode(): number | null {
    return this.selection?.kind === "node" ? this.selection.id : null;
  }

  select(id: number | null): void {
    this.selection = id === null ? null : { kind: "node", id };
    if (id !== null) this.status.info(touchDevice(this.ownerDocument) ? `Selected ${nodeName(id)}: tap it for its actions.` : `Selected ${nodeName(id)}: press Enter for its actions, or c r d t.`);
    this.invalidate();
  }

  selectMessage(id: number): void {
    this.selection = { kind: "message", id };
    this.details.el.hidden = false;
    this.invalidate();
  }

  selectNextMessage(): void {
    const c = this._cluster;
    if (!c) return;
    const msgs = c.state().messages;
    if (msgs.length === 0) {
      this.status.info("No message is in flight right now.");
      return;
    }
    const cur = this.selection?.kind === "message" ? this.selection.id : -1;
    const next = msgs.find((m) => m.id > cur) ?? msgs[0]!;
    this.selectMessage(next.id);
    this.status.info(`Selected message ${next.id}: ${next.kind} from ${nodeName(next.from)} to ${nodeName(next.to)} (m: the next one).`);
  }

  openNodeMenu(id: number, focus: boolean): void {
    if (id > this.nodeCount()) return;
    this.selection = { kind: "node", id };
    this.menu.open(id, false);
    const c = this._cluster;
    if (c) this.menu.render(c.state().nodes[id - 1]);
    if (focus) this.menu.open(id, true);
    this.invalidate();
  }

  private closeDetails(): void {
    this.details.el.hidden = true;
    this.invalidate();
  }

  closePopups(): boolean {
    if (!this.help.hidden) {
      this.help.hidden = true;
      return true;
    }
    if (this.menu.hide()) return true;
    if (this.rules.el.querySelector(".pop:not([hidden])")) {
      this.rules.toggle(false);
      return true;
    }
    if (this.machines.open) {
      this.machines.toggle(false);
      return true;
    }
    if (!this.details.el.hidden) {
      this.details.el.hidden = true;
      return true;
    }
    return false;
  }

  toggleHelp(): void {
    this.help.hidden = !this.help.hidden;
    if (!this.help.hidden) (this.help.querySelector("button") as HTMLButtonElement | null)?.focus();
    this.invalidate();
  }

  toggleTable(): void {
    const show = !this.table.shown;
    this.table.el.hidden = !show;
    this.ring.el.classList.toggle("hidden", show);
    this.controls.setTablePressed(show);
    this.invalidate();
  }

  nodeCount(): number {
    return this._cluster?.nodeCount ?? 0;
  }
}
