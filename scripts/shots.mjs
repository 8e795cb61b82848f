// Screenshots of the page for looking at (not a test): node scripts/shots.mjs [out-dir]
// Opens a Lab 3 run (TestFigure8Unreliable3C), seeks into its past, and shoots 1280x720,
// 1920x1080 and 390x844.
import { launch } from "../tests/e2e/browser.mjs";
import { start } from "../tests/e2e/server.mjs";

const out = process.argv[2] ?? "/tmp/shots";
const server = await start();
const browser = await launch();
try {
  for (const [w, hgt] of [[1280, 720], [1920, 1080], [390, 844]]) {
    const page = await browser.newPage({ viewport: { width: w, height: hgt } });
    await page.goto(`${server.url}?runFile=runs/TestFigure8Unreliable3C.json`);
    await page.waitForFunction(() => document.querySelector("raft-cluster")?.cluster?.title, null, { timeout: 30000 });
    const at = Number(process.env.AT_MS ?? 20000);
    await page.evaluate((at) => document.querySelector("raft-cluster").cluster.seek(at), at);
    await page.waitForTimeout(600);
    await page.screenshot({ path: `${out}/lab3-${w}x${hgt}.png` });
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
