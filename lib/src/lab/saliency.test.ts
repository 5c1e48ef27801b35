import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Bidirectional } from "../rnn/bidirectional";
import { OneHot } from "../rnn/embedding";
import { GRUScratch } from "../rnn/gru";
import type { ForwardOptions, RecurrentBlock, RecurrentState } from "../rnn/recurrent";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { inputSaliency, saliencyByOffset } from "./saliency";

useBackendWithFullBudgets();

const V = 5;
const IDS = [0, 3, 1, 4, 2, 2, 0, 1];
const T = IDS.length;

/** A scratch GRU whose forward always runs right to left. */
function reversed(gru: GRUScratch): RecurrentBlock {
  return {
    numInputs: gru.numInputs,
    numHiddens: gru.numHiddens,
    numStates: gru.numStates,
    causal: false,
    initState: (b: number) => gru.initState(b),
    forward: (x: tf.Tensor3D, state?: RecurrentState, opts: ForwardOptions = {}) => gru.forward(x, state, { ...opts, reverse: true }),
    trainableVariables: () => gru.trainableVariables(),
    dispose: () => gru.dispose(),
  };
}

test("inputSaliency: a causal GRU never looks ahead (exactly 0 for s > t, non-zero for s ≤ t); a reversed one never looks back", () => {
  const encoder = new OneHot(V);
  const gru = new GRUScratch({ numInputs: V, numHiddens: 6, sigma: 0.5, seed: 1 });
  const before = tf.memory().numTensors;
  const S = inputSaliency({ encoder, block: gru }, IDS);
  assert.deepEqual([S.length, S[0].length], [T, T]);
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < T; s++) {
      if (s > t) assert.equal(S[t][s], 0, `S[${t}][${s}]`);
      else assert.ok(S[t][s] > 0, `S[${t}][${s}] = ${S[t][s]}`);
    }
  }
  const R = inputSaliency({ encoder, block: reversed(gru) }, IDS);
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < T; s++) {
      if (s < t) assert.equal(R[t][s], 0, `R[${t}][${s}]`);
      else assert.ok(R[t][s] > 0, `R[${t}][${s}] = ${R[t][s]}`);
    }
  }
  assert.equal(tf.memory().numTensors, before, "inputSaliency leaked tensors");
  gru.dispose();
});

test("inputSaliency: one batched backward pass equals one tf.grad per output step", () => {
  const encoder = new OneHot(V);
  const gru = new GRUScratch({ numInputs: V, numHiddens: 6, sigma: 0.5, seed: 2 });
  const r = [0.5, -0.5, 0.5, 0.5];
  const S = inputSaliency({ encoder, block: gru }, IDS, { units: [1, 5], projection: r });
  const loop = tf.tidy(() => {
    const X = encoder.encode(tf.tensor2d(IDS, [T, 1], "int32")); // [T, 1, V]
    return Array.from({ length: T }, (_, t) => {
      const g = tf.grad((x: tf.Tensor) =>
        tf.sum(tf.mul(tf.slice(gru.forward(x as tf.Tensor3D)[0], [t, 0, 1], [1, 1, 4]), tf.tensor3d(r, [1, 1, 4]))),
      )(X);
      return Array.from(tf.norm(g, "euclidean", -1).reshape([T]).dataSync());
    });
  });
  const gap = Math.max(...S.flatMap((row, t) => row.map((v, s) => Math.abs(v - loop[t][s]))));
  assert.ok(gap < 1e-6, `batched vs loop: ${gap}`);
  gru.dispose();
});

