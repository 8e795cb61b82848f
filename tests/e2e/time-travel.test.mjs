// End-to-end: time travel as a new user meets it. Act on the cluster (crash S3), scrub back
// with the Timeline slider and see S3 alive again (ring, logs and event log as they were),
// step one event back and forward, then act in the past (crash S2 there): the run forks, the
// page says so, the future (S3's crash) is gone, and playing on shows the new future. Copy
// link, open it in a fresh browser context: the same run at the same moment (same trace
// digest); a damaged link gets a message. A reload keeps working. Every action goes through the Cluster's run (element.cluster).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  WAIT,
  assertNoErrors,
  cspViolations,
  fastest,
  nodeAction,
  nodes,
  openPage,
  pause,
  play,
  statusLine,
  virtualTimePasses,
  waitForLeader,
  serveAndLaunch,
} from "./helpers.mjs";

const cluster = (page) =>
  page.evaluate(() => {
    const c = document.querySelector("raft-cluster").cluster;
    const t = c.timeline();
    return { nowMs: c.state().nowMs, endMs: c.endMs, inputs: t.inputs, forks: t.forks, markers: t.markers.map((m) => m.kind) };
  });
const alive = async (page, id) => (await nodes(page)).find((n) => n.id === id)?.alive;
/** The frame after an action has drawn it: the ring agrees with the Cluster. */
const drawn = (page, id, want) =>
  page.waitForFunction(
    ({ id, want }) => window.__raft(`svg [data-node-id="${id}"]`)[0]?.getAttribute("data-alive") === String(want),
    { id, want },
    { timeout: WAIT },
  );

