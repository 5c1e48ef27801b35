import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { crossEntropyOfProbs, perplexity, perplexityOfProbs, sequenceCrossEntropy } from "./perplexity";

test("worked examples: best case 1, worst case ∞, uniform model = vocabulary size", () => {
  assert.equal(perplexityOfProbs([1, 1, 1]), 1);
  assert.equal(perplexityOfProbs([1, 0, 1]), Infinity);
  assert.ok(Math.abs(perplexityOfProbs(Array(10).fill(1 / 28)) - 28) < 1e-9);
  assert.ok(Math.abs(perplexityOfProbs([0.5, 0.125]) - 4) < 1e-12, "geometric mean of 1/p");
  assert.ok(Math.abs(crossEntropyOfProbs([Math.exp(-2)]) - 2) < 1e-12);
});

test("NaN loss and bad probabilities are clear errors", () => {
  assert.throws(() => perplexity(NaN), /NaN.*diverged.*learning rate/);
  assert.throws(() => crossEntropyOfProbs([0.5, 1.5]), /probability 1 is 1.5/);
  assert.throws(() => crossEntropyOfProbs([]), /no probabilities/);
});

test("sequenceCrossEntropy matches a hand computation, honours the mask, and does not leak", () => {
  const before = tf.memory().numTensors;
  const logits = tf.tensor3d([[[0, 0, 0], [2, 0, 0]]]); // [1, 2, 3]
  const targets = tf.tensor2d([[1, 0]], [1, 2], "int32");
  const mask = tf.tensor2d([[1, 0]]);
  const ce = sequenceCrossEntropy(logits, targets);
  const l1 = Math.log(3), l2 = -Math.log(Math.exp(2) / (Math.exp(2) + 2));
  assert.ok(Math.abs(ce.dataSync()[0] - (l1 + l2) / 2) < 1e-5);
  const masked = sequenceCrossEntropy(logits, targets, mask);
  assert.ok(Math.abs(masked.dataSync()[0] - l1) < 1e-5);
  const g = tf.grad((x: tf.Tensor) => sequenceCrossEntropy(x, targets))(logits);
  assert.deepEqual(g.shape, [1, 2, 3]);
  const wrong = tf.tensor1d([1], "int32");
  assert.throws(() => sequenceCrossEntropy(logits, wrong), /do not match/);
  tf.dispose([logits, targets, mask, ce, masked, g, wrong]);
  assert.equal(tf.memory().numTensors, before);
});
