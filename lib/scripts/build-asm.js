// Compiles the AssemblyScript kernels (lib/asm/*.ts) to lib/dist/fast/*.wasm with wasm SIMD.
// Run by `npm run build` after `tsc -b`. The .wasm is built, never committed.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const LIB = path.join(__dirname, "..");
const OUT = path.join(LIB, "dist", "fast");

function findAsc() {
  for (const dir of [path.join(LIB, "node_modules", ".bin"), path.join(LIB, "..", "node_modules", ".bin")]) {
    const p = path.join(dir, "asc");
    if (fs.existsSync(p)) return p;
  }
  return null;
}

function main() {
  const asc = findAsc();
  if (!asc) {
    console.warn("build-asm: `asc` (assemblyscript) is not installed; the fused layers will use their JS fallback.");
    return;
  }
  fs.mkdirSync(OUT, { recursive: true });
  const src = path.join(LIB, "asm", "fused.ts");
  const out = path.join(OUT, "fused.wasm");
  // Rebuild only when the source is newer than the module.
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs) return;
  const args = [src, "--outFile", out, "-O3", "--enable", "simd", "--runtime", "stub", "--noAssert",
    "--initialMemory", "16", "--exportStart", "_initialize"];
  const r = spawnSync(asc, args, { stdio: "inherit" });
  if (r.status !== 0) {
    console.error("build-asm: compiling lib/asm/fused.ts failed");
    process.exit(1);
  }
}

main();
