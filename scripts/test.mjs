#!/usr/bin/env node
// raftlab's whole test run (what `npm test` and CI run). Stops at the first failure.
//
//   setup         node scripts/setup.mjs --browser (installs what is missing)
//   native        cargo test --workspace            (core, Lab 3 suite, sweep)
//   no-std        cargo build -p raftlab -p raftlab-session --no-default-features --target thumbv7em-none-eabihf
//   build-wasm    node scripts/build-wasm.mjs        (web/pkg/)
//   wasm-browser  cargo test -p raftlab-wasm --target wasm32-unknown-unknown --tests
//                 in headless Chromium via wasm-bindgen-test-runner + chromedriver
//   typecheck     tsc -p web/tsconfig.json --noEmit
//   web-build     vite build --config web/vite.config.ts   (web/dist/)
//   e2e           node --test tests/e2e/                   (playwright-core + Chromium)
//
// Options:  --only=a,b   run just these stages      --from=stage   start at this stage
//           --list       print the stage names
// At the end it prints "N passed, M failed" summed from the runners' own summary
// lines (cargo's "test result:" and node's "pass"/"fail"), when every test stage
// printed one.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CHROMEDRIVER, CHROMIUM, NO_STD_TARGET, ROOT, StepError, WASM_TARGET, ensureCargoPath, setup } from './setup.mjs';
import { buildWasm } from './build-wasm.mjs';

const totals = { passed: 0, failed: 0, skipped: 0, counted: true };

// Runs a command, streaming its output; with `count`, also reads the runner's summary lines.
function exec(cmd, args, { env = {}, count = null } = {}) {
  const shown = [cmd, ...args].join(' ');
  console.log(`$ ${shown}`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', count ? 'pipe' : 'inherit', 'inherit'],
    });
    let seen = false;
    let buf = '';
    const scan = (line) => {
      // cargo test / libtest and wasm-bindgen-test-runner:
      //   test result: ok. 12 passed; 0 failed; 1 ignored; ...
      if (count === 'cargo' && line.trim() === 'no tests to run!') {
        seen = true; // wasm-bindgen-test-runner on a test binary with no wasm tests
        return;
      }
      let m = line.match(/^test result: \w+\. (\d+) passed; (\d+) failed;(?: (\d+) ignored;)?/);
      if (m && count === 'cargo') {
        seen = true;
        totals.passed += +m[1];
        totals.failed += +m[2];
        totals.skipped += +(m[3] || 0);
        return;
      }
      // node --test, spec reporter ("ℹ pass 3") or TAP ("# pass 3")
      m = line.match(/^(?:ℹ|#) (pass|fail|skipped|todo|cancelled) (\d+)\s*$/);
      if (m && count === 'node') {
        seen = true;
        if (m[1] === 'pass') totals.passed += +m[2];
        else if (m[1] === 'fail' || m[1] === 'cancelled') totals.failed += +m[2];
        else totals.skipped += +m[2];
      }
    };
    if (count) {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        // Pass on whole lines only, so they don't get cut by the stderr the child
        // writes in between (cargo's "Running ..." lines).
        buf += chunk;
        const lines = buf.split('\n');
        buf = lines.pop();
        if (lines.length) process.stdout.write(lines.join('\n') + '\n');
        lines.forEach((l) => scan(l.replace(/\r$/, '').replace(/\x1b\[[0-9;]*m/g, '')));
      });
    }
    child.on('error', (e) => reject(new StepError(`could not start \`${shown}\`: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (buf) {
        process.stdout.write(buf + '\n');
        scan(buf.replace(/\x1b\[[0-9;]*m/g, ''));
      }
      if (count && !seen) totals.counted = false;
      if (code === 0) return resolvePromise();
      const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new StepError(`\`${shown}\` ${why}`));
    });
  });
}

function need(path, what) {
  if (!existsSync(join(ROOT, path))) throw new StepError(`${path} is missing (${what})`);
}

