#!/usr/bin/env node
// The page's weight: what a visitor downloads before the page draws, and what only some load
// later. It builds the page (scripts/build-wasm.mjs, then Vite into dist/) unless given
// --no-build, serves dist/ (tests/e2e/server.mjs), opens each page in headless Chromium
// (tests/e2e/browser.mjs) and records every resource the page fetched before its first
// <raft-cluster> had drawn (its ring's nodes in the DOM), from the page's own Resource Timing
// entries, and what it fetched after that until the cluster was ready ("cluster-ready": the
// rest of the main wasm module, scripts/split-wasm.mjs). Each file's size is its bytes in dist/, raw and
// gzipped (zlib level 9, as `vite build` reports it; servers usually use 6: a few % more).
// Then, on the main page, it opens a Lab 3 test from the list and records what that loaded
// (the run-file reader, loaded on first use, and the run file itself). Any HTTP error (a 404)
// on either page is listed: there should be none.
//
//   node scripts/weight.mjs               build, then measure index.html and embed.html
//   node scripts/weight.mjs --no-build    measure dist/ as it is
//   node scripts/weight.mjs --json        the figures as JSON as well (last line)
//
// README's "Weight" section quotes its table. CHROMIUM_PATH overrides the browser binary.
import { readFile, readdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { launch } from "../tests/e2e/browser.mjs";
import { DIST, start } from "../tests/e2e/server.mjs";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
/** The budget (issue 14): everything the main page loads before it draws, gzipped. */
export const BEFORE_DRAW_GZIP_BYTES_MAX = 150_000;
/** What the main page loads before it draws today (wasm + JS + CSS, gzipped; README, "Weight")
 * plus 1 kB: a change that makes the first load heavier fails here and in
 * tests/e2e/weight.test.mjs until this figure is raised on purpose, in README too. */
export const FIRST_LOAD_GZIP_BYTES_MAX = 147_800;
/** The only files of dist/assets a page may fetch before it draws. Anything else (a lazily
 * loaded view's chunk, web/src/lazy.ts; the run-file module) fetched then is a mistake. */
export const BEFORE_DRAW_ASSETS = ["/assets/raftlab.js", "/assets/raftlab.css", "/assets/raftlab.wasm", "/assets/favicon.svg"];
/** What the main page fetches after its first frame, before its cluster is ready: the rest of
 * the main wasm module (scripts/split-wasm.mjs). */
export const AFTER_DRAW_ASSETS = ["/assets/raftlab-rest.wasm"];
/** How long a page may take to draw (a loaded machine builds the wasm module slowly). */
const WAIT_MS = 60_000;
/** The Lab 3 test opened to see what opening a run file loads. */
const LAB_TEST = "TestInitialElection3A";

/** kB: 1,000 bytes (the issue's unit, and Vite's). */
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

async function build() {
  const { buildWasm } = await import("./build-wasm.mjs");
  buildWasm();
  const { build: viteBuild } = await import("vite");
  await viteBuild({ configFile: join(ROOT, "web", "vite.config.ts"), logLevel: "warn" });
}

/** Raw and gzipped bytes of the dist/ file a URL path names. */
export async function sizeOf(path) {
  const bytes = await readFile(join(DIST, decodeURIComponent(path)));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** The kind of a file, for the table. */
export function kind(path) {
  const ext = path.split(".").pop();
  return { wasm: "wasm", js: "JS", mjs: "JS", css: "CSS", html: "HTML", json: "data", svg: "icon" }[ext] ?? ext;
}

async function rows(paths) {
  const out = [];
  for (const path of paths) out.push({ path, kind: kind(path), ...(await sizeOf(path)) });
  return out;
}

/** What `url` fetched before its first cluster drew, and every HTTP error it got. */
export async function beforeDraw(browser, base, file) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const failed = [];
  page.on("response", (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  page.on("requestfailed", (r) => failed.push(`failed ${new URL(r.url()).pathname}: ${r.failure()?.errorText}`));
  const warnings = [];
  page.on("console", (m) => {
    if (m.type() === "warning" || m.type() === "error") warnings.push(m.text());
  });
  await page.addInitScript(() => {
    // Drawn: the moment the first <raft-cluster>'s ring has its nodes in the DOM (a mutation
    // observer's callback runs right after the frame that put them there, before anything
    // that frame scheduled). Ready: its "cluster-ready" (the whole wasm module is in).
    const watch = () => {
      const root = document.querySelector("raft-cluster")?.shadowRoot;
      if (!root) return void setTimeout(watch, 1);
      const seen = () => {
        if (window.__weightDrawnAt === undefined && root.querySelector("[data-node-id]")) window.__weightDrawnAt = performance.now();
      };
      new MutationObserver(seen).observe(root, { childList: true, subtree: true });
      seen();
    };
    watch();
    document.addEventListener("cluster-ready", () => (window.__weightReadyAt = performance.now()), { once: true, capture: true });
  });
  await page.goto(base + file);
  await page.waitForFunction(() => window.__weightDrawnAt !== undefined && window.__weightReadyAt !== undefined, null, { timeout: WAIT_MS });
  const { drawnAt, readyAt, before, after } = await page.evaluate(() => {
    const entries = performance.getEntriesByType("resource");
    const path = (e) => new URL(e.name).pathname;
    return {
      drawnAt: window.__weightDrawnAt,
      readyAt: window.__weightReadyAt,
      before: entries.filter((e) => e.startTime < window.__weightDrawnAt).map(path),
      after: entries.filter((e) => e.startTime >= window.__weightDrawnAt && e.startTime <= window.__weightReadyAt).map(path),
    };
  });
  const paths = [`/${file}`, ...new Set(before)];
  return { context, page, failed, drawnAt, readyAt, paths, afterDraw: [...new Set(after)].filter((p) => !paths.includes(p)), warnings };
}

/** Opens LAB_TEST from the "Lab test" list; returns the paths that fetched. */
async function openLabTest(page) {
  const seen = await page.evaluate(() => performance.getEntriesByType("resource").length);
  const list = page.locator("raft-cluster").getByRole("combobox", { name: "Lab test", exact: true });
  await page.waitForFunction(() => {
    const r = document.querySelector("raft-cluster");
    return r?.shadowRoot ? !r.shadowRoot.querySelector("select")?.disabled : !r?.querySelector("select")?.disabled;
  }, null, { timeout: WAIT_MS });
  await list.selectOption({ label: LAB_TEST });
  await page.waitForFunction((t) => document.querySelector("raft-cluster").cluster?.title?.startsWith(t), LAB_TEST, { timeout: WAIT_MS });
  return page.evaluate(
    (n) => [...new Set(performance.getEntriesByType("resource").slice(n).map((e) => new URL(e.name).pathname))],
    seen,
  );
}

function table(title, list) {
  const lines = [`${title}`, "", "| file | kind | raw | gzipped |", "| --- | --- | ---: | ---: |"];
  for (const r of list) lines.push(`| ${r.path.replace(/^\//, "")} | ${r.kind} | ${kb(r.raw)} | ${kb(r.gzip)} |`);
  return lines.join("\n");
}

function total(list, filter = () => true) {
  const picked = list.filter(filter);
  return { raw: picked.reduce((a, r) => a + r.raw, 0), gzip: picked.reduce((a, r) => a + r.gzip, 0) };
}

async function allAssets() {
  const dir = join(DIST, "assets");
  return (await readdir(dir)).map((f) => `/${relative(DIST, join(dir, f)).split("\\").join("/")}`).sort();
}

async function main() {
  const argv = process.argv.slice(2);
  if (!argv.includes("--no-build")) await build();
  const server = await start();
  const browser = await launch();
  const report = { pages: {} };
  let failed = false;
  try {
    for (const file of ["index.html", "embed.html"]) {
      const run = await beforeDraw(browser, server.url, file);
      try {
        const list = await rows(run.paths);
        const code = total(list, (r) => ["wasm", "JS", "CSS"].includes(r.kind));
        const all = total(list);
        console.log(table(`## ${file}: loaded before the first cluster drew (at ${run.drawnAt.toFixed(0)} ms)`, list));
        console.log(`\nwasm + JS + CSS: ${kb(code.gzip)} gzipped (${kb(code.raw)} raw); with the HTML and the icon: ${kb(all.gzip)} gzipped.`);
        const afterDraw = await rows(run.afterDraw);
        console.log(`\n${table(`## ${file}: loaded after the first frame, before the cluster was ready (at ${run.readyAt.toFixed(0)} ms)`, afterDraw)}`);
        const rest = total(afterDraw);
        console.log(`\nThe rest of the main module: ${kb(rest.gzip)} gzipped (${kb(rest.raw)} raw).`);
        const asked = run.warnings.filter((w) => w.includes("first-draw.json"));
        if (asked.length) {
          console.log(`FAILED: a frame asked for the rest of the module before it was in: ${asked.join("; ")}`);
          failed = true;
        }
        const entry = { beforeDraw: list, code, afterDraw: await rows(run.afterDraw), failed: run.failed };
        const early = list.filter((r) => r.path.startsWith("/assets/") && !BEFORE_DRAW_ASSETS.includes(r.path));
        if (early.length) {
          console.log(`FAILED: fetched before the first draw, but loaded on first use: ${early.map((r) => r.path).join(", ")}`);
          failed = true;
        }
        if (file === "index.html") {
          const within = code.gzip <= BEFORE_DRAW_GZIP_BYTES_MAX;
          console.log(`Budget ${kb(BEFORE_DRAW_GZIP_BYTES_MAX)} gzipped: ${within ? "within" : "OVER"} (${((100 * code.gzip) / BEFORE_DRAW_GZIP_BYTES_MAX).toFixed(0)}%).`);
          if (code.gzip > FIRST_LOAD_GZIP_BYTES_MAX) {
            console.log(`FAILED: heavier than today's figure, ${kb(FIRST_LOAD_GZIP_BYTES_MAX)} (FIRST_LOAD_GZIP_BYTES_MAX).`);
            failed = true;
          }
          const opened = await rows(await openLabTest(run.page));
          console.log(`\n${table(`## index.html: loaded when a Lab 3 test (${LAB_TEST}) is first opened`, opened)}`);
          const lazy = total(opened, (r) => r.kind !== "data");
          console.log(`\nThe run-file module: ${kb(lazy.gzip)} gzipped (${kb(lazy.raw)} raw), fetched once, on the first run file.`);
          entry.onFirstRunFile = opened;
          const loaded = new Set([...run.paths, ...run.afterDraw, ...opened.map((r) => r.path)]);
          const others = (await allAssets()).filter((p) => !loaded.has(p));
          if (others.length) console.log(`\n${table("## dist/assets files neither page loaded above", await rows(others))}`);
        }
        console.log(run.failed.length ? `\nHTTP errors on ${file}: ${run.failed.join(", ")}` : `\nNo HTTP errors on ${file}.`);
        console.log("");
        report.pages[file] = entry;
      } finally {
        await run.context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  if (argv.includes("--json")) console.log(JSON.stringify(report));
  if (failed) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`weight: FAILED: ${e.stack ?? e}`);
    process.exit(1);
  });
}
