// End-to-end: dist/embed.html, a course page with three <raft-cluster> instances (a 3-node
// compact one, a 5-node full one, a 7-node one with persist="none"), served as plain static
// files with the strict CSP. Each instance runs on its own: seed, clock, storage, controls
// and keyboard focus; a paused or scrolled-away instance draws nothing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WAIT, assertNoErrors, cspViolations, fastest, frames, nodeAction, nodes, openPage, pause, sendRequest, waitCommittedOn, waitForLeader, serveAndLaunch } from "./helpers.mjs";

const IDS = ["#three", "#five", "#seven"];

const framesDrawn = (page, scope) => page.evaluate((s) => document.querySelector(s).framesDrawn, scope);

describe("raftlab embed page: three independent instances", () => {
  const env = serveAndLaunch();

  it("runs three clusters independently, each with its own storage, and no errors", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}embed.html`);
    try {
      const info = await page.evaluate(() =>
        [...document.querySelectorAll("raft-cluster")].map((e) => ({ id: e.id, open: e.shadowRoot?.mode, n: e.cluster?.nodeCount, seed: e.cluster?.seed, key: e.storageKey })),
      );
      assert.deepEqual(info, [
        { id: "three", open: "open", n: 3, seed: "3", key: "raftlab:/embed.html#three" },
        { id: "five", open: "open", n: 5, seed: "5", key: "raftlab:/embed.html#five" },
        { id: "seven", open: "open", n: 7, seed: "7", key: "" },
      ]);
      // Compact controls: time and request, no network or partition panels.
      const three = page.locator("#three");
      assert.equal(await three.getByRole("button", { name: /^Partition/ }).count(), 0);
      assert.equal(await page.locator("#five").getByRole("button", { name: /^Partition/ }).count(), 1);

      // Each elects its own leader (an instance runs while it is in view).
      const leaders = {};
      for (const id of IDS) {
        await page.locator(id).scrollIntoViewIfNeeded();
        await fastest(page, id);
        leaders[id] = await waitForLeader(page, { scope: id });
        assert.equal((await nodes(page, id)).length, Number({ "#three": 3, "#five": 5, "#seven": 7 }[id]));
      }
      // A crash in one touches no other.
      await page.locator("#five").scrollIntoViewIfNeeded();
      await nodeAction(page, "Crash", leaders["#five"].id, "#five");
      await page.locator(`#five svg [data-node-id="${leaders["#five"].id}"][data-alive="false"]`).waitFor({ timeout: WAIT });
      for (const id of ["#three", "#seven"]) {
        assert.ok((await nodes(page, id)).every((n) => n.alive), `${id} is untouched`);
      }
      await sendRequest(page, "five-only", "#five");
      await waitCommittedOn(page, "five-only", 3, "#five");
      await page.locator("#three").scrollIntoViewIfNeeded();
      await sendRequest(page, "three-only", "#three");
      await waitCommittedOn(page, "three-only", 2, "#three");
      await pause(page, "#three");
      await pause(page, "#five");
      await frames(page, 5);
      const keys = await page.evaluate(() => Object.keys(localStorage).sort());
      assert.deepEqual(keys, ["raftlab:/embed.html#five", "raftlab:/embed.html#three"], "persist=none stores nothing");

      // Reload: the two stored clusters come back, each its own; the third starts afresh.
      await page.reload();
      await page.waitForSelector("#five [data-node-id]", { timeout: WAIT });
      await page.locator("#three p.status").getByText(/Restored the stored cluster: 3 nodes, seed 3/).waitFor({ timeout: WAIT });
      await page.locator("#five p.status").getByText(/Restored the stored cluster: 5 nodes, seed 5/).waitFor({ timeout: WAIT });
      await page.locator("#seven p.status").getByText(/New cluster: 7 nodes, seed 7/).waitFor({ timeout: WAIT });
      const cmds = async (id) => (await page.locator(`${id} [data-log-node] .entry`).evaluateAll((els) => els.map((e) => e.getAttribute("data-cmd")))).join(" ");
      await page.locator("#five").scrollIntoViewIfNeeded();
      await fastest(page, "#five");
      await waitForLeader(page, { scope: "#five" });
      assert.match(await cmds("#five"), /five-only/);
      assert.doesNotMatch(await cmds("#five"), /three-only/);
      assert.doesNotMatch(await cmds("#three"), /five-only/);
      assert.deepEqual(await cspViolations(page), []);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("keyboard shortcuts act only on the focused instance", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}embed.html`);
    try {
      const five = page.locator("#five");
      await five.scrollIntoViewIfNeeded();
      await waitForLeader(page, { scope: "#five" });
      const playing = () => page.evaluate(() => [...document.querySelectorAll("raft-cluster")].map((e) => e.playing));
      assert.deepEqual(await playing(), [true, true, true]);
      // Focus #five (a click on its ring's empty corner), then keys.
      await five.locator(".ring-view").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press(" ");
      assert.deepEqual(await playing(), [true, false, true], "Space paused only #five");
      await page.keyboard.press("2");
      await page.keyboard.press("c");
      await page.locator('#five svg [data-node-id="2"][data-alive="false"]').waitFor({ timeout: WAIT });
      for (const id of ["#three", "#seven"]) assert.ok((await nodes(page, id)).every((n) => n.alive), `${id} did not take the key`);
      // Keys typed outside every instance go to none of them.
      await page.locator("h1").click();
      await page.keyboard.press(" ");
      assert.deepEqual(await playing(), [true, false, true]);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("is idle when paused or scrolled out of view: no frames drawn", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}embed.html`);
    try {
      await waitForLeader(page, { scope: "#three" });
      // #seven is below the fold: it draws nothing while #three runs.
      const seven0 = await framesDrawn(page, "#seven");
      const three0 = await framesDrawn(page, "#three");
      await frames(page, 30);
      assert.equal(await framesDrawn(page, "#seven"), seven0, "an instance out of view draws no frame");
      assert.ok((await framesDrawn(page, "#three")) > three0, "the instance in view runs");
      // Paused: no frame either, until something changes.
      await pause(page, "#three");
      await frames(page, 3);
      const paused = await framesDrawn(page, "#three");
      await frames(page, 30);
      assert.equal(await framesDrawn(page, "#three"), paused, "a paused instance draws no frame");
      await nodeAction(page, "Crash", 1, "#three");
      await page.locator('#three svg [data-node-id="1"][data-alive="false"]').waitFor({ timeout: WAIT });
      await frames(page, 30);
      const after = await framesDrawn(page, "#three");
      assert.ok(after - paused <= 6, `an action while paused draws a frame or two, not a loop (${after - paused})`);
      // A course page's own call on element.cluster is drawn too (one frame), while paused.
      await page.evaluate(() => document.querySelector("#three").cluster.crash(2));
      await page.locator('#three svg [data-node-id="2"][data-alive="false"]').waitFor({ timeout: WAIT });
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("announces elections, crashes and commits as DOM events and in a polite live region", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}embed.html`);
    try {
      await page.evaluate(() => {
        window.__events = [];
        const el = document.querySelector("#three");
        for (const type of ["leader-elected", "crashed", "restarted", "committed"]) {
          el.addEventListener(type, (e) => window.__events.push({ type, detail: e.detail }));
        }
      });
      await fastest(page, "#three");
      const leader = await waitForLeader(page, { scope: "#three" });
      await nodeAction(page, "Crash", leader.id, "#three");
      await page.waitForFunction(() => window.__events.some((e) => e.type === "crashed"), null, { timeout: WAIT });
      const evs = await page.evaluate(() => window.__events);
      assert.ok(evs.some((e) => e.type === "crashed" && e.detail.node === leader.id));
      const live = page.locator('#three [role="log"][aria-live="polite"]');
      await live.getByText(`S${leader.id} crashed.`).waitFor({ state: "attached", timeout: WAIT });
      await nodeAction(page, "Restart", leader.id, "#three");
      await waitForLeader(page, { scope: "#three", aboveTerm: leader.term });
      await page.waitForFunction(() => window.__events.filter((e) => e.type === "leader-elected").length >= 2, null, { timeout: WAIT });
      const elected = (await page.evaluate(() => window.__events)).filter((e) => e.type === "leader-elected");
      assert.ok(elected.every((e) => Number.isInteger(e.detail.node) && e.detail.term >= 1));
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("reports bad attributes in the element's status line and runs with the defaults", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}embed.html`);
    try {
      await page.evaluate(() => {
        const el = document.createElement("raft-cluster");
        el.id = "bad";
        for (const [k, v] of [["nodes", "12"], ["seed", "-1"], ["speed", "fast"], ["controls", "some"], ["height", "banana"], ["persist", "maybe"]]) el.setAttribute(k, v);
        document.querySelector("main").prepend(el);
      });
      const status = page.locator("#bad p.status");
      await status.getByText(/attribute nodes must be 3\.\.9, got 12/).waitFor({ timeout: WAIT });
      const text = await status.textContent();
      for (const what of ["seed", "speed", "controls", "height", "persist"]) assert.match(text, new RegExp(`attribute ${what}`));
      assert.equal(await page.evaluate(() => document.querySelector("#bad").cluster.nodeCount), 5);
      assert.equal(await page.locator("#bad svg [data-node-id]").count(), 5);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("runs inside an iframe", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}embed.html`);
    try {
      // Replace the page with an iframe of the embed page (same origin: the policy allows it).
      await page.evaluate((src) => {
        const frame = document.createElement("iframe");
        frame.src = src;
        frame.title = "raftlab in a frame";
        frame.width = "900";
        frame.height = "700";
        document.body.replaceChildren(frame);
      }, `${env.server.url}embed.html`);
      const frame = page.frameLocator("iframe");
      await frame.locator('#three svg [data-role="leader"][data-alive="true"]').first().waitFor({ timeout: WAIT });
      await frame.locator("#three").getByRole("button", { name: "Pause", exact: true }).click();
      await frame.locator("#three").getByRole("button", { name: "Play", exact: true }).waitFor({ timeout: WAIT });
      assert.deepEqual(await cspViolations(page), []);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
