// End-to-end: accessibility and a strict Content-Security-Policy. axe-core audits the main
// page and the embed page (inside the open shadow roots too) and must report no violation;
// both pages, served with the policy of server.mjs, must cause no CSP violation and request
// nothing beyond their own assets. Needs dist/ (npm run build).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { WAIT, assertNoErrors, cspViolations, nodeAction, openPage, openPanel, pause, waitForLeader, serveAndLaunch } from "./helpers.mjs";

const AXE = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core on the page (all of its default rules) and returns the violations. */
async function audit(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" >> ")}: ${n.failureSummary}`) }));
  });
}

function describeViolations(vs) {
  return vs.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join("\n    ")}`).join("\n");
}

describe("raftlab: accessibility and CSP", () => {
  const env = serveAndLaunch();

  it("the main page has no axe violation, with a node's actions, help and details open", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      await waitForLeader(page);
      await pause(page);
      let v = await audit(page);
      assert.deepEqual(v, [], describeViolations(v));
      // A crashed node (greyed log row, red badge), a node's actions and details, a panel.
      await nodeAction(page, "Crash", 2);
      await nodeAction(page, "Details of", 1);
      await openPanel(page, "Network");
      v = await audit(page);
      assert.deepEqual(v, [], describeViolations(v));
      await page.keyboard.press("?");
      await page.getByRole("dialog", { name: "Keyboard and legend" }).waitFor({ timeout: WAIT });
      v = await audit(page);
      assert.deepEqual(v, [], describeViolations(v));
      await page.keyboard.press("Escape");
      await page.locator("raft-cluster").getByRole("button", { name: "Table" }).click();
      await page.getByRole("table", { name: "The cluster as a table" }).waitFor({ timeout: WAIT });
      v = await audit(page);
      assert.deepEqual(v, [], describeViolations(v));
      // A message's details (m selects the next message in flight).
      await page.locator("raft-cluster").getByRole("button", { name: "Table" }).click();
      await page.locator("raft-cluster .ring-view").click({ position: { x: 5, y: 5 } });
      for (let i = 0; i < 200 && (await page.locator("raft-cluster svg [data-message-id]").count()) === 0; i++) {
        await page.locator("raft-cluster").getByRole("button", { name: /^Step \+/ }).click();
      }
      await page.keyboard.press("m");
      await page.locator("raft-cluster .details").getByRole("rowheader", { name: "message id", exact: true }).waitFor({ timeout: WAIT });
      v = await audit(page);
      assert.deepEqual(v, [], describeViolations(v));
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("the embed page has no axe violation", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}embed.html`);
    try {
      await waitForLeader(page, { scope: "#three" });
      const v = await audit(page);
      assert.deepEqual(v, [], describeViolations(v));
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("both pages run under the strict CSP with no violation and fetch only their own assets", async () => {
    for (const [path, scope] of [["", "raft-cluster"], ["embed.html", "#five"]]) {
      const { context, page, errors } = await openPage(env.browser, env.server.url + path, { waitFor: null });
      const requests = [];
      page.on("request", (r) => requests.push(r.url()));
      try {
        await page.reload();
        await page.waitForSelector("[data-node-id]", { timeout: WAIT });
        await page.locator(scope).scrollIntoViewIfNeeded();
        await waitForLeader(page, { scope });
        // Exercise what styles things at run time: a partition, a crash, the details.
        await openPanel(page, "Partition", scope);
        await page.locator(scope).getByLabel("Partition groups").fill("1,2 | 3,4,5");
        await page.locator(scope).getByRole("button", { name: "Apply partition" }).click();
        await page.locator(scope).locator("svg .partition-group").first().waitFor({ timeout: WAIT });
        await nodeAction(page, "Crash", 2, scope);
        await nodeAction(page, "Details of", 2, scope);
        assert.deepEqual(await cspViolations(page), [], `${path || "index"}: CSP violations`);
        const foreign = requests.filter((u) => !u.startsWith(env.server.url));
        assert.deepEqual(foreign, [], "requests beyond the bundle's own assets");
        assertNoErrors(errors);
      } finally {
        await context.close();
      }
    }
  });
});
