import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { BarData } from "plotly.js-dist";
import { textBatchSource } from "../data/lm-batches";
import { Vocab } from "../data/vocab";
import { buildBlock, buildStack } from "../rnn/blocks";
import { RNNLMScratch } from "../rnn/rnn-lm";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { Trainer } from "../train/trainer";
import { layerStates, nextIsSpace, positionInWord, probeChart, probeLayers } from "./probe";

useBackendWithFullBudgets();

test("the ready properties: nextIsSpace and positionInWord (0, 1, 2, 3+)", () => {
  const text = "ab cdefg h";
  const all = (p: (t: string, i: number) => number | null): (number | null)[] => [...text].map((_, i) => p(text, i));
  assert.deepEqual(all(nextIsSpace), [0, 1, 0, 0, 0, 0, 0, 1, 0, null]);
  assert.deepEqual(all(positionInWord), [null, null, null, 0, 1, 2, 3, 3, null, 0]);
  assert.deepEqual([positionInWord("abcde", 3), positionInWord("a\nbc", 3)], [3, 1]);
});

const TEXT = "ab abb abbb a ".repeat(60);
const vocab = Vocab.build([...TEXT]);

test("layerStates: [numLayers][numSteps][numHiddens] for a stack or a single block, equal to the block's outputs; nothing leaks", () => {
  const stack = new RNNLMScratch({
    block: buildStack("gru", "scratch", { numInputs: 4, numHiddens: 5, numLayers: 3, sigma: 0.5 }),
    vocabSize: vocab.size,
    embedSize: 4,
  });
  const single = new RNNLMScratch({
    block: buildBlock("lstm", "scratch", { numInputs: vocab.size, numHiddens: 6 }),
    vocabSize: vocab.size,
  });
  const before = tf.memory().numTensors;
  const states = layerStates(stack, "ab ab", vocab);
  assert.deepEqual([states.length, states[0].length, states[0][0].length], [3, 5, 5]);
  const one = layerStates(single, "abba", vocab);
  assert.deepEqual([one.length, one[0].length, one[0][0].length], [1, 4, 6]);
  assert.equal(tf.memory().numTensors, before, "layerStates leaked tensors");
  const top = tf.tidy(() => {
    const X = stack.encoder.encode(tf.tensor2d(vocab.encode([..."ab ab"]), [5, 1], "int32"));
    return stack.block.forward(X)[0].squeeze([1]).arraySync() as number[][];
  });
  assert.deepEqual(states[2], top);
  assert.ok(Math.abs(states[0][4][0] - states[2][4][0]) > 1e-6, "the layers differ");

  const long = TEXT.slice(0, 1100); // longer than one piece of 512 steps: the state is carried from piece to piece
  const pieces = layerStates(stack, long, vocab);
  const whole = tf.tidy(() => {
    const X = stack.encoder.encode(tf.tensor2d(vocab.encode([...long]), [long.length, 1], "int32"));
    return stack.block.forward(X)[0].squeeze([1]).arraySync() as number[][];
  });
  assert.equal(pieces[2].length, long.length);
  const gap = Math.max(...whole.flatMap((row, t) => row.map((v, u) => Math.abs(v - pieces[2][t][u]))));
  assert.ok(gap < 1e-5, `pieces vs one pass: ${gap}`);
  assert.equal(tf.memory().numTensors, before, "layerStates leaked tensors");
  stack.dispose();
  single.dispose();
});

test("probeLayers names an empty text, unknown characters, a wrong vocabulary and a property that does not return a class", () => {
  const model = new RNNLMScratch({
    block: buildStack("gru", "scratch", { numInputs: vocab.size, numHiddens: 4, numLayers: 2 }),
    vocabSize: vocab.size,
  });
  const before = tf.memory().numTensors;
  const probe = (text: string, property: (t: string, i: number) => number | null) => () => probeLayers(model, text, vocab, { property });
  assert.throws(probe("", nextIsSpace), /probeLayers: the text is empty/);
  assert.throws(() => layerStates(model, "", vocab), /layerStates: the text is empty/);
  assert.throws(probe("ab cab", nextIsSpace), /the vocabulary has no "c"/);
  assert.throws(() => layerStates(model, "Abz", vocab), /the vocabulary has no "A", "z"/);
  assert.throws(
    () => probeLayers(model, "ab", Vocab.build([..."abc "]), { property: nextIsSpace }),
    /the vocabulary has 4 tokens but the model reads 3/,
  );
  assert.throws(
    probe("ab ab ab", () => 0.5),
    /the property returned 0\.5 at step 0 \(character "a"\); a property must return a class, an integer ≥ 0/,
  );
  assert.throws(
    probe("ab ab ab", (t, i) => (i < 3 ? 0 : (undefined as unknown as number))),
    /returned undefined at step 3/,
  );
  assert.throws(
    probe("ab ab ab", () => -1),
    /returned -1 at step 0/,
  );
  assert.throws(
    probe("ab ab ab", () => 1),
    /gives class 1 at every step/,
  );
  assert.throws(() => probeLayers(model, "ab", vocab, {} as never), /give a property/);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test("a small trained stack: some layer's probe reads nextIsSpace well above the baseline, the one-hot input does not", async () => {
  const t0 = performance.now();
  const data = textBatchSource(vocab.encode([...TEXT]), { batchSize: 8, numSteps: 14, vocabSize: vocab.size, valFraction: 0.1, seed: 1 });
  const model = new RNNLMScratch({
    block: buildStack("gru", "fused", { numInputs: vocab.size, numHiddens: 16, numLayers: 2, sigma: 0.3, seed: 1 }),
    vocabSize: vocab.size,
  });
  await new Trainer({ maxEpochs: 12, lr: 0.03, clipNorm: 1, listener: null }).fit(model, data);
  const trained = performance.now();
  const before = tf.memory().numTensors;
  const rows = probeLayers(model, TEXT.slice(0, 420), vocab, { property: nextIsSpace, includeInput: true });
  assert.equal(tf.memory().numTensors, before);
  console.log(
    `trained in ${(trained - t0).toFixed(0)} ms, probed in ${(performance.now() - trained).toFixed(0)} ms: ` +
      rows.map((r) => `${r.name} ${r.accuracy.toFixed(3)}`).join(", ") +
      ` (baseline ${rows[0].baseline.toFixed(3)})`,
  );
  assert.deepEqual(
    rows.map((r) => r.layer),
    ["input", 0, 1],
  );
  assert.deepEqual(
    rows.map((r) => r.name),
    ["input", "layer 0", "layer 1"],
  );
  const baseline = rows[0].baseline;
  assert.ok(
    rows.every((r) => r.baseline === baseline),
    "one split for every layer",
  );
  assert.ok(rows[0].accuracy <= baseline + 0.05, `the current character alone does not tell: input ${rows[0].accuracy} vs ${baseline}`);
  assert.ok(
    Math.max(rows[1].accuracy, rows[2].accuracy) > baseline + 0.15,
    `layers ${rows[1].accuracy}, ${rows[2].accuracy} vs ${baseline}`,
  );

  const fig = probeChart(rows, "next is a space");
  const bars = fig.data[0] as Partial<BarData>;
  assert.deepEqual(bars.y, [rows[0].accuracy, rows[1].accuracy, rows[2].accuracy]);
  assert.equal(fig.layout.shapes?.length, 3, "one baseline segment per bar");
  assert.equal(fig.layout.shapes?.[1].y0, baseline);
  assert.throws(() => probeChart([]), /no rows/);
  model.dispose();
});
