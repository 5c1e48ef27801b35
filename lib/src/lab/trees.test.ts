import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import { EXPRESSION_TEXT_TOKENS, expressionIds, randomExpressions, textBatch } from "../data/expressions";
import { buildBlock, copyWeights } from "../rnn/blocks";
import type { TrainingPlan, TrainingProgress } from "../train/progress";
import { SequenceClassifier } from "../rnn/sequence-classifier";
import { matchedWidth, runTreeVsChain, treeVsChainData } from "./trees";

useBackendWithFullBudgets();

const V = EXPRESSION_TEXT_TOKENS.length;

/** Runs `f` with `RNNLAB_QUICK=1` (the budgets of `npm test`), then restores full budgets. */
async function quick<T>(f: () => Promise<T> | T): Promise<T> {
  process.env.RNNLAB_QUICK = "1";
  try {
    return await f();
  } finally {
    process.env.RNNLAB_QUICK = "0";
  }
}

test("SequenceClassifier (a chain) reads each sequence's last real token: a padded batch gives each text the logits it gets alone, fused or scratch", () => {
  const xs = randomExpressions({ count: 6, minDepth: 1, maxDepth: 3, seed: 2 });
  const batch = textBatch(xs);
  assert.ok(new Set(batch.validLens).size > 1, "texts of different lengths, padded");
  const scratch = new SequenceClassifier({
    block: buildBlock("lstm", "scratch", { numInputs: 5, numHiddens: 7, sigma: 0.3, seed: 1 }),
    vocabSize: V,
    embedSize: 5,
    numClasses: 10,
    seed: 1,
  });
  const fused = new SequenceClassifier({
    block: buildBlock("lstm", "fused", { numInputs: 5, numHiddens: 7, seed: 1 }),
    vocabSize: V,
    embedSize: 5,
    numClasses: 10,
    seed: 1,
  });
  copyWeights(scratch.block as ReturnType<typeof buildBlock>, fused.block as ReturnType<typeof buildBlock>);
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const logits = scratch.forward(batch);
    assert.deepEqual(logits.shape, [6, 10]);
    assert.ok(maxAbsDiff(logits, fused.forward(batch)) < 1e-5, "the fused block on the padded batch");
    xs.forEach((x, b) =>
      assert.ok(maxAbsDiff(tf.slice(logits, [b, 0], [1, 10]), scratch.forward(textBatch([x]))) < 1e-5, `text ${b} alone`),
    );
    // The same as the runner's final state with valid lengths.
    const ids = tf.transpose(tf.tensor2d(batch.X, [batch.batchSize, batch.numSteps], "int32")) as tf.Tensor2D;
    const [, [H]] = scratch.block.forward(scratch.encoder.encode(ids), undefined, { validLens: batch.validLens });
    assert.ok(maxAbsDiff(logits, tf.add(tf.matMul(H, scratch.W_hq), scratch.b_q)) < 1e-5, "= final state with validLens");
  });
  assert.equal(tf.memory().numTensors, before, "no tensor leak");
  assert.deepEqual(Array.from(batch.X.subarray(0, batch.validLens[0])), expressionIds(xs[0].text));
  assert.throws(() => new SequenceClassifier({ block: scratch.block, vocabSize: V, embedSize: 6, numClasses: 10 }), /numInputs: 6/);
  const empty = { ...batch, validLens: Int32Array.from(batch.validLens, (l, b) => (b === 2 ? 0 : l)) };
  assert.throws(() => scratch.forward(empty), /sequence 2 is empty/);
  scratch.dispose();
  fused.dispose();
});

test("treeVsChainData: tests, validation and training are disjoint; the operator tables repeat; sizes scale under RNNLAB_QUICK", async () => {
  const d = treeVsChainData({ numTrain: 900, numVal: 30, numTestPerDepth: 20, testDepths: [2, 4], tableRepeats: 3 });
  assert.deepEqual(d.depths, [2, 4]);
  assert.deepEqual(
    d.tests.map((t) => [t.length, new Set(t.map((e) => e.depth)).size, t[0].depth]),
    [
      [20, 1, 2],
      [20, 1, 4],
    ],
  );
  assert.ok(d.val.length === 30 && d.val.every((e) => e.depth === 2));
  const train = new Set(d.train.map((e) => e.text));
  for (const held of [...d.tests.flat(), ...d.val]) assert.ok(!train.has(held.text), `${held.text} is held out`);
  assert.equal(train.size, 900, "900 distinct training expressions");
  assert.equal(d.train.filter((e) => e.depth === 1).length, 3 * 300, "the 300 tables, three times");
  const q = await quick(() => treeVsChainData({}));
  assert.deepEqual([q.val.length, q.tests[0].length, new Set(q.train.map((e) => e.text)).size], [10, 10, 300]);
  assert.throws(() => treeVsChainData({ testDepths: [1, 2] }), /testDepths must be integers ≥ 2/);
  assert.throws(() => treeVsChainData({ trainMaxDepth: 1 }), /trainMaxDepth must be an integer ≥ 2/);
  assert.throws(() => treeVsChainData({ numTrain: 0 }), /numTrain must be a positive integer/);
});

test("runTreeVsChain (quick budgets): both models train on the same batches, one board gets both, accuracy per depth comes back", async () => {
  const before = tf.memory().numTensors;
  let plan: TrainingPlan | undefined;
  const seen: TrainingProgress[] = [];
  let ended = 0;
  const listener = {
    onStart: (p: TrainingPlan) => void (plan = p),
    onProgress: (p: TrainingProgress) => void seen.push(p),
    onEnd: () => void ended++,
  };
  const r = await quick(() => runTreeVsChain({ testDepths: [2, 3, 5], listener }));
  assert.deepEqual(r.depths, [2, 3, 5]);
  for (const run of [r.tree, r.chain]) {
    assert.equal(run.accuracy.length, 3);
    assert.ok(run.accuracy.every((a) => a >= 0 && a <= 1));
    assert.equal(run.result.epochs, 1, "RNNLAB_QUICK: one epoch");
  }
  assert.equal(r.tree.result.steps, r.chain.result.steps, "the same batches");
  assert.ok(Math.abs(r.chain.params - r.tree.params) / r.tree.params < 0.05, `similar sizes: ${r.tree.params} vs ${r.chain.params}`);
  assert.deepEqual([r.tree.name, r.chain.name], ["recursive (tree)", "LSTM (text)"]);
  assert.equal(r.majority.length, 3);
  assert.equal(plan?.totalSteps, r.tree.result.steps + r.chain.result.steps);
  assert.equal(ended, 1, "one board for both models");
  assert.ok(seen.some((p) => p.metrics["recursive val acc"] !== undefined) && seen.some((p) => p.metrics["chain val acc"] !== undefined));
  assert.ok(Math.max(...seen.map((p) => p.step)) === plan?.totalSteps, "steps count across both models");
  assert.equal(r.figure.data.length, 3);
  assert.match(r.table.text, /depth\s+in training\s+recursive \(tree\)\s+LSTM \(text\)\s+majority guess/);
  assert.match(r.table.text, /recursive \(tree\): 27,674 parameters/);
  assert.equal(matchedWidth("lstm", 27_674, 16, V), 74, "an LSTM of width 74 has 27,942 parameters, the closest to 27,674");
  assert.equal(r.chain.params, 27_942);
  r.dispose();
  assert.equal(tf.memory().numTensors, before, "dispose frees both models");
});
