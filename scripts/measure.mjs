#!/usr/bin/env node
// Measures the built bundle (dist/, `npm run build`) in headless chromium and prints Markdown
// tables:
//  - the renderer's main-thread CPU (Chrome's TaskDuration over 5 real seconds, as % of one
//    core) with the page paused, playing, and with instances scrolled out of view;
//  - frame time with three instances on one page (dist/embed.html, all three in view and
//    running, each with a light client load);
//  - time per frame (median, 95th percentile) over 300 requestAnimationFrame frames measured
//    inside the page, for 5 and 9 nodes at 1x and at the top speed, with a light client load:
//    the interval between frames, and the work of the page's own frame (advance + state() +
//    drawing + saving; <raft-cluster>.lastFrameMs, wall clock), and the animation-frame
//    task's thread CPU time from a Chrome trace (what a busy machine does not stretch);
//  - `profile [tail5|tail9|load5|load9|idle]`: where a frame's time goes (trace + JS profile,
//    layouts per frame; with RAFTLAB_PROFILE_WHY=1 what made each layout necessary);
//  - `parts`: the main page at 0.1x with one part of the element undrawn at a time (CPU);
//  - `split [entries] [speed] [requests/s]`: the page's own frame at 5 and 9 nodes (default 1×,
//    20 requests/s), split into its parts (advance, state(), each view; `frameParts`);
//  - `slow [nodes] [seconds]`: what the slowest tenth of frames' script spends its time on
//    against the fastest half (a CPU profile split by animation-frame task);
//  - `parts-load`: 9 nodes at 1x under load, one part undrawn at a time: the browser's
//    rendering steps per frame (style, layout, pre-paint, paint, layerize) from a trace;
//  - the sizes of the wasm and JS files in web/dist, raw and gzipped;
//  - the localStorage bytes used after 10,000 client commands.
//  - time travel in a 10-minute virtual run: seek and step-back times, checkpoints, wasm memory.
//  - the same frame times and CPU with 3,000 entries per node (snapshots off), and state()'s
//    size as JSON there.
// Usage: npm run build && node scripts/measure.mjs [cpu|three|frames|storage|travel]   (one part only)
//   `frames N [runs]`: only N nodes at 1× under load, `runs` times (for A/B runs of two builds)
//   The same time-travel scenarios natively, with heap bytes: cargo run --release -p raftlab-session --example measure
// CHROMIUM_PATH overrides the browser binary (default /usr/bin/chromium).
import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { launch } from "../tests/e2e/browser.mjs";
import { DIST, start } from "../tests/e2e/server.mjs";
import { clustersReady, installClientLoad } from "../tests/e2e/helpers.mjs";

const FRAMES = 300;
const CPU_WINDOW_MS = 5000;
const COMMANDS = 10_000;

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const ms = (v) => `${v.toFixed(2)} ms`;
const kb = (n) => (n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

/** Sets the speed control to the setting whose label is `label` ("1×"), or to its top. */
async function setSpeed(page, label) {
  const speed = page.getByLabel("Speed");
  const min = Number(await speed.getAttribute("min"));
  const max = Number(await speed.getAttribute("max"));
  if (label === "top") {
    await speed.fill(String(max));
    return page.locator("raft-cluster .speed-out").textContent();
  }
  for (let v = min; v <= max; v++) {
    await speed.fill(String(v));
    const shown = await page.locator("raft-cluster .speed-out").textContent();
    if (shown === label) return shown;
  }
  throw new Error(`no speed setting labelled ${label}`);
}

/** Replaces the page's cluster by one of `nodes` nodes with snapshots off and `entries`
 * committed entries on every node (requests from page.evaluate, paused); returns the size of
 * state() as JSON then. The page plays on from there. */
async function fillLogs(page, nodes, entries) {
  return page.evaluate(({ nodes, entries }) => {
    const el = document.querySelector("raft-cluster");
    const playing = el.playing;
    el.pause();
    el.cluster = new el.cluster.constructor({ nodes, seed: 1, snapshotEvery: 0 });
    const c = el.cluster;
    for (let i = 0; i < 400 && c.state().leader === null; i++) c.advance(25);
    let sent = 0;
    for (let guard = 0; sent < entries && guard < 1_000_000; guard++) {
      try {
        c.request(`set k${sent % 100} ${sent}`);
        sent++;
        if (sent % 10 === 0) c.advance(5);
      } catch {
        c.advance(25);
      }
    }
    const done = () => c.state().nodes.every((n) => n.commitIndex >= entries);
    for (let i = 0; i < 4000 && !done(); i++) c.advance(25);
    if (playing) el.play();
    return JSON.stringify(c.state()).length;
  }, { nodes, entries });
}

/** Runs `fn` while Chrome traces the page and returns its value with the thread CPU time
 * (ms, the trace's `tdur`) of each animation-frame task on the renderer's main thread: the
 * frame's own work in CPU time, which a busy machine does not stretch as it stretches the
 * wall-clock lastFrameMs (the thread is descheduled, its CPU clock stops). */
async function withFrameCpu(page, fn) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
  const done = new Promise((ok) => cdp.once("Tracing.tracingComplete", ok));
  await cdp.send("Tracing.start", { categories: "devtools.timeline", transferMode: "ReportEvents" });
  const value = await fn();
  await cdp.send("Tracing.end");
  await done;
  await cdp.detach();
  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const cpu = events
    .filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.name === "FireAnimationFrame" && e.ph === "X" && e.tdur !== undefined)
    .map((e) => e.tdur / 1000);
  return { value, cpu };
}

