// The one place that touches the wasm-bindgen output (web/pkg, `--target web`). wasm-bindgen
// types the plain objects as `any`; api.ts says what they really are, so the handle is
// re-typed here once and the rest of the page only sees ClusterApi.
import init, { Cluster as WasmCluster } from "../pkg/raftlab_wasm.js";
import type { ClusterApi, ClusterOptions, ScenarioListItem } from "./api";

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

/** `Cluster.fromRunFile(text)`: a run file's run, paused at its start; throws on a bad file. */
export function clusterFromRunFile(text: string): ClusterApi {
  return WasmCluster.fromRunFile(text);
}

/** `Cluster.scenarios()`: the built-in scenarios, in teaching order. */
export function scenarioList(): ScenarioListItem[] {
  return WasmCluster.scenarios() as ScenarioListItem[];
}

/** `Cluster.fromScenario(id)`: a built-in scenario, played and paused at its first step. */
export function clusterFromScenario(id: string): ClusterApi {
  return WasmCluster.fromScenario(id);
}
