import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import type { BatchSource, LabeledTextBatch } from "../data/batch";
import { labeledTextBatch } from "../data/batch";
import { Rng } from "../data/rng";
import { Trainer } from "../train/trainer";
import { Bidirectional } from "./bidirectional";
import { buildBlock } from "./blocks";
import { GRUScratch } from "./gru";
import type { ForwardOptions, RecurrentBlock, RecurrentState } from "./recurrent";
import { SEQUENCE_POOLS, SequenceClassifier } from "./sequence-classifier";

useBackendWithFullBudgets();

const V = 6;
const E = 4;
const C = 3;
/** Sequences of different lengths: the batch pads the short ones. */
const SEQS = [[1, 2, 3, 4, 5], [5, 1], [2, 2, 0, 3], [4]];

/** A non-causal stand-in with no `finalHidden`: a GRU run right to left, so its state after the run is read at position 0. */
class ReversedGRU implements RecurrentBlock {
  readonly causal = false;
  readonly inner: GRUScratch;
  constructor(numInputs: number, numHiddens: number, seed: number) {
    this.inner = new GRUScratch({ numInputs, numHiddens, sigma: 0.5, seed });
  }
  get numInputs(): number {
    return this.inner.numInputs;
  }
  get numHiddens(): number {
    return this.inner.numHiddens;
  }
  get numStates(): number {
    return this.inner.numStates;
  }
  initState(batchSize: number): RecurrentState {
    return this.inner.initState(batchSize);
  }
  forward(inputs: tf.Tensor3D, state?: RecurrentState, opts: ForwardOptions = {}): [tf.Tensor3D, RecurrentState] {
    return this.inner.forward(inputs, state, { ...opts, reverse: true });
  }
  trainableVariables(): tf.Variable[] {
    return this.inner.trainableVariables();
  }
  dispose(): void {
    this.inner.dispose();
  }
}

const bidirectional = (numInputs: number, numHiddens: number, seed: number): Bidirectional =>
  new Bidirectional({
    forward: new GRUScratch({ numInputs, numHiddens, sigma: 0.5, seed }),
    backward: new GRUScratch({ numInputs, numHiddens, sigma: 0.5, seed: seed + 1 }),
  });

/** Every kind of block the classifier must handle, by name. */
const BLOCKS: Record<string, (numInputs: number) => RecurrentBlock> = {
  "causal GRU": (n) => new GRUScratch({ numInputs: n, numHiddens: 5, sigma: 0.5, seed: 1 }),
  "fused LSTM (no valid lengths)": (n) => buildBlock("lstm", "fused", { numInputs: n, numHiddens: 5, sigma: 0.5, seed: 1 }),
  bidirectional: (n) => bidirectional(n, 5, 1),
  "reversed GRU (no finalHidden)": (n) => new ReversedGRU(n, 5, 1),
};

/** The block's outputs and final state for one batch (as the classifier feeds it). */
function runBlock(clf: SequenceClassifier, batch: LabeledTextBatch, validLens?: Int32Array): [tf.Tensor3D, RecurrentState] {
  const ids = tf.transpose(tf.tensor2d(batch.X, [batch.batchSize, batch.numSteps], "int32")) as tf.Tensor2D; // [numSteps, batchSize]
  return clf.block.forward(clf.encoder.encode(ids), undefined, validLens ? { validLens } : undefined);
}

test("a padded batch gives each sequence the logits it gets alone: causal, fused, bidirectional and reversed blocks, every pool", () => {
  const batch = labeledTextBatch(SEQS, [0, 1, 2, 0]);
  for (const [name, make] of Object.entries(BLOCKS)) {
    for (const pool of SEQUENCE_POOLS) {
      const clf = new SequenceClassifier({ block: make(E), vocabSize: V, embedSize: E, numClasses: C, pool, seed: 3 });
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const logits = clf.forward(batch);
        assert.deepEqual(logits.shape, [SEQS.length, C]);
        SEQS.forEach((s, b) => {
          const alone = clf.forward(labeledTextBatch([s], [0]));
          assert.ok(maxAbsDiff(tf.slice(logits, [b, 0], [1, C]), alone) < 1e-5, `${name}, pool ${pool}: sequence ${b} alone`);
        });
      });
      assert.equal(tf.memory().numTensors, before, `${name}, ${pool}: no tensor leak`);
      clf.dispose();
    }
  }
});

