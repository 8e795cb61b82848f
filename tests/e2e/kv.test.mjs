// End-to-end: Lab 4's key/value clients in the page (issue 15, item 5), acting as a user:
//  1. A Put through the Clients form shows in every node's store (State machines ▾).
//  2. The history view draws the operation on its client's lane and shows the verdict.
//  3. The broken-rule scenario (kv-stale-read): Next step through it turns the verdict red,
//     the operations involved are marked, and "Jump to the first" seeks to the first one.
//  4. The search is in the run-file module, fetched on the first verdict that needs it: until
//     it has loaded the verdict says "Checking…", then the verdict comes.
// Needs dist/ (npm run build).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WAIT, assertNoErrors, fastest, openPage, pause, play, serveAndLaunch, statusLine, waitForLeader, stepShown } from "./helpers.mjs";

const verdict = (page) => page.evaluate(() => window.__raft(".kv-verdict")[0]?.getAttribute("data-verdict"));

describe("raftlab page: key/value clients, stores and the history", () => {
  const env = serveAndLaunch();

  it("a Put through the form shows in every node's store, and the history shows it with the verdict", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=3&seed=1`);
    try {
      const r = page.locator("raft-cluster");
      await fastest(page);
      await play(page);
      await waitForLeader(page);
      await r.getByRole("button", { name: /^Clients/ }).click();
      const form = r.getByRole("form", { name: "A client's operation" });
      await form.getByLabel("Operation").selectOption("put");
      await form.getByLabel("Key").fill("k");
      await form.getByLabel("Value").fill("hello");
      await form.getByRole("button", { name: "Send", exact: true }).click();
      await page.waitForFunction(() => /C1 Put\(k, "hello"\): sent/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      // Every node's store holds it (the state machines show the store in a KV run).
      const clients = r.getByRole("button", { name: /^Clients/ });
      await clients.click();
      await r.getByRole("button", { name: /^State machines/ }).click();
      await page.waitForFunction(
        () => {
          const rows = window.__raft(".sm-row");
          return rows.length === 3 && rows.every((row) => row.getAttribute("data-kv") === "true" && row.textContent.includes('k="hello"'));
        },
        null,
        { timeout: WAIT },
      );
      await r.getByRole("button", { name: /^State machines/ }).click();
      await clients.click();
      // The history: the Put on C1's lane, returned (paused, zoomed out until the window
      // reaches back to it), and the verdict.
      await pause(page);
      const zoomOut = r.getByRole("button", { name: "Zoom out (longer window)", exact: true });
      for (let k = 0; k < 8 && (await page.evaluate(() => window.__raft('.kv-op[data-kind="put"]').length)) === 0; k++) await zoomOut.click();
      await page.waitForFunction(() => window.__raft('.kv-op[data-kind="put"][data-open="false"]').length === 1, null, { timeout: WAIT });
      await page.waitForFunction(() => window.__raft(".kv-verdict")[0]?.getAttribute("data-verdict") === "linearizable", null, { timeout: WAIT });
      assert.match(await r.locator(".kv-verdict").textContent(), /^✓ Linearizable: the 1 operation so far/);
      assert.match(await r.locator(".kv-op title").first().textContent(), /^C1 Put\(k, "hello"\): called at/);
      assert.match(await r.getByRole("button", { name: /^Clients/ }).textContent(), /✓/);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("the stale-read scenario turns the verdict red with Next step, marks the read and jumps to it", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?scenario=kv-stale-read`);
    try {
      const r = page.locator("raft-cluster");
      await stepShown(page, 1);
      await r.getByRole("button", { name: /^Clients/ }).click();
      const next = r.getByRole("button", { name: "Next step", exact: true });
      const seen = [];
      for (let k = 2; k <= 6; k++) {
        await next.click();
        await stepShown(page, k);
        seen.push(await verdict(page));
      }
      assert.notEqual(seen[1], "not-linearizable", `after two Puts the history is linearizable (${seen})`);
      await next.click();
      await page.waitForFunction(() => window.__raft(".kv-verdict")[0]?.getAttribute("data-verdict") === "not-linearizable", null, { timeout: WAIT });
      assert.match(await r.locator(".kv-verdict").textContent(), /^✗ Not linearizable: C2 Get\(k\)/);
      assert.match(await r.getByRole("button", { name: /^Clients/ }).textContent(), /✗ not linearizable/);
      assert.ok((await page.evaluate(() => window.__raft('.kv-op[data-involved="true"]').length)) >= 1, "the operations involved are marked");
      await r.getByRole("button", { name: "Jump to the first", exact: true }).click();
      await page.waitForFunction(() => /the first operation the checker cannot place is called here/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      assert.match(await statusLine(page).textContent(), /^At \d+\.\d{3} s/);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
  it("the verdict says checking until the checker's module has loaded, then gives the verdict", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?scenario=kv-stale-read`);
    let release;
    try {
      // Hold the run-file module's wasm (where the search is) until the page has been seen
      // waiting for it.
      const held = new Promise((resolve) => (release = resolve));
      let asked = false;
      await context.route(/raftlab-files.*\.wasm$/, async (route) => {
        asked = true;
        await held;
        await route.continue();
      });
      const r = page.locator("raft-cluster");
      await stepShown(page, 1);
      await r.getByRole("button", { name: /^Clients/ }).click();
      const next = r.getByRole("button", { name: "Next step", exact: true });
      for (let k = 2; k <= 3; k++) {
        await next.click();
        await stepShown(page, k);
      }
      await page.waitForFunction(() => window.__raft(".kv-verdict")[0]?.getAttribute("data-verdict") === "checking", null, { timeout: WAIT });
      assert.match(await r.locator(".kv-verdict").textContent(), /^Checking…/);
      assert.ok(asked, "the verdict asked for the checker's module");
      release();
      await page.waitForFunction(() => window.__raft(".kv-verdict")[0]?.getAttribute("data-verdict") === "linearizable", null, { timeout: WAIT });
      assertNoErrors(errors);
    } finally {
      release?.();
      await context.close();
    }
  });
});
