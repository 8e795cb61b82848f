// Helpers for the end-to-end tests: open the page in a fresh browser context, collect console
// and page errors, drive the controls the way a person would, and wait (bounded) for states.
import assert from "node:assert/strict";

/** Bound of every wait, in real ms: the page runs in real time. */
export const WAIT = 20_000;
export const STORAGE_KEY = "raftlab:/";

/** A new context (empty localStorage) and page; `errors` collects console errors and page errors. */
export async function openPage(browser, url, { initScript, viewport } = {}) {
  const context = await browser.newContext({ viewport: viewport ?? { width: 1400, height: 1100 } });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector("[data-node-id]", { timeout: WAIT });
  return { context, page, errors };
}

export function assertNoErrors(errors) {
  assert.deepEqual(errors, [], `the page logged errors:\n${errors.join("\n")}`);
}

/** Moves the speed slider to its fastest setting. */
export async function fastest(page) {
  const speed = page.getByLabel("Speed");
  const max = await speed.getAttribute("max");
  await speed.fill(max);
}

export async function pause(page) {
  const btn = page.getByRole("button", { name: "Pause", exact: true });
  if (await btn.count()) await btn.click();
  await page.getByRole("button", { name: "Play", exact: true }).waitFor({ timeout: WAIT });
}

export async function play(page) {
  const btn = page.getByRole("button", { name: "Play", exact: true });
  if (await btn.count()) await btn.click();
  await page.getByRole("button", { name: "Pause", exact: true }).waitFor({ timeout: WAIT });
}

/** The nodes as drawn on the ring: [{ id, role, term, alive, connected }]. */
export function nodes(page) {
  return page.$$eval("svg [data-node-id]", (els) =>
    els.map((e) => ({
      id: Number(e.getAttribute("data-node-id")),
      role: e.getAttribute("data-role"),
      term: Number(e.getAttribute("data-term")),
      alive: e.getAttribute("data-alive") === "true",
      connected: e.getAttribute("data-connected") === "true",
    })),
  );
}

/** Waits for a live leader (optionally in a term above `aboveTerm`, among `among` ids). */
export async function waitForLeader(page, { aboveTerm = -1, among = null } = {}) {
  const handle = await page.waitForFunction(
    ({ aboveTerm, among }) => {
      let best = null;
      for (const e of document.querySelectorAll('svg [data-node-id][data-role="leader"][data-alive="true"]')) {
        const id = Number(e.getAttribute("data-node-id"));
        const term = Number(e.getAttribute("data-term"));
        if (term <= aboveTerm || (among && !among.includes(id))) continue;
        if (!best || term > best.term) best = { id, term };
      }
      return best;
    },
    { aboveTerm, among },
    { timeout: WAIT },
  );
  return handle.jsonValue();
}

/** Log entries shown for node `id`: [{ index, term, command, committed }]. */
export function logEntries(page, id) {
  return page.$$eval(`[data-log-node="${id}"] .entry`, (els) =>
    els
      .map((e) => ({
        index: Number(e.getAttribute("data-index")),
        term: Number(e.getAttribute("data-term")),
        command: e.querySelector(".e-cmd")?.textContent ?? "",
        committed: e.getAttribute("data-committed") === "true",
      }))
      .sort((a, b) => a.index - b.index),
  );
}

/** Waits until `command` is shown committed in at least `count` nodes' logs. */
export async function waitCommittedOn(page, command, count) {
  await page.waitForFunction(
    ({ command, count }) => {
      let n = 0;
      for (const row of document.querySelectorAll("[data-log-node]")) {
        for (const e of row.querySelectorAll('.entry[data-committed="true"]')) {
          if (e.querySelector(".e-cmd")?.textContent === command) {
            n++;
            break;
          }
        }
      }
      return n >= count;
    },
    { command, count },
    { timeout: WAIT },
  );
}

/** Sends a client request through the form; returns the result text. */
export async function sendRequest(page, command) {
  await page.getByLabel("Command").fill(command);
  await page.getByRole("button", { name: "Send request" }).click();
  return page.locator("raft-cluster .result").textContent();
}

/** The status line (the outcome of the last action, or an error). */
export function statusLine(page) {
  return page.locator("raft-cluster p.status");
}

/** Virtual time of the cluster (ms). */
export function nowMs(page) {
  return page.evaluate(() => document.querySelector("raft-cluster").cluster.nowMs);
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
export async function virtualTimePasses(page, ms) {
  const t0 = await nowMs(page);
  await page.waitForFunction(
    (until) => document.querySelector("raft-cluster").cluster.nowMs >= until,
    t0 + ms,
    { timeout: WAIT },
  );
}
