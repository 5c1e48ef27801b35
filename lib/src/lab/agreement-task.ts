/**
 * A synthetic agreement task with a controlled distance: "The **cat**, which …, **was** full" reduced to the one
 * bit that matters. A sequence is a subject marker (`S`, singular, or `P`, plural), `d` random distractor
 * tokens, then the verb slot `?`, where the model must say `was` (label 0) or `were` (label 1):
 *
 * ```text
 * S c h a a f ? → was          P g b d ? → were          (distance d = number of distractors)
 * ```
 *
 * Every token is one character, so a sequence is also a short string (`agreementText`) that the gate traces of
 * `rnn/trace.ts` can label. Examples are seeded and balanced: half singular, half plural, in shuffled order.
 *
 * ```ts
 * const vocab = agreementVocab();                                     // <pad> S P ? a b c d e f g h
 * const { sequences, labels } = agreementExamples({ distance: 16, count: 200, seed: 3 });
 * const data = agreementSource({ distances: [1, 4, 16, 64], batchSize: 32, batchesPerDistance: 10 });
 * ```
 * @see notebooks/04b-long-range.ipynb
 */
import type { BatchSource, LabeledTextBatch } from "../data/batch";
import { labeledTextBatch } from "../data/batch";
import { Rng } from "../data/rng";
import { Vocab } from "../data/vocab";

/** The subject marker of a singular subject (id 1). */
export const SINGULAR = "S";
/** The subject marker of a plural subject (id 2). */
export const PLURAL = "P";
/** The verb slot, the last token of every sequence (id 3): the model answers after reading it. */
export const VERB_SLOT = "?";
/** What each label means: 0 → `"was"` (after `S`), 1 → `"were"` (after `P`). */
export const AGREEMENT_LABELS = ["was", "were"] as const;
/** Distractor tokens are the first `numDistractors` of these letters. */
export const DISTRACTOR_LETTERS = "abcdefghijklmnopqrstuvwxyz";
/** Distractor tokens by default. */
export const DEFAULT_NUM_DISTRACTORS = 8;
/** Id of the first distractor (after `<pad>`, `S`, `P`, `?`). */
const FIRST_DISTRACTOR = 4;

function checkNumDistractors(where: string, n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > DISTRACTOR_LETTERS.length) {
    throw new Error(`${where}: numDistractors must be an integer from 1 to ${DISTRACTOR_LETTERS.length}, got ${n}.`);
  }
}

function checkDistance(where: string, d: number): void {
  if (!Number.isInteger(d) || d < 1) {
    throw new Error(`${where}: a distance must be an integer ≥ 1 (distractors between the subject and the verb), got ${d}.`);
  }
}

/**
 * The task's vocabulary: `<pad>` (id 0), `S`, `P`, `?`, then `numDistractors` letters `a`, `b`, …
 * @throws Error when `numDistractors` is not an integer from 1 to 26.
 */
export function agreementVocab(numDistractors = DEFAULT_NUM_DISTRACTORS): Vocab {
  checkNumDistractors("agreementVocab", numDistractors);
  // Each token once, in this order: Vocab.build keeps first-appearance order among equal counts.
  return Vocab.build([SINGULAR, PLURAL, VERB_SLOT, ...DISTRACTOR_LETTERS.slice(0, numDistractors)], { reserved: ["<pad>"] });
}

/** Options of {@link agreementExamples}. */
export interface AgreementExampleOptions {
  /** Distractors between the subject marker and the verb slot (≥ 1). */
  readonly distance: number;
  /** How many sequences. */
  readonly count: number;
  /** Seed of the distractors and the order. Default 1. */
  readonly seed?: number;
  /** Distractor tokens to draw from. Default {@link DEFAULT_NUM_DISTRACTORS}. */
  readonly numDistractors?: number;
}

/** Sequences of ids and their labels (0 = singular, 1 = plural). */
export interface AgreementExamples {
  /** Each `[marker, …distance distractors, ?]`: `distance + 2` ids. */
  readonly sequences: number[][];
  readonly labels: number[];
}

/**
 * `count` sequences at one distance: `⌈count/2⌉` singular and `⌊count/2⌋` plural, distractors drawn uniformly,
 * in a shuffled order. The same options give the same examples.
 * @throws Error when the distance is below 1, the count is not a positive integer, or numDistractors is out of range.
 */
export function agreementExamples(opts: AgreementExampleOptions): AgreementExamples {
  const { distance, count, seed = 1, numDistractors = DEFAULT_NUM_DISTRACTORS } = opts;
  checkDistance("agreementExamples", distance);
  checkNumDistractors("agreementExamples", numDistractors);
  if (!Number.isInteger(count) || count < 1) throw new Error(`agreementExamples: count must be a positive integer, got ${count}.`);
  const rng = new Rng(seed);
  const labels = rng.shuffle(Array.from({ length: count }, (_, i) => (i < Math.ceil(count / 2) ? 0 : 1)));
  const sequences = labels.map((label) => [
    1 + label, // S (id 1) or P (id 2)
    ...Array.from({ length: distance }, () => FIRST_DISTRACTOR + rng.int(numDistractors)),
    3, // ?
  ]);
  return { sequences, labels };
}

