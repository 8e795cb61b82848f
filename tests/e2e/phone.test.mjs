// End-to-end: the phone (issue 14, item 10), at 390x844 on a touch screen: the ring and a
// node's actions are on the first screen, the toolbar folds into "Menu", every control is
// reachable, touch targets are at least 44 px, and no hint speaks of keys. Needs dist/.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WAIT, serveAndLaunch } from "./helpers.mjs";
import { axeViolations, clippedLogTexts, columnsInView, logCovers, ringCollisions } from "./overlap.mjs";

const VIEWPORT = { width: 390, height: 844 };

async function openPhone(browser, url) {
  const context = await browser.newContext({ viewport: VIEWPORT, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && errors.push(`console error: ${m.text()}`));
  await context.addInitScript(() => {
    window.__raft = (sel) => [...(document.querySelector("raft-cluster")?.shadowRoot?.querySelectorAll(sel) ?? [])];
  });
  await page.goto(url);
  await page.locator("raft-cluster").locator("svg [data-node-id]").first().waitFor({ timeout: WAIT });
  return { context, page, errors };
}

/** The element's visible controls smaller than 44 px either way: "what (w×h)". */
function smallTargets(page) {
  return page.evaluate(() => {
    const root = document.querySelector("raft-cluster").shadowRoot;
    const out = [];
    for (const el of root.querySelectorAll("button, select, input:not([type=checkbox]):not([type=file]), label.inline, svg [data-node-id]")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || el.closest(".visually-hidden")) continue;
      if (r.width < 44 || r.height < 44) out.push(`${el.getAttribute("aria-label") ?? el.textContent.trim().slice(0, 30)} (${Math.round(r.width)}×${Math.round(r.height)})`);
    }
    return out;
  });
}

/** Visible texts (the page's and the element's) that speak of keys. */
function keyTalk(page) {
  return page.evaluate(() => {
    const out = [];
    const scan = (root) => {
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const el = n.parentElement;
        if (!el || el.getClientRects().length === 0 || el.closest("option, title, style, script")) continue;
        if (/\b(keys?|keyboard|press|Space|Enter)\b/i.test(n.textContent)) out.push(n.textContent.trim().slice(0, 80));
      }
    };
    scan(document.body);
    scan(document.querySelector("raft-cluster").shadowRoot);
    return out;
  });
}

