#!/usr/bin/env node
// Installs whatever raftlab's build and tests need and is still missing.
// Idempotent and fast when everything is present: it only looks, and installs nothing.
//
//   node scripts/setup.mjs            Rust targets (wasm32, thumbv7em for the no_std check), wasm-bindgen CLI, npm packages
//   node scripts/setup.mjs --browser  ... and Debian's Chromium + ChromeDriver (for the tests)
//                                     (same as RAFTLAB_SETUP_BROWSER=1)
//
// Every install prints a one-line "setup: installing ..." note first. Nothing here
// downloads a prebuilt tool: the wasm-bindgen CLI is built from crates.io with cargo,
// Chromium comes from Debian's apt, npm packages from the npm registry.
//
// Also exports small helpers used by build-wasm.mjs and test.mjs.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WASM_TARGET = 'wasm32-unknown-unknown';
// A bare-metal target with no std at all: building the core for it proves it is no_std.
export const NO_STD_TARGET = 'thumbv7em-none-eabihf';
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMEDRIVER = '/usr/bin/chromedriver';

// cargo installs its binaries into $CARGO_HOME/bin (default ~/.cargo/bin); a fresh
// shell may not have it on PATH (and it may not exist yet, before the first
// `cargo install`). Put it there for us and our children.
export function ensureCargoPath() {
  const cargoBin = join(process.env.CARGO_HOME || join(homedir(), '.cargo'), 'bin');
  const parts = (process.env.PATH || '').split(delimiter);
  if (!parts.includes(cargoBin)) {
    process.env.PATH = [cargoBin, ...parts].join(delimiter);
  }
}

export class StepError extends Error {}

// Runs a command with inherited stdio; throws StepError when it fails.
export function run(cmd, args, opts = {}) {
  const shown = [cmd, ...args].join(' ');
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.error) throw new StepError(`could not start \`${shown}\`: ${r.error.message}`);
  if (r.status !== 0) {
    const why = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.status}`;
    throw new StepError(`\`${shown}\` ${why}`);
  }
}

// Runs a command quietly and returns its stdout, or null when it is missing or fails.
export function probe(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: ROOT, ...opts });
  if (r.error || r.status !== 0) return null;
  return r.stdout;
}

function note(msg) {
  console.log(`setup: ${msg}`);
}

// Runs `fn` (an install) and prints how long it took.
function timed(what, fn) {
  const t = Date.now();
  fn();
  note(`${what} took ${((Date.now() - t) / 1000).toFixed(0)} s`);
}

// The exact wasm-bindgen version wasm/Cargo.toml pins (`wasm-bindgen = "=X"`); the CLI
// must match it byte for byte or wasm-bindgen refuses the module.
export function pinnedWasmBindgenVersion() {
  const toml = readFileSync(join(ROOT, 'wasm', 'Cargo.toml'), 'utf8');
  const m =
    toml.match(/^\s*wasm-bindgen\s*=\s*"=\s*([0-9][^"]*)"/m) ||
    toml.match(/^\s*wasm-bindgen\s*=\s*\{[^}]*version\s*=\s*"=\s*([0-9][^"]*)"/m);
  if (!m) {
    throw new StepError(
      'wasm/Cargo.toml must pin wasm-bindgen exactly (wasm-bindgen = "=X.Y.Z") so the CLI can match it',
    );
  }
  return m[1].trim();
}

function cliVersion(bin) {
  const out = probe(bin, ['--version']);
  const m = out && out.match(/(\d+\.\d+\.\d+\S*)/);
  return m ? m[1] : null;
}

function checkRust() {
  if (!probe('cargo', ['--version'])) {
    throw new StepError(
      'cargo is not on PATH. Install Rust with rustup (https://rustup.rs), then `source ~/.cargo/env`.',
    );
  }
}

function ensureTarget(target) {
  const installed = probe('rustup', ['target', 'list', '--installed']);
  if (installed === null) {
    // No rustup: a distro Rust may still have the target; let cargo tell us later.
    const sysroot = probe('rustc', ['--print', 'sysroot']);
    const libdir = sysroot && join(sysroot.trim(), 'lib', 'rustlib', target);
    if (libdir && existsSync(libdir)) return;
    throw new StepError(
      `the Rust target ${target} is missing and rustup is not there to add it`,
    );
  }
  if (installed.split(/\s+/).includes(target)) return;
  note(`installing the Rust target ${target} (rustup target add)`);
  timed(`rustup target add ${target}`, () => run('rustup', ['target', 'add', target]));
}

