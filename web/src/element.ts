// <raft-cluster>: the whole page around one Cluster handle (its `cluster` property).
//
// Each animation frame: the clock says how much virtual time passed, the cluster advances by
// that much, then ONE state() call and one events() call feed every view (ring, logs, details,
// event log, controls), and the persisted image is saved when persistVersion moved.
//
// On connect, the element finds its cluster itself: a fresh one for ?nodes=&seed=, else the one
// stored under its storage key (attribute `storageKey`, default "raftlab:" + pathname), else a
// new one. Errors are shown in the status line or in a banner, never only in the console.
import type { ClusterApi, ClusterOptions } from "./api";
import { Clock } from "./clock";
import { Controls, type ControlsHost } from "./controls";
import { DetailsPanel } from "./details";
import { errorMessage, h } from "./dom";
import { buildLegend } from "./legend";
import { Notices } from "./notices";
import { parseStartParams, withoutStartParams } from "./params";
import { EventFeed, EventLog } from "./render-events";
import { LogView } from "./render-log";
import { RingView } from "./render-ring";
import type { Selection } from "./selection";
import { StatusLine } from "./status";
import { Persistence, defaultStorageKey } from "./storage";
import { createCluster, restoreCluster } from "./wasm";

export class RaftClusterElement extends HTMLElement implements ControlsHost {
  readonly clock = new Clock();
  /** Real ms the last frame's work took (advance, state, render, save); for measurements. */
  lastFrameMs = 0;

  private _cluster: ClusterApi | null = null;
  private selection: Selection = null;
  private readonly status = new StatusLine();
  private violationShown = false;
  private readonly notices = new Notices();
  private readonly persistence: Persistence;
  private readonly feed = new EventFeed();
  private readonly eventLog = new EventLog();
  private readonly controls: Controls;
  private readonly ring: RingView;
  private readonly logs: LogView;
  private readonly details: DetailsPanel;
  private built = false;
  private raf = 0;
  private detachKeys: (() => void) | null = null;
  private frameFailed = false;

  constructor() {
    super();
    this.persistence = new Persistence(defaultStorageKey(location.pathname), (m) => this.notices.memoryOnly(m));
    this.controls = new Controls(this);
    this.ring = new RingView({
      selectNode: (id) => this.select(id),
      selectMessage: (id) => this.selectMessage(id),
    });
    this.logs = new LogView(this.controls.nodeActions, (id) => this.select(id));
    this.details = new DetailsPanel((id) => this.act(`Drop message ${id}`, (c) => (c.dropMessage(id), `Dropped message ${id}.`)));
  }

  /** The storage key: the `storageKey` attribute, else "raftlab:" + location.pathname. */
  get storageKey(): string {
    return this.getAttribute("storagekey") ?? this.getAttribute("storage-key") ?? defaultStorageKey(location.pathname);
  }

  set storageKey(key: string) {
    this.setAttribute("storagekey", key);
  }

  /** The Cluster handle shown (and driven) by this element. */
  get cluster(): ClusterApi | null {
    return this._cluster;
  }

  set cluster(c: ClusterApi | null) {
    if (c === null) {
      this.detach();
      return;
    }
    this.attach(c, false);
  }

  connectedCallback(): void {
    if (!this.built) this.build();
    this.persistence.key = this.storageKey;
    this.detachKeys ??= this.controls.attachKeyboard(document);
    if (!this._cluster) this.boot();
    cancelAnimationFrame(this.raf);
    this.raf = requestAnimationFrame(this.frame);
    document.addEventListener("visibilitychange", this.saveNow);
    window.addEventListener("pagehide", this.saveNow);
  }

  disconnectedCallback(): void {
    cancelAnimationFrame(this.raf);
    this.detachKeys?.();
    this.detachKeys = null;
    document.removeEventListener("visibilitychange", this.saveNow);
    window.removeEventListener("pagehide", this.saveNow);
    this.saveNow();
  }

  private build(): void {
    this.built = true;
    const ringPanel = h(
      "section",
      { class: "panel ring-panel", "aria-labelledby": "ring-title" },
      h("h2", { id: "ring-title", class: "visually-hidden" }, "Cluster"),
      this.ring.el,
    );
    const logsPanel = h(
      "section",
      { class: "panel logs-panel", "aria-labelledby": "logs-title" },
      h(
        "div",
        { class: "panel-head" },
        h("h2", { id: "logs-title" }, "Logs"),
        h("span", { class: "muted small" }, "solid = committed · dashed = not yet · ✓ = applied · hatched = snapshot · ▼ nextIndex / ▲ matchIndex of the leader"),
      ),
      this.logs.el,
    );
    this.append(
      this.notices.el,
      h("div", { class: "topbar" }, this.controls.toolbar, this.controls.help, this.status.el),
      h("div", { class: "stage" }, ringPanel, h("div", { class: "side" }, this.details.el, this.controls.panels)),
      logsPanel,
      h("div", { class: "lower" }, this.eventLog.el, buildLegend()),
    );
  }

