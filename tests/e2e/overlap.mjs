// What a person sees as broken on the page, measured from the boxes the browser drew: ring
// labels that overlap each other or a node's circle, texts cut off inside the logs, the status
// line cut to "…", the jump buttons and the nextIndex / matchIndex labels over log entries.
// Each function runs in the page and returns a list of findings (empty: all is well).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const AXE = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's violations on the page as it is (its default rules, into the shadow roots). */
export async function axeViolations(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" >> ")).join("; ")})`);
  });
}

/** Ring texts that overlap: two labels over each other, a label half over a node's circle
 * (a node's name and term sit inside its own circle or clear of it, every other text clear of
 * every circle and crown), the corner lines over a node. Badges and message marks are left
 * out. */
export function ringCollisions(page, scope = "raft-cluster") {
  return page.evaluate((scope) => {
    const svg = document.querySelector(scope).shadowRoot.querySelector(".ring-view");
    const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).display !== "none" && el.textContent.trim() !== "";
    const texts = [];
    const discs = [];
    const crowns = [];
    for (const g of svg.querySelectorAll(".node")) {
      const id = g.getAttribute("data-node-id");
      const b = g.querySelector(".body").getBoundingClientRect();
      // The body and its election-timer ring (r + 7, 5 wide): r + 9.5 in the ring's units.
      const r = b.width / 2;
      discs.push({ id, x: b.x + r, y: b.y + r, r, outer: r * (1 + 9.5 / Number(g.querySelector(".body").getAttribute("r"))) });
      const crown = g.querySelector(".crown");
      if (crown && getComputedStyle(crown).display !== "none") crowns.push({ id, box: crown.getBoundingClientRect() });
      for (const t of g.querySelectorAll(":scope > text")) if (shown(t)) texts.push({ what: `S${id} ${t.getAttribute("class")} "${t.textContent}"`, id, box: t.getBoundingClientRect(), inside: /\b(name|term)\b/.test(t.getAttribute("class")) });
    }
    for (const t of svg.querySelectorAll(".center text, .center tspan, .center div, .center p")) if (shown(t) && t.children.length === 0) texts.push({ what: `corner "${t.textContent}"`, id: null, box: t.getBoundingClientRect(), inside: false });
    // Glyph boxes are a little taller than the ink: 1 px of slack each way.
    const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const dist = (d, box) => Math.hypot(Math.max(box.left - d.x, 0, d.x - box.right), Math.max(box.top - d.y, 0, d.y - box.bottom));
    const corners = (box) => [[box.left, box.top], [box.right, box.top], [box.left, box.bottom], [box.right, box.bottom]];
    const out = [];
    const view = svg.getBoundingClientRect();
    for (const t of texts) if (t.box.left < view.left - 1 || t.box.right > view.right + 1 || t.box.top < view.top - 1 || t.box.bottom > view.bottom + 1) out.push(`${t.what} runs out of the ring's drawing`);
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++) if (meet(texts[i].box, texts[j].box)) out.push(`${texts[i].what} overlaps ${texts[j].what}`);
    for (const t of texts) {
      for (const d of discs) {
        if (t.inside && t.id === d.id) {
          // Inside its own circle: the text's ink (its box less 15% above and below) within r.
          const h = t.box.height * 0.15;
          const ink = { left: t.box.left + 1, right: t.box.right - 1, top: t.box.top + h, bottom: t.box.bottom - h };
          const within = corners(ink).every(([x, y]) => Math.hypot(x - d.x, y - d.y) <= d.r + 1);
          if (!within && dist(d, t.box) < d.outer - 1) out.push(`${t.what} sticks out of S${d.id}'s circle`);
        } else if (dist(d, t.box) < (t.id === d.id ? d.outer : d.r) - 1) {
          // Clear of its own circle and election timer, and of every other node's circle.
          out.push(`${t.what} is over S${d.id}'s circle`);
        }
      }
      for (const c of crowns) if (meet(t.box, c.box)) out.push(`${t.what} is under S${c.id}'s crown`);
    }
    return out;
  }, scope);
}

/** Texts in the logs cut off by their row or their entry, or drawn out of it (an entry is not
 * clipped: its command is cut to what fits, "…", and left out when the term takes the second
 * line), and row heads whose text overflows them. */
