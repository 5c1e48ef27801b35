/**
 * Exercises of notebook 07b: a masked softmax over padded source positions, additive (Bahdanau)
 * attention weights by hand, how many weights a batch's attention holds, and how many parameters an
 * additive attention has.
 * @see notebooks/07b-attention.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { ExerciseBook, ExerciseMap, Feedback, correct, functionExercise, unanswered, valueExercise, wrong } from "./exercise";
import { ParameterPart, asCount, describe, fmt, howFarOff, isFeedback, judgeParameterCount, tidyFeedback } from "./feedback";

/**
 * The answer of exercise 1: attention weights `[batchSize][numSources]` from scores of the same shape,
 * with weight 0 at positions `j ≥ validLens[b]` (`undefined` while not written). A tensor is read as well.
 */
export type MaskedSoftmaxFunction = (scores: number[][], validLens: number[]) => number[][] | tf.Tensor | undefined;

/** Exercise 1: a softmax along each row over its first `validLens[b]` positions (`validLens[b] ≥ 1`); padded positions get exactly 0. */
export function maskedSoftmax(scores: number[][], validLens: number[]): number[][] {
  return scores.map((row, b) => {
    const n = validLens[b]; // positions 0 … n − 1 are real, the rest is padding
    const max = Math.max(...row.slice(0, n)); // exp(s − max) ≤ 1: no overflow, and the softmax is unchanged
    const e = row.map((s, j) => (j < n ? Math.exp(s - max) : 0)); // padding: exp(−∞) = 0
    const Z = e.reduce((sum, x) => sum + x, 0); // over the real positions only
    return e.map((x) => x / Z); // the row sums to 1
  });
}

/** One input the check of exercise 1 gives the student's function. */
interface MaskCase {
  /** The situation, for a message: `"with 2 examples of 5 scores and validLens [3, 5]"`. */
  readonly what: string;
  /** `[batchSize][numSources]`. */
  readonly scores: readonly (readonly number[])[];
  /** `[batchSize]`, each ≥ 1. */
  readonly validLens: readonly number[];
}

/** The inputs the check tries, in order: a plain case, a valid length of 1, scores near 1000, padding with the largest score. */
const MASK_CASES: readonly MaskCase[] = [
  {
    what: "with 2 examples of 5 scores and validLens [3, 5]",
    scores: [
      [0.5, -1.25, 2, 1.5, -0.5],
      [1, 0.25, -0.75, 1.75, -2],
    ],
    validLens: [3, 5],
  },
  {
    what: "with 3 examples of 4 scores and validLens [1, 4, 2]",
    scores: [
      [-0.5, 1, 0.75, 2],
      [0.25, -1, 1.5, 0.5],
      [1.25, 0.5, -0.25, 3],
    ],
    validLens: [1, 4, 2],
  },
  {
    what: "with scores around 1000 (2 examples of 4 scores, validLens [4, 2])",
    scores: [
      [1000.5, 999.25, 1001, 998.75],
      [1000, 1002.5, 999.5, 1001.5],
    ],
    validLens: [4, 2],
  },
  {
    what: "with a padded position holding by far the largest score (validLens [2, 3])",
    scores: [
      [0.5, -0.25, 800, 1],
      [1.25, 0, -0.5, 900],
    ],
    validLens: [2, 3],
  },
];

/** One way of computing masked weights: the reference (`valid`, `valid`, `row`) or one with slips. */
interface SoftmaxRecipe {
  /** Which positions take part: the valid ones, all, all with padded scores set to 0, all then padded weights zeroed, one more or one fewer. */
  readonly mask: "valid" | "none" | "zero" | "after" | "oneMore" | "oneLess";
  /** What is subtracted before `exp`: the max over the positions taking part, nothing, or the max over the whole raw row. */
  readonly shift: "valid" | "none" | "all";
  /** Normalised along each row (the source positions) or down each column (the batch). */
  readonly axis: "row" | "batch";
}

