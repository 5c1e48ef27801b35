import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets, maxAbsDiff } from "../testing/fixtures";
import { Vocab } from "../data/vocab";
import { textBatchSource } from "../data/lm-batches";
import { Trainer } from "../train/trainer";
import { RNNLM, RNNLMScratch } from "./rnn-lm";
import { GRU, GRUScratch } from "./gru";
import { LSTM } from "./lstm";
import { RNN } from "./rnn";
import { FusedRecurrentBlock } from "./fused";
import { buildBlock, copyWeights } from "./blocks";

// `npm test` sets RNNLAB_QUICK=1; the overfitting test pins its full budget.
useBackendWithFullBudgets();

/** Largest |a - b| over all elements. */
const CASES = [
  { numSteps: 1, batchSize: 1 },
  { numSteps: 5, batchSize: 3 },
  { numSteps: 17, batchSize: 2 },
];

test("GRUScratch: shapes of outputs, state and gates", () => {
  const gru = new GRUScratch({ numInputs: 4, numHiddens: 6 });
  tf.tidy(() => {
    const [Y, [H]] = gru.forward(tf.randomNormal([7, 3, 4]) as tf.Tensor3D);
    assert.deepEqual(Y.shape, [7, 3, 6]);
    assert.deepEqual(H.shape, [3, 6]);
    const step = gru.step(tf.ones([3, 4]), [tf.zeros([3, 6])]);
    assert.deepEqual(Object.keys(step.values), ["R", "Z", "H_tilde", "H"]);
    assert.deepEqual(
      gru.gates.map((g) => g.name),
      ["R", "Z", "H_tilde", "H"],
    );
    for (const g of [step.values.R, step.values.Z, step.values.H_tilde, step.values.H, step.H]) assert.deepEqual(g.shape, [3, 6]);
    assert.equal(step.state.length, 1);
    assert.equal(step.state[0], step.H, "the state is [H_t]");
  });
  assert.equal(gru.countParams(), 3 * (4 * 6 + 6 * 6 + 6));
  assert.equal(gru.trainableVariables().length, 9);
  gru.dispose();
});

test("GRUScratch and GRU (tf.layers) agree on copied weights, for several lengths, batches and non-zero states", () => {
  const scratch = new GRUScratch({ numInputs: 4, numHiddens: 6, sigma: 0.5, seed: 3 });
  const concise = new GRU({ numInputs: 4, numHiddens: 6 });
  copyWeights(scratch, concise);
  // The other direction too: a concise block's own (Keras-style Glorot/orthogonal) weights copied into a scratch GRU.
  const concise2 = new GRU({ numInputs: 4, numHiddens: 6, seed: 9 });
  const scratch2 = new GRUScratch({ numInputs: 4, numHiddens: 6 });
  copyWeights(concise2, scratch2);
  assert.equal(concise.countParams(), scratch.countParams());
  let worst = 0;
  for (const [a, b] of [
    [scratch, concise],
    [scratch2, concise2],
  ] as const) {
    for (const { numSteps, batchSize } of CASES) {
      tf.tidy(() => {
        const X = tf.randomNormal([numSteps, batchSize, 4], 0, 1, "float32", numSteps) as tf.Tensor3D;
        const H0 = tf.randomUniform([batchSize, 6], -0.9, 0.9, "float32", batchSize) as tf.Tensor2D;
        const [Ya, [Ha]] = a.forward(X, [H0]);
        const [Yb, [Hb]] = b.forward(X, [H0]);
        worst = Math.max(worst, maxAbsDiff(Ya, Yb), maxAbsDiff(Ha, Hb));
        // Sanity: the outputs are not trivially zero, so the comparison means something.
        assert.ok(tf.max(tf.abs(Ya)).dataSync()[0] > 0.1);
      });
    }
  }
  assert.ok(worst <= 1e-5, `max abs diff ${worst}`);
  for (const m of [scratch, concise, scratch2, concise2]) m.dispose();
});