/** Opens the main page with `nodes` nodes (seed 1) and `entries` committed entries per node
 * (snapshots off; 0: as it starts), sets the speed to `speed`, waits for a leader and installs
 * the client load (window.__clientLoad, not started). Returns state()'s size as JSON after
 * filling (null without entries) and the speed shown. */
async function openForLoad(page, url, nodes, { entries = 0, speed = "1×" } = {}) {
  await page.goto(`${url}?nodes=${nodes}&seed=1`);
  await page.waitForSelector("svg [data-node-id]", { timeout: 20_000 });
  await clustersReady(page);
  const stateBytes = entries > 0 ? await fillLogs(page, nodes, entries) : null;
  const shown = await setSpeed(page, speed);
  await page.waitForSelector('svg [data-role="leader"][data-alive="true"]', { timeout: 20_000 });
  await installClientLoad(page);
  return { stateBytes, shown };
}

async function frameTimes(browser, url, nodes, speedLabel, entries = 0) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    // Warm up until a leader exists, then keep a light client load (20 requests per real s).
    const { stateBytes, shown } = await openForLoad(page, url, nodes, { entries, speed: speedLabel });
    const { value: r, cpu } = await withFrameCpu(page, () => page.evaluate(async (frames) => {
      const el = document.querySelector("raft-cluster");
      const stopLoad = window.__clientLoad([el], 20);
      const interval = [];
      const work = [];
      let last = null;
      await new Promise((done) => {
        const f = (t) => {
          if (last !== null) {
            interval.push(t - last);
            work.push(el.lastFrameMs);
          }
          last = t;
          if (interval.length >= frames) done();
          else requestAnimationFrame(f);
        };
        requestAnimationFrame(f);
      });
      stopLoad();
      return { interval, work, messages: el.cluster.state().messages.length };
    }, FRAMES));
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
    const si = [...r.interval].sort((a, b) => a - b);
    const sw = [...r.work].sort((a, b) => a - b);
    const sc = [...cpu].sort((a, b) => a - b);
    return {
      cpuMedian: percentile(sc, 50),
      cpuP95: percentile(sc, 95),
      scenario: `${nodes} nodes, ${shown}${entries > 0 ? `, ${entries.toLocaleString("en")} entries per node (snapshots off; state() ${kb(stateBytes)} of JSON)` : ""}`,
      intervalMedian: percentile(si, 50),
      intervalP95: percentile(si, 95),
      // Frames drawn a second over the whole window (what "60 frames a second" means).
      fps: (1000 * si.length) / si.reduce((a, b) => a + b, 0),
      workMedian: percentile(sw, 50),
      workP95: percentile(sw, 95),
    };
  } finally {
    await context.close();
  }
}

/** Runs COMMANDS client commands through the page's cluster (paused, driven from
 * page.evaluate), lets the page save, and reads localStorage. snapshotEvery: the cluster's
 * option (null: the page's default cluster). */
