// End-to-end: what a visitor downloads (issue 14, "Half the weight"). A course page that ships
// no run files (dist/embed.html, no <meta name="raftlab-runs">) asks for no run list: no
// request for runs/index.json, no HTTP error, no "Lab 3 test" list. The main page draws
// without the run-file module (assets/raftlab-files.*) and fetches it once, on the first run
// file opened; a second one reuses it. The sizes themselves are measured, not asserted:
// `node scripts/weight.mjs`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WAIT, assertNoErrors, openPage, serveAndLaunch } from "./helpers.mjs";

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
});
