import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";

/** Runs a snippet in a fresh Node process with `env`, returning its JSON answer. */
function probe(env: Record<string, string>): { pool: boolean; variant: string | null; kind: string } {
  const fast = path.join(__dirname, "index.js");
  const code =
    `const f = require(${JSON.stringify(fast)}); const k = f.fusedKernels();` +
    `console.log(JSON.stringify({ pool: !!k.pool, variant: f.fusedWasmVariant(), kind: k.kind }));`;
  const r = spawnSync(process.execPath, ["-e", code], { env: { ...process.env, ...env }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

test("threads fall back cleanly: RNNLAB_FUSED_THREADS=1 gives single-threaded wasm, RNNLAB_FUSED=js the JS kernels", () => {
  const one = probe({ RNNLAB_FUSED_THREADS: "1" });
  assert.deepEqual([one.pool, one.kind], [false, "wasm"]);
  assert.ok(one.variant === "simd" || one.variant === "relaxed-simd");
  const simd = probe({ RNNLAB_FUSED: "simd" });
  assert.equal(simd.variant, "simd");
  const js = probe({ RNNLAB_FUSED: "js" });
  assert.deepEqual([js.pool, js.kind], [false, "js"]);
});
