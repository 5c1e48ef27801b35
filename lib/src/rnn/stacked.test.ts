import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import { languageModelStepper } from "../decode/stepper";
import { sample } from "../decode/sampling";
import { Trainer } from "../train/trainer";
import { buildStack, copyWeights } from "./blocks";
import { layerGradientNorms, stateGradientNorms } from "./grad-flow";
import { GRUScratch } from "./gru";
import { LSTMScratch } from "./lstm";
import { RNNLMScratch } from "./rnn-lm";
import { Stacked } from "./stacked";
import { traceGatesOnText } from "./trace";
import { Vocab } from "../data/vocab";
import { textBatchSource } from "../data/lm-batches";

useBackendWithFullBudgets();

const X = (): tf.Tensor3D => tf.randomNormal([6, 3, 5], 0, 1, "float32", 4) as tf.Tensor3D;

test("a stack runs its layers in order: outputs equal the layers composed by hand, state kept per layer", () => {
  const l1 = new LSTMScratch({ numInputs: 5, numHiddens: 7, sigma: 0.4, seed: 1 });
  const l2 = new GRUScratch({ numInputs: 7, numHiddens: 4, sigma: 0.4, seed: 2 });
  const stack = new Stacked({ layers: [l1, l2] });
  assert.equal(stack.numInputs, 5);
  assert.equal(stack.numHiddens, 4);
  assert.equal(stack.numStates, 3); // [H1, C1] and [H2]
  assert.deepEqual(stack.stateRange(1), [2, 3]);
  tf.tidy(() => {
    const inputs = X();
    const [Y, state] = stack.forward(inputs);
    const [Y1, S1] = l1.forward(inputs);
    const [Y2, S2] = l2.forward(Y1);
    assert.deepEqual(Y.shape, [6, 3, 4]);
    assert.equal(maxAbsDiff(Y, Y2), 0);
    assert.equal(maxAbsDiff(stack.layerState(state, 0)[1], S1[1]), 0, "layer 0's C");
    assert.equal(maxAbsDiff(stack.layerState(state, 1)[0], S2[0]), 0, "layer 1's H");
    const [outs] = stack.forwardLayers(inputs);
    assert.deepEqual(
      outs.map((o) => o.shape),
      [
        [6, 3, 7],
        [6, 3, 4],
      ],
    );
    // Carrying the state: two halves equal the whole.
    const [Ya, Sa] = stack.forward(tf.slice(inputs, [0, 0, 0], [3, 3, 5]));
    const [Yb] = stack.forward(tf.slice(inputs, [3, 0, 0], [3, 3, 5]), Sa);
    assert.ok(maxAbsDiff(tf.concat([Ya, Yb], 0), Y) < 1e-6);
  });
  stack.dispose();
});

test("sizes that do not chain, a bad state or dropout are explained", () => {
  const a = new GRUScratch({ numInputs: 5, numHiddens: 7 });
  const b = new GRUScratch({ numInputs: 6, numHiddens: 4 });
  assert.throws(() => new Stacked({ layers: [a, b] }), /layer 1 takes 6 inputs but layer 0 outputs 7\. Build layer 1 with numInputs: 7/);
  assert.throws(() => new Stacked({ layers: [] }), /at least one layer/);
  assert.throws(() => new Stacked({ layers: [a], dropout: 1 }), /dropout must be in \[0, 1\)/);
  const stack = new Stacked({ layers: [a] });
  tf.tidy(() => assert.throws(() => stack.forward(X(), [tf.zeros([3, 7]), tf.zeros([3, 7])] as tf.Tensor2D[]), /state must be 1 tensors/));
  assert.throws(() => stack.layerState([], 3), /layer 3 does not exist/);
  stack.dispose();
  b.dispose();
});

