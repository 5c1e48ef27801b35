/**
 * Minibatches for language models on one long text, cut as d2l does: every batch holds `batchSize`
 * windows of `numSteps` tokens, `X` is a window and `Y` the same window shifted one token to the right.
 *
 * - **sequential** partitioning: the text (after a random offset in `[0, numSteps)`) is split into
 *   `batchSize` long rows; batch `i` takes columns `[i·numSteps, (i+1)·numSteps)` of every row, so row
 *   `b` of batch `i+1` continues row `b` of batch `i` and a model may carry its hidden state across.
 *   Every token inside the cut range is an input exactly once per epoch.
 * - **random** partitioning: the text (after a random offset) is cut into non-overlapping windows that
 *   are shuffled; neighbouring batches are unrelated, so the state must be reset for every batch.
 *
 * ```ts
 * const ids = vocab.encode(charTokens(text));
 * const data = textBatchSource(ids, { batchSize: 32, numSteps: 35, vocabSize: vocab.size });
 * for (const { X, Y } of data.trainBatches(1)) { ... }   // X, Y: Int32Array, row-major [32, 35]
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import type { TokenBatch, TokenBatchSource } from "./batch";
import { DEFAULT_SEED, Rng } from "./rng";

/** How a long text is cut into `[batchSize, numSteps]` windows. */
export interface LMWindowOptions {
  /** Windows per batch. */
  readonly batchSize: number;
  /** Tokens per window. */
  readonly numSteps: number;
  /** Random partitioning (shuffled windows) instead of sequential. Default `false`. */
  readonly random?: boolean;
}

/** Where the windows of each batch start: `starts[batch][row]` indexes into the token array. */
export interface LMWindows {
  readonly batchSize: number;
  readonly numSteps: number;
  /** The random offset at which the cut begins (tokens before it are not used this epoch). */
  readonly offset: number;
  /** `starts[i][b]`: first token of row `b` of batch `i`. */
  readonly starts: readonly (readonly number[])[];
}

