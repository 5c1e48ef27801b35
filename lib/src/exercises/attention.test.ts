import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../data/rng";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { ADDITIVE_ATTENTION_EXERCISE, MaskedSoftmaxFunction, additiveWeightsByHand, maskedSoftmax } from "./attention";
import { exercises } from "./notebooks";

useBackendWithFullBudgets();

/** The lines exercise `n` of notebook 07b prints for each answer. */
function lines(n: 1 | 2 | 3 | 4, answers: readonly unknown[]): string[] {
  const out: string[] = [];
  const ex = exercises("07b-attention", { print: (line) => out.push(line) });
  const check = ex.check.bind(ex) as unknown as (n: number, answer: unknown) => void;
  for (const answer of answers) check(n, answer);
  return out;
}

/** What follows the question in a line: the part that must not give the answer away. */
const body = (line: string): string => line.replace(/^. Exercise \d+ · [^:]*: /, "");

/** A masked softmax with tf ops, as a student (or lib/src/rnn) would write it: `[batchSize, numSources]`. */
function tfMaskedSoftmax(scores: number[][], validLens: number[]): tf.Tensor2D {
  return tf.tidy(() => {
    const S = scores[0].length;
    const mask = tf.less(tf.range(0, S).expandDims(0), tf.tensor1d(validLens).expandDims(1)); // [batchSize, numSources]
    return tf.softmax(tf.where(mask, tf.tensor2d(scores), tf.fill([scores.length, S], -1e9)));
  });
}

/** A row-by-row masked softmax with the usual slips switched on. */
function rowSoftmax(
  scores: number[][],
  validLens: number[],
  { fill = -Infinity, limit = (n: number) => n, shift = "valid" }: { fill?: number; limit?: (n: number) => number; shift?: string } = {},
): number[][] {
  return scores.map((row, b) => {
    const s = row.map((x, j) => (j < limit(validLens[b]) ? x : fill));
    const max = shift === "none" ? 0 : shift === "raw" ? Math.max(...row) : Math.max(...s);
    const e = s.map((x) => Math.exp(x - max));
    const Z = e.reduce((sum, x) => sum + x, 0);
    return e.map((x) => x / Z);
  });
}

const softmax = (row: number[]): number[] => rowSoftmax([row], [row.length])[0];

test("exercise 1: the reference equals a tf.softmax over tf.where-masked scores on random batches", () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 20; trial++) {
    const [B, S] = [1 + rng.int(4), 1 + rng.int(9)];
    const scores = Array.from({ length: B }, () => Array.from({ length: S }, () => rng.uniform(-5, 5)));
    const validLens = Array.from({ length: B }, () => 1 + rng.int(S));
    const mine = maskedSoftmax(scores, validLens);
    const theirs = tfMaskedSoftmax(scores, validLens);
    const t = theirs.arraySync();
    theirs.dispose();
    mine.forEach((row, b) => {
      assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-12, "each row sums to 1");
      row.forEach((x, j) => {
        if (j >= validLens[b]) assert.equal(x, 0, "padding gets exactly 0");
        assert.ok(Math.abs(x - t[b][j]) < 1e-6, `trial ${trial}, [${b}][${j}]`);
      });
    });
  }
});

