import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CELL_KINDS } from "../cells";
import { maxAbsDiff, relErr, useBackendWithFullBudgets } from "../testing/fixtures";
import { buildBlock, copyWeights } from "./blocks";
import type { RecurrentBlock, WeightedBlock } from "./recurrent";
import { runCell } from "./runner";
import { GRUScratch } from "./gru";

useBackendWithFullBudgets();

const LENS = [5, 2, 4, 1];
const [T, B, I, H] = [5, 4, 3, 6];

/** Sequence b alone, unpadded: `[len_b, 1, I]`, and its initial state. */
function alone(X: tf.Tensor3D, state: tf.Tensor2D[], b: number): [tf.Tensor3D, tf.Tensor2D[]] {
  return [tf.slice(X, [0, b, 0], [LENS[b], 1, I]), state.map((s) => tf.slice(s, [b, 0], [1, H]))];
}

/** Max |padded − alone| over every sequence's real outputs and final state, and max |output| on padding. */
function compare(block: RecurrentBlock, reverse: boolean): { real: number; padding: number } {
  return tf.tidy(() => {
    const X = tf.randomNormal([T, B, I], 0, 1, "float32", 7) as tf.Tensor3D;
    const state = block.initState(B).map((s, j) => tf.randomUniform(s.shape, -0.8, 0.8, "float32", 11 + j) as tf.Tensor2D);
    const [Y, final] = block.forward(X, state, { validLens: LENS, reverse });
    let real = 0;
    let padding = 0;
    LENS.forEach((len, b) => {
      const [Xb, Sb] = alone(X, state, b);
      const [Yb, finalB] = block.forward(Xb, Sb, { reverse });
      real = Math.max(real, maxAbsDiff(tf.slice(Y, [0, b, 0], [len, 1, H]), Yb));
      final.forEach((s, j) => (real = Math.max(real, maxAbsDiff(tf.slice(s, [b, 0], [1, H]), finalB[j]))));
      if (len < T) padding = Math.max(padding, tf.max(tf.abs(tf.slice(Y, [len, b, 0], [T - len, 1, H]))).dataSync()[0]);
    });
    return { real, padding };
  });
}

for (const kind of CELL_KINDS) {
  for (const style of ["scratch", "concise", "fused"] as const) {
    test(`${kind} ${style}: a padded batch with valid lengths equals each sequence run alone, forward and reverse; padding outputs zeros`, () => {
      const block = buildBlock(kind, style, { numInputs: I, numHiddens: H, sigma: 0.5, seed: 3 });
      const before = tf.memory().numTensors;
      for (const reverse of [false, true]) {
        const { real, padding } = compare(block, reverse);
        assert.ok(real < 1e-5, `${reverse ? "reverse" : "forward"}: max |padded − alone| = ${real}`);
        assert.equal(padding, 0, "padded steps output exactly zero");
      }
      assert.equal(tf.memory().numTensors, before, "no tensors leak");
      block.dispose();
    });
  }
}

test("without valid lengths, reverse equals running the time-reversed sequence and flipping the outputs back", () => {
  for (const kind of CELL_KINDS) {
    const scratch = buildBlock(kind, "scratch", { numInputs: I, numHiddens: H, sigma: 0.5, seed: 4 });
    const fused = buildBlock(kind, "fused", { numInputs: I, numHiddens: H });
    copyWeights(scratch, fused);
    tf.tidy(() => {
      const X = tf.randomNormal([T, B, I], 0, 1, "float32", 5) as tf.Tensor3D;
      const [Yr, Sr] = scratch.forward(X, undefined, { reverse: true });
      const [Yf, Sf] = scratch.forward(tf.reverse(X, 0));
      assert.ok(maxAbsDiff(Yr, tf.reverse(Yf, 0)) < 1e-6, kind);
      Sr.forEach((s, j) => assert.ok(maxAbsDiff(s, Sf[j]) < 1e-6));
      const [Yfused, Sfused] = fused.forward(X, undefined, { reverse: true });
      assert.ok(maxAbsDiff(Yr, Yfused) < 1e-5, `${kind}: fused reverse`);
      Sr.forEach((s, j) => assert.ok(maxAbsDiff(s, Sfused[j]) < 1e-5));
    });
    scratch.dispose();
    fused.dispose();
  }
});

test("gradients flow through masked steps exactly as through the unpadded sequences", () => {
  const cell = new GRUScratch({ numInputs: I, numHiddens: H, sigma: 0.5, seed: 8 });
  const X = tf.randomNormal([T, B, I], 0, 1, "float32", 9) as tf.Tensor3D;
  const padded = tf.variableGrads(() => {
    const [Y, [S]] = runCell(cell, X, { validLens: LENS });
    return tf.add(tf.sum(tf.square(Y)), tf.sum(S)) as tf.Scalar;
  }, cell.trainableVariables());
  const unpadded = tf.variableGrads(() => {
    const parts = LENS.map((len, b) => {
      const [Y, [S]] = runCell(cell, tf.slice(X, [0, b, 0], [len, 1, I]));
      return tf.add(tf.sum(tf.square(Y)), tf.sum(S));
    });
    return tf.addN(parts) as tf.Scalar;
  }, cell.trainableVariables());
  for (const name of Object.keys(padded.grads)) assert.ok(maxAbsDiff(padded.grads[name], unpadded.grads[name]) < 1e-5, name);
  assert.ok(Math.abs(padded.value.dataSync()[0] - unpadded.value.dataSync()[0]) < 1e-4);
  tf.dispose([X, padded.value, unpadded.value, ...Object.values(padded.grads), ...Object.values(unpadded.grads)]);
  cell.dispose();
});

