import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets, maxAbsDiff } from "../testing/fixtures";
import { Vocab } from "../data/vocab";
import { textBatchSource } from "../data/lm-batches";
import { Trainer } from "../train/trainer";
import { RNNLM, RNNLMScratch } from "./rnn-lm";
import { GRU, GRUScratch, copyGRUWeights, quietOrthogonalInit } from "./gru";
import { LSTM } from "./lstm";

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
    const step = gru.step(tf.ones([3, 4]), tf.zeros([3, 6]));
    for (const g of [step.R, step.Z, step.H_tilde, step.H]) assert.deepEqual(g.shape, [3, 6]);
  });
  assert.equal(gru.countParams(), 3 * (4 * 6 + 6 * 6 + 6));
  assert.equal(gru.trainableVariables().length, 9);
  gru.dispose();
});

test("GRUScratch and GRU (tf.layers) agree on copied weights, for several lengths, batches and non-zero states", () => {
  const scratch = new GRUScratch({ numInputs: 4, numHiddens: 6, sigma: 0.5, seed: 3 });
  const concise = GRU.fromScratch(scratch);
  // The other direction too: tf.layers' own (Glorot/orthogonal) weights copied into a scratch GRU.
  const concise2 = new GRU({ numInputs: 4, numHiddens: 6, seed: 9 });
  const scratch2 = GRUScratch.fromConcise(concise2);
  assert.equal(concise.countParams(), scratch.countParams());
  let worst = 0;
  for (const [a, b] of [[scratch, concise], [scratch2, concise2]] as const) {
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

test("copyGRUWeights works in all four directions", () => {
  const a = new GRUScratch({ numInputs: 3, numHiddens: 4, sigma: 0.5, seed: 1 });
  const b = new GRUScratch({ numInputs: 3, numHiddens: 4, sigma: 0.5, seed: 2 });
  const c = new GRU({ numInputs: 3, numHiddens: 4, seed: 3 });
  const d = new GRU({ numInputs: 3, numHiddens: 4, seed: 4 });
  const X = tf.randomNormal([5, 2, 3], 0, 1, "float32", 7) as tf.Tensor3D;
  const out = (m: GRUScratch | GRU): tf.Tensor => m.forward(X)[0];
  copyGRUWeights(a, c); // scratch → concise
  copyGRUWeights(c, d); // concise → concise
  copyGRUWeights(d, b); // concise → scratch
  const e = new GRUScratch({ numInputs: 3, numHiddens: 4 });
  copyGRUWeights(b, e); // scratch → scratch
  tf.tidy(() => {
    for (const m of [b, c, d, e]) assert.ok(maxAbsDiff(out(a), out(m)) <= 1e-5);
  });
  assert.throws(() => copyGRUWeights(a, new GRUScratch({ numInputs: 3, numHiddens: 5 })), /sizes differ/);
  for (const m of [a, b, c, d, e]) m.dispose();
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
  const concise = GRU.fromScratch(scratch);
  const X = tf.randomNormal([6, 4, 5]) as tf.Tensor3D;
  const state = concise.initState(4);
  const afterBuild = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) {
    for (const m of [scratch, concise]) {
      const [Y, s] = m.forward(X, state);
      tf.dispose([Y, ...s]);
      tf.tidy(() => {
        scratch.step(tf.squeeze(tf.slice(X, [0, 0, 0], [1, 4, 5]), [0]), state[0]);
      });
    }
  }
  assert.equal(tf.memory().numTensors, afterBuild);
  tf.dispose([X, ...state]);
  scratch.dispose();
  concise.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("bad sizes and wrongly shaped inputs or states give errors that say what to do", () => {
  assert.throws(() => new GRUScratch({ numInputs: 0, numHiddens: 4 }), /numInputs must be a positive integer/);
  assert.throws(() => new GRU({ numInputs: 3, numHiddens: 2.5 }), /numHiddens must be a positive integer/);
  const gru = new GRUScratch({ numInputs: 3, numHiddens: 4 });
  tf.tidy(() => {
    assert.throws(() => gru.forward(tf.zeros([2, 5, 4]) as tf.Tensor3D), /\[numSteps, batchSize, 3\].*time-major/);
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
    const untrained = trainer.evaluate(model, data);
    assert.ok(untrained > 3.5, `an untrained model guesses among 4 letters: ppl ${untrained}`);
    const result = await trainer.fit(model, data);
    assert.equal(result.stopped, undefined);
    assert.ok(result.trainPerplexity < 1.1, `train ppl ${result.trainPerplexity}`);
    assert.ok(result.valPerplexity < 1.1, `val ppl ${result.valPerplexity}`);
    model.dispose();
  }
});

test("wide concise GRU/LSTM layers build without tf.layers' orthogonal-initializer notice; other warnings still show", () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void warnings.push(a.join(" "));
  try {
    const models = [new GRU({ numInputs: 27, numHiddens: 64 }), new LSTM({ numInputs: 27, numHiddens: 64 })];
    models.forEach((m) => m.dispose());
    assert.deepEqual(warnings, []);
    quietOrthogonalInit(() => console.warn("something else"));
    assert.deepEqual(warnings, ["something else"]);
  } finally {
    console.warn = warn;
  }
  assert.equal(console.warn, warn);
});

test("the same seed gives the same weights (seed 0 included, which tfjs alone treats as unseeded)", () => {
  for (const seed of [0, 5]) {
    const a = new GRUScratch({ numInputs: 3, numHiddens: 4, seed });
    const b = new GRUScratch({ numInputs: 3, numHiddens: 4, seed });
    a.trainableVariables().forEach((v, i) => assert.deepEqual(v.dataSync(), b.trainableVariables()[i].dataSync()));
    assert.notDeepEqual(a.W_xr.dataSync(), a.W_xz.dataSync(), "each weight has its own draw");
    a.dispose();
    b.dispose();
  }
});
