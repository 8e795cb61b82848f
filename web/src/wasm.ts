// The one place that touches the wasm-bindgen output (web/pkg, `--target web`). wasm-bindgen
// types the plain objects as `any`; api.ts says what they really are, so the handle is
// re-typed here once and the rest of the page only sees ClusterApi.
import init, { Cluster as WasmCluster } from "../pkg/raftlab_wasm.js";
import type { ClusterApi, ClusterOptions, KvCheck, ScenarioListItem } from "./api";

let loading: Promise<void> | null = null;
let memory: WebAssembly.Memory | null = null;

/** Loads and instantiates the wasm module (once). */
export function loadWasm(): Promise<void> {
  loading ??= init().then((exports) => {
    memory = exports.memory;
  });
  return loading;
}

/** Bytes of the module's linear memory (it only grows: a high-water mark); for measurements. */
export function wasmMemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

/** `new Cluster(options)`; throws the Cluster's Error for bad options. */
export function createCluster(options: ClusterOptions): ClusterApi {
  return new WasmCluster(options);
}

/** `Cluster.restore(text)` of a saveStored() text: the run at its moment when it checks out
 * (`restoredRun`), else every node from its persisted state (`restoreProblem` says why a
 * stored run was not used); throws on a corrupt, truncated, foreign or other-version image. */
export function restoreCluster(text: string): ClusterApi {
  return WasmCluster.restore(text);
}

/** `Cluster.fromLink(text)`: the run of a link, shown at its moment; throws on a bad link. */
export function clusterFromLink(text: string): ClusterApi {
  return WasmCluster.fromLink(text);
}

/** The run-file module (web/pkg/raftlab_files.js, its own wasm): a run file's JSON to and from
 * the packed form the main module reads. Not in the path every page loads: fetched on the
 * first run file opened or exported. */
type RunFileModule = typeof import("../pkg/raftlab_files.js");
let runFileModule: RunFileModule | null = null;
let runFileLoading: Promise<RunFileModule> | null = null;

/** Loads and instantiates the run-file module (once; a failed load is tried again next time).
 * `clusterFromRunFile` and `runFileText` need it loaded. */
export function loadRunFileModule(): Promise<RunFileModule> {
  runFileLoading ??= import("../pkg/raftlab_files.js").then(
    async (m) => {
      await m.default();
      runFileModule = m;
      return m;
    },
    (e: unknown) => {
      runFileLoading = null;
      throw e;
    },
  );
  return runFileLoading;
}

function loadedRunFileModule(): RunFileModule {
  if (!runFileModule) throw new Error("the run-file module is not loaded yet (loadRunFileModule())");
  return runFileModule;
}

/** The key/value history's linearizability search (the run-file module's `checkKvHistory`,
 * for `kvVerdict(check)`) once that module has loaded, else undefined (the verdict is then
 * "checking": call `loadKvCheck()`). A failed load makes it a checker that throws, so the
 * verdict says why instead of "checking" forever. */
export function kvCheck(): KvCheck | undefined {
  if (runFileModule) return runFileModule.checkKvHistory;
  if (kvCheckError !== null) {
    const why = kvCheckError;
    return () => {
      throw new Error(`the checker's module did not load (${why})`);
    };
  }
  return undefined;
}
let kvCheckError: string | null = null;

/** Loads the module `kvCheck()` needs (once); resolves when `kvCheck()` gives a checker (one
 * that throws if the load failed). */
export function loadKvCheck(): Promise<void> {
  kvCheckLoading ??= loadRunFileModule().then(
    () => undefined,
    (e: unknown) => {
      kvCheckError = e instanceof Error ? e.message : String(e);
    },
  );
  return kvCheckLoading;
}
let kvCheckLoading: Promise<void> | null = null;

/** A run file's run, paused at its start: the run-file module reads the JSON (throwing
 * "Cluster.fromRunFile(text): not a run file this page can play: ..." on a bad file), then
 * `Cluster.fromPackedRunFile` opens it. Call `loadRunFileModule()` first. */
export function clusterFromRunFile(text: string): ClusterApi {
  return WasmCluster.fromPackedRunFile(loadedRunFileModule().readRunFile(text));
}

/** The run of `cluster` as a readable JSON run file. Call `loadRunFileModule()` first. */
export function runFileText(cluster: ClusterApi): string {
  return loadedRunFileModule().writeRunFile(cluster.packedRunFile());
}

/** `Cluster.scenarios()`: the built-in scenarios, in teaching order. */
export function scenarioList(): ScenarioListItem[] {
  return WasmCluster.scenarios() as ScenarioListItem[];
}

/** `Cluster.fromScenario(id)`: a built-in scenario, played and paused at its first step.
 * Call `loadScenarios()` first. */
export function clusterFromScenario(id: string): ClusterApi {
  return WasmCluster.fromScenario(id);
}

/** The packed built-in scenarios (session/scenarios/built-in.postcard): not in the main
 * module, a file of their own that Vite emits next to it (assets/raftlab-scenarios.postcard,
 * fetched relative to this module), fetched on the first scenario opened or restored. */
const SCENARIOS_URL = new URL("../../session/scenarios/built-in.postcard", import.meta.url);
let scenariosLoading: Promise<void> | null = null;

/** Whether `clusterFromScenario` can play a scenario now (the wasm module is loaded and so are
 * the scenarios). */
export function scenariosLoaded(): boolean {
  return memory !== null && WasmCluster.scenariosLoaded();
}

/** Loads the wasm module and fetches the built-in scenarios (once; a failed fetch is tried
 * again next time); `Cluster.restore` resumes a stored scenario's run only after it. */
export function loadScenarios(): Promise<void> {
  scenariosLoading ??= Promise.all([loadWasm(), fetch(SCENARIOS_URL)]).then(
    async ([, r]) => {
      if (WasmCluster.scenariosLoaded()) return;
      if (!r.ok) throw new Error(`the built-in scenarios did not load (HTTP ${r.status})`);
      WasmCluster.loadScenarios(new Uint8Array(await r.arrayBuffer()));
    },
  );
  scenariosLoading.catch(() => (scenariosLoading = null));
  return scenariosLoading;
}
