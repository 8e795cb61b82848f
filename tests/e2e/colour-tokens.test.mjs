// Static: the element's colours are defined once, as custom properties in
// web/src/styles/tokens.css (issue 14: "colours as tokens defined once"). Every other
// stylesheet of the element, and its TypeScript, names them (var(--accent), or a colour
// derived from one: rgb(from var(--text) r g b / 30%)) and writes no colour of its own.
// web/src/page.css is the demo page's own stylesheet, outside the element: not checked. The
// one palette computed in code, a hue per term (colors.ts: termFill, termInk), is defined there
// once and may write hsl().
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";

const WEB = new URL("../../web/src/", import.meta.url).pathname;
const TOKENS = join(WEB, "styles", "tokens.css");
const NOT_THE_ELEMENT = [join(WEB, "page.css")];
const TERM_PALETTE = join(WEB, "colors.ts");

/** Files under `dir` whose names end in one of `exts`, recursively. */
function files(dir, exts) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return files(p, exts);
    return exts.some((e) => d.name.endsWith(e)) ? [p] : [];
  });
}

/** Colour literals in `text` (comments dropped): #rgb / #rrggbb / #rrggbbaa, or rgb()/hsl()
 * with numbers rather than `from var(...)`. Each as "line: literal". */
export function colourLiterals(text) {
  const found = [];
  text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "))
    .split("\n")
    .forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, "");
      for (const m of code.matchAll(/#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(\s*[0-9.]/g)) {
        // "#" followed by a selector-like id (e.g. `#five`) in a CSS selector is not a colour:
        // only hex digits of length 3, 4, 6 or 8 count.
        if (m[0].startsWith("#") && ![4, 5, 7, 9].includes(m[0].length)) continue;
        found.push(`${i + 1}: ${m[0]}`);
      }
    });
  return found;
}

describe("raftlab element: colours as tokens", () => {
  it("writes every colour once, in styles/tokens.css, and names it everywhere else", () => {
    const checked = [...files(WEB, [".css"]), ...files(WEB, [".ts"])].filter((p) => p !== TOKENS && !NOT_THE_ELEMENT.includes(p));
    assert.ok(checked.length > 10, `found the element's sources: ${checked.length} files`);
    const bad = checked.flatMap((p) =>
      colourLiterals(readFileSync(p, "utf8"))
        .filter((l) => !(p === TERM_PALETTE && / hsl\(/.test(l)))
        .map((l) => `${relative(WEB, p)}:${l}`),
    );
    assert.deepEqual(bad, [], "colour literals outside styles/tokens.css: add a token there and use var(--name)");
  });

  it("finds a colour literal where one is written", () => {
    assert.deepEqual(colourLiterals(".a { color: #c3cad5; }\n.b { box-shadow: 0 1px rgb(16 24 40 / 20%); }"), ["1: #c3cad5", "2: rgb(1"]);
    assert.deepEqual(colourLiterals(".a { color: var(--x); background: rgb(from var(--text) r g b / 30%); } /* #fff */"), []);
  });
});
