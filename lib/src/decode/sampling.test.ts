import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import { Rng } from "../data/rng";
import { RNNScratch } from "../rnn/rnn";
import { RNNLMScratch } from "../rnn/rnn-lm";
import { idsTensor } from "../data/batch-tensors";
import type { LanguageModel } from "../rnn/rnn-lm";
import {
  DecodeMethod,
  DecodeOptions,
  decode,
  nextTokenLogits,
  entropyBits,
  entropyVsTemperature,
  generateText,
  nextTokenProbs,
  restrictLogits,
  sample,
  sampleIndex,
  softmaxTemperature,
  topKFilter,
  topPFilter,
} from "./sampling";
import { languageModelStepper } from "./stepper";
import { sampleWithSuffix } from "./suffix";

const greedy = (m: LanguageModel, prefix: number[], opts: DecodeOptions): number[] => decode(m, prefix, { kind: "greedy" }, opts);
const withMethod =
  (method: DecodeMethod) =>
  (m: LanguageModel, prefix: number[], opts: DecodeOptions): number[] =>
    decode(m, prefix, method, opts);
const sampleTemperature = (m: LanguageModel, prefix: number[], opts: DecodeOptions & { temperature: number }): number[] =>
  withMethod({ kind: "temperature", temperature: opts.temperature })(m, prefix, opts);
const sampleTopK = (m: LanguageModel, prefix: number[], opts: DecodeOptions & { k: number }): number[] =>
  withMethod({ kind: "topK", k: opts.k })(m, prefix, opts);
const sampleTopP = (m: LanguageModel, prefix: number[], opts: DecodeOptions & { p: number }): number[] =>
  withMethod({ kind: "topP", p: opts.p })(m, prefix, opts);

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
  assert.deepEqual(
    [...f].map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0),
    [0, 3],
  );
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

test("top-p equals the sort-every-index definition, ties at the edge taken in index order, on random and tied distributions", () => {
  const bySort = (probs: ArrayLike<number>, p: number): number[] => {
    if (p === 1)
      return Array.from(probs)
        .map((v, i) => (v > 0 ? i : -1))
        .filter((i) => i >= 0); // p = 1: every possible token
    const order = Array.from({ length: probs.length }, (_, i) => i).sort((a, b) => probs[b] - probs[a]); // stable
    const keep: number[] = [];
    let mass = 0;
    for (const i of order) {
      keep.push(i);
      mass += probs[i];
      if (mass >= p) break;
    }
    return keep.sort((a, b) => a - b);
  };
  const rng = new Rng(11);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + rng.int(60);
    // Logits on a coarse grid make ties common; some tokens are ruled out (probability 0).
    const logits = Array.from({ length: n }, () => (rng.next() < 0.2 ? -Infinity : Math.round(4 * rng.next()) / 2));
    if (logits.every((x) => x === -Infinity)) logits[0] = 0;
    const probs = softmaxTemperature(logits);
    for (const p of [0.1, 0.5, 0.9, 0.99, 1]) {
      const got = topPFilter(probs, p);
      const kept = [...got].map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
      assert.deepEqual(kept, bySort(probs, p), `trial ${trial}, p = ${p}`);
      assert.ok(Math.abs(got.reduce((s, v) => s + v, 0) - 1) < 1e-12);
    }
  }
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
  assert.throws(() => decode(m, [9], { kind: "greedy" }, { maxLength: 3 }), /id 9 is not in the model's vocabulary of 6/);
  m.dispose();
});

