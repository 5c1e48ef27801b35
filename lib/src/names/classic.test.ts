import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../data/rng";
import { mat } from "../rnn/rnn-step";
import { scaled } from "../quick";
import { withCheckpointRoot } from "../testing/fixtures";
import {
  classicExample,
  classicGradientCheck,
  classicLossAndGrads,
  classicPerplexity,
  classicSample,
  classicVocab,
  clipClassicGrads,
  initClassicParams,
  trainClassic,
  trainClassicOrLoad,
} from "./classic";

test("the classic path's gradient check passes (output layer, softmax and BPTT)", () => {
  const report = classicGradientCheck();
  for (const [name, err] of Object.entries(report)) assert.ok(err < 1e-5, `${name}: relative error ${err}`);
  assert.ok(report.max > 0, "errors are measured, not assumed");
});

test("classicExample starts with a zero input and ends with the newline target", () => {
  const chars = classicVocab(["ab", "ba"]);
  assert.deepEqual(chars, ["\n", "a", "b"]);
  assert.deepEqual(classicExample("ab", chars), { X: [null, 1, 2], Y: [1, 2, 0] });
  assert.throws(() => classicExample("abc", chars), /not in the vocabulary/);
});

test("the classic loss is a sum over steps: a uniform model pays log V per character", () => {
  const p = initClassicParams(4, 3, 0);
  for (const m of [p.Wax, p.Waa, p.Wya]) m.data.fill(0);
  const { loss } = classicLossAndGrads([null, 1, 2], [1, 2, 0], mat(3, 1), p);
  assert.ok(Math.abs(loss - 3 * Math.log(4)) < 1e-12);
});

test("clipping clamps every element to ±maxValue", () => {
  const g = { dWax: mat(1, 2, [10, -0.5]), dWaa: mat(1, 1, [-7]), dba: mat(1, 1, [3]), dWya: mat(1, 1, [5.5]), dby: mat(1, 1, [-5]) };
  clipClassicGrads(g, 5);
  assert.deepEqual([...g.dWax.data, ...g.dWaa.data, ...g.dba.data, ...g.dWya.data, ...g.dby.data], [5, -0.5, -5, 3, 5, -5]);
});

test("classic sampling stops at the newline and at the length limit", () => {
  const chars = classicVocab(["abc"]);
  const p = initClassicParams(chars.length, 4, 1);
  p.by.data.set([40, 0, 0, 0]); // the newline is (almost) certain
  assert.equal(classicSample(p, chars, new Rng(0), 50), "");
  p.by.data.set([-40, 0, 0, 0]); // the newline (almost) never comes
  const long = classicSample(p, chars, new Rng(0), 50);
  assert.equal(long.length, 50);
  assert.match(long, /^[abc]+$/);
  assert.equal(classicSample(p, chars, new Rng(0), 7).length, 7);
});

test("a short classic run lowers the smoothed loss on a tiny name list, and the cache reloads it", async () => {
  const names = ["aba", "abba", "baab", "bab"];
  const config = { numIterations: 12000, sampleEvery: 6000, numHiddens: 8, lr: 0.05, seed: 1 }; // 600 iterations under RNNLAB_QUICK=1
  const run = await trainClassic(names, config, { print: null });
  const h = run.history;
  assert.equal(h.reports.length, Math.ceil(h.iterations / scaled(6000)));
  assert.ok(
    h.curveLoss[h.curveLoss.length - 1] < h.curveLoss[0],
    `smoothed loss ${h.curveLoss[0]} → ${h.curveLoss[h.curveLoss.length - 1]}`,
  );
  await withCheckpointRoot("classic-cache-", async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const first = await trainClassicOrLoad(names, config, { print: null });
    const second = await trainClassicOrLoad(names, config, { print: (l) => lines.push(l) });
    assert.equal(first.fromCache, false);
    assert.equal(second.fromCache, true);
    assert.equal(lines.length, first.history.reports.length);
    assert.equal(second.history.finalSmoothedLoss, first.history.finalSmoothedLoss);
    for (let i = 0; i < first.params.Wya.data.length; i++) assert.ok(Math.abs(first.params.Wya.data[i] - second.params.Wya.data[i]) < 1e-6);
    const third = await trainClassicOrLoad(names, { ...config, lr: 0.04 }, { print: null });
    assert.equal(third.fromCache, false, "a change of settings misses the cache");
    assert.equal(tf.memory().numTensors, before);
  });
});

test("classicPerplexity: a uniform model scores V; it equals exp(summed classic loss / tokens) from a zero state", () => {
  const chars = classicVocab(["abc", "cab", "ba"]);
  const p = initClassicParams(chars.length, 3, 0);
  for (const m of [p.Wax, p.Waa, p.Wya]) m.data.fill(0);
  assert.ok(Math.abs(classicPerplexity(p, chars, ["abc", "ba"]) - chars.length) < 1e-9, "uniform: perplexity = V");
  const q = initClassicParams(chars.length, 5, 3);
  const names = ["abc", "cab", "ba"];
  let loss = 0;
  let tokens = 0;
  for (const n of names) {
    const { X, Y } = classicExample(n, chars);
    loss += classicLossAndGrads(X, Y, mat(5, 1), q).loss;
    tokens += Y.length;
  }
  assert.ok(Math.abs(classicPerplexity(q, chars, names) - Math.exp(loss / tokens)) < 1e-9);
  assert.throws(() => classicPerplexity(q, chars, []), /no names/);
  assert.throws(() => classicPerplexity(q, chars, ["abd"]), /not in the vocabulary/);
});