async function storageAfterCommands(browser, url, snapshotEvery) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${url}?nodes=5&seed=7`);
    await page.waitForSelector("svg [data-node-id]", { timeout: 20_000 });
    await clustersReady(page);
    await page.getByRole("button", { name: "Pause", exact: true }).click();
    if (snapshotEvery !== null) {
      await page.evaluate((snapshotEvery) => {
        const el = document.querySelector("raft-cluster");
        el.cluster = new el.cluster.constructor({ nodes: 5, seed: 7, snapshotEvery });
      }, snapshotEvery);
    }
    const r = await page.evaluate((count) => {
      const c = document.querySelector("raft-cluster").cluster;
      const t0 = performance.now();
      const leader = () => c.state().nodes.some((n) => n.alive && n.role === "leader");
      for (let i = 0; i < 400 && !leader(); i++) c.advance(25);
      let sent = 0;
      let rejected = 0;
      while (sent < count) {
        try {
          c.request(`set k${sent % 100} ${sent}`);
          sent++;
          if (sent % 10 === 0) c.advance(5);
        } catch {
          rejected++;
          c.advance(25);
          if (rejected > 100_000) throw new Error("no leader for too long");
        }
      }
      const done = () => {
        const s = c.state();
        const last = Math.max(...s.nodes.map((n) => n.lastLogIndex));
        return s.nodes.every((n) => n.commitIndex >= last);
      };
      for (let i = 0; i < 2000 && !done(); i++) c.advance(25);
      const s = c.state();
      return {
        ms: performance.now() - t0,
        commitIndex: Math.min(...s.nodes.map((n) => n.commitIndex)),
        snapshotIndex: Math.min(...s.nodes.map((n) => n.snapshotIndex)),
        logLength: Math.max(...s.nodes.map((n) => n.lastLogIndex - n.snapshotIndex)),
      };
    }, COMMANDS);
    await page.waitForTimeout(1000); // a few frames: the page saves the new state
    const used = await page.evaluate(() => {
      let chars = 0;
      let utf8 = 0;
      const enc = new TextEncoder();
      for (let i = 0; i < localStorage.length; i++) {
        const k = localStorage.key(i);
        const v = localStorage.getItem(k) ?? "";
        chars += k.length + v.length;
        utf8 += enc.encode(k).length + enc.encode(v).length;
      }
      return { chars, utf8, keys: localStorage.length };
    });
    return { ...r, ...used };
  } finally {
    await context.close();
  }
}

/** The renderer's main thread over CPU_WINDOW_MS, in % of one core: busy (Chrome's
 * TaskDuration, wall clock: a busy machine stretches it) and its CPU time (ThreadTime: what the
 * page itself costs, whatever else runs). */
async function cpuPercent(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const read = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    const get = (name) => metrics.find((m) => m.name === name).value;
    return { task: get("TaskDuration"), thread: get("ThreadTime") };
  };
  const a = await read();
  const t0 = Date.now();
  await page.waitForTimeout(CPU_WINDOW_MS); // a measurement window, not a wait for a state
  const b = await read();
  const wall = (Date.now() - t0) / 1000;
  await cdp.detach();
  return { task: (100 * (b.task - a.task)) / wall, thread: (100 * (b.thread - a.thread)) / wall };
}

async function cpuScenarios(browser, url) {
  const rows = [];
  const run = async (name, path, viewport, prepare) => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    try {
      await page.goto(url + path);
      await page.waitForSelector("svg [data-node-id]", { timeout: 20_000 });
      await clustersReady(page);
      await page.waitForSelector('svg [data-role="leader"][data-alive="true"]', { timeout: 20_000 });
      await prepare(page);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const frames0 = await page.evaluate(() => [...document.querySelectorAll("raft-cluster")].reduce((a, e) => a + e.framesDrawn, 0));
      const { task: cpu, thread } = await cpuPercent(page);
      const frames1 = await page.evaluate(() => [...document.querySelectorAll("raft-cluster")].reduce((a, e) => a + e.framesDrawn, 0));
      rows.push({ name, cpu, thread, frames: frames1 - frames0 });
    } finally {
      await context.close();
    }
  };
  const pauseAll = (page) => page.evaluate(() => document.querySelectorAll("raft-cluster").forEach((e) => e.pause()));
  await run("main page, 5 nodes, playing at 0.1× (default)", "?nodes=5&seed=1", { width: 1280, height: 720 }, async () => {});
  for (const nodes of [5, 9]) {
    await run(`main page, ${nodes} nodes with 3,000 entries each (snapshots off), playing at 0.1×`, `?nodes=${nodes}&seed=1`, { width: 1280, height: 720 }, async (page) => {
      await fillLogs(page, nodes, 3000);
    });
  }
  await run("main page, 5 nodes, paused", "?nodes=5&seed=1", { width: 1280, height: 720 }, pauseAll);
  await run("embed page, 3 instances, all paused", "embed.html", { width: 1280, height: 720 }, pauseAll);
  await run("embed page, 3 instances playing, all scrolled out of view", "embed.html", { width: 1280, height: 720 }, async (page) => {
    await page.evaluate(() => {
      const spacer = document.createElement("div");
      spacer.style.height = "4000px"; // CSSOM: allowed by the policy
      document.body.append(spacer);
      window.scrollTo(0, document.body.scrollHeight);
    });
  });
  return rows;
}

/** Frame time with the three instances of embed.html all in view and running at
 * SPEEDS[speedIndex] (-1: the top speed), each with `load` client requests per real second. */
async function threeInstances(browser, url, speedIndex, load) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 2300 } });
  const page = await context.newPage();
  try {
    await page.goto(url + "embed.html");
    for (const id of ["#three", "#five", "#seven"]) {
      await page.waitForSelector(`${id} svg [data-role="leader"][data-alive="true"]`, { timeout: 20_000 });
    }
    await installClientLoad(page);
    const { value: r, cpu } = await withFrameCpu(page, () => page.evaluate(async ({ frames, speedIndex, load }) => {
      const els = [...document.querySelectorAll("raft-cluster")];
      for (const el of els) {
        const speed = el.shadowRoot.querySelector('input[type="range"]');
        speed.value = String(speedIndex < 0 ? Number(speed.max) : speedIndex);
        speed.dispatchEvent(new Event("input", { bubbles: true }));
      }
      const label = els[0].shadowRoot.querySelector(".speed-out").textContent;
      const stopLoad = load > 0 ? window.__clientLoad(els, load) : () => undefined;
      const interval = [];
      const work = [];
      let last = null;
      await new Promise((done) => {
        const f = (t) => {
          if (last !== null) {
            interval.push(t - last);
            work.push(els.reduce((a, e) => a + e.lastFrameMs, 0));
          }
          last = t;
          if (interval.length >= frames) done();
          else requestAnimationFrame(f);
        };
        requestAnimationFrame(f);
      });
      stopLoad();
      return { interval, work, label };
    }, { frames: FRAMES, speedIndex, load }));
    const si = [...r.interval].sort((a, b) => a - b);
    const sw = [...r.work].sort((a, b) => a - b);
    const sc = [...cpu].sort((a, b) => a - b);
    return {
      cpuMedian: percentile(sc, 50),
      cpuP95: percentile(sc, 95),
      scenario: `3 instances (3, 5, 7 nodes), ${r.label}, ${load ? `${load} requests/s each` : "no client load"}`,
      intervalMedian: percentile(si, 50),
      intervalP95: percentile(si, 95),
      // Frames drawn a second over the whole window (what "60 frames a second" means).
      fps: (1000 * si.length) / si.reduce((a, b) => a + b, 0),
      workMedian: percentile(sw, 50),
      workP95: percentile(sw, 95),
    };
  } finally {
    await context.close();
  }
}

/** Time travel in a 10-minute virtual run (5 nodes, 20 client requests per virtual second, a
 * crash and a restart every minute): the wasm heap before and after, and the real time of
 * seeks to random moments (seek + state(), what a slider move costs) and of steps back. */
async function timeTravel(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  try {
    await page.goto(`${url}?nodes=5&seed=7`);
    await page.waitForSelector("svg [data-node-id]", { timeout: 20_000 });
    await clustersReady(page);
    return await page.evaluate(() => {
      const el = document.querySelector("raft-cluster");
      el.pause();
      const c = el.cluster;
      const heapBefore = el.wasmMemoryBytes;
      const t0 = performance.now();
      let n = 0;
      for (let s = 0; s < 600; s++) {
        for (let k = 0; k < 20; k++) {
          try {
            c.request(`m${n++}`);
          } catch {
            // no leader at the moment
          }
          c.advance(50);
        }
        if (s % 60 === 30) c.crash(1 + (Math.floor(s / 60) % 5));
        if (s % 60 === 45) c.restart(1 + (Math.floor(s / 60) % 5));
      }
      const buildMs = performance.now() - t0;
      const end = c.endMs;
      // A fixed sequence of pseudo-random moments (same each run).
      let x = 12345;
      const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
      const seeks = [];
      for (let i = 0; i < 60; i++) {
        const t = Math.floor(rand() * end);
        const s0 = performance.now();
        c.seek(t);
        c.state();
        c.recentEvents();
        seeks.push(performance.now() - s0);
      }
      const backs = [];
      for (let i = 0; i < 20; i++) {
        c.seek(Math.floor(rand() * end));
        const s0 = performance.now();
        c.stepBack();
        c.state();
        backs.push(performance.now() - s0);
      }
      const tl = c.timeline();
      const linkChars = c.link().length;
      return { linkChars, buildMs, endMs: end, seeks, backs, heapBefore, heapAfter: el.wasmMemoryBytes, checkpoints: tl.checkpoints, spacing: tl.checkpointSpacingMs, markers: tl.markers.length, inputs: tl.inputs };
    });
  } finally {
    await context.close();
  }
}

/** Link size: a 5-minute session with 50 actions (requests, a crash and a restart among
 * them), and per action. */
async function linkSize(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${url}?nodes=5&seed=11`);
    await page.waitForSelector("svg [data-node-id]", { timeout: 20_000 });
    await clustersReady(page);
    return await page.evaluate(() => {
      const el = document.querySelector("raft-cluster");
      el.pause();
      const c = el.cluster;
      const empty = c.link().length;
      let actions = 0;
      for (let i = 0; i < 50; i++) {
        c.advance(6000);
        try {
          if (i === 20) c.crash(2);
          else if (i === 30) c.restart(2);
          else c.request(`x=${i}`);
          actions++;
        } catch {
          // no leader at the moment
        }
      }
      return { empty, chars: c.link().length, actions, inputs: c.timeline().inputs };
    });
  } finally {
    await context.close();
  }
}

