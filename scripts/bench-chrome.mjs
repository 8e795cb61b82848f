#!/usr/bin/env node
// raftlab against raft-rs in Chrome: the bench crate's harness (bench/, one loop for both
// cores) compiled to wasm32 (bench/wasm, `run_cell`) and timed in headless Chromium, next to
// the same cells run natively. Prints one table: per cell, committed entries per second on
// the leader of each core in Chrome, their ratio, and each core's wasm/native ratio.
//
//   1. cargo build --release --target wasm32-unknown-unknown -p raftlab-bench-wasm
//   2. wasm-bindgen --target web into <target>/bench-chrome/, then wasm-opt -O3 (binaryen
//      from npm, as scripts/build-wasm.mjs uses it; RAFTLAB_NO_WASM_OPT=1 skips it)
//   3. the native side: cargo build --release -p raftlab-bench-wasm --example native_cpu
//      (--clock cpu) or -p raftlab-bench (--clock wall)
//   4. a page on 127.0.0.1 that loads the module, in Chromium (playwright-core, the flags of
//      tests/e2e/browser.mjs); then for every cell the native side on that cell, then the
//      page R times, each side the median of its R runs, the two cores alternating:
//      --clock cpu (the default): each core's whole run (build, elect, drive, check, drop:
//        `run_core`) timed by CPU time, in Chrome the page's main-thread time (CDP
//        Performance.getMetrics ThreadTime, thread ticks), natively the thread's
//        (examples/native_cpu.rs, clock_gettime): other work on a loaded machine does not
//        count, so the figures hold under load;
//      --clock wall: the harness's own timed span by wall time, performance.now() in Chrome
//        (`run_cell`), Instant natively (`raftlab-bench --json --cell N,B,S --reps R
//        --total T`): what the native bench's table measures, and noisy under load.
//
// Options: --reps N (default: the native bench's), --total N (entries per run, the same),
//          --native FILE (read the native side from a saved `--json` output instead of
//          running it), --json (one JSON object per cell instead of the table),
//          --clock cpu|wall (above), --wasm-profile NAME (the cargo profile of the wasm
//          build, default release; e.g. wasm-release, the page's size-made profile, to see
//          what it costs in speed; the native side stays release),
//          --cells LIST (only these cells: comma-separated NODES/BATCH/SIZE, each part a
//          number or *, e.g. `--cells '*/*/1024'` for the 1 KiB cells, `3/1/16,5/64/*`),
//          --profile FILE (Chrome's CPU profiler over the timed runs, written to FILE as a
//          .cpuprofile for DevTools; the module keeps its function names (wasm-opt -g), and
//          the script prints each core's functions by self time; figures taken while
//          profiling run a little slower).
// Not part of `npm test` (it takes minutes), like the native bench.

import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { ROOT, WASM_TARGET, StepError, ensureCargoPath, probe, run } from './setup.mjs';
import { CHROMIUM_ARGS, launch } from '../tests/e2e/browser.mjs';

const PKG = 'raftlab-bench-wasm';
const LIB = 'raftlab_bench_wasm';

function parseArgs(argv) {
  const args = { reps: null, total: null, native: null, json: false, cells: null, profile: null, clock: 'cpu', wasmProfile: 'release' };
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
    } else if (a === '--clock') {
      args.clock = argv[++i];
      if (args.clock !== 'cpu' && args.clock !== 'wall') throw new StepError(`--clock is cpu or wall, not ${args.clock}`);
    } else if (a === '--wasm-profile') {
      args.wasmProfile = argv[++i];
      if (!/^[a-z][a-z0-9-]*$/.test(args.wasmProfile || '')) throw new StepError(`--wasm-profile needs a cargo profile name, not ${args.wasmProfile}`);
    } else if (a === '--cells') {
      args.cells = parseCells(argv[++i]);
    } else if (a === '--profile') {
      args.profile = argv[++i];
      if (!args.profile) throw new StepError('--profile needs a file to write the CPU profile to');
    } else throw new StepError(`unknown argument ${a} (try --reps N, --total N, --native FILE, --json, --clock cpu|wall, --wasm-profile NAME, --cells LIST, --profile FILE)`);
  }
  return args;
}

