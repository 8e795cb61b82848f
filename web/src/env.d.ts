// Vite: `import css from "./x.css?inline"` gives the file's text.
declare module "*.css?inline" {
  const css: string;
  export default css;
}