async function sizes() {
  const rows = [];
  async function walk(dir) {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.(wasm|js|css|html)$/.test(e.name)) {
        const buf = await readFile(p);
        rows.push({ file: relative(DIST, p), raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length });
      }
    }
  }
  await walk(DIST);
  return rows.sort((a, b) => a.file.localeCompare(b.file));
}

/** Where a frame's time goes (`measure.mjs profile [tail5|tail9|load5|load9|idle]`): a Chrome
 * trace (style, layout, paint, script per category) and a JS sampling profile (self and
 * inclusive time per function, wasm calls by their JS glue) over CPU_WINDOW_MS of a scenario:
 * tail5 / tail9: 5 / 9 nodes with 3,000 entries each (snapshots off) at 0.1×; load5 / load9:
 * 5 / 9 nodes at 1× with 20 requests/s; idle: 5 nodes at 0.1×. Prints text, not a table. */
async function profileScenario(browser, url, name) {
  const nodes = name.endsWith("9") ? 9 : 5;
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  try {
    await page.goto(`${url}?nodes=${nodes}&seed=1`);
    await page.waitForSelector('svg [data-role="leader"][data-alive="true"]', { timeout: 20_000 });
    if (name.startsWith("tail")) await fillLogs(page, nodes, 3000);
    if (name.startsWith("load")) {
      await setSpeed(page, "1×");
      await installClientLoad(page);
      await page.evaluate(() => window.__clientLoad([document.querySelector("raft-cluster")], 20));
    }
    await page.waitForTimeout(1000); // settle (a measurement window follows)
    const cdp = await context.newCDPSession(page);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    const traceEvents = [];
    cdp.on("Tracing.dataCollected", (d) => traceEvents.push(...d.value));
    const traced = new Promise((ok) => cdp.once("Tracing.tracingComplete", ok));
    // RAFTLAB_PROFILE_WHY=1: also why each layout was needed (Chrome's invalidation tracking,
    // which slows the page: read the times of such a run as relative only).
    const why = /^(1|true|yes)$/i.test(process.env.RAFTLAB_PROFILE_WHY ?? "") ? ",disabled-by-default-devtools.timeline.invalidationTracking" : "";
    await cdp.send("Tracing.start", { categories: `devtools.timeline,disabled-by-default-devtools.timeline${why}`, transferMode: "ReportEvents" });
    await cdp.send("Profiler.start");
    const f0 = await page.evaluate(() => document.querySelector("raft-cluster").framesDrawn);
    await page.waitForTimeout(CPU_WINDOW_MS); // the measurement window
    const f1 = await page.evaluate(() => document.querySelector("raft-cluster").framesDrawn);
    const { profile } = await cdp.send("Profiler.stop");
    await cdp.send("Tracing.end");
    await traced;
    const frames = f1 - f0;
    // Trace: total duration of complete events by name on the renderer's main thread.
    const main = traceEvents.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
    const byName = new Map();
    for (const e of traceEvents) {
      if (!main || e.pid !== main.pid || e.tid !== main.tid || e.ph !== "X" || !e.dur) continue;
      byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
    }
    const out = [`## profile ${name}: ${frames} frames in ${CPU_WINDOW_MS / 1000} s`, "", "trace (ms per frame, nested events counted in each):"];
    for (const [k, v] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 16)) out.push(`  ${(v / frames).toFixed(3)}  ${k}`);
    // Layouts: how many objects each laid out, and from which roots (a whole-document layout
    // has one root at depth 1; contained parts are their own roots).
    const layouts = traceEvents.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.name === "Layout" && e.ph === "X");
    if (layouts.length) {
      const sum = (f) => layouts.reduce((a, e) => a + (f(e) ?? 0), 0);
      const depths = new Map();
      for (const e of layouts) for (const r of e.args?.endData?.layoutRoots ?? []) depths.set(r.depth, (depths.get(r.depth) ?? 0) + 1);
      const reasons = new Map();
      for (const e of traceEvents) {
        if (e.name !== "LayoutInvalidationTracking") continue;
        const d = e.args?.data ?? {};
        const k = `${d.reason ?? "?"}: ${d.nodeName ?? "?"}`;
        reasons.set(k, (reasons.get(k) ?? 0) + 1);
      }
      if (reasons.size) out.push("layout invalidations per frame (reason: node):", ...[...reasons].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, n]) => `  ${(n / frames).toFixed(2)}  ${k}`));
      out.push(`layouts: ${(layouts.length / frames).toFixed(2)} per frame, ${(sum((e) => e.args?.beginData?.dirtyObjects) / layouts.length).toFixed(0)} dirty of ${(sum((e) => e.args?.beginData?.totalObjects) / layouts.length).toFixed(0)} objects each; layout roots by depth: ${[...depths].sort((a, b) => a[0] - b[0]).map(([d, n]) => `${d}: ${n}`).join(", ")}`);
    }
    // Profile: self and inclusive time per function.
    const nodesById = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const dt = new Map();
    profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000));
    const key = (n) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber + 1}`;
    const self = new Map();
    const incl = new Map();
    for (const [id, t] of dt) {
      const n = nodesById.get(id);
      self.set(key(n), (self.get(key(n)) ?? 0) + t);
      const seen = new Set();
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        const k = key(nodesById.get(cur));
        if (!seen.has(k)) {
          seen.add(k);
          incl.set(k, (incl.get(k) ?? 0) + t);
        }
      }
    }
    out.push("", "JS self time (ms per frame):");
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) out.push(`  ${(v / frames).toFixed(3)}  ${k}`);
    out.push("", "JS inclusive time (ms per frame):");
    for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 90)) out.push(`  ${(v / frames).toFixed(3)}  ${k}`);
    return out.join("\n");
  } finally {
    await context.close();
  }
}

/** `measure.mjs parts`: the main page at 0.1× (5 nodes), its renderer's CPU with one part of
 * the element undrawn at a time (a stylesheet added to its shadow root), to see which part
 * costs what; "the whole element" leaves only its script (advance, state(), DOM writes). */
/** Adds stylesheet `css` to the page's (first) element's shadow root. */
function addStyle(page, css) {
  return page.evaluate((text) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    const root = document.querySelector("raft-cluster").shadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }, css);
}

/** A part of the element undrawn: [what, the stylesheet that hides it] (`parts`, `parts-load`). */
const without = (what, selector) => [`without ${what}`, `${selector} { display: none !important; }`];
const PARTS = [
  ["as it is", ""],
  without("the ring", ".ring-panel"),
  without("the logs", ".logs-panel"),
  without("the timeline", ".timeline"),
  without("the events", ".events"),
  without("the whole element", ".root"),
];
async function partsScenarios(browser, url) {
  const out = ["## Main page, 5 nodes, 0.1×: CPU with one part undrawn (5 s windows, % of one core)", "", "| element | busy (TaskDuration) | CPU time (ThreadTime) |", "| --- | ---: | ---: |"];
  for (const [name, css] of PARTS) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    try {
      await page.goto(url + "?nodes=5&seed=1");
      await page.waitForSelector('svg [data-role="leader"][data-alive="true"]', { timeout: 20_000 });
      if (css) await addStyle(page, css);
      const { task, thread } = await cpuPercent(page);
      out.push(`| ${name} | ${task.toFixed(1)}% | ${thread.toFixed(1)}% |`);
    } finally {
      await context.close();
    }
  }
  return out.join("\n");
}

/** The parts of a frame's work, in the order element.ts's update() times them
 * (`frameParts`): advance, state(), what comes between (events, violation, saving), then each
 * view in its drawing order (frameViews()). */
const FRAME_PARTS = ["advance", "state()", "events + save", "ring", "table", "node menu", "logs", "details", "event log", "controls", "timeline", "run files", "teaching", "monitors", "machines", "kv", "requests", "narrator"];

/** `measure.mjs split [entries] [speed] [requests/s]`: the page's own frame split into its
 * parts (wall clock, ms), `nodes` nodes at `speed` with `rate` requests/s (1440x1000), 300
 * frames: median, p95 and mean of each part and of the whole, and each part's mean in the
 * slowest 5% of frames. */
async function splitScenario(browser, url, nodes, entries, speed = "1×", rate = 20) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  try {
    await openForLoad(page, url, nodes, { entries, speed });
    const parts = await page.evaluate(async ({ frames, rate }) => {
      const el = document.querySelector("raft-cluster");
      const stopLoad = rate > 0 ? window.__clientLoad([el], rate) : () => undefined;
      await new Promise((ok) => setTimeout(ok, 1000));
      el.frameParts = [];
      while (el.frameParts.length < frames) await new Promise((ok) => requestAnimationFrame(ok));
      stopLoad();
      const out = el.frameParts;
      el.frameParts = null;
      return out;
    }, { frames: FRAMES, rate });
    // The slowest 5% of frames (the p95's tail): what each part took in them, on average.
    const whole = parts.map((p) => p.reduce((a, b) => a + b, 0));
    const cut = percentile([...whole].sort((a, b) => a - b), 95);
    const tail = parts.filter((_, i) => whole[i] >= cut);
    const row = (name, xs, ts) => {
      const s = [...xs].sort((a, b) => a - b);
      const mean = (v) => (v.reduce((a, b) => a + b, 0) / Math.max(1, v.length)).toFixed(2);
      return `| ${name} | ${percentile(s, 50).toFixed(2)} | ${percentile(s, 95).toFixed(2)} | ${mean(xs)} | ${mean(ts)} |`;
    };
    const out = [`## ${nodes} nodes, ${speed}, ${rate} requests/s${entries ? `, ${entries} entries per node` : ""}: the frame's work by part (ms, ${parts.length} frames)`, "", "| part | median | p95 | mean | mean in the slowest 5% |", "| --- | ---: | ---: | ---: | ---: |"];
    for (let i = 0; i < FRAME_PARTS.length; i++) {
      const xs = parts.map((p) => p[i] ?? 0);
      if (xs.some((x) => x >= 0.05)) out.push(row(FRAME_PARTS[i], xs, tail.map((p) => p[i] ?? 0)));
    }
    out.push(row("**the whole**", whole, tail.map((p) => p.reduce((a, b) => a + b, 0))));
    return out.join("\n");
  } finally {
    await context.close();
  }
}

