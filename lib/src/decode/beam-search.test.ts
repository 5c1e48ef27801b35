import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../backend";
import { GRUScratch } from "../rnn/gru";
import { RNNLMScratch } from "../rnn/rnn-lm";
import { BeamHypothesis, beamSearch } from "./beam-search";
import { AllowedTokens, sample } from "./sampling";
import { Stepper, languageModelStepper } from "./stepper";

before(async () => {
  await setupBackend();
});

/** Next-token logits of a toy model, given the row's context (what started it) and its generated prefix. */
type ToyLogits = (context: number, prefix: readonly number[]) => readonly number[];

/** A plain-number {@link Stepper} started by one context number per row; it records its batch sizes. */
class ToyStepper implements Stepper<readonly number[]> {
  /** Rows fed by each `step` call. */
  readonly rowsPerStep: number[] = [];
  disposed = false;
  private contexts: number[] = [];
  private prefixes: number[][] = [];

  constructor(
    readonly vocabSize: number,
    private readonly logitsOf: ToyLogits,
    private readonly failAtStep = Infinity,
  ) {}

  get numRows(): number {
    return this.prefixes.length;
  }

  start(contexts: readonly number[]): Float32Array {
    this.contexts = [...contexts];
    this.prefixes = contexts.map(() => []);
    this.disposed = false;
    return this.logits();
  }

  step(ids: readonly number[]): Float32Array {
    assert.ok(!this.disposed, "step after dispose");
    assert.equal(ids.length, this.numRows, "one token per row");
    if (this.rowsPerStep.length + 1 >= this.failAtStep) throw new Error("toy stepper: boom");
    this.rowsPerStep.push(ids.length);
    ids.forEach((id, i) => this.prefixes[i].push(id));
    return this.logits();
  }

  reorder(rows: readonly number[]): void {
    assert.ok(rows.length > 0 && rows.every((r) => Number.isInteger(r) && r >= 0 && r < this.numRows), `bad reorder ${rows}`);
    this.contexts = rows.map((r) => this.contexts[r]);
    this.prefixes = rows.map((r) => [...this.prefixes[r]]);
  }

  dispose(): void {
    this.disposed = true;
    this.prefixes = [];
  }

  private logits(): Float32Array {
    const V = this.vocabSize;
    const out = new Float32Array(this.numRows * V); // [numRows, V]
    this.prefixes.forEach((p, i) => out.set(this.logitsOf(this.contexts[i], p), i * V));
    return out;
  }
}

const V = 5;
const EOS = 0;

