// The new notebooks' architectures on the fast path, side by side: tokens/s of one training step of
//   • lm:        a 2-layer LSTM language model with an embedding (notebook 05's deep RNN; token ids in),
//   • tagger:    a bidirectional GRU tagger on a padded batch (notebook 06; valid lengths, both directions),
//   • attention: a GRU encoder–decoder with Bahdanau (additive) attention (notebook 07b; the decoder runs its
//                recurrent cell one step at a time, because each step's input holds that step's context),
// built by the course's own builders in two styles, trained with the same loss the Trainer uses:
//   (b) scratch blocks (tf ops on the patched wasm backend) with tf.train.adam,
//   (c) fused blocks (lib/src/fast: one wasm-SIMD op per sequence, or per decoder step) with FusedAdam, and the
//       fused output layer where the model has one (the language model),
//   (d) PyTorch on the CPU (bench/torch_ref.py: nn.Embedding, nn.LSTM(num_layers=2), a packed bidirectional
//       nn.GRU, nn.GRUCell with additive attention), best of 1 and 2 threads.
// Each (architecture, column) runs in its own process; the figure is the median step after warm-up (bench/common.js).
//
//   node bench/architectures.js            # the table
//   node bench/architectures.js --steps 40 # more measured steps (default 20)
"use strict";
const path = require("path");
const { timeSteps, argValue, runColumn, torchAvailable, torchBest, fmt, ratio, printTable, loadAverage } = require("./common");

/** One definition per architecture, read by both the tfjs worker and bench/torch_ref.py. */
const ARCHS = [
  { name: "lm", kind: "lm", label: "2-layer LSTM LM (E32, H128, V28)", V: 28, E: 32, H: 128, layers: 2, B: 32, T: 35 },
  {
    name: "tagger",
    kind: "tagger",
    label: "bidirectional GRU tagger (E16, 2×H64, padded)",
    V: 30,
    E: 16,
    H: 64,
    tags: 2,
    B: 32,
    T: 40,
    lens: Array.from({ length: 32 }, (_, b) => 20 + ((b * 7) % 21)), // 20 … 40 real tokens per row
  },
  {
    name: "attention",
    kind: "attention",
    label: "GRU seq2seq, Bahdanau attention (E32, H64)",
    srcV: 40,
    tgtV: 15,
    E: 32,
    H: 64,
    B: 64,
    srcT: 30,
    tgtT: 11,
  },
];

/** Deterministic ids in [lo, hi). */
const ids = (n, lo, hi, seed) => Array.from({ length: n }, (_, i) => lo + ((i * 7919 + seed * 104729 + 13) % (hi - lo)));

/** The model, its batch and the tokens a step trains on, in `style`. */
function build(rnnlab, a, style) {
  if (a.kind === "lm") {
    const block = rnnlab.buildStack("lstm", style, { numInputs: a.E, numHiddens: a.H, numLayers: a.layers, sigma: 0.1 });
    const model = new rnnlab.RNNLMScratch({ block, vocabSize: a.V, embedSize: a.E, fusedHead: style === "fused" });
    const X = Int32Array.from(ids(a.B * a.T, 0, a.V, 1)); // [batchSize, numSteps]
    const Y = Int32Array.from(X, (_, i) => X[(i + 1) % X.length]);
    return { model, batch: { batchSize: a.B, numSteps: a.T, X, Y }, tokens: a.B * a.T };
  }
  if (a.kind === "tagger") {
    const block = rnnlab.buildBidirectional("gru", style, { numInputs: a.E, numHiddens: a.H, merge: "concat" });
    const model = new rnnlab.SequenceTagger({ block, vocabSize: a.V, embedSize: a.E, numTags: a.tags });
    const rows = a.lens.map((n, b) => ids(n, 1, a.V, b));
    const tags = a.lens.map((n, b) => ids(n, 0, a.tags, b + 100));
    return { model, batch: rnnlab.taggedBatch(rows, tags), tokens: a.lens.reduce((s, n) => s + n, 0) };
  }
  const model = rnnlab.buildAttentionSeq2Seq("gru", style, {
    srcVocabSize: a.srcV,
    tgtVocabSize: a.tgtV,
    bosId: 1,
    embedSize: a.E,
    numHiddens: a.H,
    sigma: 0.1,
  });
  const targets = Array.from({ length: a.B }, (_, b) => ids(a.tgtT - 1, 3, a.tgtV, b)); // + <eos> = tgtT steps
  const t = rnnlab.paddedBatch(targets, { start: 1, eos: 2, pad: 0 });
  const src = Int32Array.from(ids(a.B * a.srcT, 1, a.srcV, 7));
  const batch = { ...t, src, srcSteps: a.srcT, srcLens: new Int32Array(a.B).fill(a.srcT) };
  return { model, batch, tokens: a.B * a.tgtT };
}

