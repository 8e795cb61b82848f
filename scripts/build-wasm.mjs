#!/usr/bin/env node
// Builds the page's two wasm modules and generates their JS bindings into web/pkg/:
//   raftlab-wasm  (web/pkg/raftlab_wasm.js): the Cluster handle, loaded by every page;
//   raftlab-files (web/pkg/raftlab_files.js): the run-file module (a run file's JSON to and
//                 from the packed form the main module reads, and the key/value history's
//                 linearizability search), loaded on first use.
// No wasm-pack: it would download tools. For each module:
//
//   1. cargo build --profile wasm-release --target wasm32-unknown-unknown -p <crate>
//      -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size, with
//      RUSTC_BOOTSTRAP=1 and RUSTFLAGS -Zunstable-options -Cpanic=immediate-abort
//      -Zlocation-detail=none
//      (the root Cargo.toml's profile made for size, the standard library rebuilt with it:
//      see BUILD_STD below); the main module must not link serde_json or raftlab-lincheck
//      (checked here: the build fails if it does)
//   2. wasm-bindgen --target web --typescript --out-dir web/pkg target/.../<crate>.wasm
//   3. wasm-opt -Oz --skip-pass=inlining-optimizing --strip-producers --strip-target-features on web/pkg/<crate>_bg.wasm, with binaryen
//      from npm (devDependency)
//   4. the main module only: split in two along the first draw (scripts/split-wasm.mjs): what
//      a fresh page calls before it draws stays in raftlab_wasm_bg.wasm, the rest goes to
//      raftlab_wasm_rest.wasm (fetched after the first frame, web/src/wasm.ts)
//
// Run `node scripts/setup.mjs` first (npm start / npm test / npm run build do).
// RAFTLAB_NO_WASM_OPT=1 skips step 3; RAFTLAB_WASM_OPT_FLAGS replaces its flags;
// RAFTLAB_NO_BUILD_STD=1 builds with the prebuilt standard library (plain stable Cargo);
// RAFTLAB_NO_SPLIT=1 skips step 4 (the rest is then an empty module).

import { existsSync, readFileSync, renameSync, statSync, rmSync, writeFileSync } from 'node:fs';
import { splitWasm } from './split-wasm.mjs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, WASM_TARGET, StepError, ensureCargoPath, pinnedWasmBindgenVersion, probe, run } from './setup.mjs';

const OUT_DIR = join(ROOT, 'web', 'pkg');
/** The Cargo profile of the browser build (root Cargo.toml: made for size). */
const PROFILE = 'wasm-release';
/** wasm-opt's flags, chosen by measurement (README, "Weight"): its inlining makes the module
 * smaller but gzip worse, so it is skipped; the producers and target-features sections are
 * for tools, not browsers (0.2 kB gzipped). RAFTLAB_WASM_OPT_FLAGS (space-separated)
 * overrides them, for measuring. */
const WASM_OPT_FLAGS = (process.env.RAFTLAB_WASM_OPT_FLAGS || '-Oz --skip-pass=inlining-optimizing --strip-producers --strip-target-features').split(/\s+/).filter(Boolean);

/** The standard library rebuilt for the browser build (README, "Weight": 11 kB gzipped of the
 * main module). The prebuilt one is compiled at opt-level 3 with unwinding and panic
 * messages; rebuilt with the profile it is made for size, and `panic = immediate-abort`
 * drops the panic machinery (message formatting, locations), which on
 * wasm32-unknown-unknown printed nothing anyway: a panic was, and stays, a trap
 * ("RuntimeError: unreachable"); `-Zlocation-detail=none` drops the source paths that only
 * panics printed. These are unstable Cargo and rustc flags on the stable
 * toolchain (RUSTC_BOOTSTRAP=1), for the browser build only: native builds and every test
 * use stable Rust as it is. They need the `rust-src` component (scripts/setup.mjs adds it).
 * RAFTLAB_NO_BUILD_STD=1 turns this off. */
const BUILD_STD = process.env.RAFTLAB_NO_BUILD_STD === '1'
  ? { args: [], env: {} }
  : {
      args: ['-Zbuild-std=std,panic_abort', '-Zbuild-std-features=optimize_for_size'],
      env: {
        RUSTC_BOOTSTRAP: '1',
        RUSTFLAGS: [process.env.RUSTFLAGS, '-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none'].filter(Boolean).join(' '),
      },
    };

