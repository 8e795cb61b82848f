// Splits the main wasm module in two along the first draw (README, "Weight"): the part a fresh
// page needs before it draws (web/pkg/raftlab_wasm_bg.wasm, loaded by wasm-bindgen's glue as
// before) and the rest (web/pkg/raftlab_wasm_rest.wasm, which web/src/wasm.ts fetches after
// the first frame and instantiates against the first part's exports).
//
// The first part keeps every function that the Cluster methods of web/src/first-draw.json (and
// the exports wasm-bindgen's glue itself calls: the allocator, the start function, free) can
// reach, by static reachability (binaryen's wasm-metadce with those exports as roots): so
// calling only those methods never runs a function of the rest, whatever the arguments. Every
// other function moves to the rest (binaryen's wasm-split); a call into it from the first part
// goes through a table slot that holds a trapping placeholder until the rest is instantiated.
//
//   1. name every function f<index> (a name section both binaryen versions read alike)
//   2. wasm-metadce (npm binaryen) with the roots: the names it keeps are the first part
//   3. wasm-split --keep-funcs (Debian's binaryen 108, scripts/setup.mjs fetches it: npm's
//      binaryen has no wasm-split), then two fixes of its output: the `__wbindgen_externrefs`
//      export re-pointed at the externref table (108 writes the funcref table), and its
//      placeholder imports defined in the module as trapping functions (so wasm-bindgen's glue
//      instantiates it with the imports it knows)
//   4. wasm-opt (npm binaryen, the flags of build-wasm.mjs) on both parts
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, StepError, probe, run, wasmSplitTool } from "./setup.mjs";
import { definePlaceholders, exports, fixExternrefExport, functionCounts, imports, nameFunctions } from "./wasm-module.mjs";

/** The Cluster methods (JavaScript names) a fresh page calls before and while it shows its
 * first frame; web/src/wasm.ts reads the same file. */
export const FIRST_DRAW_FILE = join(ROOT, "web", "src", "first-draw.json");

export function firstDrawMethods() {
  const { methods } = JSON.parse(readFileSync(FIRST_DRAW_FILE, "utf8"));
  if (!Array.isArray(methods) || !methods.every((m) => typeof m === "string")) throw new StepError(`${FIRST_DRAW_FILE}: "methods" must be a list of names`);
  return methods;
}

/** wasm-metadce's graph: one root reaching the first-draw methods' exports and every export
 * that is not a Cluster method. */
function rootGraph(bytes, methods) {
  const first = new Set(methods.map((m) => `cluster_${m}`));
  const all = exports(bytes);
  const names = new Set(all.map((e) => e.name));
  for (const m of first) if (!names.has(m)) throw new StepError(`web/src/first-draw.json names ${m.slice("cluster_".length)}, which the module does not export (as ${m})`);
  const roots = all.filter((e) => first.has(e.name) || !e.name.startsWith("cluster_"));
  return [{ name: "root", root: true, reaches: roots.map((e) => `export:${e.name}`) }, ...all.map((e) => ({ name: `export:${e.name}`, export: e.name }))];
}

/**
 * Splits `bg` (an optimized wasm-bindgen module) in place into itself and `rest`.
 * `opt` is build-wasm's wasm-opt ({ bin }), `optimize(path)` runs it as build-wasm does.
 * Returns the functions kept and moved.
 */
export function splitWasm({ bg, rest, features, optimize }) {
  const split = wasmSplitTool();
  if (!split) throw new StepError("wasm-split (Debian's binaryen 108) is missing: run `node scripts/setup.mjs`");
  const metadce = join(ROOT, "node_modules", ".bin", "wasm-metadce");
  const wasmOpt = join(ROOT, "node_modules", ".bin", "wasm-opt");
  if (!existsSync(metadce)) throw new StepError("wasm-metadce (npm binaryen) is missing: run `npm ci`");
  const dir = mkdtempSync(join(tmpdir(), "raftlab-split-"));
  try {
    const named = join(dir, "named.wasm");
    const input = readFileSync(bg);
    writeFileSync(named, nameFunctions(input));
    writeFileSync(join(dir, "graph.json"), JSON.stringify(rootGraph(input, firstDrawMethods())));
    run(metadce, [...features, "-g", "-f", join(dir, "graph.json"), named, "-o", join(dir, "dce.wasm")], { stdio: ["ignore", "ignore", "inherit"] });
    const map = probe(wasmOpt, [...features, join(dir, "dce.wasm"), "--print-function-map", "-o", join(dir, "ignored.wasm")], { maxBuffer: 64 * 1024 * 1024 });
    if (map === null) throw new StepError("wasm-opt --print-function-map failed");
    const { imported, defined } = functionCounts(input);
    const keep = [];
    for (const line of map.split("\n")) {
      const m = /^\d+:f(\d+)$/.exec(line.trim());
      if (m && +m[1] >= imported) keep.push(`f${m[1]}`);
    }
    if (keep.length === 0) throw new StepError("wasm-metadce kept no function: the roots are wrong");
    writeFileSync(join(dir, "keep.txt"), `${keep.join("\n")}\n`);
    const primary = join(dir, "primary.wasm");
    const secondary = join(dir, "secondary.wasm");
    run(split.bin, [...features, "--split", `--keep-funcs=@${join(dir, "keep.txt")}`, named, "-o1", primary, "-o2", secondary, "--export-prefix=%"], { env: { ...process.env, ...split.env }, stdio: ["ignore", "ignore", "inherit"] });
    const fixed = definePlaceholders(fixExternrefExport(readFileSync(primary)));
    writeFileSync(bg, fixed.bytes);
    writeFileSync(rest, readFileSync(secondary));
    optimize(bg);
    optimize(rest);
    check(bg, rest);
    return { kept: keep.length, moved: defined - keep.length, placeholders: fixed.count };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The two parts fit together: the first imports only what wasm-bindgen's glue gives, exports
 * the externref table as such, and the rest imports only the first part's exports. */
function check(bg, rest) {
  const first = readFileSync(bg);
  const second = readFileSync(rest);
  const foreign = imports(first).filter((i) => i.module !== "./raftlab_wasm_bg.js");
  if (foreign.length) throw new StepError(`split: the first part imports ${foreign.map((i) => `${i.module}.${i.name}`).join(", ")}`);
  const firstModule = new WebAssembly.Module(first);
  if (fixExternrefExport(first) !== first) throw new StepError("split: the first part exports __wbindgen_externrefs as the funcref table");
  const offered = new Set(WebAssembly.Module.exports(firstModule).map((e) => e.name));
  const missing = WebAssembly.Module.imports(new WebAssembly.Module(second)).filter((i) => i.module !== "primary" || !offered.has(i.name));
  if (missing.length) throw new StepError(`split: the rest imports what the first part does not export: ${missing.map((i) => `${i.module}.${i.name}`).join(", ")}`);
}
