// End-to-end: a reload keeps the run. Act on the cluster (crash S3, a request, "Restart all
// from disk"), scrub back into the past and step one event, reload: the same run comes back,
// timeline and markers included, at the same moment with the same trace digest, and the page
// says it checked every node's persisted state against what was stored. A damaged stored run,
// or one that does not replay to what the nodes stored, is reported in a banner; the nodes
// restart from their persisted state and the stored data is kept until the user decides.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  STORAGE_KEY,
  WAIT,
  assertNoErrors,
  fastest,
  frames,
  nodeAction,
  openPage,
  openPanel,
  pause,
  play,
  sendRequest,
  statusLine,
  virtualTimePasses,
  waitForLeader,
  serveAndLaunch,
} from "./helpers.mjs";

const stored = (page) => page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY);

/** What a reload must bring back: the run, the moment shown and the cluster there. */
const snapshot = (page) =>
  page.evaluate(() => {
    const c = document.querySelector("raft-cluster").cluster;
    const t = c.timeline();
    return {
      nowMs: c.nowMs,
      startMs: c.startMs,
      endMs: c.endMs,
      digest: c.traceDigest,
      inputs: t.inputs,
      markers: t.markers.map((m) => `${m.timeMs}:${m.kind}:${m.label}`),
      nodes: c.state().nodes.map((n) => ({ alive: n.alive, term: n.term, votedFor: n.votedFor, log: n.lastLogIndex - n.snapshotIndex, commitIndex: n.commitIndex })),
    };
  });

/** Replaces the stored text while nothing runs (the element removed), then reloads. */
async function reloadWith(page, text) {
  await page.evaluate(
    ({ key, v }) => {
      document.querySelector("raft-cluster").remove();
      localStorage.setItem(key, v);
    },
    { key: STORAGE_KEY, v: text },
  );
  await page.reload();
  await page.waitForSelector("svg [data-node-id]", { timeout: WAIT });
}

/** A cluster that elected a leader, took a request, lost S3 and restarted all from disk. */
async function actOn(page) {
  const r = page.locator("raft-cluster");
  await fastest(page);
  await play(page);
  await waitForLeader(page);
  await sendRequest(page, "kept-across-reloads");
  await nodeAction(page, "Crash", 3);
  await virtualTimePasses(page, 500);
  await openPanel(page, "New cluster");
  await r.getByRole("button", { name: "Restart all from disk", exact: true }).click();
  await page.getByText(/Restarted all from disk/).waitFor({ timeout: WAIT });
  await virtualTimePasses(page, 800);
  await pause(page);
}

describe("raftlab page: a reload keeps the run", () => {
  const env = serveAndLaunch();

  it("brings back the same run, timeline included, at the same moment, checked against the stored nodes", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=7`);
    try {
      const r = page.locator("raft-cluster");
      await actOn(page);
      const end = await snapshot(page);
      assert.equal(end.inputs, 3, "the request, the crash and the restart of all are inputs of the run");
      assert.ok(end.markers.some((m) => m.endsWith(":action:restart all from disk")), `markers: ${end.markers}`);
      // Into the past, then one event on: a moment inside a millisecond.
      const timeline = r.getByRole("slider", { name: "Timeline" });
      await timeline.fill(String(Math.floor(end.endMs / 2)));
      await r.getByRole("button", { name: "Step forward", exact: true }).click();
      await page.waitForFunction((t) => document.querySelector("raft-cluster").cluster.nowMs > t, Math.floor(end.endMs / 2), { timeout: WAIT });
      await frames(page, 3);
      const here = await snapshot(page);
      assert.ok(here.nowMs < end.endMs && here.endMs === end.endMs);
      assert.equal((await stored(page)).split("\n").length, 3, "the image, the run and the moment are stored");

      await page.reload();
      await page.waitForSelector("svg [data-node-id]", { timeout: WAIT });
      await page.getByText(/its run replayed to/).waitFor({ timeout: WAIT });
      assert.match(await statusLine(page).textContent(), /persisted state checked against what was stored/);
      assert.deepEqual(await snapshot(page), here, "the same run at the same moment");
      assert.equal(await r.getByRole("slider", { name: "Timeline" }).inputValue(), String(here.nowMs));
      // And it plays on from there, its recorded future replaying: the same end again.
      await timeline.fill(String(end.endMs));
      await page.waitForFunction((t) => document.querySelector("raft-cluster").cluster.nowMs === t, end.endMs, { timeout: WAIT });
      assert.deepEqual(await snapshot(page), end);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("reports a damaged stored run or one that does not match the stored nodes, and keeps the stored data until the user decides", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=8`);
    try {
      const r = page.locator("raft-cluster");
      await actOn(page);
      await frames(page, 3);
      const good = await stored(page);
      const [image, run, moment] = good.split("\n");
      const banner = page.getByRole("alert").filter({ hasText: "The stored run could not be restored" });

      // One character of the run's link changed: its checksum says so.
      const i = Math.floor(run.length / 2);
      const damaged = `${image}\n${run.slice(0, i)}${run[i] === "A" ? "B" : "A"}${run.slice(i + 1)}\n${moment}`;
      await reloadWith(page, damaged);
      await banner.waitFor({ timeout: WAIT });
      assert.match(await banner.textContent(), /the stored run is damaged/);
      assert.match(await statusLine(page).textContent(), /Could not restore the stored run: the stored run is damaged/);
      const restored = await page.evaluate(() => {
        const c = document.querySelector("raft-cluster").cluster;
        return { restoredRun: c.restoredRun, inputs: c.timeline().inputs, nodes: c.nodeCount };
      });
      assert.deepEqual(restored, { restoredRun: false, inputs: 0, nodes: 5 }, "the nodes restarted from their persisted state");
      await frames(page, 20);
      assert.equal(await stored(page), damaged, "not overwritten before the user decides");

      // The run of an earlier moment with the image of a later one: it does not replay to
      // what the nodes stored.
      const [ticks, endMs] = moment.split(" ");
      const early = `${image}\n${run}\n${Math.floor(Number(ticks) / 2)} ${endMs}`;
      await reloadWith(page, early);
      await banner.waitFor({ timeout: WAIT });
      assert.match(await banner.textContent(), /does not replay to the state the nodes stored/);
      await frames(page, 10);
      assert.equal(await stored(page), early);

      // Reset in the banner replaces it.
      await banner.getByRole("button", { name: /^Reset/ }).click();
      await banner.waitFor({ state: "hidden", timeout: WAIT });
      await page.waitForFunction(({ key, v }) => localStorage.getItem(key) !== v, { key: STORAGE_KEY, v: early }, { timeout: WAIT });
      assert.ok(r);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
