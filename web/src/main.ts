// Entry point of the bundle (dist/raftlab.js): defines <raft-cluster>. Each element loads the
// wasm module itself (once for all instances) and reports a failure in its own status line.
import { RaftClusterElement } from "./element";

export { RaftClusterElement };
export type * from "./api";

if (!customElements.get("raft-cluster")) customElements.define("raft-cluster", RaftClusterElement);

declare global {
  interface HTMLElementTagNameMap {
    "raft-cluster": RaftClusterElement;
  }
}
