// Helpers for the end-to-end tests: open the page in a fresh browser context, collect console
// errors, page errors and Content-Security-Policy violations, drive the controls the way a
// person would, and wait (bounded) for states.
//
// <raft-cluster> renders into an open shadow root. Playwright's CSS and role locators pierce
// open shadow roots; code that runs in the page (waitForFunction) uses window.__raft(), which
// the init script below defines: the elements matching a selector inside the shadow root of
// the <raft-cluster> matched by `scope` (default: the first one).
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { launch } from "./browser.mjs";
import { start } from "./server.mjs";

/** Bound of every wait, in real ms: the page runs in real time. */
export const WAIT = 20_000;
export const STORAGE_KEY = "raftlab:/";
export const SCOPE = "raft-cluster";

function installQuery() {
  window.__raft = (sel, scope = "raft-cluster") => {
    const host = document.querySelector(scope);
    const root = host?.shadowRoot;
    return root ? [...root.querySelectorAll(sel)] : [];
  };
  // Content-Security-Policy violations, for the tests to read.
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
  });
}

/** For a describe block: serves dist/ and launches Chromium before its tests, closes both after.
 * The returned object's `server` and `browser` are set while the tests run. */
export function serveAndLaunch() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await start();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** A new context (empty localStorage) and page; `errors` collects console errors and page errors. */
export async function openPage(browser, url, { initScript, viewport, waitFor = "[data-node-id]" } = {}) {
  const context = await browser.newContext({ viewport: viewport ?? { width: 1280, height: 720 } });
  await context.addInitScript(installQuery);
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  // A frame drawn before the rest of the wasm module was in asked for what only the rest holds.
  page.on("console", (m) => {
    if (m.type() === "warning" && m.text().includes("first-draw.json")) errors.push(`console warning: ${m.text()}`);
  });
  await page.goto(url);
  if (waitFor) {
    await page.waitForSelector(waitFor, { timeout: WAIT });
    await clustersReady(page);
  }
  return { context, page, errors };
}

/** Waits until every <raft-cluster> that draws a cluster gives its handle (`element.cluster`:
 * null until the whole wasm module is in, a moment after the first frame). */
export async function clustersReady(page) {
  await page.waitForFunction(
    () => [...document.querySelectorAll("raft-cluster")].every((e) => e.cluster !== null || !e.shadowRoot?.querySelector("[data-node-id]")),
    null,
    { timeout: WAIT },
  );
}

export function assertNoErrors(errors) {
  assert.deepEqual(errors, [], `the page logged errors:\n${errors.join("\n")}`);
}

/** The CSP violations the page saw so far. */
export function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations ?? []);
}

function root(page, scope) {
  return page.locator(scope ?? SCOPE);
}

/** Gives the page `window.__clientLoad(els, rate)`: `rate` requests a real second to each of
 * the elements `els`' clusters ("load-0", "load-1", …; skipped while a cluster has no
 * leader) until the function it returns is called. Client load for measurements and tests. */
export async function installClientLoad(page) {
  await page.evaluate(() => {
    window.__clientLoad = (els, rate) => {
      let n = 0;
      const id = setInterval(() => {
        for (const el of els) {
          try {
            el.cluster.request(`load-${n++}`);
          } catch {
            // no leader at the moment
          }
        }
      }, 1000 / rate);
      return () => clearInterval(id);
    };
    // `el` draws `frames` more frames under `rate` requests a second, then the load stops.
    window.__framesUnderLoad = async (el, frames, rate = 20) => {
      const stop = window.__clientLoad([el], rate);
      const f0 = el.framesDrawn;
      while (el.framesDrawn < f0 + frames) await new Promise((ok) => requestAnimationFrame(ok));
      stop();
    };
  });
}

/** On a phone or a short screen the toolbar folds into "Menu": opens it, as a user would. */
export async function openMenu(page, scope) {
  const menu = root(page, scope).getByRole("button", { name: "Menu", exact: true });
  if ((await menu.isVisible()) && (await menu.getAttribute("aria-expanded")) !== "true") await menu.click();
}

/** Moves the speed slider to its fastest setting. */
export async function fastest(page, scope) {
  await openMenu(page, scope);
  const speed = root(page, scope).getByLabel("Speed");
  const max = await speed.getAttribute("max");
  await speed.fill(max);
}

export async function pause(page, scope) {
  const r = root(page, scope);
  const btn = r.getByRole("button", { name: "Pause", exact: true });
  if (await btn.count()) await btn.click();
  await r.getByRole("button", { name: "Play", exact: true }).waitFor({ timeout: WAIT });
}

export async function play(page, scope) {
  const r = root(page, scope);
  const btn = r.getByRole("button", { name: "Play", exact: true });
  if (await btn.count()) await btn.click();
  await r.getByRole("button", { name: "Pause", exact: true }).waitFor({ timeout: WAIT });
}

/** The nodes as drawn on the ring: [{ id, role, term, alive, connected }]. */
export function nodes(page, scope) {
  return root(page, scope)
    .locator("svg [data-node-id]")
    .evaluateAll((els) =>
      els.map((e) => ({
        id: Number(e.getAttribute("data-node-id")),
        role: e.getAttribute("data-role"),
        term: Number(e.getAttribute("data-term")),
        alive: e.getAttribute("data-alive") === "true",
        connected: e.getAttribute("data-connected") === "true",
      })),
    );
}

/** Waits until fn(arg) is truthy in the page and returns its value; `arg.scope` is the
 * <raft-cluster> to look into with window.__raft(selector, arg.scope). */