test("exercise 1: other correct functions pass, tensors included; each typical slip gets its own ✗, without code or a leak", () => {
  const before = tf.memory().numTensors;
  const answers: MaskedSoftmaxFunction[] = [
    (scores, validLens) => tfMaskedSoftmax(scores, validLens), // a tensor
    (scores, validLens) => rowSoftmax(scores, validLens, { fill: -1e6 }), // d2l's fill value
    (scores, validLens) =>
      // softmax over the whole row, padding zeroed, renormalised: right unless padding has by far the largest score
      scores.map((row, b) => {
        const w = softmax(row).map((x, j) => (j < validLens[b] ? x : 0));
        const Z = w.reduce((s, x) => s + x, 0);
        return w.map((x) => x / Z);
      }),
    (scores, validLens) => rowSoftmax(scores, validLens, { limit: () => Infinity }), // no mask
    (scores, validLens) => rowSoftmax(scores, validLens, { fill: 0 }), // padded scores set to 0
    (scores, validLens) => scores.map((row, b) => softmax(row).map((x, j) => (j < validLens[b] ? x : 0))), // zeroed after, not renormalised
    (scores, validLens) => rowSoftmax(scores, validLens, { limit: (n) => n + 1 }), // keeps index validLen
    (scores, validLens) => rowSoftmax(scores, validLens, { limit: (n) => n - 1 }), // drops index validLen − 1
    (scores, validLens) => rowSoftmax(scores, validLens, { shift: "none" }), // no max subtracted
    (scores, validLens) => rowSoftmax(scores, validLens, { shift: "raw" }), // the max of the raw row, padding included
    (scores, validLens) => {
      // normalised over the batch
      const t = tf.tidy(() => {
        const mask = tf.less(tf.range(0, scores[0].length).expandDims(0), tf.tensor1d(validLens).expandDims(1));
        return tf
          .softmax(tf.where(mask, tf.tensor2d(scores), tf.fill([scores.length, scores[0].length], -Infinity)).transpose())
          .transpose();
      });
      return t;
    },
    (scores, validLens) =>
      tf
        .softmax(tf.tensor2d(scores).transpose())
        .transpose()
        .add(tf.zeros([validLens.length, 1])), // no mask, over the batch
    (scores, validLens) => rowSoftmax(scores, validLens, { fill: -50 }), // not negative enough
    (scores, validLens) => {
      // masks in place
      scores.forEach((row, b) => row.forEach((_, j) => j >= validLens[b] && (row[j] = -Infinity)));
      return rowSoftmax(scores, validLens);
    },
    (scores, validLens) => {
      // one row per source position
      const w = maskedSoftmax(scores, validLens);
      return w[0].map((_, j) => w.map((row) => row[j]));
    },
    (scores, validLens) => maskedSoftmax(scores, validLens).slice(0, 1),
    (scores, validLens) => maskedSoftmax(scores, validLens).map((row) => row.map(String)) as unknown as number[][],
    () => undefined,
    (scores) => scores[3][0] as unknown as number[][], // an error on the first case
    () => 1 as unknown as number[][],
    (scores) => tf.tensor1d(scores[0]),
    (scores) => scores.map((row) => row.map(() => 0.25)),
  ];
  const [
    asTensor,
    d2lFill,
    renormalised,
    noMask,
    zeroScores,
    zeroAfter,
    oneMore,
    oneLess,
    noShift,
    rawShift,
    batchAxis,
    noMaskBatchAxis,
    tiny,
    inPlace,
    transposed,
    oneRow,
    strings,
    none,
    throws,
    number,
    rank1,
    flat,
  ] = lines(1, answers);
  assert.match(renormalised, /^✗ .*returns NaN when a padded position holds by far the largest score/);
  for (const line of [asTensor, d2lFill]) assert.match(line, /^✓ Exercise 1 · masked softmax: padding gets exactly 0/);
  assert.match(noMask, /^✗ .*: your function gives padded positions \(at or beyond their row's valid length\) a weight above 0: /);
  assert.match(zeroScores, /^✗ .*sets padded scores to 0 before the softmax, but exp\(0\) = 1/);
  assert.match(zeroAfter, /^✗ .*zeroes the padded weights after a softmax over the whole row, so the rows no longer sum to 1/);
  assert.match(oneMore, /^✗ .*also gives weight to the position at index validLen/);
  assert.match(oneLess, /^✗ .*gives weight 0 to the last valid position/);
  assert.match(noShift, /^✗ .*returns NaN when the scores are around 1000: exp\(1000\) overflows/);
  assert.match(rawShift, /^✗ .*returns NaN when a padded position holds by far the largest score/);
  assert.match(batchAxis, /^✗ .*: your function normalises down each column \(over the examples of the batch\) instead of along each row/);
  assert.match(noMaskBatchAxis, /^✗ .*gives padded positions .*, and normalises down each column/);
  assert.match(tiny, /^✗ .*padded positions get a tiny weight instead of exactly 0/);
  assert.match(inPlace, /^✗ .*your weights are right, but your function writes into the scores/);
  assert.match(transposed, /^✗ .*with 2 examples of 5 scores and validLens \[3, 5\], your result has a row per source position/);
  assert.match(oneRow, /^✗ .*your function returns 1 row; give one row per example \(2\)/);
  assert.match(strings, /^✗ .*weight \[0\]\[0\] of your result is the string "/);
  assert.match(none, /^… .*not answered yet\. Your function returns undefined/);
  assert.match(throws, /^✗ .*with 2 examples of 5 scores and validLens \[3, 5\], your function raised an error: /);
  assert.match(number, /^✗ .*returns the number 1, not an array of rows of weights/);
  assert.match(rank1, /^✗ .*returns a tensor of shape \[5\]; the weights must be \[2, 5\]/);
  assert.match(flat, /^✗ .*some padded positions .* get a weight other than 0/);
  const wrongs = [
    renormalised,
    noMask,
    zeroScores,
    zeroAfter,
    oneMore,
    oneLess,
    noShift,
    rawShift,
    batchAxis,
    noMaskBatchAxis,
    tiny,
    inPlace,
  ];
  for (const line of [...wrongs, transposed, oneRow, flat]) {
    assert.doesNotMatch(body(line), /=>|\.map|\.reduce|Math\.|tf\.|-Infinity|−Infinity|1e9|1e6/, `no code or fill value in "${line}"`);
  }
  assert.equal(tf.memory().numTensors, before);
});

test("exercise 1: a function that only fails on a valid length of 1 is told which case, without a catalogued slip", () => {
  const [line] = lines(1, [
    ((scores: number[][], validLens: number[]) =>
      maskedSoftmax(scores, validLens).map((row, b) =>
        validLens[b] === 1 ? row.map(() => 1 / row.length) : row,
      )) as MaskedSoftmaxFunction,
  ]);
  assert.match(line, /^✗ .*with 3 examples of 4 scores and validLens \[1, 4, 2\], some padded positions/);
});

/** Exercise 2's weights with tf ops (column vectors), for comparison with the reference. */
function tfAdditiveWeights(): number[] {
  const { q, keys, W_q, W_k, w_v } = ADDITIVE_ATTENTION_EXERCISE;
  return tf.tidy(() => {
    const Wq_q = tf.matMul(tf.tensor2d(W_q.map((r) => [...r])), tf.tensor2d([...q], [2, 1])); // [2, 1]
    const Wk_K = tf.matMul(tf.tensor2d(W_k.map((r) => [...r])), tf.tensor2d(keys.map((k) => [...k])).transpose()); // [2, 3]: a column per key
    const scores = tf.matMul(tf.tensor2d([[...w_v]]), tf.tanh(tf.add(Wq_q, Wk_K))); // [1, 3]
    return Array.from(tf.softmax(scores).dataSync());
  });
}

/** Exercise 2 computed with slips: no tanh, tanh outside, transposed matrices, no softmax or a plain sum. */
function additiveWith({ tanh = "inside", tq = false, tk = false, norm = "softmax" } = {}): number[] {
  const { q, keys, W_q, W_k, w_v } = ADDITIVE_ATTENTION_EXERCISE;
  const mv = (W: readonly (readonly number[])[], x: readonly number[], t: boolean): number[] =>
    t ? [W[0][0] * x[0] + W[1][0] * x[1], W[0][1] * x[0] + W[1][1] * x[1]] : W.map((r) => r[0] * x[0] + r[1] * x[1]);
  const a = keys.map((k) => {
    const f = mv(W_q, q, tq).map((x, i) => x + mv(W_k, k, tk)[i]);
    const h = tanh === "inside" ? f.map(Math.tanh) : f;
    const s = w_v[0] * h[0] + w_v[1] * h[1];
    return tanh === "outside" ? Math.tanh(s) : s;
  });
  if (norm === "none") return a;
  if (norm === "sum") return a.map((x) => x / (a[0] + a[1] + a[2]));
  return softmax(a);
}

test("exercise 2: the reference equals the same attention with tf ops; rounding passes, each slip gets its ✗, never the weights", () => {
  const right = additiveWeightsByHand();
  tfAdditiveWeights().forEach((x, i) => assert.ok(Math.abs(x - right[i]) < 1e-6));
  assert.ok(Object.isFrozen(ADDITIVE_ATTENTION_EXERCISE) && Object.isFrozen(ADDITIVE_ATTENTION_EXERCISE.W_q[0]));
  additiveWith().forEach((x, i) => assert.ok(Math.abs(x - right[i]) < 1e-12));
  const answers = [
    right,
    right.map((x) => Number(x.toFixed(2))),
    right.map((x) => Number(x.toFixed(3))),
    additiveWith({ tanh: "none" }),
    additiveWith({ tanh: "none", tq: true }), // the same numbers: without tanh W_q q cancels
    additiveWith({ tanh: "outside" }),
    additiveWith({ tq: true }),
    additiveWith({ tk: true }),
    additiveWith({ tq: true, tk: true }),
    additiveWith({ norm: "none" }),
    additiveWith({ norm: "sum" }),
    additiveWith({ tanh: "none", norm: "none" }),
    [right[2], right[1], right[0]],
    right.map((x) => 100 * x),
    right.map((x, i) => x + (i === 0 ? 0.012 : -0.006)),
    [0.5, 0.5, 0.5],
    [0.9, 0.3, -0.2],
    [0.2, 0.3, 0.5],
    right.slice(0, 2),
    ["0.14", "0.46", "0.40"],
    0.4,
  ];
  const [
    exact,
    twoDecimals,
    threeDecimals,
    noTanh,
    noTanhTransposed,
    outside,
    transposedQ,
    transposedK,
    transposedBoth,
    scores,
    sum,
    noTanhScores,
    reversed,
    percent,
    close,
    notOne,
    negative,
    other,
    two,
    strings,
    number,
  ] = lines(2, answers);
  for (const line of [exact, twoDecimals, threeDecimals])
    assert.match(line, /^✓ Exercise 2 · additive attention weights by hand: weights /);
  assert.match(noTanh, /^✗ .*: your calculation leaves out the tanh; without it, W_q q adds the same number to every score and cancels/);
  assert.equal(body(noTanhTransposed), body(noTanh));
  assert.match(outside, /^✗ .*applies tanh to the score instead of to the hidden vector/);
  assert.match(transposedQ, /^✗ .*multiplies q by W_q transposed: \(W x\)_i is row i of W times x\./);
  assert.match(transposedK, /^✗ .*multiplies the keys by W_k transposed/);
  assert.match(transposedBoth, /^✗ .*multiplies by W_q and W_k transposed/);
  assert.match(scores, /^✗ .*: your calculation stops at the scores a\(q, k_i\), before they are turned into weights\./);
  assert.match(sum, /^✗ .*divides each score by the sum of the scores instead of taking their softmax/);
  assert.match(noTanhScores, /^✗ .*leaves out the tanh, and stops at the scores/);
  assert.doesNotMatch(noTanhScores, /cancels/, "without a softmax nothing cancels");
  assert.match(reversed, /^✗ .*in another order than the keys/);
  assert.match(percent, /^✗ .*look like percentages/);
  assert.match(close, /^✗ .*close but not close enough/);
  assert.match(notOne, /^✗ .*your three numbers sum to 1\.5; attention weights sum to 1/);
  assert.match(negative, /^✗ .*some of your weights are negative/);
  assert.match(other, /^✗ .*sum to 1 but are not the softmax of a\(q, k_i\)/);
  assert.match(two, /^✗ .*an array of 2 values; give the 3 weights/);
  assert.match(strings, /^✗ .*weight 1 of your answer is the string "0\.14", not a finite number/);
  assert.match(number, /^✗ .*the number 0\.4; give an array of the 3 weights/);
  const leaks = right.flatMap((x) => [x.toFixed(2), x.toFixed(3)]).map((s) => new RegExp(`(?<![\\d.])${s.replace(".", "\\.")}(?!\\d)`));
  for (const line of [noTanh, outside, transposedQ, transposedK, transposedBoth, scores, sum, reversed, percent, close, notOne, other]) {
    for (const leak of leaks) assert.doesNotMatch(body(line), leak, `"${line}" gives a weight away`);
  }
});

test("exercise 3: the reference is the size of the weights of a tf additive attention over a batch; each slip gets its ✗", () => {
  const [B, T, S, h] = [64, 11, 29, 4];
  const size = tf.tidy(() => {
    const queries = tf.randomNormal([B, T, 1, h], 0, 1, "float32", 1); // one query per target step
    const keys = tf.randomNormal([B, 1, S, h], 0, 1, "float32", 2); // one key per source position
    const scores = tf.squeeze(tf.matMul(tf.tanh(tf.add(queries, keys)), tf.ones([h, 1])), [3]); // [B, T, S]
    return tf.softmax(scores).size;
  });
  assert.equal(exercises("07b-attention").exercise(3).reference(), size);
  const [right, oneStep, oneExample, perStep, added, selfSource, selfTarget, offByOne, far, text] = lines(3, [
    size,
    B * S,
    T * S,
    B * T,
    B * (T + S),
    B * S * S,
    B * T * T,
    B * T * 30,
    1000,
    String(size),
  ]);
  assert.match(right, /^✓ .*= 64 × 11 × 29 weights: one for every \(example, target step, source position\)/);
  assert.match(oneStep, /^✗ .*the weights of one decoder step/);
  assert.match(oneExample, /^✗ .*one example's weights/);
  assert.match(perStep, /^✗ .*one weight per target step/);
  assert.match(added, /^✗ .*the two lengths add up/);
  assert.match(selfSource, /^✗ .*pairs a sequence with itself/);
  assert.match(selfTarget, /^✗ .*pairs a sequence with itself/);
  assert.match(offByOne, /^✗ .*one step or position off/);
  assert.match(far, /^✗ .*1000 is too low by a factor of about 20/);
  assert.match(text, /^✗ .*not a number/);
  for (const line of [oneStep, oneExample, perStep, added, selfSource, selfTarget, offByOne, far]) {
    assert.doesNotMatch(body(line), new RegExp(`(?<!\\d)${size}(?!\\d)`), `"${line}" gives the count away`);
  }
});

test("exercise 4: the reference is the parameter count of tf.layers' dense layers of an additive attention; each slip gets its ✗", () => {
  const W_q = tf.layers.dense({ units: 32, useBias: false });
  const W_k = tf.layers.dense({ units: 32, useBias: false });
  const w_v = tf.layers.dense({ units: 1, useBias: false });
  tf.tidy(() => {
    for (const [layer, width] of [
      [W_q, 64],
      [W_k, 64],
      [w_v, 32],
    ] as const)
      layer.apply(tf.zeros([1, width])); // builds the weights
  });
  const count = W_q.countParams() + W_k.countParams() + w_v.countParams();
  for (const layer of [W_q, W_k, w_v]) layer.dispose();
  assert.equal(exercises("07b-attention").exercise(4).reference(), count);
  const [right, noV, oneW, bias, biases, matrixV, wide, perExample, perPair, onlyW, far] = lines(4, [
    count,
    2 * 64 * 32,
    64 * 32 + 32,
    count + 32,
    count + 64,
    2 * 64 * 32 + 32 * 32,
    2 * 64 * 64 + 64,
    64 * count,
    11 * 29 * count,
    64 * 32,
    500,
  ]);
  assert.match(right, /^✓ .*parameters, whatever the batch size and the lengths of the sequences/);
  assert.match(noV, /^✗ .*leaves out w_v/);
  assert.match(oneW, /^✗ .*one matrix for the query and the keys together/);
  assert.match(bias, /^✗ .*includes biases/);
  assert.match(biases, /^✗ .*includes biases/);
  assert.match(matrixV, /^✗ .*your w_v is a matrix/);
  assert.match(wide, /^✗ .*map the query and the keys to the 32 hidden units/);
  assert.match(perExample, /^✗ .*grows with the batch or the sequence lengths/);
  assert.match(perPair, /^✗ .*grows with the batch or the sequence lengths/);
  assert.match(onlyW, /^✗ .*leaves out W_k and w_v/);
  assert.match(far, /^✗ .*500 is too low by a factor of about 8/);
  for (const line of [noV, oneW, bias, biases, matrixV, wide, perExample, perPair, onlyW, far]) {
    assert.doesNotMatch(body(line), new RegExp(`(?<!\\d)${count}(?!\\d)`), `"${line}" gives the count away`);
  }
});

test("the exercises are typed: a masked softmax on number arrays, weights as an array, counts as numbers", () => {
  // Never called: the compiler checks these lines.
  const typeChecks = (): void => {
    const ex = exercises("07b-attention");
    const mySoftmax = (scores: number[][], validLens: number[]): number[][] | undefined => (validLens.length > 0 ? undefined : scores);
    ex.check(1, mySoftmax);
    ex.check(1, (scores: number[][]) => tf.tensor2d(scores));
    ex.check(2, [0.2, 0.3, 0.5]);
    ex.check(3, 100);
    ex.check(4, 100);
    // @ts-expect-error exercise 2 wants the weights as numbers
    ex.check(2, ["0.2", "0.3", "0.5"]);
    // @ts-expect-error exercise 1 wants a function of scores and valid lengths
    ex.check(1, (x: string) => x);
    // @ts-expect-error exercise 3 wants a number
    ex.check(3, "100");
  };
  assert.equal(typeof typeChecks, "function");
});
