/**
 * Both cores for the fused ops: the kernels run on a shared `WebAssembly.Memory`, and one worker thread
 * (`fused-worker.ts`) takes half of each large job (half the batch rows of a time loop, half the rows of a big
 * product). Jobs travel through a small `SharedArrayBuffer` control block and `Atomics.wait`/`notify`.
 *
 * Falls back cleanly: without `SharedArrayBuffer`, `worker_threads`, a second core, or the shared build of the
 * kernels, {@link createFusedThreadedKernels} returns `null` and the caller runs single-threaded. Until the worker
 * reports ready, jobs simply run in the calling thread. `RNNLAB_FUSED_THREADS=1` turns threads off.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { FusedJob } from "./fused-jobs";
import { FusedPool, WasmFusedKernels, FusedWasmExports } from "./fused-kernels";

/** Environment variable: the number of threads (1 turns the worker off). */
const FUSED_THREADS_ENV = "RNNLAB_FUSED_THREADS";

/** Control block layout (Int32 slots). */
const SEQ = 0; // bumped by the caller for every job
const DONE = 1; // set by the worker to the finished job's SEQ
const LEN = 2; // bytes of the JSON job
const FAILED = 3; // 1 when the worker's job threw
const READY = 4; // 1 once the worker is listening
/** Byte offset of the job text in the control block. */
export const FUSED_JOB_OFFSET = 64;
const CTRL_BYTES = 1 << 16;

/** How many threads the fused ops should use: `RNNLAB_FUSED_THREADS`, else 2 when there are 2+ cores. */
function fusedThreadCount(): number {
  const env = Number(process.env[FUSED_THREADS_ENV] ?? "");
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 2);
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return cores >= 2 ? 2 : 1;
}

class WorkerPool implements FusedPool {
  readonly threads = 2;
  dispatched = 0;
  private readonly ctrl: Int32Array;
  private readonly text: Uint8Array;
  private readonly enc = new TextEncoder();

  constructor(
    private readonly local: (job: FusedJob) => void,
    sab: SharedArrayBuffer,
  ) {
    this.ctrl = new Int32Array(sab);
    this.text = new Uint8Array(sab, FUSED_JOB_OFFSET);
  }

  ready(): boolean {
    return Atomics.load(this.ctrl, READY) === 1;
  }

  run(jobs: FusedJob[]): void {
    if (jobs.length === 0) return;
    if (jobs.length === 1 || Atomics.load(this.ctrl, READY) !== 1) {
      for (const j of jobs) this.local(j);
      return;
    }
    const bytes = this.enc.encode(JSON.stringify(jobs[1]));
    if (bytes.length > this.text.length) throw new Error("fused threads: job too large for the control block");
    this.text.set(bytes);
    Atomics.store(this.ctrl, LEN, bytes.length);
    const seq = Atomics.add(this.ctrl, SEQ, 1) + 1;
    this.dispatched++;
    Atomics.notify(this.ctrl, SEQ);
    this.local(jobs[0]);
    for (let i = 2; i < jobs.length; i++) this.local(jobs[i]);
    // Wait for the worker: spin briefly (it is usually about done), then sleep.
    let spins = 0;
    const start = Date.now();
    while (Atomics.load(this.ctrl, DONE) !== seq) {
      if (++spins > 4000) {
        Atomics.wait(this.ctrl, DONE, Atomics.load(this.ctrl, DONE), 5);
        if (Date.now() - start > 60_000) throw new Error("fused threads: the worker stopped answering");
      }
    }
    if (Atomics.load(this.ctrl, FAILED) === 1) {
      Atomics.store(this.ctrl, FAILED, 0);
      throw new Error("fused threads: the worker's half of a job failed");
    }
  }
}

/**
 * Instantiates the shared-memory build `file` in this thread and in one worker. Returns kernels whose
 * `pool` splits jobs over both, or `null` when threads are unavailable here.
 * @param runJob runs a job on given kernels (passed in so this module does not import the core).
 */
export function createFusedThreadedKernels(
  file: string,
  runJob: (k: WasmFusedKernels, job: FusedJob, thread: number) => void,
): WasmFusedKernels | null {
  if (fusedThreadCount() < 2 || typeof SharedArrayBuffer === "undefined" || !fs.existsSync(file)) return null;
  let workerThreads: typeof import("worker_threads");
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- absent in some runtimes; checked here
    workerThreads = require("worker_threads");
  } catch {
    return null;
  }
  const bytes = fs.readFileSync(file);
  if (!WebAssembly.validate(bytes)) return null;
  const module = new WebAssembly.Module(bytes);
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 32768, shared: true });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const k = new WasmFusedKernels(instance.exports as unknown as FusedWasmExports, memory);
  const sab = new SharedArrayBuffer(CTRL_BYTES);
  const worker = new workerThreads.Worker(path.join(__dirname, "fused-worker.js"), {
    workerData: { module, memory, ctrl: sab },
  });
  worker.unref();
  worker.on("error", () => Atomics.store(new Int32Array(sab), READY, 0));
  k.pool = new WorkerPool((job) => runJob(k, job, 0), sab);
  return k;
}

/** The control-block slots, for the worker. */
export const FUSED_CTRL = { SEQ, DONE, LEN, FAILED, READY } as const;
