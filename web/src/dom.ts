// Small DOM helpers shared by the renderers. Renderers build their elements once and then only
// touch what changed each frame, so these setters compare before writing.

const SVG_NS = "http://www.w3.org/2000/svg";

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

function applyAttrs(el: Element, attrs: Attrs | undefined): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
}

function appendChildren(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c);
  }
}

/** Creates an HTML element: h("button", { type: "button", class: "x" }, "text"). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  appendChildren(el, children);
  return el;
}

/** Creates an SVG element. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs);
  appendChildren(el, children);
  return el;
}

/** Sets an element's text when it differs. */
export function setText(el: Node, text: string): void {
  const t = el.firstChild;
  // One text node: changed in place. Replacing it (textContent) makes the browser drop its
  // layout object and build a new one, for every changing text of every frame. Empty: no
  // node at all (so CSS :empty holds).
  if (text !== "" && t !== null && t === el.lastChild && t.nodeType === 3) {
    if ((t as Text).data !== text) (t as Text).data = text;
  } else if (el.textContent !== text) el.textContent = text;
}

/** Sets (or with null removes) an attribute when it differs. */
export function setAttr(el: Element, name: string, value: string | number | null): void {
  if (value === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
    return;
  }
  const v = String(value);
  if (el.getAttribute(name) !== v) el.setAttribute(name, v);
}

/** Sets `hidden` when it differs (assigning it always writes the attribute: a style
 * invalidation per frame). */
export function setHidden(el: HTMLElement, hidden: boolean): void {
  if (el.hidden !== hidden) el.hidden = hidden;
}

export function toggleClass(el: Element, name: string, on: boolean): void {
  if (el.classList.contains(name) !== on) el.classList.toggle(name, on);
}

let ids = 0;
/** A unique id for an element inside a shadow root (each instance gets its own). */
export function uid(prefix: string): string {
  return `${prefix}-${++ids}`;
}

/** "S3" for node id 3. */
export function nodeName(id: number): string {
  return `S${id}`;
}

/** Virtual milliseconds as seconds with millisecond precision: "12.345 s". */
export function fmtTime(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** The message of anything thrown. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === "string") return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}