test('what each pool reads: "last" = the causal output at the last real token or the non-causal finalHidden; "mean"/"max" over real steps', () => {
  const batch = labeledTextBatch(SEQS, [0, 1, 2, 0]);
  const lens = batch.validLens;
  const head = (clf: SequenceClassifier, h: tf.Tensor2D): tf.Tensor2D => tf.add(tf.matMul(h, clf.W_hq), clf.b_q) as tf.Tensor2D;
  tf.tidy(() => {
    // Causal "last": the final state of the runner given the valid lengths (the state after each last real token).
    const causal = new SequenceClassifier({ block: BLOCKS["causal GRU"](E), vocabSize: V, embedSize: E, numClasses: C });
    const [, [H_last]] = runBlock(causal, batch, lens);
    assert.ok(maxAbsDiff(causal.forward(batch), head(causal, H_last)) < 1e-5);
    // Bidirectional "last": its finalHidden, [→H after the last real token, ←H after the first].
    const bi = new SequenceClassifier({ block: bidirectional(E, 5, 1), vocabSize: V, embedSize: E, numClasses: C });
    const [Y, state] = runBlock(bi, batch, lens);
    const h = (bi.block as Bidirectional).finalHidden(state);
    assert.ok(maxAbsDiff(bi.forward(batch), head(bi, h)) < 1e-5);
    const fwdLast = tf.stack(SEQS.map((s, b) => tf.slice(Y, [s.length - 1, b, 0], [1, 1, 5]).reshape([5]))); // →H at the last real token
    const bwdFirst = tf.slice(Y, [0, 0, 5], [1, SEQS.length, 5]).reshape([SEQS.length, 5]); // ←H at the first token
    assert.ok(maxAbsDiff(h, tf.concat([fwdLast, bwdFirst], 1)) < 1e-5, "both directions' summaries");
    // A non-causal block without finalHidden: state[0], here the reversed GRU's output at position 0.
    const rev = new SequenceClassifier({ block: new ReversedGRU(E, 5, 1), vocabSize: V, embedSize: E, numClasses: C });
    const [R] = runBlock(rev, batch, lens);
    assert.ok(
      maxAbsDiff(rev.forward(batch), head(rev, tf.slice(R, [0, 0, 0], [1, SEQS.length, 5]).reshape([SEQS.length, 5]) as tf.Tensor2D)) <
        1e-5,
    );
    // "mean" and "max" of one sequence alone (no padding) are the plain mean and max over its steps.
    for (const pool of ["mean", "max"] as const) {
      const clf = new SequenceClassifier({ block: BLOCKS["causal GRU"](E), vocabSize: V, embedSize: E, numClasses: C, pool });
      const one = labeledTextBatch([SEQS[0]], [0]);
      const [Yone] = runBlock(clf, one);
      const pooled = pool === "mean" ? tf.mean(Yone, 0) : tf.max(Yone, 0); // [1, numHiddens]
      assert.ok(maxAbsDiff(clf.forward(one), head(clf, pooled as tf.Tensor2D)) < 1e-5, pool);
      clf.dispose();
    }
    [causal, bi, rev].forEach((m) => m.dispose());
  });
});

test("one-hot without embedSize; variables in order; loss, scores, predict, gradients; no tensor leaks", () => {
  const clf = new SequenceClassifier({
    block: new GRUScratch({ numInputs: V, numHiddens: 5, sigma: 0.5 }),
    vocabSize: V,
    numClasses: C,
    pool: "mean",
  });
  assert.equal(clf.encoder.numOutputs, V, "one-hot");
  assert.equal(clf.trainableVariables().length, clf.block.trainableVariables().length + 2, "no embedding; then W_hq, b_q");
  const withEmbedding = new SequenceClassifier({ block: BLOCKS["causal GRU"](E), vocabSize: V, embedSize: E, numClasses: C });
  assert.deepEqual(withEmbedding.trainableVariables()[0].shape, [V, E], "the embedding first");
  assert.deepEqual(
    withEmbedding
      .trainableVariables()
      .slice(-2)
      .map((v) => v.shape),
    [[5, C], [C]],
  );
  withEmbedding.dispose();
  const batch = labeledTextBatch(SEQS, [0, 1, 2, 0]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const loss = clf.loss(batch);
    const expected = tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([0, 1, 2, 0], "int32"), C), clf.forward(batch)));
    assert.ok(Math.abs(loss.dataSync()[0] - expected.dataSync()[0]) < 1e-5, "mean cross-entropy of the labels");
    tf.dispose([loss, expected]);
    const s = clf.scores(batch);
    assert.deepEqual([s.logits.shape, s.targets.shape, s.mask], [[1, 4, C], [1, 4], undefined]);
    tf.dispose([s.logits, s.targets]);
    const { value, grads } = tf.variableGrads(() => clf.loss(batch, { training: true }), clf.trainableVariables());
    assert.equal(Object.keys(grads).length, clf.trainableVariables().length, "every variable gets a gradient");
    tf.dispose([value, ...Object.values(grads)]);
    assert.deepEqual(
      clf.predict(SEQS),
      tf.tidy(() => Array.from(tf.argMax(clf.forward(batch), -1).dataSync())),
    );
  }
  assert.equal(tf.memory().numTensors, before, "no tensor leak");
  assert.equal(clf.countItems(batch), 4);
  assert.equal(clf.itemName, "sequences");
  clf.dispose();
});

