import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import { PAIRS, SRC_V, TGT, TGT_V, pairBatch } from "../testing/seq2seq-pairs";
import type { BatchSource } from "../data/batch";
import { Rng } from "../data/rng";
import { tokenAccuracy } from "../data/metrics";
import { Trainer } from "../train/trainer";
import { greedyExactMatch, seq2seqStepper, translate } from "../decode/seq2seq-stepper";
import { copyWeights } from "./blocks";
import type { WeightedBlock } from "./recurrent";
import { GRUScratch } from "./gru";
import { LSTMScratch } from "./lstm";
import { EncoderDecoder, Seq2SeqDecoder, Seq2SeqEncoder, buildSeq2Seq } from "./seq2seq";
import type { Seq2SeqBatch } from "./seq2seq";

useBackendWithFullBudgets();

const sizes = { srcVocabSize: SRC_V, tgtVocabSize: TGT_V, bosId: 1, embedSize: 4, numHiddens: 6, sigma: 0.4, seed: 3 };

test("shapes: encoder outputs [srcSteps, batch, h] and context [batch, h]; decoder logits [steps, batch, V]; GRU parameter count", () => {
  const model = buildSeq2Seq("gru", "scratch", sizes);
  const batch = pairBatch(PAIRS);
  tf.tidy(() => {
    const encoded = model.encodeSources(PAIRS.map(([s]) => s));
    assert.deepEqual(encoded.outputs.shape, [5, 3, 6]);
    assert.deepEqual(encoded.context.shape, [3, 6]);
    const state = model.decoder.initState(encoded);
    const [O] = model.decoder.forward(tf.tensor2d([1, 1, 1], [1, 3], "int32"), state);
    assert.deepEqual(O.shape, [1, 3, TGT_V]);
    const s = model.scores(batch);
    assert.deepEqual(s.logits.shape, [batch.numSteps, 3, TGT_V]);
  });
  const gru = (d: number, h: number) => 3 * (d * h + h * h + h); // a scratch GRU with one bias per gate
  const expected = SRC_V * 4 + gru(4, 6) + TGT_V * 4 + gru(4 + 6, 6) + 6 * TGT_V + TGT_V;
  assert.equal(
    model.trainableVariables().reduce((n, v) => n + v.size, 0),
    expected,
  );
  model.dispose();
});

test("the context of a padded source is the context of the source alone (scratch, concise and fused encoders)", () => {
  for (const style of ["scratch", "concise", "fused"] as const) {
    const model = buildSeq2Seq("gru", style, sizes);
    const gap = tf.tidy(() => {
      const together = model.encodeSources(PAIRS.map(([s]) => s));
      return Math.max(
        ...PAIRS.map(([s], b) => {
          const alone = model.encodeSources([s]);
          return Math.max(
            maxAbsDiff(tf.slice(together.context, [b, 0], [1, 6]), alone.context),
            maxAbsDiff(tf.slice(together.outputs, [0, b, 0], [s.length, 1, 6]), alone.outputs),
          );
        }),
      );
    });
    assert.ok(gap < 1e-5, `${style}: ${gap}`);
    tf.tidy(() => {
      const c = model.encodeSources([[1, 2]]).context;
      assert.ok(tf.max(tf.abs(c)).dataSync()[0] > 1e-3, `${style}: the context is not trivially zero`);
    });
    model.dispose();
  }
});

test("scratch, concise and fused encoder–decoders compute the same loss on copied weights", () => {
  const batch = pairBatch(PAIRS);
  const models = (["scratch", "concise", "fused"] as const).map((style) => buildSeq2Seq("gru", style, sizes));
  for (const m of models.slice(1)) {
    copyWeights(models[0].encoder.block as WeightedBlock, m.encoder.block as WeightedBlock);
    copyWeights(models[0].decoder.block as WeightedBlock, m.decoder.block as WeightedBlock);
  }
  const losses = models.map((m) => tf.tidy(() => m.loss(batch).dataSync()[0]));
  assert.ok(Number.isFinite(losses[0]) && losses[0] > 0.5, `a real loss: ${losses[0]}`);
  assert.ok(Math.abs(losses[1] - losses[0]) < 1e-5, `concise ${losses[1]} vs scratch ${losses[0]}`);
  assert.ok(Math.abs(losses[2] - losses[0]) < 1e-5, `fused ${losses[2]} vs scratch ${losses[0]}`);
  for (const m of models) m.dispose();
});