for (const kind of ["gru", "lstm"] as const) {
  for (const numLayers of [2, 3]) {
    test(`${kind}, ${numLayers} layers: scratch, concise (tf.layers) and fused stacks compute the same function on copied weights`, () => {
      const scratch = buildStack(kind, "scratch", { numInputs: 5, numHiddens: 6, numLayers, sigma: 0.4, seed: 3 });
      for (const style of ["concise", "fused"] as const) {
        const other = buildStack(kind, style, { numInputs: 5, numHiddens: 6, numLayers, seed: 9 });
        copyWeights(scratch, other);
        const diff = tf.tidy(() => {
          const inputs = X();
          const state = scratch.initState(3).map((s, j) => tf.randomUniform(s.shape, -0.8, 0.8, "float32", 20 + j) as tf.Tensor2D);
          const [Ya, Sa] = scratch.forward(inputs, state);
          const [Yb, Sb] = other.forward(inputs, state);
          assert.ok(tf.max(tf.abs(Ya)).dataSync()[0] > 0.05, "outputs are not trivially zero");
          return Math.max(maxAbsDiff(Ya, Yb), ...Sa.map((s, j) => maxAbsDiff(s, Sb[j])));
        });
        assert.ok(diff < 1e-5, `${style}: ${diff}`);
        other.dispose();
      }
      scratch.dispose();
    });
  }
}

test("dropout between layers acts only in training, keeps the mean, and is seeded", () => {
  const make = (): Stacked =>
    buildStack("rnn", "scratch", { numInputs: 5, numHiddens: 64, numLayers: 2, sigma: 0.3, dropout: 0.5, seed: 1 });
  const [a, b] = [make(), make()];
  tf.tidy(() => {
    const inputs = X();
    const [evalY] = a.forward(inputs);
    const [plainY] = new Stacked({ layers: a.layers }).forward(inputs); // same layers, no dropout
    assert.equal(maxAbsDiff(evalY, plainY), 0, "no dropout at evaluation");
    const [outs] = a.forwardLayers(inputs, undefined, { training: true });
    const [outsB] = b.forwardLayers(inputs, undefined, { training: true });
    assert.equal(maxAbsDiff(outs[1], outsB[1]), 0, "the same seed drops the same units");
    assert.ok(maxAbsDiff(outs[1], plainY) > 1e-3, "training drops units");
    const [trainY2] = a.forward(inputs, undefined, { training: true });
    assert.ok(maxAbsDiff(trainY2, outs[1]) > 1e-3, "each call draws a new mask");
  });
  a.dispose();
  b.layers.forEach((l) => l.dispose());
});

test("valid lengths and reverse pass through every layer: a padded stack equals each sequence alone", () => {
  const stack = buildStack("lstm", "scratch", { numInputs: 5, numHiddens: 4, numLayers: 2, sigma: 0.5, seed: 2 });
  const lens = [6, 2, 4];
  for (const reverse of [false, true]) {
    const worst = tf.tidy(() => {
      const inputs = X();
      const [Y, S] = stack.forward(inputs, undefined, { validLens: lens, reverse });
      return Math.max(
        ...lens.map((len, b) => {
          const [Yb, Sb] = stack.forward(tf.slice(inputs, [0, b, 0], [len, 1, 5]), undefined, { reverse });
          return Math.max(
            maxAbsDiff(tf.slice(Y, [0, b, 0], [len, 1, 4]), Yb),
            ...S.map((s, j) => maxAbsDiff(tf.slice(s, [b, 0], [1, 4]), Sb[j])),
          );
        }),
      );
    });
    assert.ok(worst < 1e-5, `reverse ${reverse}: ${worst}`);
  }
  stack.dispose();
});

