// The details panel: every field of the selected node (NodeView) or message (MessageView),
// labelled with the names of the Raft paper's Figure 2.
import type { ClusterState, MessageView, NodeCauseView, NodeView } from "./api";
import { fmtTime, h, nodeName, setText, uid } from "./dom";
import type { Selection } from "./selection";

type Row = [label: string, value: string, hint?: string];

function ids(list: number[] | null): string {
  return list === null ? "—" : list.length === 0 ? "none" : list.map(nodeName).join(", ");
}

function perPeer(list: number[] | null): string {
  return list === null ? "— (leaders only)" : list.map((v, i) => `${nodeName(i + 1)}: ${v}`).join(", ");
}

/** The state as the session view decided it (`shownRole`). */
export function shownState(nd: NodeView): string {
  switch (nd.shownRole) {
    case "crashed":
      return `crashed (was ${nd.role})`;
    case "stale-leader":
      return "stale leader (a lower term than others know, or cut off from a majority)";
    default:
      return nd.role;
  }
}

function nodeRows(nd: NodeView): Row[] {
  const last = nd.lastLogIndex;
  const held = last - nd.snapshotIndex;
  const t = nd.electionTimer;
  return [
    ["state", shownState(nd), "follower, candidate or leader"],
    ["currentTerm", String(nd.term), "latest term this server has seen (persistent)"],
    ["votedFor", nd.votedFor === null ? "null" : nodeName(nd.votedFor), "candidate that received this server's vote in currentTerm (persistent)"],
    [
      "log[]",
      held === 0 ? `empty after the snapshot (last index ${last})` : `${held} ${held === 1 ? "entry" : "entries"}, indices ${nd.snapshotIndex + 1}..${last} (last term ${nd.lastLogTerm})${nd.divergesAt !== null ? `; parts from the leader's log at ${nd.divergesAt}` : ""}`,
      "log entries after the snapshot (persistent)",
    ],
    ["commitIndex", String(nd.commitIndex), "highest log entry known to be committed"],
    ["lastApplied", String(nd.lastApplied), "highest log entry applied to the state machine"],
    ["lastIncludedIndex", String(nd.snapshotIndex), "the snapshot replaces all entries up to this index"],
    ["lastIncludedTerm", String(nd.snapshotTerm), "term of lastIncludedIndex"],
    [
      "election timer",
      t ? `${Math.round(t.elapsedMs)} of ${Math.round(t.timeoutMs)} ms (${Math.round(t.progress * 100)}%)` : nd.alive ? "— (leaders have none)" : "— (crashed)",
      "randomized election timeout; reset by a valid AppendEntries or by granting a vote",
    ],
    ["nextIndex[]", perPeer(nd.nextIndex), "for each server, index of the next log entry to send to it"],
    ["matchIndex[]", perPeer(nd.matchIndex), "for each server, highest log entry known to be replicated on it"],
    ["votesGranted", nd.votesGranted === null ? "— (candidates only)" : ids(nd.votesGranted), "servers that voted for this candidate in currentTerm"],
    ["alive", String(nd.alive), "false while crashed"],
    ["connected", String(nd.connected), "false while disconnected from the network"],
    ["appliedCount", String(nd.appliedCount), "commands applied by the state machine"],
    ["stateDigest", nd.stateDigest, "digest of the applied commands: equal digests, equal state machines"],
  ];
}

/** Fields that hold a node id (1..n): shown as S1..Sn like everywhere else. */
const NODE_ID_FIELDS = new Set(["candidateId", "leaderId"]);

function fieldValue(k: string, v: number | boolean | null): string {
  if (v === null) return "—";
  if (NODE_ID_FIELDS.has(k) && typeof v === "number") return nodeName(v);
  return String(v);
}

