// <raft-cluster>: a whole virtual Raft cluster in one self-contained element.
//
// It renders into an open shadow root with its own constructed stylesheet and owns nothing
// global: no ids outside its shadow root, no listeners on the document or the window (the
// keyboard shortcuts act on the focused instance), its own storage key, and the page's
// address only when the host page opts in with `url-params`.
//
// This file is the element's shell: lifecycle, attributes, the public API, selection and
// popups. Which cluster it opens first is the boot plan (`boot.ts`); each animation frame
// while it runs, the clock says how much virtual time passed, the cluster advances by that
// much, then ONE state() call and one events() call make the frame's value (`frame.ts`),
// handed to every view, which draws it (ring, logs, details, event log, table, controls,
// timeline, teaching panels); what does not change every frame (the rules, the scenario's
// step, the timeline's markers) is asked for only when it changed. Paused, hidden, or
// scrolled out of view (IntersectionObserver) the loop stops: no state() call, no drawing. A
// change while idle (a click, a key, a new cluster) draws one frame.
import type { ClusterApi, ClusterOptions } from "./api";
import { type ElementConfig, OBSERVED_ATTRIBUTES, readConfig } from "./attributes";
import { Clock, SLOW_MOTION_EARLY_MS, SLOW_MOTION_FRAME_MS_MIN, SLOW_MOTION_SPEED_MAX } from "./clock";
import { boot, bootNeedsRest, bootNeedsScenarios } from "./boot";
import { type Source, writeAddress } from "./address";
import { touchDevice } from "./presenter";
import { Changed, type Frame, type FrameView, PANELS_FRAME_MS_MIN, cancelSharedFrame, requestSharedFrame } from "./frame";
import { styles } from "./styles";
import { Controls, type ControlsHost } from "./controls";
import { errorMessage, fmtTime, h, nodeName, setText } from "./dom";
import { buildHelp, buildRoot } from "./element-layout";
import { type Lazy, LazyKvClients, lazyDetails, lazyTable, loadLegend } from "./lazy";
import type { DetailsPanel } from "./details";
import type { TableView } from "./table-view";
import { Narrator } from "./narrator";
import { NodeMenu } from "./node-menu";
import { Notices } from "./notices";
import { RunFilesBar } from "./run-files";
import { EventLog } from "./render-events";
import { LogView } from "./render-log";
import { RingView } from "./render-ring";
import type { Selection } from "./selection";
import { StatusLine } from "./status";
import { Persistence, derivedStorageKey } from "./storage";
import { TimelineBar } from "./timeline-bar";
import { MonitorsPanel } from "./monitors";
import { RequestsWatch } from "./requests-view";
import { RulesPanel } from "./rules-panel";
import { ScenarioBar } from "./scenario-bar";
import { StateMachinesPanel } from "./state-machine";
import { RestLoading, clusterFromRunFile, clusterFromScenario, createCluster, loadRest, loadScenarios, loadWasm, restLoaded, scenarioList, scenariosLoaded, wasmMemoryBytes } from "./wasm";

/** Frames `frameParts` keeps (a measurement's window). */
const FRAME_PARTS_MAX = 2000;

/** The handles given out by `element.cluster`, to the clusters they wrap. */
const unwrapped = new WeakMap<object, ClusterApi>();

export class RaftClusterElement extends HTMLElement implements ControlsHost {
  static get observedAttributes(): string[] {
    return OBSERVED_ATTRIBUTES;
  }

