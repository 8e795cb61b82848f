#!/usr/bin/env node
// raftlab against raft-rs in Chrome: the bench crate's harness (bench/, one loop for both
// cores) compiled to wasm32 (bench/wasm, `run_cell`) and timed in headless Chromium, next to
// the same cells run natively. Prints one table: per cell, committed entries per second on
// the leader of each core in Chrome, their ratio, and each core's wasm/native ratio.
//
//   1. cargo build --release --target wasm32-unknown-unknown -p raftlab-bench-wasm
//   2. wasm-bindgen --target web into <target>/bench-chrome/, then wasm-opt -O3 (binaryen
//      from npm, as scripts/build-wasm.mjs uses it; RAFTLAB_NO_WASM_OPT=1 skips it)
//   3. cargo build --release -p raftlab-bench (the native side)
//   4. a page on 127.0.0.1 that loads the module, in Chromium (playwright-core, the flags of
//      tests/e2e/browser.mjs); then for every cell: the native bench on that cell
//      (`raftlab-bench --json --cell N,B,S --reps R --total T`), then run_cell R times in the
//      page (each call runs raftlab then raft-rs once, timed by performance.now()); each
//      side is the median of its R runs.
//
// Options: --reps N (default: the native bench's), --total N (entries per run, the same),
//          --native FILE (read the native side from a saved `--json` output instead of
//          running it), --json (one JSON object per cell instead of the table).
// Not part of `npm test` (it takes minutes), like the native bench.

import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { ROOT, WASM_TARGET, StepError, ensureCargoPath, probe, run } from './setup.mjs';
import { CHROMIUM_ARGS, launch } from '../tests/e2e/browser.mjs';

const PKG = 'raftlab-bench-wasm';
const LIB = 'raftlab_bench_wasm';

function parseArgs(argv) {
  const args = { reps: null, total: null, native: null, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--reps' || a === '--total') {
      const v = argv[++i];
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 1) throw new StepError(`${a} needs a whole number of at least 1, not ${v}`);
      args[a.slice(2)] = n;
    } else if (a === '--native') {
      args.native = argv[++i];
      if (!args.native) throw new StepError('--native needs a file (the output of raftlab-bench --json)');
    } else throw new StepError(`unknown argument ${a} (try --reps N, --total N, --native FILE, --json)`);
  }
  return args;
}

function targetDir() {
  if (process.env.CARGO_TARGET_DIR) return resolve(ROOT, process.env.CARGO_TARGET_DIR);
  const meta = probe('cargo', ['metadata', '--format-version', '1', '--no-deps'], { maxBuffer: 64 * 1024 * 1024 });
  return meta ? JSON.parse(meta).target_directory : join(ROOT, 'target');
}

/** Builds the module (release: made for speed, as the native bench) into `out`. */
function build(out) {
  console.error(`bench-chrome: cargo build --release --target ${WASM_TARGET} -p ${PKG}`);
  run('cargo', ['build', '--release', '--target', WASM_TARGET, '-p', PKG], { stdio: ['ignore', 2, 2] });
  const wasm = join(targetDir(), WASM_TARGET, 'release', `${LIB}.wasm`);
  if (!existsSync(wasm)) throw new StepError(`${wasm} was not produced`);
  run('wasm-bindgen', ['--target', 'web', '--out-dir', out, wasm], { stdio: ['ignore', 2, 2] });
  const bg = join(out, `${LIB}_bg.wasm`);
  const opt = join(ROOT, 'node_modules', '.bin', 'wasm-opt');
  if (/^(1|true|yes)$/i.test(process.env.RAFTLAB_NO_WASM_OPT || '')) return 'wasm-opt skipped';
  if (!existsSync(opt)) {
    console.error('bench-chrome: note: no node_modules/.bin/wasm-opt (run `npm ci`); the module is not post-optimised');
    return 'no wasm-opt';
  }
  // The features rustc enables by default for wasm32-unknown-unknown (as build-wasm.mjs).
  const features = ['bulk-memory', 'mutable-globals', 'nontrapping-float-to-int', 'sign-ext', 'reference-types', 'multivalue'];
  run(opt, ['-O3', ...features.map((f) => `--enable-${f}`), bg, '-o', `${bg}.opt`], { stdio: ['ignore', 2, 2] });
  renameSync(`${bg}.opt`, bg);
  return 'wasm-opt -O3';
}

/** The native side of one cell, { raftlab_per_s, raft_rs_per_s, ratio }: run right before the
 * cell is timed in Chrome, so both see the same load; or read from `--native FILE`. */
