// Fast RNN training without native TensorFlow, side by side: chars/s of one char-level training step
// (one-hot or fused token inputs, vocabulary 27 → RNN/GRU/LSTM → dense → softmax cross-entropy → Adam) for
//   (a) tf.layers on the stock wasm backend,
//   (b) tf.layers on the patched wasm backend (lib/src/fast/wasm-kernels.ts),
//   (c) rnnlab's fused layers (wasm SIMD, lib/asm/fused.ts, two threads when there are two cores) with FusedAdam,
//   (d) PyTorch on the CPU (bench/torch_ref.py), when /usr/bin/python3 can import torch; best of 1 and 2 threads.
// Every (configuration, column) runs in its own process, interleaved configuration by configuration so that
// a changing machine load hits all columns alike; the figure is the median step after warm-up (bench/common.js:
// at least 2 s and 10 steps, for every column and for PyTorch alike). The load average is printed with the table:
// on a busy machine the numbers mean little.
//
//   node bench/fast.js            # the table
//   node bench/fast.js --steps 40 # more measured steps (default 20)
"use strict";
const path = require("path");
const {
  timeSteps,
  argValue,
  runColumn,
  torchAvailable,
  torchBest,
  fmt,
  ratio,
  printTable,
  loadAverage,
  fusedCharStep,
} = require("./common");

const VOCAB = 27;
const SIZES = [
  { H: 128, B: 64, T: 40 },
  { H: 64, B: 32, T: 20 },
];
const CELLS = ["rnn", "gru", "lstm"];

/** Worker: times one column (mode a, b or c) for every cell and size; prints one JSON line each. */
async function worker(mode, steps, only) {
  if (mode === "a") process.env.RNNLAB_WASM_PATCH = "0";
  const rnnlab = require(path.join(__dirname, "..", "lib", "dist"));
  const fast = require(path.join(__dirname, "..", "lib", "dist", "fast")); // the fused ops are not in the root barrel
  const tf = require("@tensorflow/tfjs");
  const info = await rnnlab.setupBackend("wasm");
  if ((mode === "a") !== (info.patchedKernels.length === 0)) throw new Error(`mode ${mode}: patch state is wrong`);
  for (const { H, B, T } of SIZES) {
    for (const cell of CELLS) {
      if (only && only !== `${cell}:${H}:${B}:${T}`) continue;
      let step;
      let dispose;
      if (mode === "c") {
        ({ step, dispose } = fusedCharStep(tf, fast, cell, { H, B, T }, VOCAB));
      } else {
        const ids = new Int32Array((T + 1) * B).map((_, i) => (i * 7919 + 13) % VOCAB);
        const opt = tf.train.adam(1e-3);
        const args = { units: H, returnSequences: true, inputShape: [T, VOCAB] };
        const layer = cell === "rnn" ? tf.layers.simpleRNN(args) : tf.layers[cell]({ ...args, recurrentActivation: "sigmoid" });
        const model = tf.sequential({ layers: [layer, tf.layers.dense({ units: VOCAB })] });
        const X = tf.tidy(() => tf.oneHot(tf.tensor2d(ids.subarray(0, T * B), [B, T], "int32"), VOCAB).toFloat());
        const Y = tf.tidy(() => tf.oneHot(tf.tensor2d(ids.subarray(B), [B, T], "int32"), VOCAB));
        step = () => opt.minimize(() => tf.losses.softmaxCrossEntropy(Y, model.apply(X)), true);
        dispose = () => {
          opt.dispose();
          tf.dispose([X, Y]);
          model.dispose();
        };
      }
      const { ms, warmup } = timeSteps(() => {
        const loss = step();
        loss.dataSync();
        loss.dispose();
      }, steps);
      dispose();
      console.log(JSON.stringify({ mode, cell, H, B, T, ms, warmup, per_s: (B * T) / (ms / 1000), tensors: tf.memory().numTensors }));
    }
  }
}

function main() {
  const steps = Number(argValue("--steps", "20"));
  const key = (r) => `${r.cell} H${r.H}/B${r.B}/T${r.T}`;
  const cols = { a: {}, b: {}, c: {}, d: {} };
  const torch = torchAvailable();
  let torchNote = torch ? "" : "(d) skipped: /usr/bin/python3 cannot import torch (apt-get install -y python3-torch libopenblas0-pthread)";
  const loadStart = loadAverage();
  for (const { H, B, T } of SIZES) {
    for (const cell of CELLS) {
      const only = `${cell}:${H}:${B}:${T}`;
      process.stderr.write(`bench: ${cell} H${H}/B${B}/T${T} …\n`);
      for (const mode of ["a", "b", "c"]) {
        const res = runColumn(process.execPath, [__filename, "--worker", mode, "--steps", String(steps), "--only", only], {});
        if (res.error) {
          console.error(`bench: column (${mode}) failed: ${res.error}`);
          process.exit(1);
        }
        for (const r of res.rows) cols[mode][key(r)] = r;
      }
      if (!torch) continue;
      const { best, error } = torchBest(path.join(__dirname, "torch_ref.py"), [String(steps), cell, String(H), String(B), String(T)]);
      if (best) cols.d[key(best)] = best;
      else torchNote = `PyTorch failed: ${error}`;
    }
  }
  const loadEnd = loadAverage();
  const header = ["cell", "size", "(a) tf.layers wasm", "(b) tf.layers patched", "(b)/(a)", "(c) fused", "(d) PyTorch", "(c)/(d)"];
  const notes = [
    "(a)/(b): tf.layers.{simpleRNN,gru,lstm} (sigmoid gates) + dense, one-hot inputs, tf.train.adam; (b) with rnnlab's wasm kernel patch",
    "(c): fusedRecurrent with token ids (gather fused) + fusedSoftmaxCrossEntropy + FusedAdam; (d): torch.nn.{RNN,GRU,LSTM} + Linear + Adam, one-hot inputs",
  ];
  const rows = [];
  for (const { H, B, T } of SIZES) {
    for (const cell of CELLS) {
      const k = `${cell} H${H}/B${B}/T${T}`;
      const [a, b, c, d] = ["a", "b", "c", "d"].map((m) => cols[m] && cols[m][k] && cols[m][k].per_s);
      const th = cols.d && cols.d[k] ? ` (${cols.d[k].threads}T)` : "";
      rows.push([cell, `H${H}/B${B}/T${T}`, fmt(a), fmt(b), ratio(b, a), fmt(c), fmt(d) + th, ratio(c, d)]);
    }
  }
  console.log(
    `chars/s per training step (median of ${steps} after a warm-up of ≥ 2 s; vocab ${VOCAB}; Adam; ` +
      `${require("os").cpus().length} cores, load average ${loadStart.toFixed(1)} → ${loadEnd.toFixed(1)})`,
  );
  printTable(header, rows);
  for (const n of notes) console.log(n);
  if (torchNote) console.log(torchNote);
}

if (process.argv.includes("--worker")) {
  worker(argValue("--worker"), Number(argValue("--steps", "20")), argValue("--only")).catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  });
} else {
  main();
}
