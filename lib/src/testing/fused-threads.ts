/**
 * For tests of the fused ops' second thread: the wasm kernels once their worker is listening, or `undefined` when
 * threads are off here (`RNNLAB_FUSED_THREADS=1`, or no `SharedArrayBuffer`), which is then asserted to be the reason.
 */
import * as assert from "node:assert/strict";
import { fusedKernels } from "../fast/fused-loader";
import type { FusedKernels } from "../fast/fused-kernels";

/** The wasm kernels with a ready worker pool, or `undefined` (threads legitimately off); waits up to 10 s for the worker. */
export async function threadedFusedKernels(): Promise<(FusedKernels & { readonly pool: NonNullable<FusedKernels["pool"]> }) | undefined> {
  const k = fusedKernels("wasm");
  const pool = k.pool;
  if (!pool) {
    assert.ok(process.env.RNNLAB_FUSED_THREADS === "1" || typeof SharedArrayBuffer === "undefined", "threads should be on here");
    return undefined;
  }
  const deadline = Date.now() + 10_000;
  while (!pool.ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(pool.ready(), "the worker started");
  return k as FusedKernels & { readonly pool: typeof pool };
}
