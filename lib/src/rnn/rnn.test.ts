import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import { RNN, RNNScratch } from "./rnn";
import { copyWeights } from "./blocks";
import { GRUScratch } from "./gru";
import { mat, rnnBackward, rnnForward, Mat, RnnStepParams } from "./rnn-step";
import { maxAbsDiff } from "../testing/fixtures";

before(async () => {
  await setupBackend();
});

test("RNNScratch and RNN give time-major outputs and a [batchSize, numHiddens] state", () => {
  for (const block of [new RNNScratch({ numInputs: 5, numHiddens: 7 }), new RNN({ numInputs: 5, numHiddens: 7 })]) {
    const X = tf.randomNormal([4, 3, 5]) as tf.Tensor3D;
    const [Y, [H]] = block.forward(X);
    assert.deepEqual(Y.shape, [4, 3, 7]);
    assert.deepEqual(H.shape, [3, 7]);
    assert.ok(maxAbsDiff(tf.gather(Y, 3), H) < 1e-7, "the last output is the final state");
    tf.dispose([X, Y, H]);
    block.dispose();
  }
});

test("wrong input shapes are explained", () => {
  const rnn = new RNNScratch({ numInputs: 5, numHiddens: 7 });
  const X = tf.zeros([3, 5]) as unknown as tf.Tensor3D;
  assert.throws(() => rnn.forward(X), /time-major \[numSteps, batchSize, numInputs\]/);
  const X3 = tf.zeros([2, 3, 5]) as tf.Tensor3D;
  const badState = [tf.zeros([4, 7]) as tf.Tensor2D];
  assert.throws(() => rnn.forward(X3, badState), /initState\(3\)/);
  tf.dispose([X, X3, ...badState]);
  rnn.dispose();
  assert.throws(() => new RNN({ numInputs: 0, numHiddens: 3 }), /numInputs must be a positive integer/);
});

test("scratch and concise RNN agree on copied weights (max abs diff ≤ 1e-5), both directions", () => {
  const scratch = new RNNScratch({ numInputs: 6, numHiddens: 8, sigma: 0.5, seed: 3 });
  const concise = new RNN({ numInputs: 6, numHiddens: 8, seed: 4 });
  const X = tf.randomNormal([5, 2, 6], 0, 1, "float32", 9) as tf.Tensor3D;
  const H0 = [tf.randomNormal([2, 8], 0, 0.5, "float32", 10) as tf.Tensor2D];
  const run = (): number => {
    const [a, [ha]] = scratch.forward(X, H0);
    const [b, [hb]] = concise.forward(X, H0);
    const d = Math.max(maxAbsDiff(a, b), maxAbsDiff(ha, hb));
    tf.dispose([a, b, ha, hb]);
    return d;
  };
  assert.ok(run() > 1e-2, "before copying, the two blocks differ");
  copyWeights(scratch, concise);
  const d1 = run();
  assert.ok(d1 <= 1e-5, `scratch → concise: max abs diff ${d1}`);
  const other = new RNN({ numInputs: 6, numHiddens: 8, seed: 11 });
  copyWeights(other, scratch);
  copyWeights(other, concise);
  const d2 = run();
  assert.ok(d2 <= 1e-5, `concise → scratch: max abs diff ${d2}`);
  const wider = new RNNScratch({ numInputs: 6, numHiddens: 9 });
  const gru = new GRUScratch({ numInputs: 6, numHiddens: 8 });
  assert.throws(() => copyWeights(scratch, wider), /cannot be copied into .*Build both of the same kind and sizes/);
  assert.throws(() => copyWeights(scratch, gru), /a rnn block .* cannot be copied into a gru block/);
  assert.ok(run() <= 1e-5, "a refused copy leaves the weights alone");
  tf.dispose([X, ...H0]);
  [scratch, concise, other, wider, gru].forEach((b) => b.dispose());
});