test("the stepper fed the true tokens reproduces the teacher-forced logits step by step; reorder keeps rows", () => {
  const model = buildSeq2Seq("gru", "scratch", sizes);
  const batch = pairBatch(PAIRS);
  const before = tf.memory().numTensors;
  const forced = tf.tidy(() => {
    const s = model.scores(batch);
    return s.logits.arraySync(); // [T, B, V]
  });
  const stepper = seq2seqStepper(model);
  let logits = stepper.start(PAIRS.map(([s]) => s));
  const V = TGT_V;
  const T = batch.numSteps;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < 3; b++) {
      const got = Array.from(logits.subarray(b * V, (b + 1) * V));
      got.forEach((v, k) => assert.ok(Math.abs(v - forced[t][b][k]) < 1e-5, `step ${t}, row ${b}, token ${k}: ${v} vs ${forced[t][b][k]}`));
    }
    if (t + 1 < T) logits = stepper.step([0, 1, 2].map((b) => batch.X[b * T + t + 1]));
  }
  stepper.reorder([2, 2, 0]);
  const again = stepper.step([3, 3, 3]);
  assert.deepEqual(Array.from(again.subarray(0, V)), Array.from(again.subarray(V, 2 * V)), "duplicated rows stay equal");
  stepper.dispose();
  assert.equal(tf.memory().numTensors, before, "the stepper frees its state");
  assert.throws(() => stepper.step([1]), /call start/);
  assert.throws(() => seq2seqStepper(model).start([[1], []]), /source 1 is empty/);
  model.dispose();
});

test("the loss is the mean cross-entropy over real target tokens: padding after <eos> never counts", () => {
  const model = buildSeq2Seq("gru", "scratch", sizes);
  const batch = pairBatch(PAIRS);
  const loss = tf.tidy(() => model.loss(batch).dataSync()[0]);
  const manual = tf.tidy(() => {
    const s = model.scores(batch);
    const logP = tf.logSoftmax(s.logits).arraySync() as number[][][];
    let sum = 0;
    let n = 0;
    for (let b = 0; b < batch.batchSize; b++) {
      for (let t = 0; t < batch.numSteps; t++) {
        if (batch.mask?.[b * batch.numSteps + t] !== 1) continue;
        sum -= logP[t][b][batch.Y[b * batch.numSteps + t]];
        n++;
      }
    }
    return sum / n;
  });
  assert.ok(Math.abs(loss - manual) < 1e-5, `${loss} vs ${manual}`);
  const scrambled = { ...batch, Y: batch.Y.map((y, i) => (batch.mask?.[i] === 0 ? 5 : y)) };
  assert.equal(
    tf.tidy(() => model.loss(scrambled).dataSync()[0]),
    loss,
    "targets under the mask do not matter",
  );
  assert.equal(model.countItems(batch), 5 + 2 + 6, "real targets: each target and its <eos>");
  model.dispose();
});

test("teacherForcing 0 trains on the model's own choices: the same loss as feeding its arg-max by hand, and only in training", () => {
  const free = buildSeq2Seq("gru", "scratch", { ...sizes, teacherForcing: 0 });
  const batch = pairBatch(PAIRS);
  const forcedLoss = tf.tidy(() => free.loss(batch).dataSync()[0]);
  const freeLoss = tf.tidy(() => free.loss(batch, { training: true }).dataSync()[0]);
  assert.notEqual(freeLoss, forcedLoss, "an untrained model's own choices differ from the truth");
  const byHand = tf.tidy(() => {
    const stepper = seq2seqStepper(free);
    let logits = stepper.start(PAIRS.map(([s]) => s));
    let sum = 0;
    let n = 0;
    const T = batch.numSteps;
    for (let t = 0; t < T; t++) {
      const choices: number[] = [];
      for (let b = 0; b < 3; b++) {
        const row = Array.from(logits.subarray(b * TGT_V, (b + 1) * TGT_V));
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
        if (batch.mask?.[b * T + t] === 1) {
          sum -= row[batch.Y[b * T + t]] - lse;
          n++;
        }
        choices.push(row.indexOf(max));
      }
      if (t + 1 < T) logits = stepper.step(choices);
    }
    stepper.dispose();
    return sum / n;
  });
  assert.ok(Math.abs(freeLoss - byHand) < 1e-4, `${freeLoss} vs ${byHand}`);
  const { value, grads } = tf.variableGrads(() => free.loss(batch, { training: true }), free.trainableVariables());
  const norms = Object.values(grads).map((g) => tf.tidy(() => tf.norm(g).dataSync()[0]));
  assert.ok(
    norms.every(Number.isFinite) && norms.some((n) => n > 0),
    "training on its own choices has gradients (none through the choices)",
  );
  tf.dispose([value, ...Object.values(grads)]);
  free.dispose();
  assert.throws(() => buildSeq2Seq("gru", "scratch", { ...sizes, teacherForcing: 1.5 }), /probability in \[0, 1\]/);
});