/** A masked softmax over one line of scores (a row, or a column for the batch-axis slip); `lens[i]` is entry i's valid length. */
function softmaxLine(scores: readonly number[], positions: readonly number[], lens: readonly number[], r: SoftmaxRecipe): number[] {
  const live = positions.map((j, i) => {
    const n = lens[i];
    return r.mask === "oneMore" ? j < n + 1 : r.mask === "oneLess" ? j < n - 1 : r.mask === "valid" ? j < n : true;
  });
  const s = scores.map((x, i) => (r.mask === "zero" && positions[i] >= lens[i] ? 0 : x));
  const liveScores = s.filter((_, i) => live[i]);
  const m = r.shift === "none" ? 0 : r.shift === "all" ? Math.max(...scores) : Math.max(...liveScores);
  const e = s.map((x, i) => (live[i] ? Math.exp(x - m) : 0));
  const Z = e.reduce((sum, x) => sum + x, 0);
  return e.map((x, i) => (r.mask === "after" && positions[i] >= lens[i] ? 0 : x / Z));
}

/** The weights `recipe` gives for `c`, `[batchSize][numSources]`. */
function softmaxBy(r: SoftmaxRecipe, c: MaskCase): number[][] {
  const S = c.scores[0].length;
  const sources = Array.from({ length: S }, (_, j) => j);
  if (r.axis === "row")
    return c.scores.map((row, b) =>
      softmaxLine(
        row,
        sources,
        sources.map(() => c.validLens[b]),
        r,
      ),
    );
  const columns = sources.map((j) =>
    softmaxLine(
      c.scores.map((row) => row[j]),
      c.scores.map(() => j),
      c.validLens,
      r,
    ),
  );
  return c.scores.map((_, b) => columns.map((col) => col[b])); // back to [batchSize][numSources]
}

/** The words for each slip of a recipe, after "your function". */
const MASK_SLIPS: Readonly<Record<SoftmaxRecipe["mask"], string>> = {
  valid: "",
  none: "gives padded positions (at or beyond their row's valid length) a weight above 0: the softmax spreads attention onto padding",
  zero: "sets padded scores to 0 before the softmax, but exp(0) = 1, so padded positions still get weight",
  after: "zeroes the padded weights after a softmax over the whole row, so the rows no longer sum to 1",
  oneMore: "also gives weight to the position at index validLen, which is the first padded one",
  oneLess: "gives weight 0 to the last valid position, index validLen − 1",
};
const SHIFT_SLIPS: Readonly<Record<SoftmaxRecipe["shift"], string>> = {
  valid: "",
  none: "returns NaN when the scores are around 1000: exp(1000) overflows to Infinity, and Infinity / Infinity is NaN",
  all: "returns NaN when a padded position holds by far the largest score: the maximum you subtract includes padded positions, so every real exp(s − max) underflows to 0",
};
const AXIS_SLIPS: Readonly<Record<SoftmaxRecipe["axis"], string>> = {
  row: "",
  batch: "normalises down each column (over the examples of the batch) instead of along each row (over one example's source positions)",
};

/** Every recipe with at least one slip and the phrases for its slips, fewest slips first. */
const SOFTMAX_SLIPS: readonly [SoftmaxRecipe, string[]][] = (() => {
  const out: [SoftmaxRecipe, string[]][] = [];
  for (const mask of Object.keys(MASK_SLIPS) as SoftmaxRecipe["mask"][]) {
    for (const shift of Object.keys(SHIFT_SLIPS) as SoftmaxRecipe["shift"][]) {
      for (const axis of Object.keys(AXIS_SLIPS) as SoftmaxRecipe["axis"][]) {
        const slips = [MASK_SLIPS[mask], SHIFT_SLIPS[shift], AXIS_SLIPS[axis]].filter((s) => s !== "");
        if (slips.length > 0) out.push([{ mask, shift, axis }, slips]);
      }
    }
  }
  return out.sort((a, b) => a[1].length - b[1].length);
})();

/** `"a, b, and c"`. */
function listed(phrases: readonly string[]): string {
  return phrases.length <= 2 ? phrases.join(", and ") : `${phrases.slice(0, -1).join(", ")}, and ${phrases[phrases.length - 1]}`;
}

/** True when two weight tables agree within `tol` (NaN agreeing with NaN). */
function sameTable(a: readonly (readonly number[])[], b: readonly (readonly number[])[], tol: number): boolean {
  return a.every((row, i) => row.every((x, j) => (Number.isNaN(x) ? Number.isNaN(b[i][j]) : Math.abs(x - b[i][j]) <= tol)));
}

