// The chunk of the details panel and the table view (web/src/lazy.ts loads it on first use:
// the table shows details' fields): their code and the panel's part of the stylesheet.
export { DetailsPanel } from "../details";
export { TableView } from "../table-view";
export { default as css } from "../styles/details.css?inline";
