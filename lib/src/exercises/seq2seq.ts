/**
 * Exercises of notebook 07: one step of beam search, d2l's BLEU of a date by hand, and how wide the
 * input of the decoder's GRU is.
 * @see notebooks/07-seq2seq.ipynb
 */
import { bleu } from "../data/bleu";
import { Rng } from "../data/rng";
import { charTokens } from "../data/tokenize";
import { ExerciseBook, ExerciseMap, Feedback, correct, functionExercise, unanswered, valueExercise, wrong } from "./exercise";
import { asCount, asNumber, closeTo, describe, fmt, howFarOff, isFeedback } from "./feedback";

/** A live beam of exercise 1: the token ids generated so far and their `Σ log P`. */
export interface LiveBeam {
  /** The generated token ids, oldest first. */
  ids: number[];
  /** `Σ_t log P(y_t | y_<t)` over `ids`. */
  logProb: number;
}

/** The answer of exercise 1: the `k` best one-token extensions of the beams, best first (`undefined` while not written). */
export type BeamStepFunction = (beams: LiveBeam[], logProbs: number[][], k: number) => LiveBeam[] | undefined;

/** Exercise 1: every beam extended by every token, scored by `Σ log P`; the `k` best over all pairs, best first. */
export function beamStep(beams: LiveBeam[], logProbs: number[][], k: number): LiveBeam[] {
  const extensions: LiveBeam[] = []; // every (beam, token) pair
  for (const [i, beam] of beams.entries()) {
    for (const [v, lp] of logProbs[i].entries()) {
      extensions.push({ ids: [...beam.ids, v], logProb: beam.logProb + lp }); // log P(y, v) = log P(y) + log P(v | y); new ids
    }
  }
  extensions.sort((a, b) => b.logProb - a.logProb); // best first
  return extensions.slice(0, k); // the k best over all beams at once, not per beam
}

/** One input the check of exercise 1 gives the student's function. */
interface BeamStepCase {
  /** The situation, for a message: `"with 3 live beams and k = 3"`. */
  readonly what: string;
  readonly beams: readonly LiveBeam[];
  /** `[beams.length, vocabSize]`: `log P(v | beam i)`. */
  readonly logProbs: readonly (readonly number[])[];
  readonly k: number;
}

/** An extension as the checks see it: which beam, which token. */
type Pick = readonly [beam: number, token: number];

function logSoftmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const logZ = max + Math.log(logits.reduce((s, o) => s + Math.exp(o - max), 0)); // log Σ exp(o)
  return logits.map((o) => o - logZ);
}

/** The `n` extensions with the highest `score(beam logProb, token logProb)` (the lowest when `ascending`). */
function rankBy(c: BeamStepCase, score: (b: number, lp: number) => number, n: number, ascending = false): Pick[] {
  const all = c.beams.flatMap((beam, i) => c.logProbs[i].map((lp, v) => ({ pick: [i, v] as const, s: score(beam.logProb, lp) })));
  all.sort((x, y) => (ascending ? x.s - y.s : y.s - x.s));
  return all.slice(0, n).map((e) => e.pick);
}

/** The right score, `Σ log P` of the extended sequence. */
const sumOfLogs = (b: number, lp: number): number => b + lp;

/** Each beam's best token, best extension first: the answer of a student who keeps one extension per beam. */
function bestPerBeam(c: BeamStepCase): Pick[] {
  const picks = c.logProbs.map((row, i) => [i, row.indexOf(Math.max(...row))] as const);
  return picks.sort(([i, v], [j, w]) => sumOfLogs(c.beams[j].logProb, c.logProbs[j][w]) - sumOfLogs(c.beams[i].logProb, c.logProbs[i][v]));
}

const samePicks = (a: readonly Pick[], b: readonly Pick[]): boolean =>
  a.length === b.length && a.every(([i, v], j) => b[j][0] === i && b[j][1] === v);

/** True when `a` and `b` hold the same extensions, in any order. */
const sameSet = (a: readonly Pick[], b: readonly Pick[]): boolean =>
  a.length === b.length && a.every(([i, v]) => b.some(([j, w]) => i === j && v === w));

