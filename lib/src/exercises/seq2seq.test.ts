import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { bleu } from "../data/bleu";
import { charTokens } from "../data/tokenize";
import { beamSearch } from "../decode/beam-search";
import type { Stepper } from "../decode/stepper";
import { buildSeq2Seq } from "../rnn/seq2seq";
import { useBackendWithFullBudgets } from "../testing/fixtures";
import { exercises } from "./notebooks";
import { BLEU_EXERCISE_LABEL, BLEU_EXERCISE_PRED, LiveBeam, beamStep } from "./seq2seq";

useBackendWithFullBudgets();

/** The lines exercise `n` of notebook 07 prints for each answer. */
function lines(n: 1 | 2 | 3, answers: readonly unknown[], context?: unknown): string[] {
  const out: string[] = [];
  const ex = exercises("07-seq2seq", { print: (line) => out.push(line) });
  const check = ex.check.bind(ex) as unknown as (n: number, answer: unknown, context?: unknown) => void;
  for (const answer of answers) check(n, answer, context);
  return out;
}

/** What follows the question in a line: the part that must not give the answer away. */
const body = (line: string): string => line.replace(/^. Exercise \d+ · [^:]*: /, "");

/** A stepper whose next-token logits depend only on the last token read (`table[token]`), and `first` at the start. */
function tableStepper(first: number[], table: number[][]): Stepper<null> {
  let rows: number[][] = [];
  return {
    vocabSize: first.length,
    get numRows() {
      return rows.length;
    },
    start: () => {
      rows = [first];
      return Float32Array.from(first);
    },
    step: (ids) => {
      rows = ids.map((id) => table[id]);
      return Float32Array.from(rows.flat());
    },
    reorder: (parents) => {
      rows = parents.map((p) => rows[p]);
    },
    dispose: () => undefined,
  };
}

function logSoftmax(logits: ArrayLike<number>): number[] {
  const o = Array.from(logits);
  const max = Math.max(...o);
  const logZ = max + Math.log(o.reduce((s, x) => s + Math.exp(x - max), 0));
  return o.map((x) => x - logZ);
}

test("exercise 1: two reference steps from an empty beam give what beamSearch finds in two steps (α = 0)", () => {
  const V = 7;
  const eosId = 6; // made so unlikely that no search reaches it
  const logits = (seed: number): number[] =>
    Array.from({ length: V }, (_, v) => (v === eosId ? -1e4 : 2.5 * Math.sin(seed * 7.3 + v * 1.9) + 0.3 * v));
  const first = logits(1);
  const table = Array.from({ length: V }, (_, t) => logits(t + 2));
  for (const k of [1, 2, 3, 4]) {
    const [found] = beamSearch(tableStepper(first, table), null, { beamSize: k, maxLength: 2, eosId, lengthPenalty: 0 });
    const f32 = (row: number[]): number[] => logSoftmax(Float32Array.from(row)); // the stepper's logits are float32
    const step1 = beamStep([{ ids: [], logProb: 0 }], [f32(first)], k);
    const step2 = beamStep(
      step1,
      step1.map((b) => f32(table[b.ids[b.ids.length - 1]])),
      k,
    );
    assert.deepEqual(
      found.map((h) => h.ids),
      step2.map((b) => b.ids),
      `k = ${k}`,
    );
    found.forEach((h, i) => assert.ok(Math.abs(h.logProb - step2[i].logProb) < 1e-9, `k = ${k}, beam ${i}`));
  }
});

type Step = (beams: LiveBeam[], logProbs: number[][], k: number) => LiveBeam[] | undefined;

