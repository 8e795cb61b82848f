// The Clients panel's chunk (web/src/lazy.ts loads it on first use): the panel, its history
// view and their part of the element's stylesheet.
export { KvClientsPanel } from "../views/kv-clients";
export { default as css } from "../styles/kv.css?inline";
