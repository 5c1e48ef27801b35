import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import type { BatchSource, TokenBatch } from "../data/batch";
import { taggedBatch } from "../data/batch";
import { idsTensor } from "../data/batch-tensors";
import { binaryF1, tokenAccuracy } from "../data/metrics";
import { Rng } from "../data/rng";
import { Trainer } from "../train/trainer";
import { Bidirectional, buildBidirectional } from "./bidirectional";
import { blankSource } from "../data/blanks";
import { buildBlock } from "./blocks";
import { GRUScratch } from "./gru";
import type { RecurrentBlock } from "./recurrent";
import { SequenceTagger } from "./sequence-tagger";

useBackendWithFullBudgets();

const V = 6;
const E = 4;
const K = 3;
const SEQS = [[1, 2, 3, 4, 5], [5, 1], [2, 2, 0, 3], [4]];
const TAGS = SEQS.map((s) => s.map((id) => id % K));

const bidirectional = (numInputs: number, numHiddens: number, seed: number): Bidirectional =>
  new Bidirectional({
    forward: new GRUScratch({ numInputs, numHiddens, sigma: 0.5, seed }),
    backward: new GRUScratch({ numInputs, numHiddens, sigma: 0.5, seed: seed + 1 }),
  });

const BLOCKS: Record<string, (numInputs: number) => RecurrentBlock> = {
  "causal GRU": (n) => new GRUScratch({ numInputs: n, numHiddens: 5, sigma: 0.5, seed: 1 }),
  "fused LSTM (no valid lengths)": (n) => buildBlock("lstm", "fused", { numInputs: n, numHiddens: 5, sigma: 0.5, seed: 1 }),
  bidirectional: (n) => bidirectional(n, 5, 1),
};

/** Logits of a batch's real tokens, row by row: `[len, numTags]` each. */
function realLogits(tagger: SequenceTagger, batch: TokenBatch, lens: readonly number[]): tf.Tensor2D[] {
  const s = tagger.scores(batch);
  const rows = lens.map((len, b) => tf.slice(s.logits, [0, b, 0], [len, 1, tagger.numTags]).reshape([len, tagger.numTags]) as tf.Tensor2D);
  tf.dispose([s.logits, s.targets, s.mask ?? []].flat());
  return rows;
}

test("a padded batch tags each sequence as it is tagged alone: causal, fused and bidirectional blocks", () => {
  const batch = taggedBatch(SEQS, TAGS);
  const lens = SEQS.map((s) => s.length);
  for (const [name, make] of Object.entries(BLOCKS)) {
    const tagger = new SequenceTagger({ block: make(E), vocabSize: V, embedSize: E, numTags: K, seed: 2 });
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const rows = realLogits(tagger, batch, lens);
      SEQS.forEach((s, b) => {
        const [alone] = realLogits(tagger, taggedBatch([s], [TAGS[b]]), [s.length]);
        assert.ok(maxAbsDiff(rows[b], alone) < 1e-5, `${name}: sequence ${b} alone`);
      });
    });
    assert.equal(tf.memory().numTensors, before, `${name}: no tensor leak`);
    tagger.dispose();
  }
});

test("a bidirectional tagger reads the future: the tag at step 0 changes with the last token; a causal one's does not", () => {
  for (const [name, make, reads] of [
    ["causal GRU", BLOCKS["causal GRU"], false],
    ["bidirectional", BLOCKS.bidirectional, true],
  ] as const) {
    const tagger = new SequenceTagger({ block: make(E), vocabSize: V, embedSize: E, numTags: K });
    tf.tidy(() => {
      const [a] = realLogits(tagger, taggedBatch([[1, 2, 3]], [[0, 0, 0]]), [3]);
      const [b] = realLogits(tagger, taggedBatch([[1, 2, 5]], [[0, 0, 0]]), [3]);
      assert.equal(maxAbsDiff(tf.slice(a, [0, 0], [1, K]), tf.slice(b, [0, 0], [1, K])) > 1e-4, reads, name);
    });
    tagger.dispose();
  }
});

