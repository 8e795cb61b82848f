// End-to-end: runs as files, as a new user meets them. Pick a Lab 3 test from the "Lab 3 test"
// list (the 28 tests at seed 1, shipped next to the page), see it paused at its start, drag the
// Timeline to its end: a leader, and the tester's last caption. ?runFile= opens a run file next
// to the page; one elsewhere is refused with a message. A damaged run file imported gets a
// message and the cluster shown stays; "Export run" then "Import run" gives the same run (the
// same end and trace digest).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { WAIT, assertNoErrors, cspViolations, openPage, statusLine, serveAndLaunch } from "./helpers.mjs";

const shown = (page) =>
  page.evaluate(() => {
    const c = document.querySelector("raft-cluster").cluster;
    const s = c.state();
    return {
      nowMs: s.nowMs,
      startMs: c.startMs,
      endMs: c.endMs,
      nodes: c.nodeCount,
      leaders: s.nodes.filter((n) => n.alive && n.role === "leader").length,
      digest: c.traceDigest,
      title: c.title ?? null,
    };
  });

describe("raftlab page: run files and the Lab 3 tests", () => {
  const env = serveAndLaunch();

  it("lists the 28 Lab 3 and 23 Lab 4 tests, opens TestInitialElection3A paused at its start and plays it to its end", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=7`);
    try {
      const r = page.locator("raft-cluster");
      const list = r.getByRole("combobox", { name: "Lab test" });
      await page.waitForFunction(() => !window.__raft("select")[0]?.disabled, null, { timeout: WAIT });
      const names = await list.locator("option").allTextContents();
      assert.equal(names.length, 1 + 28 + 23, names.join(", "));
      assert.ok(names.includes("TestFigure8Unreliable3C"));
      assert.ok(names.includes("TestBasic4A") && names.includes("TestSnapshotRecover4B"), "the Lab 4 tests beside them");
      assert.deepEqual(await list.locator("optgroup").evaluateAll((gs) => gs.map((g) => [g.label, g.children.length])), [["Lab 3", 28], ["Lab 4", 23]]);
      assert.ok(names.includes("TestInitialElection3A"));

      await list.selectOption({ label: "TestInitialElection3A" });
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.nodeCount === 3, null, { timeout: WAIT });
      assert.match(await statusLine(page).textContent(), /Opened TestInitialElection3A, seed 1: .*paused at the start/);
      const first = await shown(page);
      assert.equal(first.nowMs, 0);
      assert.equal(first.endMs, 3005);
      assert.equal(await page.evaluate(() => document.querySelector("raft-cluster").playing), false);

      // To the end: a leader, and the tester's last step is the caption.
      await r.getByRole("slider", { name: "Timeline" }).fill(String(first.endMs));
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster.nowMs === 3005, null, { timeout: WAIT });
      const end = await shown(page);
      assert.equal(end.leaders, 1);
      assert.equal(end.digest, "3b6bebec4a581369");
      const caption = r.locator("output.run-caption");
      await page.waitForFunction(() => /Passed/.test(window.__raft("output.run-caption")[0]?.textContent ?? ""), null, { timeout: WAIT });
      assert.match(await caption.textContent(), /Tester at 3\.0\d* s: Passed/);
      assertNoErrors(errors);
      assert.deepEqual(await cspViolations(page), []);
    } finally {
      await context.close();
    }
  });

  it("opens a Lab 4 test from the list and plays its clients' operations to the end", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=7`);
    try {
      const r = page.locator("raft-cluster");
      const list = r.getByRole("combobox", { name: "Lab test" });
      await page.waitForFunction(() => !window.__raft("select")[0]?.disabled, null, { timeout: WAIT });
      await list.selectOption({ label: "TestOnePartition4A" });
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.title?.startsWith("TestOnePartition4A"), null, { timeout: WAIT });
      const first = await shown(page);
      assert.equal(first.nowMs, 0);
      await r.getByRole("slider", { name: "Timeline" }).fill(String(first.endMs));
      await page.waitForFunction((end) => document.querySelector("raft-cluster").cluster.nowMs === end, first.endMs, { timeout: WAIT });
      const ops = await page.evaluate(() => document.querySelector("raft-cluster").cluster.kvHistory(0, 1e9));
      assert.ok(JSON.stringify(ops).includes("15"), `the clients' operations replayed (Put 1=15 among them): ${JSON.stringify(ops).slice(0, 300)}`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("?runFile= opens a run file next to the page; one elsewhere gets a message", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?runFile=runs/TestBackup3B.json`);
    try {
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.title?.startsWith("TestBackup3B"), null, { timeout: WAIT });
      const s = await shown(page);
      assert.equal(s.nowMs, 0);
      assert.ok(s.endMs > 1000);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
    const bad = await openPage(env.browser, `${env.server.url}?runFile=${encodeURIComponent("https://example.com/x.json")}`);
    try {
      await bad.page.waitForFunction(() => /runFile must be a path relative to the page/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      assertNoErrors(bad.errors);
    } finally {
      await bad.context.close();
    }
  });

  it("a damaged run file gets a message; Export run then Import run gives the same run", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?runFile=runs/TestReElection3A.json`);
    try {
      const r = page.locator("raft-cluster");
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.title?.startsWith("TestReElection3A"), null, { timeout: WAIT });
      const picker = r.locator('input[type="file"]');

      const text = await readFile(new URL("../../web/public/runs/TestReElection3A.json", import.meta.url), "utf8");
      const damaged = text.replace('"nodes":3', '"nodes":"three"');
      await picker.setInputFiles({ name: "damaged.json", mimeType: "application/json", buffer: Buffer.from(damaged) });
      await page.waitForFunction(() => /Could not open damaged\.json/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      assert.match(await statusLine(page).textContent(), /Cluster\.fromRunFile\(text\): not a run file this page can play: /);
      assert.ok((await shown(page)).title.startsWith("TestReElection3A"), "the cluster shown stays");

      // To the end, export, import: the same run.
      const before = await shown(page);
      await r.getByRole("slider", { name: "Timeline" }).fill(String(before.endMs));
      await page.waitForFunction((end) => document.querySelector("raft-cluster").cluster.nowMs === end, before.endMs, { timeout: WAIT });
      const atEnd = await shown(page);
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: WAIT }), r.getByRole("button", { name: "Export run" }).click()]);
      const exported = await readFile(await download.path(), "utf8");
      assert.match(exported, /"format": "raftlab-run"/);
      await picker.setInputFiles({ name: "exported.json", mimeType: "application/json", buffer: Buffer.from(exported) });
      await page.waitForFunction(() => /Opened TestReElection3A/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      const reopened = await shown(page);
      assert.equal(reopened.nowMs, 0);
      assert.equal(reopened.endMs, atEnd.endMs);
      await r.getByRole("slider", { name: "Timeline" }).fill(String(reopened.endMs));
      await page.waitForFunction((end) => document.querySelector("raft-cluster").cluster.nowMs === end, atEnd.endMs, { timeout: WAIT });
      assert.equal((await shown(page)).digest, atEnd.digest);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
