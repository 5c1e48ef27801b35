/**
 * Minibatches for one-item-per-line corpora (names, words, poems): each item is its own sequence,
 * ended by `<eos>`, and the batch is padded to a common length with a `mask` that is 0 on padding.
 *
 * For an item with ids `s₁ … sₙ`: `X = [start, s₁, …, sₙ]` and `Y = [s₁, …, sₙ, <eos>]`, where `start` is
 * `<bos>` when the vocab has it and `<eos>` otherwise (one separator token, as in makemore). Padding
 * uses `<pad>` when the vocab has it, else `<eos>`; the mask makes the choice irrelevant to the loss.
 *
 * ```ts
 * const names = dinosaurNames();
 * const vocab = Vocab.build(names.flatMap(charTokens), { reserved: ["<eos>"] });
 * const data = lineBatchSource(names.map((n) => vocab.encode(charTokens(n))), vocab, { batchSize: 64 });
 * for (const { X, Y, mask } of data.trainBatches(1)) { ... } // [64, longest + 1], mask 1 on real targets
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import type { TokenBatch, TokenBatchSource } from "./batch";
import { epochRng } from "./lm-batches";
import { DEFAULT_SEED, Rng } from "./rng";
import type { Vocab } from "./vocab";

/** The special ids {@link paddedBatch} needs: take them from a vocab with {@link lineSpecialIds}. */
export interface LineSpecialIds {
  /** First input of every sequence. */
  readonly start: number;
  /** Last target of every sequence. */
  readonly eos: number;
  /** Filler after the end. */
  readonly pad: number;
}

/** The start/end/pad ids of `vocab`. @throws Error when the vocab has no `<eos>`. */
export function lineSpecialIds(vocab: Vocab): LineSpecialIds {
  const eos = vocab.eosId;
  if (eos === undefined) {
    throw new Error('Padded batches need an end-of-sequence token: build the vocab with { reserved: ["<eos>"] } (or "<pad>", "<bos>", "<eos>").');
  }
  return { start: vocab.bosId ?? eos, eos, pad: vocab.padId ?? eos };
}

/**
 * One padded batch from `items` (lists of ids). `numSteps` is the padded length; default: longest
 * item + 1. An item longer than `numSteps - 1` is an error (the `<eos>` would be cut off).
 */
export function paddedBatch(items: readonly (readonly number[])[], ids: LineSpecialIds, numSteps?: number): TokenBatch {
  if (items.length === 0) throw new Error("paddedBatch: no items; a batch needs at least one sequence.");
  const longest = Math.max(...items.map((s) => s.length));
  const T = numSteps ?? longest + 1;
  if (longest + 1 > T) {
    throw new Error(`paddedBatch: an item of ${longest} tokens does not fit numSteps ${T} (it needs ${longest + 1} with its <eos>). Raise numSteps or drop long items.`);
  }
  const B = items.length;
  const X = new Int32Array(B * T).fill(ids.pad);
  const Y = new Int32Array(B * T).fill(ids.pad);
  const mask = new Float32Array(B * T);
  items.forEach((s, b) => {
    const row = b * T;
    X[row] = ids.start;
    for (let t = 0; t < s.length; t++) {
      X[row + t + 1] = s[t];
      Y[row + t] = s[t];
      mask[row + t] = 1;
    }
    Y[row + s.length] = ids.eos;
    mask[row + s.length] = 1;
    // X keeps the pad id after position s.length: those steps have mask 0 anyway.
  });
  return { batchSize: B, numSteps: T, X, Y, mask };
}

/** Options of {@link lineBatchSource}. */
export interface LineBatchSourceOptions {
  /** Sequences per batch (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** Fraction of the items, chosen at random (seeded), kept for validation. Default 0.1. */
  readonly valFraction?: number;
  /** Seed of the split and of the per-epoch shuffles. Default 42. */
  readonly seed?: number;
  /** Pad every batch to this length. Default: longest item + 1, so all batches have one shape. */
  readonly numSteps?: number;
  /** Drop the last, smaller batch of each epoch. Default `false`. */
  readonly dropLast?: boolean;
}

