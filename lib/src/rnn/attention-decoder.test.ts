import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import { PAIRS, SRC_V, TGT_V, pairBatch } from "../testing/seq2seq-pairs";
import { Rng } from "../data/rng";
import { beamSearch } from "../decode/beam-search";
import { seq2seqStepper, translate } from "../decode/seq2seq-stepper";
import { Trainer } from "../train/trainer";
import type { BatchSource } from "../data/batch";
import { AdditiveAttentionScratch } from "./attention";
import { AttentionDecoder, attentionMap, buildAttentionSeq2Seq } from "./attention-decoder";
import type { AttentionSeq2SeqSizes } from "./attention-decoder";
import { copyWeights } from "./blocks";
import { GRUScratch } from "./gru";
import type { WeightedBlock } from "./recurrent";
import { buildSeq2Seq } from "./seq2seq";
import type { Seq2SeqBatch } from "./seq2seq";

useBackendWithFullBudgets();

const base = { srcVocabSize: SRC_V, tgtVocabSize: TGT_V, bosId: 1, embedSize: 4, numHiddens: 6, sigma: 0.4, seed: 3 };
const VARIANTS: [string, AttentionSeq2SeqSizes][] = [
  ["bahdanau additive", { ...base, score: "additive", variant: "bahdanau" }],
  ["luong dot", { ...base, score: "dot", variant: "luong" }],
  ["bahdanau dot, bidirectional encoder, bridge", { ...base, score: "dot", variant: "bahdanau", bidirectional: true, encoderHiddens: 5 }],
  ["luong additive, 2 layers", { ...base, score: "additive", variant: "luong", numLayers: 2 }],
];

test("incremental decoding: the stepper fed the true tokens reproduces the teacher-forced logits (every variant); reorder keeps rows; nothing leaks", () => {
  for (const [name, sizes] of VARIANTS) {
    const model = buildAttentionSeq2Seq("gru", "scratch", sizes);
    const batch = pairBatch(PAIRS);
    const before = tf.memory().numTensors;
    const forced = tf.tidy(() => model.scores(batch).logits.arraySync());
    const stepper = seq2seqStepper(model);
    let logits = stepper.start(PAIRS.map(([s]) => s));
    const T = batch.numSteps;
    let gap = 0;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < 3; b++) for (let k = 0; k < TGT_V; k++) gap = Math.max(gap, Math.abs(logits[b * TGT_V + k] - forced[t][b][k]));
      if (t + 1 < T) logits = stepper.step([0, 1, 2].map((b) => batch.X[b * T + t + 1]));
    }
    assert.ok(gap < 1e-5, `${name}: ${gap}`);
    stepper.reorder([2, 2, 0]);
    const again = stepper.step([3, 3, 3]);
    assert.deepEqual(
      Array.from(again.subarray(0, TGT_V)),
      Array.from(again.subarray(TGT_V, 2 * TGT_V)),
      `${name}: duplicated rows stay equal`,
    );
    stepper.dispose();
    assert.equal(tf.memory().numTensors, before, `${name}: the stepper frees its state`);
    model.dispose();
  }
});

test("a padded source decodes as the source alone (masked attention); without the mask it would not", () => {
  for (const [name, sizes] of VARIANTS) {
    const model = buildAttentionSeq2Seq("gru", "scratch", sizes);
    const gap = tf.tidy(() => {
      const logitsOf = (sources: number[][]) => {
        const state = model.decoder.initState(model.encodeSources(sources));
        return model.decoder.forward(tf.tensor2d([1, 4, 5, 1, 4, 5], [3, 2], "int32"), state)[0];
      };
      const together = logitsOf([PAIRS[0][0], [6, 2]]); // row 1 padded to 5
      const alone = logitsOf([
        [6, 2],
        [6, 2],
      ]);
      return maxAbsDiff(tf.slice(together, [0, 1, 0], [3, 1, TGT_V]), tf.slice(alone, [0, 1, 0], [3, 1, TGT_V]));
    });
    assert.ok(gap < 1e-5, `${name}: ${gap}`);
    model.dispose();
  }
});

test("attention maps are [target + 1, source], rows sum to 1; greedy equals beam search of width 1; scratch, concise and fused agree on copied weights", () => {
  const model = buildAttentionSeq2Seq("gru", "scratch", VARIANTS[0][1]);
  const before = tf.memory().numTensors;
  const { weights } = attentionMap(model, [1, 2, 3], [4, 5]);
  assert.equal(weights.length, 3);
  for (const row of weights) {
    assert.equal(row.length, 3);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  }
  const greedy = translate(model, [[1, 2, 3], [6]], { maxLength: 6, eosId: 2 });
  const beams = beamSearch(seq2seqStepper(model), [[1, 2, 3], [6]], { beamSize: 1, maxLength: 6, eosId: 2, lengthPenalty: 0 });
  assert.deepEqual(
    beams.map((b) => b[0].ids),
    greedy,
  );
  assert.equal(tf.memory().numTensors, before, "attentionMap, translate and beamSearch leak nothing");
  const plain = buildSeq2Seq("gru", "scratch", base);
  assert.throws(() => attentionMap(plain, [1], [2]), /has no attention; build it with buildAttentionSeq2Seq/);
  plain.dispose();
  const batch = pairBatch(PAIRS);
  const models = (["scratch", "concise", "fused"] as const).map((style) =>
    buildAttentionSeq2Seq("gru", style, { ...base, score: "additive", variant: "luong" }),
  );
  for (const m of models.slice(1)) {
    copyWeights(models[0].encoder.block as WeightedBlock, m.encoder.block as WeightedBlock);
    copyWeights(models[0].decoder.block as WeightedBlock, m.decoder.block as WeightedBlock);
  }
  const losses = models.map((m) => tf.tidy(() => m.loss(batch).dataSync()[0]));
  assert.ok(Number.isFinite(losses[0]) && losses[0] > 0.5, `a real loss: ${losses[0]}`);
  assert.ok(Math.abs(losses[1] - losses[0]) < 1e-5, `concise ${losses[1]} vs scratch ${losses[0]}`);
  assert.ok(Math.abs(losses[2] - losses[0]) < 1e-5, `fused ${losses[2]} vs scratch ${losses[0]}`);
  models.forEach((m) => m.dispose());
  model.dispose();
});

