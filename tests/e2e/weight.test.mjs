// End-to-end: what a visitor downloads (issue 14, "Half the weight"). A course page that ships
// no run files (dist/embed.html, no <meta name="raftlab-runs">) asks for no run list: no
// request for runs/index.json, no HTTP error, no "Lab 3 test" list. The main page draws
// without the run-file module (assets/raftlab-files.*) and fetches it once, on the first run
// file opened; a second one reuses it. Before its first frame the main page fetches only
// scripts/weight.mjs's BEFORE_DRAW_ASSETS, at most FIRST_LOAD_GZIP_BYTES_MAX gzipped; the views
// loaded on first use (web/src/lazy.ts: details, table, help's legend, Clients) fetch their
// chunk when a user opens them, and then draw; the packed built-in scenarios are fetched on
// the first scenario chosen. `node scripts/weight.mjs` prints the figures.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WAIT, assertNoErrors, nodeAction, openMenu, openPage, openPanel, serveAndLaunch } from "./helpers.mjs";
import { AFTER_DRAW_ASSETS, BEFORE_DRAW_ASSETS, FIRST_LOAD_GZIP_BYTES_MAX, beforeDraw, kind, sizeOf } from "../../scripts/weight.mjs";

/** Records every response's path and status on `page` from now on. */
function recordResponses(page) {
  const seen = [];
  page.on("response", (r) => seen.push({ path: new URL(r.url()).pathname, status: r.status() }));
  return seen;
}

