// Entry point: load the wasm module, then define <raft-cluster> (which upgrades the element in
// index.html and boots its cluster). A failure to load is shown on the page.
import { errorMessage } from "./dom";
import { RaftClusterElement } from "./element";
import { loadWasm } from "./wasm";

function fatal(message: string): void {
  const el = document.getElementById("fatal");
  if (el) {
    el.textContent = message;
    el.hidden = false;
  }
}

async function main(): Promise<void> {
  try {
    await loadWasm();
  } catch (e) {
    fatal(`Could not load the Raft simulator (WebAssembly): ${errorMessage(e)}`);
    return;
  }
  if (!customElements.get("raft-cluster")) customElements.define("raft-cluster", RaftClusterElement);
}

main().catch((e: unknown) => fatal(`The page failed to start: ${errorMessage(e)}`));

declare global {
  interface HTMLElementTagNameMap {
    "raft-cluster": RaftClusterElement;
  }
}