/** Wrong rankings that a typical slip produces, each with what the student reads. */
const RANKING_SLIPS: readonly [(c: BeamStepCase) => Pick[], string][] = [
  [
    (c) => rankBy(c, sumOfLogs, c.k, true),
    "you keep the k least likely extensions; beam search keeps the k most likely (the highest logProb)",
  ],
  [
    bestPerBeam,
    "you keep the best token of each beam; the k best extensions over all (beam, token) pairs can take several tokens from one beam and none from another",
  ],
  [
    (c) => rankBy(c, (_, lp) => lp, c.k),
    "you rank the extensions by the new token's log-probability alone; an extension of an unlikely beam is unlikely, so the beam's own logProb counts too",
  ],
  [
    (c) => rankBy(c, (b, lp) => b * lp, c.k),
    "you rank by a product of two log-probabilities; probabilities multiply along a sequence, which makes their logarithms add",
  ],
  [
    (c) => rankBy(c, (b, lp) => Math.exp(b) + Math.exp(lp), c.k),
    "you rank by a sum of probabilities; the probability of a sequence is the product of its tokens' probabilities",
  ],
];

/** Ways of computing an extension's `logProb` from its beam's `b` and the token's `lp`, the right one first. */
const VALUE_FORMULAS: readonly [(b: number, lp: number) => number, string | null][] = [
  [sumOfLogs, null],
  [
    (_, lp) => lp,
    "your extensions' logProb leaves out their beam's own logProb: an extension is as likely as its whole sequence, old tokens and new one",
  ],
  [
    (b, lp) => b * lp,
    "your extensions' logProb multiplies two log-probabilities; probabilities multiply along a sequence, which makes their logarithms add",
  ],
  [
    (b, lp) => Math.exp(b) + Math.exp(lp),
    "your extensions' logProb adds probabilities; the probability of a sequence is the product of its tokens' probabilities",
  ],
  [
    (b, lp) => Math.log(Math.exp(b) + Math.exp(lp)),
    "your extensions' logProb adds probabilities; the probability of a sequence is the product of its tokens' probabilities",
  ],
  [
    (b, lp) => Math.exp(b + lp),
    "your extensions' logProb is a probability (between 0 and 1), not a log-probability, which the next step adds to",
  ],
];

/** A random case: `numBeams` beams of `prefixLength` tokens, best first, and a log-softmax row per beam. */
function randomBeamCase(rng: Rng, numBeams: number, vocabSize: number, k: number, prefixLength: number): BeamStepCase {
  let logProb = -0.5 - rng.next();
  const beams = Array.from({ length: numBeams }, () => {
    logProb -= 0.1 + 1.5 * rng.next(); // live beams come best first
    return { ids: Array.from({ length: prefixLength }, () => rng.int(vocabSize)), logProb };
  });
  const logProbs = beams.map(() => logSoftmax(Array.from({ length: vocabSize }, () => 3 * rng.next())));
  return { what: `with ${numBeams} live beams, ${vocabSize} tokens and k = ${k}`, beams, logProbs, k };
}

/** True when the case has no near-ties, distinct beams, and tells the right ranking from every slip's. */
function usefulCase(c: BeamStepCase, needsSlipsApart: boolean): boolean {
  const scores = c.beams.flatMap((beam, i) => c.logProbs[i].map((lp) => beam.logProb + lp)).sort((a, b) => a - b);
  if (scores.some((s, i) => i > 0 && s - scores[i - 1] < 1e-3)) return false; // no ties, so "best first" has one order
  if (new Set(c.beams.map((b) => b.ids.join())).size !== c.beams.length) return false;
  if (!needsSlipsApart) return true;
  const right = rankBy(c, sumOfLogs, c.k);
  const slips = RANKING_SLIPS.map(([rank]) => rank(c));
  return slips.every((s, i) => !sameSet(s, right) && slips.slice(0, i).every((t) => !sameSet(s, t)));
}

/** The first useful case drawn from `seed` on (the first one, which every slip must fail, sets `needsSlipsApart`). */
function seededCase(seed: number, make: (rng: Rng) => BeamStepCase, needsSlipsApart: boolean): BeamStepCase {
  for (let s = seed; s < seed + 10_000; s++) {
    const c = make(new Rng(s));
    if (usefulCase(c, needsSlipsApart)) return c;
  }
  throw new Error(`seededCase: no useful case from seed ${seed} on; change the sizes of the case.`);
}

let beamCases: readonly BeamStepCase[] | undefined;

