// Entry point of the bundle (dist/raftlab.js): defines <raft-cluster>. Each element loads the
// wasm module itself (once for all instances) and reports a failure in its own status line.
import { RaftClusterElement } from "./element";

export { RaftClusterElement };
export type * from "./api";

if (!customElements.get("raft-cluster")) customElements.define("raft-cluster", RaftClusterElement);

// The main page's address may ask for lecture mode (?presenter), as its toggle does.
for (const el of document.querySelectorAll("raft-cluster[url-params]")) {
  if (new URLSearchParams(location.search).has("presenter")) el.setAttribute("presenter", "");
}

declare global {
  interface HTMLElementTagNameMap {
    "raft-cluster": RaftClusterElement;
  }
}
