// The element's stylesheet, one part per view, adopted as ONE constructed stylesheet shared
// by every instance (CSSOM: allowed by style-src 'self'). tokens.css defines every colour
// once; the parts use only its custom properties. The parts of views loaded on first use
// (details.css, kv.css) come with their chunks (web/src/chunks/, adopted by lazy.ts).
import tokens from "./styles/tokens.css?inline";
import base from "./cluster.css?inline";
import ring from "./styles/ring.css?inline";
import logs from "./styles/logs.css?inline";
import events from "./styles/events.css?inline";
import timeline from "./styles/timeline.css?inline";
import linkField from "./link-field.css?inline";
import presenter from "./presenter.css?inline";
import phone from "./phone.css?inline";

let sheet: CSSStyleSheet | null = null;

export function styles(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync([tokens, base, ring, logs, events, timeline, linkField, presenter, phone].join("\n"));
  }
  return sheet;
}