test("gradients reach every parameter of every variant (the bridge, W_c, the attention's matrices)", () => {
  const batch = pairBatch(PAIRS);
  for (const [name, sizes] of [
    ...VARIANTS,
    ["bridge on a one-way encoder", { ...base, init: "bridge" }] as [string, AttentionSeq2SeqSizes],
  ]) {
    for (const style of ["scratch", "fused"] as const) {
      const model = buildAttentionSeq2Seq("gru", style, sizes);
      const vars = model.trainableVariables();
      const { value, grads } = tf.variableGrads(() => model.loss(batch, { training: true }), vars);
      const dead = vars.filter((v) => !(tf.max(tf.abs(grads[v.name])).dataSync()[0] > 0)).map((v) => v.name);
      assert.deepEqual(dead, [], `${name} (${style}): no gradient for ${dead}`);
      tf.dispose([value, ...Object.values(grads)]);
      model.dispose();
    }
  }
});

test("bad configurations are explained", () => {
  const attention = new AdditiveAttentionScratch({ querySize: 6, keySize: 6, attentionSize: 3 });
  assert.throws(
    () =>
      new AttentionDecoder({
        block: new GRUScratch({ numInputs: 4, numHiddens: 6 }),
        attention,
        vocabSize: 5,
        embedSize: 4,
        contextSize: 6,
      }),
    /reads 4 features but a bahdanau step gives it embedSize \+ contextSize = 4 \+ 6; build the block with numInputs = 10/,
  );
  assert.throws(
    () =>
      new AttentionDecoder({
        block: new GRUScratch({ numInputs: 4, numHiddens: 5 }),
        attention,
        vocabSize: 5,
        embedSize: 4,
        contextSize: 6,
        variant: "luong",
      }),
    /queries of 6 against keys of 6, but the decoder's state is 5 wide/,
  );
  const model = buildAttentionSeq2Seq("gru", "scratch", { ...base, bidirectional: true, init: "encoder" });
  assert.throws(() => translate(model, [[1, 2]], { maxLength: 3, eosId: 2 }), /does not fit the decoder block.*use init "bridge"/);
  model.dispose();
  attention.dispose();
});

/** Reversal: the target is the source backwards, a task whose alignment is an anti-diagonal. */
function reversalSource(seed: number): BatchSource<Seq2SeqBatch> & { pairs: [number[], number[]][] } {
  const rng = new Rng(seed);
  const make = (n: number): [number[], number[]][] =>
    Array.from({ length: n }, () => {
      const len = 3 + Math.floor(rng.next() * 4);
      const src = Array.from({ length: len }, () => 1 + Math.floor(rng.next() * 6));
      return [src, src.map((s) => s + 2).reverse()];
    });
  const train = make(2048);
  const val = make(64);
  return {
    sequential: false,
    pairs: val,
    *trainBatches() {
      for (let i = 0; i < train.length; i += 64) yield pairBatch(train.slice(i, i + 64));
    },
    valBatches: () => [pairBatch(val)],
  };
}

test("trained by the generic Trainer, an attention model learns to reverse sequences, and its attention is the anti-diagonal", async () => {
  const data = reversalSource(1);
  const model = buildAttentionSeq2Seq("gru", "fused", {
    ...base,
    embedSize: 8,
    numHiddens: 32,
    score: "additive",
    variant: "bahdanau",
    seed: 1,
    sigma: undefined,
  });
  await new Trainer({ maxEpochs: 5, lr: 0.01, clipNorm: 1 }).fit(model, data);
  const sources = data.pairs.map(([s]) => s);
  const out = translate(model, sources, { maxLength: 8, eosId: 2 });
  const exact = out.filter((ids, b) => ids.join() === data.pairs[b][1].join()).length / out.length;
  assert.ok(exact > 0.9, `exact match ${exact}`);
  const src = [1, 2, 3, 4, 5];
  const { weights } = attentionMap(model, src, [7, 6, 5, 4, 3]);
  const argmax = weights.slice(0, 5).map((row) => row.indexOf(Math.max(...row)));
  assert.deepEqual(argmax, [4, 3, 2, 1, 0], `output t reads source 4 − t: ${argmax}`);
  model.dispose();
});
