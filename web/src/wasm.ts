// The one place that touches the wasm-bindgen output (web/pkg, `--target web`). wasm-bindgen
// types the plain objects as `any`; api.ts says what they really are, so the handle is
// re-typed here once and the rest of the page only sees ClusterApi.
//
// The main module comes in two parts (scripts/split-wasm.mjs): the first, loaded by
// wasm-bindgen's glue before a page draws, holds everything the Cluster methods of
// first-draw.json can reach; the rest (`loadRest()`, fetched after the first frame) fills in
// every other function. Until it is in, a handle's other methods throw `RestLoading` (before
// entering wasm, so nothing is half done) and the constructors of non-fresh runs (restore,
// link, scenario, run file) refuse.
import init, { Cluster as WasmCluster } from "../pkg/raftlab_wasm.js";
import type { ClusterApi, ClusterOptions, KvCheck, ScenarioListItem } from "./api";
import { methods as firstDrawMethods } from "./first-draw.json";

let loading: Promise<void> | null = null;
let memory: WebAssembly.Memory | null = null;
let firstPart: WebAssembly.Exports | null = null;

/** Loads and instantiates the first part of the wasm module (once). */
export function loadWasm(): Promise<void> {
  loading ??= init().then((exports) => {
    memory = exports.memory;
    firstPart = exports as unknown as WebAssembly.Exports;
  });
  return loading;
}

/** The rest of the main module: Vite emits it as assets/raftlab-rest.wasm. */
const REST_URL = new URL("../pkg/raftlab_wasm_rest.wasm", import.meta.url);
let restLoading: Promise<void> | null = null;
let restIn = false;

/** Loads the rest of the main module (once; a failed load is tried again next time) and
 * instantiates it against the first part, whose table slots it fills. */
export function loadRest(): Promise<void> {
  restLoading ??= loadWasm().then(async () => {
    if (restIn) return;
    const r = await fetch(REST_URL);
    if (!r.ok) throw new Error(`the rest of the simulator (WebAssembly) did not load (HTTP ${r.status})`);
    await WebAssembly.instantiate(await r.arrayBuffer(), { primary: firstPart! });
    restIn = true;
  });
  restLoading.catch(() => (restLoading = null));
  return restLoading;
}

/** Whether the whole main module is in: every Cluster method may be called. */
export function restLoaded(): boolean {
  return restIn;
}

/** A Cluster method called before the rest of the module is in (`loadRest()`). */
export class RestLoading extends Error {
  constructor(what: string) {
    super(`${what} needs the rest of the simulator, which is still loading`);
    this.name = "RestLoading";
  }
}

/** The Cluster members the first part holds; every other member waits for the rest. */
const FIRST_DRAW = new Set<string>([...firstDrawMethods, "free", "constructor"]);
let members: Set<string> | null = null;

/** `c`, or while the rest is not in, a view of it whose other members throw RestLoading. */
function guarded(c: WasmCluster): ClusterApi {
  if (restIn) return c;
  members ??= new Set(Object.getOwnPropertyNames(WasmCluster.prototype));
  const known = members;
  // Methods run on the Cluster itself, never on the view: wasm-bindgen's free() unregisters
  // `this` from its FinalizationRegistry, and a view freed so stays registered, so the
  // collector would free its memory a second time (dlmalloc's heap corrupt: "memory access
  // out of bounds" some frames later).
  const bound = new Map<string | symbol, unknown>();
  return new Proxy(c, {
    get(target, key) {
      if (!restIn && typeof key === "string" && known.has(key) && !FIRST_DRAW.has(key)) throw new RestLoading(`Cluster.${key}`);
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== "function" || key === "constructor") return value;
      let method = bound.get(key);
      if (method === undefined) {
        method = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(key, method);
      }
      return method;
    },
  });
}

function requireRest(what: string): void {
  if (!restIn) throw new RestLoading(what);
}

/** Bytes of the module's linear memory (it only grows: a high-water mark); for measurements. */
export function wasmMemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

/** `new Cluster(options)`; throws the Cluster's Error for bad options. */
export function createCluster(options: ClusterOptions): ClusterApi {
  return guarded(new WasmCluster(options));
}

/** `Cluster.restore(text)` of a saveStored() text: the run at its moment when it checks out
 * (`restoredRun`), else every node from its persisted state (`restoreProblem` says why a
 * stored run was not used); throws on a corrupt, truncated, foreign or other-version image. */
export function restoreCluster(text: string): ClusterApi {
  requireRest("Cluster.restore");
  return WasmCluster.restore(text);
}

/** `Cluster.fromLink(text)`: the run of a link, shown at its moment; throws on a bad link. */
export function clusterFromLink(text: string): ClusterApi {
  requireRest("Cluster.fromLink");
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
  runFileLoading ??= Promise.all([import("../pkg/raftlab_files.js"), loadRest()]).then(
    async ([m]) => {
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
  requireRest("Cluster.fromRunFile");
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
  requireRest("Cluster.fromScenario");
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
  return restIn && WasmCluster.scenariosLoaded();
}

/** Loads the wasm module and fetches the built-in scenarios (once; a failed fetch is tried
 * again next time); `Cluster.restore` resumes a stored scenario's run only after it. */
export function loadScenarios(): Promise<void> {
  scenariosLoading ??= Promise.all([loadRest(), fetch(SCENARIOS_URL)]).then(
    async ([, r]) => {
      if (WasmCluster.scenariosLoaded()) return;
      if (!r.ok) throw new Error(`the built-in scenarios did not load (HTTP ${r.status})`);
      WasmCluster.loadScenarios(new Uint8Array(await r.arrayBuffer()));
    },
  );
  scenariosLoading.catch(() => (scenariosLoading = null));
  return scenariosLoading;
}
