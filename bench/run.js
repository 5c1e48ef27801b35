// `npm run bench`: training throughput (chars/s) of the course's language models on the active backend.
//
//   npm run bench                       # every model, both sizes
//   npm run bench -- --steps 8          # more timed steps per row (default 5)
//   RNNLAB_BACKEND=cpu npm run bench    # another backend
//
// Each row trains one model with the course's Trainer (Adam, clipNorm 1) on random one-hot batches of a
// 27-token vocabulary, times every optimiser step after WARMUP warm-up steps and prints the median.
// chars/s = batchSize × numSteps / median step time. Needs a built lib (`npm run build`).
"use strict";
const rnnlab = require("rnnlab");
const tf = require("@tensorflow/tfjs");
const os = require("os");

const VOCAB = 27;
const WARMUP = 2;
const SIZES = [
  { numHiddens: 128, batchSize: 64, numSteps: 40 },
  { numHiddens: 64, batchSize: 32, numSteps: 20 },
];

/** The models built so far: [name, factory]. Blocks another lesson adds appear when the lib exports them. */
function models() {
  const list = [
    ["RNNScratch", (H) => new rnnlab.RNNLMScratch({ block: new rnnlab.RNNScratch({ numInputs: VOCAB, numHiddens: H }), vocabSize: VOCAB })],
    ["RNN (tf.layers)", (H) => new rnnlab.RNNLM({ vocabSize: VOCAB, numHiddens: H })],
  ];
  for (const kind of ["GRU", "LSTM"]) {
    if (rnnlab[`${kind}Scratch`]) {
      list.push([
        `${kind}Scratch`,
        (H) => new rnnlab.RNNLMScratch({ block: new rnnlab[`${kind}Scratch`]({ numInputs: VOCAB, numHiddens: H }), vocabSize: VOCAB }),
      ]);
    }
    if (rnnlab[kind]) {
      list.push([
        `${kind} (tf.layers)`,
        (H) => new rnnlab.RNNLM({ vocabSize: VOCAB, numHiddens: H, block: new rnnlab[kind]({ numInputs: VOCAB, numHiddens: H }) }),
      ]);
    }
  }
  return list;
}

/** `count` random batches of ids, the same for every model. */
function randomSource(batchSize, numSteps, count) {
  const rng = new rnnlab.Rng(1);
  const batches = Array.from({ length: count }, () => {
    const X = new Int32Array(batchSize * numSteps).map(() => rng.int(VOCAB));
    const Y = new Int32Array(batchSize * numSteps).map(() => rng.int(VOCAB));
    return { batchSize, numSteps, X, Y };
  });
  return { vocabSize: VOCAB, trainBatches: () => batches, valBatches: () => batches.slice(0, 1) };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function benchOne(makeModel, size, steps) {
  const { numHiddens, batchSize, numSteps } = size;
  const model = makeModel(numHiddens);
  const times = [];
  let last = process.hrtime.bigint();
  // One progress report per step: the gaps between reports are the step times.
  const listener = {
    onStart: () => void (last = process.hrtime.bigint()),
    onProgress: () => {
      const now = process.hrtime.bigint();
      times.push(Number(now - last) / 1e9);
      last = now;
    },
  };
  const total = WARMUP + steps + 1; // the last step of an epoch is reported after validation, so it is not timed
  const trainer = new rnnlab.Trainer({ maxEpochs: 1, lr: 0.001, clipNorm: 1, listener, reportsPerEpoch: total });
  await trainer.fit(model, randomSource(batchSize, numSteps, total));
  model.dispose();
  const timed = times.slice(WARMUP, WARMUP + steps);
  return (batchSize * numSteps) / median(timed);
}

async function main() {
  process.env.RNNLAB_QUICK = "0"; // budgets are fixed here
  const arg = process.argv.indexOf("--steps");
  const steps = arg > 0 ? Number(process.argv[arg + 1]) : 5;
  const info = await rnnlab.setupBackend();
  console.log(
    `bench: training chars/s, median of ${steps} steps after ${WARMUP} warm-up · backend ${info.backend} · tfjs ${info.tfjsVersion} · vocabulary ${VOCAB}\n`,
  );
  const head = SIZES.map((s) => `H=${s.numHiddens} B=${s.batchSize} T=${s.numSteps}`);
  console.log(`${"model".padEnd(18)} ${head.map((h) => h.padStart(20)).join(" ")}`);
  for (const [name, make] of models()) {
    const cells = [];
    for (const size of SIZES) cells.push(Math.round(await benchOne(make, size, steps)).toLocaleString("en-US"));
    console.log(`${name.padEnd(18)} ${cells.map((c) => c.padStart(20)).join(" ")}`);
  }
  const load = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");
  console.log(
    `\ntensors alive at the end: ${tf.memory().numTensors} · load average ${load} on ${os.cpus().length} cores (other work slows the numbers)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