const STAGES = [
  {
    name: 'setup',
    what: 'install what is missing (Rust targets, wasm-bindgen CLI, npm packages, Chromium)',
    run: async () => setup({ browser: true }),
  },
  {
    name: 'native',
    what: 'cargo test --workspace (native: core, Lab 3 suite, sweep)',
    run: () => exec('cargo', ['test', '--workspace'], { count: 'cargo' }),
  },
  {
    name: 'no-std',
    what: `cargo build -p raftlab -p raftlab-session --no-default-features --target ${NO_STD_TARGET} (the core, simulator and session layer are no_std)`,
    run: () => exec('cargo', ['build', '-p', 'raftlab', '-p', 'raftlab-session', '-p', 'raftlab-lincheck', '-p', 'raftlab-kv', '--no-default-features', '--target', NO_STD_TARGET]),
  },
  {
    name: 'build-wasm',
    what: 'build raftlab-wasm and its bindings into web/pkg',
    run: async () => buildWasm(),
  },
  {
    name: 'wasm-browser',
    what: 'raftlab-wasm tests (wasm/tests/*.rs) in headless Chromium',
    run: () => {
      const dir = join(ROOT, 'wasm', 'tests');
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.rs')) : [];
      if (files.length === 0) console.log('note: wasm/tests/ has no .rs files; only the lib unit tests run');
      // --tests: libtest targets only; doctests already ran natively in `native`.
      return exec('cargo', ['test', '-p', 'raftlab-wasm', '--target', WASM_TARGET, '--tests'], {
        count: 'cargo',
        env: {
          CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: 'wasm-bindgen-test-runner',
          CHROMEDRIVER,
          WASM_BINDGEN_TEST_WEBDRIVER_JSON: join(ROOT, 'webdriver.json'),
          WASM_BINDGEN_TEST_TIMEOUT: process.env.WASM_BINDGEN_TEST_TIMEOUT || '120',
        },
      });
    },
  },
  {
    name: 'typecheck',
    what: 'tsc -p web/tsconfig.json --noEmit',
    run: () => {
      need('web/tsconfig.json', 'the web page');
      return exec('tsc', ['-p', 'web/tsconfig.json', '--noEmit']);
    },
  },
  {
    name: 'web-build',
    what: 'vite build --config web/vite.config.ts (web/dist)',
    run: () => {
      need('web/vite.config.ts', 'the web page');
      return exec('vite', ['build', '--config', 'web/vite.config.ts']);
    },
  },
  {
    name: 'e2e',
    what: 'node --test tests/e2e/ (playwright-core driving Chromium)',
    run: () => {
      need('tests/e2e', 'the end-to-end tests');
      return exec('node', ['--test', '--test-reporter=spec', 'tests/e2e/'], {
        count: 'node',
        env: { CHROMIUM_PATH: process.env.CHROMIUM_PATH || CHROMIUM },
      });
    },
  },
];

function pickStages(argv) {
  const names = STAGES.map((s) => s.name);
  const only = argv.find((a) => a.startsWith('--only='));
  const from = argv.find((a) => a.startsWith('--from='));
  const check = (n) => {
    if (!names.includes(n)) throw new StepError(`unknown stage "${n}"; stages: ${names.join(', ')}`);
    return n;
  };
  if (only) {
    const wanted = only.slice(7).split(',').filter(Boolean).map(check);
    return STAGES.filter((s) => wanted.includes(s.name));
  }
  if (from) return STAGES.slice(names.indexOf(check(from.slice(7))));
  return STAGES;
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--list')) {
    STAGES.forEach((s) => console.log(`${s.name.padEnd(13)} ${s.what}`));
    return;
  }
  ensureCargoPath();
  // tsc and vite from node_modules/.bin, as `npm run` would put them.
  process.env.PATH = [join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(delimiter);

  const stages = pickStages(argv);
  const times = [];
  const t0 = Date.now();
  for (const [i, stage] of stages.entries()) {
    console.log(`\n=== [${i + 1}/${stages.length}] ${stage.name}: ${stage.what}`);
    const ts = Date.now();
    try {
      await stage.run();
    } catch (e) {
      const secs = ((Date.now() - ts) / 1000).toFixed(1);
      console.error(`\n=== FAILED at stage "${stage.name}" after ${secs} s:`);
      console.error(`    ${e instanceof StepError ? e.message : e.stack}`);
      console.error(`    (re-run from there with: node scripts/test.mjs --from=${stage.name})`);
      process.exit(1);
    }
    times.push([stage.name, (Date.now() - ts) / 1000]);
    console.log(`=== ${stage.name}: ok (${times.at(-1)[1].toFixed(1)} s)`);
  }

  console.log('\n=== all stages passed');
  for (const [name, secs] of times) console.log(`    ${name.padEnd(13)} ${secs.toFixed(1).padStart(7)} s`);
  console.log(`    ${'total'.padEnd(13)} ${((Date.now() - t0) / 1000).toFixed(1).padStart(7)} s`);
  const counted = stages.some((s) => ['native', 'wasm-browser', 'e2e'].includes(s.name));
  if (counted && totals.counted) {
    const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
    console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
  }
}

main().catch((e) => {
  console.error(`test: FAILED: ${e instanceof StepError ? e.message : e.stack}`);
  process.exit(1);
});
