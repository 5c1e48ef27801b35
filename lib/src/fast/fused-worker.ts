/**
 * The worker thread of the fused ops (started by `fused-threads.ts`): instantiates the kernels on the shared
 * memory, then runs one job at a time from the control block, and signals completion.
 */
import { workerData } from "worker_threads";
import { runFusedJob } from "./fused-core";
import type { FusedJob } from "./fused-jobs";
import { FusedWasmExports, WasmFusedKernels } from "./fused-kernels";
import { FUSED_CTRL, FUSED_JOB_OFFSET } from "./fused-threads";

interface FusedWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
}

function serve(): void {
  const { module, memory, ctrl } = workerData as FusedWorkerData;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const k = new WasmFusedKernels(instance.exports as unknown as FusedWasmExports, memory);
  const c = new Int32Array(ctrl);
  const text = new Uint8Array(ctrl, FUSED_JOB_OFFSET);
  const dec = new TextDecoder();
  let seen = Atomics.load(c, FUSED_CTRL.SEQ);
  Atomics.store(c, FUSED_CTRL.READY, 1);
  for (;;) {
    // Spin a little (jobs come in bursts), then sleep until the caller bumps SEQ.
    let spins = 0;
    while (Atomics.load(c, FUSED_CTRL.SEQ) === seen) {
      if (++spins > 20000) {
        Atomics.wait(c, FUSED_CTRL.SEQ, seen);
        spins = 0;
      }
    }
    seen = Atomics.load(c, FUSED_CTRL.SEQ);
    try {
      const job = JSON.parse(dec.decode(text.slice(0, Atomics.load(c, FUSED_CTRL.LEN)))) as FusedJob;
      runFusedJob(k, job, 1);
    } catch {
      Atomics.store(c, FUSED_CTRL.FAILED, 1);
    }
    Atomics.store(c, FUSED_CTRL.DONE, seen);
    Atomics.notify(c, FUSED_CTRL.DONE);
  }
}

serve();
