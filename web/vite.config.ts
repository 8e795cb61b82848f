// Vite config for raftlab's static bundle. Run from the repository root:
//   npx vite build --config web/vite.config.ts      (writes dist/: index.html, embed.html,
//                                                    assets/raftlab.js, .css and .wasm)
//   npx vite --config web/vite.config.ts            (dev server on http://localhost:5173)
// Every URL in dist/ is relative (base "./"), so the folder works from any static host or
// subfolder, offline. Both pages load the same one ES module; the wasm is fetched relative to
// it (`new URL(..., import.meta.url)` in wasm-bindgen's glue), the element's CSS is inside it
// (a constructed stylesheet), and the pages' own CSS is assets/raftlab.css. The run-file
// module (assets/raftlab-files.js and .wasm) is fetched only when a run file is first opened
// or exported (`node scripts/weight.mjs` prints what loads when).
import { defineConfig } from "vite";

/** The modules web/src/lazy.ts loads with import(): not in assets/raftlab.js. */
const LAZY = /\/web\/(src\/(details|table-view|legend|views\/kv-[a-z]+|chunks\/[a-z]+)\.ts|src\/styles\/(details|kv)\.css\?inline|pkg\/raftlab_files\.js)$/;

const root = decodeURIComponent(new URL(".", import.meta.url).pathname);

export default defineConfig({
  root,
  base: "./",
  // web/public/ (the Lab 3 runs, runs/*.json) is copied into dist/ as it is.
  publicDir: root + "public",
  clearScreen: false,
  build: {
    outDir: root + "../dist",
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    sourcemap: false,
    modulePreload: false,
    rollupOptions: {
      input: { index: root + "index.html", embed: root + "embed.html" },
      output: {
        entryFileNames: "assets/raftlab-[name].js",
        // What the first draw needs is ONE file, assets/raftlab.js: every module but those
        // web/src/lazy.ts imports on first use (their own chunks, which import what they share
        // with it from assets/raftlab.js) and the run-file module.
        manualChunks: (id) => (/\/web\/(src|pkg)\//.test(id) && !LAZY.test(id) ? "main" : undefined),
        // The run-file module's glue (web/pkg/raftlab_files.js, imported on first use) is its
        // own chunk, assets/raftlab-files.js, with assets/raftlab-files.wasm.
        chunkFileNames: (info) => {
          if (info.name === "main") return "assets/raftlab.js";
          if (info.name === "raftlab_files") return "assets/raftlab-files.js";
          return "assets/raftlab-[name].js";
        },
        assetFileNames: (info) => {
          const name = info.names?.[0] ?? info.name ?? "";
          if (name.endsWith("raftlab_files_bg.wasm")) return "assets/raftlab-files.wasm";
          // The rest of the main module (scripts/split-wasm.mjs), fetched after the first frame.
          if (name.endsWith("raftlab_wasm_rest.wasm")) return "assets/raftlab-rest.wasm";
          if (name.endsWith(".wasm")) return "assets/raftlab.wasm";
          if (name.endsWith(".css")) return "assets/raftlab.css";
          if (name.endsWith("built-in.postcard")) return "assets/raftlab-scenarios.postcard";
          return "assets/[name][extname]";
        },
      },
    },
  },
  server: { port: 5173, strictPort: true, host: "localhost" },
  preview: { port: 4173, strictPort: false, host: "localhost" },
});
