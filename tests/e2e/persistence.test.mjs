// End-to-end: the cluster survives a reload through localStorage; unreadable stored data is
// reported (and kept until the user decides); a full storage is reported and the page keeps
// running; URL parameters start a fresh cluster and bad ones are reported.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  STORAGE_KEY,
  WAIT,
  assertNoErrors,
  fastest,
  frames,
  logEntries,
  nodes,
  openPage,
  openPanel,
  pause,
  sendRequest,
  statusLine,
  waitCommittedOn,
  waitForLeader,
  serveAndLaunch,
} from "./helpers.mjs";

const stored = (page) => page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY);

describe("raftlab page: persistence and start-up", () => {
  const env = serveAndLaunch();

  it("restores the cluster after a reload", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      await fastest(page);
      await waitForLeader(page);
      for (const cmd of ["keep-1", "keep-2", "keep-3"]) {
        await sendRequest(page, cmd);
        await waitCommittedOn(page, cmd, 3);
      }
      await pause(page);
      await frames(page, 5); // the last change is saved at the end of a frame
      const before = await nodes(page);
      const committed = new Map();
      for (const n of before) {
        for (const e of await logEntries(page, n.id)) if (e.committed) committed.set(e.index, e);
      }
      assert.ok([...committed.values()].some((e) => e.command === "keep-3"));
      const image = await stored(page);
      assert.ok(image && image.length > 0, "the cluster is in localStorage");

      await page.reload();
      await page.waitForSelector("svg [data-node-id]", { timeout: WAIT });
      await page.getByText(/Restored the stored cluster/).waitFor({ timeout: WAIT });
      const afterReload = await nodes(page);
      assert.equal(afterReload.length, before.length);
      for (const n of afterReload) {
        const was = before.find((b) => b.id === n.id);
        assert.ok(n.term >= was.term, `S${n.id} keeps its currentTerm (${was.term} -> ${n.term})`);
      }
      // The entries come back. A new leader commits entries of earlier terms only together
      // with one of its own term (Figure 8), so send one more request.
      await fastest(page);
      await waitForLeader(page);
      await sendRequest(page, "after-reload");
      await waitCommittedOn(page, "after-reload", 3);
      await waitCommittedOn(page, "keep-3", 3);
      const seen = new Map();
      for (const n of afterReload) for (const e of await logEntries(page, n.id)) seen.set(e.index, e);
      for (const [index, e] of committed) {
        const now = seen.get(index);
        if (!now) continue; // compacted into a snapshot since
        assert.equal(now.term, e.term, `entry ${index} keeps its term`);
        assert.equal(now.command, e.command, `entry ${index} keeps its command`);
      }
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("reports corrupt stored data, keeps it until the user decides, and resets on request", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url, {
      initScript: () => {
        if (!sessionStorage.getItem("seeded")) {
          localStorage.setItem("raftlab:/", "this is not a raftlab image");
          sessionStorage.setItem("seeded", "1");
        }
      },
    });
    try {
      const banner = page.getByRole("alert").filter({ hasText: "could not be restored" });
      await banner.waitFor({ timeout: WAIT });
      assert.match(await statusLine(page).textContent(), /Could not restore/);
      // A fresh cluster runs in memory meanwhile, and the stored data is untouched.
      await fastest(page);
      await waitForLeader(page);
      await sendRequest(page, "in-memory");
      await waitCommittedOn(page, "in-memory", 3);
      assert.equal(await stored(page), "this is not a raftlab image");

      await banner.getByRole("button", { name: /Keep stored data/ }).click();
      await page.getByText(/Running in memory only/).waitFor({ timeout: WAIT });
      await frames(page, 20);
      assert.equal(await stored(page), "this is not a raftlab image");

      // Reset asks before it discards the stored data, then clears it and saves the new cluster.
      await openPanel(page, "New cluster");
      await page.getByRole("button", { name: "Reset", exact: true }).click();
      await page.getByRole("alertdialog", { name: "Discard the stored cluster?" }).waitFor({ timeout: WAIT });
      assert.equal(await stored(page), "this is not a raftlab image", "nothing is discarded before the answer");
      await page.getByRole("button", { name: "Discard and reset", exact: true }).click();
      await page.getByText(/Running in memory only/).waitFor({ state: "hidden", timeout: WAIT });
      await page.waitForFunction((key) => {
        const v = localStorage.getItem(key);
        return v !== null && v !== "this is not a raftlab image";
      }, STORAGE_KEY, { timeout: WAIT });
      await waitForLeader(page);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("reports a truncated image with a Reset in the banner", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      await fastest(page);
      await waitForLeader(page);
      await sendRequest(page, "soon-truncated");
      await waitCommittedOn(page, "soon-truncated", 3);
      await pause(page);
      await frames(page, 20);
      const image = await stored(page);
      const truncated = image.slice(0, Math.floor(image.length / 2));
      // Write the truncated image while nothing runs, then reload.
      await page.evaluate(
        ({ key, v }) => {
          document.querySelector("raft-cluster").remove();
          localStorage.setItem(key, v);
        },
        { key: STORAGE_KEY, v: truncated },
      );
      await page.reload();
      const banner = page.getByRole("alert").filter({ hasText: "could not be restored" });
      await banner.waitFor({ timeout: WAIT });
      assert.ok((await banner.textContent()).length > 40, "the banner says what is wrong");
      await frames(page, 20);
      assert.equal(await stored(page), truncated, "not overwritten before the user decides");
      await banner.getByRole("button", { name: /^Reset/ }).click();
      await banner.waitFor({ state: "hidden", timeout: WAIT });
      await page.waitForFunction(({ key, v }) => localStorage.getItem(key) !== v, { key: STORAGE_KEY, v: truncated }, { timeout: WAIT });
      await fastest(page);
      await waitForLeader(page);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("keeps running in memory when storage is full", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url, {
      initScript: () => {
        Storage.prototype.setItem = function () {
          throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        };
      },
    });
    try {
      await page.getByText("Storage full: running in memory only").waitFor({ timeout: WAIT });
      await fastest(page);
      await waitForLeader(page);
      await sendRequest(page, "no-room");
      await waitCommittedOn(page, "no-room", 3);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("starts a fresh cluster from ?nodes=&seed= and reports bad parameters", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=7&seed=42`);
    try {
      assert.equal(await page.locator("svg [data-node-id]").count(), 7);
      await page.getByText("seed 42", { exact: true }).waitFor({ timeout: WAIT });
      // The address keeps ?nodes=&seed=: copied, it reproduces the cluster; reloaded, it
      // restores the stored one (which matches).
      assert.equal(await page.evaluate(() => location.search), "?nodes=7&seed=42");
      await fastest(page);
      await waitForLeader(page);

      await page.goto(`${env.server.url}?nodes=12`);
      await page.waitForSelector("svg [data-node-id]", { timeout: WAIT });
      await page.waitForSelector('raft-cluster p.status[data-kind="error"]', { timeout: WAIT });
      assert.match(await statusLine(page).textContent(), /nodes/);
      // The stored 7-node cluster is still the one shown.
      assert.equal(await page.locator("svg [data-node-id]").count(), 7);

      await page.goto(`${env.server.url}?seed=banana`);
      await page.waitForSelector('raft-cluster p.status[data-kind="error"]', { timeout: WAIT });
      assert.match(await statusLine(page).textContent(), /seed/);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