test("copyWeights works in all four directions between scratch and concise GRUs, and to and from a fused one", () => {
  const a = new GRUScratch({ numInputs: 3, numHiddens: 4, sigma: 0.5, seed: 1 });
  const b = new GRUScratch({ numInputs: 3, numHiddens: 4, sigma: 0.5, seed: 2 });
  const c = new GRU({ numInputs: 3, numHiddens: 4, seed: 3 });
  const d = new GRU({ numInputs: 3, numHiddens: 4, seed: 4 });
  const X = tf.randomNormal([5, 2, 3], 0, 1, "float32", 7) as tf.Tensor3D;
  const out = (m: GRUScratch | GRU | FusedRecurrentBlock): tf.Tensor => m.forward(X)[0];
  tf.tidy(() => assert.ok(maxAbsDiff(out(a), out(d)) > 1e-2, "before copying, the blocks differ"));
  copyWeights(a, c); // scratch → concise
  copyWeights(c, d); // concise → concise
  copyWeights(d, b); // concise → scratch
  const e = new GRUScratch({ numInputs: 3, numHiddens: 4 });
  copyWeights(b, e); // scratch → scratch
  const f = new FusedRecurrentBlock({ kind: "gru", numInputs: 3, numHiddens: 4, seed: 6 });
  copyWeights(e, f); // scratch → fused
  const g = new GRU({ numInputs: 3, numHiddens: 4, seed: 8 });
  copyWeights(f, g); // fused → concise
  tf.tidy(() => {
    for (const m of [b, c, d, e, f, g]) assert.ok(maxAbsDiff(out(a), out(m)) <= 1e-5);
  });
  const wider = new GRUScratch({ numInputs: 3, numHiddens: 5 });
  assert.throws(() => copyWeights(a, wider), /cannot be copied into .*Build both of the same kind and sizes/);
  for (const m of [a, b, c, d, e, f, g, wider]) m.dispose();
  X.dispose();
});

test("GRUScratch: autodiff gradients equal numerical gradients on a tiny case", () => {
  const gru = new GRUScratch({ numInputs: 3, numHiddens: 2, sigma: 0.6, seed: 5 });
  const X = tf.randomNormal([4, 2, 3], 0, 1, "float32", 11) as tf.Tensor3D;
  const H0 = tf.randomUniform([2, 2], -0.5, 0.5, "float32", 12) as tf.Tensor2D;
  const Wy = tf.randomNormal([4, 2, 2], 0, 1, "float32", 13);
  // A scalar that depends on every output and on the final state.
  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      const [Y, [H]] = gru.forward(X, [H0]);
      return tf.add(tf.sum(tf.mul(Y, Wy)), tf.sum(tf.square(H))) as tf.Scalar;
    });
  const { grads } = tf.variableGrads(loss, gru.trainableVariables());
  const eps = 1e-2;
  let checked = 0;
  for (const v of gru.trainableVariables()) {
    const g = grads[v.name].dataSync();
    const orig = v.dataSync().slice();
    for (let i = 0; i < orig.length; i++) {
      const at = (delta: number): number => {
        const p = orig.slice();
        p[i] += delta;
        v.assign(tf.tensor(p, v.shape));
        const l = loss();
        const value = l.dataSync()[0];
        l.dispose();
        return value;
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      v.assign(tf.tensor(orig, v.shape));
      assert.ok(Math.abs(numeric - g[i]) <= 2e-3 + 1e-2 * Math.abs(g[i]), `${v.name}[${i}]: autodiff ${g[i]}, numeric ${numeric}`);
      checked++;
    }
  }
  assert.equal(checked, 3 * (3 * 2 + 2 * 2 + 2));
  tf.dispose(grads);
  tf.dispose([X, H0, Wy]);
  gru.dispose();
});

