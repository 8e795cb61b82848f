// End-to-end: the page as a new user would use it. Elections, crashes, client requests,
// partitions, the keyboard, the details panel. Needs web/dist (npm test builds it first).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  WAIT,
  assertNoErrors,
  fastest,
  frames,
  logEntries,
  nodeAction,
  nodes,
  openPanel,
  nowMs,
  openPage,
  pause,
  play,
  sendRequest,
  statusLine,
  virtualTimePasses,
  waitCommittedOn,
  waitForLeader,
  serveAndLaunch,
} from "./helpers.mjs";

describe("raftlab page: the cluster", () => {
  const env = serveAndLaunch();

  it("elects a leader, and a new one in a higher term when the leader crashes", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      assert.equal(await page.locator("svg [data-node-id]").count(), 5);
      await fastest(page);
      const first = await waitForLeader(page);
      // The event log narrates it, newest first (in the list: while it follows the newest,
      // a line pushed below its box is not drawn, render-events.ts).
      const events = page.getByRole("list", { name: "Events, newest first" });
      await events.locator('li[data-kind="becameLeader"]').first().waitFor({ state: "attached", timeout: WAIT });
      await nodeAction(page, "Crash", first.id);
      await page.waitForSelector(`svg [data-node-id="${first.id}"][data-alive="false"]`, { timeout: WAIT });
      const second = await waitForLeader(page, { aboveTerm: first.term });
      assert.notEqual(second.id, first.id);
      assert.ok(second.term > first.term);
      // Restart the old leader: it comes back as a follower of the new term.
      await nodeAction(page, "Restart", first.id);
      await page.waitForFunction(
        ({ id, term }) => {
          const [e] = window.__raft(`svg [data-node-id="${id}"]`);
          return e?.getAttribute("data-alive") === "true" && Number(e.getAttribute("data-term")) >= term;
        },
        second,
        { timeout: WAIT },
      );
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("commits a client request and shows it in the logs", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      await fastest(page);
      const leader = await waitForLeader(page);
      const result = await sendRequest(page, "hello-e2e");
      // Accepted by the leader, or (at the top speed it can commit before the reply is read)
      // already said committed: the reply follows the request.
      assert.match(result, new RegExp(`leader S${leader.id}|appended|“hello-e2e” \\(index \\d+, term \\d+\\) is committed`));
      await waitCommittedOn(page, "hello-e2e", 3);
      const entries = await logEntries(page, leader.id);
      const mine = entries.find((e) => e.command === "hello-e2e");
      assert.ok(mine, "the leader's log shows the command");
      assert.ok(mine.committed);
      assert.ok(mine.term >= 1);
      // The form suggests the next command.
      assert.equal(await page.getByLabel("Command").inputValue(), "hello-e2e 2");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("says so when there is no leader to take a request", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      await fastest(page);
      const leader = await waitForLeader(page);
      // Crash the leader and two more (paused, so no one is elected in between): two of
      // five cannot elect anyone.
      await pause(page);
      const others = (await nodes(page)).map((n) => n.id).filter((id) => id !== leader.id).slice(0, 2);
      for (const id of [leader.id, ...others]) await nodeAction(page, "Crash", id);
      await page.waitForFunction(() => window.__raft('svg [data-alive="false"]').length === 3, null, { timeout: WAIT });
      await play(page);
      await virtualTimePasses(page, 2000); // time for elections that cannot succeed
      await sendRequest(page, "nobody-home");
      await page.waitForSelector('raft-cluster p.status[data-kind="error"]', { timeout: WAIT });
      assert.match(await statusLine(page).textContent(), /Send request: .*leader/i);
      assert.match(await page.locator("raft-cluster .result").textContent(), /Not accepted/);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("partitions the network, elects in the majority, and heals", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      await fastest(page);
      const old = await waitForLeader(page);
      const ids = (await nodes(page)).map((n) => n.id);
      const buddy = ids.find((id) => id !== old.id);
      const minority = [old.id, buddy];
      const majority = ids.filter((id) => !minority.includes(id));
      // A malformed partition is refused with a message, not thrown.
      await openPanel(page, "Partition");
      await page.getByLabel("Partition groups").fill("1,2");
      await page.getByRole("button", { name: "Apply partition" }).click();
      await page.waitForSelector('raft-cluster p.status[data-kind="error"]', { timeout: WAIT });
      assert.match(await statusLine(page).textContent(), /Apply partition: .*two groups/);
      await page.getByLabel("Partition groups").fill(`${minority.join(",")} | ${majority.join(",")}`);
      await page.getByRole("button", { name: "Apply partition" }).click();
      await page.waitForSelector("svg .partition-group", { timeout: WAIT });
      const fresh = await waitForLeader(page, { aboveTerm: old.term, among: majority });
      assert.ok(majority.includes(fresh.id));
      // Requests still commit on the majority side.
      await sendRequest(page, "during-partition");
      await waitCommittedOn(page, "during-partition", 3);
      await page.getByRole("button", { name: "Heal" }).click();
      await page.waitForFunction(() => window.__raft("svg .partition-group").length === 0, null, { timeout: WAIT });
      // The stale leader hears the higher term and steps down: one leader again.
      await page.waitForFunction(
        () => window.__raft('svg [data-role="leader"][data-alive="true"]').length === 1,
        null,
        { timeout: WAIT },
      );
      await waitCommittedOn(page, "during-partition", 5);
      assert.match(await page.getByText(/^Now: /).textContent(), /whole/);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("disconnects and reconnects a node", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      await fastest(page);
      const leader = await waitForLeader(page);
      await nodeAction(page, "Disconnect", leader.id);
      await page.waitForSelector(`svg [data-node-id="${leader.id}"][data-connected="false"]`, { timeout: WAIT });
      await waitForLeader(page, { aboveTerm: leader.term });
      await nodeAction(page, "Reconnect", leader.id);
      await page.waitForSelector(`svg [data-node-id="${leader.id}"][data-connected="true"]`, { timeout: WAIT });
      await page.waitForFunction(
        () => window.__raft('svg [data-role="leader"][data-alive="true"]').length === 1,
        null,
        { timeout: WAIT },
      );
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("pauses, steps, and takes keyboard shortcuts", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      await fastest(page);
      const leader = await waitForLeader(page);
      await pause(page);
      const t0 = await nowMs(page);
      await frames(page, 20);
      assert.equal(await nowMs(page), t0, "nothing advances while paused");
      await page.getByRole("button", { name: /^Step \+/ }).click();
      assert.equal(await nowMs(page), t0 + 10, "Step advances 10 ms");

      const follower = (await nodes(page)).find((n) => n.id !== leader.id && n.alive);
      const before = follower.term;
      // Keys go to the focused instance: click its ring's empty corner.
      await page.locator("raft-cluster .ring-view").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press(String(follower.id));
      await page.keyboard.press("t");
      await page.waitForFunction(
        ({ id, before }) => {
          const [e] = window.__raft(`svg [data-node-id="${id}"]`);
          return Number(e.getAttribute("data-term")) > before && e.getAttribute("data-role") !== "follower";
        },
        { id: follower.id, before },
        { timeout: WAIT },
      );
      await page.keyboard.press("c");
      await page.waitForSelector(`svg [data-node-id="${follower.id}"][data-alive="false"]`, { timeout: WAIT });
      await page.keyboard.press("r");
      await page.waitForSelector(`svg [data-node-id="${follower.id}"][data-alive="true"]`, { timeout: WAIT });
      await page.keyboard.press("d");
      await page.waitForSelector(`svg [data-node-id="${follower.id}"][data-connected="false"]`, { timeout: WAIT });
      await page.keyboard.press("d");
      await page.waitForSelector(`svg [data-node-id="${follower.id}"][data-connected="true"]`, { timeout: WAIT });
      await page.keyboard.press(" ");
      await page.getByRole("button", { name: "Pause", exact: true }).waitFor({ timeout: WAIT });
      // "?" shows the shortcuts (and the legend); Escape closes them.
      await page.keyboard.press("?");
      const help = page.getByRole("dialog", { name: "Keyboard and legend" });
      await help.getByText("select a node", { exact: true }).waitFor({ timeout: WAIT });
      await page.keyboard.press("Escape");
      await help.waitFor({ state: "hidden", timeout: WAIT });
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("shows the full state of a clicked node and of a clicked message", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    try {
      await fastest(page);
      const leader = await waitForLeader(page);
      await pause(page);
      await nodeAction(page, "Details of", leader.id);
      const details = page.locator("raft-cluster .details");
      for (const name of ["currentTerm", "votedFor", "commitIndex", "lastApplied", "nextIndex[]", "matchIndex[]", "lastIncludedIndex", "lastIncludedTerm"]) {
        await details.getByRole("rowheader", { name, exact: true }).waitFor({ timeout: WAIT });
      }
      assert.match(await details.locator("h2").textContent(), new RegExp(`S${leader.id}.*leader`));

      // Close the node's actions (Escape), step until a message is in flight, click it.
      await page.keyboard.press("Escape");
      await page.locator("raft-cluster .node-menu").waitFor({ state: "hidden", timeout: WAIT });
      const msg = page.locator("svg [data-message-id]").first();
      for (let i = 0; i < 200 && (await msg.count()) === 0; i++) {
        await page.getByRole("button", { name: /^Step \+/ }).click();
      }
      assert.ok((await msg.count()) > 0, "a message is in flight");
      const kind = await msg.getAttribute("data-kind");
      await msg.click({ force: true });
      await details.getByRole("rowheader", { name: "kind", exact: true }).waitFor({ timeout: WAIT });
      assert.match(await details.textContent(), new RegExp(kind));
      await details.getByRole("rowheader", { name: "term", exact: true }).waitFor({ timeout: WAIT });
      await play(page);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
