// Screenshots of the page as a student, a lecturer and a phone visitor use it (not a test):
//   node scripts/page-shots.mjs [out-dir] [name-filter]
// Needs dist/ (npm run build). Each shot is named <what>-<width>x<height>.png; the filter (a
// regular expression) picks some by name. `candidate` writes docs/screenshot-candidate.png
// (1280x720, 5 nodes, seed 42, eight requests committed: how README's screenshot is taken).
import { launch } from "../tests/e2e/browser.mjs";
import { start } from "../tests/e2e/server.mjs";

const out = process.argv[2] ?? "/tmp/shots";
const only = process.argv[3] ? new RegExp(process.argv[3]) : null;

const SIZES = { wide: [1280, 720], big: [1920, 1080], phone: [390, 844] };

const server = await start();
const browser = await launch();

async function open(url, [width, height], { phone = false, scale = 1 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale, hasTouch: phone, isMobile: phone });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${server.url}${url}`);
  await page.locator("raft-cluster").locator("svg [data-node-id]").first().waitFor({ timeout: 30000 });
  return { context, page, r: page.locator("raft-cluster") };
}

const settle = (page) => page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
const cluster = (page, fn, arg) => page.evaluate(([fn, arg]) => new Function("c", "arg", `return (${fn})(c, arg)`)(document.querySelector("raft-cluster").cluster, arg), [fn.toString(), arg]);

async function shoot(page, name, [w, h]) {
  await settle(page);
  await page.screenshot({ path: `${out}/${name}-${w}x${h}.png` });
  console.log(`${out}/${name}-${w}x${h}.png`);
}

async function openMenu(r) {
  const menu = r.getByRole("button", { name: "Menu", exact: true });
  if ((await menu.isVisible()) && (await menu.getAttribute("aria-expanded")) !== "true") await menu.click();
}

/** A 5-node cluster, seed 42, with `n` requests committed, paused. */
async function committed(page, n) {
  await page.waitForFunction(() => document.querySelector("raft-cluster").cluster?.state().leader != null, null, { timeout: 30000 });
  await cluster(page, (c, n) => {
    for (let i = 1; i <= n; i++) {
      c.request(`x=${i}`);
      c.advance(40);
    }
    c.advance(100);
  }, n);
}

const shots = {
  // The default page playing, with requests committed.
  async page(size) {
    const { context, page, r } = await open("?nodes=5&seed=42", size, { phone: size === SIZES.phone });
    await committed(page, 8);
    await shoot(page, "page", size);
    if (size === SIZES.phone) {
      await openMenu(r);
      await shoot(page, "page-menu", size);
      await page.evaluate(() => window.scrollTo(0, 10000));
      await shoot(page, "page-bottom", size);
    }
    await context.close();
  },
  // A Lab 3 run in its past (TestFigure8Unreliable3C at 20 s).
  async lab3(size) {
    const { context, page } = await open("?runFile=runs/TestFigure8Unreliable3C.json", size, { phone: size === SIZES.phone });
    await page.waitForFunction(() => document.querySelector("raft-cluster")?.cluster?.title, null, { timeout: 30000 });
    await cluster(page, (c) => c.seek(20000));
    await shoot(page, "lab3", size);
    if (size === SIZES.phone) {
      await page.evaluate(() => window.scrollTo(0, document.querySelector("raft-cluster").shadowRoot.querySelector(".logs-panel").getBoundingClientRect().top + scrollY));
      await shoot(page, "lab3-logs", size);
    }
    await context.close();
  },
  // The Figure 8 scenario: step 9, break the rule, Next step to the violation.
  async fig8(size) {
    const { context, page, r } = await open("?scenario=figure-8", size, { phone: size === SIZES.phone });
    await r.getByRole("group", { name: "Scenario steps" }).waitFor({ state: "visible" });
    await shoot(page, "fig8-step1", size);
    await openMenu(r);
    await r.getByRole("combobox", { name: "Step", exact: true }).selectOption("9");
    await settle(page);
    const rules = r.getByRole("button", { name: /^Break a rule/ });
    await rules.click();
    await shoot(page, "fig8-rules", size);
    const sw = r.getByRole("checkbox", { name: /5\.4\.2/ }).first();
    await sw.check();
    await page.keyboard.press("Escape");
    await shoot(page, "fig8-broken", size);
    for (let i = 0; i < 6; i++) {
      const next = r.getByRole("button", { name: "Next step", exact: true });
      if (await next.isDisabled()) break;
      await next.click();
      await settle(page);
      if (await r.locator(".violation:not([hidden])").count()) break;
    }
    await shoot(page, "fig8-violation", size);
    await context.close();
  },
  // Lecture mode: Figure 8 at 5 nodes, free play at 7 and 9 nodes, a Lab 4 run.
  async presenter(size) {
    if (size !== SIZES.wide) return;
    for (const [name, url] of [
      ["presenter-fig8", "?presenter&scenario=figure-8"],
      ["presenter-7", "?presenter&nodes=7&seed=42"],
      ["presenter-9", "?presenter&nodes=9&seed=42"],
      ["presenter-lab4", "?presenter&runFile=runs/TestManyPartitionsManyClients4A.json"],
      ["presenter-lab3", "?presenter&runFile=runs/TestFigure8Unreliable3C.json"],
    ]) {
      const { context, page } = await open(url, size);
      if (/nodes/.test(url)) await committed(page, 6);
      else if (/runFile/.test(url)) {
        await page.waitForFunction(() => document.querySelector("raft-cluster")?.cluster?.title, null, { timeout: 30000 });
        await cluster(page, (c, lab3) => c.seek(Math.min(c.endMs, lab3 ? 20000 : 6000)), /Figure8/.test(url));
      } else await cluster(page, (c) => c.goToStep(9));
      await shoot(page, name, size);
      await context.close();
    }
  },
  // Lab 4: the Clients panel and the history.
  async lab4(size) {
    const { context, page, r } = await open("?runFile=runs/TestManyPartitionsManyClients4A.json", size, { phone: size === SIZES.phone });
    await page.waitForFunction(() => document.querySelector("raft-cluster")?.cluster?.title, null, { timeout: 30000 });
    await cluster(page, (c) => c.seek(Math.min(c.endMs, 6000)));
    await shoot(page, "lab4", size);
    await openMenu(r);
    await r.getByRole("button", { name: /^Clients/ }).click();
    await settle(page);
    await shoot(page, "lab4-clients", size);
    await page.evaluate(() => window.scrollTo(0, 10000));
    await shoot(page, "lab4-clients-bottom", size);
    await context.close();
  },
  // The "Lab test" list opened (a native select does not draw in a screenshot: its options).
  async labtest(size) {
    const { context, page, r } = await open("?nodes=5&seed=42", size, { phone: size === SIZES.phone });
    await openMenu(r);
    const opts = await r.getByRole("combobox", { name: "Lab test", exact: true }).evaluate((s) => [...s.options].map((o) => o.textContent));
    console.log(`Lab test list (${size.join("x")}): ${opts.length} options: ${opts.slice(0, 6).join(" | ")} ...`);
    await context.close();
  },
  // 150% zoom at 1280x720: 853x480 CSS px at device scale 1.5.
  async zoom(size) {
    if (size !== SIZES.wide) return;
    const { context, page, r } = await open("?nodes=5&seed=42", [853, 480], { scale: 1.5 });
    await committed(page, 4);
    await shoot(page, "zoom150", [853, 480]);
    await openMenu(r);
    await shoot(page, "zoom150-menu", [853, 480]);
    await context.close();
  },
  // README's screenshot: 1280x720, 5 nodes, seed 42, eight requests committed.
  async candidate(size) {
    if (size !== SIZES.wide) return;
    const { context, page } = await open("?nodes=5&seed=42", size);
    await committed(page, 8);
    await page.locator("raft-cluster").getByRole("button", { name: "Pause", exact: true }).click().catch(() => undefined);
    await settle(page);
    await page.screenshot({ path: "docs/screenshot-candidate.png" });
    console.log("docs/screenshot-candidate.png");
    await context.close();
  },
};

try {
  for (const [name, fn] of Object.entries(shots)) {
    for (const size of Object.values(SIZES)) {
      if (only && !only.test(`${name}-${size.join("x")}`)) continue;
      try {
        await fn(size);
      } catch (e) {
        console.error(`${name} ${size.join("x")}: ${e.message.split("\n")[0]}`);
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}