/** Reverse a string of 2–5 letters: source ids 1…5, target ids 3…7 (the same letters). */
function reversalData(n: number, seed: number): Seq2SeqBatch[] {
  const rng = new Rng(seed);
  const pairs: [number[], number[]][] = Array.from({ length: n }, () => {
    const s = Array.from({ length: 2 + rng.int(4) }, () => 1 + rng.int(5));
    return [s, [...s].reverse().map((x) => x + 2)];
  });
  const out: Seq2SeqBatch[] = [];
  for (let i = 0; i < n; i += 32) out.push(pairBatch(pairs.slice(i, i + 32)));
  return out;
}

test("the Trainer trains an encoder–decoder to reverse short strings; greedy decoding gets most of them exactly right", async () => {
  const train = reversalData(1024, 1);
  const val = reversalData(128, 2);
  const data: BatchSource<Seq2SeqBatch> = { trainBatches: () => train, valBatches: () => val };
  const model = buildSeq2Seq("gru", "fused", {
    ...sizes,
    embedSize: 8,
    numHiddens: 32,
    sigma: 0.2,
    metrics: [tokenAccuracy<Seq2SeqBatch>(), greedyExactMatch({ eosId: TGT.eos })],
  });
  const before = tf.memory().numTensors;
  const r = await new Trainer({ maxEpochs: 12, lr: 0.02, listener: null }).fit(model, data);
  assert.equal(tf.memory().numTensors, before, "training and greedy evaluation leak no tensor");
  assert.ok(r.final["val greedy exact"] >= 0.8, `greedy exact match ${r.final["val greedy exact"]}`);
  assert.ok(r.history[0].metrics["val greedy exact"] < r.final["val greedy exact"]);
  const [out] = translate(model, [[1, 2, 3, 4]], { maxLength: 8, eosId: TGT.eos });
  assert.deepEqual(out, [6, 5, 4, 3], "reverses a string it never saw as such");
  model.dispose();
});

test("clear errors: sizes that do not fit, a bad bosId, an encoder state the decoder cannot start from", () => {
  const gru = (numInputs: number) => new GRUScratch({ numInputs, numHiddens: 6 });
  assert.throws(() => new Seq2SeqEncoder({ block: gru(5), vocabSize: SRC_V, embedSize: 4 }), /numInputs = embedSize/);
  assert.throws(() => new Seq2SeqDecoder({ block: gru(4), vocabSize: TGT_V, embedSize: 4, contextSize: 6 }), /numInputs = 10/);
  const encoder = new Seq2SeqEncoder({ block: new LSTMScratch({ numInputs: 4, numHiddens: 6 }), vocabSize: SRC_V, embedSize: 4 });
  const decoder = new Seq2SeqDecoder({ block: gru(10), vocabSize: TGT_V, embedSize: 4, contextSize: 6 });
  assert.throws(() => new EncoderDecoder({ encoder, decoder, bosId: 99 }), /bosId 99/);
  const model = new EncoderDecoder({ encoder, decoder, bosId: 1 });
  assert.throws(() => tf.tidy(() => model.loss(pairBatch(PAIRS))), /does not fit the decoder block[\s\S]*initFromEncoder: false/);
  assert.throws(() => model.encodeSources([[1, 99]]), /outside|vocabulary/);
  model.dispose();
});
