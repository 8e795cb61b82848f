// The legend: what the shapes, outlines and marks mean, with the paper's names.
import { h, s, uid } from "./dom";
import { KIND_STYLES, swatch } from "./message-style";

function nodeIcon(kind: "leader" | "candidate" | "follower" | "crashed" | "cut"): SVGSVGElement {
  const g = s("g", { class: `node ${kind === "crashed" ? "crashed follower" : kind === "cut" ? "follower cut" : kind}` });
  if (kind === "cut") g.append(s("circle", { class: "cut-halo", r: 13 }));
  g.append(s("circle", { class: "body", r: 9 }));
  if (kind === "leader") g.append(s("path", { class: "crown", d: "M-7,-11 L-7,-17 L-3.5,-13.5 L0,-19 L3.5,-13.5 L7,-17 L7,-11 Z" }));
  if (kind === "crashed") g.append(s("g", { class: "cross" }, s("line", { x1: -6, y1: -6, x2: 6, y2: 6 }), s("line", { x1: 6, y1: -6, x2: -6, y2: 6 })));
  const letter = kind === "leader" ? "L" : kind === "candidate" ? "C" : kind === "follower" ? "F" : "";
  if (letter) g.append(s("text", { class: "legend-letter", y: 0.5 }, letter));
  return s("svg", { class: "swatch", viewBox: "-16 -20 32 36", width: 26, height: 28, "aria-hidden": "true" }, g);
}

function timerIcon(): SVGSVGElement {
  return s(
    "svg",
    { class: "swatch", viewBox: "-14 -14 28 28", width: 26, height: 26, "aria-hidden": "true" },
    s("circle", { class: "timer-track", r: 10 }),
    s("circle", { class: "timer-arc", r: 10, pathLength: 100, "stroke-dasharray": "60 100", transform: "rotate(-90)" }),
  );
}

function dropIcon(): SVGSVGElement {
  return s("svg", { class: "swatch", viewBox: "-12 -12 24 24", width: 22, height: 22, "aria-hidden": "true" }, s("g", { class: "drop" }, s("path", { d: "M-7,-7 L7,7 M7,-7 L-7,7" })));
}

function item(icon: Element, name: string, help: string): HTMLLIElement {
  return h("li", {}, icon, h("span", {}, h("strong", {}, name), help ? ` — ${help}` : ""));
}

function logSample(cls: string, text: string): HTMLElement {
  return h("span", { class: `entry sample ${cls}`, "aria-hidden": "true" }, text);
}

export function buildLegend(): HTMLElement {
  const nodes = h(
    "ul",
    { class: "legend-list" },
    item(nodeIcon("leader"), "Leader (L)", "crown, thick outline; sends heartbeats"),
    item(nodeIcon("candidate"), "Candidate (C)", "dashed outline; asks for votes"),
    item(nodeIcon("follower"), "Follower (F)", "plain outline"),
    item(nodeIcon("crashed"), "Crashed", "grey with a red cross"),
    item(nodeIcon("cut"), "Cut off", "red dotted halo: disconnected"),
    item(timerIcon(), "Election timer", "the arc fills up; full means a new election"),
  );
  const msgs = h(
    "ul",
    { class: "legend-list" },
    ...KIND_STYLES.map((k) => item(swatch(k.key), k.label, k.help)),
    item(dropIcon(), "Dropped", "a message lost by the network"),
  );
  const logs = h(
    "ul",
    { class: "legend-list" },
    h("li", {}, logSample("committed", "3"), h("span", {}, h("strong", {}, "Committed"), " — index ≤ commitIndex (solid)")),
    h("li", {}, logSample("uncommitted", "4"), h("span", {}, h("strong", {}, "Not committed"), " — dashed")),
    h("li", {}, logSample("committed applied", "3✓"), h("span", {}, h("strong", {}, "Applied ✓"), " — index ≤ lastApplied")),
    h("li", {}, logSample("snap", "≤10"), h("span", {}, h("strong", {}, "Snapshot"), " — entries up to lastIncludedIndex (term lastIncludedTerm)")),
    h("li", {}, h("span", { class: "marker-sample" }, "▼"), h("span", {}, h("strong", {}, "nextIndex"), " — leader's next entry to send to this node")),
    h("li", {}, h("span", { class: "marker-sample" }, "▲"), h("span", {}, h("strong", {}, "matchIndex"), " — leader knows this node has up to here")),
  );
  const title = uid("legend-title");
  return h(
    "div",
    { class: "legend", role: "group", "aria-labelledby": title },
    h("h3", { id: title }, "Legend"),
    h("div", { class: "legend-cols" }, h("div", {}, h("h4", {}, "Nodes"), nodes), h("div", {}, h("h4", {}, "Messages"), msgs), h("div", {}, h("h4", {}, "Logs"), logs)),
    h("p", { class: "note" }, "Colours follow the term: each term has its own colour, and the number is always written too."),
  );
}
