// End-to-end: a frame costs little and does not grow (issue 14, item 3), checked by what the
// frames redraw, not by timing: <raft-cluster>.drawCounts counts log rows and entries
// redrawn, logWindow() calls and writes of the timeline markers' transform.
//  1. Playing on with nothing new in any log (heartbeats only), a frame redraws no log row and
//     no entry and asks for no log window; a new request redraws only what it changed.
//  2. In a long run the timeline's markers are not rescaled every frame (only when the
//     newest would lag by about a pixel), and they are a few paths, not one element each, nor
//     one path a kind that grows with the run (a new marker re-parses its path).
//  3. In slow motion (0.3× and below: the default 0.1×) frames drawn only for time passing come
//     every other display frame; at 1× every display frame; anything else asked for (a node
//     selected) is drawn at the next display frame.
//  4. The ring's SVG is sized in px, its panel's size, and follows the panel when the window
//     is resized (sized in percent, Chrome lays every shape and text of the ring out again at
//     every layout).
//  5. Under load a delivered message's mark is reused for the next message of its style, not
//     made again, and a mark kept for reuse is never taken for a message.
//  6. Under load (snapshots taking ten entries out of the view at once) a log entry that left
//     the view is reused for one that comes into it, not made again, and an entry kept for
//     reuse is never taken for an entry: every `.entry` is one of its row's log, once. Following
//     the newest entries the table scrolls by pages, not once per entry (each scroll repaints
//     every entry in view), and the newest stay in view.
//  7. Under load the tracked requests are asked for at most every 200 ms while playing (each
//     request and nearly every commit would ask for them), and a request sent from the
//     Command form while playing is still said committed, on the status line and as its reply;
//     after a seek back, requests the run replays are said committed as they commit.
//  8. Under load the text panels (the logs table, the event log) are drawn at most every
//     100 ms while playing (the ring every frame); the event log, following the newest, draws
//     only the lines its box can show (the newest, filling it) and every line once pointed at.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WAIT, assertNoErrors, fastest, installClientLoad, openPage, pause, play, sendRequest, serveAndLaunch, waitCommittedOn, waitForLeader } from "./helpers.mjs";

const counts = (page) => page.evaluate(() => ({ ...document.querySelector("raft-cluster").drawCounts, frames: document.querySelector("raft-cluster").framesDrawn }));

/** Waits until the page drew `n` more frames. */
async function framesDrawn(page, n) {
  const f0 = await page.evaluate(() => document.querySelector("raft-cluster").framesDrawn);
  await page.waitForFunction((until) => document.querySelector("raft-cluster").framesDrawn >= until, f0 + n, { timeout: WAIT });
}