test("masked loss, scores for tokenAccuracy, predict, countItems; one-hot without embedSize; no tensor leaks", () => {
  const tagger = new SequenceTagger({ block: bidirectional(V, 4, 3), vocabSize: V, numTags: K });
  assert.equal(tagger.encoder.numOutputs, V, "one-hot");
  assert.deepEqual(tagger.W_hq.shape, [8, K], "concat: 2 × 4 wide");
  const batch = taggedBatch(SEQS, TAGS);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 2; i++) {
    const loss = tagger.loss(batch);
    const expected = tf.tidy(() => {
      const s = tagger.scores(batch);
      const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(s.logits), tf.oneHot(s.targets, K)), -1)); // [numSteps, batchSize]
      return tf.div(tf.sum(tf.mul(nll, s.mask as tf.Tensor2D)), 12); // 12 real tokens
    });
    assert.ok(Math.abs(loss.dataSync()[0] - expected.dataSync()[0]) < 1e-5, "cross-entropy per real token");
    tf.dispose([loss, expected]);
    const s = tagger.scores(batch);
    assert.deepEqual(
      [s.logits.shape, s.targets.shape, s.mask?.shape],
      [
        [5, 4, K],
        [5, 4],
        [5, 4],
      ],
    );
    tf.tidy(() => assert.deepEqual(Array.from(tf.sum(s.mask as tf.Tensor2D, 0).dataSync()), [5, 2, 4, 1]));
    tf.dispose([s.logits, s.targets, s.mask ?? []].flat());
    const { hits, total } = tokenAccuracy<TokenBatch>().measure(tagger, batch);
    assert.ok(total === 12 && hits >= 0 && hits <= 12);
    const tags = tagger.predict([...SEQS, []]);
    assert.deepEqual(
      tags.map((t) => t.length),
      [5, 2, 4, 1, 0],
      "one tag per token; none for an empty sequence",
    );
    const best = tf.tidy(() => {
      const sc = tagger.scores(batch);
      return Array.from(tf.argMax(sc.logits, -1).dataSync());
    });
    assert.deepEqual(
      tags.slice(0, 4),
      SEQS.map((s, b) => s.map((_, t) => best[t * 4 + b])),
      "predict = the arg-max of the batch's logits",
    );
    const { value, grads } = tf.variableGrads(() => tagger.loss(batch, { training: true }), tagger.trainableVariables());
    assert.equal(Object.keys(grads).length, tagger.trainableVariables().length, "every variable gets a gradient");
    tf.dispose([value, ...Object.values(grads)]);
  }
  assert.equal(tf.memory().numTensors, before, "no tensor leak");
  assert.equal(tagger.countItems(batch), 12, "real tokens");
  assert.equal(tagger.itemName, "tokens");
  tagger.dispose();
});

test("the forward pass takes time-major ids and valid lengths directly", () => {
  const tagger = new SequenceTagger({ block: bidirectional(E, 3, 1), vocabSize: V, embedSize: E, numTags: K });
  tf.tidy(() => {
    const batch = taggedBatch(SEQS, TAGS);
    const ids = idsTensor(batch.X, batch.batchSize, batch.numSteps); // [numSteps, batchSize]
    const logits = tagger.forward(ids, { validLens: [5, 2, 4, 1] });
    assert.deepEqual(logits.shape, [5, 4, K]);
    const s = tagger.scores(batch);
    assert.ok(maxAbsDiff(logits, s.logits) < 1e-6);
  });
  tagger.dispose();
});

test("clear errors: block width, numTags, tags out of range (on real tokens only), masks not padded at the end", () => {
  const before = tf.memory().numTensors;
  const gru = BLOCKS["causal GRU"](E);
  assert.throws(() => new SequenceTagger({ block: gru, vocabSize: V, embedSize: 3, numTags: K }), /Build the block with numInputs: 3/);
  assert.throws(() => new SequenceTagger({ block: gru, vocabSize: V, numTags: K }), /one-hot tokens of a vocabulary of 6/);
  assert.throws(() => new SequenceTagger({ block: gru, vocabSize: V, embedSize: E, numTags: 1 }), /numTags must be an integer ≥ 2, got 1/);
  const tagger = new SequenceTagger({ block: gru, vocabSize: V, embedSize: E, numTags: K });
  const batch = taggedBatch(SEQS, TAGS);
  const withY = (i: number, tag: number): TokenBatch => ({ ...batch, Y: Int32Array.from(batch.Y, (y, j) => (j === i ? tag : y)) });
  assert.throws(() => tagger.loss(withY(5 + 1, 3)), /tag 3 \(row 1, step 1\) is outside \[0, numTags = 3\)/);
  assert.throws(() => tagger.scores(withY(0, -1)), /tag -1 \(row 0, step 0\)/);
  tf.dispose(tagger.loss(withY(5 + 4, 7))); // a padded position's tag is never read
  const holed = { ...batch, mask: Float32Array.from(batch.mask as Float32Array, (m, j) => (j === 2 ? 0 : m)) };
  assert.throws(() => tagger.loss(holed), /row 0 has a real token at step 3 after padding at step 2; pad each row at its end/);
  assert.throws(() => tagger.loss({ ...batch, mask: new Float32Array(batch.X.length).fill(0.5) }), /the mask holds 0.5/);
  assert.throws(() => tagger.loss({ ...batch, Y: batch.Y.slice(1) }), /X, Y and mask must each hold \[batchSize, numSteps\] = \[4, 5\]/);
  assert.throws(() => tagger.predict([[1, 6]]), /token id 6 is outside the vocabulary/);
  assert.throws(() => taggedBatch([[1, 2]], [[0]]), /sequence 0 has 2 tokens but 1 tags/);
  tagger.dispose();
  assert.equal(tf.memory().numTensors, before, "nothing leaks on the way (dispose frees the block too)");
});