/** The inputs the check of exercise 1 tries, in order; the last one is the first step of a search. */
function beamStepCases(): readonly BeamStepCase[] {
  beamCases ??= [
    seededCase(701, (rng) => randomBeamCase(rng, 3, 6, 3, 2), true),
    seededCase(702, (rng) => randomBeamCase(rng, 4, 5, 4, 3), false),
    seededCase(703, (rng) => randomBeamCase(rng, 2, 8, 2, 1), false),
    seededCase(
      704,
      (rng) => ({
        what: "at the first step (one beam with no tokens yet, and k = 3)",
        beams: [{ ids: [], logProb: 0 }],
        logProbs: [logSoftmax(Array.from({ length: 6 }, () => 3 * rng.next()))],
        k: 3,
      }),
      false,
    ),
  ];
  return beamCases;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const sameNumbers = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** What the function changed in its inputs, or `undefined` when they are as they were. */
function changedInputs(c: BeamStepCase, beams: readonly LiveBeam[], logProbs: readonly (readonly number[])[]): Feedback | undefined {
  const intact = (b: LiveBeam | undefined, i: number): boolean =>
    b !== undefined && Array.isArray(b.ids) && sameNumbers(b.ids, c.beams[i].ids);
  const key = (b: LiveBeam | undefined): string => (b !== undefined && Array.isArray(b.ids) ? b.ids.join() : "");
  const reordered = beams.map(key).sort().join("|") === c.beams.map(key).sort().join("|");
  if (beams.length === c.beams.length && reordered && !c.beams.every((_, i) => intact(beams[i], i))) {
    return wrong("your function reorders the list of beams it was given; row i of logProbs belongs to beam i, so leave the list as it is");
  }
  if (beams.length === c.beams.length && !c.beams.every((_, i) => intact(beams[i], i))) {
    return wrong(
      "your function changes the ids of the beams it was given; several extensions grow from one beam, so each extension needs ids of its own, and the beams must stay as they were",
    );
  }
  const same =
    beams.length === c.beams.length &&
    c.beams.every((b, i) => beams[i].logProb === b.logProb) &&
    logProbs.length === c.logProbs.length &&
    c.logProbs.every((row, i) => Array.isArray(logProbs[i]) && sameNumbers(logProbs[i], row));
  return same ? undefined : wrong("your function changes the beams or the log-probabilities it was given; leave its inputs as they were");
}

/** The beam and token an extension's ids stand for, or the feedback saying why they stand for none. */
function parentOf(c: BeamStepCase, ids: readonly number[], j: number): Pick | Feedback {
  const V = c.logProbs[0].length;
  const i = c.beams.findIndex((b) => ids.length === b.ids.length + 1 && b.ids.every((id, t) => ids[t] === id));
  if (i >= 0) {
    const v = ids[ids.length - 1];
    if (Number.isInteger(v) && v >= 0 && v < V) return [i, v];
    return wrong(
      `the last id of your extension ${j} is ${fmt(v)}, not a token (0 to ${V - 1}); a token is an index into a row of logProbs`,
    );
  }
  if (c.beams.some((b) => sameNumbers(ids, b.ids))) {
    return wrong("your extensions' ids are their beam's ids, without the new token: each extension's ids must end with the token it adds");
  }
  if (c.beams.some((b) => ids.length === b.ids.length + 1 && b.ids.every((id, t) => ids[t + 1] === id))) {
    return wrong("your extensions' ids put the new token first; ids are in the order generated, so the new token comes last");
  }
  if (ids.length === 1 && c.beams.every((b) => b.ids.length > 0)) {
    return wrong("your extensions' ids hold only the new token; an extension keeps its beam's ids and adds the token at the end");
  }
  return wrong(`the ids of your extension ${j} are not the ids of one of the beams followed by one token`);
}

/** The student's result for one case, as (beam, token) picks, or the feedback on what is wrong with it. */
function readResult(c: BeamStepCase, result: unknown): Pick[] | Feedback {
  if (!Array.isArray(result)) return wrong(`your function returns ${describe(result)}, not an array of beams`);
  const { k } = c;
  const V = c.logProbs[0].length;
  const n = result.length;
  if (n !== k) {
    const got = `${c.what}, your function returns ${n} beam${n === 1 ? "" : "s"}`;
    if (n === c.beams.length * V) return wrong(`${got}: every extension of every beam; keep only the k best of them`);
    if (n === c.beams.length && n < k) {
      return wrong(
        `${got}, one per beam: the k best extensions over all (beam, token) pairs can take several tokens from one beam and none from another`,
      );
    }
    return wrong(`${got}; it must return exactly k, the k best extensions`);
  }
  const picks: Pick[] = [];
  for (const [j, entry] of result.entries()) {
    const e = entry as Partial<LiveBeam> | null;
    if (typeof e !== "object" || e === null || !Array.isArray(e.ids) || typeof e.logProb !== "number") {
      return wrong(
        `item ${j} of your result is ${describe(entry)}; each must be a beam, an object with ids (an array) and logProb (a number)`,
      );
    }
    if (!e.ids.every((id) => typeof id === "number")) return wrong(`the ids of your extension ${j} are not all numbers`);
    if (Number.isNaN(e.logProb)) return wrong(`the logProb of your extension ${j} is NaN`);
    const pick = parentOf(c, e.ids, j);
    if (isFeedback(pick)) return pick;
    if (picks.some(([i, v]) => i === pick[0] && v === pick[1])) {
      return wrong("your result holds the same extension twice; each (beam, token) pair can be chosen once");
    }
    picks.push(pick);
  }
  const values = (result as LiveBeam[]).map((e) => e.logProb);
  const fits = ([formula]: (typeof VALUE_FORMULAS)[number]): boolean =>
    picks.every(([i, v], j) => closeTo(values[j], formula(c.beams[i].logProb, c.logProbs[i][v]), 1e-9));
  const formula = VALUE_FORMULAS.find(fits);
  if (formula === undefined) {
    return wrong(
      "the logProb of some of your extensions is not the log-probability of the extended sequence (its beam's, then its new token)",
    );
  }
  if (formula[1] !== null) return wrong(formula[1]);
  return picks;
}

/** Feedback on the student's function for one case, or `undefined` when it gives the reference's result. */
function judgeBeamCase(answer: BeamStepFunction, c: BeamStepCase): Feedback | undefined {
  const beams = c.beams.map((b) => ({ ids: [...b.ids], logProb: b.logProb })); // copies: the case stays as it is
  const logProbs = c.logProbs.map((row) => [...row]);
  let result: unknown;
  try {
    result = answer(beams, logProbs, c.k);
  } catch (err) {
    return wrong(`${c.what}, your function raised an error: ${errorText(err)}`);
  }
  if (result === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
  const changed = changedInputs(c, beams, logProbs);
  if (changed !== undefined) return changed;
  const picks = readResult(c, result);
  if (isFeedback(picks)) return picks;
  const right = rankBy(c, sumOfLogs, c.k);
  if (samePicks(picks, right)) return undefined;
  const key = ([i, v]: Pick): string => `${i},${v}`;
  const rightKeys = new Set(right.map(key));
  const missing = picks.filter((p) => !rightKeys.has(key(p))).length;
  if (missing === 0) {
    if (samePicks([...picks].reverse(), right))
      return wrong("your k extensions are the right ones, but worst first: return them best first");
    return wrong("your k extensions are the right ones, but not in order: return them best first (highest logProb first)");
  }
  for (const [rank, message] of RANKING_SLIPS) if (sameSet(picks, rank(c))) return wrong(message);
  return wrong(`${c.what}, ${missing} of your ${c.k} extensions are not among the k most likely ones`);
}

function checkBeamStep(answer: BeamStepFunction): Feedback {
  if (typeof answer !== "function") return wrong(`your answer is ${describe(answer)}, not a function`);
  for (const c of beamStepCases()) {
    const feedback = judgeBeamCase(answer, c);
    if (feedback !== undefined) return feedback;
  }
  return correct(
    "your step keeps the k most likely extensions over every (beam, token) pair, as beamSearch does before it sets <eos> aside and applies the length penalty",
  );
}

/** The prediction of exercise 2: a date a model got almost right (BLEU on characters, `k = 2`). */
export const BLEU_EXERCISE_PRED = "2024-11-1";
/** The label of exercise 2. */
export const BLEU_EXERCISE_LABEL = "2024-10-01";

/** Exercise 2: d2l's BLEU of `BLEU_EXERCISE_PRED` against `BLEU_EXERCISE_LABEL` on characters, `k = 2`, counted by hand. */
export function bleuByHand(): number {
  const [lenPred, lenLabel] = [9, 10]; // "2024-11-1", "2024-10-01"
  const p1 = 8 / 9; // 9 characters; "1" occurs 3 times but only twice in the label, so one is clipped
  const p2 = 5 / 8; // 8 bigrams: 20 02 24 4- -1 match; the second -1 is clipped; 11 and 1- are not in the label
  const brevity = Math.exp(Math.min(0, 1 - lenLabel / lenPred)); // the prediction is one character short
  return brevity * Math.pow(p1, 1 / 2) * Math.pow(p2, 1 / 4); // p_n^(1/2^n)
}

/** The n-gram precision of `pred` against `label`, clipped (each n-gram counts at most as often as in `label`) or not. */
function precision(pred: readonly string[], label: readonly string[], n: number, clip: boolean): number {
  const counts = (tokens: readonly string[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= tokens.length; i++) {
      const g = tokens.slice(i, i + n).join("\u0000"); // characters: no token holds \u0000
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    return m;
  };
  const inLabel = counts(label);
  let matches = 0;
  for (const [g, c] of counts(pred)) matches += clip ? Math.min(c, inLabel.get(g) ?? 0) : inLabel.has(g) ? c : 0;
  return matches / (pred.length - n + 1);
}

/** One way of computing the BLEU of exercise 2: d2l's (`clip`, `"exp"`, `"d2l"`) or one with slips. */
interface BleuRecipe {
  readonly clip: boolean;
  readonly brevity: "exp" | "none" | "inverted";
  readonly weights: "d2l" | "equal" | "unigrams" | "unigramsHalf";
}

/** The BLEU of the exercise's pair computed by `recipe`. */
function bleuBy({ clip, brevity, weights }: BleuRecipe): number {
  const [pred, label] = [charTokens(BLEU_EXERCISE_PRED), charTokens(BLEU_EXERCISE_LABEL)];
  const [p1, p2] = [precision(pred, label, 1, clip), precision(pred, label, 2, clip)];
  const factor = {
    exp: Math.exp(Math.min(0, 1 - label.length / pred.length)),
    none: 1,
    inverted: Math.exp(1 - pred.length / label.length),
  }[brevity];
  const mean = { d2l: p1 ** 0.5 * p2 ** 0.25, equal: p1 ** 0.5 * p2 ** 0.5, unigrams: p1, unigramsHalf: p1 ** 0.5 }[weights];
  return factor * mean;
}

/** Every recipe with at least one slip, each with the phrases that describe its slips. */
function bleuSlips(): [number, string[]][] {
  const out: [number, string[]][] = [];
  for (const clip of [true, false]) {
    for (const brevity of ["exp", "none", "inverted"] as const) {
      for (const weights of ["d2l", "equal", "unigrams", "unigramsHalf"] as const) {
        const slips = [
          clip ? "" : "counts a repeated n-gram of the prediction more often than the label has it",
          {
            exp: "",
            none: "leaves out the brevity factor, though the prediction is shorter than the label",
            inverted: "has a brevity factor above 1; it should only shrink the score of a prediction shorter than the label",
          }[brevity],
          {
            d2l: "",
            equal: "weights the two precisions equally, where d2l raises p_n to the power 1/2^n",
            unigrams: "uses only the unigram precision; with k = 2 the bigram precision counts too",
            unigramsHalf: "uses only the unigram precision; with k = 2 the bigram precision counts too",
          }[weights],
        ].filter((s) => s !== "");
        if (slips.length > 0) out.push([bleuBy({ clip, brevity, weights }), slips]);
      }
    }
  }
  return out;
}

/** The slips whose BLEU is within 0.002 of `x` (the nearest), or `undefined`. */
function bleuSlipsNear(x: number): string[] | undefined {
  let best: [number, string[]] | undefined;
  for (const [value, slips] of bleuSlips()) {
    const gap = Math.abs(value - x);
    if (gap <= 2e-3 && (best === undefined || gap < best[0])) best = [gap, slips];
  }
  return best?.[1];
}

function listed(slips: readonly string[]): string {
  return slips.length <= 2 ? slips.join(", and ") : `${slips.slice(0, -1).join(", ")}, and ${slips[slips.length - 1]}`;
}

function checkBleu(answer: number): Feedback {
  const x = asNumber(answer);
  if (isFeedback(x)) return x;
  const expected = bleu(charTokens(BLEU_EXERCISE_PRED), charTokens(BLEU_EXERCISE_LABEL), 2);
  if (Math.abs(x - expected) <= 1e-3) {
    return correct(
      `BLEU = ${fmt(expected)}: the extra "1" and the second "-1" are clipped, and the missing character costs a brevity factor of exp(1 − 10/9)`,
    );
  }
  if (x < 0) return wrong(`${fmt(x)} is negative, and BLEU lies between 0 and 1`);
  if (x > 1.5 && x <= 100) {
    const fraction = x / 100;
    if (Math.abs(fraction - expected) <= 1e-3) {
      return wrong(`${fmt(x)} is a percentage; give BLEU as d2l's bleu returns it, a number between 0 and 1`);
    }
    const slips = bleuSlipsNear(fraction);
    if (slips !== undefined) return wrong(`${fmt(x)} is a percentage (give a number between 0 and 1), and your number ${listed(slips)}`);
    return wrong(`${fmt(x)} looks like a percentage; BLEU is a number between 0 and 1`);
  }
  const slips = bleuSlipsNear(x);
  if (slips !== undefined) return wrong(`your number ${listed(slips)}`);
  if (x > 1) return wrong(`${fmt(x)} is above 1, and BLEU lies between 0 and 1 (1 for a perfect prediction)`);
  return wrong(`${fmt(x)} is ${howFarOff(x, expected)}: count the matching unigrams and bigrams, clip them, and apply the brevity factor`);
}

/** Exercise 3: how many numbers the decoder's GRU reads at each step, with `embedSize` 32 and an encoder of `numHiddens` 96. */
export function decoderInputWidth(): number {
  const embedSize = 32; // the previous target token, embedded
  const contextSize = 96; // C: the encoder's last hidden state, as wide as its numHiddens
  return embedSize + contextSize; // [e(y_{t−1}), C] side by side at every step
}

function checkDecoderWidth(answer: number): Feedback {
  const x = asCount(answer);
  if (isFeedback(x)) return x;
  const [embedSize, contextSize, decoderHiddens] = [32, 96, 96];
  const width = decoderInputWidth();
  if (x === width) {
    return correct(
      `${width} numbers: the embedded previous token (32) and the context C (96) side by side at every step; it is the numInputs of the decoder's block`,
    );
  }
  if (x === contextSize) return wrong("that is the context C alone; at each step the decoder also reads the previous target token");
  if (x === embedSize) return wrong("that is the embedded previous token alone; the decoder also reads the context C at every step");
  if (x === embedSize + contextSize + decoderHiddens || x === contextSize + decoderHiddens) {
    return wrong(
      "your count includes the decoder's own hidden state H_{t−1}; it enters the GRU through W_h·, not as part of the step's input",
    );
  }
  if (x === embedSize * contextSize) return wrong("the token's embedding and C are put side by side, not multiplied");
  if (x >= 1000) {
    return wrong(
      `${x} looks like a number of weights (parameters), not a width: count the numbers in the vector the GRU reads at one step`,
    );
  }
  return wrong(`${x} is ${howFarOff(x, width)}: what does the decoder read at each step, and how wide is each part?`);
}

/** The exercises of notebook 07-seq2seq. */
export const SEQ2SEQ_EXERCISES = {
  notebook: "07-seq2seq",
  file: "exercises/seq2seq.ts",
  exercises: {
    1: functionExercise<BeamStepFunction>({
      title: "one step of beam search",
      hint: "Score every (beam, token) pair by the log-probability of the whole extended sequence; then keep the k best of all the pairs, best first. Give each extension ids of its own and leave the beams you were given unchanged.",
      explanation:
        "A sequence's probability is the product of its tokens' probabilities, so its log-probability is the beam's plus the new token's; the k best are taken over all beams at once.",
      solution: beamStep,
      mistake: (beams, logProbs, k) =>
        beams
          .map((beam, i) => {
            const v = logProbs[i].indexOf(Math.max(...logProbs[i]));
            return { ids: [...beam.ids, v], logProb: beam.logProb + logProbs[i][v] };
          })
          .sort((a, b) => b.logProb - a.logProb)
          .slice(0, k),
      check: checkBeamStep,
    }),
    2: valueExercise<number>({
      title: "BLEU by hand",
      hint: "Count the prediction's unigrams and bigrams that occur in the label, each at most as often as the label has it; divide by how many the prediction has; raise p_1 to 1/2 and p_2 to 1/4; multiply by exp(min(0, 1 − len_label / len_pred)).",
      explanation:
        "Clipping stops a prediction from scoring by repeating a correct n-gram, and the brevity factor stops it from scoring by leaving out what it is unsure of.",
      solution: bleuByHand,
      mistake: () => bleuBy({ clip: false, brevity: "exp", weights: "d2l" }),
      check: checkBleu,
    }),
    3: valueExercise<number>({
      title: "the decoder's input width",
      hint: "At step t the decoder's GRU reads one vector: what is put side by side in it, and how wide is each part? Its own hidden state is not part of that vector.",
      explanation:
        "The decoder feeds its GRU the embedding of the previous token concatenated with C at every step, so the block's numInputs is embedSize + the encoder's numHiddens.",
      solution: decoderInputWidth,
      mistake: () => 96,
      check: checkDecoderWidth,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