test("top-k and top-p decoding only ever pick tokens inside their sets", () => {
  const m = model();
  // Replay the decoder's steps to check each chosen token against the filtered distribution.
  for (const method of [
    { kind: "topK", k: 2 },
    { kind: "topP", p: 0.6 },
  ] as const) {
    const ids =
      method.kind === "topK"
        ? sampleTopK(m, [0], { k: 2, maxLength: 15, seed: 1 })
        : sampleTopP(m, [0], { p: 0.6, maxLength: 15, seed: 1 });
    const seq = [0, ...ids];
    for (let t = 1; t < seq.length; t++) {
      const logits = tf.tidy(() => {
        const [o, s] = m.forward(idsTensor(seq.slice(0, t), 1, t));
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
  const vocab = {
    encode: (ts: readonly string[]) => ts.map((c) => chars.indexOf(c)),
    decode: (ids: ArrayLike<number>) => Array.from(ids, (i) => chars[i]),
  };
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

test("sample: a batch of rows with different prefixes equals decoding each row alone; finished rows leave the batch", () => {
  const m = model();
  const prefixes = [[1, 2, 3], [4], [0, 5]];
  const rows = sample(languageModelStepper(m), prefixes, { method: { kind: "greedy" }, maxLength: 12, eosId: 2 });
  prefixes.forEach((p, b) => assert.deepEqual(rows[b], greedy(m, p, { maxLength: 12, eosId: 2 }), `row ${b}`));
  assert.ok(
    rows.some((r) => r.length < 12),
    "at least one row stopped at <eos>, so the batch shrank",
  );
  m.dispose();
});

test("the stepper's reorder keeps, drops and duplicates rows, state and all", () => {
  const m = model();
  const stepper = languageModelStepper(m);
  const V = 6;
  const logits = stepper.start([
    [1, 2],
    [3, 4],
    [5, 0],
  ]);
  assert.equal(stepper.numRows, 3);
  stepper.reorder([2, 0, 2]);
  assert.equal(stepper.numRows, 3);
  const next = stepper.step([1, 1, 1]);
  const alone = (p: number[]): Float32Array => nextTokenLogits(m, p);
  const close = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => Array.from(a).every((v, i) => Math.abs(v - b[i]) < 1e-5);
  assert.ok(close(next.subarray(0, V), alone([5, 0, 1])), "row 0 is old row 2, then 1");
  assert.ok(close(next.subarray(V, 2 * V), alone([1, 2, 1])), "row 1 is old row 0, then 1");
  assert.ok(close(next.subarray(2 * V), next.subarray(0, V)), "a duplicated row evolves the same way");
  assert.ok(close(logits.subarray(V, 2 * V), alone([3, 4])));
  assert.throws(() => stepper.reorder([3]), /row 3 does not exist/);
  assert.throws(() => stepper.step([1]), /1 ids for 3 rows/);
  stepper.dispose();
  assert.throws(() => stepper.step([1, 1, 1]), /call start/);
  m.dispose();
});

test("allowedTokens constrains every step; an impossible constraint is an error that says so", () => {
  const m = model();
  const evenOnly = (): number[] => [0, 2, 4];
  for (const method of [
    { kind: "greedy" },
    { kind: "temperature", temperature: 2 },
    { kind: "topK", k: 2 },
    { kind: "topP", p: 0.5 },
  ] as const) {
    const ids = decode(m, [1], method, { maxLength: 30, seed: 3, allowedTokens: evenOnly });
    assert.equal(ids.length, 30);
    assert.ok(
      ids.every((id) => id % 2 === 0),
      `${method.kind}: ${ids}`,
    );
  }
  // Position-dependent: token t must be t mod 6, whatever the model prefers.
  assert.deepEqual(
    decode(m, [1], { kind: "temperature", temperature: 1 }, { maxLength: 8, allowedTokens: (t) => [t % 6] }),
    [0, 1, 2, 3, 4, 5, 0, 1],
  );
  assert.throws(() => decode(m, [1], { kind: "greedy" }, { maxLength: 3, allowedTokens: () => [] }), /no token is allowed at this step/);
  assert.throws(() => restrictLogits([0, 1], [2]), /allowed id 2 is not in the vocabulary of 2/);
  m.dispose();
});

test("sampleWithSuffix: every row ends with the suffix, stems respect their bounds, and the model chooses where it attaches", () => {
  const m = model(6, 2, 5);
  const tensors = tf.memory().numTensors;
  const rows = sampleWithSuffix(
    languageModelStepper(m),
    Array.from({ length: 12 }, () => [1]),
    [3, 4, 0],
    {
      method: { kind: "temperature", temperature: 1 },
      eosId: 0,
      minStem: 2,
      maxStem: 6,
      seed: 1,
    },
  );
  assert.equal(tf.memory().numTensors, tensors);
  for (const r of rows) {
    assert.deepEqual(r.slice(-2), [3, 4], `${r} ends with the suffix (its <eos> dropped)`);
    const stem = r.slice(0, -2);
    assert.ok(stem.length >= 2 && stem.length <= 6, `stem ${stem}`);
    assert.ok(!stem.includes(0), "no <eos> inside a stem");
  }
  assert.ok(new Set(rows.map((r) => r.length)).size > 1, "stem lengths vary: each is drawn in proportion to the model's likelihood");
  assert.throws(() => sampleWithSuffix(languageModelStepper(m), [[1]], [], { method: { kind: "greedy" }, eosId: 0 }), /suffix is empty/);
  m.dispose();
});
