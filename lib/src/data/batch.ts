/**
 * The shape of data that flows from the data layer (`data/`) into models and the Trainer.
 * A {@link BatchSource} gives batches of any type `B`: language models and taggers (many-to-many) use
 * {@link TokenBatch}, sequence classifiers (many-to-one) {@link LabeledTextBatch}. Tokens travel as
 * integer ids in flat, row-major typed arrays. Models turn them into tensors (and encode them, one-hot or
 * by an embedding) themselves, so no tensor outlives a batch by accident.
 *
 * ```ts
 * const sentiment = labeledTextBatch([[4, 7, 2], [5, 1]], [1, 0]); // X [2, 3] padded with id 0, validLens [3, 2]
 * const tagged = taggedBatch([[4, 7, 2], [5, 1]], [[0, 1, 0], [1, 1]]); // Y: one tag per token, mask 1 on real tokens
 * ```
 */

/** One minibatch of token ids. `X`, `Y` and `mask` are row-major `[batchSize, numSteps]`. */
export interface TokenBatch {
  readonly batchSize: number;
  readonly numSteps: number;
  /** Input ids. */
  readonly X: Int32Array;
  /** Target ids: for language models, `X` shifted left by one token; for a tagger, one tag per token. */
  readonly Y: Int32Array;
  /** 1 where `Y` is a real token, 0 for padding. Absent means every position counts. */
  readonly mask?: Float32Array;
  /**
   * Real tokens of each row, `[batchSize]`, when they differ from the mask's row sums: a batch whose loss counts
   * only some real tokens (one blank per word, say) still reads every token of each row. Absent: the mask's row
   * sums, every row padded at its end.
   */
  readonly validLens?: Int32Array;
}

/**
 * A batch of token sequences, padded at the end, with one label per sequence (many-to-one). `X` is
 * row-major `[batchSize, numSteps]`; positions at or beyond a row's valid length hold the pad id.
 */
export interface LabeledTextBatch {
  readonly batchSize: number;
  /** The padded length: the longest sequence of the batch. */
  readonly numSteps: number;
  /** Token ids, row-major `[batchSize, numSteps]`. */
  readonly X: Int32Array;
  /** Real tokens of each row, `[batchSize]`. */
  readonly validLens: Int32Array;
  /** The label of each row, `[batchSize]`. */
  readonly labels: Int32Array;
}

/** A source of minibatches for training and validation. Seeded: the same epoch gives the same batches. */
export interface BatchSource<B = TokenBatch> {
  /** Training batches for one epoch (1-based); the order may depend on `epoch`, reproducibly. */
  trainBatches(epoch: number): Iterable<B>;
  /** Validation batches, always the same. */
  valBatches(): Iterable<B>;
  /**
   * True when row `b` of each batch continues row `b` of the batch before (sequential partitioning of
   * one long text), so a model may carry its hidden state from batch to batch.
   */
  readonly sequential?: boolean;
}

/** A source of {@link TokenBatch}es whose ids index a vocabulary of `vocabSize` tokens. */
export interface TokenBatchSource extends BatchSource<TokenBatch> {
  /** Size of the vocabulary the ids index into. */
  readonly vocabSize: number;
}

/** Real (unmasked) target positions in a batch: the tokens its loss averages over. */
export function tokensIn(batch: TokenBatch): number {
  if (!batch.mask) return batch.batchSize * batch.numSteps;
  let n = 0;
  for (const m of batch.mask) n += m;
  return n;
}

/** Checks a list of sequences for a batch and returns the padded length: the longest (at least 1). */
function paddedLength(where: string, sequences: readonly (readonly number[])[]): number {
  if (sequences.length === 0) throw new Error(`${where}: no sequences; a batch needs at least one.`);
  return Math.max(1, ...sequences.map((s) => s.length));
}

/**
 * One {@link LabeledTextBatch}: `sequences` (lists of ids) padded at the end with `padId` to the longest,
 * with their lengths and `labels` (one per sequence).
 */
export function labeledTextBatch(sequences: readonly (readonly number[])[], labels: ArrayLike<number>, padId = 0): LabeledTextBatch {
  const numSteps = paddedLength("labeledTextBatch", sequences);
  if (labels.length !== sequences.length) {
    throw new Error(`labeledTextBatch: ${labels.length} labels for ${sequences.length} sequences; give one label per sequence.`);
  }
  const X = new Int32Array(sequences.length * numSteps).fill(padId); // [batchSize, numSteps]
  sequences.forEach((s, b) => X.set(s, b * numSteps));
  return {
    batchSize: sequences.length,
    numSteps,
    X,
    validLens: Int32Array.from(sequences, (s) => s.length),
    labels: Int32Array.from(labels),
  };
}

/**
 * One {@link TokenBatch} for a tagger (many-to-many, aligned): `sequences` padded at the end with `padId`,
 * `Y` their `tags` (one per token; 0 on padding) and `mask` 1 on real tokens, so each row's valid length is
 * its mask's sum.
 */
export function taggedBatch(sequences: readonly (readonly number[])[], tags: readonly (readonly number[])[], padId = 0): TokenBatch {
  const numSteps = paddedLength("taggedBatch", sequences);
  if (tags.length !== sequences.length) {
    throw new Error(`taggedBatch: ${tags.length} tag sequences for ${sequences.length} sequences; give one per sequence.`);
  }
  const B = sequences.length;
  const X = new Int32Array(B * numSteps).fill(padId); // [batchSize, numSteps]
  const Y = new Int32Array(B * numSteps);
  const mask = new Float32Array(B * numSteps);
  sequences.forEach((s, b) => {
    if (tags[b].length !== s.length) {
      throw new Error(`taggedBatch: sequence ${b} has ${s.length} tokens but ${tags[b].length} tags; give one tag per token.`);
    }
    X.set(s, b * numSteps);
    Y.set(tags[b], b * numSteps);
    mask.fill(1, b * numSteps, b * numSteps + s.length);
  });
  return { batchSize: B, numSteps, X, Y, mask };
}