describe("raftlab page: frame cost (issue 14, item 3)", () => {
  const env = serveAndLaunch();

  it("1. playing on with no log changing redraws no log row or entry and asks for no window", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=1`, { viewport: { width: 1280, height: 720 } });
    try {
      await waitForLeader(page);
      for (const cmd of ["x=1", "y=2", "z=3"]) await sendRequest(page, cmd);
      await waitCommittedOn(page, "z=3", 5);
      // Every row has applied everything (followers learn commitIndex with a heartbeat).
      await page.waitForFunction(() => {
        const rows = [...window.__raft("[data-log-node]")];
        const last = Math.max(...rows.map((r) => Number(r.getAttribute("data-last-index"))));
        return rows.every((r) => Number(r.getAttribute("data-last-applied")) === last);
      }, null, { timeout: WAIT });
      await framesDrawn(page, 5);
      const before = await counts(page);
      await framesDrawn(page, 30);
      const after = await counts(page);
      assert.ok(after.frames - before.frames >= 30, "the page plays on");
      const shown = await page.evaluate(() => window.__raft(".entry").length);
      assert.ok(shown >= 15, `entries are drawn (${shown})`);
      assert.equal(after.logEntries - before.logEntries, 0, "no log entry redrawn while no log changed");
      assert.equal(after.logRows - before.logRows, 0, "no log row redrawn while no log changed");
      assert.equal(after.logWindows - before.logWindows, 0, "no logWindow() asked for while no log changed");
      // A new request: its entry is drawn on every row, the others are left alone.
      await sendRequest(page, "w=4");
      await waitCommittedOn(page, "w=4", 5);
      const later = await counts(page);
      assert.ok(later.logWindows > after.logWindows, "a changed log is asked for again");
      assert.ok(later.logRows > after.logRows, "the rows say the new commitIndex");
      // 5 rows x (appended, committed, applied: a few redraws of the new entry each).
      assert.ok(later.logEntries - after.logEntries <= 5 * 6, `only the new entry redrawn (${later.logEntries - after.logEntries} entry redraws)`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("2. in a long run the timeline's markers are rescaled about once a pixel, not every frame", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=2`, { viewport: { width: 1280, height: 720 } });
    try {
      await waitForLeader(page);
      await pause(page);
      // Two virtual minutes with requests and a crash, run as a page script would.
      await page.evaluate(() => {
        const c = document.querySelector("raft-cluster").cluster;
        for (let t = 0; t < 120_000; t += 50) {
          c.advance(50);
          if (t % 400 === 0) {
            try {
              c.request(`r${t}`);
            } catch {
              // no leader at the moment
            }
          }
          if (t === 30_000) c.crash(2);
          if (t === 40_000) c.restart(2);
        }
      });
      await play(page);
      await framesDrawn(page, 5);
      const before = await counts(page);
      await framesDrawn(page, 40);
      const after = await counts(page);
      // At 0.1x a frame adds about 1.7 virtual ms; a pixel of a 2-minute run is about 120.
      assert.ok(after.timelineTransforms - before.timelineTransforms <= 2, `markers rescaled ${after.timelineTransforms - before.timelineTransforms} times in ${after.frames - before.frames} frames`);
      const marks = await page.evaluate(() => {
        const paths = window.__raft("svg.timeline-marks .mark");
        return {
          elements: paths.length,
          kinds: paths.map((m) => m.getAttribute("data-kind")),
          perPath: paths.map((m) => (m.getAttribute("d")?.match(/M/g) ?? []).length),
          total: document.querySelector("raft-cluster").cluster.timeline().markers.length,
        };
      });
      assert.ok(marks.kinds.includes("crash") && marks.kinds.includes("action") && marks.kinds.includes("election"), `marker kinds: ${marks.kinds}`);
      // A path holds at most MARKS_PER_PATH_MAX (200) markers: adding one re-parses its path.
      assert.ok(marks.total > 200, `markers: ${marks.total}`);
      assert.ok(Math.max(...marks.perPath) <= 200, `at most 200 markers a path (${marks.perPath})`);
      assert.ok(marks.elements <= 4 + Math.floor(marks.total / 200), `a few paths per kind (${marks.elements} elements for ${marks.total} markers)`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("3. in slow motion the page draws every other display frame, at 1x every one, and what is asked for at once", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=4`, { viewport: { width: 1280, height: 720 } });
    try {
      await waitForLeader(page);
      /** Frames the element drew during the next `n` display frames. */
      const drawnIn = (n) =>
        page.evaluate(async (n) => {
          const el = document.querySelector("raft-cluster");
          await new Promise((r) => requestAnimationFrame(r));
          const f0 = el.framesDrawn;
          for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(r));
          return el.framesDrawn - f0;
        }, n);
      const slow = await drawnIn(60);
      assert.ok(slow >= 20 && slow <= 40, `at 0.1x about every other display frame is drawn (${slow} of 60)`);
      // Selecting a node (a click on it) is drawn at the next display frame, paced or not.
      const selectedIn = await page.evaluate(async () => {
        const el = document.querySelector("raft-cluster");
        const node = el.shadowRoot.querySelector('svg [data-node-id="2"]');
        await new Promise((r) => requestAnimationFrame(r));
        const f0 = el.framesDrawn;
        node.dispatchEvent(new MouseEvent("click", { bubbles: true, composed: true }));
        await new Promise((r) => requestAnimationFrame(r));
        await new Promise((r) => setTimeout(r));
        return el.framesDrawn - f0;
      });
      assert.ok(selectedIn >= 1, "a click is drawn at the next display frame");
      await page.evaluate(() => document.querySelector("raft-cluster").setAttribute("speed", "1"));
      const full = await drawnIn(60);
      assert.ok(full >= 50, `at 1x every display frame is drawn (${full} of 60)`);
      await pause(page);
      await play(page);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("4. the ring's drawing is sized in px, as large as its panel, and follows a resize", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=1`, { viewport: { width: 1280, height: 720 } });
    try {
      const sizes = () =>
        page.evaluate(() => {
          const svg = window.__raft("svg.ring-view")[0];
          const panel = svg.parentElement;
          return { style: [svg.style.width, svg.style.height], svg: [svg.clientWidth, svg.clientHeight], panel: [panel.clientWidth, panel.clientHeight] };
        });
      for (const viewport of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }, { width: 1000, height: 700 }]) {
        await page.setViewportSize(viewport);
        await framesDrawn(page, 3);
        const s = await sizes();
        assert.match(s.style.join(" "), /^[\d.]+px [\d.]+px$/, `sized in px at ${viewport.width}x${viewport.height}: ${JSON.stringify(s)}`);
        for (const i of [0, 1]) assert.ok(Math.abs(s.svg[i] - s.panel[i]) <= 1, `the drawing fills its panel at ${viewport.width}x${viewport.height}: ${JSON.stringify(s)}`);
      }
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("5. under load message marks are reused, and every mark in the drawing is a message in flight", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=9&seed=1`, { viewport: { width: 1280, height: 720 } });
    try {
      await waitForLeader(page);
      await fastest(page);
      await play(page);
      await installClientLoad(page);
      // 20 requests a second for 150 frames: hundreds of messages come and go.
      const r = await page.evaluate(async () => {
        const el = document.querySelector("raft-cluster");
        const stopLoad = window.__clientLoad([el], 20);
        const made0 = el.drawCounts.messageMarks;
        const seen = new Set();
        const f0 = el.framesDrawn;
        while (el.framesDrawn < f0 + 150) {
          await new Promise((ok) => requestAnimationFrame(ok));
          for (const m of el.cluster.state().messages) seen.add(m.id);
        }
        stopLoad();
        return { made: el.drawCounts.messageMarks - made0, seen: seen.size };
      });
      assert.ok(r.seen >= 200, `messages came and went (${r.seen})`);
      assert.ok(r.made <= r.seen / 4, `marks are reused, not made for each message: ${r.made} made for ${r.seen} messages`);
      await pause(page);
      // Paused, the drawing settles on the messages in flight (a last frame is drawn).
      await page.evaluate(() => {
        window.__marks = () => ({
          drawn: window.__raft("svg [data-message-id]").map((g) => Number(g.getAttribute("data-message-id"))).sort((a, b) => a - b),
          marks: window.__raft("svg .msg").length,
          live: document.querySelector("raft-cluster").cluster.state().messages.map((m) => m.id).sort((a, b) => a - b),
        });
      });
      const same = await page
        .waitForFunction(() => {
          const m = window.__marks();
          return m.live.length > 0 && m.drawn.join() === m.live.join() && m.marks === m.live.length;
        }, null, { timeout: 5000 })
        .then(() => true, () => false);
      const ids = await page.evaluate(() => window.__marks());
      assert.ok(same, `the marks drawn are the messages in flight, no more, and a kept mark is not a .msg: ${JSON.stringify(ids)}`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("6. under load log entries that leave the view are reused, and every entry drawn is one of its row's log, once", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=1`, { viewport: { width: 1280, height: 720 } });
    try {
      await waitForLeader(page);
      await fastest(page);
      await play(page);
      await installClientLoad(page);
      // 20 requests a second for 200 frames: the default snapshots (every 10 entries) take
      // entries out of the view in tens while new ones come one by one.
      const r = await page.evaluate(async () => {
        const el = document.querySelector("raft-cluster");
        const last = () => el.cluster.state().nodes.reduce((a, n) => a + n.lastLogIndex, 0);
        const longest = () => Math.max(...el.cluster.state().nodes.map((n) => n.lastLogIndex));
        const c0 = el.drawCounts;
        const last0 = last();
        const longest0 = longest();
        await window.__framesUnderLoad(el, 200);
        const c = el.drawCounts;
        return { made: c.logEntriesMade - c0.logEntriesMade, scrolls: c.logScrolls - c0.logScrolls, appended: last() - last0, columns: longest() - longest0 };
      });
      assert.ok(r.appended >= 100, `the logs grew (${r.appended} entries in all rows)`);
      assert.ok(r.made <= r.appended / 4, `entries are reused, not made for each new one: ${r.made} made for ${r.appended} appended`);
      assert.ok(r.scrolls <= r.columns / 3, `the table scrolls by pages: ${r.scrolls} scrolls for ${r.columns} new columns`);
      await pause(page);
      // The newest entry of the longest log is in view.
      const newest = await page.evaluate(() => {
        const rows = window.__raft("[data-log-node]");
        const hi = Math.max(...rows.map((row) => Number(row.getAttribute("data-last-index"))));
        const e = window.__raft(`.entry[data-index="${hi}"]`)[0];
        const view = window.__raft(".logs-scroll")[0].getBoundingClientRect();
        const b = e?.getBoundingClientRect();
        return { hi, inView: !!b && b.left >= view.left - 1 && b.right <= view.right + 1, b: b && [b.left, b.right], view: [view.left, view.right] };
      });
      assert.ok(newest.inView, `the newest entry (${newest.hi}) is in view: ${JSON.stringify(newest)}`);
      // Every .entry is an entry of its row's log (snapshotIndex < index <= lastLogIndex), once.
      const wrong = await page.evaluate(() =>
        window.__raft("[data-log-node]").flatMap((row) => {
          const lo = Number(row.getAttribute("data-snapshot-index"));
          const hi = Number(row.getAttribute("data-last-index"));
          const seen = new Set();
          return [...row.querySelectorAll(".entry")].flatMap((e) => {
            const i = Number(e.getAttribute("data-index"));
            const bad = !(i > lo && i <= hi) || seen.has(i) || e.getAttribute("data-node") !== row.getAttribute("data-log-node");
            seen.add(i);
            return bad ? [`row ${row.getAttribute("data-log-node")} (${lo}..${hi}): entry ${e.getAttribute("data-node")}/${i}`] : [];
          });
        }),
      );
      assert.deepEqual(wrong, [], "entries drawn that are not their row's, or twice");
      // An entry's sentence (title, accessible name) is written under the pointer and follows
      // it; no entry says what it showed before (its reuse for another index, a commit).
      // The pointer on two of row 1's oldest entries in turn (the first keeps the sentence it
      // had; both leave the view as the table follows the newest).
      const oldest = await page.evaluate(() => window.__raft('[data-log-node="1"] .entry').map((e) => Number(e.getAttribute("data-index"))).sort((a, b) => a - b).slice(0, 2));
      for (const index of oldest) {
        const e = page.locator(`raft-cluster [data-log-node="1"] .entry[data-index="${index}"]`);
        await e.hover();
        assert.match((await e.getAttribute("title")) ?? "", new RegExp(`^index ${await e.getAttribute("data-index")},`));
      }
      await play(page);
      await page.evaluate(() => window.__framesUnderLoad(document.querySelector("raft-cluster"), 60));
      await pause(page);
      const stale = await page.evaluate(() =>
        window.__raft(".entry[title]").flatMap((e) => {
          const row = e.closest("[data-log-node]");
          const i = Number(e.getAttribute("data-index"));
          const said = `${e.getAttribute("title")} / ${e.getAttribute("aria-label")}`;
          const ok = said.startsWith(`index ${i},`) && /committed/.test(said) && (i <= Number(row.getAttribute("data-commit-index"))) === !said.includes("not committed");
          return ok ? [] : [`${e.getAttribute("data-node")}/${i}: ${said.slice(0, 80)}`];
        }),
      );
      assert.deepEqual(stale, [], "entries whose sentence is not what they show");
      // A user who scrolls slowly to the left (the wheel, 40 px at a time) past the newest
      // stops the following: the table stays where they put it as the log grows (the room
      // past the newest is not taken for the table's end, and no step snaps a page back).
      // (Snapshots off, so the logs are longer than the view; 60 entries, as a script would.)
      await page.evaluate(() => {
        const el = document.querySelector("raft-cluster");
        el.cluster = new el.cluster.constructor({ nodes: 5, seed: 1, snapshotEvery: 0 });
        const c = el.cluster;
        for (let i = 0; i < 400 && c.state().leader === null; i++) c.advance(25);
        for (let i = 0; i < 60; i++) {
          c.request(`wide-${i}`);
          c.advance(20);
        }
        for (let i = 0; i < 40; i++) c.advance(25);
      });
      await page.waitForFunction(() => window.__raft(".logs-scroll")[0].scrollLeft > 0, null, { timeout: WAIT });
      const scroller = page.locator("raft-cluster .logs-scroll");
      const box = await scroller.boundingBox();
      await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
      const start = await scroller.evaluate((e) => e.scrollLeft);
      let at = start;
      for (let i = 0; i < 12; i++) {
        await page.mouse.wheel(-40, 0);
        await page.waitForFunction((at) => window.__raft(".logs-scroll")[0].scrollLeft !== at, at, { timeout: WAIT });
        // A frame for the scroll (paused: the view draws the columns scrolled to).
        await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
        at = await scroller.evaluate((e) => e.scrollLeft);
      }
      assert.ok(at < start - 300, `scrolled left: ${start} -> ${at}`);
      const before = at;
      await play(page);
      await page.evaluate(() => window.__framesUnderLoad(document.querySelector("raft-cluster"), 40));
      await pause(page);
      const after = await scroller.evaluate((e) => e.scrollLeft);
      assert.ok(Math.abs(after - before) <= 1, `the table stayed where the user scrolled it: ${before} -> ${after}`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  it("7. under load the requests are asked for at most every 200 ms while playing, and a request sent is said committed", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=3`, { viewport: { width: 1280, height: 720 } });
    try {
      await waitForLeader(page);
      await fastest(page);
      await play(page);
      await installClientLoad(page);
      const r = await page.evaluate(async () => {
        const el = document.querySelector("raft-cluster");
        const asked0 = el.drawCounts.requestsAsked;
        const f0 = el.framesDrawn;
        const t0 = performance.now();
        await window.__framesUnderLoad(el, 120);
        return { asked: el.drawCounts.requestsAsked - asked0, ms: performance.now() - t0, frames: el.framesDrawn - f0 };
      });
      assert.ok(r.asked >= 2, `asked for the requests (${r.asked} times)`);
      assert.ok(r.asked <= r.ms / 200 + 2, `asked ${r.asked} times in ${Math.round(r.ms)} ms (${r.frames} frames)`);
      const said = await sendRequest(page, "throttled-1");
      assert.match(said ?? "", /throttled-1|sent|accepted|leader/i);
      const root = page.locator("raft-cluster");
      await root.locator(".status").getByText(/“throttled-1” \(index \d+, term \d+\) is committed/).waitFor({ timeout: WAIT });
      await root.locator(".result").getByText(/“throttled-1”.* is committed/).waitFor({ timeout: WAIT });
      // Back to before three more requests (none pending there): playing on replays them (no
      // new input), and each is said committed as it commits.
      await pause(page);
      await page.evaluate(() => {
        const c = document.querySelector("raft-cluster").cluster;
        const from = c.state().nowMs;
        for (let i = 1; i <= 3; i++) {
          c.request(`replayed-${i}`);
          c.advance(300);
        }
        c.seek(from);
      });
      await play(page);
      await root.locator(".status").getByText(/“replayed-3” \(index \d+, term \d+\) is committed/).waitFor({ timeout: WAIT });
    } finally {
      await context.close();
    }
  });

  it("8. under load the logs and the event log are drawn at most ten times a second while playing; following, the event log draws only the lines its box can show, and every line once pointed at", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?nodes=5&seed=4`, { viewport: { width: 1280, height: 720 } });
    try {
      await waitForLeader(page);
      await fastest(page);
      await play(page);
      await installClientLoad(page);
      const r = await page.evaluate(async () => {
        const el = document.querySelector("raft-cluster");
        const c0 = el.drawCounts;
        const f0 = el.framesDrawn;
        const t0 = performance.now();
        await window.__framesUnderLoad(el, 120);
        const c1 = el.drawCounts;
        return { logs: c1.logDraws - c0.logDraws, events: c1.eventDraws - c0.eventDraws, scrolls: c1.logScrolls - c0.logScrolls, ms: performance.now() - t0, frames: el.framesDrawn - f0 };
      });
      const said = `in ${Math.round(r.ms)} ms (${r.frames} frames, ${r.scrolls} scrolls): the logs drawn ${r.logs} times, the events ${r.events}`;
      assert.ok(r.logs >= 2 && r.events >= 2, `both drawn ${said}`);
      // Besides their time, a scroll of the table to follow the newest draws both at once.
      assert.ok(r.logs <= r.ms / 100 + r.scrolls + 2, `the logs at most every 100 ms ${said}`);
      assert.ok(r.events <= r.ms / 100 + r.scrolls + 2, `the events at most every 100 ms ${said}`);
      // Following the newest: the lines drawn are the newest and fill the box; the rest are
      // in the list, not drawn.
      const lines = () =>
        page.evaluate(() => {
          const list = window.__raft(".event-list")[0];
          const all = window.__raft(".event-list li");
          const shown = all.filter((li) => getComputedStyle(li).display !== "none");
          return {
            all: all.length,
            shown: shown.length,
            newestFirst: shown.every((li, i) => li === all[i]),
            filled: (shown.at(-1)?.getBoundingClientRect().bottom ?? 0) >= list.getBoundingClientRect().bottom,
          };
        });
      const following = await lines();
      assert.ok(following.all > following.shown, `lines not drawn while following (${following.shown} of ${following.all} drawn)`);
      assert.ok(following.newestFirst, "the lines drawn are the newest");
      assert.ok(following.filled, "the lines drawn fill the box");
      // Pointing at the list draws every line (the user may scroll to them).
      await page.locator("raft-cluster .event-list").hover();
      const pointed = await lines();
      assert.equal(pointed.shown, pointed.all, "every line is drawn while the list is pointed at");
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