/** `measure.mjs parts-load`: 9 nodes at 1× with 20 requests/s (1440x1000), one part of the
 * element undrawn at a time: frames drawn in CPU_WINDOW_MS and the renderer's main-thread
 * time per frame in each of the browser's rendering steps (a Chrome trace's thread time), so
 * what each part costs the browser, not the script, shows. */
const LOAD_PARTS = [
  ["as it is", ""],
  without("the logs", ".logs-panel"),
  without("the log entries", ".entry"),
  without("the ring", ".ring-panel"),
  without("the messages", ".messages"),
  without("the events", ".events"),
];
const STEPS = ["FireAnimationFrame", "UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Layerize"];
async function partsLoadScenarios(browser, url) {
  const out = [
    "## Main page, 9 nodes, 1×, 20 requests/s: the browser's steps per frame with one part undrawn (ms of main-thread time, traced)",
    "",
    `| element | frames in ${CPU_WINDOW_MS / 1000} s | ${STEPS.join(" | ")} |`,
    `| --- | ---: | ${STEPS.map(() => "---:").join(" | ")} |`,
  ];
  for (const [name, css] of LOAD_PARTS) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    try {
      await openForLoad(page, url, 9);
      if (css) await addStyle(page, css);
      await page.evaluate(() => window.__clientLoad([document.querySelector("raft-cluster")], 20));
      await page.waitForTimeout(800); // settle (a measurement window follows)
      const cdp = await context.newCDPSession(page);
      const events = [];
      cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
      const done = new Promise((ok) => cdp.once("Tracing.tracingComplete", ok));
      const f0 = await page.evaluate(() => document.querySelector("raft-cluster").framesDrawn);
      await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline", transferMode: "ReportEvents" });
      await page.waitForTimeout(CPU_WINDOW_MS); // the measurement window
      await cdp.send("Tracing.end");
      await done;
      const frames = (await page.evaluate(() => document.querySelector("raft-cluster").framesDrawn)) - f0;
      const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
      const sum = new Map();
      for (const e of events) {
        if (!main || e.pid !== main.pid || e.tid !== main.tid || e.ph !== "X" || !STEPS.includes(e.name)) continue;
        sum.set(e.name, (sum.get(e.name) ?? 0) + (e.tdur ?? e.dur) / 1000);
      }
      out.push(`| ${name} | ${frames} | ${STEPS.map((k) => ((sum.get(k) ?? 0) / Math.max(1, frames)).toFixed(2)).join(" | ")} |`);
    } finally {
      await context.close();
    }
  }
  return out.join("\n");
}