test("inputSaliency: the halves of a bidirectional block's output look one way each", () => {
  const encoder = new OneHot(V);
  const bi = new Bidirectional({
    forward: new GRUScratch({ numInputs: V, numHiddens: 4, sigma: 0.5, seed: 3 }),
    backward: new GRUScratch({ numInputs: V, numHiddens: 4, sigma: 0.5, seed: 4 }),
  });
  const fwd = inputSaliency({ encoder, block: bi }, IDS, { units: [0, 4] });
  const bwd = inputSaliency({ encoder, block: bi }, IDS, { units: [4, 8] });
  const both = inputSaliency({ encoder, block: bi }, IDS);
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < T; s++) {
      assert.equal(fwd[t][s] === 0, s > t);
      assert.equal(bwd[t][s] === 0, s < t);
      assert.ok(both[t][s] > 0);
    }
  }
  bi.dispose();
});

test("inputSaliency: clear errors", () => {
  const encoder = new OneHot(V);
  const gru = new GRUScratch({ numInputs: V, numHiddens: 6 });
  const model = { encoder, block: gru };
  assert.throws(() => inputSaliency(model, []), /no ids/);
  assert.throws(() => inputSaliency(model, [0, 9]), /id 9 at step 1 is outside the vocabulary \[0, 5\)/);
  assert.throws(() => inputSaliency(model, [0, 1], { units: [4, 8] }), /units \[4, 8\) must be a non-empty range .* inside \[0, 6\)/);
  assert.throws(() => inputSaliency(model, [0, 1], { units: [2, 2] }), /non-empty range/);
  assert.throws(() => inputSaliency(model, [0, 1], { units: [0, 2], projection: [1] }), /1 numbers for 2 units/);
  assert.throws(() => inputSaliency(model, [0, 1], { units: [0, 2], projection: [0, 0] }), /not all zero/);
  assert.throws(
    () => inputSaliency({ encoder: new OneHot(4), block: gru }, [0, 1]),
    /encoder gives 4 features per token but the block reads 5/,
  );
  gru.dispose();
});

test("saliencyByOffset: rows scaled to 1 and averaged along diagonals; a causal map has nothing ahead, a bidirectional one has", () => {
  const S = [
    [2, 0, 0],
    [1, 3, 0],
    [0, 1, 1],
  ];
  const p = saliencyByOffset(S, 1);
  assert.deepEqual(p.offsets, [-1, 0, 1]);
  const expected = [(0 + 1 / 4 + 1 / 2) / 3, (1 + 3 / 4 + 1 / 2) / 3, 0];
  p.share.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `share[${i}] = ${v}, expected ${expected[i]}`));
  assert.equal(p.ahead, 0);
  const far = saliencyByOffset(
    [
      [1, 1, 2],
      [0, 1, 0],
      [0, 0, 1],
    ],
    0,
  ); // offsets beyond maxOffset still count in "ahead"
  assert.ok(Math.abs(far.ahead - 3 / 4 / 3) < 1e-12, `ahead ${far.ahead}`);
  const encoder = new OneHot(V);
  const bi = new Bidirectional({
    forward: new GRUScratch({ numInputs: V, numHiddens: 4, sigma: 0.5, seed: 3 }),
    backward: new GRUScratch({ numInputs: V, numHiddens: 4, sigma: 0.5, seed: 4 }),
  });
  const gru = new GRUScratch({ numInputs: V, numHiddens: 6, sigma: 0.5, seed: 1 });
  const biAhead = saliencyByOffset(inputSaliency({ encoder, block: bi }, IDS)).ahead;
  const uniAhead = saliencyByOffset(inputSaliency({ encoder, block: gru }, IDS)).ahead;
  assert.equal(uniAhead, 0);
  assert.ok(biAhead > 0.1 && biAhead < 0.9, `bidirectional share ahead ${biAhead}`);
  const sum = saliencyByOffset(inputSaliency({ encoder, block: bi }, IDS), T).share.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-9, `all offsets together hold all the saliency: ${sum}`);
  bi.dispose();
  gru.dispose();
  assert.throws(() => saliencyByOffset([[1, 2]]), /must be square/);
  assert.throws(() => saliencyByOffset([[1]], -1), /maxOffset/);
  assert.throws(() => saliencyByOffset([[NaN]]), /non-finite/);
});
