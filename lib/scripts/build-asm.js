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

const SHARED = ["--enable", "threads", "--importMemory", "--sharedMemory", "--maximumMemory", "32768"];

function main() {
  const asc = findAsc();
  if (!asc) {
    console.warn("build-asm: `asc` (assemblyscript) is not installed; the fused layers will use their JS fallback.");
    return;
  }
  fs.mkdirSync(OUT, { recursive: true });
  const src = path.join(LIB, "asm", "fused.ts");
  // Two builds: plain SIMD (runs everywhere SIMD does) and relaxed SIMD (fused multiply-add), preferred when
  // the engine accepts it.
  const builds = [
    { out: "fused.wasm", flags: ["--enable", "simd"] },
    { out: "fused-relaxed.wasm", flags: ["--enable", "simd", "--enable", "relaxed-simd"] },
    // Shared-memory twins for the threaded kernels (lib/src/fast/fused-threads.ts).
    { out: "fused-shared.wasm", flags: ["--enable", "simd", ...SHARED] },
    { out: "fused-relaxed-shared.wasm", flags: ["--enable", "simd", "--enable", "relaxed-simd", ...SHARED] },
  ];
  for (const { out, flags } of builds) {
    const file = path.join(OUT, out);
    // Rebuild only when the source (or this script) is newer than the module.
    const newest = Math.max(fs.statSync(src).mtimeMs, fs.statSync(__filename).mtimeMs);
    if (fs.existsSync(file) && fs.statSync(file).mtimeMs >= newest) continue;
    const args = [src, "--outFile", file, "-O3", ...flags, "--runtime", "stub", "--noAssert", "--initialMemory", "16"];
    const r = spawnSync(asc, args, { stdio: "inherit" });
    if (r.status !== 0) {
      console.error(`build-asm: compiling lib/asm/fused.ts to ${out} failed`);
      process.exit(1);
    }
  }
}

main();