describe("raftlab page weight: what loads, and when", () => {
  const env = serveAndLaunch();

  it("a page without run files asks for no run list and gets no HTTP error", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}embed.html`, { waitFor: null });
    const responses = recordResponses(page);
    try {
      // openPage loaded it before the recorder was attached: load it again.
      await page.reload();
      await page.waitForSelector("#five [data-node-id]", { timeout: WAIT });
      await page.waitForFunction(() => [...document.querySelectorAll("raft-cluster")].every((e) => e.cluster), null, { timeout: WAIT });
      assert.deepEqual(
        responses.filter((r) => r.path.includes("/runs/")),
        [],
        "no run list (or run file) is asked for",
      );
      assert.deepEqual(
        responses.filter((r) => r.status >= 400),
        [],
        "no HTTP errors",
      );
      assert.equal(await page.locator("#five").getByRole("combobox", { name: "Lab test" }).count(), 0, "no Lab 3 list");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("the main page's first frame loads no lazily loaded chunk, within today's weight", async () => {
    const run = await beforeDraw(env.browser, env.server.url, "index.html");
    try {
      const assets = run.paths.filter((p) => p.startsWith("/assets/"));
      assert.deepEqual(assets.filter((p) => !BEFORE_DRAW_ASSETS.includes(p)), [], `only ${BEFORE_DRAW_ASSETS.join(", ")} before the first frame`);
      let gzip = 0;
      for (const p of run.paths) if (["wasm", "JS", "CSS"].includes(kind(p))) gzip += (await sizeOf(p)).gzip;
      assert.ok(gzip <= FIRST_LOAD_GZIP_BYTES_MAX, `the first load is ${gzip} bytes gzipped, over FIRST_LOAD_GZIP_BYTES_MAX (${FIRST_LOAD_GZIP_BYTES_MAX}): README "Weight"`);
      // The rest of the main module comes after the first frame, and no frame drawn before it
      // was in asked for what only it holds (web/src/first-draw.json).
      // The page's icon comes when the browser asks for it, before the first frame or after.
      assert.deepEqual(run.afterDraw.filter((p) => p.startsWith("/assets/") && p !== "/assets/favicon.svg"), AFTER_DRAW_ASSETS, "the rest of the wasm module after the first frame");
      assert.deepEqual(run.warnings.filter((w) => w.includes("first-draw.json")), [], "no frame asked for the rest of the module");
      assert.deepEqual(run.failed, [], "no HTTP errors");
    } finally {
      await run.context.close();
    }
  });

  it("a view loaded on first use fetches its chunk when opened, then draws", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=3`);
    const responses = recordResponses(page);
    try {
      const chunks = () => responses.filter((r) => /\/assets\/raftlab-(details|legend|kv)\.js$/.test(r.path)).map((r) => r.path.replace(/.*raftlab-/, "")).sort();
      const r = page.locator("raft-cluster");
      assert.deepEqual(chunks(), [], "nothing fetched before a view is opened");
      // Details, from a node's menu.
      await nodeAction(page, "Details of", 1);
      await r.locator(".details").getByRole("rowheader", { name: "currentTerm", exact: true }).waitFor({ timeout: WAIT });
      await page.keyboard.press("Escape");
      // The table.
      await openMenu(page);
      await r.getByRole("button", { name: "Table" }).click();
      await r.getByRole("table").getByRole("row").nth(1).waitFor({ timeout: WAIT });
      // The help's legend.
      await r.getByRole("button", { name: /^Help/ }).click();
      await r.getByRole("dialog", { name: "Keyboard and legend" }).locator(".legend-list").first().waitFor({ timeout: WAIT });
      await r.getByRole("button", { name: "Close help" }).click();
      // The Clients panel.
      await openPanel(page, "Clients");
      await r.getByRole("group", { name: "Key/value clients" }).waitFor({ timeout: WAIT });
      assert.deepEqual(chunks(), ["details.js", "kv.js", "legend.js"], "each view's chunk, once");
      // A scenario, from the Scenario list: the packed scenarios are fetched then, once.
      const scenarios = () => responses.filter((x) => x.path.endsWith("/assets/raftlab-scenarios.postcard")).length;
      assert.equal(scenarios(), 0, "no scenario fetched before one is chosen");
      await r.getByRole("combobox", { name: "Scenario", exact: true }).selectOption({ label: "Figure 8: why a leader commits only entries of its own term" });
      await r.locator(".scenario-caption").filter({ hasText: /^Step 1 of/ }).waitFor({ timeout: WAIT });
      await r.getByRole("combobox", { name: "Scenario", exact: true }).selectOption({ index: 1 });
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.scenario()?.current === 1 && document.querySelector("raft-cluster").cluster?.scenario()?.id !== "figure-8", null, { timeout: WAIT });
      assert.equal(scenarios(), 1, "the packed scenarios, fetched once");
      assert.deepEqual(responses.filter((x) => x.status >= 400), [], "no HTTP errors");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("the main page draws without the run-file module and fetches it once, on the first run file", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=3`, { waitFor: null });
    const responses = recordResponses(page);
    try {
      await page.reload();
      await page.waitForSelector("raft-cluster [data-node-id]", { timeout: WAIT });
      const files = () => responses.filter((r) => /\/assets\/raftlab-files\./.test(r.path)).map((r) => r.path).sort();
      assert.deepEqual(files(), [], "the page drew without the run-file module");

      const r = page.locator("raft-cluster");
      const list = r.getByRole("combobox", { name: "Lab test" });
      await page.waitForFunction(() => !window.__raft("select")[0]?.disabled, null, { timeout: WAIT });
      await list.selectOption({ label: "TestInitialElection3A" });
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.title?.startsWith("TestInitialElection3A"), null, { timeout: WAIT });
      assert.deepEqual(files(), ["/assets/raftlab-files.js", "/assets/raftlab-files.wasm"], "fetched on the first run file");

      await list.selectOption({ label: "TestReElection3A" });
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.title?.startsWith("TestReElection3A"), null, { timeout: WAIT });
      assert.equal(files().length, 2, "the second run file reuses the module");
      assert.deepEqual(responses.filter((x) => x.status >= 400), [], "no HTTP errors");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("a cluster made before the rest of the module was in is freed once: Reset unregisters it from wasm-bindgen's finalizer", async () => {
    // The page's first cluster is made before the rest is in, behind a view that throws
    // RestLoading (web/src/wasm.ts). Freeing it must take it out of wasm-bindgen's
    // FinalizationRegistry, or the collector frees its memory a second time (dlmalloc's heap
    // corrupt: "memory access out of bounds" some frames later). The init script records every
    // unregister whose token was never registered.
    const initScript = () => {
      const registered = new WeakSet();
      const { register, unregister } = FinalizationRegistry.prototype;
      window.__unregisters = { matched: 0, missed: 0 };
      FinalizationRegistry.prototype.register = function (target, held, token) {
        if (token !== undefined) registered.add(token);
        return register.call(this, target, held, token);
      };
      FinalizationRegistry.prototype.unregister = function (token) {
        window.__unregisters[registered.has(token) ? "matched" : "missed"]++;
        return unregister.call(this, token);
      };
    };
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=3`, { initScript });
    try {
      const r = page.locator("raft-cluster");
      const seed0 = await page.evaluate(() => document.querySelector("raft-cluster").cluster.seed);
      await openPanel(page, "New cluster");
      await r.getByRole("button", { name: "Reset", exact: true }).click();
      const discard = r.getByRole("button", { name: "Discard and reset", exact: true });
      if (await discard.count()) await discard.click();
      await page.waitForFunction((s) => document.querySelector("raft-cluster").cluster.seed !== s, seed0, { timeout: WAIT });
      const unregisters = await page.evaluate(() => window.__unregisters);
      assert.ok(unregisters.matched >= 1, `the first cluster was unregistered when Reset freed it: ${JSON.stringify(unregisters)}`);
      assert.equal(unregisters.missed, 0, `every free unregistered a registered Cluster: ${JSON.stringify(unregisters)}`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