test("clear errors: block width against the encoder, numClasses, pool, empty sequences, labels and ids out of range", () => {
  const before = tf.memory().numTensors;
  const gru = BLOCKS["causal GRU"](E);
  assert.throws(
    () => new SequenceClassifier({ block: gru, vocabSize: V, embedSize: 7, numClasses: C }),
    /embeddings of width 7\. Build the block with numInputs: 7/,
  );
  assert.throws(
    () => new SequenceClassifier({ block: gru, vocabSize: V, numClasses: C }),
    /one-hot tokens of a vocabulary of 6\. Build the block with numInputs: 6/,
  );
  assert.throws(
    () => new SequenceClassifier({ block: gru, vocabSize: V, embedSize: E, numClasses: 1 }),
    /numClasses must be an integer ≥ 2, got 1/,
  );
  assert.throws(
    () => new SequenceClassifier({ block: gru, vocabSize: V, embedSize: E, numClasses: C, pool: "first" as "last" }),
    /pool "first" is unknown/,
  );
  const clf = new SequenceClassifier({ block: gru, vocabSize: V, embedSize: E, numClasses: C });
  const empty = labeledTextBatch([[1, 2], []], [0, 1]);
  assert.throws(() => clf.forward(empty), /sequence 1 is empty/);
  assert.throws(() => clf.predict([[1], []]), /sequence 1 is empty/);
  assert.throws(() => clf.loss(labeledTextBatch(SEQS, [0, 1, 3, 0])), /label 3 of sequence 2 is outside \[0, numClasses = 3\)/);
  assert.throws(() => clf.scores(labeledTextBatch(SEQS, [0, 1, 2, -1])), /label -1 of sequence 3/);
  assert.throws(() => clf.loss({ ...labeledTextBatch(SEQS, [0, 1, 2, 0]), labels: Int32Array.from([0, 1]) }), /2 labels for a batch of 4/);
  assert.throws(() => clf.predict([[1, 9]]), /token id 9 is outside the vocabulary \[0, 6\)/);
  assert.throws(() => labeledTextBatch(SEQS, [0]), /1 labels for 4 sequences/);
  clf.dispose();
  assert.equal(tf.memory().numTensors, before, "nothing leaks on the way (dispose frees the block too)");
});

/** Sequences of 2–8 tokens from `1…4`, labelled by their first token (1, 2 → 0; 3, 4 → 1). */
function firstTokenTask(count: number, seed: number): LabeledTextBatch[] {
  const rng = new Rng(seed);
  const batches: LabeledTextBatch[] = [];
  for (let i = 0; i < count; i += 32) {
    const seqs = Array.from({ length: 32 }, () => Array.from({ length: 2 + rng.int(7) }, () => 1 + rng.int(4)));
    batches.push(
      labeledTextBatch(
        seqs,
        seqs.map((s) => (s[0] <= 2 ? 0 : 1)),
      ),
    );
  }
  return batches;
}

test("the Trainer trains a many-to-one task whose label is the first token: a causal 'last' model carries it, a bidirectional one reads it", async () => {
  const train = firstTokenTask(640, 1);
  const val = firstTokenTask(192, 2);
  const data: BatchSource<LabeledTextBatch> = { trainBatches: () => train, valBatches: () => val };
  const numInputs = 8;
  for (const [name, block] of [
    ["causal GRU", new GRUScratch({ numInputs, numHiddens: 16, sigma: 0.3, seed: 1 })],
    ["bidirectional GRU", bidirectional(numInputs, 8, 1)],
  ] as const) {
    const clf = new SequenceClassifier({ block, vocabSize: 5, embedSize: numInputs, numClasses: 2, seed: 1 });
    const trainer = new Trainer({ maxEpochs: 4, lr: 0.02, listener: null });
    const untrained = trainer.evaluate(clf, data)["val acc"];
    const before = tf.memory().numTensors;
    const r = await trainer.fit(clf, data);
    assert.equal(tf.memory().numTensors, before, `${name}: training leaks no tensor`);
    assert.equal(r.itemName, "sequences");
    assert.ok(untrained < 0.7, `${name} untrained: ${untrained}`);
    assert.ok(r.final["val acc"] >= 0.95, `${name} trained: val acc ${r.final["val acc"]}`);
    clf.dispose();
  }
});
