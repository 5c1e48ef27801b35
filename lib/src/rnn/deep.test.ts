import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import { Trainer } from "../train/trainer";
import { Vocab } from "../data/vocab";
import { textBatchSource } from "../data/lm-batches";
import { DeepInput, DeepTransitionScratch } from "./deep";
import { GRUScratch } from "./gru";
import { MLPScratch } from "./mlp";
import { RNNLMScratch } from "./rnn-lm";
import { RNNScratch } from "./rnn";

useBackendWithFullBudgets();

test("MLPScratch applies tanh layers over the last axis of any shape", () => {
  const mlp = new MLPScratch({ sizes: [5, 8, 3], seed: 1 });
  tf.tidy(() => {
    const X = tf.randomNormal([4, 2, 5], 0, 1, "float32", 2) as tf.Tensor3D;
    const Y = mlp.apply(X);
    assert.deepEqual(Y.shape, [4, 2, 3]);
    const flat = tf.reshape(X, [8, 5]);
    const byHand = tf.tanh(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(flat, mlp.W[0]), mlp.b[0])), mlp.W[1]), mlp.b[1]));
    assert.ok(maxAbsDiff(tf.reshape(Y, [8, 3]), byHand) < 1e-6);
  });
  assert.equal(mlp.trainableVariables().length, 4);
  assert.throws(() => new MLPScratch({ sizes: [5] }), /at least two positive integers/);
  mlp.dispose();
});

test("DeepInput runs the block on the MLP's outputs and checks that they fit", () => {
  const mlp = new MLPScratch({ sizes: [5, 6] });
  const block = new GRUScratch({ numInputs: 6, numHiddens: 4, sigma: 0.5 });
  const deep = new DeepInput({ mlp, block });
  tf.tidy(() => {
    const X = tf.randomNormal([3, 2, 5], 0, 1, "float32", 3) as tf.Tensor3D;
    assert.equal(maxAbsDiff(deep.forward(X)[0], block.forward(mlp.apply(X))[0]), 0);
  });
  assert.equal(deep.trainableVariables().length, 2 + 9);
  assert.throws(() => new DeepInput({ mlp: new MLPScratch({ sizes: [5, 7] }), block }), /outputs 7 features but the block takes 6/);
  deep.dispose();
});

test("DeepTransitionScratch: H_t = tanh(tanh(X W_xz + H W_hz + b_z) W_zh + b_h), step by step, with the runner's padding", () => {
  const cell = new DeepTransitionScratch({ numInputs: 3, numHiddens: 4, numTransition: 5, sigma: 0.5, seed: 2 });
  tf.tidy(() => {
    const X = tf.randomNormal([4, 2, 3], 0, 1, "float32", 7) as tf.Tensor3D;
    const [Y, [H]] = cell.forward(X);
    let h = tf.zeros([2, 4]);
    for (const x of tf.unstack(X)) {
      const z = tf.tanh(tf.add(tf.add(tf.matMul(x, cell.W_xz), tf.matMul(h, cell.W_hz)), cell.b_z));
      h = tf.tanh(tf.add(tf.matMul(z, cell.W_zh), cell.b_h));
    }
    assert.ok(maxAbsDiff(H, h) < 1e-6);
    assert.deepEqual(Y.shape, [4, 2, 4]);
    const [Yp] = cell.forward(X, undefined, { validLens: [4, 2] });
    assert.equal(tf.max(tf.abs(tf.slice(Yp, [2, 1, 0], [2, 1, 4]))).dataSync()[0], 0, "padding outputs zeros");
  });
  assert.equal(
    cell.trainableVariables().reduce((n, v) => n + v.size, 0),
    3 * 5 + 4 * 5 + 5 + 5 * 4 + 4,
  );
  cell.dispose();
});

test("a deeper output (outputHiddens) adds an MLP before W_hq; every deep variant trains as a language model", async () => {
  const text = "abcabdabcabd ".repeat(30);
  const vocab = Vocab.build([...text]);
  const data = textBatchSource(vocab.encode([...text]), { batchSize: 4, numSteps: 8, vocabSize: vocab.size, valFraction: 0.2, seed: 1 });
  const V = vocab.size;
  const models = [
    new RNNLMScratch({ block: new RNNScratch({ numInputs: V, numHiddens: 12, sigma: 0.3 }), vocabSize: V, outputHiddens: [10] }),
    new RNNLMScratch({
      block: new DeepInput({
        mlp: new MLPScratch({ sizes: [V, 10] }),
        block: new RNNScratch({ numInputs: 10, numHiddens: 12, sigma: 0.3 }),
      }),
      vocabSize: V,
    }),
    new RNNLMScratch({ block: new DeepTransitionScratch({ numInputs: V, numHiddens: 12, sigma: 0.3 }), vocabSize: V }),
  ];
  assert.deepEqual(models[0].W_hq.shape, [10, V]);
  assert.equal(models[0].outputMLP?.sizes.join(), "12,10");
  for (const model of models) {
    const r = await new Trainer({ maxEpochs: 20, lr: 0.03, clipNorm: 1, listener: null }).fit(model, data);
    assert.ok(r.final["val ppl"] < 2.2, `val ppl ${r.final["val ppl"]}`);
    model.dispose();
  }
});
