import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, useBackendWithFullBudgets } from "../testing/fixtures";
import {
  AdditiveAttention,
  AdditiveAttentionScratch,
  DotProductAttention,
  DotProductAttentionScratch,
  buildAttention,
  maskedSoftmax,
} from "./attention";

useBackendWithFullBudgets();

test("maskedSoftmax: exactly 0 at and past each valid length, rows sum to 1, equal to a softmax over the valid prefix", () => {
  const scores = tf.tensor3d([1, 2, 3, 50, 0.5, -1, 4, 2, 7, 7, 7, 7], [3, 1, 4]);
  const rows = maskedSoftmax(scores, [2, 4, 1])
    .arraySync()
    .map((r) => r[0]);
  assert.deepEqual(rows[0].slice(2), [0, 0], "row 0: padding gets exactly 0 even with a score of 50");
  assert.deepEqual(rows[2].slice(1), [0, 0, 0]);
  assert.equal(rows[2][0], 1);
  const soft = (xs: number[]) => xs.map((x) => Math.exp(x) / xs.reduce((s, y) => s + Math.exp(y), 0));
  soft([1, 2]).forEach((p, j) => assert.ok(Math.abs(rows[0][j] - p) < 1e-6));
  soft([0.5, -1, 4, 2]).forEach((p, j) => assert.ok(Math.abs(rows[1][j] - p) < 1e-6));
  for (const r of rows) assert.ok(Math.abs(r.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  // An int32 tensor of lengths gives the same; huge scores do not overflow into NaN.
  const viaTensor = maskedSoftmax(scores, tf.tensor1d([2, 4, 1], "int32"));
  assert.equal(maxAbsDiff(viaTensor, tf.tensor3d(rows.flat(), [3, 1, 4])), 0);
  const huge = maskedSoftmax(tf.tensor3d([1000, 1001, 5000], [1, 1, 3]), [2]).arraySync()[0][0];
  assert.ok(huge.every(Number.isFinite) && huge[2] === 0 && Math.abs(huge[1] - 1 / (1 + Math.exp(-1))) < 1e-6, `${huge}`);
  // Without lengths, a plain softmax.
  assert.ok(maxAbsDiff(maskedSoftmax(scores), tf.softmax(scores)) < 1e-7);
  assert.throws(() => maskedSoftmax(scores, [2, 0, 1]), /row 1 has valid length 0; each needs 1 to 4/);
  assert.throws(() => maskedSoftmax(scores, [2, 5, 1]), /row 1 has valid length 5/);
  assert.throws(() => maskedSoftmax(scores, [2, 3]), /2 valid lengths for 3 rows/);
});

/** The additive score by hand: w_vᵀ tanh(W_q q + W_k k), with matrices as nested arrays ([in][out]). */
function additiveByHand(q: number[], k: number[], Wq: number[][], Wk: number[][], wv: number[][]): number {
  const a = wv.length;
  let s = 0;
  for (let u = 0; u < a; u++) {
    let pre = 0;
    q.forEach((x, i) => (pre += x * Wq[i][u]));
    k.forEach((x, i) => (pre += x * Wk[i][u]));
    s += wv[u][0] * Math.tanh(pre);
  }
  return s;
}

test("additive attention: the scores are w_vᵀ tanh(W_q q + W_k k), the context the weighted mean of the values", () => {
  const att = new AdditiveAttentionScratch({ querySize: 3, keySize: 2, attentionSize: 4, seed: 5 });
  const [Wq, Wk, wv] = att.trainableVariables().map((v) => v.arraySync() as number[][]);
  assert.deepEqual([Wq.length, Wq[0].length, Wk.length, wv.length, wv[0].length], [3, 4, 2, 4, 1]);
  const q = [[0.5, -1, 2]];
  const K = [
    [1, 0],
    [0.3, -0.7],
    [2, 2],
  ];
  const V = [
    [1, 0, 0, 5],
    [0, 1, 0, 5],
    [0, 0, 1, 5],
  ];
  const keys = tf.tensor3d([K]);
  const { context, weights } = att.attend(tf.tensor3d([q]), att.prepareKeys(keys), tf.tensor3d([V]), [2]);
  const e = K.slice(0, 2).map((k) => additiveByHand(q[0], k, Wq, Wk, wv));
  const z = Math.exp(e[0]) + Math.exp(e[1]);
  const expected = [Math.exp(e[0]) / z, Math.exp(e[1]) / z, 0];
  const got = weights.arraySync()[0][0];
  expected.forEach((p, j) => assert.ok(Math.abs(got[j] - p) < 1e-6, `weight ${j}: ${got[j]} vs ${p}`));
  const c = context.arraySync()[0][0];
  [expected[0], expected[1], 0, 5].forEach((x, j) => assert.ok(Math.abs(c[j] - x) < 1e-5, `context ${j}: ${c[j]} vs ${x}`));
  assert.throws(
    () => att.attend(tf.zeros([1, 1, 2]) as tf.Tensor3D, att.prepareKeys(keys), tf.tensor3d([V])),
    /queries must be \[batchSize, steps, 3\]/,
  );
  assert.throws(() => att.prepareKeys(tf.zeros([1, 3, 3]) as tf.Tensor3D), /keys must be \[batchSize, steps, 2\]/);
  assert.throws(
    () => att.attend(tf.tensor3d([q]), att.prepareKeys(keys), tf.zeros([1, 2, 4]) as tf.Tensor3D),
    /values must be \[1, 3, valueSize\]/,
  );
  att.dispose();
});

test("dot-product attention: q·k/√d when the sizes agree (nothing to learn), qᵀW k when they differ", () => {
  const same = new DotProductAttentionScratch({ querySize: 2, keySize: 2 });
  assert.equal(same.trainableVariables().length, 0);
  const q = tf.tensor3d([[[1, 2]]]);
  const keys = tf.tensor3d([
    [
      [1, 0],
      [0, 1],
      [1, 1],
    ],
  ]);
  const w = same.attend(q, same.prepareKeys(keys), keys).weights.arraySync()[0][0];
  const e = [1, 2, 3].map((x) => x / Math.SQRT2);
  const z = e.reduce((s, x) => s + Math.exp(x), 0);
  e.forEach((x, j) => assert.ok(Math.abs(w[j] - Math.exp(x) / z) < 1e-6));
  const general = new DotProductAttentionScratch({ querySize: 2, keySize: 3, seed: 1 });
  assert.deepEqual(general.trainableVariables()[0].shape, [3, 2]);
  const k3 = tf.tensor3d([
    [
      [1, 0, 2],
      [0, 1, -1],
    ],
  ]);
  const W = general.trainableVariables()[0].arraySync() as number[][];
  const pk = general.prepareKeys(k3).arraySync()[0];
  [
    [1, 0, 2],
    [0, 1, -1],
  ].forEach((k, j) => [0, 1].forEach((u) => assert.ok(Math.abs(pk[j][u] - k.reduce((s, x, i) => s + x * W[i][u], 0)) < 1e-6)));
  same.dispose();
  general.dispose();
});

test("the tf.layers versions start from the same seeded weights and give the same contexts; gradients reach every parameter", () => {
  const q = tf.randomNormal([2, 3, 4], 0, 1, "float32", 1) as tf.Tensor3D;
  const keys = tf.randomNormal([2, 5, 6], 0, 1, "float32", 2) as tf.Tensor3D;
  const lens = [5, 2];
  const pairs: [string, ReturnType<typeof buildAttention>, ReturnType<typeof buildAttention>][] = [
    [
      "additive",
      new AdditiveAttentionScratch({ querySize: 4, keySize: 6, attentionSize: 3, seed: 2 }),
      new AdditiveAttention({ querySize: 4, keySize: 6, attentionSize: 3, seed: 2 }),
    ],
    [
      "dot",
      new DotProductAttentionScratch({ querySize: 4, keySize: 6, seed: 2 }),
      new DotProductAttention({ querySize: 4, keySize: 6, seed: 2 }),
    ],
  ];
  for (const [name, scratch, concise] of pairs) {
    const [a, b] = [scratch, concise].map((att) => tf.tidy(() => att.attend(q, att.prepareKeys(keys), keys, lens).context));
    const gap = maxAbsDiff(a, b);
    assert.ok(gap < 1e-6, `${name}: ${gap}`);
    assert.ok(tf.max(tf.abs(a)).dataSync()[0] > 0.01);
    for (const att of [scratch, concise]) {
      const vars = att.trainableVariables();
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.square(att.attend(q, att.prepareKeys(keys), keys, lens).context)) as tf.Scalar,
        vars,
      );
      for (const v of vars) assert.ok(tf.max(tf.abs(grads[v.name])).dataSync()[0] > 0, `${name}: no gradient for ${v.name}`);
      tf.dispose(Object.values(grads));
    }
    tf.dispose([a, b]);
    scratch.dispose();
    concise.dispose();
  }
  assert.throws(() => buildAttention("cosine" as "dot", false, { querySize: 2, keySize: 2 }), /score must be "additive" or "dot"/);
  assert.throws(
    () => new AdditiveAttentionScratch({ querySize: 2, keySize: 2, attentionSize: 0 }),
    /attentionSize must be a positive integer/,
  );
});

test("padding never changes a context: a source padded with junk keys reads what the short source alone reads; nothing leaks", () => {
  const att = new AdditiveAttentionScratch({ querySize: 3, keySize: 3, attentionSize: 4, seed: 9 });
  const before = tf.memory().numTensors;
  const gap = tf.tidy(() => {
    const q = tf.randomNormal([1, 2, 3], 0, 1, "float32", 3) as tf.Tensor3D;
    const real = tf.randomNormal([1, 3, 3], 0, 1, "float32", 4) as tf.Tensor3D;
    const padded = tf.concat([real, tf.fill([1, 4, 3], 9)], 1) as tf.Tensor3D;
    const alone = att.attend(q, att.prepareKeys(real), real).context;
    const masked = att.attend(q, att.prepareKeys(padded), padded, [3]).context;
    const unmasked = att.attend(q, att.prepareKeys(padded), padded).context;
    assert.ok(maxAbsDiff(alone, unmasked) > 0.1, "without the mask the junk is read");
    return maxAbsDiff(alone, masked);
  });
  assert.ok(gap < 1e-6, `${gap}`);
  assert.equal(tf.memory().numTensors, before);
  att.dispose();
});