function nativeCell(args, nodes, batch, size, reps, total) {
  if (args.native) {
    if (!nativeCell.saved) {
      nativeCell.saved = new Map();
      for (const l of readFileSync(args.native, 'utf8').split('\n').filter((l) => l.trim())) {
        const c = JSON.parse(l);
        nativeCell.saved.set(key(c), c);
      }
    }
    const c = nativeCell.saved.get(key({ nodes, batch, size }));
    if (!c) throw new StepError(`${args.native} has no cell ${nodes} nodes, batch ${batch}, ${size} B`);
    return c;
  }
  const bin = join(targetDir(), 'release', 'raftlab-bench');
  const cmd = ['--json', '--cell', `${nodes},${batch},${size}`, '--reps', `${reps}`, '--total', `${total}`];
  const r = spawnSync(bin, cmd, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new StepError(`\`${bin} ${cmd.join(' ')}\` exited with ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout);
}

const key = (c) => `${c.nodes}/${c.batch}/${c.size}`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>raftlab-bench in Chrome</title>
<script type="module">
import init, { run_cell, cells, defaults } from './pkg/${LIB}.js';
await init();
window.bench = { run_cell, cells: JSON.parse(cells()), defaults: Array.from(defaults()) };
</script>`;

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

/** Serves the page and out/ on 127.0.0.1 (a free port). */
function serve(out) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      return res.end(PAGE);
    }
    const file = path.startsWith('/pkg/') ? join(out, path.slice(5)) : null;
    if (!file || file.includes('..') || !existsSync(file)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  ensureCargoPath();
  const out = join(targetDir(), 'bench-chrome');
  const optimised = build(out);
  const server = await serve(out);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`bench-chrome: page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.bench, null, { timeout: 60_000 });
    const { cells, defaults } = await page.evaluate(() => ({ cells: window.bench.cells, defaults: window.bench.defaults }));
    const reps = args.reps ?? defaults[0];
    const total = args.total ?? defaults[1];
    const load = loadavg().map((x) => x.toFixed(2)).join(' ');

    if (!args.native) {
      console.error('bench-chrome: cargo build --release -p raftlab-bench (the native side)');
      run('cargo', ['build', '--release', '-p', 'raftlab-bench'], { stdio: ['ignore', 2, 2] });
    }
    const rows = [];
    for (const [nodes, batch, size] of cells) {
      const n = nativeCell(args, nodes, batch, size, reps, total);
      const ours = [];
      const theirs = [];
      for (let r = 0; r < reps; r++) {
        const c = JSON.parse(await page.evaluate(([n, b, s, t]) => window.bench.run_cell(n, b, s, t), [nodes, batch, size, total]));
        ours.push(c.raftlab_per_s);
        theirs.push(c.raft_rs_per_s);
      }
      const row = { nodes, batch, size, raftlab_per_s: median(ours), raft_rs_per_s: median(theirs) };
      row.ratio = row.raftlab_per_s / row.raft_rs_per_s;
      row.raftlab_wasm_over_native = row.raftlab_per_s / n.raftlab_per_s;
      row.raft_rs_wasm_over_native = row.raft_rs_per_s / n.raft_rs_per_s;
      row.native = { raftlab_per_s: n.raftlab_per_s, raft_rs_per_s: n.raft_rs_per_s, ratio: n.ratio };
      rows.push(row);
      if (args.json) console.log(JSON.stringify(row));
      else if (rows.length === 1) header(browser.version(), reps, total, load, optimised);
      if (!args.json) line(row);
    }
    if (!args.json) {
      const under = rows.filter((r) => r.ratio < 2).length;
      console.log(`load average ${load} at the start, ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end (${cpus().length} cores); ${under} of ${rows.length} Chrome cells under 2x`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

function header(version, reps, total, load, optimised) {
  console.log(`committed entries per second on the leader, median of ${reps} runs of ${total} entries;`);
  console.log(`Chromium ${version} headless (${CHROMIUM_ARGS.slice(0, 2).join(' ')} ...), wasm32 release + ${optimised}; load average ${load}`);
  console.log('ratio: raftlab/raft-rs in Chrome; native: the same natively; w/n: Chrome over native, per core');
  console.log(
    `${'nodes'.padStart(5)} ${'batch'.padStart(6)} ${'size'.padStart(6)} ${'raftlab/s'.padStart(12)} ${'raft-rs/s'.padStart(12)} ${'ratio'.padStart(6)} ${'native'.padStart(6)} ${'raftlab w/n'.padStart(11)} ${'raft-rs w/n'.padStart(11)}`,
  );
}

function line(r) {
  console.log(
    `${String(r.nodes).padStart(5)} ${String(r.batch).padStart(6)} ${String(r.size).padStart(6)} ${fmt(r.raftlab_per_s).padStart(12)} ${fmt(r.raft_rs_per_s).padStart(12)} ${r.ratio.toFixed(2).padStart(6)} ${r.native.ratio.toFixed(2).padStart(6)} ${r.raftlab_wasm_over_native.toFixed(2).padStart(11)} ${r.raft_rs_wasm_over_native.toFixed(2).padStart(11)}`,
  );
}

main().catch((e) => {
  console.error(`bench-chrome: FAILED: ${e instanceof StepError ? e.message : e.stack}`);
  process.exit(1);
});