/** A 32-bit hash of a list of small integers (FNV-1a, then a final mix). */
function hash(values: readonly number[]): number {
  let h = 2166136261;
  for (const v of values) {
    h ^= v + 7;
    h = Math.imul(h, 16777619) >>> 0;
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

/** Logits in [−2, 2] that depend on the whole prefix; `<eos>` grows likelier as the prefix grows. */
const hashLogits: ToyLogits = (context, prefix) =>
  Array.from({ length: V }, (_, v) => (hash([context, ...prefix, 100 + v]) / 2 ** 32) * 4 - 2 + (v === EOS ? 0.5 * prefix.length - 1 : 0));

/** Logits `log p` from a table of next-token probabilities keyed by the prefix ("1,2"), with a fallback. */
function tableLogits(table: Record<string, readonly number[]>, fallback: readonly number[]): ToyLogits {
  return (_, prefix) => (table[prefix.join(",")] ?? fallback).map(Math.log);
}

/** `log softmax` of float32 logits, in float64. */
function logSoftmax64(logits: readonly number[]): number[] {
  const x = Array.from(Float32Array.from(logits));
  const m = Math.max(...x);
  const logZ = m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
  return x.map((v) => v - logZ);
}

/**
 * Every sequence up to `maxLength` tokens (ended by `<eos>`, or cut at `maxLength`), best score first; with
 * `allowed`, only the sequences whose every token it allows (scored by the model's unrenormalised `log P`).
 */
function exhaustive(logitsOf: ToyLogits, context: number, maxLength: number, alpha: number, allowed?: AllowedTokens): BeamHypothesis[] {
  const all: BeamHypothesis[] = [];
  const visit = (prefix: number[], logProb: number): void => {
    const ok = allowed?.(prefix.length, prefix, context);
    logSoftmax64(logitsOf(context, prefix)).forEach((lp, v) => {
      if (ok && !ok.includes(v)) return;
      const total = logProb + lp;
      if (v === EOS) all.push({ ids: prefix, logProb: total, score: total / (prefix.length + 1) ** alpha, finished: true });
      else if (prefix.length + 1 === maxLength)
        all.push({ ids: [...prefix, v], logProb: total, score: total / maxLength ** alpha, finished: false });
      else visit([...prefix, v], total);
    });
  };
  visit([], 0);
  return all.sort((a, b) => b.score - a.score);
}

/** The score of a greedy result (`ids` without `<eos>`; shorter than `maxLength` means it ended with `<eos>`). */
function scoreOf(logitsOf: ToyLogits, context: number, ids: readonly number[], maxLength: number, alpha: number): number {
  const finished = ids.length < maxLength;
  const tokens = finished ? [...ids, EOS] : ids;
  const logProb = tokens.reduce((s, v, t) => s + logSoftmax64(logitsOf(context, tokens.slice(0, t)))[v], 0);
  return logProb / tokens.length ** alpha;
}

function assertSameRanking(got: readonly BeamHypothesis[], want: readonly BeamHypothesis[], what: string): void {
  assert.equal(got.length, want.length, `${what}: number of hypotheses`);
  got.forEach((h, i) => {
    assert.deepEqual(h.ids, want[i].ids, `${what}: ids of hypothesis ${i}`);
    assert.equal(h.finished, want[i].finished, `${what}: finished of hypothesis ${i}`);
    assert.ok(Math.abs(h.score - want[i].score) < 1e-9, `${what}: score of hypothesis ${i}: ${h.score} vs ${want[i].score}`);
    assert.ok(Math.abs(h.logProb - want[i].logProb) < 1e-9, `${what}: logProb of hypothesis ${i}`);
  });
}

const CONTEXTS = [0, 1, 2, 3, 4];

test("a wide beam equals exhaustive search (α = 0 and 0.75), early stopping included; a small beam is at least as good as greedy", () => {
  const maxLength = 5;
  for (const alpha of [0, 0.75]) {
    const want = CONTEXTS.map((c) => exhaustive(hashLogits, c, maxLength, alpha));
    // A beam as wide as every candidate (4^5 unfinished sequences at the end) keeps everything.
    const toy = new ToyStepper(V, hashLogits);
    const all = beamSearch(toy, CONTEXTS, { beamSize: 4 ** maxLength, maxLength, eosId: EOS, lengthPenalty: alpha });
    CONTEXTS.forEach((c, b) => assertSameRanking(all[b], want[b].slice(0, 4 ** maxLength), `α ${alpha}, row ${b}, full ranking`));
    assert.equal(toy.rowsPerStep[0], CONTEXTS.length * (V - 1), "the first step duplicates each row into its beams (all non-<eos> tokens)");
    assert.ok(toy.disposed);
    // Few returns: the rows stop as soon as their best 3 cannot be beaten, with the same top 3.
    const early = new ToyStepper(V, hashLogits);
    const top3 = beamSearch(early, CONTEXTS, { beamSize: 4 ** maxLength, maxLength, eosId: EOS, lengthPenalty: alpha, numReturn: 3 });
    CONTEXTS.forEach((c, b) => assertSameRanking(top3[b], want[b].slice(0, 3), `α ${alpha}, row ${b}, top 3`));
    const rowsFed = (s: ToyStepper): number => s.rowsPerStep.reduce((a, n) => a + n, 0);
    if (alpha === 0)
      assert.ok(rowsFed(early) < rowsFed(toy), `some rows stopped before maxLength: ${early.rowsPerStep} vs ${toy.rowsPerStep}`);
    // Small beams against greedy, scored the same way.
    const greedy = sample(new ToyStepper(V, hashLogits), CONTEXTS, { method: { kind: "greedy" }, maxLength, eosId: EOS });
    for (const beamSize of [2, 3]) {
      const best = beamSearch(new ToyStepper(V, hashLogits), CONTEXTS, { beamSize, maxLength, eosId: EOS, lengthPenalty: alpha });
      CONTEXTS.forEach((c, b) => {
        const g = scoreOf(hashLogits, c, greedy[b], maxLength, alpha);
        assert.ok(best[b][0].score >= g - 1e-12, `α ${alpha}, beam ${beamSize}, row ${b}: ${best[b][0].score} < greedy ${g}`);
        assert.ok(best[b][0].score <= want[b][0].score + 1e-12, "never better than the exhaustive best");
      });
    }
  }
});

test("beam size 1 with α = 0 is greedy decoding: the same tokens, and the same batch sizes step by step", () => {
  for (const maxLength of [1, 3, 8]) {
    const greedyToy = new ToyStepper(V, hashLogits);
    const beamToy = new ToyStepper(V, hashLogits);
    const greedy = sample(greedyToy, CONTEXTS, { method: { kind: "greedy" }, maxLength, eosId: EOS });
    const beams = beamSearch(beamToy, CONTEXTS, { beamSize: 1, maxLength, eosId: EOS, lengthPenalty: 0 });
    beams.forEach((hs, b) => {
      assert.equal(hs.length, 1);
      assert.deepEqual(hs[0].ids, greedy[b], `maxLength ${maxLength}, row ${b}`);
      assert.equal(hs[0].finished, greedy[b].length < maxLength);
    });
    assert.deepEqual(beamToy.rowsPerStep, greedyToy.rowsPerStep, "rows that end leave the batch at the same step");
  }
  const V_LM = 8;
  const model = new RNNLMScratch({
    block: new GRUScratch({ numInputs: V_LM, numHiddens: 16, sigma: 1, seed: 4 }),
    vocabSize: V_LM,
    sigma: 1,
    seed: 4,
  });
  const prefixes = [[1], [2, 3], [4, 5, 6], [7, 1], [3], [6, 6, 2]];
  let endedEarly = 0;
  for (const eosId of [0, 3, 5]) {
    const greedy = sample(languageModelStepper(model), prefixes, { method: { kind: "greedy" }, maxLength: 12, eosId });
    const beams = beamSearch(languageModelStepper(model), prefixes, { beamSize: 1, maxLength: 12, eosId, lengthPenalty: 0 });
    prefixes.forEach((p, b) => assert.deepEqual(beams[b][0].ids, greedy[b], `eos ${eosId}, prefix ${p}`));
    endedEarly += greedy.filter((ids) => ids.length < 12).length;
  }
  assert.ok(endedEarly > 0, "some rows ended with <eos>, so the comparison covers finished hypotheses");
  model.dispose();
});

test("beam search finds a likelier sequence than greedy when greedy's first choice leads nowhere good", () => {
  // p(a) = 0.58 > p(b) = 0.4, but after "a" the best is <eos> at 0.4 (0.232 in all) while after "b" it is 0.95 (0.38).
  const logitsOf = tableLogits({ "": [0.02, 0.58, 0.4], "1": [0.4, 0.3, 0.3], "2": [0.95, 0.025, 0.025] }, [0.5, 0.25, 0.25]);
  const opts = { maxLength: 6, eosId: EOS, lengthPenalty: 0 };
  const [greedy] = sample(new ToyStepper(3, logitsOf), [0], { method: { kind: "greedy" }, ...opts });
  assert.deepEqual(greedy, [1]);
  assert.deepEqual(beamSearch(new ToyStepper(3, logitsOf), [0], { beamSize: 1, ...opts })[0][0].ids, [1]);
  const [best, second] = beamSearch(new ToyStepper(3, logitsOf), [0], { beamSize: 2, ...opts })[0];
  assert.deepEqual(best.ids, [2]);
  assert.ok(best.finished);
  assert.ok(Math.abs(best.logProb - Math.log(0.4 * 0.95)) < 1e-6);
  assert.deepEqual(second.ids, [1], "greedy's answer comes second");
  assert.ok(Math.abs(second.logProb - Math.log(0.58 * 0.4)) < 1e-6);
});

test("the length penalty changes the winner: α = 0 prefers the short sequence, α = 0.75 and 1 the long one; L counts the <eos>", () => {
  // "a" then <eos>: 0.6 · 0.6 = 0.36 (L = 2); "b b b" then <eos>: 0.38 · 0.9³ ≈ 0.277 (L = 4).
  const logitsOf = tableLogits(
    { "": [0.02, 0.6, 0.38], "1": [0.6, 0.2, 0.2], "2": [0.05, 0.05, 0.9], "2,2": [0.05, 0.05, 0.9], "2,2,2": [0.9, 0.05, 0.05] },
    [0.5, 0.25, 0.25],
  );
  const run = (lengthPenalty: number): BeamHypothesis =>
    beamSearch(new ToyStepper(3, logitsOf), [0], { beamSize: 3, maxLength: 8, eosId: EOS, lengthPenalty })[0][0];
  const short = run(0);
  assert.deepEqual(short.ids, [1]);
  assert.ok(Math.abs(short.score - Math.log(0.36)) < 1e-6);
  for (const alpha of [0.75, 1]) {
    const long = run(alpha);
    assert.deepEqual(long.ids, [2, 2, 2], `α ${alpha}`);
    assert.ok(Math.abs(long.logProb - Math.log(0.38 * 0.9 ** 3)) < 1e-6);
    assert.ok(Math.abs(long.score - long.logProb / 4 ** alpha) < 1e-12, "L = 3 tokens + <eos>");
  }
  // The default α is 0.75.
  assert.deepEqual(beamSearch(new ToyStepper(3, logitsOf), [0], { beamSize: 3, maxLength: 8, eosId: EOS })[0][0].ids, [2, 2, 2]);
});

test("the stepper is disposed when it throws, and a real model leaves no tensors behind", () => {
  const failing = new ToyStepper(V, hashLogits, 2);
  assert.throws(() => beamSearch(failing, CONTEXTS, { beamSize: 3, maxLength: 6, eosId: EOS }), /boom/);
  assert.ok(failing.disposed, "disposed after the stepper threw");
  const badOptions = new ToyStepper(V, hashLogits);
  assert.throws(() => beamSearch(badOptions, CONTEXTS, { beamSize: 0, maxLength: 6, eosId: EOS }));
  assert.ok(badOptions.disposed, "disposed after an option error");

  const model = new RNNLMScratch({
    block: new GRUScratch({ numInputs: 6, numHiddens: 12, sigma: 1, seed: 2 }),
    vocabSize: 6,
    sigma: 1,
    seed: 2,
  });
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const rows = beamSearch(languageModelStepper(model), [[1], [2, 3], [4]], { beamSize: 4, maxLength: 10, eosId: 0, numReturn: 2 });
    assert.deepEqual(
      rows.map((r) => r.length),
      [2, 2, 2],
    );
  }
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test("options out of range are errors that say what to change", () => {
  const run = (opts: Partial<Parameters<typeof beamSearch>[2]>): BeamHypothesis[][] =>
    beamSearch(new ToyStepper(V, hashLogits), CONTEXTS, { beamSize: 2, maxLength: 4, eosId: EOS, ...opts });
  assert.equal(run({}).length, CONTEXTS.length);
  for (const beamSize of [0, -1, 1.5, NaN]) assert.throws(() => run({ beamSize }), /beamSize must be a positive integer/);
  for (const maxLength of [0, -3, 2.5]) assert.throws(() => run({ maxLength }), /maxLength must be a positive integer/);
  assert.throws(() => run({ numReturn: 3 }), /numReturn must be an integer from 1 to beamSize \(2\)/);
  assert.throws(() => run({ numReturn: 0 }), /numReturn/);
  for (const lengthPenalty of [-0.5, NaN, Infinity])
    assert.throws(() => run({ lengthPenalty }), /lengthPenalty \(α\) must be a finite number ≥ 0/);
  for (const eosId of [V, -1, 0.5])
    assert.throws(() => run({ eosId }), new RegExp(`eosId ${eosId} is not in the model's vocabulary of ${V}`));
  assert.throws(
    () => beamSearch(new ToyStepper(V, () => [0, NaN, 0, 0, 0]), [0], { beamSize: 2, maxLength: 3, eosId: EOS }),
    /logit 1 is NaN/,
  );
});

test("allowedTokens: a wide beam equals exhaustive search over the allowed sequences, scored by the model's own log P", () => {
  // Row b: token 1 is never allowed; token 2 only at even steps; <eos> only after at least b tokens.
  const allowed: AllowedTokens = (t, generated, row) => {
    assert.equal(t, generated.length, "t counts the beam's generated tokens");
    return [0, 2, 3, 4].filter((v) => v !== 2 || t % 2 === 0).filter((v) => v !== EOS || t >= row);
  };
  const maxLength = 5;
  for (const alpha of [0, 0.75]) {
    const got = beamSearch(new ToyStepper(V, hashLogits), CONTEXTS, {
      beamSize: 4 ** maxLength,
      maxLength,
      eosId: EOS,
      lengthPenalty: alpha,
      allowedTokens: allowed,
    });
    CONTEXTS.forEach((c, b) => {
      const want = exhaustive(hashLogits, c, maxLength, alpha, allowed);
      assertSameRanking(got[b], want.slice(0, 4 ** maxLength), `α ${alpha}, row ${b}`);
      for (const h of got[b]) {
        assert.ok(!h.ids.includes(1), `row ${b}: token 1 is never allowed`);
        h.ids.forEach((v, t) => assert.ok(v !== 2 || t % 2 === 0, `row ${b}: token 2 at odd step ${t}`));
        if (h.finished) assert.ok(h.ids.length >= b, `row ${b}: <eos> after ${h.ids.length} tokens`);
      }
    });
    // The constraint changes the answer for some row, so the test can tell a constrained search from a free one.
    const free = beamSearch(new ToyStepper(V, hashLogits), CONTEXTS, {
      beamSize: 4 ** maxLength,
      maxLength,
      eosId: EOS,
      lengthPenalty: alpha,
    });
    assert.ok(
      CONTEXTS.some((_, b) => free[b][0].ids.join() !== got[b][0].ids.join()),
      `α ${alpha}: the constraint changed no row's best sequence`,
    );
  }
  // With a beam of 1 and α = 0 the constrained search is constrained greedy decoding.
  const greedy = sample(new ToyStepper(V, hashLogits), CONTEXTS, {
    method: { kind: "greedy" },
    maxLength,
    eosId: EOS,
    allowedTokens: allowed,
  });
  const one = beamSearch(new ToyStepper(V, hashLogits), CONTEXTS, {
    beamSize: 1,
    maxLength,
    eosId: EOS,
    lengthPenalty: 0,
    allowedTokens: allowed,
  });
  CONTEXTS.forEach((_, b) => assert.deepEqual(one[b][0].ids, greedy[b], `row ${b}`));
});

test("allowedTokens: nothing allowed, or an id outside the vocabulary, is an error that says what to change", () => {
  const run = (allowedTokens: AllowedTokens): BeamHypothesis[][] =>
    beamSearch(new ToyStepper(V, hashLogits), CONTEXTS, { beamSize: 2, maxLength: 4, eosId: EOS, allowedTokens });
  assert.throws(() => run((t) => (t === 2 ? [] : null)), /allowedTokens allows no token at this step.*Relax the constraint/);
  assert.throws(() => run(() => [1, V]), new RegExp(`allowedTokens returned id ${V}, which is not in the model's vocabulary of ${V}`));
  const toy = new ToyStepper(V, hashLogits);
  assert.throws(() => beamSearch(toy, CONTEXTS, { beamSize: 2, maxLength: 4, eosId: EOS, allowedTokens: () => [] }));
  assert.ok(toy.disposed, "disposed after the constraint threw");
});
