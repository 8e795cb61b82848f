// End-to-end: links that stay links (issue 14, item 8). "Copy link" fills a Link field that
// shows the link readably (at least 240 px wide) beside its Copy button; opening that link
// keeps `?run=` in the address bar and shows the events up to the moment shown in the Events
// panel. A run file next to the page (?runFile=), a Lab 3 test chosen from its list and a
// scenario keep what reproduces them in the address too, never a `?nodes=&seed=` that loses
// them. Needs dist/ (npm run build).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WAIT, assertNoErrors, fastest, openPage, pause, play, serveAndLaunch, waitForLeader } from "./helpers.mjs";

const search = (page) => page.evaluate(() => location.search);

describe("raftlab page: links that stay links", () => {
  const env = serveAndLaunch();

  it("copies a readable link beside its button; opening it keeps ?run= and shows the events up to its moment", async () => {
    const { context, page, errors } = await openPage(env.browser, env.server.url);
    let url;
    try {
      const r = page.locator("raft-cluster");
      await fastest(page);
      await play(page);
      await waitForLeader(page);
      await pause(page);
      const copy = r.getByRole("button", { name: "Copy link", exact: true });
      await copy.click();
      const field = r.getByRole("textbox", { name: "Link", exact: true });
      await field.waitFor({ state: "visible", timeout: WAIT });
      url = await field.inputValue();
      assert.match(url, /\?run=raftlab-run-/);
      const f = await field.boundingBox();
      const b = await copy.boundingBox();
      assert.ok(f.width >= 240, `the Link field is ${f.width} px wide`);
      for (const [what, box] of [["the Link field", f], ["Copy link", b]]) {
        assert.ok(box.x >= 0 && box.x + box.width <= 1280.5 && box.y + box.height <= 720.5, `${what} is not cut off: ${JSON.stringify(box)}`);
      }
      // Beside its button: on the button's row or right below it, not far away.
      assert.ok(Math.abs(f.y - b.y) <= b.height + 12, `the Link field is beside Copy link (${JSON.stringify({ f, b })})`);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
    const opened = await openPage(env.browser, url);
    try {
      await opened.page.waitForFunction(() => /^Opened the link/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      assert.match(await search(opened.page), /[?&]run=raftlab-run-/, "the address still holds the link");
      assert.doesNotMatch(await search(opened.page), /[?&](nodes|seed)=/);
      // (the status is set when the link is opened; the Events panel is drawn at the next frame)
      const shown = await opened.page
        .waitForFunction(() => window.__raft(".event-list li").length > 0, null, { timeout: WAIT })
        .then(() => true, () => false);
      assert.ok(shown, "the Events panel shows the events up to the moment shown");
      // A reload brings the stored cluster back where it was, and the address still holds it.
      await opened.page.reload();
      await opened.page.waitForFunction(() => /^Restored the stored cluster/.test(window.__raft("p.status")[0]?.textContent ?? ""), null, { timeout: WAIT });
      assert.match(await search(opened.page), /[?&]run=raftlab-run-/);
      assertNoErrors(opened.errors);
    } finally {
      await opened.context.close();
    }
  });

  it("keeps ?runFile= for a run file next to the page and for a Lab 3 test chosen from the list, and ?scenario= for a scenario", async () => {
    const { context, page, errors } = await openPage(env.browser, `${env.server.url}?runFile=runs/TestBackup3B.json`);
    try {
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.title?.startsWith("TestBackup3B"), null, { timeout: WAIT });
      assert.equal(new URLSearchParams(await search(page)).get("runFile"), "runs/TestBackup3B.json");
      const r = page.locator("raft-cluster");
      await r.getByRole("combobox", { name: "Lab test", exact: true }).selectOption({ label: "TestFigure8Unreliable3C" });
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.title?.startsWith("TestFigure8Unreliable3C"), null, { timeout: WAIT });
      assert.equal(new URLSearchParams(await search(page)).get("runFile"), "runs/TestFigure8Unreliable3C.json", "the Lab 3 test by name");
      await r.getByRole("combobox", { name: "Scenario", exact: true }).selectOption("figure-8");
      await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.scenario()?.id === "figure-8", null, { timeout: WAIT });
      const q = new URLSearchParams(await search(page));
      assert.equal(q.get("scenario"), "figure-8");
      assert.equal(q.get("runFile"), null);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});
