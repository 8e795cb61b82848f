// End-to-end: rules inside a scenario (issue 14, item 7). Breaking "commit only current-term
// entries (§5.4.2)" at Figure 8's step 9 plays the scenario's remaining steps with the rule
// broken: the step row stays, says "Figure 8, §5.4.2 broken at step 9", and "Next step"
// walks on to the violation the scenario is about (state machine safety). Any other action in
// the past forks: the status line says what was dropped and offers Undo, which brings the
// dropped future (and the scenario) back. Needs dist/ (npm run build).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WAIT, assertNoErrors, nodeAction, openPage, serveAndLaunch, statusLine, stepShown } from "./helpers.mjs";

describe("raftlab page: rules inside a scenario, and undoing a fork", () => {
  const env = serveAndLaunch();

  it("breaks §5.4.2 at Figure 8's step 9 and reaches the state machine safety violation with Next step", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?scenario=figure-8`);
    try {
      const r = page.locator("raft-cluster");
      await stepShown(page, 1);
      await r.getByRole("combobox", { name: "Step", exact: true }).selectOption("9");
      await stepShown(page, 9);
      await r.getByRole("button", { name: /^Break a rule/ }).click();
      await r.getByRole("checkbox", { name: "Break: commit only current-term entries (§5.4.2)", exact: true }).check();
      await page.waitForFunction(() => /§5\.4\.2 broken at step 9/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      assert.match(await statusLine(page).textContent(), /^Figure 8, §5\.4\.2 broken at step 9/);
      const nav = r.getByRole("group", { name: "Scenario steps" });
      // Two frames drawn after the change: a row the frame would hide is hidden by then.
      await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
      assert.equal(await nav.isVisible(), true, "the step row stays");
      assert.match(await r.locator(".scenario-changed").textContent(), /Figure 8, §5\.4\.2 broken at step 9/);
      assert.equal(await page.evaluate(() => window.__raft('[data-status="violated"]').length), 0, "no violation yet at step 9's start");
      const next = r.getByRole("button", { name: "Next step", exact: true });
      for (let k = 10; k <= 13; k++) {
        await next.click();
        await stepShown(page, k);
      }
      await next.click();
      await page.waitForFunction(() => window.__raft(".scenario-nav")[0]?.getAttribute("data-finished") === "true", null, { timeout: WAIT });
      await page.waitForFunction(() => window.__raft('[data-property="state-machine-safety"][data-status="violated"]').length === 1, null, { timeout: WAIT });
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("says what a crash in a scenario's past dropped, and Undo brings the future and the scenario back", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?scenario=leader-election`);
    try {
      const r = page.locator("raft-cluster");
      await stepShown(page, 1);
      const end = await page.evaluate(() => document.querySelector("raft-cluster").cluster.endMs);
      await r.getByRole("button", { name: "Next step", exact: true }).click();
      await stepShown(page, 2);
      await nodeAction(page, "Crash", 2);
      await page.waitForFunction(() => /the run forked there.*dropped/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      await page.waitForFunction(() => window.__raft(".scenario-nav")[0]?.hidden === true, null, { timeout: WAIT });
      const undo = statusLine(page).getByRole("button", { name: "Undo", exact: true });
      await undo.click();
      await page.waitForFunction(() => /^Undone/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      await stepShown(page, 2);
      // The step row is drawn again at the next frame.
      await r.getByRole("group", { name: "Scenario steps" }).waitFor({ state: "visible", timeout: WAIT });
      assert.equal(await page.evaluate(() => document.querySelector("raft-cluster").cluster.endMs), end, "the dropped future is back");
      assert.equal(await undo.count(), 0, "Undo is offered once");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
