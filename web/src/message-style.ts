// How each kind of message looks: one shape per RPC (diamond = RequestVote, circle =
// AppendEntries, small circle = heartbeat, square = InstallSnapshot), filled for the request
// and hollow for its reply, each kind in its own colour. Shared by the ring and the legend.
import type { MessageKind, MessageView } from "./api";
import { s } from "./dom";

export type StyleKey = "rv" | "rvr" | "ae" | "hb" | "aer" | "is" | "isr";

export interface KindStyle {
  key: StyleKey;
  label: string;
  help: string;
}

export const KIND_STYLES: readonly KindStyle[] = [
  { key: "rv", label: "RequestVote", help: "a candidate asks for a vote" },
  { key: "rvr", label: "RequestVote reply", help: "voteGranted ✓ or ✗" },
  { key: "ae", label: "AppendEntries", help: "the leader sends log entries (number = entries)" },
  { key: "hb", label: "Heartbeat", help: "AppendEntries with no entries" },
  { key: "aer", label: "AppendEntries reply", help: "success ✓ or ✗" },
  { key: "is", label: "InstallSnapshot", help: "the leader sends its snapshot" },
  { key: "isr", label: "InstallSnapshot reply", help: "" },
];

export function styleKey(kind: MessageKind, heartbeat: boolean): StyleKey {
  switch (kind) {
    case "RequestVote":
      return "rv";
    case "RequestVoteReply":
      return "rvr";
    case "AppendEntries":
      return heartbeat ? "hb" : "ae";
    case "AppendEntriesReply":
      return "aer";
    case "InstallSnapshot":
      return "is";
    case "InstallSnapshotReply":
      return "isr";
  }
}

/** The shape of a message kind, centred on 0,0 (about 20 units across). */
export function messageShape(key: StyleKey): SVGElement {
  const cls = `msg-shape msg-${key}`;
  switch (key) {
    case "rv":
    case "rvr":
      return s("path", { class: cls, d: "M0,-9 L9,0 L0,9 L-9,0 Z" });
    case "ae":
      return s("circle", { class: cls, r: 12 });
    case "hb":
      return s("circle", { class: cls, r: 5.5 });
    case "aer":
      return s("circle", { class: cls, r: 7 });
    case "is":
    case "isr":
      return s("rect", { class: cls, x: -8, y: -8, width: 16, height: 16, rx: 2 });
  }
}

/** ✓ / ✗ for a reply that says voteGranted or success, "" otherwise. */
export function replyMark(m: MessageView): string {
  const v = m.kind === "RequestVoteReply" ? m.fields["voteGranted"] : m.kind === "AppendEntriesReply" ? m.fields["success"] : undefined;
  if (v === true) return "✓";
  if (v === false) return "✗";
  return "";
}

/** Entry count drawn inside an AppendEntries that carries entries. */
export function entriesLabel(m: MessageView): string {
  if (m.kind !== "AppendEntries" || m.heartbeat) return "";
  const n = m.fields["entries"];
  return typeof n === "number" && n > 0 ? String(n) : "";
}

/** A short legend swatch for a kind (an inline SVG). */
export function swatch(key: StyleKey): SVGSVGElement {
  return s("svg", { class: "swatch", viewBox: "-14 -14 28 28", width: 22, height: 22, "aria-hidden": "true" }, messageShape(key));
}
