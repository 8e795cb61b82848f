#!/usr/bin/env node
// Builds the raftlab-wasm crate and generates its JS bindings into web/pkg/
// (what web/ imports as web/pkg/raftlab_wasm.js). No wasm-pack: it would download tools.
//
//   1. cargo build --release --target wasm32-unknown-unknown -p raftlab-wasm
//   2. wasm-bindgen --target web --typescript --out-dir web/pkg target/.../raftlab_wasm.wasm
//   3. wasm-opt -O on web/pkg/raftlab_wasm_bg.wasm, with binaryen from npm (devDependency)
//
// Run `node scripts/setup.mjs` first (npm start / npm test / npm run build do).
// RAFTLAB_NO_WASM_OPT=1 skips step 3.

import { existsSync, renameSync, statSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, WASM_TARGET, StepError, ensureCargoPath, pinnedWasmBindgenVersion, probe, run } from './setup.mjs';

const OUT_DIR = join(ROOT, 'web', 'pkg');

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

export function buildWasm() {
  ensureCargoPath();
  const want = pinnedWasmBindgenVersion();
  const have = (probe('wasm-bindgen', ['--version']) || '').trim();
  if (!have.includes(want)) {
    throw new StepError(
      `wasm-bindgen CLI ${want} is needed (found: ${have || 'none'}); run \`node scripts/setup.mjs\``,
    );
  }

  console.log(`build-wasm: cargo build --release --target ${WASM_TARGET} -p raftlab-wasm`);
  run('cargo', ['build', '--release', '--target', WASM_TARGET, '-p', 'raftlab-wasm']);

  const wasm = join(targetDir(), WASM_TARGET, 'release', 'raftlab_wasm.wasm');
  if (!existsSync(wasm)) {
    throw new StepError(`${wasm} was not produced: is raftlab-wasm a cdylib?`);
  }

  console.log(`build-wasm: wasm-bindgen --target web --typescript --out-dir web/pkg (${kib(wasm)} in)`);
  rmSync(OUT_DIR, { recursive: true, force: true });
  run('wasm-bindgen', ['--target', 'web', '--typescript', '--out-dir', OUT_DIR, wasm]);

  const bg = join(OUT_DIR, 'raftlab_wasm_bg.wasm');
  if (!existsSync(bg) || !existsSync(join(OUT_DIR, 'raftlab_wasm.js'))) {
    throw new StepError('wasm-bindgen did not write web/pkg/raftlab_wasm.js and raftlab_wasm_bg.wasm');
  }

  const opt = findWasmOpt();
  if (/^(1|true|yes)$/i.test(process.env.RAFTLAB_NO_WASM_OPT || '')) {
    console.log('build-wasm: note: RAFTLAB_NO_WASM_OPT set, skipping wasm-opt');
  } else if (!opt.bin) {
    console.log(`build-wasm: note: ${opt.why}; web/pkg is left unoptimized (run \`npm ci\` to get it)`);
  } else {
    const before = kib(bg);
    const tmp = `${bg}.opt`;
    // The features rustc enables by default for wasm32-unknown-unknown.
    run(opt.bin, [
      '-O',
      '--enable-bulk-memory',
      '--enable-mutable-globals',
      '--enable-nontrapping-float-to-int',
      '--enable-sign-ext',
      '--enable-reference-types',
      '--enable-multivalue',
      bg,
      '-o',
      tmp,
    ]);
    renameSync(tmp, bg);
    console.log(`build-wasm: wasm-opt -O (binaryen ${opt.version}): ${before} -> ${kib(bg)}`);
  }
  console.log(`build-wasm: ok: ${relative(ROOT, OUT_DIR)}/raftlab_wasm.js + raftlab_wasm_bg.wasm (${kib(bg)})`);
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
