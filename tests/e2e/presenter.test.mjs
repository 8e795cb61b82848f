// End-to-end: lecture mode (issue 14, item 9). "Presenter mode" (the Lecture panel; the
// `presenter` attribute) makes every visible text of the element at least 20 px at 1280x720
// and puts the ring, every node's log row and the step caption inside the viewport. A
// scenario's step row and caption show with controls="compact" too. RaftScope's lecturer
// keys: A aligns the election timers (a split vote: no leader in term 1), T (Shift+T) or the
// Spread timers button spreads them (a leader in term 1); each is an input of the run.
// Needs dist/ (npm run build).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WAIT, assertNoErrors, fastest, openPage, pause, play, nodeAction, sendRequest, serveAndLaunch, statusLine, stepShown, waitCommittedOn, waitForLeader } from "./helpers.mjs";
import { axeViolations, clippedLogTexts, ringCollisions, statusCut } from "./overlap.mjs";

/** Visible text nodes of the element whose computed font size is below `px`: "text (size)". */
function smallTexts(page, px) {
  return page.evaluate((px) => {
    const root = document.querySelector("raft-cluster").shadowRoot;
    const out = [];
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const text = n.textContent.trim();
      const el = n.parentElement;
      if (!text || !el || el.closest("option, title, style")) continue;
      if (el.getClientRects().length === 0) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === "hidden" || el.closest(".visually-hidden")) continue;
      const size = parseFloat(cs.fontSize);
      if (size < px) out.push(`${text.slice(0, 40)} (${size}px)`);
    }
    return out;
  }, px);
}

/** Boxes of the ring, each log row and the caption that are not inside the viewport. */
function outside(page) {
  return page.evaluate(() => {
    const q = (sel) => [...document.querySelector("raft-cluster").shadowRoot.querySelectorAll(sel)];
    const out = [];
    const check = (what, el) => {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.top < -0.5 || r.left < -0.5 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5) out.push(`${what}: ${JSON.stringify(r)}`);
    };
    check("ring", q(".ring-view")[0]);
    // A row is as wide as the longest log (it scrolls sideways): its sticky head says where it is.
    q(".log-row").forEach((row, i) => {
      const r = row.getBoundingClientRect();
      if (r.top < -0.5 || r.bottom > innerHeight + 0.5) out.push(`log row ${i + 1}: ${JSON.stringify(r)}`);
      check(`log row ${i + 1}'s head`, row.querySelector(".log-head"));
    });
    if (q(".scenario-caption")[0]?.getClientRects().length) check("caption", q(".scenario-caption")[0]);
    if (document.scrollingElement.scrollHeight > innerHeight) out.push(`the page scrolls (${document.scrollingElement.scrollHeight} px)`);
    return out;
  });
}

/** What lecture mode promises, checked at the moment shown: every visible text at least 20
 * px, `what` (the ring, the log rows, the caption) in the viewport, no ring label over another
 * or over a circle, no log text cut off, the status line whole. */
async function assertLectureFits(page, what) {
  assert.deepEqual(await smallTexts(page, 20), [], "every visible text is at least 20 px");
  assert.deepEqual(await outside(page), [], `${what} are in the viewport`);
  assert.deepEqual(await ringCollisions(page), [], "no ring label overlaps another or a node's circle");
  assert.deepEqual(await clippedLogTexts(page), [], "no text in the logs is cut off");
  assert.deepEqual(await statusCut(page), [], "the status line wraps, it is not cut to …");
}

