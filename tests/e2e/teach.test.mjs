// End-to-end: the page teaches Raft (issue 9). A scenario chosen from "Scenario" opens at its
// first step and "Next step" walks it to its end, where the cluster is in the state the
// scenario teaches (Figure 8: every log x=1, z=3, w=4, committed; every monitor green).
// Breaking "commit only current-term entries (§5.4.2)" at Figure 8's step 9 and playing on
// turns a safety monitor red, pauses, and "Step back to just before it" shows every monitor
// green again. Both states pass an axe-core audit. Needs dist/ (npm run build).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { WAIT, assertNoErrors, cspViolations, fastest, logEntries, nodeAction, openPage, pause, play, statusLine, waitForLeader, serveAndLaunch, stepShown } from "./helpers.mjs";

const AXE = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

async function axeViolations(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" >> ")).join("; ")})`);
  });
}

/** The monitors as drawn: { property: status }. */
function monitors(page) {
  return page
    .locator("raft-cluster")
    .locator("[data-property]")
    .evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute("data-property"), e.getAttribute("data-status")])));
}

const ALL_OK = {
  "election-safety": "ok",
  "leader-append-only": "ok",
  "log-matching": "ok",
  "leader-completeness": "ok",
  "state-machine-safety": "ok",
};

/** Waits until the scenario shows step `step` (the nav's data-step). */
describe("raftlab page: scenarios, safety monitors and rules to break", () => {
  const env = serveAndLaunch();

  it("plays Figure 8 from the Scenario list step by step to its end, where every log agrees and every monitor is green", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=3`);
    try {
      const r = page.locator("raft-cluster");
      const pick = r.getByRole("combobox", { name: "Scenario", exact: true });
      await pick.selectOption({ label: "Figure 8: why a leader commits only entries of its own term" });
      await stepShown(page, 1);
      const caption = r.locator(".scenario-caption");
      const steps = await r.getByRole("combobox", { name: "Step", exact: true }).locator("option").count();
      assert.ok(steps >= 10, `Figure 8 has its steps (${steps})`);
      assert.match(await caption.textContent(), new RegExp(`^Step 1 of ${steps}: S5 times out first`));
      assert.match(await r.locator(".scenario-teaches").textContent(), /§5\.4\.2/);
      assert.equal(await page.evaluate(() => document.querySelector("raft-cluster").playing), false, "paused at its first step");
      const next = r.getByRole("button", { name: "Next step", exact: true });
      for (let k = 2; k <= steps; k++) {
        await next.click();
        await stepShown(page, k);
        if (k === 9) {
          // S1 leads term 4; its y=2 (term 2) above commitIndex says why it is not committed.
          const y2 = r.locator('[data-log-node="1"] .entry[data-index="2"]');
          await page.waitForFunction(() => window.__raft('[data-log-node="1"] .entry[data-index="2"]')[0]?.getAttribute("data-waits-current-term") === "true", null, { timeout: WAIT });
          // Its sentence is on hover (the title and the tooltip).
          await y2.hover();
          assert.match(await y2.getAttribute("title"), /waits for an entry of leader S1's own term 4.*Figure 8, §5\.4\.2/is);
          assert.match(await r.locator(".entry-tip").textContent(), /waits for an entry of leader S1's own term 4/i);
        }
      }
      // At the last step's start S1 has not restarted yet; Next step goes to the scenario's end.
      await next.click();
      await page.waitForFunction(() => window.__raft(".scenario-nav")[0]?.getAttribute("data-finished") === "true", null, { timeout: WAIT });
      assert.match(await caption.textContent(), new RegExp(`^Step ${steps} of ${steps} \\(the end\\): S1 restarts as a follower`));
      assert.ok(await next.isDisabled(), "nothing after the end");
      for (let id = 1; id <= 5; id++) {
        const log = await logEntries(page, id);
        assert.deepEqual(
          log.map((e) => [e.index, e.term, e.command, e.committed]),
          [
            [1, 1, "x=1", true],
            [2, 3, "z=3", true],
            [3, 5, "w=4", true],
          ],
          `S${id}'s log at the end of Figure 8`,
        );
      }
      assert.deepEqual(await monitors(page), ALL_OK);
      // Previous step goes back one step.
      await r.getByRole("button", { name: "Previous step", exact: true }).click();
      await stepShown(page, steps - 1);
      // The state machines beside the logs: every node's, with the snapshot boundary.
      await r.getByRole("button", { name: /^State machines/ }).click();
      await page.waitForFunction(() => window.__raft(".sm-row").length === 5, null, { timeout: WAIT });
      assert.match(await r.locator('.sm-row[data-node="2"]').textContent(), /lastApplied \d+/);
      assert.deepEqual(await axeViolations(page), [], "no axe violation with a scenario and the state machines shown");
      await page.keyboard.press("Escape");
      // Take over: free play from here, the recorded future dropped.
      await r.getByRole("button", { name: "Take over", exact: true }).click();
      await page.waitForFunction(() => window.__raft(".scenario-nav")[0]?.hidden === true, null, { timeout: WAIT });
      assert.match(await statusLine(page).textContent(), /Took over at .* dropped/);
      assertNoErrors(errors);
      assert.deepEqual(await cspViolations(page), []);
    } finally {
      await context.close();
    }
  });

  it("breaking commit only current-term entries (§5.4.2) in Figure 8 turns a safety monitor red, and stepping back turns it green", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?scenario=figure-8`);
    try {
      const r = page.locator("raft-cluster");
      await stepShown(page, 1);
      assert.deepEqual(await monitors(page), ALL_OK);
      // Step 9: S1 leads term 4 and is about to send y=2 (term 2) to S3 and S4.
      await r.getByRole("combobox", { name: "Step", exact: true }).selectOption("9");
      await stepShown(page, 9);
      await r.getByRole("button", { name: /^Break a rule/ }).click();
      const box = r.getByRole("checkbox", { name: "Break: commit only current-term entries (§5.4.2)", exact: true });
      assert.equal(await box.isChecked(), false, "every rule is kept in Figure 8");
      await box.check();
      const banner = r.locator(".rules-banner");
      await banner.waitFor({ state: "visible", timeout: WAIT });
      assert.match(await banner.textContent(), /commit only current-term entries \(§5\.4\.2\)/);
      // Inside a scenario the remaining steps play again with the rule broken; the row stays.
      await page.waitForFunction(() => /§5\.4\.2 broken at step 9/.test(window.__raft(".scenario-changed")[0]?.textContent ?? ""), null, { timeout: WAIT });
      await fastest(page);
      // Play (not the play() helper: the violation may pause the clock before a frame shows
      // "Pause").
      await r.getByRole("button", { name: "Play", exact: true }).click();
      await page.waitForFunction(
        () => window.__raft('[data-property="state-machine-safety"][data-status="violated"], [data-property="leader-completeness"][data-status="violated"]').length > 0,
        null,
        { timeout: WAIT },
      );
      await r.getByRole("button", { name: "Play", exact: true }).waitFor({ timeout: WAIT });
      const report = r.locator(".monitor-report");
      assert.match(await report.textContent(), /violated at .*index 2/);
      const red = await page.evaluate(() => window.__raft('.entry[data-violation="true"]').length);
      assert.ok(red >= 1, "the log entry involved is highlighted");
      assert.ok((await page.evaluate(() => window.__raft('svg [data-node-id][data-violation="true"]').length)) >= 1, "the node involved is highlighted");
      assert.deepEqual(await axeViolations(page), [], "no axe violation with a violation shown");
      // Back to just before it: every monitor holds there, and the rule is still broken.
      await report.getByRole("button", { name: "Step back to just before it", exact: true }).click();
      await page.waitForFunction(() => window.__raft('[data-status="violated"]').length === 0, null, { timeout: WAIT });
      assert.deepEqual(await monitors(page), ALL_OK);
      assert.equal(await box.isChecked(), true, "the switch shows the rule broken at the moment shown");
      assert.equal(await report.isHidden(), true);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("opens figure-8-broken from ?scenario= with its rule broken and an unknown scenario with a message", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?scenario=figure-8-broken`);
    try {
      const r = page.locator("raft-cluster");
      await stepShown(page, 1);
      await r.getByRole("button", { name: /^Break a rule/ }).click();
      assert.equal(await r.getByRole("checkbox", { name: "Break: commit only current-term entries (§5.4.2)", exact: true }).isChecked(), true);
      assert.equal(await r.locator(".rules-banner").isVisible(), true, "a broken rule is marked at all times");
      const steps = await r.getByRole("combobox", { name: "Step", exact: true }).locator("option").count();
      await r.getByRole("combobox", { name: "Step", exact: true }).selectOption(String(steps));
      await r.getByRole("button", { name: "Next step", exact: true }).click();
      await page.waitForFunction(() => window.__raft('[data-property="state-machine-safety"][data-status="violated"]').length === 1, null, { timeout: WAIT });
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
    const bad = await openPage(env.browser, `${env.server.url}?scenario=no-such-scenario`);
    try {
      await bad.page.waitForFunction(() => /no scenario named "no-such-scenario"/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      assert.deepEqual(bad.errors, []);
    } finally {
      await bad.context.close();
    }
  });

  it("a request sent to a follower is answered not leader; one sent to the leader is tracked until committed", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=42`);
    try {
      const r = page.locator("raft-cluster");
      await fastest(page);
      await play(page);
      const leader = await waitForLeader(page);
      await pause(page);
      const follower = leader.id === 1 ? 2 : 1;
      await r.getByLabel("Command").fill("to-follower");
      await nodeAction(page, "Send request to", follower);
      await page.waitForFunction((f) => (window.__raft("p.status")[0]?.textContent ?? "").includes(`not leader: S${f} is a follower`), follower, { timeout: WAIT });
      await r.getByLabel("Command").fill("to-leader");
      await nodeAction(page, "Send request to", leader.id);
      const result = r.locator(".result");
      assert.match(await result.textContent(), new RegExp(`“to-leader” appended by leader S${leader.id} at index \\d+ \\(term ${leader.term}\\)\\. “to-leader” .* waits: S${leader.id} commits it once a majority`));
      await play(page);
      await page.waitForFunction(() => /“to-leader” \(index \d+, term \d+\) is committed/.test(window.__raft(".result")[0]?.textContent ?? ""), null, { timeout: WAIT });
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
  it("embeds a scenario with the scenario attribute, at its first step, and reports an unknown id", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}embed.html`, { waitFor: "raft-cluster#three [data-node-id]" });
    try {
      await page.evaluate(() => {
        for (const [id, scenario] of [["story", "split-vote"], ["nosuch", "no-such-story"]]) {
          const el = document.createElement("raft-cluster");
          el.id = id;
          el.setAttribute("scenario", scenario);
          el.setAttribute("persist", "none");
          document.body.append(el);
        }
      });
      const story = page.locator("raft-cluster#story");
      await story.getByRole("group", { name: "Scenario steps" }).waitFor({ timeout: WAIT });
      await page.waitForFunction(() => window.__raft(".scenario-nav", "raft-cluster#story")[0]?.getAttribute("data-step") === "1", null, { timeout: WAIT });
      assert.match(await statusLine(page, "raft-cluster#story").textContent(), /Scenario: Split vote/);
      assert.equal(await page.evaluate(() => document.querySelector("raft-cluster#story").cluster.nowMs), 0);
      await page.locator("raft-cluster#nosuch").locator("[data-node-id]").first().waitFor({ timeout: WAIT });
      assert.match(await statusLine(page, "raft-cluster#nosuch").textContent(), /Could not open the scenario of the scenario attribute: .*no-such-story/);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
