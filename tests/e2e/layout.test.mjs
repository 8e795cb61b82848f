// End-to-end: the one-screen layout and the fixes found by a lecturer's walk-through
// (issue 7). At 1280x720 the ring, every node's log and the event strip are in the viewport
// together, with no page scrolling; text is at least 14 px; Space is play/pause after every
// control; Reset asks before it discards a stored cluster; dropped messages are off in the
// event log and their markers never cover a node's name; a crashed leader says "was leader";
// candidateId / leaderId read S1..Sn; log-row headers and markers are not clipped.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  WAIT,
  assertNoErrors,
  fastest,
  frames,
  nodeAction,
  nodes,
  openPage,
  openPanel,
  pause,
  sendRequest,
  waitForLeader,
  serveAndLaunch,
} from "./helpers.mjs";
import { ringCollisions, statusCut } from "./overlap.mjs";

/** The element's parts and their boxes, and the page's scroll size. */
function boxes(page) {
  return page.evaluate(() => {
    const root = document.querySelector("raft-cluster").shadowRoot;
    const box = (sel) => {
      const r = root.querySelector(sel).getBoundingClientRect();
      return { top: r.top, left: r.left, bottom: r.bottom, right: r.right, width: r.width, height: r.height };
    };
    return {
      ring: box(".ring-view"),
      logs: box(".logs-panel"),
      rows: [...root.querySelectorAll("[data-log-node]")].map((e) => {
        const r = e.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom };
      }),
      logsScroll: box(".logs-scroll"),
      events: box(".events"),
      scrollHeight: document.documentElement.scrollHeight,
      scrollWidth: document.documentElement.scrollWidth,
    };
  });
}

/** Every visible text in the element with its rendered size in CSS px (SVG text scaled). */
function textSizes(page) {
  return page.evaluate(() => {
    const root = document.querySelector("raft-cluster").shadowRoot;
    const out = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || n.textContent.trim() === "" || el.closest(".visually-hidden, title, [hidden], .hidden")) continue;
      if (el.getClientRects().length === 0) continue;
      let px = parseFloat(getComputedStyle(el).fontSize);
      // Inside the ring (SVG text, or HTML in its foreignObject) sizes are in its units.
      const svg = el.closest("svg");
      if (svg) {
        const m = (el instanceof SVGGraphicsElement ? el : svg).getScreenCTM();
        if (m) px *= Math.hypot(m.a, m.b);
      }
      out.push({ text: n.textContent.trim().slice(0, 30), cls: el.getAttribute("class") ?? el.tagName, px });
    }
    return out;
  });
}

