import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { Trainer } from "../train/trainer";
import type { TokenScorer, TokenScores } from "./metrics";
import { binaryF1, precision, recall, tokenAccuracy } from "./metrics";

useBackendWithFullBudgets();

/** A batch of fixed predictions: arg-max classes, targets and mask, time-major `[numSteps, batchSize]` flattened. */
interface Fixed {
  readonly numSteps: number;
  readonly batchSize: number;
  readonly predicted: readonly number[];
  readonly targets: readonly number[];
  readonly mask?: readonly number[];
}

const NUM_CLASSES = 3;

/** Scores whose arg-max is `predicted` (logit 2 on it, 0 elsewhere). */
const scorer: TokenScorer<Fixed> = {
  scores: (b: Fixed): TokenScores => {
    const logits = tf.tidy(() => tf.mul(tf.oneHot(tf.tensor1d([...b.predicted], "int32"), NUM_CLASSES), 2).reshape([b.numSteps, b.batchSize, NUM_CLASSES]));
    const targets = tf.tensor2d([...b.targets], [b.numSteps, b.batchSize], "int32");
    return b.mask ? { logits: logits as tf.Tensor3D, targets, mask: tf.tensor2d([...b.mask], [b.numSteps, b.batchSize]) } : { logits: logits as tf.Tensor3D, targets };
  },
};

// Positions (time-major) of a [2, 4] batch, and what they are for class 1 (for class 0 and 2 see the tests):
//        pos:   0   1   2   3   4   5   6   7
const A: Fixed = {
  numSteps: 2,
  batchSize: 4,
  predicted: [1, 1, 0, 2, 1, 0, 0, 1],
  targets: [1, 0, 1, 2, 1, 1, 0, 1],
  mask: [1, 1, 1, 1, 1, 1, 1, 0], // class 1: TP FP FN TN TP FN TN (padding: would be TP) → TP 2, FP 1, FN 2
};

test("binaryF1, precision and recall count one class's confusion over real positions: 2TP / (2TP + FP + FN), TP / (TP + FP), TP / (TP + FN)", () => {
  const before = tf.memory().numTensors;
  assert.deepEqual(binaryF1<Fixed>().measure(scorer, A), { hits: 4, total: 7 }, "class 1: 2·2 / (2·2 + 1 + 2)");
  assert.deepEqual(precision<Fixed>().measure(scorer, A), { hits: 2, total: 3 });
  assert.deepEqual(recall<Fixed>().measure(scorer, A), { hits: 2, total: 4 });
  // Without the mask the padded position (predicted 1, target 1) counts: TP 3.
  assert.deepEqual(binaryF1<Fixed>().measure(scorer, { ...A, mask: undefined }), { hits: 6, total: 9 });
  // Class 0: predicted at 2, 5, 6; true at 1, 6 → TP 1 (6), FP 2 (2, 5), FN 1 (1).
  assert.deepEqual(binaryF1<Fixed>(0).measure(scorer, A), { hits: 2, total: 5 });
  assert.deepEqual([precision<Fixed>(0).measure(scorer, A), recall<Fixed>(0).measure(scorer, A)], [
    { hits: 1, total: 3 },
    { hits: 1, total: 2 },
  ]);
  // Class 2: one TP, nothing else.
  assert.deepEqual(binaryF1<Fixed>(2).measure(scorer, A), { hits: 2, total: 2 });
  assert.deepEqual(
    [binaryF1<Fixed>().name, precision<Fixed>().name, recall<Fixed>().name, binaryF1<Fixed>().kind],
    ["f1", "precision", "recall", "eval"],
  );
  assert.equal(tf.memory().numTensors, before, "the scores are disposed");
  assert.throws(() => binaryF1(-1), /positive class must be an integer id ≥ 0/);
  assert.throws(() => binaryF1<Fixed>(3).measure(scorer, A), /positive class 3 is not among the model's 3 classes/);
  assert.equal(tf.memory().numTensors, before, "disposed after an error too");
});

test("the Trainer reports val f1 as a ratio of sums over the validation batches, not a mean of per-batch F1", () => {
  // Batch B: class 1 true at one position, never predicted → TP 0, FP 0, FN 1 (its own F1 would be 0).
  const B: Fixed = { numSteps: 1, batchSize: 2, predicted: [0, 0], targets: [1, 0] };
  const model = { ...scorer, loss: () => tf.scalar(0), trainableVariables: () => [] };
  const data = { trainBatches: () => [A, B], valBatches: () => [A, B] };
  const metrics = [binaryF1<Fixed>(), precision<Fixed>(), recall<Fixed>(), tokenAccuracy<Fixed>()];
  const r = new Trainer({ maxEpochs: 1, lr: 0.1, metrics, listener: null }).evaluate(model, data);
  assert.equal(r["val f1"], 4 / 8, "(4 + 0) / (7 + 1), not the mean of 4/7 and 0");
  assert.equal(r["val precision"], 2 / 3);
  assert.equal(r["val recall"], 2 / 5);
  assert.equal(r["val acc"], (4 + 1) / (7 + 2), "right at positions 0, 3, 4, 6 of A and 1 of B");
});
