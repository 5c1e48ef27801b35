// Where the time of one fused training step goes: runs bench/fast.js's fused step (token ids → fused RNN/GRU/LSTM →
// fused output layer → FusedAdam) under V8's sampling profiler and sorts the samples into buckets: each wasm kernel
// of lib/asm/fused.ts by the pass that called it, copies between tfjs and the kernels' memory, FusedAdam, tfjs, GC.
//
//   node bench/profile.js                       # the small LSTM (H64, B32, T20), 3,000 steps
//   node bench/profile.js gru 128 64 40 500     # cell H B T steps
"use strict";
const fs = require("fs");
const inspector = require("inspector");
const path = require("path");
const { median, fusedCharStep } = require("./common");

const VOCAB = 27;

/** Function index → export name of a wasm module (its export section). */
function wasmExportNames(file) {
  const b = fs.readFileSync(file);
  const names = {};
  let p = 8;
  const uleb = () => {
    let r = 0;
    let s = 0;
    let x;
    do {
      x = b[p++];
      r |= (x & 0x7f) << s;
      s += 7;
    } while (x & 0x80);
    return r >>> 0;
  };
  while (p < b.length) {
    const id = b[p++];
    const len = uleb();
    const end = p + len;
    if (id === 7) {
      for (let n = uleb(); n > 0; n--) {
        const l = uleb();
        const name = b.subarray(p, p + l).toString();
        p += l;
        const kind = b[p++];
        const index = uleb();
        if (kind === 0) names[index] = name;
      }
    }
    p = end;
  }
  return names;
}

/** The bucket of one sample, from its stack (leaf first). */
function bucketOf(stack, kernelNames) {
  const leaf = stack[0];
  const m = /^wasm-function\[(\d+)\]$/.exec(leaf.functionName);
  const ours = (f) => /lib\/dist\/fast\//.test(f.url);
  if (m && kernelNames[m[1]] && !/tfjs|tf-backend/.test(leaf.url)) {
    const caller = stack.find((f) => ours(f) && /^(fusedForward|fusedBackward|gradFunc|fusedSoftmaxCrossEntropy)$/.test(f.functionName));
    const pass = !caller
      ? ""
      : /fused-head/.test(caller.url)
        ? " (output layer)"
        : caller.functionName === "fusedForward"
          ? " (recurrent forward)"
          : caller.functionName === "fusedBackward"
            ? " (recurrent backward)"
            : "";
    return `kernel ${kernelNames[m[1]]}${pass}`;
  }
  if (leaf.functionName === "(garbage collector)") return "garbage collection";
  if (leaf.functionName === "(idle)" || leaf.functionName === "(program)") return "idle / program";
  const own = stack.find(ours);
  if (own && /^(put|take|f32)$/.test(own.functionName)) return "copies into / out of the kernels' memory";
  if (own && own.functionName === "applyGradients") return "FusedAdam";
  if (stack.some((f) => f.functionName === "run" && /fused-threads/.test(f.url))) return "thread hand-off";
  if (m || /tfjs|tf-core|tf-backend/.test(leaf.url)) return "tfjs (ops, tape, wasm backend)";
  return own ? `JS in fast/${path.basename(own.url)}` : "other JS";
}

async function main() {
  const [cell = "lstm", H = 64, B = 32, T = 20, steps = 3000] = process.argv.slice(2).map((x, i) => (i === 0 ? x : Number(x)));
  const rnnlab = require(path.join(__dirname, "..", "lib", "dist"));
  const fast = require(path.join(__dirname, "..", "lib", "dist", "fast"));
  const tf = require("@tensorflow/tfjs");
  await rnnlab.setupBackend("wasm");
  const variant = fast.fusedWasmVariant();
  const threaded = !!fast.fusedKernels().pool;
  const file = path.join(
    __dirname,
    "..",
    "lib",
    "dist",
    "fast",
    `fused${variant === "relaxed-simd" ? "-relaxed" : ""}${threaded ? "-shared" : ""}.wasm`,
  );
  const kernelNames = wasmExportNames(file);
  const fused = fusedCharStep(tf, fast, cell, { H, B, T }, VOCAB);
  const step = () => {
    const loss = fused.step();
    loss.dataSync();
    loss.dispose();
  };
  for (let i = 0; i < 300; i++) step(); // warm-up
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) => new Promise((ok, fail) => session.post(method, params, (err, r) => (err ? fail(err) : ok(r))));
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
  const times = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const { profile } = await post("Profiler.stop");
  session.disconnect();
  fused.dispose();

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const buckets = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] || 0;
    const stack = [];
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur).callFrame);
    const k = bucketOf(stack, kernelNames);
    buckets.set(k, (buckets.get(k) || 0) + dt);
    total += dt;
  });
  console.log(
    `${cell} H${H}/B${B}/T${T}: median step ${median(times).toFixed(2)} ms over ${steps} steps; kernels ${variant}${threaded ? ", two threads" : ""}`,
  );
  console.log("| share | where |");
  console.log("|---|---|");
  for (const [k, t] of [...buckets].sort((a, b) => b[1] - a[1])) {
    if (t / total >= 0.005) console.log(`| ${((100 * t) / total).toFixed(1)} % | ${k} |`);
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
