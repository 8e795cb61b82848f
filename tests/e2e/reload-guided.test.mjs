// End-to-end: a reload keeps the guided view. A scenario opened with ?scenario=figure-8 and
// walked a few steps comes back at the same step, its caption and "Next step" shown, at the
// same moment; after "Take over" it comes back in free play. A Lab 3 run comes back with its
// title and the tester's caption at the moment shown. A damaged scenario line is reported in
// the banner, and the stored text is kept until the user decides.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STORAGE_KEY, WAIT, assertNoErrors, frames, openPage, statusLine, serveAndLaunch, stepShown } from "./helpers.mjs";

const stored = (page) => page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY);

/** Waits until localStorage holds what the cluster shown would store now (the page saves at
 * its next frame after a change). */
const storedIsCurrent = (page) =>
  page.waitForFunction(
    (key) => {
      const c = document.querySelector("raft-cluster").cluster;
      return c !== null && c !== undefined && localStorage.getItem(key) === c.saveStored().text;
    },
    STORAGE_KEY,
    { timeout: WAIT },
  );

const shown = (page) =>
  page.evaluate(() => {
    const c = document.querySelector("raft-cluster").cluster;
    return { nowMs: c.state().nowMs, endMs: c.endMs, digest: c.traceDigest, inputs: c.timeline().inputs, title: c.title ?? null };
  });

async function reload(page) {
  await page.reload();
  await page.waitForSelector("svg [data-node-id]", { timeout: WAIT });
  await page.getByText(/its run replayed to/).waitFor({ timeout: WAIT });
}

describe("raftlab page: a reload keeps the scenario or the run file shown", () => {
  const env = serveAndLaunch();

  it("brings back a scenario at the same step, with its caption and Next step, and after Take over in free play", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?scenario=figure-8`);
    try {
      const r = page.locator("raft-cluster");
      const nav = r.getByRole("group", { name: "Scenario steps" });
      const next = r.getByRole("button", { name: "Next step", exact: true });
      const caption = r.locator(".scenario-caption");
      await stepShown(page, 1);
      for (let k = 2; k <= 4; k++) {
        await next.click();
        await stepShown(page, k);
      }
      await storedIsCurrent(page);
      const lines = (await stored(page)).split("\n");
      assert.equal(lines.length, 4, "the image, the run, the moment and the scenario");
      assert.match(lines[3], /^raftlab-guide\/1:/);
      const before = await shown(page);
      const said = await caption.textContent();
      assert.match(said, /^Step 4 of \d+: /);

      await reload(page);
      await stepShown(page, 4);
      assert.equal(await caption.textContent(), said, "the same step's caption");
      assert.ok(await nav.isVisible(), "the step row is back");
      assert.ok(await next.isVisible() && !(await next.isDisabled()), "Next step is there and works");
      assert.deepEqual(await shown(page), before, "the same run at the same moment");
      assert.match(await statusLine(page).textContent(), /Scenario: Figure 8: .*, step 4 of \d+\./);
      assert.equal(await r.getByRole("combobox", { name: "Scenario", exact: true }).inputValue(), "figure-8");
      await next.click();
      await stepShown(page, 5);

      // Take over: free play from here, and a reload keeps free play.
      await r.getByRole("button", { name: "Take over", exact: true }).click();
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster.scenario() === null, null, { timeout: WAIT });
      await storedIsCurrent(page);
      const taken = await shown(page);
      await reload(page);
      assert.equal(await page.evaluate(() => document.querySelector("raft-cluster").cluster.scenario()), null, "no longer a scenario");
      assert.ok(await nav.isHidden(), "no step row in free play");
      // At the run's end, so it may play on from there: the same run and title.
      const back = await shown(page);
      assert.ok(back.nowMs >= taken.nowMs, `${back.nowMs} ms, taken over at ${taken.nowMs} ms`);
      assert.deepEqual([back.inputs, back.title], [taken.inputs, taken.title]);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("reports a damaged scenario line and keeps the stored data until the user decides", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?scenario=figure-8`);
    try {
      const r = page.locator("raft-cluster");
      await stepShown(page, 1);
      await r.getByRole("button", { name: "Next step", exact: true }).click();
      await stepShown(page, 2);
      await storedIsCurrent(page);
      const [image, run, moment, guide] = (await stored(page)).split("\n");
      const i = guide.length - 5;
      const damaged = `${image}\n${run}\n${moment}\n${guide.slice(0, i)}${guide[i] === "A" ? "B" : "A"}${guide.slice(i + 1)}`;
      await page.evaluate(
        ({ key, v }) => {
          document.querySelector("raft-cluster").remove();
          localStorage.setItem(key, v);
        },
        { key: STORAGE_KEY, v: damaged },
      );
      await page.reload();
      await page.waitForSelector("svg [data-node-id]", { timeout: WAIT });
      const banner = page.getByRole("alert").filter({ hasText: "The stored run could not be restored" });
      await banner.waitFor({ timeout: WAIT });
      assert.match(await banner.textContent(), /scenario or run-file captions \(its last line\) is corrupt \(checksum mismatch\)/);
      assert.equal(await page.evaluate(() => document.querySelector("raft-cluster").cluster.scenario()), null, "not half-loaded");
      await frames(page, 10);
      assert.equal(await stored(page), damaged, "not overwritten before the user decides");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("brings back a Lab 3 run with its title and the tester's caption", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=7`);
    try {
      const r = page.locator("raft-cluster");
      const list = r.getByRole("combobox", { name: "Lab test" });
      await page.waitForFunction(() => !window.__raft("select")[0]?.disabled, null, { timeout: WAIT });
      await list.selectOption({ label: "TestInitialElection3A" });
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.title?.startsWith("TestInitialElection3A"), null, { timeout: WAIT });
      // In the run's past (a reload shows it paused there), after the tester's first steps.
      await r.getByRole("slider", { name: "Timeline" }).fill("2500");
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster.nowMs === 2500, null, { timeout: WAIT });
      const caption = r.locator("output.run-caption");
      // The caption drawn for 2500 ms (not one drawn before the seek's frame): the last of the
      // tester's captions at or before it.
      const due = await page.evaluate(() => {
        const c = document.querySelector("raft-cluster").cluster;
        return c.captions().filter((x) => x.atMs <= c.nowMs).pop().text;
      });
      await page.waitForFunction((due) => (window.__raft("output.run-caption")[0]?.textContent ?? "").endsWith(`: ${due}`), due, { timeout: WAIT });
      const said = await caption.textContent();
      await storedIsCurrent(page);
      assert.equal((await stored(page)).split("\n").length, 4, "the run file's title and captions are stored");
      const before = await shown(page);
      const captions = await page.evaluate(() => document.querySelector("raft-cluster").cluster.captions().length);
      assert.ok(captions > 1, `the tester's steps (${captions})`);

      await reload(page);
      assert.deepEqual(await shown(page), before, "the same run, title and moment");
      assert.equal(await page.evaluate(() => document.querySelector("raft-cluster").cluster.captions().length), captions);
      await page.waitForFunction((said) => window.__raft("output.run-caption")[0]?.textContent === said, said, { timeout: WAIT });
      assert.equal(await caption.textContent(), said, "the tester's caption at the moment shown");
      assert.match(await statusLine(page).textContent(), /Run file: TestInitialElection3A/);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