test("bad valid lengths and states are explained", () => {
  const block = buildBlock("lstm", "scratch", { numInputs: I, numHiddens: H });
  const fused = buildBlock("lstm", "fused", { numInputs: I, numHiddens: H });
  tf.tidy(() => {
    const X = tf.zeros([T, B, I]) as tf.Tensor3D;
    assert.throws(() => block.forward(X, undefined, { validLens: [1, 2] }), /2 valid lengths for a batch of 4 sequences/);
    assert.throws(
      () => block.forward(X, undefined, { validLens: [1, 2, 9, 1] }),
      /valid length 9 of sequence 2 must be an integer between 0 and numSteps = 5/,
    );
    assert.throws(() => block.forward(X, [tf.zeros([B, H]) as tf.Tensor2D]), /2 tensor\(s\) of shape \[batchSize, numHiddens\] = \[4, 6\]/);
    assert.throws(() => fused.forward(X, undefined, { validLens: [1, 2, 9, 1] }), /valid length 9 of sequence 2/);
  });
  block.dispose();
  fused.dispose();
});

test("the fused LSTM on a padded batch (an empty row too) equals the scratch LSTM: outputs, final H and C, and every gradient, forward and reverse", () => {
  const lens = [5, 2, 0, 3];
  const scratch = buildBlock("lstm", "scratch", { numInputs: I, numHiddens: H, sigma: 0.5, seed: 6 });
  const fused = buildBlock("lstm", "fused", { numInputs: I, numHiddens: H });
  copyWeights(scratch, fused);
  const before = tf.memory().numTensors;
  for (const reverse of [false, true]) {
    tf.tidy(() => {
      const X = tf.randomNormal([T, B, I], 0, 1, "float32", 12) as tf.Tensor3D;
      const [H0, C0] = [13, 14].map((s) => tf.randomUniform([B, H], -0.8, 0.8, "float32", s) as tf.Tensor2D);
      const [RY, RH, RC] = [15, 16, 17].map((s, j) => tf.randomNormal(j === 0 ? [T, B, H] : [B, H], 0, 1, "float32", s));
      // A loss on every output: the outputs, the final H and the final C; gradients on the inputs, the initial state and the weights.
      const run = (block: RecurrentBlock) => (x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor) => {
        const [Y, [Hn, Cn]] = block.forward(x as tf.Tensor3D, [h0 as tf.Tensor2D, c0 as tf.Tensor2D], { validLens: lens, reverse });
        return tf.addN([tf.sum(tf.mul(Y, RY)), tf.sum(tf.mul(Hn, RH)), tf.sum(tf.mul(Cn, RC))]) as tf.Scalar;
      };
      const outs = [scratch, fused].map((block) => block.forward(X, [H0, C0], { validLens: lens, reverse }));
      assert.ok(maxAbsDiff(outs[0][0], outs[1][0]) < 1e-5, "outputs");
      outs[0][1].forEach((s, j) => assert.ok(maxAbsDiff(s, outs[1][1][j]) < 1e-5, j === 0 ? "final H" : "final C"));
      assert.ok(maxAbsDiff(tf.slice(outs[1][1][1], [2, 0], [1, H]), tf.slice(C0, [2, 0], [1, H])) === 0, "an empty row keeps c0");
      const grads = [scratch, fused].map((block) => {
        const g = tf.grads(run(block))([X, H0, C0]);
        const w = tf.variableGrads(() => run(block)(X, H0, C0), block.trainableVariables()).grads;
        return { g, w: block.trainableVariables().map((v) => w[v.name]) };
      });
      ["X", "H0", "C0"].forEach((name, i) => {
        const e = relErr(grads[1].g[i].dataSync(), grads[0].g[i].dataSync());
        assert.ok(e < 1e-4, `${reverse ? "reverse" : "forward"}: d${name} relative error ${e}`);
      });
      // The scratch LSTM's twelve per-gate gradients, gathered into tf.layers' [kernel, recurrentKernel, bias] as its getWeights does.
      const scratchLayers = inLayersLayout(scratch, grads[0].w);
      scratchLayers.forEach((g, i) => {
        const e = relErr(grads[1].w[i].dataSync(), g.dataSync());
        assert.ok(e < 1e-4, `${reverse ? "reverse" : "forward"}: weight ${i} relative error ${e}`);
      });
    });
  }
  assert.equal(tf.memory().numTensors, before, "no tensors leak");
  scratch.dispose();
  fused.dispose();
});

/** `grads` (one per trainable variable of `block`) in tf.layers' layout: loaded into the variables, read back by getWeights. */
function inLayersLayout(block: WeightedBlock, grads: tf.Tensor[]): tf.Tensor[] {
  const saved = block.trainableVariables().map((v) => tf.clone(v));
  block.trainableVariables().forEach((v, i) => v.assign(grads[i]));
  const out = block.getWeights();
  block.trainableVariables().forEach((v, i) => v.assign(saved[i]));
  tf.dispose(saved);
  return out;
}
