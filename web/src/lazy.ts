// Views whose code is not in the path every page loads (issue 14, "Half the weight"): each is
// a dynamic import(), which Vite emits as its own chunk next to assets/raftlab.js and fetches
// relative to it (so the embed page and a course page with another base load it too), on the
// first time the view is opened. Until its code has arrived the view's place in the layout
// holds a placeholder that looks as the view does closed (a hidden panel, the Clients button),
// and says "Loading…" if it is opened before then; the first frame is the same as with the
// view built up front. `node scripts/weight.mjs` lists what loads before the first frame, and
// tests/e2e/weight.test.mjs fails if one of these chunks does.
import type { ClusterApi } from "./api";
import type { DetailsPanel } from "./details";
import { errorMessage, h } from "./dom";
import type { Frame, FrameView } from "./frame";
import type { TableView } from "./table-view";
import type { KvClientsHost, KvClientsPanel } from "./views/kv-clients";

/** Each chunk's part of the element's stylesheet, constructed once for every instance. */
const sheets = new Map<string, CSSStyleSheet>();

/** Adds `css` (a chunk's part of the stylesheet, after the shared one: styles.ts) to the
 * shadow root `el` is in. */
function adoptStyles(el: HTMLElement, css: string): void {
  const root = el.getRootNode();
  if (!(root instanceof ShadowRoot)) return;
  let sheet = sheets.get(css);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    sheets.set(css, sheet);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

/** What a lazily loaded view tells its element. */
export interface LazyHost {
  /** The view's code arrived and it replaced its placeholder: draw a frame. */
  invalidate(): void;
  /** The view's code could not be fetched (offline, a missing file): say so. */
  error(message: string): void;
}

/** The text a placeholder shows while its view's code is fetched. */
export const LOADING_TEXT = "Loading…";

/** One view built from a chunk fetched on first use. `el` is the placeholder until then, the
 * view's element after (it takes the placeholder's place and its `hidden`). */
export class Lazy<T extends { readonly el: HTMLElement }> {
  view: T | null = null;
  private loading: Promise<T | null> | null = null;

  constructor(
    private readonly what: string,
    readonly placeholder: HTMLElement,
    private readonly make: () => Promise<{ view: T; css?: string }>,
    private readonly host: LazyHost,
  ) {}

  get el(): HTMLElement {
    return this.view?.el ?? this.placeholder;
  }

  /** Fetches the view's code (once; a failed fetch is tried again next time) and puts the view
   * in the placeholder's place. Resolves to the view, or null if it could not be loaded. */
  load(): Promise<T | null> {
    this.loading ??= this.make().then(
      ({ view: v, css }) => {
        if (css !== undefined) adoptStyles(this.placeholder, css);
        v.el.hidden = this.placeholder.hidden;
        this.placeholder.replaceWith(v.el);
        this.view = v;
        this.host.invalidate();
        return v;
      },
      (e: unknown) => {
        this.loading = null;
        this.host.error(`Could not load ${this.what}: ${errorMessage(e)}`);
        return null;
      },
    );
    return this.loading;
  }
}

/** The details panel (details.ts), hidden until a node's or a message's details are asked for. */
export function lazyDetails(host: LazyHost, onDropMessage: (id: number) => void, onClose: () => void): Lazy<DetailsPanel> {
  const placeholder = h("div", { class: "panel details", hidden: true }, h("p", { class: "muted" }, LOADING_TEXT));
  return new Lazy(
    "the details panel",
    placeholder,
    async () => {
      const m = await import("./chunks/details");
      return { view: new m.DetailsPanel(onDropMessage, onClose), css: m.css };
    },
    host,
  );
}

/** The cluster as a table (table-view.ts, in the details panel's chunk), hidden until the
 * Table button is pressed. */
export function lazyTable(host: LazyHost): Lazy<TableView> {
  const placeholder = h("div", { class: "table-view", hidden: true }, h("p", { class: "muted" }, LOADING_TEXT));
  return new Lazy(
    "the table view",
    placeholder,
    async () => {
      const m = await import("./chunks/details");
      return { view: new m.TableView(), css: m.css };
    },
    host,
  );
}

/** The help panel's legend (legend.ts), fetched when the help is first opened: `slot` (in the
 * help panel, saying "Loading…") is replaced by it. */
export function loadLegend(slot: HTMLElement, host: LazyHost): void {
  if (!slot.isConnected || slot.dataset["loading"] === "true") return;
  slot.dataset["loading"] = "true";
  import("./legend").then(
    (m) => {
      slot.replaceWith(m.buildLegend());
      host.invalidate();
    },
    (e: unknown) => {
      slot.dataset["loading"] = "false";
      host.error(`Could not load the legend: ${errorMessage(e)}`);
    },
  );
}

/** Lab 4's Clients panel (views/kv-clients.ts, with the history view): until its code is
 * needed, only its button, as the panel draws it closed with no verdict. Its code is fetched
 * when the button is pressed or when the run has a key/value history (the button carries the
 * checker's verdict). */
export class LazyKvClients implements FrameView {
  private readonly lazy: Lazy<KvClientsPanel>;
  private readonly btn: HTMLButtonElement;

  constructor(host: KvClientsHost & LazyHost) {
    this.btn = h("button", { type: "button", class: "disclose", "aria-expanded": "false" }, "Clients", h("span", { class: "kv-badge", "data-verdict": "none" }), h("span", { class: "caret", "aria-hidden": "true" }, " ▾"));
    const placeholder = h("div", { class: "disclosure kv" }, this.btn);
    this.lazy = new Lazy(
      "the Clients panel",
      placeholder,
      async () => {
        const m = await import("./chunks/kv");
        return { view: new m.KvClientsPanel(host), css: m.css };
      },
      host,
    );
    this.btn.addEventListener("click", () => {
      const focused = this.btn.matches(":focus");
      this.btn.setAttribute("aria-busy", "true");
      if (!placeholder.querySelector(".hint")) placeholder.append(h("span", { class: "hint" }, ` ${LOADING_TEXT}`));
      void this.lazy.load().then((v) => {
        this.btn.removeAttribute("aria-busy");
        if (!v) return;
        v.toggle(true);
        if (focused) (v.el.querySelector("button") as HTMLButtonElement | null)?.focus();
      });
    });
  }

  get el(): HTMLElement {
    return this.lazy.el;
  }

  get open(): boolean {
    return this.lazy.view?.open ?? false;
  }

  toggle(open: boolean): void {
    this.lazy.view?.toggle(open);
  }

  reset(): void {
    this.lazy.view?.reset();
  }

  render(f: Frame): void {
    if (this.lazy.view) this.lazy.view.render(f);
    else if (hasKvHistory(f.c)) void this.lazy.load();
  }
}

function hasKvHistory(c: ClusterApi): boolean {
  return c.kvHistoryVersion > 0;
}