/** `slow [nodes] [seconds]`: where the slowest tenth of frames' script goes (9 nodes, 1×, 20
 * requests/s): a CPU profile (50 µs samples) and a trace taken together, the samples inside
 * each animation-frame task of the slowest 10% (by thread time) against the fastest half, per
 * function (inclusive and self, ms a frame). Build without minifying for readable names:
 * `npx vite build --config web/vite.config.ts --minify false --outDir /tmp/dist-plain` and
 * RAFTLAB_DIST=/tmp/dist-plain. */
async function slowFrames(browser, url, nodes, secs) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  try {
    await openForLoad(page, url, nodes);
    const cdp = await context.newCDPSession(page);
    const events = [];
    cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
    const traced = new Promise((ok) => cdp.once("Tracing.tracingComplete", ok));
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
    await cdp.send("Tracing.start", { categories: "devtools.timeline", transferMode: "ReportEvents" });
    await cdp.send("Profiler.start");
    await page.evaluate(async (ms) => {
      const stop = window.__clientLoad([document.querySelector("raft-cluster")], 20);
      await new Promise((ok) => setTimeout(ok, ms));
      stop();
    }, secs * 1000);
    const { profile } = await cdp.send("Profiler.stop");
    await cdp.send("Tracing.end");
    await traced;
    const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
    const tasks = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === "X" && e.name === "FireAnimationFrame" && e.tdur !== undefined).sort((a, b) => a.tdur - b.tdur);
    const slowest = tasks.slice(Math.floor(tasks.length * 0.9)).sort((a, b) => a.ts - b.ts);
    const fastest = tasks.slice(0, Math.floor(tasks.length / 2)).sort((a, b) => a.ts - b.ts);
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const name = (n) => `${n.callFrame.functionName || "(anonymous)"}:${n.callFrame.lineNumber + 1}`;
    let t = profile.startTime;
    const samples = profile.samples.map((id, i) => ({ id, t: (t += profile.timeDeltas[i]) }));
    // The profile's and the trace's clocks are the same (µs).
    const within = (frames) => {
      const incl = new Map();
      const self = new Map();
      let k = 0;
      for (let i = 0; i + 1 < samples.length; i++) {
        const s = samples[i];
        while (k < frames.length && frames[k].ts + frames[k].dur < s.t) k++;
        if (k >= frames.length) break;
        if (s.t < frames[k].ts) continue;
        const dt = (samples[i + 1].t - s.t) / 1000 / frames.length;
        const leaf = byId.get(s.id);
        self.set(name(leaf), (self.get(name(leaf)) ?? 0) + dt);
        const seen = new Set();
        for (let b = leaf; b; b = byId.get(parent.get(b.id))) {
          if (seen.has(name(b))) continue;
          seen.add(name(b));
          incl.set(name(b), (incl.get(name(b)) ?? 0) + dt);
        }
      }
      return { incl, self };
    };
    const slow = within(slowest);
    const fast = within(fastest);
    const cut = (slowest[0]?.tdur ?? 0) / 1000;
    const out = [`## slowest frames: ${nodes} nodes, 1×, 20 requests/s, ${tasks.length} frames; the slowest 10% (${slowest.length}, task CPU from ${cut.toFixed(2)} ms, profiled) against the fastest half`, ""];
    for (const [what, m, n] of [["inclusive", slow.incl, 40], ["self", slow.self, 20]]) {
      out.push(`| ${what}, ms a frame | slowest 10% | fastest half |`, "| --- | ---: | ---: |");
      for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) out.push(`| ${k} | ${v.toFixed(3)} | ${((what === "self" ? fast.self : fast.incl).get(k) ?? 0).toFixed(3)} |`);
      out.push("");
    }
    return out.join("\n");
  } finally {
    await context.close();
  }
}

