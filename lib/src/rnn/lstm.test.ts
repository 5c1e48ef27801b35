import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets, maxAbsDiff } from "../testing/fixtures";
import { Vocab } from "../data/vocab";
import { textBatchSource } from "../data/lm-batches";
import { Trainer } from "../train/trainer";
import { RNNLM, RNNLMScratch } from "./rnn-lm";
import { LSTM, LSTMScratch } from "./lstm";
import { FusedRecurrentBlock } from "./fused";
import { copyWeights } from "./blocks";

// `npm test` sets RNNLAB_QUICK=1; the overfitting test pins its full budget.
useBackendWithFullBudgets();

/** Largest |a - b| over all elements. */
const CASES = [
  { numSteps: 1, batchSize: 1 },
  { numSteps: 5, batchSize: 3 },
  { numSteps: 17, batchSize: 2 },
];

test("LSTMScratch: shapes of outputs, state and gates", () => {
  const lstm = new LSTMScratch({ numInputs: 4, numHiddens: 6 });
  tf.tidy(() => {
    const [Y, [H, C]] = lstm.forward(tf.randomNormal([7, 3, 4]) as tf.Tensor3D);
    assert.deepEqual(Y.shape, [7, 3, 6]);
    assert.deepEqual(H.shape, [3, 6]);
    assert.deepEqual(C.shape, [3, 6]);
    const step = lstm.step(tf.ones([3, 4]), [tf.zeros([3, 6]), tf.zeros([3, 6])]);
    assert.deepEqual(Object.keys(step.values), ["I", "F", "O", "C_tilde", "C", "H"]);
    assert.deepEqual(
      lstm.gates.map((g) => g.name),
      ["I", "F", "O", "C_tilde", "C", "H"],
    );
    const v = step.values;
    for (const g of [v.I, v.F, v.O, v.C_tilde, v.C, v.H, step.H]) assert.deepEqual(g.shape, [3, 6]);
    assert.equal(step.state.length, 2);
    assert.equal(step.state[0], step.H, "the state is [H_t, C_t]");
    assert.equal(step.state[1], v.C);
    // The forget-gate bias starts at 1, the others at 0.
    assert.deepEqual(Array.from(lstm.b_f.dataSync()), new Array(6).fill(1));
    assert.deepEqual(Array.from(lstm.b_i.dataSync()), new Array(6).fill(0));
  });
  assert.equal(lstm.countParams(), 4 * (4 * 6 + 6 * 6 + 6));
  assert.equal(lstm.trainableVariables().length, 12);
  lstm.dispose();
});

test("LSTMScratch and LSTM (tf.layers) agree on copied weights, for several lengths, batches and non-zero states", () => {
  const scratch = new LSTMScratch({ numInputs: 4, numHiddens: 6, sigma: 0.5, seed: 3 });
  const concise = new LSTM({ numInputs: 4, numHiddens: 6 });
  copyWeights(scratch, concise);
  // The other direction too: a concise block's own (Keras-style Glorot/orthogonal) weights copied into a scratch LSTM.
  const concise2 = new LSTM({ numInputs: 4, numHiddens: 6, seed: 9 });
  const scratch2 = new LSTMScratch({ numInputs: 4, numHiddens: 6 });
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
        const C0 = tf.randomUniform([batchSize, 6], -2, 2, "float32", batchSize + 1) as tf.Tensor2D;
        const [Ya, [Ha, Ca]] = a.forward(X, [H0, C0]);
        const [Yb, [Hb, Cb]] = b.forward(X, [H0, C0]);
        worst = Math.max(worst, maxAbsDiff(Ya, Yb), maxAbsDiff(Ha, Hb), maxAbsDiff(Ca, Cb));
        // Sanity: the outputs are not trivially zero, so the comparison means something.
        assert.ok(tf.max(tf.abs(Ya)).dataSync()[0] > 0.1);
      });
    }
  }
  assert.ok(worst <= 1e-5, `max abs diff ${worst}`);
  for (const m of [scratch, concise, scratch2, concise2]) m.dispose();
});