/** The student's result as plain numbers `[batchSize][numSources]`, or the feedback on why it is not that. */
function readTable(c: MaskCase, result: unknown): number[][] | Feedback {
  const [B, S] = [c.scores.length, c.scores[0].length];
  let table: unknown = result;
  if (result instanceof tf.Tensor) {
    if (result.rank !== 2) return wrong(`${c.what}, your function returns ${describe(result)}; the weights must be [${B}, ${S}]`);
    table = result.arraySync();
  }
  if (!Array.isArray(table)) return wrong(`your function returns ${describe(table)}, not an array of rows of weights`);
  const rows = table.map((row: unknown) => (Array.isArray(row) || ArrayBuffer.isView(row) ? Array.from(row as ArrayLike<unknown>) : row));
  if (rows.length === S && rows.every((row) => Array.isArray(row) && row.length === B)) {
    return wrong(`${c.what}, your result has a row per source position; keep one row per example, as in scores`);
  }
  if (rows.length !== B)
    return wrong(`${c.what}, your function returns ${rows.length} row${rows.length === 1 ? "" : "s"}; give one row per example (${B})`);
  for (const [b, row] of rows.entries()) {
    if (!Array.isArray(row)) return wrong(`row ${b} of your result is ${describe(row)}, not an array of weights`);
    if (row.length !== S) return wrong(`${c.what}, row ${b} of your result has ${row.length} weights; give one per source position (${S})`);
    const bad = row.findIndex((x) => typeof x !== "number");
    if (bad >= 0) return wrong(`weight [${b}][${bad}] of your result is ${describe(row[bad])}, not a number`);
  }
  return rows as number[][];
}

/** The largest `|mine − reference|` over the valid positions, and whether every padded position is exactly 0. */
function compareToReference(c: MaskCase, mine: readonly (readonly number[])[]): { gap: number; paddedZero: boolean } {
  const reference = maskedSoftmax(
    c.scores.map((row) => [...row]),
    [...c.validLens],
  );
  let gap = 0;
  let paddedZero = true;
  mine.forEach((row, b) =>
    row.forEach((x, j) => {
      if (j >= c.validLens[b]) paddedZero &&= x === 0;
      else gap = Math.max(gap, Number.isNaN(x) ? Infinity : Math.abs(x - reference[b][j]));
    }),
  );
  return { gap, paddedZero };
}

/** What is wrong with weights that match no catalogued slip. */
function describeTable(c: MaskCase, w: readonly (readonly number[])[]): Feedback {
  if (w.some((row) => row.some(Number.isNaN))) return wrong(`${c.what}, some of your weights are NaN`);
  if (w.some((row) => row.some((x) => !Number.isFinite(x)))) return wrong(`${c.what}, some of your weights are infinite`);
  if (w.some((row, b) => row.some((x, j) => j >= c.validLens[b] && x !== 0))) {
    return wrong(`${c.what}, some padded positions (at or beyond their row's valid length) get a weight other than 0`);
  }
  if (w.some((row) => row.some((x) => x < 0))) return wrong(`${c.what}, some of your weights are negative; a softmax gives weights ≥ 0`);
  const b = w.findIndex((row) => Math.abs(row.reduce((s, x) => s + x, 0) - 1) > 1e-5);
  if (b >= 0) return wrong(`${c.what}, row ${b} of your weights sums to ${fmt(w[b].reduce((s, x) => s + x, 0))}, not 1`);
  return wrong(`${c.what}, your rows sum to 1 and padding gets 0, but the real positions' weights are not the softmax of their scores`);
}