  // ---- choosing the cluster --------------------------------------------------------------

  private boot(): void {
    const params = parseStartParams(location.search);
    if (params.errors.length > 0) {
      this.status.error(`${params.errors.join("; ")}. Ignored the URL parameters.`);
    }
    if (params.fresh) {
      const opts: ClusterOptions = {};
      if (params.nodes !== undefined) opts.nodes = params.nodes;
      if (params.seed !== undefined) opts.seed = params.seed;
      if (this.startFresh(opts, "from the URL")) {
        history.replaceState(history.state, "", withoutStartParams(location.href));
        return;
      }
    }
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
        this.attach(restored, true);
        if (params.errors.length === 0) {
          this.status.info(`Restored the stored cluster: ${restored.nodeCount} nodes, seed ${restored.seed}. Every node restarted from its persisted state (currentTerm, votedFor, log, snapshot), as after a crash of the whole cluster; crashes, disconnections and partitions are not stored.`);
        }
        return;
      }
      this.persistence.hold = true;
      this.notices.showRestoreError(failure, {
        reset: () => this.reset({ nodes: this._cluster?.nodeCount ?? 5 }),
        keep: () => {
          this.notices.memoryOnly("Running in memory only: the stored data is kept as it was. Reset replaces it.");
          this.status.info("Kept the stored data untouched; this cluster runs in memory only.");
        },
      });
      this.startFresh({}, "in memory");
      this.status.error(`Could not restore the stored cluster: ${failure}`);
      return;
    }
    if (!this._cluster) this.startFresh({}, "");
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
    this.status.info(`New cluster${how ? ` ${how}` : ""}: ${c.nodeCount} nodes, seed ${c.seed}. Watch the first election.`);
    return true;
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
    this.status.info(`Reset: new cluster of ${c.nodeCount} nodes, seed ${c.seed}. The stored cluster was replaced.`);
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
    if (this.selection?.kind === "message" || (this.selection?.kind === "node" && this.selection.id > c.nodeCount)) this.selection = null;
    this.controls.onNewCluster(c);
    if (restored) this.persistence.markSaved(c);
    else this.persistence.forget();
    this.frameFailed = false;
  }

  private detach(): void {
    this._cluster = null;
    this.violationShown = false;
    this.ring.reset();
    this.logs.reset();
    this.eventLog.clear();
  }

  // ---- the frame loop ----------------------------------------------------------------------

  private readonly frame = (t: number): void => {
    this.raf = requestAnimationFrame(this.frame);
    const t0 = performance.now();
    try {
      this.update(t);
      this.frameFailed = false;
    } catch (e) {
      this.clock.pause();
      if (!this.frameFailed) this.status.error(`The simulation stopped: ${errorMessage(e)}. Paused: press Play to go on, or Reset.`);
      this.frameFailed = true;
    }
    this.lastFrameMs = performance.now() - t0;
  };

  private update(t: number): void {
    const c = this._cluster;
    if (!c) return;
    this.logs.applyScroll();
    const dt = this.clock.tick(t, document.hidden);
    if (dt > 0) c.advance(dt);
    const state = c.state();
    if (state.violation !== null && !this.violationShown) {
      this.violationShown = true;
      this.clock.pause();
      this.status.error(`Raft safety violated: ${state.violation}. Paused.`);
    }
    const events = this.feed.fresh(c.events());
    this.persistence.maybeSave(c);
    const vt = state.nowMs + (this.clock.playing ? this.clock.residualMs : 0);
    if (this.selection?.kind === "node" && this.selection.id > state.nodes.length) this.selection = null;
    this.ring.render(
      state,
      vt,
      this.selection,
      events.filter((e) => e.kind === "messageDropped"),
      t,
      this.clock.playing,
    );
    this.logs.render(state, this.selection);
    this.details.render(state, this.selection);
    this.eventLog.add(events);
    this.controls.sync(state);
  }

  private readonly saveNow = (): void => {
    if (this._cluster) this.persistence.maybeSave(this._cluster);
  };

  // ---- ControlsHost --------------------------------------------------------------------

  act(what: string, fn: (c: ClusterApi) => string | void): boolean {
    const c = this._cluster;
    if (!c) {
      this.status.error(`${what}: there is no cluster`);
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
  }

  selectMessage(id: number): void {
    this.selection = { kind: "message", id };
  }

  nodeCount(): number {
    return this._cluster?.nodeCount ?? 0;
  }
}