  readonly clock = new Clock();
  /** Real ms the last frame's work took (advance, state, render, save); for measurements. */
  lastFrameMs = 0;
  /** Frames drawn since the element was created; for measurements and tests. */
  framesDrawn = 0;
  /** Set to an empty array to have each frame's work split into its parts pushed to it
   * (ms of advance, state(), each view by its place in the drawing order, save); for
   * measurements (`scripts/measure.mjs split`). At most FRAME_PARTS_MAX frames are kept. */
  frameParts: number[][] | null = null;
  /** What the frames redrew, counted since the element was created (for tests: a frame in
   * which nothing changed redraws nothing): log rows and entries, logWindow() calls, writes
   * of the timeline markers' transform, message marks and log entries made (not reused), the
   * log table's scrolls to follow what matters, requests() calls, frames that drew the
   * logs table and the event log (Frame.drawLogs, drawEvents). */
  get drawCounts(): { logRows: number; logEntries: number; logEntriesMade: number; logScrolls: number; logWindows: number; timelineTransforms: number; messageMarks: number; requestsAsked: number; logDraws: number; eventDraws: number } {
    const l = this.logs.counts;
    return { logRows: l.rows, logEntries: l.entries, logEntriesMade: l.made, logScrolls: l.scrolls, logWindows: l.windows, timelineTransforms: this.timeline.transformWrites, messageMarks: this.ring.marksMade, requestsAsked: this.requests.asked, logDraws: this.panelDraws.logs, eventDraws: this.panelDraws.events };
  }
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
  private readonly eventLog = new EventLog();
  private readonly controls: Controls;
  private readonly ring: RingView;
  private readonly logs: LogView;
  /** Details, the table and the Clients panel: their code is fetched on first use (lazy.ts). */
  private readonly details: Lazy<DetailsPanel>;
  private readonly menu: NodeMenu;
  private readonly table: Lazy<TableView>;
  private readonly timeline: TimelineBar;
  // Teaching (issue 9): scenarios, safety monitors, breakable rules, state machines.
  private readonly scenarios: ScenarioBar;
  private readonly monitors: MonitorsPanel;
  private readonly rules: RulesPanel;
  private readonly requests: RequestsWatch;
  private readonly machines: StateMachinesPanel;
  /** Lab 4's key/value clients and their history (views/kv-clients.ts). */
  private readonly kv: LazyKvClients;
  private readonly teachRow: HTMLElement;
  /** Node ids of the violation shown (highlighted on the ring). */
  private violationNodes: number[] = [];
  /** The Cluster's jumps and forks counts last drawn (a change: redraw from the Cluster). */
  private jumps = 0;
  private forks = 0;
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
  /** The rest of the wasm module is being fetched (requestRest). */
  private restWaiting = false;
  /** "cluster-ready" is said once the rest of the module is in. */
  private readyPending: { restored: boolean } | null = null;
  /** A frame asked for the rest of the module before it was in (said once). */
  private restWarned = false;
  /** The frame scheduled is only the loop's next (time passing): slow motion may skip it. */
  private paced = false;
  /** The timer that asks for the next slow-motion frame (0: none). */
  private pacing: ReturnType<typeof setTimeout> | 0 = 0;
  /** The timestamp of the last frame drawn. */
  private lastDrawnT = -Infinity;
  /** When each text panel was last drawn (Frame.drawLogs, drawEvents) and how often it was
   * (drawCounts), the selection they drew, and whether the next frame must draw them (the
   * logs were scrolled, or wait for a clean layout). */
  private readonly panelDrawnT = { logs: -Infinity, events: -Infinity };
  private readonly panelDraws = { logs: 0, events: 0 };
  private panelsSelection: Selection = null;
  private panelsAsked = false;
  /** A fork was just made: the status line offers to undo it (next frame, after its sentence). */
  private offerUndo = false;
  /** Where the next cluster attached comes from, for the address (address.ts). */
  private source: Source = null;
  /** The views, in drawing order: each draws the frame's value. */
  private readonly views: FrameView[];
  /** The timelineVersion last drawn. */
  private runVersion = -1;
  /** Keys of what is asked for only when it changed (the rules, the scenario's step). */
  private readonly rulesChanged = new Changed();
  private readonly scenarioChanged = new Changed();
  private scenarioSteps: { of: ClusterApi; forks: number; version: number; bounds: number[]; end: number } | null = null;

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
      // Take over said what was dropped: the fork is not announced again.
      // Take over said what was dropped: the fork is not announced again (Undo is offered).
      forkSaid: (c) => ((this.forks = c.forks), (this.offerUndo = true)),
    });
    this.monitors = new MonitorsPanel({ act: (what, fn) => this.act(what, fn), pause: () => this.clock.pause(), highlight: (v) => this.highlight(v) });
    this.rules = new RulesPanel({ act: (what, fn) => this.act(what, fn), forkSaid: (c) => ((this.forks = c.forks), (this.offerUndo = true)) });
    this.requests = new RequestsWatch({ info: (m) => this.status.info(m), reply: (t) => setText(this.controls.cmdOut, t) });
    this.machines = new StateMachinesPanel(this.requests.el);
    this.kv = new LazyKvClients({ act: (what, fn) => this.act(what, fn), pause: () => this.clock.pause(), invalidate: () => this.invalidate(), error: (m) => this.error(m) });
    this.teachRow = h("div", { class: "teach-row" }, this.scenarios.pick, this.rules.el, this.kv.el);
    this.ring = new RingView({
      selectNode: (id) => {
        this.select(id);
        this.openNodeMenu(id, false);
      },
      selectMessage: (id) => this.selectMessage(id),
    });
    this.logs = new LogView(
      (id) => {
        this.select(id);
        this.openNodeMenu(id, false);
      },
      () => this.askPanels(),
    );
    this.details = lazyDetails(
      this,
      (id) => this.act(`Drop message ${id}`, (c) => (c.dropMessage(id), `Dropped message ${id}.`)),
      () => this.closeDetails(),
    );
    this.table = lazyTable(this);
    this.menu = new NodeMenu({
      crashOrRestart: (id) => this.controls.crashOrRestart(id),
      toggleConnected: (id) => this.controls.toggleConnected(id),
      timeout: (id) => this.controls.timeout(id),
      sendTo: (id) => this.controls.sendRequest(id),
      details: (id) => {
        this.select(id);
        this.showDetails();
      },
      close: () => {
        this.menu.hide();
        this.invalidate();
      },
    });
    this.help = buildHelp(() => this.toggleHelp());
    this.shadow = this.attachShadow({ mode: "open" });
    this.shadow.adoptedStyleSheets = [styles()];
    this.root = this.build();
    this.shadow.append(this.root);
    this.views = this.frameViews();
  }

  /** Every view as a FrameView: those that take the frame as it is, and thin adapters for
   * those that take parts of it. */
  private frameViews(): FrameView[] {
    return [
      {
        render: (f) => {
          if (!this.table.el.hidden) return;
          this.ring.reducedMotion = this.reducedMotion();
          this.ring.presenter = this.hasAttribute("presenter");
          this.ring.render(f.state, f.vt, f.selection, f.events.filter((e) => e.kind === "messageDropped"), f.t, f.playing);
          if (this.violationNodes.length > 0) this.markViolationNodes();
        },
      },
      { render: (f) => this.table.view?.render(f.state) },
      { render: (f) => this.menu.render(this.menu.id !== null ? f.state.nodes[this.menu.id - 1] : undefined) },
      {
        render: (f) => {
          if (!f.drawLogs) return;
          this.logs.presenter = this.hasAttribute("presenter");
          this.logs.render(f.c, f.state, f.selection);
        },
      },
      {
        render: (f) => {
          const details = this.details.view;
          if (this.details.el.hidden || !details) return;
          details.causes = f.selection?.kind === "node" ? f.c.causes() : [];
          details.render(f.state, f.selection);
        },
      },
      this.eventLog,
      { render: (f) => this.controls.sync(f.state, this.shadow.activeElement) },
      { render: (f) => !this.timeline.el.hidden && this.timeline.sync(f.c, f.state.nowMs) },
      { render: (f) => !this.runFiles.el.hidden && this.runFiles.sync(f.c, f.state.nowMs) },
      { render: (f) => this.syncTeaching(f) },
      { render: (f) => this.monitors.sync(f.c, f.state.violation) },
      { render: (f) => this.machines.sync(f.c) },
      this.kv,
      this.requests,
      { render: (f) => this.narrator.events(f.events, f.t) },
    ];
  }

  /** The scenario's step and the rules, asked for only when they can have changed: the rules
   * with an input ("rule" events, a new run version, a jump), the step when the moment
   * crosses one of its bounds. */
  private syncTeaching(f: Frame): void {
    const c = f.c;
    if (!this.teachRow.hidden && (this.rulesChanged.check(c, c.timelineVersion, c.jumps) || f.events.some((e) => e.kind === "rule"))) this.rules.sync(c);
    // A scenario's step row and caption show in every controls mode.
    let steps = this.scenarioSteps;
    if (!steps || steps.of !== c || steps.forks !== c.forks || steps.version !== c.timelineVersion) {
      const v = c.scenario();
      steps = { of: c, forks: c.forks, version: c.timelineVersion, bounds: v ? v.steps.map((s) => s.startMs) : [], end: v?.steps[v.steps.length - 1]?.endMs ?? 0 };
      this.scenarioSteps = steps;
      this.scenarioChanged.reset();
    }
    const now = f.state.nowMs;
    let step = 0;
    while (step < steps.bounds.length && steps.bounds[step]! <= now) step++;
    if (this.scenarioChanged.check(c, c.forks, c.jumps, step, now >= steps.end, now <= (steps.bounds[0] ?? 0))) this.scenarios.sync(c, now);
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
    if (!c || !restLoaded()) return null;
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
      // The built-in scenarios are fetched with the wasm module only when the boot may need
      // them (else on the first one opened): a failed fetch is said when a scenario is opened.
      const plan = { config: this.config, persistence: this.persistence, search: () => this.ownerDocument.location?.search ?? "" };
      const scenarios = bootNeedsScenarios(plan) ? loadScenarios().catch(() => undefined) : null;
      // A fresh cluster draws with the wasm module's first part; anything else needs it all.
      Promise.all([loadWasm(), scenarios, bootNeedsRest(plan) ? loadRest() : null]).then(
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
    cancelSharedFrame(this);
    this.scheduled = false;
    if (this.pacing !== 0) clearTimeout(this.pacing);
    this.pacing = 0;
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
    return buildRoot({
      ring: this.ring.el,
      seedOut: this.controls.seedOut,
      table: this.table.el,
      menu: this.menu.el,
      machines: this.machines.el,
      logs: this.logs.el,
      details: this.details.el,
      events: this.eventLog.el,
      rows: [
        this.notices.el,
        this.controls.toolbar,
        h("div", { class: "time-row" }, this.teachRow, this.timeline.el),
        h("div", { class: "files-row" }, this.runFiles.el, this.monitors.el),
        this.scenarios.nav,
        this.rules.banner,
        this.monitors.report,
        this.status.el,
      ],
      after: [this.help, this.narrator.live],
      importFile: (file) => void this.runFiles.importFile(file),
      activeElement: () => this.shadow.activeElement,
      invalidate: () => this.invalidate(),
    });
  }

  // ---- choosing the cluster --------------------------------------------------------------

  private boot(): void {
    boot({
      config: this.config,
      status: this.status,
      notices: this.notices,
      persistence: this.persistence,
      clock: this.clock,
      search: () => this.ownerDocument.location?.search ?? "",
      doc: () => this.ownerDocument,
      setSource: (source) => (this.source = source),
      attach: (c, restored) => this.attach(c, restored),
      showScenario: (c) => this.showScenario(c),
      openRunFilePath: (path) => this.runFiles.openPath(path),
      startFresh: (opts, how) => this.startFresh(opts, how),
      reset: (o) => this.reset(o),
      nodeCount: () => this._cluster?.nodeCount,
    });
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
    if (!scenariosLoaded()) {
      this.status.info("Loading the scenarios…");
      loadScenarios().then(
        () => this.openScenario(id),
        (e: unknown) => this.status.error(`Could not open the scenario: ${errorMessage(e)}`),
      );
      return true;
    }
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
    this.ring.reset();
    this.logs.reset();
    // The event log at the moment shown, from Rust (a link or a run file opens in its past).
    this.eventLog.replace(c.recentEvents());
    this.runVersion = -1;
    this.scenarioSteps = null;
    this.rulesChanged.reset();
    this.timeline.reset();
    this.runFiles.reset();
    this.scenarios.reset();
    this.monitors.reset();
    this.rules.reset();
    this.machines.reset();
    this.kv.reset();
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
    // "cluster-ready" once every method of the handle can be called (the rest of the module).
    if (restLoaded()) this.narrator.ready(c.nodeCount, c.seed, restored);
    else this.readyPending = { restored };
    this.invalidate();
  }

  /** After the first frame: the rest of the wasm module, then "cluster-ready" and play. */
  private requestRest(): void {
    if (this.restWaiting || restLoaded()) return;
    this.restWaiting = true;
    setTimeout(() =>
      loadRest().then(
        () => {
          this.restWaiting = false;
          const c = this._cluster;
          const pending = this.readyPending;
          this.readyPending = null;
          if (c && pending) this.narrator.ready(c.nodeCount, c.seed, pending.restored);
          this.invalidate();
        },
        (e: unknown) => {
          this.restWaiting = false;
          this.status.error(`Could not load the rest of the Raft simulator (WebAssembly): ${errorMessage(e)}. Reload the page.`);
        },
      ),
    );
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
    this.eventLog.replace([]);
  }

  // ---- the frame loop ----------------------------------------------------------------------

  /** Something changed that must be drawn: schedule one frame (the loop may be idle). */
  invalidate(): void {
    this.paced = false;
    if (this.pacing !== 0) {
      clearTimeout(this.pacing);
      this.pacing = 0;
    }
    this.scheduleFrame();
  }

  private scheduleFrame(): void {
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
    // What fits in a log entry, read from the last frame's layout while it is clean (this
    // frame draws the entries again with it).
    this.logs.learn();
    this.logs.applyScroll();
  }

  /** One frame (called by the shared requestAnimationFrame callback). */
  frame(t: number, panelsTurn: boolean): void {
    this.scheduled = false;
    // In slow motion a frame only for time passing waits SLOW_MOTION_FRAME_MS_MIN after the
    // last one drawn (anything else asks for a frame with invalidate() and gets the next).
    if (this.paced && this.running && this.clock.speed <= SLOW_MOTION_SPEED_MAX && t - this.lastDrawnT < SLOW_MOTION_FRAME_MS_MIN) {
      this.scheduleFrame();
      return;
    }
    this.lastDrawnT = t;
    const t0 = performance.now();
    try {
      this.update(t, panelsTurn);
      this.frameFailed = false;
    } catch (e) {
      // A view asked for what the rest of the module holds: drawn again once it is in.
      if (e instanceof RestLoading) {
        if (!this.restWarned) {
          this.restWarned = true;
          console.warn(`raftlab: a frame was drawn before the rest of the wasm module was in: ${e.message}; it is drawn again once it is in (web/src/first-draw.json lists what a first frame may ask for)`);
        }
        this.requestRest();
      } else {
        this.clock.pause();
        if (!this.frameFailed) this.status.error(`The simulation stopped: ${errorMessage(e)}. Paused: press Play to go on, or Reset.`);
        this.frameFailed = true;
      }
    }
    this.framesDrawn++;
    if (this._cluster) this.requestRest();
    this.lastFrameMs = performance.now() - t0;
    // A scroll the logs wait to apply (at the next frame's clean layout) gets that frame.
    if (this.logs.scrollPending || this.logs.learnPending) this.askPanels();
    else if (this.running && this.clock.speed <= SLOW_MOTION_SPEED_MAX) {
      // The next frame is asked for after the display's next one (a timer, not an animation
      // frame: one that is skipped still costs the browser a frame).
      this.paced = true;
      const wait = Math.max(0, this.lastDrawnT + SLOW_MOTION_FRAME_MS_MIN - SLOW_MOTION_EARLY_MS - performance.now());
      this.pacing = setTimeout(() => {
        this.pacing = 0;
        this.scheduleFrame();
      }, wait);
    } else if (this.running) {
      this.paced = true;
      this.scheduleFrame();
    } else this.clock.rest();
  }

  /** Which text panels draw in this frame (the logs table, the event log): both when paused,
   * after a jump or when asked (askPanels, a new selection); while playing on time alone, on
   * the instance's turn the one that waited longest if it waited PANELS_FRAME_MS_MIN, never
   * both (so no frame does the work of both). */
  private panelsDue(t: number, turn: boolean, jumped: boolean): [boolean, boolean] {
    if (jumped || !this.clock.playing || this.panelsAsked || this.selection !== this.panelsSelection) return [true, true];
    if (!turn) return [false, false];
    const logs = t - this.panelDrawnT.logs;
    const events = t - this.panelDrawnT.events;
    if (Math.max(logs, events) < PANELS_FRAME_MS_MIN) return [false, false];
    return logs >= events ? [true, false] : [false, true];
  }

  /** The next frame draws the text panels, whatever the time. */
  private askPanels(): void {
    this.panelsAsked = true;
    this.invalidate();
  }

  /** `panelsTurn`: this instance's turn to draw a text panel that is due (FrameClient). */
  private update(t: number, panelsTurn: boolean): void {
    const c = this._cluster;
    if (!c) return;
    const dt = this.inView ? this.clock.tick(t, this.ownerDocument.hidden) : 0;
    // Measuring (frameParts): the ms since the last lap, one entry of this frame's split each.
    const split: number[] | null = this.frameParts ? [] : null;
    let tp = split ? performance.now() : 0;
    const lap = split ? () => split.push(-tp + (tp = performance.now())) : null;
    // Virtual time waits for the rest of the module: until then the cluster stays as it
    // started, and so does what the views ask of it (first-draw.json).
    if (dt > 0 && restLoaded()) c.advance(dt);
    lap?.();
    const state = c.state();
    lap?.();
    const jumped = c.jumps !== this.jumps;
    if (jumped) {
      // The moment shown jumped (a seek, a step back): everything is drawn afresh from what
      // the Cluster says about that moment.
      this.jumps = c.jumps;
      this.ring.reset();
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
    // Each event is handed out once (a jump clears what was not taken): no de-duplication.
    // After a jump the event log shows recentEvents(), which holds this frame's events too.
    const taken = c.events();
    const events = jumped ? [] : taken;
    if (state.violation !== null && !this.violationShown) {
      this.violationShown = true;
      this.clock.pause();
      // Said once: the violation report (monitors.ts) has the detail.
      this.status.error("Raft safety violated: paused here. The report above says which property broke and how.");
      this.narrator.violation(state.violation, state.nowMs);
    }
    const runChanged = c.timelineVersion !== this.runVersion;
    this.runVersion = c.timelineVersion;
    this.persistence.maybeSave(c, { playing: this.clock.playing });
    lap?.();
    if (this.selection?.kind === "node" && this.selection.id > state.nodes.length) this.selection = null;
    const [drawLogs, drawEvents] = this.panelsDue(t, panelsTurn, jumped);
    if (drawLogs) {
      this.panelDraws.logs++;
      this.panelDrawnT.logs = t;
    }
    if (drawEvents) {
      this.panelDraws.events++;
      this.panelDrawnT.events = t;
    }
    this.panelsSelection = this.selection;
    this.panelsAsked = false;
    const frame: Frame = {
      c,
      state,
      events,
      jumped,
      runChanged,
      vt: state.nowMs + (this.clock.playing ? this.clock.residualMs : 0),
      t,
      playing: this.clock.playing,
      selection: this.selection,
      drawLogs,
      drawEvents,
    };
    for (const v of this.views) {
      v.render(frame);
      lap?.();
    }
    if (split && this.frameParts && this.frameParts.length < FRAME_PARTS_MAX) this.frameParts.push(split);
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
    if (!restLoaded()) {
      // Done as soon as the rest of the module is in (a moment after the first frame).
      this.status.info(`${what ? `${what}: ` : ""}loading the rest of the simulator…`);
      this.requestRest();
      loadRest().then(
        () => void (this._cluster === c && this.act(what, fn)),
        () => undefined,
      );
      return true;
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
    this.showDetails();
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

  /** Shows the details panel ("Loading…" until its code has arrived). */
  private showDetails(): void {
    this.details.el.hidden = false;
    void this.details.load();
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
    if (this.kv.open) {
      this.kv.toggle(false);
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
    const legend = this.help.querySelector<HTMLElement>(".legend-slot");
    if (!this.help.hidden && legend) loadLegend(legend, this);
    if (!this.help.hidden) (this.help.querySelector("button") as HTMLButtonElement | null)?.focus();
    this.invalidate();
  }

  toggleTable(): void {
    const show = this.table.el.hidden;
    this.table.el.hidden = !show;
    if (show) void this.table.load();
    this.ring.el.classList.toggle("hidden", show);
    this.controls.setTablePressed(show);
    this.invalidate();
  }

  nodeCount(): number {
    return this._cluster?.nodeCount ?? 0;
  }
}