function checkWindowArgs(numTokens: number, batchSize: number, numSteps: number, who: string): void {
  for (const [name, v] of [["batchSize", batchSize], ["numSteps", numSteps]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${who}: ${name} must be a positive integer, got ${v}.`);
  }
  // The worst-case offset is numSteps - 1, and one extra token is needed for the last target.
  const needed = batchSize * numSteps + numSteps;
  if (numTokens < needed) {
    throw new Error(
      `${who}: a text of ${numTokens} tokens is too short for even one batch of batchSize × numSteps = ` +
        `${batchSize} × ${numSteps} (needs at least ${needed} tokens). Use a longer text or smaller batchSize/numSteps.`,
    );
  }
}

/** Number of batches per epoch that {@link lmWindows} gives for these sizes (the same every epoch). */
export function lmBatchCount(numTokens: number, opts: LMWindowOptions): number {
  const { batchSize, numSteps } = opts;
  checkWindowArgs(numTokens, batchSize, numSteps, "lmBatchCount");
  const usable = numTokens - 1 - (numSteps - 1); // after the largest offset, keeping one token for Y
  if (opts.random) return Math.floor(Math.floor(usable / numSteps) / batchSize);
  return Math.floor(Math.floor(usable / batchSize) / numSteps);
}

/**
 * The start of every window of one epoch. Both partitionings draw an offset in `[0, numSteps)` from
 * `rng`; the number of batches does not depend on it (see {@link lmBatchCount}).
 */
export function lmWindows(numTokens: number, opts: LMWindowOptions, rng: Rng = new Rng()): LMWindows {
  const { batchSize, numSteps } = opts;
  const numBatches = lmBatchCount(numTokens, opts);
  const offset = rng.int(numSteps);
  const starts: number[][] = [];
  if (opts.random) {
    const order = rng.shuffle(Array.from({ length: Math.floor((numTokens - 1 - (numSteps - 1)) / numSteps) }, (_, i) => i));
    for (let i = 0; i < numBatches; i++) {
      starts.push(order.slice(i * batchSize, (i + 1) * batchSize).map((w) => offset + w * numSteps));
    }
  } else {
    const rowLength = Math.floor((numTokens - 1 - (numSteps - 1)) / batchSize); // tokens per row
    for (let i = 0; i < numBatches; i++) {
      starts.push(Array.from({ length: batchSize }, (_, b) => offset + b * rowLength + i * numSteps));
    }
  }
  return { batchSize, numSteps, offset, starts };
}

/** Copies the windows of {@link lmWindows} out of `ids` as {@link TokenBatch}es. */
export function* windowBatches(ids: ArrayLike<number>, windows: LMWindows): Generator<TokenBatch> {
  const { batchSize, numSteps } = windows;
  for (const rowStarts of windows.starts) {
    const X = new Int32Array(batchSize * numSteps);
    const Y = new Int32Array(batchSize * numSteps);
    for (let b = 0; b < batchSize; b++) {
      const s = rowStarts[b];
      for (let t = 0; t < numSteps; t++) {
        X[b * numSteps + t] = ids[s + t];
        Y[b * numSteps + t] = ids[s + t + 1];
      }
    }
    yield { batchSize, numSteps, X, Y };
  }
}

/** One epoch of language-model batches from a long token array (see the module summary). */
export function lmBatches(ids: ArrayLike<number>, opts: LMWindowOptions, rng: Rng = new Rng()): Generator<TokenBatch> {
  return windowBatches(ids, lmWindows(ids.length, opts, rng));
}

/** Options of {@link textBatchSource}. */
export interface TextBatchSourceOptions extends LMWindowOptions {
  /** Size of the vocabulary (`vocab.size`). Default: the largest id + 1. */
  readonly vocabSize?: number;
  /** Fraction of the text, taken from its end, kept for validation. Default 0.1; 0 means no validation. */
  readonly valFraction?: number;
  /** Seed of the batch order; epoch `e` uses a generator derived from `(seed, e)`. Default 42. */
  readonly seed?: number;
}

/** A {@link BatchSource} over one long text, with the sizes it worked out. */
export interface TextBatchSource extends TokenBatchSource {
  /** Tokens in the training part. */
  readonly numTrainTokens: number;
  /** Tokens in the validation part (0 without validation). */
  readonly numValTokens: number;
  /** Training batches per epoch (the same for every epoch). */
  readonly batchesPerEpoch: number;
  /** The options in effect, defaults filled in. */
  readonly options: Required<TextBatchSourceOptions>;
}

/** A generator for epoch `epoch` of a run seeded with `seed`: reruns repeat, epochs differ. */
export function epochRng(seed: number, epoch: number): Rng {
  return new Rng((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(epoch | 0, 0x85ebca6b)) >>> 0);
}

/**
 * Train/validation batches for a language model on one long text. The last `valFraction` of the
 * tokens are for validation, cut sequentially from offset 0 so that they are the same every time
 * (with fewer rows when the validation text is short); training batches are cut afresh each epoch.
 *
 * ```ts
 * const data = textBatchSource(vocab.encode(charTokens(text)), { batchSize: 32, numSteps: 35, vocabSize: vocab.size });
 * ```
 */
export function textBatchSource(ids: ArrayLike<number>, opts: TextBatchSourceOptions): TextBatchSource {
  const { batchSize, numSteps, random = false, valFraction = 0.1, seed = DEFAULT_SEED } = opts;
  if (!(valFraction >= 0 && valFraction < 1)) throw new Error(`textBatchSource: valFraction must be in [0, 1), got ${valFraction}.`);
  let maxId = -1;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0) throw new Error(`textBatchSource: ids must be non-negative integers; position ${i} holds ${id}.`);
    if (id > maxId) maxId = id;
  }
  const vocabSize = opts.vocabSize ?? maxId + 1;
  if (maxId >= vocabSize) throw new Error(`textBatchSource: id ${maxId} does not fit vocabSize ${vocabSize}; pass vocabSize: vocab.size.`);
  const numVal = Math.floor(ids.length * valFraction);
  const train = Array.prototype.slice.call(ids, 0, ids.length - numVal) as number[];
  const val = Array.prototype.slice.call(ids, ids.length - numVal) as number[];
  const windowOpts = { batchSize, numSteps, random };
  const batchesPerEpoch = lmBatchCount(train.length, windowOpts);
  let valBatchList: TokenBatch[] = [];
  if (numVal > 0) {
    // As many rows as the validation text allows, up to batchSize; always sequential from offset 0.
    const valRows = Math.min(batchSize, Math.floor((numVal - 1) / numSteps));
    if (valRows < 1) {
      throw new Error(
        `textBatchSource: the validation part (${numVal} tokens) is shorter than one window of ${numSteps + 1} tokens. ` +
          `Raise valFraction, use a longer text, or set valFraction: 0.`,
      );
    }
    const rowLength = Math.floor((numVal - 1) / valRows);
    const n = Math.floor(rowLength / numSteps);
    const starts = Array.from({ length: n }, (_, i) => Array.from({ length: valRows }, (_, b) => b * rowLength + i * numSteps));
    valBatchList = [...windowBatches(val, { batchSize: valRows, numSteps, offset: 0, starts })];
  }
  return {
    vocabSize,
    sequential: !random,
    numTrainTokens: train.length,
    numValTokens: numVal,
    batchesPerEpoch,
    options: { batchSize, numSteps, random, valFraction, seed, vocabSize },
    trainBatches(epoch: number): Iterable<TokenBatch> {
      if (!Number.isInteger(epoch) || epoch < 1) throw new Error(`trainBatches(epoch): epoch is 1-based, got ${epoch}.`);
      return lmBatches(train, windowOpts, epochRng(seed, epoch));
    },
    valBatches(): Iterable<TokenBatch> {
      return valBatchList;
    },
  };
}

/**
 * A picture of {@link lmWindows}: token positions `0 … numTokens-1` laid out row by row, `width` per row;
 * each cell holds the index of the batch whose input `X` contains that token, or `NaN` when no batch
 * uses it this epoch. Draw it with `heatmap(windowGrid(...))`.
 */
export function windowGrid(numTokens: number, windows: LMWindows, width: number): number[][] {
  if (!Number.isInteger(width) || width < 1) throw new Error(`windowGrid: width must be a positive integer, got ${width}.`);
  const owner = new Float64Array(numTokens).fill(NaN);
  windows.starts.forEach((rowStarts, i) => {
    for (const s of rowStarts) for (let t = 0; t < windows.numSteps; t++) if (s + t < numTokens) owner[s + t] = i;
  });
  const rows: number[][] = [];
  for (let r = 0; r * width < numTokens; r++) rows.push(Array.from(owner.subarray(r * width, Math.min(numTokens, (r + 1) * width))));
  const last = rows[rows.length - 1];
  while (last.length < width) last.push(NaN);
  return rows;
}
