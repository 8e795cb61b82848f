// The boot plan: which cluster an element opens first, from five sources in order: a built-in
// scenario (the scenario attribute or ?scenario=), a link (?run=), a run file next to the page
// (?runFile=, fetched, then opened), the stored cluster (localStorage, restored and checked),
// else a fresh cluster (?nodes=&seed= with url-params, or the nodes / seed attributes).
import type { ClusterApi, ClusterOptions } from "./api";
import type { ElementConfig } from "./attributes";
import type { Clock } from "./clock";
import { errorMessage, fmtTime } from "./dom";
import type { Notices } from "./notices";
import { parseStartParams } from "./params";
import type { StatusLine } from "./status";
import type { Persistence } from "./storage";
import { clusterFromLink, clusterFromScenario, restoreCluster } from "./wasm";
import { type Source, reloaded } from "./address";

export interface BootHost {
  readonly config: ElementConfig;
  readonly status: StatusLine;
  readonly notices: Notices;
  readonly persistence: Persistence;
  readonly clock: Clock;
  /** The page's address query ("" when there is none). */
  search(): string;
  doc(): Document;
  /** Where the next cluster attached comes from, for the address (address.ts). */
  setSource(source: Source): void;
  attach(c: ClusterApi, restored: boolean): void;
  showScenario(c: ClusterApi): void;
  openRunFilePath(path: string): Promise<unknown>;
  startFresh(opts: ClusterOptions, how: string): boolean;
  reset(options: { nodes: number }): void;
  nodeCount(): number | undefined;
}

/** Whether `boot` may need the built-in scenarios (fetched with the wasm module then, not on
 * every page: `loadScenarios`): a scenario asked for, or a stored run (it may be one). */
export function bootNeedsScenarios(host: Pick<BootHost, "config" | "persistence" | "search">): boolean {
  if (host.config.scenario !== null || host.persistence.read() !== null) return true;
  return host.config.urlParams && new URLSearchParams(host.search()).has("scenario");
}

/** Whether `boot` may open anything but a fresh cluster (a scenario, a link, a run file, the
 * stored run): those need the whole wasm module (`loadRest`) before it draws; a fresh cluster
 * draws with its first part alone. */
export function bootNeedsRest(host: Pick<BootHost, "config" | "persistence" | "search">): boolean {
  if (bootNeedsScenarios(host)) return true;
  const q = new URLSearchParams(host.search());
  return host.config.urlParams && (q.has("run") || q.has("runFile"));
}