export function clippedLogTexts(page, scope = "raft-cluster") {
  return page.evaluate((scope) => {
    const root = document.querySelector(scope).shadowRoot;
    const scroller = root.querySelector(".logs-scroll").getBoundingClientRect();
    const out = [];
    for (const row of root.querySelectorAll("[data-log-node]")) {
      const rb = row.getBoundingClientRect();
      const walk = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const el = n.parentElement;
        if (!n.textContent.trim() || el.getClientRects().length === 0 || el.closest("[hidden]")) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const entry = el.closest(".entry");
        // A head's text stays in its head (it is drawn over the track), a role badge's in it.
        const own = entry ?? el.closest(".role-badge, .log-head");
        const box = own ? own.getBoundingClientRect() : rb;
        // Wholly outside the box that hides its overflow: not drawn at all (not cut).
        const clip = el.closest(".entry, .marker");
        const cb = clip?.getBoundingClientRect();
        // (The part that shows is inside its border: the padding box. A glyph box reaches
        // about 3 px above the ink of capitals: less than that showing shows no ink.)
        const pb = cb && { top: cb.top + clip.clientTop, bottom: cb.top + clip.clientTop + clip.clientHeight, left: cb.left + clip.clientLeft, right: cb.left + clip.clientLeft + clip.clientWidth };
        const hidden = (r) => pb && getComputedStyle(clip).overflow !== "visible" && (r.bottom <= pb.top + 3 || r.top >= pb.bottom - 3 || r.right <= pb.left + 0.5 || r.left >= pb.right - 0.5);
        for (const r of range.getClientRects()) {
          if (r.width === 0 || hidden(r)) continue;
          // Out of the scrolled view sideways is not cut: the user scrolls there.
          if (r.right < scroller.left || r.left > scroller.right) continue;
          const sideways = r.left < box.left - 0.5 || r.right > box.right + 0.5;
          // The head scrolls with nothing: a row's own text outside it is out of the view's
          // left part only when the row itself is (handled above).
          if (r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5 || sideways) {
            out.push(`S${row.dataset.logNode}: "${n.textContent.trim().slice(0, 30)}" out of its ${own ? own.className : "row"}`);
            break;
          }
          // Nor under the head's overview strip (a glyph box reaches about 2 px past its line
          // box: deeper than 2 px, the strip covers ink).
          const strip = !entry && el.closest(".log-head")?.querySelector(".log-strip")?.getBoundingClientRect();
          if (strip && strip.height > 0 && r.bottom > strip.top + 2 && r.top < strip.bottom) {
            out.push(`S${row.dataset.logNode}: "${n.textContent.trim().slice(0, 30)}" under its overview strip`);
            break;
          }
        }
      }
    }
    return out;
  }, scope);
}

/** The status line cut short ("…") instead of wrapping. */
export function statusCut(page, scope = "raft-cluster") {
  return page.evaluate((scope) => {
    const p = document.querySelector(scope).shadowRoot.querySelector("p.status");
    const out = [];
    for (const el of [p, ...p.querySelectorAll("*")]) {
      if (el.getClientRects().length === 0) continue;
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) out.push(`${el.className || el.tagName}: "${el.textContent.slice(0, 60)}…" is cut (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`);
    }
    return out;
  }, scope);
}

/** Log rows where the jump button ("◀ last entry 117") or a nextIndex / matchIndex label
 * covers an entry, or the jump button covers a label or the row's head. */
export function logCovers(page, scope = "raft-cluster") {
  return page.evaluate((scope) => {
    const root = document.querySelector(scope).shadowRoot;
    const scroller = root.querySelector(".logs-scroll").getBoundingClientRect();
    const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const inView = (b) => b.width > 0 && b.right > scroller.left && b.left < scroller.right;
    const out = [];
    for (const row of root.querySelectorAll("[data-log-node]")) {
      const id = row.dataset.logNode;
      const head = row.querySelector(".log-head");
      // What the sticky head hides (it is drawn over the track) is not covered by a button.
      const hb = head.getBoundingClientRect();
      const shown = (b) => {
        const beside = b.top < hb.bottom - 1 && b.bottom > hb.top + 1;
        const left = beside ? Math.max(b.left, hb.right) : b.left;
        return { left, right: b.right, top: b.top, bottom: b.bottom, width: Math.max(0, b.right - left) };
      };
      const entries = [...row.querySelectorAll(".entry")].map((e) => ({ i: e.dataset.index, b: shown(e.getBoundingClientRect()) })).filter((e) => inView(e.b));
      const labels = [...row.querySelectorAll(".marker:not([hidden])")].map((m) => ({ what: m.textContent, b: shown(m.getBoundingClientRect()) })).filter((m) => inView(m.b));
      const jump = row.querySelector(".log-jump:not([hidden])");
      if (jump) {
        const j = jump.getBoundingClientRect();
        for (const e of entries) if (meet(j, e.b)) out.push(`S${id}: "${jump.textContent}" covers entry ${e.i}`);
        for (const m of labels) if (meet(j, m.b)) out.push(`S${id}: "${jump.textContent}" covers "${m.what}"`);
        for (const el of head.querySelectorAll(".row-name, .row-title, .row-stats")) if (meet(j, el.getBoundingClientRect())) out.push(`S${id}: "${jump.textContent}" covers its ${el.className}`);
        if (j.right > scroller.right + 0.5 || j.left < scroller.left - 0.5) out.push(`S${id}: "${jump.textContent}" is cut by the view`);
      }
      for (const m of labels) for (const e of entries) if (meet(m.b, e.b)) out.push(`S${id}: "${m.what}" covers entry ${e.i}`);
    }
    return out;
  }, scope);
}

/** How many of each row's log columns (60 px each) are in view beside its head, at least. */
export function columnsInView(page, scope = "raft-cluster") {
  return page.evaluate((scope) => {
    const root = document.querySelector(scope).shadowRoot;
    const scroller = root.querySelector(".logs-scroll");
    const s = scroller.getBoundingClientRect();
    let least = Infinity;
    for (const row of root.querySelectorAll("[data-log-node]")) {
      const head = row.querySelector(".log-head").getBoundingClientRect();
      // The track's part in view: right of the head when they share a line, else all of it.
      const track = row.querySelector(".log-track").getBoundingClientRect();
      const left = track.top >= head.bottom - 1 ? s.left : Math.max(s.left, head.right);
      least = Math.min(least, (Math.min(s.right, track.right) - left) / 60);
    }
    return least;
  }, scope);
}