describe("raftlab page: on a phone", () => {
  const env = serveAndLaunch();

  it("shows the ring and a node's actions on the first screen, folds the toolbar into Menu, with 44 px targets and no talk of keys", async () => {
    const { context, page, errors } = await openPhone(env.browser, env.server.url);
    try {
      const r = page.locator("raft-cluster");
      const ring = await r.locator(".ring-view").boundingBox();
      assert.ok(ring.y >= 0 && ring.y + ring.height <= VIEWPORT.height && ring.width >= 300, `the ring is on the first screen: ${JSON.stringify(ring)}`);
      // Folded: Play and Menu; the rest waits in the menu.
      assert.equal(await r.getByRole("button", { name: "Send request", exact: true }).isVisible(), false);
      await r.locator('svg [data-node-id="2"]').tap();
      const crash = r.getByRole("button", { name: "Crash S2", exact: true });
      await crash.waitFor({ state: "visible", timeout: WAIT });
      const c = await crash.boundingBox();
      assert.ok(c.y >= 0 && c.y + c.height <= VIEWPORT.height, `the node's actions are on the first screen: ${JSON.stringify(c)}`);
      assert.deepEqual(await smallTargets(page), [], "touch targets of 44 px");
      assert.deepEqual(await keyTalk(page), [], "no hint speaks of keys");
      await r.getByRole("button", { name: "Close", exact: false }).first().tap().catch(() => undefined);
      // Every control is reachable from the menu.
      const menu = r.getByRole("button", { name: "Menu", exact: true });
      await menu.tap();
      assert.equal(await menu.getAttribute("aria-expanded"), "true");
      for (const name of ["Send request", "Network", "Partition", "New cluster", "Lecture", "Table", "Step back", "Step forward", "Copy link", "Export run", "Import run", "Break a rule"]) {
        const b = r.getByRole("button", { name: new RegExp(`^${name}`) }).first();
        assert.equal(await b.isVisible(), true, `${name} is reachable`);
        const box = await b.boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= VIEWPORT.width + 0.5, `${name} is not cut off: ${JSON.stringify(box)}`);
      }
      for (const name of ["Scenario", "Lab test"]) assert.equal(await r.getByRole("combobox", { name, exact: true }).isVisible(), true, `${name} is reachable`);
      assert.equal(await r.getByRole("slider", { name: "Timeline", exact: true }).isVisible(), true);
      assert.deepEqual(await smallTargets(page), [], "touch targets of 44 px with the menu open");
      assert.deepEqual(await keyTalk(page), [], "no hint speaks of keys with the menu open");
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(width <= VIEWPORT.width, `no sideways scrolling (${width} px)`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it("every panel of the menu opens on screen, under its button, within the width", async () => {
    const { context, page, errors } = await openPhone(env.browser, `${env.server.url}?scenario=figure-8`);
    try {
      const r = page.locator("raft-cluster");
      await r.getByRole("button", { name: "Menu", exact: true }).tap();
      for (const name of ["Network", "Partition", "New cluster", "Lecture", "Break a rule", "Clients"]) {
        const b = r.getByRole("button", { name: new RegExp(`^${name}`) }).and(r.locator("[aria-expanded]")).first();
        await b.tap();
        // Clients' code is fetched on its first tap (lazy.ts): its panel opens when it arrives.
        await r.getByRole("button", { name: new RegExp(`^${name}`) }).and(r.locator('[aria-expanded="true"]')).first().waitFor({ timeout: WAIT });
        assert.equal(await b.getAttribute("aria-expanded"), "true", `${name} opens`);
        const pop = r.locator(`#${await b.getAttribute("aria-controls")}`);
        const bb = await b.boundingBox();
        const pb = await pop.boundingBox();
        assert.ok(pb && pb.y >= bb.y + bb.height - 1 && pb.y < VIEWPORT.height, `${name}'s panel opens on screen under its button: button ${JSON.stringify(bb)}, panel ${JSON.stringify(pb)}`);
        assert.ok(pb.x >= 0 && pb.x + pb.width <= VIEWPORT.width + 0.5, `${name}'s panel is within the width: ${JSON.stringify(pb)}`);
        // Its first control can be used.
        const first = pop.locator("input, select, button").first();
        await first.scrollIntoViewIfNeeded();
        assert.equal(await first.isVisible(), true, `${name}'s first control is visible`);
        if (name === "Break a rule") assert.deepEqual(await axeViolations(page), [], "no axe violation on the phone, a panel open");
        await b.scrollIntoViewIfNeeded();
        await b.tap();
        assert.equal(await b.getAttribute("aria-expanded"), "false", `${name} closes`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it("in a scenario with a rule broken and its violation shown, the ring and a node's actions still come first; the step's caption follows the ring", async () => {
    const { context, page, errors } = await openPhone(env.browser, `${env.server.url}?scenario=figure-8-broken`);
    try {
      const r = page.locator("raft-cluster");
      const next = r.getByRole("button", { name: "Next step", exact: true });
      await next.waitFor({ state: "visible", timeout: WAIT });
      // To the violation, as a student would: Next step until the monitor turns red.
      for (let i = 0; i < 13 && !(await r.locator(".monitor[data-status=violated]").count()); i++) await next.tap();
      assert.ok(await r.locator(".monitor[data-status=violated]").count(), "the scenario reaches its violation");
      await page.evaluate(() => window.scrollTo(0, 0));
      const ring = await r.locator(".ring-view").boundingBox();
      assert.ok(ring.y >= 0 && ring.y + ring.height <= VIEWPORT.height, `the ring is on the first screen: ${JSON.stringify(ring)}`);
      const caption = await r.locator(".scenario-caption").boundingBox();
      assert.ok(caption.y >= ring.y + ring.height, `the caption follows the ring (${caption.y} after ${ring.y + ring.height})`);
      const nb = await next.boundingBox();
      assert.ok(nb.y + nb.height <= VIEWPORT.height, `Next step is on the first screen: ${JSON.stringify(nb)}`);
      await r.locator('svg [data-node-id="4"]').tap();
      const crash = r.getByRole("button", { name: /^(Crash|Restart) S4$/ });
      await crash.waitFor({ state: "visible", timeout: WAIT });
      const c = await crash.boundingBox();
      assert.ok(c.y >= 0 && c.y + c.height <= VIEWPORT.height, `the node's actions are on the first screen: ${JSON.stringify(c)}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it("log rows have room: entries beside each head, no jump button or nextIndex / matchIndex label over an entry, nothing cut", async () => {
    const { context, page, errors } = await openPhone(env.browser, env.server.url);
    try {
      const r = page.locator("raft-cluster");
      await r.getByRole("button", { name: "Menu", exact: true }).tap();
      await r.getByRole("combobox", { name: "Lab test", exact: true }).selectOption("TestFigure8Unreliable3C");
      await page.waitForFunction(() => /TestFigure8Unreliable3C/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      // Into its past: a tap on the Timeline's track, two thirds of the way (about 20 s).
      const slider = r.getByRole("slider", { name: "Timeline", exact: true });
      const box = await slider.boundingBox();
      await page.touchscreen.tap(box.x + box.width * 0.62, box.y + box.height / 2);
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster.nowMs > 15000, null, { timeout: WAIT });
      await r.getByRole("button", { name: "Menu", exact: true }).tap();
      await r.locator(".logs-panel").scrollIntoViewIfNeeded();
      const cols = await columnsInView(page);
      assert.ok(cols >= 3.5, `at least 3.5 log columns in view beside each row's head (2.5 with the 196 px head) (${cols.toFixed(1)})`);
      assert.deepEqual(await logCovers(page), [], "no jump button or label covers an entry");
      assert.deepEqual(await clippedLogTexts(page), [], "no text in the logs is cut off");
      assert.deepEqual(await ringCollisions(page), [], "no ring label overlaps another or a node's circle");
      assert.deepEqual(await axeViolations(page), [], "no axe violation in the phone's log rows");
      // A row's jump button shows its last entry.
      const jump = r.locator(".log-jump:not([hidden])").first();
      if (await jump.count()) {
        const row = await jump.evaluate((b) => b.closest("[data-log-node]").dataset.logNode);
        const last = Number(await jump.evaluate((b) => /(\d+)$/.exec(b.textContent)[1]));
        await jump.tap();
        await page.waitForFunction(({ row, last }) => {
          const e = window.__raft(`[data-log-node="${row}"] .entry[data-index="${last}"]`)[0];
          const s = window.__raft(".logs-scroll")[0].getBoundingClientRect();
          const b = e?.getBoundingClientRect();
          return b && b.left >= s.left && b.right <= s.right;
        }, { row, last }, { timeout: WAIT });
        assert.deepEqual(await logCovers(page), [], "no jump button or label covers an entry after the jump");
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