describe("raftlab page: lecture mode and RaftScope's keys", () => {
  const env = serveAndLaunch();

  it("Presenter mode: every text at least 20 px, and the ring, the log rows and the caption on one 1280x720 screen", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?scenario=figure-8`);
    try {
      const r = page.locator("raft-cluster");
      await r.getByRole("button", { name: "Next step", exact: true }).click();
      await stepShown(page, 2);
      await r.getByRole("button", { name: /^Lecture/ }).click();
      await r.getByRole("checkbox", { name: "Presenter mode", exact: true }).check();
      await page.waitForFunction(() => document.querySelector("raft-cluster").hasAttribute("presenter"), null, { timeout: WAIT });
      await page.keyboard.press("Escape");
      await r.getByRole("checkbox", { name: "Presenter mode", exact: true }).waitFor({ state: "hidden", timeout: WAIT });
      await assertLectureFits(page, "the ring, every log row and the caption");
      assert.deepEqual(await axeViolations(page), [], "no axe violation in lecture mode");
      // Playing on keeps it so (new texts: messages, events, log entries).
      await fastest(page);
      // (each click waits for its step to be drawn, or a later one while playing)
      for (const k of [3, 4]) {
        await r.getByRole("button", { name: "Next step", exact: true }).click();
        await page.waitForFunction((k) => Number(window.__raft(".scenario-nav")[0]?.getAttribute("data-step")) >= k, k, { timeout: WAIT });
      }
      assert.deepEqual(await smallTexts(page, 20), []);
      assert.deepEqual(await outside(page), []);
      // Step 9's caption takes two lines: the rows are at their lowest, and still whole.
      // Paused there from the Step list (playing at the top speed runs on through the steps).
      await pause(page);
      await r.getByRole("combobox", { name: "Step", exact: true }).selectOption("9");
      await stepShown(page, 9);
      assert.match(await r.locator(".scenario-caption").textContent(), /^Step 9 of/);
      await assertLectureFits(page, "the ring, every log row and the caption at step 9");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  /** Turns lecture mode on as a lecturer would: Lecture, Presenter mode, Esc. */
  async function presenterOn(page) {
    const r = page.locator("raft-cluster");
    await r.getByRole("button", { name: /^Lecture/ }).click();
    await r.getByRole("checkbox", { name: "Presenter mode", exact: true }).check();
    await page.keyboard.press("Escape");
    await r.getByRole("checkbox", { name: "Presenter mode", exact: true }).waitFor({ state: "hidden", timeout: WAIT });
  }

  for (const nodes of [7, 9])
    it(`Presenter mode with ${nodes} nodes: texts of 20 px, every log row on screen, no label over another or over a circle, nothing cut, the two bottom nodes cut off`, async () => {
      const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=${nodes}&seed=42`);
      try {
        await fastest(page);
        await waitForLeader(page);
        for (const c of ["a=1", "b=2", "c=3", "d=4"]) await sendRequest(page, c);
        await waitCommittedOn(page, "d=4", nodes);
        await pause(page);
        // The two bottom nodes cut off: each says so, above its circle in lecture mode.
        const bottom = [Math.ceil(nodes / 2), Math.ceil(nodes / 2) + 1];
        for (const id of bottom) await nodeAction(page, "Disconnect", id);
        await page.waitForFunction((ids) => ids.every((id) => window.__raft(`svg [data-node-id="${id}"]`)[0]?.getAttribute("data-connected") === "false"), bottom, { timeout: WAIT });
        await page.keyboard.press("Escape"); // the node's menu closes
        await page.waitForFunction(() => window.__raft(".node-menu")[0]?.hidden !== false, null, { timeout: WAIT });
        await presenterOn(page);
        await assertLectureFits(page, "the ring and every log row");
        assertNoErrors(errors);
      } finally {
        await context.close();
      }
    });

  // TestFigure8Unreliable3C at several moments: cut-off nodes at the bottom of a 5-node ring
  // (lecture mode writes their "cut off" above the circle: a third line below ran out of the
  // drawing).
  for (const [test, at] of [["TestManyPartitionsManyClients4A", 0.27], ["TestFigure8Unreliable3C", 0.2], ["TestFigure8Unreliable3C", 0.7], ["TestFigure8Unreliable3C", 0.9]])
  it(`Presenter mode in ${test} at ${at} (clients or cut-off nodes, stale leaders, 200+ entries): the same holds`, async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      const r = page.locator("raft-cluster");
      await r.getByRole("combobox", { name: "Lab test", exact: true }).selectOption(test);
      await page.waitForFunction((test) => window.__raft("p.status")[0]?.textContent.includes(test), test, { timeout: WAIT });
      // Into the run: a click on the Timeline's track.
      const slider = r.getByRole("slider", { name: "Timeline", exact: true });
      const box = await slider.boundingBox();
      await page.mouse.click(box.x + box.width * at, box.y + box.height / 2);
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster.nowMs > 3000, null, { timeout: WAIT });
      await presenterOn(page);
      await assertLectureFits(page, "the ring and every log row");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("shows a scenario's step row and caption with controls=\"compact\"", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?scenario=figure-8`);
    try {
      await page.evaluate(() => document.querySelector("raft-cluster").setAttribute("controls", "compact"));
      const r = page.locator("raft-cluster");
      await r.getByRole("group", { name: "Scenario steps" }).waitFor({ state: "visible", timeout: WAIT });
      await r.getByRole("button", { name: "Next step", exact: true }).click();
      await page.waitForFunction(() => /^Step 2 of 13/.test(window.__raft(".scenario-caption")[0]?.textContent ?? ""), null, { timeout: WAIT });
      assert.equal(await r.locator(".scenario-caption").isVisible(), true);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("A aligns the election timers (a split vote), Spread timers avoids one; both are inputs of the run", async () => {
    for (const [how, term] of [["key A", (t) => t >= 2], ["Spread timers", (t) => t === 1]]) {
      const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=3`);
      try {
        const r = page.locator("raft-cluster");
        await pause(page);
        if (how === "key A") {
          await r.locator(".ring-panel").click({ position: { x: 5, y: 60 } });
          await page.keyboard.press("Shift+A");
          await page.waitForFunction(() => /^Aligned the election timers/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
        } else {
          await r.getByRole("button", { name: /^Lecture/ }).click();
          await r.getByRole("button", { name: "Spread timers", exact: true }).click();
          await page.waitForFunction(() => /^Spread the election timers/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
          await page.keyboard.press("Escape");
        }
        // The status line is set by the action; the event log is drawn at the next frame.
        const narrated = await page
          .waitForFunction(() => window.__raft(".event-list li").some((li) => /Election timers (aligned|spread)/.test(li.textContent)), null, { timeout: WAIT })
          .then(() => true, () => false);
        const said = await page.evaluate(() => window.__raft(".event-list li").map((li) => li.textContent).join("\n"));
        assert.ok(narrated, `the event log narrates it; it says: ${said}`);
        await fastest(page);
        await play(page);
        const leader = await waitForLeader(page);
        assert.ok(term(leader.term), `${how}: the first leader is of term ${leader.term}`);
        const inputs = await page.evaluate(() => document.querySelector("raft-cluster").cluster.timeline().markers.filter((m) => m.kind === "action").map((m) => m.label));
        assert.ok(inputs.some((l) => /election timers/.test(l)), `recorded in the run: ${inputs}`);
        assertNoErrors(errors);
      } finally {
        await context.close();
      }
    }
  });
});