describe("raftlab page: one screen, and the walk-through's fixes", () => {
  const env = serveAndLaunch();

  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ]) {
    it(`shows the ring, every log and the events on one screen at ${viewport.width}x${viewport.height}`, async () => {
      const { context, page, errors } = await openPage(env.browser, env.server.url, { viewport });
      try {
        await waitForLeader(page);
        await sendRequest(page, "on-screen");
        await frames(page, 5);
        const b = await boxes(page);
        const inside = (r, what) => {
          assert.ok(r.top >= 0 && r.left >= 0 && r.bottom <= viewport.height + 0.5 && r.right <= viewport.width + 0.5, `${what} is within the viewport: ${JSON.stringify(r)}`);
        };
        inside(b.ring, "the ring");
        inside(b.logs, "the logs");
        inside(b.events, "the event strip");
        assert.ok(b.ring.height >= 400, `the ring is large (${b.ring.height} px)`);
        assert.ok(b.events.height >= 100, `the event strip has room (${b.events.height} px)`);
        assert.equal(b.rows.length, 5);
        for (const [i, r] of b.rows.entries()) {
          assert.ok(r.top >= b.logsScroll.top - 0.5 && r.bottom <= b.logsScroll.bottom + 0.5, `log row ${i + 1} is visible without scrolling`);
        }
        assert.ok(b.scrollHeight <= viewport.height, `the page does not scroll (${b.scrollHeight} px tall)`);
        assert.ok(b.scrollWidth <= viewport.width, `no sideways scrolling (${b.scrollWidth} px wide)`);
        const small = (await textSizes(page)).filter((t) => t.px < 13.95);
        assert.deepEqual(small, [], "every text is at least 14 px");
        assertNoErrors(errors);
      } finally {
        await context.close();
      }
    });
  }

  it("works at 390 px wide: the ring, its actions, the logs and the events stack", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url, { viewport: { width: 390, height: 844 } });
    try {
      const leader = await waitForLeader(page);
      const b = await boxes(page);
      assert.ok(b.ring.width >= 300 && b.ring.right <= 390.5, `the ring fits the width (${JSON.stringify(b.ring)})`);
      assert.ok(b.logs.top >= b.ring.bottom - 0.5, "the logs come below the ring");
      assert.ok(b.scrollWidth <= 390, `no sideways scrolling (${b.scrollWidth} px wide)`);
      await nodeAction(page, "Crash", leader.id);
      await page.waitForSelector(`svg [data-node-id="${leader.id}"][data-alive="false"]`, { timeout: WAIT });
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("Space is play/pause after every control, and never repeats the control's action", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    const r = page.locator("raft-cluster");
    const playing = () => page.evaluate(() => document.querySelector("raft-cluster").playing);
    const space = async (expectPlaying) => {
      await page.keyboard.press(" ");
      await r.getByRole("button", { name: expectPlaying ? "Pause" : "Play", exact: true }).waitFor({ timeout: WAIT });
      assert.equal(await playing(), expectPlaying);
    };
    try {
      await fastest(page);
      await waitForLeader(page);
      // Step pauses; Space plays; Space pauses.
      await r.getByRole("button", { name: /^Step \+/ }).click();
      assert.equal(await playing(), false);
      const t0 = await page.evaluate(() => document.querySelector("raft-cluster").cluster.nowMs);
      await space(true);
      await space(false);
      assert.ok((await page.evaluate(() => document.querySelector("raft-cluster").cluster.nowMs)) >= t0, "Space did not step again");
      await space(true);
      await waitForLeader(page);

      // Send request: once.
      await r.getByLabel("Command").fill("space-1");
      await r.getByRole("button", { name: "Send request", exact: true }).click();
      assert.equal(await r.getByLabel("Command").inputValue(), "space-2");
      await space(false);
      assert.equal(await r.getByLabel("Command").inputValue(), "space-2", "Space did not send the request again");
      await space(true);

      // Heal, Apply partition.
      await openPanel(page, "Partition");
      await r.getByRole("button", { name: "Heal", exact: true }).click();
      await space(false);
      await r.getByLabel("Partition groups").fill("1 | 2,3,4,5");
      await r.getByRole("button", { name: "Apply partition", exact: true }).click();
      await space(true);
      await r.getByRole("button", { name: "Heal", exact: true }).click();
      await space(false);

      // A node's action: Crash S2, then Space plays and S2 stays crashed (no Restart).
      await nodeAction(page, "Crash", 2);
      await space(true);
      await frames(page, 5);
      assert.equal((await nodes(page)).find((n) => n.id === 2).alive, false, "Space did not restart S2");
      await nodeAction(page, "Restart", 2);
      await space(false);

      // Reset asks first (a stored cluster exists); Space on the question plays/pauses and
      // does not answer it; after the reset, Space keeps the new cluster.
      await frames(page, 3);
      const seed0 = await page.evaluate(() => document.querySelector("raft-cluster").cluster.seed);
      await openPanel(page, "New cluster");
      await r.getByRole("button", { name: "Reset", exact: true }).click();
      const ask = r.getByRole("alertdialog", { name: "Discard the stored cluster?" });
      await ask.waitFor({ timeout: WAIT });
      assert.match(await ask.textContent(), /discards the stored cluster \(5 nodes, seed/);
      await space(true);
      assert.equal(await page.evaluate(() => document.querySelector("raft-cluster").cluster.seed), seed0, "not reset without an answer");
      await r.getByRole("button", { name: "Discard and reset", exact: true }).click();
      await page.waitForFunction((s) => document.querySelector("raft-cluster").cluster.seed !== s, seed0, { timeout: WAIT });
      const seed1 = await page.evaluate(() => document.querySelector("raft-cluster").cluster.seed);
      await space(false);
      await space(true);
      assert.equal(await page.evaluate(() => document.querySelector("raft-cluster").cluster.seed), seed1, "Space did not reset again");
      // Cancel keeps the cluster.
      await r.getByRole("button", { name: "Reset", exact: true }).click();
      await r.getByRole("button", { name: "Cancel", exact: true }).click();
      await ask.waitFor({ state: "hidden", timeout: WAIT });
      assert.equal(await page.evaluate(() => document.querySelector("raft-cluster").cluster.seed), seed1);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("narrates a crashed leader, names nodes as S1..Sn in messages, and keeps drops out of the way", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    const r = page.locator("raft-cluster");
    try {
      await fastest(page);
      // Dropped messages are off in the event log by default.
      assert.equal(await r.getByLabel("Show dropped messages").isChecked(), false);
      const leader = await waitForLeader(page);
      await pause(page);
      await nodeAction(page, "Crash", leader.id);
      await nodeAction(page, "Details of", leader.id);
      const details = r.locator(".details");
      await details.getByText("crashed (was leader)", { exact: true }).waitFor({ timeout: WAIT });

      // A follower times out: its RequestVotes are in flight (paused), candidateId reads S<id>.
      const follower = (await nodes(page)).find((n) => n.alive && n.role === "follower");
      await nodeAction(page, "Time out", follower.id);
      await page.keyboard.press("Escape");
      await r.locator(".node-menu").waitFor({ state: "hidden", timeout: WAIT });
      const rv = r.locator('svg [data-message-id][data-kind="RequestVote"]').first();
      await rv.waitFor({ timeout: WAIT });
      await rv.click({ force: true });
      const cand = details.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "candidateId", exact: true }) });
      assert.equal((await cand.getByRole("cell").textContent()).trim(), `S${follower.id}`);

      // Under 50% loss, no drop marker covers a node's name.
      await openPanel(page, "Network");
      await r.getByLabel("Drop rate").fill("0.5");
      await page.keyboard.press("Escape");
      await r.getByRole("button", { name: "Play", exact: true }).click();
      for (let i = 0; i < 40; i++) {
        await frames(page, 3);
        const overlap = await page.evaluate(() => {
          const root = document.querySelector("raft-cluster").shadowRoot;
          const names = [...root.querySelectorAll(".node .name")].map((e) => e.getBoundingClientRect());
          for (const d of root.querySelectorAll(".drop")) {
            const b = d.getBoundingClientRect();
            for (const n of names) {
              if (b.left < n.right && b.right > n.left && b.top < n.bottom && b.bottom > n.top) return true;
            }
          }
          return false;
        });
        assert.equal(overlap, false, "a drop marker covers a node's name");
      }
      // The event log still has no drop lines; the partition line says what is true.
      assert.equal(await r.locator('li[data-kind="messageDropped"]').count(), 0);
      await nodeAction(page, "Disconnect", follower.id);
      await openPanel(page, "Partition");
      await r.getByText(new RegExp(`^Now: S${follower.id} is disconnected`)).waitFor({ timeout: WAIT });
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 853, height: 480 },
  ])
  it(`does not clip the log-row headers or the nextIndex / matchIndex markers at ${viewport.width}x${viewport.height}`, async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url, { viewport });
    try {
      await fastest(page);
      await waitForLeader(page);
      for (const c of ["a=1", "b=2", "c=3"]) await sendRequest(page, c);
      await frames(page, 10);
      const clipped = await page.evaluate(() => {
        const root = document.querySelector("raft-cluster").shadowRoot;
        const out = [];
        for (const row of root.querySelectorAll("[data-log-node]")) {
          const rb = row.getBoundingClientRect();
          const head = row.querySelector(".log-head");
          for (const el of head.querySelectorAll("*")) {
            if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== "visible") out.push(`row ${row.dataset.logNode}: ${el.className} clipped sideways`);
            const b = el.getBoundingClientRect();
            if (b.width > 0 && (b.bottom > rb.bottom + 0.5 || b.top < rb.top - 0.5 || b.right > head.getBoundingClientRect().right + 0.5)) out.push(`row ${row.dataset.logNode}: ${el.className} outside its header`);
          }
          const scroller = root.querySelector(".logs-scroll").getBoundingClientRect();
          for (const m of row.querySelectorAll(".marker:not([hidden])")) {
            const b = m.getBoundingClientRect();
            if (b.bottom > rb.bottom + 0.5 || b.top < rb.top - 0.5) out.push(`row ${row.dataset.logNode}: ${m.className} outside its row`);
            if (b.left < head.getBoundingClientRect().right - 0.5 || b.right > scroller.right + 0.5) out.push(`row ${row.dataset.logNode}: ${m.className} scrolled partly out of view`);
          }
        }
        return out;
      });
      assert.deepEqual(clipped, []);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("reaches messages from the keyboard (m) and drops one with Enter on its button", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    const r = page.locator("raft-cluster");
    try {
      await fastest(page);
      await waitForLeader(page);
      await pause(page);
      const msg = r.locator("svg [data-message-id]").first();
      for (let i = 0; i < 200 && (await msg.count()) === 0; i++) await r.getByRole("button", { name: /^Step \+/ }).click();
      await page.keyboard.press("m");
      const details = r.locator(".details");
      await details.getByRole("rowheader", { name: "message id", exact: true }).waitFor({ timeout: WAIT });
      const drop = details.getByRole("button", { name: /^Drop message \d+$/ });
      const name = await drop.textContent();
      const id = Number(name.replace(/\D+/g, ""));
      await drop.focus();
      await page.keyboard.press("Enter");
      await r.locator("p.status").getByText(`Dropped message ${id}.`).waitFor({ timeout: WAIT });
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("honours prefers-reduced-motion: messages wait half-way instead of gliding", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    const r = page.locator("raft-cluster");
    try {
      await page.emulateMedia({ reducedMotion: "reduce" });
      await waitForLeader(page);
      // At the default speed a message takes many frames to cross; with reduced motion its
      // position does not change while it is in flight.
      const msg = r.locator("svg [data-message-id]").first();
      await msg.waitFor({ timeout: WAIT });
      const id = await msg.getAttribute("data-message-id");
      const at = () => r.locator(`svg [data-message-id="${id}"]`).evaluateAll((els) => els.map((e) => e.getAttribute("transform")));
      const first = await at();
      await frames(page, 3);
      const second = await at();
      if (first.length === 1 && second.length === 1) assert.equal(second[0], first[0], "the message did not move");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  // A student opens a Lab 3 run and a 9-node cluster at each size: no ring label over another
  // or over a node's circle, and the status line wraps instead of ending in "…".
  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
    { width: 390, height: 844 },
  ])
    it(`ring labels clear of each other and of the circles, the status line whole, at ${viewport.width}x${viewport.height}`, async () => {
      for (const url of ["?nodes=9&seed=42", "?runFile=runs/TestFigure8Unreliable3C.json"]) {
        const { context, page, errors } = await openPage(env.browser, `${env.server.url}${url}`, { viewport });
        try {
          if (url.includes("nodes")) {
            await fastest(page);
            await waitForLeader(page);
            await pause(page);
          } else {
            await page.waitForFunction(() => /TestFigure8Unreliable3C/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
          }
          await frames(page, 3);
          assert.deepEqual(await ringCollisions(page), [], `${url}: no ring label overlaps another or a node's circle`);
          assert.deepEqual(await statusCut(page), [], `${url}: the status line wraps, it is not cut to …`);
          assertNoErrors(errors);
        } finally {
          await context.close();
        }
      }
    });
});