test("the language model, the Trainer, the decoders and gate traces take a stack unchanged; nothing leaks", async () => {
  const text = "abcdabcdabcd abcab abcd ".repeat(20);
  const vocab = Vocab.build([...text]);
  const data = textBatchSource(vocab.encode([...text]), { batchSize: 4, numSteps: 8, vocabSize: vocab.size, valFraction: 0.2, seed: 1 });
  const model = new RNNLMScratch({
    block: buildStack("gru", "scratch", { numInputs: vocab.size, numHiddens: 16, numLayers: 2, sigma: 0.3, dropout: 0.1 }),
    vocabSize: vocab.size,
  });
  const result = await new Trainer({ maxEpochs: 15, lr: 0.03, clipNorm: 1, listener: null }).fit(model, data);
  assert.ok(result.final["val ppl"] < 2, `val ppl ${result.final["val ppl"]}`);
  const before = tf.memory().numTensors;
  const rows = sample(languageModelStepper(model), [vocab.encode(["a", "b"]), vocab.encode(["c"])], {
    method: { kind: "greedy" },
    maxLength: 6,
  });
  assert.equal(vocab.decode(rows[0]).join("").slice(0, 2), "cd");
  const top = traceGatesOnText(model, "abcd", vocab);
  const bottom = traceGatesOnText(model, "abcd", vocab, { layer: 0 });
  assert.equal(top.layer, 1);
  assert.equal(bottom.layer, 0);
  assert.equal(top.cell, "gru");
  assert.deepEqual(
    top.gates.map((g) => g.name),
    ["R", "Z", "H_tilde", "H"],
  );
  assert.ok(maxDiffRows(top.values.H, bottom.values.H) > 1e-3, "the layers differ");
  assert.throws(() => traceGatesOnText(model, "abcd", vocab, { layer: 2 }), /layer 2 does not exist/);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

function maxDiffRows(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((row, t) => row.map((v, u) => Math.abs(v - b[t][u]))));
}

test("layerGradientNorms: one layer equals stateGradientNorms; the top layer's entry 0 is 1, lower layers start at k = 1", () => {
  const one = buildStack("gru", "scratch", { numInputs: 5, numHiddens: 6, numLayers: 1, sigma: 0.5, seed: 5 });
  const two = buildStack("gru", "scratch", { numInputs: 5, numHiddens: 6, numLayers: 2, sigma: 0.5, seed: 5 });
  tf.tidy(() => {
    const inputs = X();
    const [single] = layerGradientNorms(one, inputs);
    const direct = stateGradientNorms(one.layers[0], inputs);
    single.forEach((v, k) => assert.ok(Math.abs(v - direct[k]) < 1e-5 * Math.max(1, direct[k]), `k = ${k}: ${v} vs ${direct[k]}`));
    const [low, high] = layerGradientNorms(two, inputs);
    assert.equal(high[0], 1);
    assert.ok(Number.isNaN(low[0]));
    assert.equal(low.length, 6);
    assert.ok(low.slice(1).every((v) => v > 0 && Number.isFinite(v)));
  });
  one.dispose();
  two.dispose();
});

test("Keras's way (tf.sequential of GRU layers with returnSequences) computes what Stacked computes, on copied weights", () => {
  for (const numLayers of [2, 3]) {
    const scratch = buildStack("gru", "scratch", { numInputs: 5, numHiddens: 6, numLayers, sigma: 0.4, seed: 7 });
    const keras = tf.sequential({
      layers: Array.from({ length: numLayers }, (_, l) =>
        tf.layers.gru({ units: 6, returnSequences: true, recurrentActivation: "sigmoid", ...(l === 0 ? { inputShape: [null, 5] } : {}) }),
      ),
    });
    keras.layers.forEach((layer, l) => {
      const w = (scratch.layers[l] as GRUScratch).getWeights();
      layer.setWeights(w);
      tf.dispose(w);
    });
    const diff = tf.tidy(() => {
      const inputs = X(); // time-major [6, 3, 5]
      const [Y] = scratch.forward(inputs);
      const Yk = keras.apply(tf.transpose(inputs, [1, 0, 2])) as tf.Tensor3D; // batch-major, as Keras reads it
      return maxAbsDiff(Y, tf.transpose(Yk, [1, 0, 2]));
    });
    assert.ok(diff < 1e-5, `${numLayers} layers: ${diff}`);
    scratch.dispose();
    keras.dispose();
  }
});