// RAFTLAB_DIST: measure another build (say, the one before a change) with the same script.
const server = await start(process.env.RAFTLAB_DIST ?? DIST);
const browser = await launch();
try {
  const only = process.argv[2] ?? "";
  if (only === "split") {
    // split [entries] [speed label] [requests per s]: defaults 0, 1×, 20.
    const [entries, speed, rate] = [Number(process.argv[3] ?? 0), process.argv[4] ?? "1×", Number(process.argv[5] ?? 20)];
    for (const n of [5, 9]) console.log(await splitScenario(browser, server.url, n, entries, speed, rate), "\n");
    process.exit(0);
  }
  if (only === "slow") {
    console.log(await slowFrames(browser, server.url, Number(process.argv[3] ?? 9), Number(process.argv[4] ?? 10)));
    process.exit(0);
  }
  if (only === "parts-load") {
    console.log(await partsLoadScenarios(browser, server.url));
    process.exit(0);
  }
  if (only === "parts") {
    console.log(await partsScenarios(browser, server.url));
    process.exit(0);
  }
  if (only === "profile") {
    for (const name of process.argv.slice(3).length ? process.argv.slice(3) : ["tail5", "load9"]) console.log(await profileScenario(browser, server.url, name), "\n");
    process.exit(0);
  }
  const cpu = !only || only === "cpu" ? await cpuScenarios(browser, server.url) : [];
  const frames = [];
  if (!only || only === "three") {
    frames.push(await threeInstances(browser, server.url, 4, 0)); // SPEEDS[4] = 0.1×, the default
    frames.push(await threeInstances(browser, server.url, 8, 0)); // SPEEDS[8] = 1×
    frames.push(await threeInstances(browser, server.url, 8, 20));
    frames.push(await threeInstances(browser, server.url, -1, 20)); // the top speed
  }
  if (only === "frames" && process.argv[3]) {
    // frames N [runs]: only N nodes at 1× with 20 requests/s, `runs` times (A/B comparisons).
    for (let i = 0; i < Number(process.argv[4] ?? 1); i++) frames.push(await frameTimes(browser, server.url, Number(process.argv[3]), "1×"));
  } else if (!only || only === "frames") {
    for (const nodes of [5, 9]) {
      for (const speed of ["1×", "top"]) frames.push(await frameTimes(browser, server.url, nodes, speed));
    }
    for (const nodes of [5, 9]) frames.push(await frameTimes(browser, server.url, nodes, "1×", 3000));
  }
  const travel = !only || only === "travel" ? await timeTravel(browser, server.url) : null;
  const link = !only || only === "travel" ? await linkSize(browser, server.url) : null;
  const files = await sizes();
  const stores = only && only !== "storage"
    ? []
    : [
        ["default (snapshot every 10 entries)", await storageAfterCommands(browser, server.url, null)],
        ["snapshots off (snapshotEvery 0)", await storageAfterCommands(browser, server.url, 0)],
      ];

  const out = [];
  out.push(`## Main-thread CPU (${CPU_WINDOW_MS / 1000} s windows, % of one core)`, "", "| scenario | busy (TaskDuration) | CPU time (ThreadTime) | frames drawn |", "| --- | ---: | ---: | ---: |");
  for (const c of cpu) out.push(`| ${c.name} | ${c.cpu.toFixed(1)}% | ${c.thread.toFixed(1)}% | ${c.frames} |`);
  out.push("");
  out.push(`## Frame time (${FRAMES} frames, headless chromium ${browser.version()}; single-instance rows: 20 client requests/s)`, "");
  out.push("| scenario | frames a second | frame interval median | interval p95 | page work median (all instances) | work p95 | frame task CPU median | CPU p95 |");
  out.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const f of frames) {
    out.push(`| ${f.scenario} | ${f.fps.toFixed(1)} | ${ms(f.intervalMedian)} | ${ms(f.intervalP95)} | ${ms(f.workMedian)} | ${ms(f.workP95)} | ${ms(f.cpuMedian)} | ${ms(f.cpuP95)} |`);
  }
  out.push("", "## Sizes (dist/)", "", "| file | raw | gzip |", "| --- | ---: | ---: |");
  for (const f of files) out.push(`| ${f.file} | ${kb(f.raw)} | ${kb(f.gzip)} |`);
  for (const ext of ["wasm", "js"]) {
    const sel = files.filter((f) => f.file.endsWith(`.${ext}`));
    const raw = sel.reduce((a, f) => a + f.raw, 0);
    const gz = sel.reduce((a, f) => a + f.gzip, 0);
    out.push(`| **all .${ext}** | **${kb(raw)}** | **${kb(gz)}** |`);
  }
  out.push("", `## localStorage after ${COMMANDS.toLocaleString("en")} commands (5 nodes)`, "");
  out.push("| cluster | keys | characters | bytes (UTF-16, as browsers count the quota) | bytes (UTF-8) | commitIndex | lastIncludedIndex | longest log | time to run |");
  out.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [name, s] of stores) {
    out.push(
      `| ${name} | ${s.keys} | ${s.chars} | ${kb(s.chars * 2)} | ${kb(s.utf8)} | ${s.commitIndex} | ${s.snapshotIndex} | ${s.logLength} | ${(s.ms / 1000).toFixed(1)} s |`,
    );
  }
  if (travel) {
    const seeks = [...travel.seeks].sort((a, b) => a - b);
    const backs = [...travel.backs].sort((a, b) => a - b);
    const mib = (b) => `${(b / 1048576).toFixed(1)} MiB`;
    out.push("", `## Time travel: a ${travel.endMs / 60000}-minute virtual run (5 nodes, 20 requests per virtual s, ${travel.inputs} inputs; built in ${(travel.buildMs / 1000).toFixed(1)} s)`, "");
    out.push("| what | median | p95 | max |", "| --- | ---: | ---: | ---: |");
    out.push(`| seek to a random moment + state() + recentEvents() (${seeks.length}) | ${ms(percentile(seeks, 50))} | ${ms(percentile(seeks, 95))} | ${ms(seeks[seeks.length - 1])} |`);
    out.push(`| step back one event + state() (${backs.length}) | ${ms(percentile(backs, 50))} | ${ms(percentile(backs, 95))} | ${ms(backs[backs.length - 1])} |`);
    out.push("", `link of that run: ${travel.linkChars} characters`);
    if (link) out.push(`link of a 5-minute run with ${link.inputs} actions: ${link.chars} characters (${link.empty} with none: ${((link.chars - link.empty) / link.inputs).toFixed(1)} per action)`);
    out.push("", `checkpoints: ${travel.checkpoints} (spacing ${travel.spacing} virtual ms); markers: ${travel.markers}; wasm memory: ${mib(travel.heapBefore)} before, ${mib(travel.heapAfter)} after (high-water mark)`);
  }
  console.log(out.join("\n"));
} finally {
  await browser.close();
  await server.close();
}