test("GRU blocks leak no tensors over repeated forward passes, and dispose frees everything", () => {
  const before = tf.memory().numTensors;
  const scratch = new GRUScratch({ numInputs: 5, numHiddens: 8 });
  const concise = new GRU({ numInputs: 5, numHiddens: 8 });
  copyWeights(scratch, concise);
  const X = tf.randomNormal([6, 4, 5]) as tf.Tensor3D;
  const state = concise.initState(4);
  const afterBuild = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) {
    for (const m of [scratch, concise]) {
      const [Y, s] = m.forward(X, state);
      tf.dispose([Y, ...s]);
      tf.tidy(() => {
        scratch.step(tf.squeeze(tf.slice(X, [0, 0, 0], [1, 4, 5]), [0]), state);
      });
    }
  }
  assert.equal(tf.memory().numTensors, afterBuild);
  tf.dispose([X, ...state]);
  scratch.dispose();
  concise.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("a concise GRU with a bad numHiddens says what to do", () => {
  assert.throws(() => new GRU({ numInputs: 3, numHiddens: 2.5 }), /numHiddens must be a positive integer/);
});

test("bad sizes and wrongly shaped inputs or states give errors that say what to do", () => {
  assert.throws(() => new GRUScratch({ numInputs: 0, numHiddens: 4 }), /numInputs must be a positive integer/);
  assert.throws(() => new GRU({ numInputs: 0, numHiddens: 3 }), /numInputs must be a positive integer/);
  const gru = new GRUScratch({ numInputs: 3, numHiddens: 4 });
  tf.tidy(() => {
    assert.throws(() => gru.forward(tf.zeros([2, 5, 4]) as tf.Tensor3D), /time-major \[numSteps, batchSize, numInputs\] = \[T, B, 3\]/);
    assert.throws(() => gru.forward(tf.zeros([2, 5, 3]) as tf.Tensor3D, [tf.zeros([4, 4]) as tf.Tensor2D]), /initState/);
    assert.throws(() => gru.forward(tf.zeros([2, 5, 3]) as tf.Tensor3D, []), /1 tensor/);
  });
  gru.dispose();
});

test("a GRU language model (scratch and concise) overfits a tiny corpus that needs memory", async () => {
  // "abcabd" repeated: after "ab" comes c or d, depending on the letter three steps back. A model
  // without memory is stuck at perplexity exp(2·ln 2 / 6) ≈ 1.26; one that remembers reaches ≈ 1.
  const text = "abcabd".repeat(60);
  const vocab = Vocab.build([...text]);
  const V = vocab.size;
  const data = textBatchSource(vocab.encode([...text]), { batchSize: 8, numSteps: 12, vocabSize: V, valFraction: 0.2 });
  const models = [
    new RNNLMScratch({ block: new GRUScratch({ numInputs: V, numHiddens: 16, sigma: 0.1, seed: 1 }), vocabSize: V, sigma: 0.1 }),
    new RNNLM({ vocabSize: V, numHiddens: 16, block: new GRU({ numInputs: V, numHiddens: 16 }), seed: 1 }),
  ];
  for (const model of models) {
    const trainer = new Trainer({ maxEpochs: 60, lr: 0.02, clipNorm: 1, listener: null });
    const untrained = trainer.evaluate(model, data)["val ppl"];
    assert.ok(untrained > 3.5, `an untrained model guesses among 4 letters: ppl ${untrained}`);
    const result = await trainer.fit(model, data);
    assert.equal(result.stopped, undefined);
    assert.ok(result.final["train ppl"] < 1.1, `train ppl ${result.final["train ppl"]}`);
    assert.ok(result.final["val ppl"] < 1.1, `val ppl ${result.final["val ppl"]}`);
    model.dispose();
  }
});

test("building wide concise RNN/GRU/LSTM blocks prints nothing to console.warn (no tf.layers orthogonal-initializer notice)", () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void warnings.push(a.join(" "));
  try {
    // 64 × 256 recurrent kernels: far above the size at which tfjs's orthogonal initializer warns.
    const models = [
      new RNN({ numInputs: 27, numHiddens: 64 }),
      new GRU({ numInputs: 27, numHiddens: 64 }),
      new LSTM({ numInputs: 27, numHiddens: 64 }),
      buildBlock("lstm", "concise", { numInputs: 27, numHiddens: 96, seed: 3 }),
    ];
    models.forEach((m) => m.dispose());
    assert.deepEqual(warnings, []);
    console.warn("something else"); // the capture works, so the check above can fail
    assert.deepEqual(warnings, ["something else"]);
  } finally {
    console.warn = warn;
  }
  assert.equal(console.warn, warn);
});

test("the same seed gives the same weights (seed 0 included, which tfjs alone treats as unseeded); 0 is the default", () => {
  const firstKernels: number[][] = [];
  for (const seed of [0, 5]) {
    const a = new GRUScratch({ numInputs: 3, numHiddens: 4, seed });
    const b = new GRUScratch({ numInputs: 3, numHiddens: 4, seed });
    a.trainableVariables().forEach((v, i) => assert.deepEqual(v.dataSync(), b.trainableVariables()[i].dataSync()));
    assert.notDeepEqual(a.W_xr.dataSync(), a.W_xz.dataSync(), "each weight has its own draw");
    // Concise blocks are seeded the same way (the lib's own initialiser, not tfjs's).
    const c = new GRU({ numInputs: 3, numHiddens: 4, seed });
    const d = new GRU({ numInputs: 3, numHiddens: 4, seed });
    c.trainableVariables().forEach((v, i) => assert.deepEqual(v.dataSync(), d.trainableVariables()[i].dataSync()));
    firstKernels.push(Array.from(c.trainableVariables()[0].dataSync()));
    a.dispose();
    b.dispose();
    c.dispose();
    d.dispose();
  }
  assert.notDeepEqual(firstKernels[0], firstKernels[1], "different seeds give different weights");
  const seeded = new GRUScratch({ numInputs: 3, numHiddens: 4, seed: 0 });
  const unseeded = new GRUScratch({ numInputs: 3, numHiddens: 4 });
  seeded
    .trainableVariables()
    .forEach((v, i) => assert.deepEqual(v.dataSync(), unseeded.trainableVariables()[i].dataSync(), "the default seed is 0"));
  seeded.dispose();
  unseeded.dispose();
});