// The standard library's sources: the browser build rebuilds std for size
// (scripts/build-wasm.mjs, BUILD_STD). RAFTLAB_NO_BUILD_STD=1 does without.
function ensureRustSrc() {
  if (process.env.RAFTLAB_NO_BUILD_STD === '1') return;
  const sysroot = (probe('rustc', ['--print', 'sysroot']) || '').trim();
  if (sysroot && existsSync(join(sysroot, 'lib', 'rustlib', 'src', 'rust', 'library', 'std', 'Cargo.toml'))) return;
  if (probe('rustup', ['--version']) === null) {
    throw new StepError(
      'the browser build rebuilds the standard library and needs its sources (the rust-src component), ' +
        'and rustup is not there to add them: install them, or set RAFTLAB_NO_BUILD_STD=1',
    );
  }
  note('installing the Rust component rust-src (rustup component add), for the browser build');
  timed('rustup component add rust-src', () => run('rustup', ['component', 'add', 'rust-src']));
}

function ensureWasmBindgenCli() {
  const want = pinnedWasmBindgenVersion();
  const have = cliVersion('wasm-bindgen');
  const haveRunner = cliVersion('wasm-bindgen-test-runner');
  if (have === want && haveRunner === want) return;
  const was = have ? `found ${have}` : 'not found';
  note(
    `installing wasm-bindgen-cli ${want} (${was}; cargo install from crates.io, 3-6 min on 2 cores)`,
  );
  // No --locked: the CLI's own lock file may name crates this toolchain cannot build.
  timed('cargo install wasm-bindgen-cli', () =>
    run('cargo', ['install', 'wasm-bindgen-cli', '--version', want, '--force']),
  );
  const now = cliVersion('wasm-bindgen');
  if (now !== want) {
    throw new StepError(
      `wasm-bindgen --version says ${now ?? 'nothing'} after installing ${want}: is ~/.cargo/bin first on PATH?`,
    );
  }
}

// node_modules is stale when npm's own record of what it installed
// (node_modules/.package-lock.json) differs from package-lock.json.
function npmIsStale() {
  const lockPath = join(ROOT, 'package-lock.json');
  const hiddenPath = join(ROOT, 'node_modules', '.package-lock.json');
  if (!existsSync(lockPath)) {
    throw new StepError('package-lock.json is missing: run `npm install` once and commit it');
  }
  if (!existsSync(hiddenPath)) return 'node_modules is missing';
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')).packages || {};
  const hidden = JSON.parse(readFileSync(hiddenPath, 'utf8')).packages || {};
  for (const [path, entry] of Object.entries(lock)) {
    if (path === '' || !path.startsWith('node_modules/')) continue;
    const got = hidden[path];
    if (!got) {
      if (entry.optional) continue; // another platform's binary, skipped by npm
      return `${path} is not installed`;
    }
    if (got.version !== entry.version) return `${path} is ${got.version}, the lock says ${entry.version}`;
  }
  for (const path of Object.keys(hidden)) {
    if (!lock[path]) return `${path} is installed but not in package-lock.json`;
  }
  // package.json changed without the lock being updated: npm ci will say so loudly.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const root = lock[''] || {};
  for (const field of ['dependencies', 'devDependencies']) {
    if (JSON.stringify(pkg[field] || {}) !== JSON.stringify(root[field] || {})) {
      return `package.json ${field} differ from package-lock.json`;
    }
  }
  return null;
}

function ensureNpmPackages() {
  const why = npmIsStale();
  if (!why) return;
  note(`installing npm packages with npm ci (${why})`);
  timed('npm ci', () => run('npm', ['ci', '--no-audit', '--no-fund']));
}

const APT_HINT = 'sudo apt-get update && sudo apt-get install -y chromium chromium-driver';

