import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { batchTensors, disposeBatchTensors, idsTensor } from "./batch-tensors";

const batch = { batchSize: 2, numSteps: 3, X: Int32Array.from([0, 1, 2, 3, 0, 1]), Y: Int32Array.from([1, 2, 3, 0, 1, 2]), mask: Float32Array.from([1, 1, 1, 1, 1, 0]) };

test("time-major ids: X[t][b] is row b, step t; Y and the mask follow", () => {
  const t = batchTensors(batch, 4);
  try {
    assert.deepEqual(t.X.shape, [3, 2]);
    assert.equal(t.X.dtype, "int32");
    assert.equal(t.Y.dtype, "int32");
    assert.equal(t.mask!.dtype, "float32");
    assert.deepEqual(t.X.arraySync(), [[0, 3], [1, 0], [2, 1]]);
    assert.deepEqual(t.Y.arraySync(), [[1, 0], [2, 1], [3, 2]]);
    assert.deepEqual(t.mask!.arraySync(), [[1, 1], [1, 1], [1, 0]]);
  } finally {
    disposeBatchTensors(t);
  }
});

test("batch-major layout", () => {
  const t = batchTensors(batch, 4, false);
  try {
    assert.deepEqual(t.X.shape, [2, 3]);
    assert.deepEqual(t.X.arraySync(), [[0, 1, 2], [3, 0, 1]]);
  } finally {
    disposeBatchTensors(t);
  }
});

test("no tensors leak over repeated conversions; bad ids are errors that name the position", () => {
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) disposeBatchTensors(batchTensors(batch, 4));
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => batchTensors({ ...batch, X: Int32Array.from([0, 1, 2, 3, 7, 1]) }, 4), /id 7 \(row 1, step 1\) is outside the vocabulary of 4/);
  assert.throws(() => idsTensor([0], 1, 2), /got 1 values/);
  assert.equal(tf.memory().numTensors, before);
});