/** A {@link BatchSource} over separate items, with the split it made. */
export interface LineBatchSource extends TokenBatchSource {
  /** The training items (ids), in their original order. */
  readonly trainItems: readonly (readonly number[])[];
  /** The validation items. */
  readonly valItems: readonly (readonly number[])[];
  /** Training batches per epoch. */
  readonly batchesPerEpoch: number;
  /** The padded length of every batch. */
  readonly numSteps: number;
}

function* batchesOf(items: readonly (readonly number[])[], order: number[], batchSize: number, ids: LineSpecialIds, T: number, dropLast: boolean): Generator<TokenBatch> {
  for (let i = 0; i < order.length; i += batchSize) {
    const chunk = order.slice(i, i + batchSize);
    if (dropLast && chunk.length < batchSize) return;
    yield paddedBatch(chunk.map((j) => items[j]), ids, T);
  }
}

/**
 * Padded train/validation batches over one-item-per-line data. The split is random but seeded;
 * training items are reshuffled each epoch (reproducibly), validation batches never change.
 */
export function lineBatchSource(items: readonly (readonly number[])[], vocab: Vocab, opts: LineBatchSourceOptions): LineBatchSource {
  const { batchSize, valFraction = 0.1, seed = DEFAULT_SEED, dropLast = false } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`lineBatchSource: batchSize must be a positive integer, got ${batchSize}.`);
  if (!(valFraction >= 0 && valFraction < 1)) throw new Error(`lineBatchSource: valFraction must be in [0, 1), got ${valFraction}.`);
  if (items.length === 0) throw new Error("lineBatchSource: no items. Is the corpus empty?");
  const ids = lineSpecialIds(vocab);
  items.forEach((s, i) => {
    if (s.length === 0) throw new Error(`lineBatchSource: item ${i} is empty; remove empty lines first.`);
    for (const id of s) {
      if (!Number.isInteger(id) || id < 0 || id >= vocab.size) throw new Error(`lineBatchSource: item ${i} holds id ${id}, outside the vocab (size ${vocab.size}).`);
    }
  });
  const T = opts.numSteps ?? Math.max(...items.map((s) => s.length)) + 1;
  const perm = new Rng(seed).shuffle(items.map((_, i) => i));
  const numVal = Math.floor(items.length * valFraction);
  const valIdx = perm.slice(0, numVal).sort((a, b) => a - b);
  const trainIdx = perm.slice(numVal).sort((a, b) => a - b);
  const trainItems = trainIdx.map((i) => items[i]);
  const valItems = valIdx.map((i) => items[i]);
  if (!dropLast || trainItems.length >= batchSize) {
    // Validate the padded length once, up front, rather than in the middle of an epoch.
    paddedBatch([items.reduce((a, b) => (b.length > a.length ? b : a))], ids, T);
  }
  const batchesPerEpoch = dropLast ? Math.floor(trainItems.length / batchSize) : Math.ceil(trainItems.length / batchSize);
  if (batchesPerEpoch === 0) throw new Error(`lineBatchSource: ${trainItems.length} training items make no full batch of ${batchSize}; lower batchSize.`);
  const valBatchList = [...batchesOf(valItems, valItems.map((_, i) => i), batchSize, ids, T, false)];
  return {
    vocabSize: vocab.size,
    trainItems,
    valItems,
    batchesPerEpoch,
    numSteps: T,
    trainBatches(epoch: number): Iterable<TokenBatch> {
      if (!Number.isInteger(epoch) || epoch < 1) throw new Error(`trainBatches(epoch): epoch is 1-based, got ${epoch}.`);
      const order = epochRng(seed, epoch).shuffle(trainItems.map((_, i) => i));
      return batchesOf(trainItems, order, batchSize, ids, T, dropLast);
    },
    valBatches(): Iterable<TokenBatch> {
      return valBatchList;
    },
  };
}
