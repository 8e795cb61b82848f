// What the user clicked: a node or a message in flight. The ring and the log view highlight it,
// the details panel shows all its fields, the keyboard shortcuts act on the selected node.

export type Selection = { kind: "node"; id: number } | { kind: "message"; id: number } | null;

export function selectedNode(sel: Selection): number | null {
  return sel?.kind === "node" ? sel.id : null;
}

export function selectedMessage(sel: Selection): number | null {
  return sel?.kind === "message" ? sel.id : null;
}