function ensureBrowser() {
  const missing = [CHROMIUM, CHROMEDRIVER].filter((p) => !existsSync(p));
  if (missing.length) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const hasApt = probe('sh', ['-c', 'command -v apt-get']) !== null;
    if (!(isRoot && hasApt)) {
      throw new StepError(
        `${missing.join(' and ')} missing; the browser tests need Debian's Chromium and ChromeDriver:\n` +
          `    ${APT_HINT}`,
      );
    }
    note(`installing Debian's chromium + chromium-driver (${missing.join(', ')} missing; apt-get)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    timed('apt-get install chromium chromium-driver', () => {
      run('apt-get', ['update'], { env });
      run('apt-get', ['install', '-y', 'chromium', 'chromium-driver'], { env });
    });
  }
  // ChromeDriver only drives the Chromium of its own major version.
  const major = (s) => (s && s.match(/(\d+)\.\d+\.\d+/) || [])[1];
  const c = major(probe(CHROMIUM, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }));
  const d = major(probe(CHROMEDRIVER, ['--version']));
  if (c && d && c !== d) {
    throw new StepError(
      `Chromium ${c} and ChromeDriver ${d} differ; reinstall both:\n    ${APT_HINT}`,
    );
  }
}

/** Debian's binaryen 108, unpacked under target/tools (not installed: its wasm-opt is too old
 * for wasm-bindgen's output, build-wasm.mjs uses npm's): only for its wasm-split, which npm's
 * binaryen does not ship (scripts/split-wasm.mjs). */
const BINARYEN_DEB_DIR = join(ROOT, 'target', 'tools', 'binaryen-deb');

/** wasm-split as { bin, env }, or null when it is not unpacked. */
export function wasmSplitTool() {
  const bin = join(BINARYEN_DEB_DIR, 'usr', 'bin', 'wasm-split');
  if (!existsSync(bin)) return null;
  return { bin, env: { LD_LIBRARY_PATH: [join(BINARYEN_DEB_DIR, 'usr', 'lib', 'x86_64-linux-gnu'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter) } };
}

function ensureWasmSplit() {
  const tool = wasmSplitTool();
  if (tool && probe(tool.bin, ['--version'], { env: { ...process.env, ...tool.env } }) !== null) return;
  if (probe('sh', ['-c', 'command -v apt-get && command -v dpkg']) === null) {
    throw new StepError("wasm-split is needed (Debian's package binaryen, unpacked, not installed) and this machine has no apt-get/dpkg");
  }
  note("fetching Debian's binaryen for its wasm-split (apt-get download, unpacked into target/tools; not installed)");
  timed('apt-get download binaryen', () => {
    const dir = join(ROOT, 'target', 'tools');
    mkdirSync(dir, { recursive: true });
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (probe('apt-get', ['download', 'binaryen'], { cwd: dir, env }) === null) {
      // A fresh machine may have no package lists yet.
      const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
      if (!isRoot) throw new StepError('apt-get download binaryen failed (run `sudo apt-get update` first)');
      run('apt-get', ['update'], { env });
      run('apt-get', ['download', 'binaryen'], { cwd: dir, env });
    }
    const deb = readdirSync(dir).filter((f) => /^binaryen_.*\.deb$/.test(f)).sort().pop();
    if (!deb) throw new StepError('apt-get download binaryen wrote no .deb');
    rmSync(BINARYEN_DEB_DIR, { recursive: true, force: true });
    run('dpkg', ['-x', join(dir, deb), BINARYEN_DEB_DIR]);
    rmSync(join(dir, deb));
  });
  const got = wasmSplitTool();
  if (!got || probe(got.bin, ['--version'], { env: { ...process.env, ...got.env } }) === null) throw new StepError(`wasm-split did not run from ${BINARYEN_DEB_DIR}`);
}

export function setup({ browser = false } = {}) {
  ensureCargoPath();
  checkRust();
  ensureTarget(WASM_TARGET);
  ensureTarget(NO_STD_TARGET);
  ensureRustSrc();
  ensureWasmBindgenCli();
  ensureNpmPackages();
  ensureWasmSplit();
  if (browser) ensureBrowser();
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const browser =
    process.argv.includes('--browser') || /^(1|true|yes)$/i.test(process.env.RAFTLAB_SETUP_BROWSER || '');
  const t0 = Date.now();
  try {
    setup({ browser });
    console.log(`setup: ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    console.error(`setup: FAILED: ${e instanceof StepError ? e.message : e.stack}`);
    process.exit(1);
  }
}
