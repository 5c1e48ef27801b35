// Bundles the lib's browser-safe parts (lib/src/browser.ts, built to lib/dist/browser.js) with tfjs into one
// script for the book's demos: `window.rnnlab`. Node built-ins reached through the imports are replaced by
// scripts/browser-shims/ (the fused blocks then run on their plain-JS kernels in the page).
//
//   node scripts/build-browser.js [out.js]      # default book/assets/rnnlab.js; needs `npm run build` first
"use strict";
const path = require("path");
const esbuild = require("esbuild");

const ROOT = path.join(__dirname, "..");
const EMPTY = path.join(__dirname, "browser-shims", "empty.js");
const NODE_ONLY = ["fs", "os", "worker_threads", "child_process", "zlib", "crypto", "url", "util", "events", "module", "buffer", "stream"];

/** Writes the bundle to `outFile`; returns its size in bytes. */
async function buildBrowserBundle(outFile) {
  const alias = Object.fromEntries(NODE_ONLY.map((m) => [m, EMPTY]));
  alias.path = path.join(__dirname, "browser-shims", "path.js");
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, "lib", "dist", "browser.js")],
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "rnnlab",
    outfile: outFile,
    minify: true,
    alias,
    define: { __dirname: '"/"', "process.env": "{}" },
    logLevel: "error",
    metafile: true,
  });
  return Object.values(result.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
}

module.exports = { buildBrowserBundle };

if (require.main === module) {
  const out = path.resolve(process.argv[2] || path.join(ROOT, "book", "assets", "rnnlab.js"));
  buildBrowserBundle(out)
    .then((bytes) => console.log(`build-browser: ${path.relative(ROOT, out)} (${(bytes / 1e6).toFixed(2)} MB)`))
    .catch((err) => {
      console.error(`build-browser: ${err.message}`);
      process.exit(1);
    });
}
