// End-to-end: the phone (issue 14, item 10), at 390x844 on a touch screen: the ring and a
// node's actions are on the first screen, the toolbar folds into "Menu", every control is
// reachable, touch targets are at least 44 px, and no hint speaks of keys. Needs dist/.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WAIT, serveAndLaunch } from "./helpers.mjs";

const VIEWPORT = { width: 390, height: 844 };

async function openPhone(browser, url) {
  const context = await browser.newContext({ viewport: VIEWPORT, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && errors.push(`console error: ${m.text()}`));
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
});
