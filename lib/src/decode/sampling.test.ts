import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import { Rng } from "../data/rng";
import { RNNScratch } from "../rnn/rnn";
import { RNNLMScratch } from "../rnn/rnn-lm";
import {
  decode, nextTokenLogits, entropyBits, entropyVsTemperature, generateText, greedy, nextTokenProbs, sampleIndex, sampleTemperature,
  sampleTopK, sampleTopP, softmaxTemperature, topKFilter, topPFilter,
} from "./sampling";

before(async () => {
  await setupBackend();
});

const LOGITS = [2.0, 1.0, 0.5, 3.0, -1.0, 0.0];

function model(V = 6, sigma = 1.5, seed = 3): RNNLMScratch {
  return new RNNLMScratch({ block: new RNNScratch({ numInputs: V, numHiddens: 12, sigma, seed }), vocabSize: V, sigma, seed });
}

test("softmaxTemperature sums to 1, sharpens for T < 1 and flattens for T > 1", () => {
  const p1 = softmaxTemperature(LOGITS, 1);
  assert.ok(Math.abs(p1.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(softmaxTemperature(LOGITS, 0.5)[3] > p1[3]);
  assert.ok(softmaxTemperature(LOGITS, 2)[3] < p1[3]);
  assert.deepEqual([...softmaxTemperature(LOGITS, 0)], [0, 0, 0, 1, 0, 0]);
  assert.throws(() => softmaxTemperature([NaN, 1]), /NaN/);
});

test("entropy rises with temperature, from 0 bits towards log2(V)", () => {
  const rows = entropyVsTemperature(LOGITS, [0, 0.25, 0.5, 1, 2, 4, 100]);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i].entropy > rows[i - 1].entropy);
  assert.equal(rows[0].entropy, 0);
  assert.ok(Math.abs(rows[rows.length - 1].entropy - Math.log2(6)) < 0.01);
  assert.equal(entropyBits([0.5, 0.5]), 1);
});

test("top-k keeps exactly the k most likely tokens, and sampling never leaves them", () => {
  const p = softmaxTemperature(LOGITS);
  const f = topKFilter(p, 2);
  assert.deepEqual([...f].map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0), [0, 3]);
  const rng = new Rng(1);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) seen.add(sampleIndex(f, rng));
  assert.deepEqual([...seen].sort(), [0, 3]);
  assert.throws(() => topKFilter(p, 0), /positive integer/);
});

test("top-p keeps the smallest set reaching p, and sampling never leaves it", () => {
  const p = softmaxTemperature(LOGITS); // sorted: 3 (.55), 0 (.20), 1 (.07), …
  const kept = (q: number): number[] => [...topPFilter(p, q)].map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
  assert.deepEqual(kept(0.5), [3]);
  assert.deepEqual(kept(0.7), [0, 3]);
  assert.equal(kept(1).length, 6);
  const f = topPFilter(p, 0.7);
  const rng = new Rng(2);
  for (let i = 0; i < 2000; i++) assert.ok([0, 3].includes(sampleIndex(f, rng)));
  assert.throws(() => topPFilter(p, 0), /\(0, 1\]/);
});

test("sampleIndex follows the distribution (law of large numbers)", () => {
  const rng = new Rng(5);
  const counts = [0, 0, 0];
  for (let i = 0; i < 20000; i++) counts[sampleIndex([0.2, 0.5, 0.3], rng)]++;
  assert.ok(Math.abs(counts[1] / 20000 - 0.5) < 0.02, `counts ${counts}`);
});

test("temperature → 0 equals greedy; samplers are seeded, respect maxLength and stop at <eos>", () => {
  const m = model();
  const g = greedy(m, [1, 2], { maxLength: 20 });
  assert.equal(g.length, 20);
  assert.deepEqual(sampleTemperature(m, [1, 2], { temperature: 1e-4, maxLength: 20, seed: 9 }), g);
  assert.deepEqual(sampleTopK(m, [1, 2], { k: 1, maxLength: 20, seed: 9 }), g);
  const a = sampleTemperature(m, [1], { temperature: 1.5, maxLength: 30, seed: 4 });
  assert.deepEqual(sampleTemperature(m, [1], { temperature: 1.5, maxLength: 30, seed: 4 }), a, "same seed, same tokens");
  assert.notDeepEqual(sampleTemperature(m, [1], { temperature: 1.5, maxLength: 30, seed: 5 }), a);
  const eos = a[3];
  const stopped = sampleTemperature(m, [1], { temperature: 1.5, maxLength: 30, seed: 4, eosId: eos });
  assert.deepEqual(stopped, a.slice(0, a.indexOf(eos)));
  assert.throws(() => decode(m, [], { kind: "greedy" }, { maxLength: 3 }), /prefix is empty/);
  assert.throws(() => decode(m, [9], { kind: "greedy" }, { maxLength: 3 }), /prefix id 9/);
  m.dispose();
});

test("top-k and top-p decoding only ever pick tokens inside their sets", () => {
  const m = model();
  // Replay the decoder's steps to check each chosen token against the filtered distribution.
  for (const method of [{ kind: "topK", k: 2 }, { kind: "topP", p: 0.6 }] as const) {
    const ids = method.kind === "topK" ? sampleTopK(m, [0], { k: 2, maxLength: 15, seed: 1 }) : sampleTopP(m, [0], { p: 0.6, maxLength: 15, seed: 1 });
    const seq = [0, ...ids];
    for (let t = 1; t < seq.length; t++) {
      const logits = tf.tidy(() => {
        const X = tf.oneHot(tf.tensor2d(seq.slice(0, t), [t, 1], "int32"), 6).toFloat() as tf.Tensor3D;
        const [o, s] = m.forward(X);
        tf.dispose(s);
        return o.slice([t - 1, 0, 0], [1, 1, 6]).dataSync();
      });
      assert.ok(nextTokenProbs(logits, method)[seq[t]] > 0, `${method.kind}: token ${seq[t]} at step ${t} is outside the set`);
    }
  }
  m.dispose();
});

test("generateText decodes characters and no tensors leak over 50 sampling calls", () => {
  const chars = ["a", "b", "c", "d", "e", "f"];
  const vocab = { encode: (ts: readonly string[]) => ts.map((c) => chars.indexOf(c)), decode: (ids: ArrayLike<number>) => Array.from(ids, (i) => chars[i]) };
  const m = model();
  const text = generateText(m, vocab, "ab", { kind: "topP", p: 0.9 }, { maxLength: 8, seed: 1 });
  assert.match(text, /^ab[a-f]{8}$/);
  const withBos = { ...vocab, bosId: 5, eosId: 4 };
  const name = generateText(m, withBos, "", { kind: "greedy" }, { maxLength: 8, bos: true });
  assert.equal(name, withBos.decode(greedy(m, [5], { maxLength: 8, eosId: 4 })).join(""));
  assert.throws(() => generateText(m, vocab, "a", { kind: "greedy" }, { maxLength: 2, bos: true }), /needs a vocab with "<bos>"/);
  assert.deepEqual(nextTokenProbs(nextTokenLogits(m, [0, 1]), { kind: "greedy" }).indexOf(1), greedy(m, [0, 1], { maxLength: 1 })[0]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) {
    sampleTopP(m, [0, 1], { p: 0.9, maxLength: 5, seed: i });
    nextTokenLogits(m, [2]);
  }
  assert.equal(tf.memory().numTensors, before);
  m.dispose();
});