/** tfjs [rows, cols] → plain Mat transposed (the step-by-step code keeps one column per example). */
function toMatT(t: tf.Tensor): Mat {
  const [r, c] = t.shape.length === 1 ? [t.shape[0], 1] : t.shape;
  const src = t.dataSync();
  const m = mat(c, r);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m.data[j * r + i] = src[i * c + j];
  return m;
}

test("the plain-TS backward pass matches tfjs autodiff of RNNScratch", () => {
  const [T, B, I, Hn] = [6, 3, 4, 5];
  const rnn = new RNNScratch({ numInputs: I, numHiddens: Hn, sigma: 0.6, seed: 5 });
  tf.tidy(() => rnn.b_h.assign(tf.randomNormal([Hn], 0, 0.3, "float32", 6)));
  const X = tf.randomNormal([T, B, I], 0, 1, "float32", 7) as tf.Tensor3D;
  const G = tf.randomNormal([T, B, Hn], 0, 1, "float32", 8) as tf.Tensor3D;
  // L = Σ G ⊙ outputs, differentiated by tfjs.
  const { grads } = tf.variableGrads(() => tf.tidy(() => tf.sum(tf.mul(rnn.forward(X)[0], G))) as tf.Scalar, rnn.trainableVariables());
  // The same loss in the step-by-step code: Wax = W_xhᵀ, Waa = W_hhᵀ, ba = b_hᵀ, x[t] = X_tᵀ.
  const params: RnnStepParams = { Wax: toMatT(rnn.W_xh), Waa: toMatT(rnn.W_hh), ba: toMatT(rnn.b_h), Wya: mat(1, Hn), by: mat(1, 1) };
  const steps = tf.unstack(X);
  const gs = tf.unstack(G);
  const { caches } = rnnForward(steps.map(toMatT), mat(Hn, B), params);
  const plain = rnnBackward(gs.map(toMatT), caches);
  const compare = (name: string, autodiff: tf.Tensor, ours: Mat): void => {
    const a = toMatT(autodiff).data;
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < a.length; i++) {
      diff += (a[i] - ours.data[i]) ** 2;
      norm += a[i] ** 2;
    }
    const rel = Math.sqrt(diff / norm);
    assert.ok(rel < 1e-5, `${name}: relative difference ${rel}`);
  };
  compare("W_xh", grads[rnn.W_xh.name], plain.dWax);
  compare("W_hh", grads[rnn.W_hh.name], plain.dWaa);
  compare("b_h", grads[rnn.b_h.name], plain.dba);
  tf.dispose([X, G, ...steps, ...gs, ...Object.values(grads)]);
  rnn.dispose();
});

test("creating, running and disposing blocks repeatedly leaks no tensors", () => {
  const X = tf.randomNormal([3, 2, 4]) as tf.Tensor3D;
  const once = (): void => {
    for (const block of [new RNNScratch({ numInputs: 4, numHiddens: 3 }), new RNN({ numInputs: 4, numHiddens: 3 })]) {
      const [Y, state] = block.forward(X);
      tf.dispose([Y, ...state]);
      block.dispose();
    }
  };
  once();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) once();
  assert.equal(tf.memory().numTensors, before);
  X.dispose();
});

test("building the same block twice (a rerun cell) never clashes on variable names", () => {
  const a = new RNNScratch({ numInputs: 3, numHiddens: 2, seed: 1 });
  const b = new RNNScratch({ numInputs: 3, numHiddens: 2, seed: 1 });
  const blocks = [a, b, new RNN({ numInputs: 3, numHiddens: 2, seed: 1 }), new RNN({ numInputs: 3, numHiddens: 2, seed: 1 })];
  const names = blocks.flatMap((b) => b.trainableVariables().map((v) => v.name));
  assert.equal(new Set(names).size, names.length, `duplicate variable names: ${names.join(", ")}`);
  assert.equal(maxAbsDiff(a.W_hh, b.W_hh), 0, "the same seed gives the same weights");
  blocks[2].trainableVariables().forEach((v, i) => assert.equal(maxAbsDiff(v, blocks[3].trainableVariables()[i]), 0, "concise blocks too"));
  blocks.forEach((b) => b.dispose());
});
