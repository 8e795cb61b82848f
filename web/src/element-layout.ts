// The element's layout: the DOM its parts are assembled into (toolbar and rows on top, the
// ring beside the logs, details and event log), the help panel, and the behaviour of the
// whole (a dropped run file opens, a clicked button keeps no focus, the ring's size and text
// scale follow the room). Built once per element; nothing here runs per frame.
import { watchRingFont } from "./presenter";
import { SHORTCUTS } from "./controls";
import { h, uid } from "./dom";
import { RING_VIEW_UNITS } from "./render-ring";

export interface LayoutParts {
  ring: Element;
  seedOut: HTMLElement;
  table: HTMLElement;
  menu: HTMLElement;
  machines: HTMLElement;
  logs: HTMLElement;
  details: HTMLElement;
  events: HTMLElement;
  /** The rows above the main area, in order. */
  rows: HTMLElement[];
  /** After the main area (the help panel, the live region). */
  after: HTMLElement[];
  importFile(file: File): void;
  activeElement(): Element | null;
  invalidate(): void;
}

export function buildRoot(p: LayoutParts): HTMLElement {
  const ringTitle = uid("ring-title");
  const ringPanel = h(
    "div",
    { class: "ring-panel", role: "group", "aria-labelledby": ringTitle },
    h("h2", { id: ringTitle, class: "visually-hidden" }, "Cluster"),
    p.ring,
    p.seedOut,
    p.table,
    p.menu,
  );
  const logsTitle = uid("logs-title");
  const logsPanel = h(
    "div",
    { class: "panel logs-panel", role: "group", "aria-labelledby": logsTitle },
    h("div", { class: "panel-head" }, h("h2", { id: logsTitle }, "Logs"), p.machines, h("span", { class: "hint" }, "solid committed · dashed not yet · ✓ applied · ▼ nextIndex ▲ matchIndex"),
      // Lecture mode draws nextIndex and matchIndex as bars in their colours: its legend.
      h("span", { class: "hint-bars" }, h("span", { class: "bar-next" }, "nextIndex"), h("span", { class: "bar-match" }, "matchIndex")),
    ),
    p.logs,
  );
  p.details.hidden = true;
  const main = h("div", { class: "main" }, ringPanel, h("div", { class: "side" }, logsPanel, p.details, p.events));
  const root = h("div", { class: "root", tabindex: -1 }, ...p.rows, main, ...p.after);
  // A run file dropped on the element opens like "Import run".
  root.addEventListener("dragover", (ev) => {
    if (ev.dataTransfer?.types.includes("Files")) ev.preventDefault();
  });
  root.addEventListener("drop", (ev) => {
    const file = ev.dataTransfer?.files?.[0];
    if (!file) return;
    ev.preventDefault();
    p.importFile(file);
  });
  // A button clicked with the mouse keeps no focus: Space stays play/pause and never
  // repeats the button's action (Send request, Reset, Heal, Step...).
  root.addEventListener("click", (ev) => {
    const b = ev.target instanceof Element ? ev.target.closest("button") : null;
    if (b && ev.detail > 0 && p.activeElement() === b) root.focus({ preventScroll: true });
    p.invalidate();
  });
  root.addEventListener("input", () => p.invalidate());
  watchRingFont(p.ring, main);
  // The ring is the largest square that fits next to the logs (at most 58% of the width).
  new ResizeObserver(() => {
    const size = Math.floor(Math.max(0, Math.min(main.clientHeight, main.clientWidth * 0.58)));
    const v = `${size}px`;
    if (main.style.getPropertyValue("--ring-size") !== v) main.style.setProperty("--ring-size", v);
  }).observe(main);
  // Text on a small ring: enlarge it (at most 1.4×, so a bottom node's three lines stay in
  // the drawing) towards 14 px.
  new ResizeObserver(() => {
    const px = Math.min(ringPanel.clientWidth, ringPanel.clientHeight);
    if (px <= 0) return;
    const scale = px / RING_VIEW_UNITS;
    const ts = Math.min(1.4, Math.max(1, 14.5 / (17 * scale))).toFixed(2);
    if (main.style.getPropertyValue("--ts") !== ts) main.style.setProperty("--ts", ts);
  }).observe(ringPanel);
  return root;
}

/** The help panel: keys and the legend. */
export function buildHelp(onClose: () => void): HTMLElement {
  const title = uid("help-title");
  const close = h("button", { type: "button", class: "menu-close", "aria-label": "Close help" }, "✕");
  close.addEventListener("click", onClose);
  return h(
    "section",
    { class: "help-panel", role: "dialog", "aria-labelledby": title, hidden: true },
    h("div", { class: "menu-head" }, h("h2", { id: title }, "Keyboard and legend"), close),
    h("p", {}, "Click a node (or Tab to it and press Enter) for its actions: crash, restart, disconnect, reconnect, time out, send a request, details. Click a message in flight for its fields."),
    h("dl", { class: "shortcuts" }, ...SHORTCUTS.flatMap(([k, what]) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, what)])),
    // The legend (legend.ts) is fetched when the help is first opened (lazy.ts, loadLegend).
    h("div", { class: "legend-slot" }, "Loading…"),
  );
}