function targetDir() {
  if (process.env.CARGO_TARGET_DIR) return resolve(ROOT, process.env.CARGO_TARGET_DIR);
  const meta = probe('cargo', ['metadata', '--format-version', '1', '--no-deps'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  if (meta) return JSON.parse(meta).target_directory;
  return join(ROOT, 'target');
}

function kib(path) {
  return `${(statSync(path).size / 1024).toFixed(0)} KiB`;
}

// Binaryen older than this mangles wasm-bindgen's externref table: Debian 12's
// binaryen 108 re-points the `__wbindgen_externrefs` export at the funcref table, and
// the page then dies in init() with "WebAssembly.Table.set(): Argument 1 is invalid".
// The npm package `binaryen` (a devDependency, node_modules/.bin/wasm-opt) is new
// enough and comes first; a system wasm-opt is used only when it is at least the
// version checked here (132; 108 is known bad, those between were not tried).
const MIN_BINARYEN = 132;

function findWasmOpt() {
  const local = join(ROOT, 'node_modules', '.bin', 'wasm-opt');
  for (const bin of [local, 'wasm-opt']) {
    if (bin === local && !existsSync(local)) continue;
    const out = probe(bin, ['--version']);
    if (out === null) continue;
    const version = +((out.match(/version[_ ](\d+)/) || [])[1] || 0);
    if (version >= MIN_BINARYEN) return { bin, version };
    if (bin === 'wasm-opt') {
      return { why: `the system wasm-opt is binaryen ${version || '?'} (< ${MIN_BINARYEN}; 108 breaks wasm-bindgen's output)` };
    }
  }
  return { why: 'wasm-opt not found (npm devDependency `binaryen`)' };
}

/** The page's wasm modules, each built by its own cargo invocation (so that the session
 * layer's `json` feature, which raftlab-files turns on, never reaches the main module). */
const MODULES = [
  // The main module: every page loads it before it draws. Must not link a JSON reader nor
  // the linearizability search (the run-file module's `checkKvHistory` runs it).
  // Nor the packed built-in scenarios: the page fetches them on the first scenario
  // (session's feature `built-in-scenarios`, off here).
  // Split in two along the first draw (scripts/split-wasm.mjs): the rest is
  // web/pkg/raftlab_wasm_rest.wasm.
  { pkg: 'raftlab-wasm', lib: 'raftlab_wasm', forbidden: ['serde_json', 'raftlab_lincheck'], forbiddenFiles: ['session/scenarios/built-in.postcard'], split: true },
  // The run-file module: loaded on the first run file opened or exported, or on the first
  // key/value verdict.
  { pkg: 'raftlab-files', lib: 'raftlab_files', forbidden: [] },
];

/** The features rustc enables by default for wasm32-unknown-unknown, for binaryen's tools. */
const FEATURES = [
  '--enable-bulk-memory',
  '--enable-mutable-globals',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '--enable-reference-types',
  '--enable-multivalue',
];

function wasmOpt(opt, bg) {
  const tmp = `${bg}.opt`;
  run(opt.bin, [...WASM_OPT_FLAGS, ...FEATURES, bg, '-o', tmp]);
  renameSync(tmp, bg);
}

/** An empty module: the rest of a module that was not split (web/src/wasm.ts instantiates it
 * all the same). */
const EMPTY_WASM = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** Whether a module's symbol names hold a function defined in `crate` (its path starts
 * there), in the legacy (`_ZN10serde_json3ser...`) or the v0 mangling
 * (`_RNvNtCs..._10serde_json3ser...`, which rustc uses with RUSTC_BOOTSTRAP=1). A generic of
 * `alloc` or `core` that only happens to be instantiated in `crate` (v0 names say so at
 * their end) or to take one of its types does not count: it is not the crate's code. */
export function definesFrom(names, crate) {
  const n = `${crate.length}${crate}`;
  const legacy = new RegExp(`_ZN${n}`);
  const v0 = new RegExp(`_R(?:I|N[A-Za-z]|[XMY](?:s[0-9A-Za-z]*_)?)*C(?:s[0-9A-Za-z]*_)?${n}`);
  return legacy.test(names) || v0.test(names);
}

/** 64 bytes from the middle of a file: found in a module's data if the file is compiled in. */
function sample(file) {
  const bytes = readFileSync(join(ROOT, file));
  const at = Math.max(0, (bytes.length >> 1) - 32);
  return bytes.subarray(at, at + 64);
}

function buildModule({ pkg, lib, forbidden, forbiddenFiles = [], split = false }, opt) {
  const args = ['build', '--profile', PROFILE, '--target', WASM_TARGET, '-p', pkg, ...BUILD_STD.args];
  console.log(`build-wasm: cargo ${args.join(' ')}${BUILD_STD.args.length ? ' (RUSTC_BOOTSTRAP=1, -Cpanic=immediate-abort)' : ''}`);
  run('cargo', args, { env: { ...process.env, ...BUILD_STD.env } });

  const wasm = join(targetDir(), WASM_TARGET, PROFILE, `${lib}.wasm`);
  if (!existsSync(wasm)) {
    throw new StepError(`${wasm} was not produced: is ${pkg} a cdylib?`);
  }
  // The linked module still has its name section here: a crate it must not contain shows.
  const bytes = readFileSync(wasm);
  const names = bytes.toString('latin1');
  for (const name of forbidden) {
    if (definesFrom(names, name)) {
      throw new StepError(`${pkg} links ${name}, which every page would download: keep it in raftlab-files (see README, "Weight")`);
    }
  }
  for (const file of forbiddenFiles) {
    if (bytes.includes(sample(file))) {
      throw new StepError(`${pkg} holds ${file}, which every page would download: the page fetches it on first use (see README, "Weight")`);
    }
  }

  console.log(`build-wasm: wasm-bindgen --target web --typescript --out-dir web/pkg ${lib}.wasm (${kib(wasm)} in)`);
  run('wasm-bindgen', ['--target', 'web', '--typescript', '--out-dir', OUT_DIR, wasm]);

  const bg = join(OUT_DIR, `${lib}_bg.wasm`);
  if (!existsSync(bg) || !existsSync(join(OUT_DIR, `${lib}.js`))) {
    throw new StepError(`wasm-bindgen did not write web/pkg/${lib}.js and ${lib}_bg.wasm`);
  }
  if (opt.bin) {
    const before = kib(bg);
    wasmOpt(opt, bg);
    console.log(`build-wasm: wasm-opt ${WASM_OPT_FLAGS.join(' ')} (binaryen ${opt.version}): ${before} -> ${kib(bg)}`);
  }
  if (split) {
    const rest = join(OUT_DIR, `${lib}_rest.wasm`);
    if (opt.bin && process.env.RAFTLAB_NO_SPLIT !== '1') {
      const r = splitWasm({ bg, rest, features: FEATURES, optimize: (path) => wasmOpt(opt, path) });
      console.log(`build-wasm: split along the first draw (web/src/first-draw.json): ${r.kept} functions kept (${kib(bg)}), ${r.moved} moved to ${lib}_rest.wasm (${kib(rest)}), ${r.placeholders} placeholders`);
    } else {
      writeFileSync(rest, EMPTY_WASM);
      console.log(`build-wasm: note: not split (${opt.bin ? 'RAFTLAB_NO_SPLIT=1' : 'no wasm-opt'}): ${lib}_rest.wasm is empty`);
    }
  }
  console.log(`build-wasm: ok: ${relative(ROOT, OUT_DIR)}/${lib}.js + ${lib}_bg.wasm (${kib(bg)})`);
}

export function buildWasm() {
  ensureCargoPath();
  const want = pinnedWasmBindgenVersion();
  const have = (probe('wasm-bindgen', ['--version']) || '').trim();
  if (!have.includes(want)) {
    throw new StepError(
      `wasm-bindgen CLI ${want} is needed (found: ${have || 'none'}); run \`node scripts/setup.mjs\``,
    );
  }
  let opt = findWasmOpt();
  if (/^(1|true|yes)$/i.test(process.env.RAFTLAB_NO_WASM_OPT || '')) {
    console.log('build-wasm: note: RAFTLAB_NO_WASM_OPT set, skipping wasm-opt');
    opt = {};
  } else if (!opt.bin) {
    console.log(`build-wasm: note: ${opt.why}; web/pkg is left unoptimized (run \`npm ci\` to get it)`);
  }
  rmSync(OUT_DIR, { recursive: true, force: true });
  for (const module of MODULES) buildModule(module, opt);
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    buildWasm();
  } catch (e) {
    console.error(`build-wasm: FAILED: ${e instanceof StepError ? e.message : e.stack}`);
    process.exit(1);
  }
}
