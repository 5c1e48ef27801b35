import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { batchTensors, disposeBatchTensors, oneHotIds } from "./batch-tensors";

const batch = { batchSize: 2, numSteps: 3, X: Int32Array.from([0, 1, 2, 3, 0, 1]), Y: Int32Array.from([1, 2, 3, 0, 1, 2]), mask: Float32Array.from([1, 1, 1, 1, 1, 0]) };

test("one-hot, time-major: X[t][b] is the one-hot of row b, step t", () => {
  const t = batchTensors(batch, 4);
  try {
    assert.deepEqual(t.X.shape, [3, 2, 4]);
    assert.deepEqual(t.Y.shape, [3, 2]);
    assert.equal(t.Y.dtype, "int32");
    const X = t.X.arraySync() as number[][][];
    assert.deepEqual(X[1][0], [0, 1, 0, 0]); // row 0, step 1 → id 1
    assert.deepEqual(X[0][1], [0, 0, 0, 1]); // row 1, step 0 → id 3
    assert.deepEqual(t.Y.arraySync(), [[1, 0], [2, 1], [3, 2]]);
    assert.deepEqual(t.mask!.arraySync(), [[1, 1], [1, 1], [1, 0]]);
  } finally {
    disposeBatchTensors(t);
  }
});

test("index form and batch-major layout", () => {
  const t = batchTensors(batch, 4, { oneHot: false, timeMajor: false });
  try {
    assert.deepEqual(t.X.shape, [2, 3]);
    assert.deepEqual(t.X.arraySync(), [[0, 1, 2], [3, 0, 1]]);
  } finally {
    disposeBatchTensors(t);
  }
});

test("no tensors leak over repeated conversions; bad ids are errors", () => {
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) disposeBatchTensors(batchTensors(batch, 4));
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => oneHotIds([0, 7], 1, 2, 4), /id 7 \(row 0, step 1\) is outside the vocabulary of 4/);
  assert.throws(() => oneHotIds([0], 1, 2, 4), /got 1 ids/);
  assert.equal(tf.memory().numTensors, before);
});