test("copyWeights works in all four directions between scratch and concise LSTMs, and to and from a fused one", () => {
  const a = new LSTMScratch({ numInputs: 3, numHiddens: 4, sigma: 0.5, seed: 1 });
  const b = new LSTMScratch({ numInputs: 3, numHiddens: 4, sigma: 0.5, seed: 2 });
  const c = new LSTM({ numInputs: 3, numHiddens: 4, seed: 3 });
  const d = new LSTM({ numInputs: 3, numHiddens: 4, seed: 4 });
  const X = tf.randomNormal([5, 2, 3], 0, 1, "float32", 7) as tf.Tensor3D;
  const out = (m: LSTMScratch | LSTM | FusedRecurrentBlock): tf.Tensor => m.forward(X)[0];
  tf.tidy(() => assert.ok(maxAbsDiff(out(a), out(d)) > 1e-2, "before copying, the blocks differ"));
  copyWeights(a, c); // scratch → concise
  copyWeights(c, d); // concise → concise
  copyWeights(d, b); // concise → scratch
  const e = new LSTMScratch({ numInputs: 3, numHiddens: 4 });
  copyWeights(b, e); // scratch → scratch
  const f = new FusedRecurrentBlock({ kind: "lstm", numInputs: 3, numHiddens: 4, seed: 6 });
  copyWeights(e, f); // scratch → fused
  const g = new LSTM({ numInputs: 3, numHiddens: 4, seed: 8 });
  copyWeights(f, g); // fused → concise
  tf.tidy(() => {
    for (const m of [b, c, d, e, f, g]) assert.ok(maxAbsDiff(out(a), out(m)) <= 1e-5);
  });
  const wider = new LSTMScratch({ numInputs: 3, numHiddens: 5 });
  assert.throws(() => copyWeights(a, wider), /cannot be copied into .*Build both of the same kind and sizes/);
  for (const m of [a, b, c, d, e, f, g, wider]) m.dispose();
  X.dispose();
});

test("LSTMScratch: autodiff gradients equal numerical gradients on a tiny case", () => {
  const lstm = new LSTMScratch({ numInputs: 3, numHiddens: 2, sigma: 0.6, seed: 5 });
  const X = tf.randomNormal([4, 2, 3], 0, 1, "float32", 11) as tf.Tensor3D;
  const H0 = tf.randomUniform([2, 2], -0.5, 0.5, "float32", 12) as tf.Tensor2D;
  const C0 = tf.randomUniform([2, 2], -1, 1, "float32", 14) as tf.Tensor2D;
  const Wy = tf.randomNormal([4, 2, 2], 0, 1, "float32", 13);
  // A scalar that depends on every output and on the final state.
  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      const [Y, [H, C]] = lstm.forward(X, [H0, C0]);
      return tf.add(tf.sum(tf.mul(Y, Wy)), tf.add(tf.sum(tf.square(H)), tf.sum(tf.square(C)))) as tf.Scalar;
    });
  const { grads } = tf.variableGrads(loss, lstm.trainableVariables());
  const eps = 1e-2;
  let checked = 0;
  for (const v of lstm.trainableVariables()) {
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
  assert.equal(checked, 4 * (3 * 2 + 2 * 2 + 2));
  tf.dispose(grads);
  tf.dispose([X, H0, C0, Wy]);
  lstm.dispose();
});

test("LSTM blocks leak no tensors over repeated forward passes, and dispose frees everything", () => {
  const before = tf.memory().numTensors;
  const scratch = new LSTMScratch({ numInputs: 5, numHiddens: 8 });
  const concise = new LSTM({ numInputs: 5, numHiddens: 8 });
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

test("a concise LSTM with a bad numHiddens says what to do", () => {
  assert.throws(() => new LSTM({ numInputs: 3, numHiddens: 2.5 }), /numHiddens must be a positive integer/);
});

test("bad sizes and wrongly shaped inputs or states give errors that say what to do", () => {
  assert.throws(() => new LSTMScratch({ numInputs: 0, numHiddens: 4 }), /numInputs must be a positive integer/);
  assert.throws(() => new LSTM({ numInputs: 0, numHiddens: 3 }), /numInputs must be a positive integer/);
  const lstm = new LSTMScratch({ numInputs: 3, numHiddens: 4 });
  tf.tidy(() => {
    assert.throws(() => lstm.forward(tf.zeros([2, 5, 4]) as tf.Tensor3D), /time-major \[numSteps, batchSize, numInputs\] = \[T, B, 3\]/);
    assert.throws(
      () => lstm.forward(tf.zeros([2, 5, 3]) as tf.Tensor3D, [tf.zeros([5, 4]), tf.zeros([4, 4])] as tf.Tensor2D[]),
      /initState/,
    );
    assert.throws(() => lstm.forward(tf.zeros([2, 5, 3]) as tf.Tensor3D, []), /2 tensor/);
  });
  lstm.dispose();
});

test("a LSTM language model (scratch and concise) overfits a tiny corpus that needs memory", async () => {
  // "abcabd" repeated: after "ab" comes c or d, depending on the letter three steps back. A model
  // without memory is stuck at perplexity exp(2·ln 2 / 6) ≈ 1.26; one that remembers reaches ≈ 1.
  const text = "abcabd".repeat(60);
  const vocab = Vocab.build([...text]);
  const V = vocab.size;
  const data = textBatchSource(vocab.encode([...text]), { batchSize: 8, numSteps: 12, vocabSize: V, valFraction: 0.2 });
  const models = [
    new RNNLMScratch({ block: new LSTMScratch({ numInputs: V, numHiddens: 16, sigma: 0.1, seed: 1 }), vocabSize: V, sigma: 0.1 }),
    new RNNLM({ vocabSize: V, numHiddens: 16, block: new LSTM({ numInputs: V, numHiddens: 16 }), seed: 1 }),
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