describe("raftlab page: time travel", () => {
  const env = serveAndLaunch();

  it("scrubs back to a crashed node alive, steps, forks when acting in the past, and shares the moment as a link", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=42`);
    try {
      const r = page.locator("raft-cluster");
      const timeline = r.getByRole("slider", { name: "Timeline" });
      await fastest(page);
      await play(page);
      await waitForLeader(page);
      await pause(page);
      const before = await cluster(page);
      await nodeAction(page, "Crash", 3);
      await drawn(page, 3, false);
      await play(page);
      await virtualTimePasses(page, 600);
      await pause(page);
      const after = await cluster(page);
      assert.equal(after.inputs, 1, "the crash is an input of the run");
      assert.equal(after.nowMs, after.endMs, "playing stays at the end of the run");
      assert.ok(after.markers.includes("crash") && after.markers.includes("election") && after.markers.includes("action"), `markers: ${after.markers}`);
      assert.equal(Number(await timeline.getAttribute("max")), after.endMs);
      assert.ok((await r.locator("svg.timeline-marks .mark-crash").count()) >= 1, "a crash marker is drawn");

      // Scrub back to just before the crash: S3 is alive again, and the log says nothing of it.
      const t = before.nowMs - 1;
      await timeline.fill(String(t));
      await drawn(page, 3, true);
      const back = await cluster(page);
      assert.equal(back.nowMs, t, "nowMs is the moment the Timeline shows");
      assert.equal(back.endMs, after.endMs, "seeking keeps the run");
      assert.equal(await timeline.inputValue(), String(t));
      const events = r.getByRole("list", { name: "Events, newest first" });
      assert.equal(await events.getByText("S3 crashed").count(), 0, "the event log is that of the moment shown");
      assert.ok((await events.locator("li").count()) > 0, "the event log shows what happened before it");
      assert.match(await r.locator(".timeline-out").textContent(), /the past/);

      // Forward to the end again: S3 crashed, its line back in the log.
      await timeline.fill(String(after.endMs));
      await drawn(page, 3, false);
      assert.equal(await events.getByText("S3 crashed").count(), 1);

      // One event back and forward.
      await timeline.fill(String(t));
      await drawn(page, 3, true);
      await r.getByRole("button", { name: "Step forward", exact: true }).click();
      await page.waitForFunction((t) => document.querySelector("raft-cluster").cluster.nowMs >= t, t, { timeout: WAIT });
      const fwd = (await cluster(page)).nowMs;
      // The slider follows at the next frame (the click's handler moved the Cluster only).
      await page.waitForFunction((f) => window.__raft('input[aria-label="Timeline"]')[0]?.value === String(f), fwd, { timeout: WAIT });
      await r.getByRole("button", { name: "Step back", exact: true }).click();
      await page.waitForFunction((f) => document.querySelector("raft-cluster").cluster.nowMs <= f, fwd, { timeout: WAIT });
      assert.ok((await cluster(page)).nowMs <= fwd);
      assert.match(await statusLine(page).textContent(), /Stepped back/);

      // Act in the past: crash S2 there. The run forks: S3's crash is dropped.
      await timeline.fill(String(t));
      await drawn(page, 3, true);
      await nodeAction(page, "Crash", 2);
      await drawn(page, 2, false);
      const forked = await cluster(page);
      assert.equal(forked.forks, 1);
      assert.equal(forked.inputs, 1, "the future's crash of S3 was dropped, the crash of S2 recorded");
      assert.equal(forked.endMs, t, "the moment shown is the end of the run now");
      assert.match(await statusLine(page).textContent(), /forked/);
      await play(page);
      await virtualTimePasses(page, 800);
      await pause(page);
      assert.equal(await alive(page, 3), true, "S3 is not crashed in the new future");
      assert.equal(await alive(page, 2), false);
      assertNoErrors(errors);
      assert.deepEqual(await cspViolations(page), []);

      // Copy link: the run and the moment shown, opened in a fresh browser context.
      await timeline.fill(String(t + 200));
      await r.getByRole("button", { name: "Copy link", exact: true }).click();
      const linkField = r.getByRole("textbox", { name: "Link", exact: true });
      await linkField.waitFor({ timeout: WAIT });
      const link = await linkField.inputValue();
      assert.ok(link.startsWith(`${env.server.url}?run=raftlab-run-`), link);
      assert.equal(await linkField.getAttribute("readonly"), "");
      const here = await page.evaluate(() => {
        const c = document.querySelector("raft-cluster").cluster;
        return { nowMs: c.nowMs, digest: c.traceDigest, alive: c.state().nodes.map((n) => n.alive), inputs: c.timeline().inputs };
      });
      const other = await openPage(env.browser, link);
      try {
        await other.page.waitForFunction((ms) => document.querySelector("raft-cluster").cluster?.nowMs === ms, here.nowMs, { timeout: WAIT });
        const there = await other.page.evaluate(() => {
          const c = document.querySelector("raft-cluster").cluster;
          return { nowMs: c.nowMs, digest: c.traceDigest, alive: c.state().nodes.map((n) => n.alive), inputs: c.timeline().inputs };
        });
        assert.deepEqual(there, here, "the same run at the same moment");
        assert.equal(await other.page.locator("raft-cluster").getByRole("slider", { name: "Timeline" }).inputValue(), String(here.nowMs));
        assert.match(await statusLine(other.page).textContent(), /Opened the link/);
        assertNoErrors(other.errors);
      } finally {
        await other.context.close();
      }

      // A damaged link gets a message, and a cluster all the same.
      const damaged = await openPage(env.browser, link.slice(0, -12) + "AAAAAAAAAAAA");
      try {
        assert.match(await statusLine(damaged.page).textContent(), /Could not open the link/);
        assertNoErrors(damaged.errors);
      } finally {
        await damaged.context.close();
      }

      // A reload brings the stored cluster back, as before.
      await page.reload();
      await page.waitForSelector("svg [data-node-id]", { timeout: WAIT });
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.nodeCount === 5, null, { timeout: WAIT });
      await play(page);
      await virtualTimePasses(page, 200);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("bad seeks from JavaScript get an Error; seeks clamp to the run", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      const out = await page.evaluate(() => {
        const c = document.querySelector("raft-cluster").cluster;
        const caught = (f) => {
          try {
            f();
            return "no error";
          } catch (e) {
            return e instanceof Error ? e.message : String(e);
          }
        };
        c.advance(500);
        const nan = caught(() => c.seek(Number.NaN));
        const str = caught(() => c.seek("5"));
        c.seek(1e12);
        const clamped = c.nowMs === c.endMs;
        c.seek(-0);
        return { nan, str, clamped, start: c.nowMs, back: c.stepBack() };
      });
      assert.match(out.nan, /^seek\(ms\): ms must be a finite number/);
      assert.match(out.str, /^seek\(ms\): ms must be a number, got string "5"/);
      assert.ok(out.clamped);
      assert.equal(out.start, 0);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