export async function waitInside(page, fn, arg) {
  const handle = await page.waitForFunction(fn, arg, { timeout: WAIT });
  return handle.jsonValue();
}

/** Waits for a live leader (optionally in a term above `aboveTerm`, among `among` ids). */
export async function waitForLeader(page, { aboveTerm = -1, among = null, scope = SCOPE } = {}) {
  return waitInside(
    page,
    ({ aboveTerm, among, scope }) => {
      let best = null;
      for (const e of window.__raft('svg [data-node-id][data-role="leader"][data-alive="true"]', scope)) {
        const id = Number(e.getAttribute("data-node-id"));
        const term = Number(e.getAttribute("data-term"));
        if (term <= aboveTerm || (among && !among.includes(id))) continue;
        if (!best || term > best.term) best = { id, term };
      }
      return best;
    },
    { aboveTerm, among, scope },
  );
}

/** Log entries shown for node `id`: [{ index, term, command, committed }]. */
export function logEntries(page, id, scope) {
  return root(page, scope)
    .locator(`[data-log-node="${id}"] .entry`)
    .evaluateAll((els) =>
      els
        .map((e) => ({
          index: Number(e.getAttribute("data-index")),
          term: Number(e.getAttribute("data-term")),
          // The whole command (the entry draws what fits of it).
          command: e.getAttribute("data-cmd") ?? "",
          committed: e.getAttribute("data-committed") === "true",
        }))
        .sort((a, b) => a.index - b.index),
    );
}

/** Waits until `command` is shown committed in at least `count` nodes' logs. */
export async function waitCommittedOn(page, command, count, scope = SCOPE) {
  await waitInside(
    page,
    ({ command, count, scope }) => {
      let n = 0;
      for (const row of window.__raft("[data-log-node]", scope)) {
        for (const e of row.querySelectorAll('.entry[data-committed="true"]')) {
          if (e.getAttribute("data-cmd") === command) {
            n++;
            break;
          }
        }
      }
      return n >= count;
    },
    { command, count, scope },
  );
}

/** Sends a client request through the form; returns the result text. */
export async function sendRequest(page, command, scope) {
  await openMenu(page, scope);
  const r = root(page, scope);
  await r.getByLabel("Command").fill(command);
  await r.getByRole("button", { name: "Send request", exact: true }).click();
  return r.locator(".result").textContent();
}

/** Opens a toolbar panel ("Network", "Partition", "New cluster") unless it is open. */
export async function openPanel(page, name, scope) {
  await openMenu(page, scope);
  const btn = root(page, scope).getByRole("button", { name: new RegExp(`^${name}`) }).and(root(page, scope).locator("button.disclose"));
  if ((await btn.getAttribute("aria-expanded")) !== "true") await btn.click();
}

/** Runs a node action ("Crash", "Restart", "Disconnect", "Reconnect", "Time out", "Details
 * of", "Send request to") from the node's own menu: opens it from the keyboard (focus the
 * node, Enter) unless the button is already shown, then clicks the button. */
export async function nodeAction(page, action, id, scope) {
  const r = root(page, scope);
  const btn = r.getByRole("button", { name: `${action} S${id}`, exact: true });
  // A user whose Enter did not open the menu presses it again: up to three tries, each
  // saying where the focus was, and the test fails with what each try saw.
  const tries = [];
  for (let i = 0; i < 3 && !(await btn.isVisible()); i++) {
    const node = r.locator(`svg [data-node-id="${id}"]`);
    await node.focus();
    const seen = await node.evaluate((el) => {
      const active = el.getRootNode().activeElement;
      const menu = el.getRootNode().querySelector(".node-menu");
      return { focused: active === el, active: active ? `${active.tagName}.${active.getAttribute("class") ?? ""}` : null, menuHidden: menu?.hidden ?? null, menu: menu?.textContent ?? null };
    });
    await page.keyboard.press("Enter");
    try {
      await btn.waitFor({ state: "visible", timeout: 2000 });
    } catch {
      tries.push(seen);
    }
  }
  if (!(await btn.isVisible())) throw new Error(`nodeAction: ${action} S${id} is not shown after Enter on S${id}, three times: ${JSON.stringify(tries)}`);
  if (tries.length) console.error(`nodeAction: ${action} S${id} took ${tries.length + 1} presses of Enter: ${JSON.stringify(tries)}`);
  await btn.click();
}

/** The status line (the outcome of the last action, or an error). */
export function statusLine(page, scope) {
  return root(page, scope).locator("p.status");
}

/** Virtual time of the cluster (ms). */
export function nowMs(page, scope = SCOPE) {
  return page.evaluate((scope) => document.querySelector(scope).cluster.nowMs, scope);
}

/** Let `count` animation frames of the page pass (the page's clock runs once per frame). */
export function frames(page, count) {
  return page.evaluate(
    (n) =>
      new Promise((resolve) => {
        const next = (left) => (left === 0 ? resolve() : requestAnimationFrame(() => next(left - 1)));
        next(n);
      }),
    count,
  );
}

/** Wait until the cluster's virtual time has advanced `ms` past where it is now. */
export async function virtualTimePasses(page, ms, scope = SCOPE) {
  const t0 = await nowMs(page, scope);
  await page.waitForFunction(
    ({ until, scope }) => document.querySelector(scope).cluster.nowMs >= until,
    { until: t0 + ms, scope },
    { timeout: WAIT },
  );
}

/** Wait until the scenario's step row shows step `step` (1-based; its data-step). */
export function stepShown(page, step) {
  return page.waitForFunction((step) => window.__raft(".scenario-nav")[0]?.getAttribute("data-step") === String(step), step, { timeout: WAIT });
}