/** Worker: times one architecture in one style and prints one JSON line. */
async function worker(name, style, steps) {
  const rnnlab = require(path.join(__dirname, "..", "lib", "dist"));
  const fast = require(path.join(__dirname, "..", "lib", "dist", "fast"));
  const tf = require("@tensorflow/tfjs");
  await rnnlab.setupBackend("wasm");
  const a = ARCHS.find((x) => x.name === name);
  const { model, batch, tokens } = build(rnnlab, a, style);
  const vars = model.trainableVariables();
  const opt = style === "fused" ? new fast.FusedAdam({ lr: 1e-3 }) : tf.train.adam(1e-3);
  const step = () => {
    const loss = opt.minimize(() => model.loss(batch, { training: true }), true, vars);
    loss.dataSync();
    loss.dispose();
  };
  step(); // the first step creates tf.train.adam's moment variables: state, not a leak
  const before = tf.memory().numTensors;
  const { ms, warmup } = timeSteps(step, steps);
  const leaked = tf.memory().numTensors - before;
  opt.dispose();
  model.dispose();
  console.log(JSON.stringify({ arch: name, style, ms, warmup, per_s: tokens / (ms / 1000), leaked }));
}

function main() {
  const steps = Number(argValue("--steps", "20"));
  const torch = torchAvailable();
  const loadStart = loadAverage();
  const rows = [];
  let torchNote = torch ? "" : "(d) skipped: /usr/bin/python3 cannot import torch (apt-get install -y python3-torch libopenblas0-pthread)";
  for (const a of ARCHS) {
    process.stderr.write(`bench: ${a.name} …\n`);
    const got = {};
    for (const style of ["scratch", "fused"]) {
      const res = runColumn(process.execPath, [__filename, "--worker", a.name, "--style", style, "--steps", String(steps)]);
      if (res.error) {
        console.error(`bench: ${a.name} (${style}) failed: ${res.error}`);
        process.exit(1);
      }
      got[style] = res.rows[0];
      if (got[style].leaked > 0) console.error(`bench: ${a.name} (${style}) leaked ${got[style].leaked} tensors per run`);
    }
    let d = null;
    if (torch) {
      const { best, error } = torchBest(path.join(__dirname, "torch_ref.py"), [String(steps), "arch", JSON.stringify(a)]);
      if (best) d = best;
      else torchNote = `PyTorch failed: ${error}`;
    }
    const [b, c] = [got.scratch.per_s, got.fused.per_s];
    rows.push([a.label, `B${a.B}`, fmt(b), fmt(c), ratio(c, b), d ? `${fmt(d.per_s)} (${d.threads}T)` : "—", ratio(c, d && d.per_s)]);
  }
  const loadEnd = loadAverage();
  console.log(
    `\ntokens/s per training step of the new notebooks' architectures (median of ${steps} after a warm-up of ≥ 2 s; Adam; ` +
      `load average ${loadStart.toFixed(1)} → ${loadEnd.toFixed(1)})`,
  );
  printTable(["architecture", "batch", "(b) scratch", "(c) fused", "(c)/(b)", "(d) PyTorch", "(c)/(d)"], rows);
  console.log(
    "(b): the course's scratch blocks (tf ops) + tf.train.adam; (c): the same models with fused blocks + FusedAdam (+ the fused output layer in the LM)",
  );
  if (torchNote) console.log(torchNote);
}

module.exports = { ARCHS, build };

if (process.argv.includes("--worker")) {
  worker(argValue("--worker"), argValue("--style"), Number(argValue("--steps", "20"))).catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  });
} else if (require.main === module) {
  main();
}
