import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import { Embedding, EmbeddingScratch, OneHot } from "./embedding";
import { GRUScratch } from "./gru";
import { RNNLMScratch } from "./rnn-lm";

useBackendWithFullBudgets();

const IDS = [
  [0, 3, 3],
  [5, 1, 0],
]; // [numSteps, batchSize] = [2, 3]

test("one-hot, scratch and concise encoders give [numSteps, batchSize, width]; scratch and concise share their seeded table", () => {
  const oneHot = new OneHot(6);
  const scratch = new EmbeddingScratch({ vocabSize: 6, embedSize: 4, seed: 2 });
  const concise = new Embedding({ vocabSize: 6, embedSize: 4, seed: 2 });
  tf.tidy(() => {
    const ids = tf.tensor2d(IDS, [2, 3], "int32");
    const X = oneHot.encode(ids);
    assert.deepEqual(X.shape, [2, 3, 6]);
    assert.deepEqual((X.arraySync() as number[][][])[0][1], [0, 0, 0, 1, 0, 0]);
    const E = scratch.encode(ids);
    assert.deepEqual(E.shape, [2, 3, 4]);
    assert.deepEqual((E.arraySync() as number[][][])[1][0], (scratch.W_e.arraySync() as number[][])[5], "token 5 is row 5");
    assert.equal(maxAbsDiff(E, concise.encode(ids)), 0);
  });
  assert.equal(oneHot.trainableVariables().length, 0);
  scratch.dispose();
  concise.dispose();
});

test("bad token ids are explained: wrong dtype or shape, or outside the vocabulary", () => {
  const e = new EmbeddingScratch({ vocabSize: 6, embedSize: 4 });
  tf.tidy(() => {
    assert.throws(() => e.encode(tf.tensor2d([[0, 1]], [1, 2], "float32")), /int32 tensor \[numSteps, batchSize\]/);
    assert.throws(() => e.encode(tf.tensor2d([[0, 6]], [1, 2], "int32")), /token id 6 is outside the vocabulary \[0, 6\)/);
    assert.throws(() => new OneHot(3).encode(tf.tensor1d([0], "int32") as unknown as tf.Tensor2D), /got a int32 tensor of shape \[1\]/);
  });
  assert.throws(() => new EmbeddingScratch({ vocabSize: 6, embedSize: 0 }), /embedSize must be a positive integer/);
  e.dispose();
});

/** Gradients of a language model with an embedding (the table's rows repeat and are skipped), on the active backend. */
function embeddingGrads(): Float32Array[] {
  const model = new RNNLMScratch({
    block: new GRUScratch({ numInputs: 4, numHiddens: 5, sigma: 0.5, seed: 1 }),
    vocabSize: 7,
    embedSize: 4,
    seed: 3,
  });
  const batch = { batchSize: 2, numSteps: 4, X: Int32Array.from([1, 1, 3, 6, 0, 3, 3, 1]), Y: Int32Array.from([1, 3, 6, 2, 3, 3, 1, 5]) };
  const { value, grads } = tf.variableGrads(() => model.loss(batch), model.trainableVariables());
  const out = model.trainableVariables().map((v) => Float32Array.from(grads[v.name].dataSync()));
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

test("embedding gradients on wasm (gather's gradient: the patched UnsortedSegmentSum) equal the cpu backend's", async () => {
  const onWasm = embeddingGrads();
  await tf.setBackend("cpu");
  let onCpu: Float32Array[];
  try {
    onCpu = embeddingGrads();
  } finally {
    await setupBackend("wasm");
  }
  assert.equal(tf.getBackend(), "wasm");
  const table = onWasm[0]; // W_e [7, 4]: rows 2, 4 never appear as inputs, so their gradient is 0
  for (const row of [2, 4, 5]) for (let j = 0; j < 4; j++) assert.equal(table[row * 4 + j], 0, `row ${row} is unused`);
  assert.ok(
    table.some((v) => Math.abs(v) > 1e-4),
    "used rows get a gradient",
  );
  onWasm.forEach((g, i) => {
    const worst = Math.max(...Array.from(g, (v, k) => Math.abs(v - onCpu[i][k])));
    assert.ok(worst < 1e-6, `variable ${i}: max |wasm − cpu| = ${worst}`);
  });
});

test("a batch of one step trains through an embedding (the runner does not unstack a single step)", () => {
  const model = new RNNLMScratch({
    block: new GRUScratch({ numInputs: 4, numHiddens: 5, sigma: 0.5, seed: 1 }),
    vocabSize: 7,
    embedSize: 4,
  });
  const batch = { batchSize: 3, numSteps: 1, X: Int32Array.from([1, 2, 3]), Y: Int32Array.from([2, 3, 4]) };
  const { value, grads } = tf.variableGrads(() => model.loss(batch), model.trainableVariables());
  const g = model.trainableVariables().map((v) => tf.sum(tf.abs(grads[v.name])).dataSync()[0]); // W_e first
  assert.ok(g.every(Number.isFinite) && g[0] > 0, `gradients ${g}`);
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
});