/** `--cells` as a list of [nodes, batch, size] patterns (null: any). */
function parseCells(v) {
  if (!v) throw new StepError('--cells needs a list of NODES/BATCH/SIZE (each a number or *), e.g. */*/1024');
  return v.split(',').map((pattern) => {
    const parts = pattern.trim().split('/');
    if (parts.length !== 3 || parts.some((x) => x !== '*' && !/^[0-9]+$/.test(x))) {
      throw new StepError(`--cells: ${pattern} is not NODES/BATCH/SIZE (each a number or *)`);
    }
    return parts.map((x) => (x === '*' ? null : Number(x)));
  });
}

const matches = (patterns, cell) => !patterns || patterns.some((p) => p.every((x, i) => x === null || x === cell[i]));

function targetDir() {
  if (process.env.CARGO_TARGET_DIR) return resolve(ROOT, process.env.CARGO_TARGET_DIR);
  const meta = probe('cargo', ['metadata', '--format-version', '1', '--no-deps'], { maxBuffer: 64 * 1024 * 1024 });
  return meta ? JSON.parse(meta).target_directory : join(ROOT, 'target');
}

/** Builds the module (release: made for speed, as the native bench) into `out`; with
 * `names`, the optimised module keeps its name section (for the profiler). */
function build(out, names, profile) {
  console.error(`bench-chrome: cargo build --profile ${profile} --target ${WASM_TARGET} -p ${PKG}`);
  run('cargo', ['build', '--profile', profile, '--target', WASM_TARGET, '-p', PKG], { stdio: ['ignore', 2, 2] });
  const dir = profile === 'dev' ? 'debug' : profile;
  const wasm = join(targetDir(), WASM_TARGET, dir, `${LIB}.wasm`);
  if (!existsSync(wasm)) throw new StepError(`${wasm} was not produced`);
  run('wasm-bindgen', ['--target', 'web', '--out-dir', out, wasm], { stdio: ['ignore', 2, 2] });
  const bg = join(out, `${LIB}_bg.wasm`);
  const opt = join(ROOT, 'node_modules', '.bin', 'wasm-opt');
  if (/^(1|true|yes)$/i.test(process.env.RAFTLAB_NO_WASM_OPT || '')) return `${profile} + wasm-opt skipped`;
  if (!existsSync(opt)) {
    console.error('bench-chrome: note: no node_modules/.bin/wasm-opt (run `npm ci`); the module is not post-optimised');
    return `${profile} + no wasm-opt`;
  }
  // The features rustc enables by default for wasm32-unknown-unknown (as build-wasm.mjs).
  const features = ['bulk-memory', 'mutable-globals', 'nontrapping-float-to-int', 'sign-ext', 'reference-types', 'multivalue'];
  const keep = names ? ['-g'] : [];
  run(opt, ['-O3', ...keep, ...features.map((f) => `--enable-${f}`), bg, '-o', `${bg}.opt`], { stdio: ['ignore', 2, 2] });
  renameSync(`${bg}.opt`, bg);
  return `${profile} + ${names ? 'wasm-opt -O3 -g' : 'wasm-opt -O3'}`;
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
  const cpu = args.clock === 'cpu';
  const bin = cpu ? join(targetDir(), 'release', 'examples', 'native_cpu') : join(targetDir(), 'release', 'raftlab-bench');
  const cmd = cpu
    ? [`${nodes},${batch},${size}`, `${reps}`, `${total}`]
    : ['--json', '--cell', `${nodes},${batch},${size}`, '--reps', `${reps}`, '--total', `${total}`];
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
import init, { run_cell, run_core, cells, defaults } from './pkg/${LIB}.js';
await init();
window.bench = { run_cell, run_core, cells: JSON.parse(cells()), defaults: Array.from(defaults()) };
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
  const optimised = build(out, Boolean(args.profile), args.wasmProfile);
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
      const native = args.clock === 'cpu' ? ['-p', PKG, '--example', 'native_cpu'] : ['-p', 'raftlab-bench'];
      console.error(`bench-chrome: cargo build --release ${native.join(' ')} (the native side)`);
      run('cargo', ['build', '--release', ...native], { stdio: ['ignore', 2, 2] });
    }
    const chosen = cells.filter((c) => matches(args.cells, c));
    if (chosen.length === 0) throw new StepError(`--cells: no cell of the matrix matches`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const threadTime = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime').value;
    // V8 runs wasm in its baseline tier until the optimised code of each hot function is
    // ready: one untimed run of each core first, so the first timed one is not the slow one.
    for (const core of ['raftlab', 'raft-rs']) {
      await page.evaluate(([c, [n, b, s], t]) => window.bench.run_core(c, n, b, s, t), [core, chosen[0], total]);
    }
    // The native sides first when profiling: the profiler's thread would take CPU from them.
    const natives = new Map();
    if (args.profile) for (const c of chosen) natives.set(key({ nodes: c[0], batch: c[1], size: c[2] }), nativeCell(args, ...c, reps, total));
    if (args.profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    const rows = [];
    for (const [nodes, batch, size] of chosen) {
      const n = natives.get(key({ nodes, batch, size })) ?? nativeCell(args, nodes, batch, size, reps, total);
      const ours = [];
      const theirs = [];
      for (let r = 0; r < reps; r++) {
        if (args.clock === 'cpu') {
          for (const [core, into] of [['raftlab', ours], ['raft-rs', theirs]]) {
            const start = await threadTime();
            await page.evaluate(([c, n, b, s, t]) => window.bench.run_core(c, n, b, s, t), [core, nodes, batch, size, total]);
            into.push(total / Math.max(1e-9, (await threadTime()) - start));
          }
        } else {
          const c = JSON.parse(await page.evaluate(([n, b, s, t]) => window.bench.run_cell(n, b, s, t), [nodes, batch, size, total]));
          ours.push(c.raftlab_per_s);
          theirs.push(c.raft_rs_per_s);
        }
      }
      const row = { nodes, batch, size, raftlab_per_s: median(ours), raft_rs_per_s: median(theirs) };
      row.ratio = row.raftlab_per_s / row.raft_rs_per_s;
      row.raftlab_wasm_over_native = row.raftlab_per_s / n.raftlab_per_s;
      row.raft_rs_wasm_over_native = row.raft_rs_per_s / n.raft_rs_per_s;
      row.native = { raftlab_per_s: n.raftlab_per_s, raft_rs_per_s: n.raft_rs_per_s, ratio: n.ratio };
      rows.push(row);
      if (args.json) console.log(JSON.stringify(row));
      else if (rows.length === 1) header(browser.version(), reps, total, load, optimised, args.clock);
      if (!args.json) line(row);
    }
    if (args.profile) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(args.profile, JSON.stringify(profile));
      console.error(`bench-chrome: CPU profile written to ${args.profile}`);
      printProfile(profile);
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

/** Each core's 15 functions by self time (samples under its cluster's calls), on stderr. */
function printProfile(profile) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const name = (id) => byId.get(id).callFrame.functionName || '(anonymous)';
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) || 0) + 1);
  for (const [core, mark] of [['raftlab', 'raftlab_bench::raftlab::'], ['raft-rs', 'raftlab_bench::raft_rs::']]) {
    const self = new Map();
    let total = 0;
    for (const [id, n] of counts) {
      let under = false;
      for (let x = id; x !== undefined; x = parent.get(x)) if (name(x).includes(mark)) under = true;
      if (!under) continue;
      total += n;
      self.set(name(id), (self.get(name(id)) || 0) + n);
    }
    console.error(`bench-chrome: ${core}: ${total} samples; by self time:`);
    for (const [f, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
      console.error(`  ${((100 * n) / total).toFixed(1).padStart(5)}%  ${f.replace(/::h[0-9a-f]{16}$/, '').slice(0, 150)}`);
    }
  }
}

function header(version, reps, total, load, optimised, clock) {
  const timed = clock === 'cpu' ? 'each whole run timed by CPU time (Chrome: main-thread ThreadTime; natively: the thread\'s)' : 'timed by wall time (performance.now / Instant)';
  console.log(`committed entries per second on the leader, median of ${reps} runs of ${total} entries, ${timed};`);
  console.log(`Chromium ${version} headless (${CHROMIUM_ARGS.slice(0, 2).join(' ')} ...), wasm32 ${optimised}; load average ${load}`);
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