/** A sequence of the task as text, e.g. `[1, 6, 4, 3]` → `"Sca?"`. */
export function agreementText(ids: readonly number[], vocab: Vocab = agreementVocab(DISTRACTOR_LETTERS.length)): string {
  return vocab.decode(ids).join("");
}

/** The same text with the subject marker swapped (`S…?` ↔ `P…?`): the sequence of the other number. */
export function otherNumber(text: string): string {
  const first = text[0];
  if (first !== SINGULAR && first !== PLURAL) {
    throw new Error(`otherNumber: "${text.slice(0, 12)}…" does not start with a subject marker (${SINGULAR} or ${PLURAL}).`);
  }
  return (first === SINGULAR ? PLURAL : SINGULAR) + text.slice(1);
}

/** Options of {@link agreementSource}. */
export interface AgreementSourceOptions {
  /** The training distances; each training batch holds one of them (so no padding). */
  readonly distances: readonly number[];
  /** Sequences per batch. Default 32. */
  readonly batchSize?: number;
  /** Batches of each distance in an epoch (their order is shuffled). Default 10. */
  readonly batchesPerDistance?: number;
  /** Validation sequences per distance (one batch each, fixed). Default 64. */
  readonly numValPerDistance?: number;
  /** Distractor tokens. Default {@link DEFAULT_NUM_DISTRACTORS}. */
  readonly numDistractors?: number;
  /** Seed of every batch. Default 1. */
  readonly seed?: number;
}

/** A {@link BatchSource} of the task, with the options it was made with. */
export interface AgreementSource extends BatchSource<LabeledTextBatch> {
  readonly options: Required<AgreementSourceOptions>;
  /** Tokens in the vocabulary (`4 + numDistractors`). */
  readonly vocabSize: number;
  /** Training batches per epoch: `distances.length × batchesPerDistance`. */
  readonly batchesPerEpoch: number;
}

/** A seed for (seed, stream, index): distinct streams of examples that never share a generator. */
function subSeed(seed: number, stream: number, index: number): number {
  return (Math.imul(seed, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

/**
 * Training and validation batches of the task. Every epoch draws **fresh** sequences (seeded by the epoch), so a
 * model cannot memorise them: `batchesPerDistance` batches of each training distance, shuffled, each batch one
 * distance and balanced. Validation is one fixed batch per distance.
 * @throws Error when a distance is below 1, or a size is not a positive integer.
 */
export function agreementSource(opts: AgreementSourceOptions): AgreementSource {
  const options: Required<AgreementSourceOptions> = {
    batchSize: 32,
    batchesPerDistance: 10,
    numValPerDistance: 64,
    numDistractors: DEFAULT_NUM_DISTRACTORS,
    seed: 1,
    ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
    distances: [...opts.distances],
  };
  const { distances, batchSize, batchesPerDistance, numValPerDistance, numDistractors, seed } = options;
  if (distances.length === 0) throw new Error("agreementSource: no distances; give at least one, e.g. [1, 4, 16, 64].");
  distances.forEach((d) => checkDistance("agreementSource", d));
  checkNumDistractors("agreementSource", numDistractors);
  for (const [key, v] of Object.entries({ batchSize, batchesPerDistance, numValPerDistance })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`agreementSource: ${key} must be a positive integer, got ${v}.`);
  }
  const batchOf = (distance: number, count: number, s: number): LabeledTextBatch => {
    const { sequences, labels } = agreementExamples({ distance, count, seed: s, numDistractors });
    return labeledTextBatch(sequences, labels);
  };
  const val = distances.map((d, i) => batchOf(d, numValPerDistance, subSeed(seed, 0, i)));
  return {
    options,
    vocabSize: FIRST_DISTRACTOR + numDistractors,
    batchesPerEpoch: distances.length * batchesPerDistance,
    *trainBatches(epoch: number) {
      const rng = new Rng(subSeed(seed, 1, epoch));
      const order = rng.shuffle(distances.flatMap((d) => new Array<number>(batchesPerDistance).fill(d)));
      for (let i = 0; i < order.length; i++) yield batchOf(order[i], batchSize, subSeed(seed, 2 + epoch, i));
    },
    valBatches: () => val,
  };
}

/**
 * Held-out test sets: `count` sequences at each distance, from a seed stream that training and validation never
 * use. (For short distances there are only `2 · numDistractors^d` sequences, so some also occur in training:
 * the task measures memory, not generalisation to new strings.)
 */
export function agreementTestSets(
  distances: readonly number[],
  opts: { readonly count?: number; readonly numDistractors?: number; readonly seed?: number } = {},
): LabeledTextBatch[] {
  const { count = 200, numDistractors = DEFAULT_NUM_DISTRACTORS, seed = 1 } = opts;
  return distances.map((distance, i) => {
    const { sequences, labels } = agreementExamples({ distance, count, seed: subSeed(seed, 1_000_000, i), numDistractors });
    return labeledTextBatch(sequences, labels);
  });
}