/** Sequences of 4–10 tokens from `1…3`, each token tagged 1 when the **next** token is the same (a look-ahead task). */
function nextSameTask(count: number, seed: number): TokenBatch[] {
  const rng = new Rng(seed);
  const batches: TokenBatch[] = [];
  for (let i = 0; i < count; i += 32) {
    const seqs = Array.from({ length: 32 }, () => Array.from({ length: 4 + rng.int(7) }, () => 1 + rng.int(3)));
    batches.push(
      taggedBatch(
        seqs,
        seqs.map((s) => s.map((id, t) => (s[t + 1] === id ? 1 : 0))),
      ),
    );
  }
  return batches;
}

test("the Trainer trains a tagger: a bidirectional one learns a look-ahead tag (F1 ≥ 0.9), a causal one cannot (accuracy hides it, F1 shows it)", async () => {
  const train = nextSameTask(640, 1);
  const val = nextSameTask(192, 2);
  const data: BatchSource<TokenBatch> = { trainBatches: () => train, valBatches: () => val };
  const numInputs = 6;
  const [f1, acc]: Record<string, number>[] = [{}, {}];
  for (const [name, block] of [
    ["bidirectional", bidirectional(numInputs, 8, 1)],
    ["causal", new GRUScratch({ numInputs, numHiddens: 16, sigma: 0.3, seed: 1 })],
  ] as const) {
    const metrics = [tokenAccuracy<TokenBatch>(), binaryF1<TokenBatch>()]; // the tagger's own metrics: the Trainer reports them
    const tagger = new SequenceTagger({ block, vocabSize: 4, embedSize: numInputs, numTags: 2, seed: 1, metrics });
    const before = tf.memory().numTensors;
    const r = await new Trainer({ maxEpochs: 3, lr: 0.02, listener: null }).fit(tagger, data);
    assert.equal(tf.memory().numTensors, before, `${name}: training leaks no tensor`);
    assert.equal(r.itemName, "tokens");
    [f1[name], acc[name]] = [r.final["val f1"], r.final["val acc"]];
    tagger.dispose();
  }
  assert.ok(f1.bidirectional >= 0.9, `bidirectional F1 ${f1.bidirectional}`);
  assert.ok(f1.causal < 0.6, `causal F1 ${f1.causal}: it cannot see the next token`);
  assert.ok(acc.causal > 0.6, `yet its accuracy (${acc.causal}) looks fine: it tags the common "no" everywhere, which F1 shows`);
});

test("fill in the blank: a tagger trains on batches whose loss counts only the blank (validLens given, mask on the blank)", async () => {
  const words = ["station", "nation", "creation", "relation", "motion", "notion", "lotion", "portion", "caution", "action"].flatMap((w) => [
    w,
    w + "s",
  ]);
  const data = blankSource(words, { batchSize: 4, valFraction: 0.2, seed: 1 });
  const tagger = new SequenceTagger({
    block: buildBidirectional("gru", "scratch", { numInputs: 8, numHiddens: 8, sigma: 0.3 }),
    vocabSize: data.vocabSize,
    embedSize: 8,
    numTags: data.vocabSize,
  });
  const [first] = [...data.trainBatches(1)];
  assert.ok(first.validLens !== undefined && first.mask !== undefined);
  assert.equal(
    first.mask.reduce((a, m) => a + m, 0),
    first.batchSize,
    "one counted position per word: its blank",
  );
  const r = await new Trainer({ maxEpochs: 2, lr: 0.02, listener: null }).fit(tagger, data);
  assert.ok(Number.isFinite(r.final["val loss"]) && r.final["val acc"] >= 0);
  tagger.dispose();
});