/** All `(beam, token)` extensions with a score and a reported logProb of the slip's choosing, sorted by score (best first). */
function ranked(
  beams: LiveBeam[],
  logProbs: number[][],
  score: (b: number, lp: number) => number,
  value: (b: number, lp: number) => number = (b, lp) => b + lp,
): { ids: number[]; logProb: number; s: number }[] {
  return beams
    .flatMap((beam, i) =>
      logProbs[i].map((lp, v) => ({ ids: [...beam.ids, v], logProb: value(beam.logProb, lp), s: score(beam.logProb, lp) })),
    )
    .sort((a, b) => b.s - a.s);
}
const strip = (xs: { ids: number[]; logProb: number }[]): LiveBeam[] => xs.map(({ ids, logProb }) => ({ ids, logProb }));
const sum = (b: number, lp: number): number => b + lp;

test("exercise 1: another correct step passes; each typical slip gets a ✗ that names it, without code or a leak", () => {
  const before = tf.memory().numTensors;
  const answers: Step[] = [
    (beams, logProbs, k) => {
      // a loop and a partial insertion: the same result
      const best: LiveBeam[] = [];
      beams.forEach((beam, i) =>
        logProbs[i].forEach((lp, v) => {
          best.push({ ids: beam.ids.concat([v]), logProb: lp + beam.logProb });
          best.sort((a, b) => b.logProb - a.logProb);
          if (best.length > k) best.pop();
        }),
      );
      return best;
    },
    (beams, logProbs, k) => {
      // the best token of each beam
      const picks = beams.map((beam, i) => {
        const v = logProbs[i].indexOf(Math.max(...logProbs[i]));
        return { ids: [...beam.ids, v], logProb: beam.logProb + logProbs[i][v] };
      });
      return picks.sort((a, b) => b.logProb - a.logProb).slice(0, k);
    },
    (beams, logProbs, k) =>
      strip(
        ranked(
          beams,
          logProbs,
          (b, lp) => Math.exp(b) + Math.exp(lp),
          (b, lp) => Math.log(Math.exp(b) + Math.exp(lp)),
        ).slice(0, k),
      ), // adds probabilities
    (beams, logProbs, k) =>
      strip(
        ranked(
          beams,
          logProbs,
          (b, lp) => Math.exp(b) + Math.exp(lp),
          (b, lp) => Math.exp(b) + Math.exp(lp),
        ).slice(0, k),
      ), // same, as probabilities
    (beams, logProbs, k) =>
      strip(
        ranked(
          beams,
          logProbs,
          (b, lp) => b * lp,
          (b, lp) => b * lp,
        ).slice(0, k),
      ), // multiplies log-probs
    (beams, logProbs, k) => strip(ranked(beams, logProbs, (b, lp) => b * lp).slice(0, k)), // ranks by the product, reports the sum
    (beams, logProbs, k) =>
      strip(
        ranked(
          beams,
          logProbs,
          (_, lp) => lp,
          (_, lp) => lp,
        ).slice(0, k),
      ), // forgets the beam's logProb
    (beams, logProbs, k) => strip(ranked(beams, logProbs, (_, lp) => lp).slice(0, k)), // ranks by the token alone, reports the sum
    (beams, logProbs, k) => strip(ranked(beams, logProbs, sum, (b, lp) => Math.exp(b + lp)).slice(0, k)), // probabilities, not logs
    (beams, logProbs, k) => strip(ranked(beams, logProbs, (b, lp) => -(b + lp)).slice(0, k)), // the worst k, worst first
    (beams, logProbs, k) => strip(ranked(beams, logProbs, sum).slice(-k)), // the worst k, best first
    (beams, logProbs, k) => strip(ranked(beams, logProbs, sum).slice(0, k).reverse()), // the best k, worst first
    (beams, logProbs, k) => strip(ranked(beams, logProbs, sum).slice(0, k + 1)), // one too many
    (beams, logProbs, k) => strip(ranked(beams, logProbs, sum).slice(0, k - 1)), // one too few
    (beams, logProbs) => strip(ranked(beams, logProbs, sum)), // every extension
    (beams, logProbs, k) => {
      // appends to the beam's own ids
      const all = beams.flatMap((beam, i) =>
        logProbs[i].map((lp, v) => {
          const ids = beam.ids;
          ids.push(v);
          return { ids, logProb: beam.logProb + lp };
        }),
      );
      return all.sort((a, b) => b.logProb - a.logProb).slice(0, k);
    },
    (beams, logProbs, k) => strip(ranked(beams, logProbs, sum).slice(0, k)).map((b) => ({ ids: b.ids.slice(0, -1), logProb: b.logProb })), // no token appended
    (beams, logProbs, k) => strip(ranked(beams, logProbs, sum).slice(0, k)).map((b) => ({ ids: b.ids.slice(-1), logProb: b.logProb })), // only the token
    (beams, logProbs, k) =>
      strip(ranked(beams, logProbs, sum).slice(0, k)).map((b) => ({
        ids: [b.ids[b.ids.length - 1], ...b.ids.slice(0, -1)],
        logProb: b.logProb,
      })), // token first
    (beams, logProbs, k) => {
      // assumes k beams: fails on the first step
      const all: LiveBeam[] = [];
      for (let i = 0; i < k; i++) logProbs[i].forEach((lp, v) => all.push({ ids: [...beams[i].ids, v], logProb: beams[i].logProb + lp }));
      return all.sort((a, b) => b.logProb - a.logProb).slice(0, k);
    },
    () => undefined,
    () => 3 as unknown as LiveBeam[],
    (beams, logProbs, k) => {
      // sorts the beams it was given, worst first
      beams.sort((a, b) => a.logProb - b.logProb);
      return beamStep(beams, logProbs, k);
    },
  ];
  const [
    right,
    perBeam,
    addProbs,
    addProbsRaw,
    multiply,
    rankProduct,
    noBeam,
    rankToken,
    probs,
    worstK,
    worstKBestFirst,
    reversed,
    tooMany,
    tooFew,
    every,
    mutates,
    noToken,
    onlyToken,
    tokenFirst,
    firstStep,
    none,
    notArray,
    reorders,
  ] = lines(1, answers);
  assert.match(right, /^✓ /);
  assert.match(perBeam, /^✗ .*best token of each beam; the k best extensions over all \(beam, token\) pairs/);
  assert.match(addProbs, /^✗ .*adds probabilities/);
  assert.match(addProbsRaw, /^✗ .*adds probabilities/);
  assert.match(multiply, /^✗ .*logProb multiplies two log-probabilities/);
  assert.match(rankProduct, /^✗ .*rank by a product of two log-probabilities/);
  assert.match(noBeam, /^✗ .*leaves out their beam's own logProb/);
  assert.match(rankToken, /^✗ .*new token's log-probability alone/);
  assert.match(probs, /^✗ .*is a probability \(between 0 and 1\), not a log-probability/);
  assert.match(worstK, /^✗ .*k least likely extensions/);
  assert.match(worstKBestFirst, /^✗ .*k least likely extensions/);
  assert.match(reversed, /^✗ .*the right ones, but worst first/);
  assert.match(tooMany, /^✗ .*with 3 live beams, 6 tokens and k = 3, your function returns 4 beams; it must return exactly k/);
  assert.match(tooFew, /^✗ .*returns 2 beams; it must return exactly k/);
  assert.match(every, /^✗ .*returns 18 beams: every extension of every beam/);
  assert.match(mutates, /^✗ .*changes the ids of the beams it was given/);
  assert.match(noToken, /^✗ .*without the new token/);
  assert.match(onlyToken, /^✗ .*hold only the new token/);
  assert.match(tokenFirst, /^✗ .*put the new token first/);
  assert.match(firstStep, /^✗ .*at the first step \(one beam with no tokens yet, and k = 3\), your function raised an error/);
  assert.match(none, /^… .*not answered yet\. Your function returns undefined/);
  assert.match(notArray, /^✗ .*returns the number 3, not an array of beams/);
  assert.match(reorders, /^✗ .*reorders the list of beams it was given/);
  const wrongs = [perBeam, addProbs, addProbsRaw, multiply, rankProduct, noBeam, rankToken, probs, worstK, worstKBestFirst, reversed];
  for (const line of [...wrongs, tooMany, tooFew, every, mutates, noToken, onlyToken, tokenFirst, firstStep, reorders]) {
    assert.doesNotMatch(body(line), /=>|\.push|\.sort|\.slice|\.map|\.concat|\[\.\.\.|Math\.|logProbs\[/, `no code in "${line}"`);
  }
  assert.equal(tf.memory().numTensors, before);
});

test("exercise 1: a one-beam case that passes the first cases still fails at the first step when it keeps one extension", () => {
  const [line] = lines(1, [
    ((beams, logProbs, k) =>
      beams.length === 1
        ? [{ ids: [...beams[0].ids, logProbs[0].indexOf(Math.max(...logProbs[0]))], logProb: Math.max(...logProbs[0]) }]
        : beamStep(beams, logProbs, k)) as Step,
  ]);
  assert.match(
    line,
    /^✗ .*at the first step .* returns 1 beam, one per beam: the k best extensions over all \(beam, token\) pairs can take several tokens from one beam/,
  );
});

test("exercise 2: the pair is exported, the reference is d2l's bleu with k = 2; each slip and mix of slips gets its ✗, without the value", () => {
  assert.equal(BLEU_EXERCISE_PRED, "2024-11-1");
  assert.equal(BLEU_EXERCISE_LABEL, "2024-10-01");
  const expected = bleu(charTokens(BLEU_EXERCISE_PRED), charTokens(BLEU_EXERCISE_LABEL), 2);
  assert.ok(Math.abs(exercises("07-seq2seq").exercise(2).reference() - expected) < 1e-12);
  const bp = Math.exp(1 - 10 / 9);
  const [p1, p2, p1Unclipped, p2Unclipped] = [8 / 9, 5 / 8, 1, 6 / 8];
  assert.ok(Math.abs(expected - bp * p1 ** 0.5 * p2 ** 0.25) < 1e-12, "the counts in the hint of the solution");
  assert.ok(bp < 1 && p1 < p1Unclipped && p2 < p2Unclipped, "clipping matters at both orders and the brevity factor is below 1");
  const answers = [
    expected,
    0.75, // rounded
    Number(expected.toFixed(3)),
    bp * p1Unclipped ** 0.5 * p2Unclipped ** 0.25, // no clipping
    p1 ** 0.5 * p2 ** 0.25, // no brevity factor
    bp * p1 ** 0.5 * p2 ** 0.5, // equal weights 1/k
    bp * p1 ** 0.5, // unigrams only, d2l's weight
    bp * p1, // unigrams only
    100 * expected, // a percentage
    p1Unclipped ** 0.5 * p2Unclipped ** 0.25, // no clipping and no brevity factor
    Math.exp(1 - 9 / 10) * p1 ** 0.5 * p2 ** 0.25, // brevity factor the wrong way round
    100 * p1 ** 0.5 * p2 ** 0.25, // percentage of the one without brevity
    1.3,
    -0.2,
    0.4,
    "0.75",
  ];
  const [
    exact,
    rounded,
    three,
    noClip,
    noBrevity,
    equal,
    uniHalf,
    uni,
    percent,
    noClipNoBrevity,
    inverted,
    percentNoBrevity,
    above,
    negative,
    low,
    text,
  ] = lines(2, answers);
  assert.match(exact, /^✓ .*clipped.*brevity factor/);
  assert.match(rounded, /^✓ /);
  assert.match(three, /^✓ /);
  assert.match(noClip, /^✗ .*your number counts a repeated n-gram of the prediction more often than the label has it\./);
  assert.match(noBrevity, /^✗ .*your number leaves out the brevity factor/);
  assert.match(equal, /^✗ .*weights the two precisions equally/);
  assert.match(uniHalf, /^✗ .*uses only the unigram precision/);
  assert.match(uni, /^✗ .*uses only the unigram precision/);
  assert.match(percent, /^✗ .*is a percentage; give BLEU as d2l's bleu returns it, a number between 0 and 1/);
  assert.match(noClipNoBrevity, /^✗ .*counts a repeated n-gram .*, and leaves out the brevity factor/);
  assert.match(inverted, /^✗ .*brevity factor above 1/);
  assert.match(percentNoBrevity, /^✗ .*is a percentage .*and your number leaves out the brevity factor/);
  assert.match(above, /^✗ .*1\.3 is above 1/);
  assert.match(negative, /^✗ .*negative/);
  assert.match(low, /^✗ .*0\.4 is too low/);
  assert.match(text, /^✗ .*the string "0\.75", not a number/);
  const value = /0\.75(?!\d)|0\.750|\b75(\.0)?\b/;
  for (const line of [noClip, noBrevity, equal, uniHalf, uni, noClipNoBrevity, inverted, above, negative, low]) {
    assert.doesNotMatch(body(line), value, `"${line}" gives the value away`);
  }
});

test("exercise 3: the reference is the numInputs buildSeq2Seq gives the decoder's GRU; each slip gets its ✗, never the width", () => {
  const model = buildSeq2Seq("gru", "scratch", { srcVocabSize: 12, tgtVocabSize: 13, bosId: 1, embedSize: 32, numHiddens: 96 });
  assert.equal(exercises("07-seq2seq").exercise(3).reference(), model.decoder.block.numInputs);
  model.dispose();
  const [right, onlyC, onlyToken, withHidden, cAndHidden, product, params, gruParams, odd, half, text] = lines(3, [
    128,
    96,
    32,
    224,
    192,
    3072,
    12288,
    3 * (128 * 96 + 96 * 96 + 96),
    100,
    64.5,
    "128",
  ]);
  assert.match(right, /^✓ 128 numbers|^✓ .*: 128 numbers: the embedded previous token \(32\) and the context C \(96\)/);
  assert.match(onlyC, /^✗ .*the context C alone/);
  assert.match(onlyToken, /^✗ .*the embedded previous token alone/);
  assert.match(withHidden, /^✗ .*decoder's own hidden state/);
  assert.match(cAndHidden, /^✗ .*decoder's own hidden state/);
  assert.match(product, /^✗ .*not multiplied/);
  assert.match(params, /^✗ .*12288 looks like a number of weights \(parameters\), not a width/);
  assert.match(gruParams, /^✗ .*looks like a number of weights/);
  assert.match(odd, /^✗ .*100 is a little too low/);
  assert.match(half, /^✗ .*a count is a whole number/);
  assert.match(text, /^✗ .*not a number/);
  for (const line of [onlyC, onlyToken, withHidden, cAndHidden, product, params, gruParams, odd, half]) {
    assert.doesNotMatch(body(line), /(?<!\d)128(?!\d)/, `"${line}" gives the width away`);
  }
});

test("exercise 1 is typed: the student's step takes beams, a table of log-probabilities and k", () => {
  // Never called: the compiler checks these lines.
  const typeChecks = (): void => {
    const ex = exercises("07-seq2seq");
    const myStep = (
      beams: { ids: number[]; logProb: number }[],
      logProbs: number[][],
      k: number,
    ): { ids: number[]; logProb: number }[] | undefined => (beams.length + logProbs.length + k > 0 ? undefined : []);
    ex.check(1, myStep);
    ex.check(2, 0.5);
    ex.check(3, 100);
    // @ts-expect-error exercise 2 wants a number
    ex.check(2, "0.5");
    // @ts-expect-error exercise 1 wants a function of beams
    ex.check(1, (x: string) => x);
  };
  assert.equal(typeof typeChecks, "function");
});