/** Feedback on the student's function for one case, or `undefined` when it gives the reference's weights. */
function judgeMaskCase(answer: MaskedSoftmaxFunction, c: MaskCase): Feedback | undefined {
  const scores = c.scores.map((row) => [...row]); // copies: the case stays as it is
  const validLens = [...c.validLens];
  let result: unknown;
  try {
    result = answer(scores, validLens);
  } catch (err) {
    return wrong(`${c.what}, your function raised an error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (result === undefined) return unanswered("Your function returns undefined: write its body and run the cell again.");
  const w = readTable(c, result);
  if (isFeedback(w)) return w;
  const { gap, paddedZero } = compareToReference(c, w);
  if (gap <= 1e-5 && paddedZero) {
    const intact = c.scores.every((row, b) => row.every((x, j) => scores[b][j] === x)) && c.validLens.every((n, b) => validLens[b] === n);
    if (intact) return undefined;
    return wrong(
      "your weights are right, but your function writes into the scores (or validLens) it was given; the caller may still need them, so leave them as they were",
    );
  }
  if (gap <= 1e-5) {
    return wrong(
      `${c.what}, padded positions get a tiny weight instead of exactly 0: the score you give them is not low enough for exp to reach 0`,
    );
  }
  for (const [recipe, slips] of SOFTMAX_SLIPS) if (sameTable(w, softmaxBy(recipe, c), 1e-5)) return wrong(`your function ${listed(slips)}`);
  return describeTable(c, w);
}

function checkMaskedSoftmax(answer: MaskedSoftmaxFunction): Feedback {
  if (typeof answer !== "function") return wrong(`your answer is ${describe(answer)}, not a function`);
  return tidyFeedback(() => {
    for (const c of MASK_CASES) {
      const feedback = judgeMaskCase(answer, c);
      if (feedback !== undefined) return feedback;
    }
    return correct(
      "padding gets exactly 0, each row sums to 1, and scores near 1000 stay finite: the softmax only ever sees the valid positions, shifted by their max",
    );
  });
}

/** The numbers of exercise 2; a matrix is a list of rows, so `(W x)_i = W[i][0]·x[0] + W[i][1]·x[1]`. */
export interface AdditiveAttentionInputs {
  /** The query `q`, 2 numbers. */
  readonly q: readonly number[];
  /** The keys `k_1, k_2, k_3`, 2 numbers each. */
  readonly keys: readonly (readonly number[])[];
  /** `W_q`, 2 × 2 (rows: hidden units). */
  readonly W_q: readonly (readonly number[])[];
  /** `W_k`, 2 × 2 (rows: hidden units). */
  readonly W_k: readonly (readonly number[])[];
  /** `w_v`, 2 numbers: turns the 2 hidden units into one score. */
  readonly w_v: readonly number[];
}

const frozen = <T>(rows: T[][]): readonly (readonly T[])[] => Object.freeze(rows.map((r) => Object.freeze(r)));

/** The numbers of exercise 2: `a(q, k_i) = w_vᵀ tanh(W_q q + W_k k_i)`, then a softmax over `i`. */
export const ADDITIVE_ATTENTION_EXERCISE: AdditiveAttentionInputs = Object.freeze({
  q: Object.freeze([-1, -0.5]),
  keys: frozen([
    [1, 0],
    [0, 1],
    [1, 1],
  ]),
  W_q: frozen([
    [0.5, -0.5],
    [1, 0.5],
  ]),
  W_k: frozen([
    [-1, -0.5],
    [1, 2],
  ]),
  w_v: Object.freeze([1.5, 1]),
});

/** Exercise 2: the three attention weights of `ADDITIVE_ATTENTION_EXERCISE`, computed step by step. */
export function additiveWeightsByHand(): number[] {
  const { q, keys, W_q, W_k, w_v } = ADDITIVE_ATTENTION_EXERCISE;
  const matVec = (W: readonly (readonly number[])[], x: readonly number[]): number[] => W.map((row) => row[0] * x[0] + row[1] * x[1]); // (W x)_i: row i of W times x
  const Wq_q = matVec(W_q, q); // [-0.25, -1.25], the same for every key
  const scores = keys.map((k) => {
    const Wk_k = matVec(W_k, k);
    const h = Wq_q.map((x, i) => Math.tanh(x + Wk_k[i])); // tanh(W_q q + W_k k_i): 2 hidden units
    return w_v[0] * h[0] + w_v[1] * h[1]; // a(q, k_i) = w_vᵀ h, one number per key
  });
  const e = scores.map((a) => Math.exp(a)); // scores between −2.5 and 2.5: no overflow
  const Z = e.reduce((sum, x) => sum + x, 0);
  return e.map((x) => x / Z); // softmax over the 3 keys
}

/** One way of computing exercise 2: the reference (`inside`, no transposes, `softmax`) or one with slips. */
interface AdditiveRecipe {
  readonly tanh: "inside" | "none" | "outside";
  readonly transposeQ: boolean;
  readonly transposeK: boolean;
  readonly norm: "softmax" | "none" | "sum";
}

/** The three numbers `recipe` gives. */
function additiveBy(r: AdditiveRecipe): number[] {
  const { q, keys, W_q, W_k, w_v } = ADDITIVE_ATTENTION_EXERCISE;
  const matVec = (W: readonly (readonly number[])[], x: readonly number[], transpose: boolean): number[] =>
    [0, 1].map((i) => (transpose ? W[0][i] * x[0] + W[1][i] * x[1] : W[i][0] * x[0] + W[i][1] * x[1]));
  const scores = keys.map((k) => {
    const f = matVec(W_q, q, r.transposeQ).map((x, i) => x + matVec(W_k, k, r.transposeK)[i]);
    const h = r.tanh === "inside" ? f.map(Math.tanh) : f;
    const a = w_v[0] * h[0] + w_v[1] * h[1];
    return r.tanh === "outside" ? Math.tanh(a) : a;
  });
  if (r.norm === "none") return scores;
  if (r.norm === "sum") return scores.map((a) => a / scores.reduce((s, x) => s + x, 0));
  const e = scores.map((a) => Math.exp(a));
  return e.map((x) => x / e.reduce((s, y) => s + y, 0));
}

/** The phrases for the slips of a recipe, after "your calculation". */
function additiveSlips(r: AdditiveRecipe): string[] {
  const noTanh =
    r.norm === "softmax"
      ? "leaves out the tanh; without it, W_q q adds the same number to every score and cancels in the softmax, so the query has no say at all"
      : "leaves out the tanh";
  const transposed = (what: string): string => `multiplies ${what} transposed: (W x)_i is row i of W times x`;
  return [
    { inside: "", none: noTanh, outside: "applies tanh to the score instead of to the hidden vector W_q q + W_k k_i" }[r.tanh],
    r.transposeQ && r.transposeK ? transposed("by W_q and W_k") : r.transposeQ ? transposed("q by W_q") : "",
    !r.transposeQ && r.transposeK ? transposed("the keys by W_k") : "",
    {
      softmax: "",
      none: "stops at the scores a(q, k_i), before they are turned into weights",
      sum: "divides each score by the sum of the scores instead of taking their softmax",
    }[r.norm],
  ].filter((s) => s !== "");
}

/** Every recipe with at least one slip and its phrases, fewest slips first. */
const ADDITIVE_SLIPS: readonly [number[], string[]][] = (() => {
  const out: [number[], string[]][] = [];
  for (const tanh of ["inside", "none", "outside"] as const) {
    for (const transposeQ of [false, true]) {
      for (const transposeK of [false, true]) {
        for (const norm of ["softmax", "none", "sum"] as const) {
          const r = { tanh, transposeQ, transposeK, norm };
          const slips = additiveSlips(r);
          if (slips.length > 0) out.push([additiveBy(r), slips]);
        }
      }
    }
  }
  return out.sort((a, b) => a[1].length - b[1].length);
})();

/** How far apart two triples are (the largest difference). */
const gapOf = (a: readonly number[], b: readonly number[]): number => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

/** Weights within this of the reference are right (2 decimals are enough); a slip is recognised within the same. */
const ADDITIVE_TOLERANCE = 5e-3;

function checkAdditive(answer: readonly number[]): Feedback {
  if (!Array.isArray(answer)) return wrong(`your answer is ${describe(answer)}; give an array of the 3 weights, [w_1, w_2, w_3]`);
  if (answer.length !== 3) return wrong(`your answer is ${describe(answer)}; give the 3 weights, one per key`);
  const bad = answer.findIndex((x) => typeof x !== "number" || !Number.isFinite(x));
  if (bad >= 0) return wrong(`weight ${bad + 1} of your answer is ${describe(answer[bad])}, not a finite number`);
  const w = answer as number[];
  const right = additiveWeightsByHand();
  if (gapOf(w, right) <= ADDITIVE_TOLERANCE) {
    return correct(
      `weights ${right.map((x) => x.toFixed(3)).join(", ")}: through the tanh the query decides which key wins (here k_${right.indexOf(Math.max(...right)) + 1}); without the tanh it would cancel in the softmax`,
    );
  }
  const slip = ADDITIVE_SLIPS.find(([value]) => gapOf(w, value) <= ADDITIVE_TOLERANCE);
  if (slip !== undefined) return wrong(`your calculation ${listed(slip[1])}`);
  const sum = w.reduce((s, x) => s + x, 0);
  if (Math.abs(sum - 100) <= 1) return wrong("your weights look like percentages; give them as fractions that sum to 1");
  const orders = [
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  if (
    orders.some(
      (p) =>
        gapOf(
          w,
          p.map((i) => right[i]),
        ) <= ADDITIVE_TOLERANCE,
    )
  ) {
    return wrong("your three weights are in another order than the keys: give w_1, w_2, w_3 for k_1, k_2, k_3");
  }
  if (gapOf(w, right) <= 0.02) {
    return wrong("your weights are close but not close enough: keep at least 3 decimals in every intermediate step");
  }
  if (w.some((x) => x < 0)) return wrong("some of your weights are negative; attention weights come from a softmax, so they are ≥ 0");
  if (Math.abs(sum - 1) > 1e-2) return wrong(`your three numbers sum to ${fmt(sum)}; attention weights sum to 1`);
  return wrong(
    "your weights sum to 1 but are not the softmax of a(q, k_i) = w_vᵀ tanh(W_q q + W_k k_i): recompute each score step by step",
  );
}

/** Exercise 3: how many numbers the attention weights of one batch hold (64 pairs, 11 target steps, sources padded to 29). */
export function attentionWeightCount(): number {
  const batchSize = 64;
  const numTargetSteps = 11; // one query per decoder step
  const numSourceSteps = 29; // one key per source position, padded ones included (their weight is 0)
  return batchSize * numTargetSteps * numSourceSteps; // [batchSize, numTargetSteps, numSourceSteps]
}

function checkWeightCount(answer: number): Feedback {
  const x = asCount(answer);
  if (isFeedback(x)) return x;
  const [B, T, S] = [64, 11, 29];
  const count = attentionWeightCount();
  if (x === count) {
    return correct(
      `${count} = 64 × 11 × 29 weights: one for every (example, target step, source position), padded positions included; one 11 × 29 heatmap per example, and the tensor grows with the product of the two lengths`,
    );
  }
  if (x === B * S) return wrong("that is the weights of one decoder step; each of the target steps has weights of its own");
  if (x === T * S) return wrong("that is one example's weights; the batch holds many examples, each with its own");
  if (x === B * T) return wrong("that is one weight per target step; each target step weighs every source position");
  if (x === B * (T + S) || x === T + S) {
    return wrong("the two lengths add up in your count; there is a weight for every (target step, source position) pair");
  }
  if (x === B * S * S || x === B * T * T) {
    return wrong("your count pairs a sequence with itself; here the queries are the target steps and the keys the source positions");
  }
  if ([B * (T - 1) * S, B * (T + 1) * S, B * T * (S - 1), B * T * (S + 1)].includes(x)) {
    return wrong(
      "your count is one step or position off: take the target steps and the padded source length as given (a padded position still has a weight, 0)",
    );
  }
  return wrong(`${x} is ${howFarOff(x, count)}: what are the three axes of the weight tensor, and how long is each?`);
}

/** The parts of exercise 4's additive attention: query size 64, key size 64, 32 hidden units, no biases. */
const ADDITIVE_PARTS: readonly ParameterPart[] = [
  ["W_q", 64 * 32],
  ["W_k", 64 * 32],
  ["w_v", 32],
];

/** Exercise 4: the parameters of an additive attention with query size 64, key size 64 and 32 hidden units (no biases, as in d2l). */
export function additiveAttentionParamCount(): number {
  const [querySize, keySize, numHiddens] = [64, 64, 32];
  const W_q = querySize * numHiddens; // the query into the hidden space
  const W_k = keySize * numHiddens; // each key into the same hidden space
  const w_v = numHiddens; // a vector: one score from the hidden units
  return W_q + W_k + w_v; // independent of the batch size and of both sequence lengths
}

function checkParamCount(answer: number): Feedback {
  const x = asCount(answer);
  if (isFeedback(x)) return x;
  const count = additiveAttentionParamCount();
  const success = `${count} parameters, whatever the batch size and the lengths of the sequences: the same W_q, W_k and w_v score every (query, key) pair, while the weight tensor of exercise 3 grows with the lengths`;
  if (x === count) return correct(success);
  if ([count + 32, count + 64, count + 65, count + 33, count + 1].includes(x)) {
    return wrong("your count includes biases; this attention (d2l's AdditiveAttention) has none");
  }
  if (x === 2 * 64 * 32 + 32 * 32) return wrong("your w_v is a matrix; it is a vector that turns the 32 hidden units into one score");
  if (x === 2 * 64 * 64 + 64) return wrong("your W_q and W_k keep 64 numbers; they map the query and the keys to the 32 hidden units");
  if (x === 64 * 32 + 32) return wrong("your count has one matrix for the query and the keys together; each has its own, W_q and W_k");
  for (const factor of [64, 11, 29, 11 * 29, 64 * 11, 64 * 29, 64 * 11 * 29]) {
    if (x === factor * count) {
      return wrong(
        "your count grows with the batch or the sequence lengths; the parameters are shared by every example and every position",
      );
    }
  }
  return judgeParameterCount(x, ADDITIVE_PARTS, 1, success);
}

/** The exercises of notebook 07b-attention. */
export const ATTENTION_EXERCISES = {
  notebook: "07b-attention",
  file: "exercises/attention.ts",
  exercises: {
    1: functionExercise<MaskedSoftmaxFunction>({
      title: "masked softmax",
      hint: "Work one row at a time. Positions at or beyond the row's valid length must end with exp(score) = 0, so give them a score of −Infinity (0 is not enough: exp(0) = 1). Subtract the largest valid score before exp so that scores near 1000 do not overflow, and divide by the row's sum.",
      explanation:
        "Only the valid positions take part in the softmax, so padding gets exactly 0 and each row sums to 1; subtracting the row's largest valid score changes nothing mathematically but keeps exp from overflowing.",
      solution: maskedSoftmax,
      mistake: (scores) =>
        scores.map((row) => {
          const e = row.map((s) => Math.exp(s - Math.max(...row)));
          return e.map((x) => x / e.reduce((sum, y) => sum + y, 0));
        }),
      check: checkMaskedSoftmax,
    }),
    2: valueExercise<readonly number[]>({
      title: "additive attention weights by hand",
      hint: "First W_q q (the same for every key), then for each key W_k k_i, added to it; tanh of each of the 2 numbers, then the dot product with w_v gives the score a(q, k_i). Finally softmax over the 3 scores: exp of each, divided by their sum.",
      explanation:
        "The tanh mixes query and key nonlinearly; without it, w_vᵀ W_q q would be the same for every key and cancel in the softmax, so the query could not choose.",
      solution: additiveWeightsByHand,
      mistake: () => additiveBy({ tanh: "none", transposeQ: false, transposeK: false, norm: "softmax" }),
      check: checkAdditive,
    }),
    3: valueExercise<number>({
      title: "the attention weights of a batch",
      hint: "At every decoder step each example has one weight per source position. What are the three axes of the weight tensor, and how long is each? Padded positions still have a weight (0).",
      explanation:
        "The weights are [batchSize, numTargetSteps, numSourceSteps]: attention's memory and time grow with the product of the target and source lengths.",
      solution: attentionWeightCount,
      mistake: () => 64 * 29,
      check: checkWeightCount,
    }),
    4: valueExercise<number>({
      title: "parameters of additive attention",
      hint: "a(q, k) = w_vᵀ tanh(W_q q + W_k k): W_q takes the 64 numbers of a query to the 32 hidden units, W_k does the same for a key, and w_v takes 32 hidden units to one score. There are no biases.",
      explanation:
        "W_q (64 × 32), W_k (64 × 32) and w_v (32) are shared by every query and key, so the count does not depend on the batch or the lengths.",
      solution: additiveAttentionParamCount,
      mistake: () => 2 * 64 * 32,
      check: checkParamCount,
    }),
  },
} satisfies ExerciseBook<ExerciseMap>;