export function boot(host: BootHost): void {
  const cfg = host.config;
  const errors = [...cfg.errors];
  const want: ClusterOptions = {};
  let fromUrl = false;
  if (cfg.urlParams) {
    const params = parseStartParams(host.search());
    if (params.errors.length > 0) errors.push(`${params.errors.join("; ")}. Ignored the URL parameters`);
    if (params.fresh) {
      fromUrl = true;
      if (params.nodes !== undefined) want.nodes = params.nodes;
      if (params.seed !== undefined) want.seed = params.seed;
    }
  }
  // The address names the run shown (address.ts); a reload restores the stored one instead.
  const address = cfg.urlParams && !(reloaded(host.doc()) && host.persistence.read() !== null);
  // A built-in scenario (the scenario attribute, or ?scenario=figure-8 with url-params) is
  // played and shown at its first step.
  const urlScenario = address ? new URLSearchParams(host.search()).get("scenario") : null;
  const scenarioId = urlScenario ?? cfg.scenario;
  if (scenarioId !== null) {
    try {
      host.showScenario(clusterFromScenario(scenarioId));
      if (errors.length > 0) host.status.error(`${errors.join("; ")}.`);
      return;
    } catch (e) {
      errors.push(`Could not open the scenario ${urlScenario !== null ? "in the address" : "of the scenario attribute"}: ${errorMessage(e)}`);
    }
  }
  // A link (?run=, from "Copy link") plays its run from a fresh start at its moment.
  const runText = address ? new URLSearchParams(host.search()).get("run") : null;
  if (runText !== null) {
    try {
      const c = clusterFromLink(runText);
      host.setSource({ run: runText });
      host.attach(c, false);
      if (errors.length > 0) host.status.error(`${errors.join("; ")}.`);
      else host.status.info(`Opened the link: ${c.nodeCount} nodes, seed ${c.seed}, ${c.timeline().inputs} recorded actions, shown at ${fmtTime(c.nowMs)} (the run goes on to ${fmtTime(c.endMs)}). Press Play to go on.`);
      host.clock.pause();
      return;
    } catch (e) {
      errors.push(`Could not open the link in the address: ${errorMessage(e)}`);
    }
  }
  // A run file next to the page (?runFile=runs/TestBackup3B.json) is fetched, then opened.
  const runFile = address ? new URLSearchParams(host.search()).get("runFile") : null;
  if (runFile !== null) queueMicrotask(() => void host.openRunFilePath(runFile));
  if (!fromUrl) {
    if (cfg.nodes !== undefined) want.nodes = cfg.nodes;
    if (cfg.seed !== undefined) want.seed = cfg.seed;
  }
  const problems = errors.length > 0 ? `${errors.join("; ")}.` : "";
  const image = host.persistence.read();
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
        if (cfg.urlParams && !address) host.setSource({ keep: true });
        host.attach(restored, true);
        const problem = restored.restoreProblem;
        if (problem !== undefined) {
          // The run is kept as it was stored until the user decides (nothing is written).
          host.persistence.hold = true;
          host.notices.showRestoreError(`The stored run could not be replayed: ${problem}. Every node restarted from its persisted state instead, without the timeline.`, {
            reset: () => host.reset({ nodes: host.nodeCount() ?? 5 }),
            keep: () => {
              host.notices.memoryOnly("Running in memory only: the stored data is kept as it was. Reset replaces it.");
              host.status.info("Kept the stored data untouched; this cluster runs in memory only.");
            },
          }, { run: true });
          host.status.error(`Could not restore the stored run: ${problem}. Restored every node from its persisted state instead.`);
        } else if (problems) host.status.error(problems);
        else if (restored.restoredRun) {
          // Back in the past of its run: shown paused there, as a link opens.
          const past = restored.nowMs < restored.endMs;
          if (past) host.clock.pause();
          const scenario = restored.scenario();
          const guided = scenario ? ` Scenario: ${scenario.title}, step ${scenario.current} of ${scenario.steps.length}.` : restored.title ? ` Run file: ${restored.title}.` : "";
          host.status.info(`Restored the stored cluster: ${restored.nodeCount} nodes, seed ${restored.seed}, its run replayed to ${fmtTime(restored.nowMs)} (${restored.timeline().inputs} recorded actions, to ${fmtTime(restored.endMs)}), and every node's persisted state checked against what was stored.${guided}${past ? " Paused there: press Play to go on." : ""}`);
        }
        else host.status.info(`Restored the stored cluster: ${restored.nodeCount} nodes, seed ${restored.seed}. Every node restarted from its persisted state (currentTerm, votedFor, log, snapshot), as after a crash of the whole cluster; crashes, disconnections and partitions are not stored.`);
        return;
      }
      restored.free();
    } else {
      host.persistence.hold = true;
      host.notices.showRestoreError(failure, {
        reset: () => host.reset({ nodes: host.nodeCount() ?? 5 }),
        keep: () => {
          host.notices.memoryOnly("Running in memory only: the stored data is kept as it was. Reset replaces it.");
          host.status.info("Kept the stored data untouched; this cluster runs in memory only.");
        },
      });
      host.startFresh(want, "in memory");
      host.status.error(`Could not restore the stored cluster: ${failure}`);
      return;
    }
  }
  host.startFresh(want, fromUrl ? "from the URL" : "");
  if (problems) host.status.error(problems);
}