function messageRows(m: MessageView, now: number): Row[] {
  const span = m.deliverMs - m.sentMs;
  const p = span > 0 ? Math.max(0, Math.min(1, (now - m.sentMs) / span)) : 1;
  const rows: Row[] = [
    ["kind", m.kind + (m.heartbeat ? " (heartbeat: no entries)" : ""), "the RPC or its reply"],
    ["from → to", `${nodeName(m.from)} → ${nodeName(m.to)}`],
    ["term", String(m.term), "sender's currentTerm"],
    ["sent", fmtTime(m.sentMs)],
    ["delivery", `${fmtTime(m.deliverMs)} (${Math.round(p * 100)}% of the way)`],
  ];
  for (const [k, v] of Object.entries(m.fields)) rows.push([k, fieldValue(k, v)]);
  rows.push(["message id", String(m.id)]);
  return rows;
}

export class DetailsPanel {
  readonly el: HTMLElement;
  private readonly title: HTMLElement;
  private readonly note: HTMLElement;
  private readonly table: HTMLTableSectionElement;
  private readonly dropBtn: HTMLButtonElement;
  private labelsKey = "";
  private values: HTMLElement[] = [];
  private lastMessage: MessageView | null = null;

  constructor(
    private readonly onDropMessage: (id: number) => void,
    onClose: () => void,
  ) {
    const titleId = uid("details-title");
    this.title = h("h2", { id: titleId }, "Details");
    const close = h("button", { type: "button", class: "menu-close", "aria-label": "Close details" }, "✕");
    close.addEventListener("click", onClose);
    this.note = h("p", { class: "muted" });
    this.table = h("tbody");
    this.dropBtn = h("button", { type: "button", hidden: true }, "Drop this message");
    this.dropBtn.addEventListener("click", () => {
      if (this.lastMessage) this.onDropMessage(this.lastMessage.id);
    });
    this.el = h(
      "div",
      { class: "panel details", role: "group", "aria-labelledby": titleId },
      h("div", { class: "menu-head" }, this.title, close),
      this.note,
      h("table", { class: "fields" }, this.table),
      this.dropBtn,
    );
  }

  /** Per node (index id - 1): its latest cause (`Cluster.causes()`), set before render. */
  causes: (NodeCauseView | null)[] = [];

  render(state: ClusterState, sel: Selection): void {
    if (sel === null) {
      this.show("Details", "Click a node (or press 1–9) or a message in flight to see its full state.", []);
      this.dropBtn.hidden = true;
      return;
    }
    if (sel.kind === "node") {
      const nd = state.nodes[sel.id - 1];
      if (!nd) {
        this.show("Details", `There is no ${nodeName(sel.id)} in this cluster.`, []);
      } else {
        const cause = this.causes[nd.id - 1];
        const why: Row = ["why", cause ? `${fmtTime(cause.timeMs)}: ${cause.text}` : "— (nothing in the recent events)", "the latest event that changed this node's role or log or refused it something, and its cause"];
        this.show(`${nodeName(nd.id)} · ${nd.shownRole === "stale-leader" ? "stale leader" : nd.alive ? nd.role : "crashed"}`, "Node state (Figure 2 names).", [...nodeRows(nd), why]);
      }
      this.dropBtn.hidden = true;
      return;
    }
    const m = state.messages.find((x) => x.id === sel.id);
    if (m) this.lastMessage = m;
    const shown = m ?? (this.lastMessage?.id === sel.id ? this.lastMessage : null);
    if (!shown) {
      this.show("Message", `Message ${sel.id} is no longer in flight.`, []);
    } else {
      this.show(
        `${shown.kind}${shown.heartbeat ? " (heartbeat)" : ""}`,
        m ? "In flight." : "No longer in flight (delivered or dropped); last seen:",
        messageRows(shown, state.nowMs),
      );
    }
    this.dropBtn.hidden = !m;
    if (m) setText(this.dropBtn, `Drop message ${m.id}`);
  }

  private show(title: string, note: string, rows: Row[]): void {
    setText(this.title, title);
    setText(this.note, note);
    const key = rows.map((r) => r[0]).join("\n");
    if (key !== this.labelsKey) {
      this.labelsKey = key;
      this.values = [];
      this.table.replaceChildren(
        ...rows.map(([label, , hint]) => {
          const v = h("td");
          this.values.push(v);
          return h("tr", {}, h("th", { scope: "row", title: hint ?? "" }, label), v);
        }),
      );
    }
    rows.forEach((r, i) => setText(this.values[i]!, r[1]));
  }
}
