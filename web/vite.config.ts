// Vite config for the raftlab page. Run from the repository root:
//   npx vite build --config web/vite.config.ts      (writes web/dist)
//   npx vite --config web/vite.config.ts            (dev server on http://localhost:5173)
// The wasm module is web/pkg/raftlab_wasm.js (wasm-bindgen --target web); its glue loads
// raftlab_wasm_bg.wasm through `new URL(..., import.meta.url)`, which Vite emits as an asset.
import { defineConfig } from "vite";

const root = decodeURIComponent(new URL(".", import.meta.url).pathname);

export default defineConfig({
  root,
  base: "./",
  publicDir: false,
  clearScreen: false,
  build: {
    outDir: root + "dist",
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: { port: 5173, strictPort: true, host: "localhost" },
  preview: { port: 4173, strictPort: false, host: "localhost" },
});
