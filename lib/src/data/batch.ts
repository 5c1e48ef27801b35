/**
 * The shape of data that flows from the data layer (`data/`) into models and the Trainer.
 * A {@link BatchSource} gives batches of any type `B`; language models use {@link TokenBatch}, whose
 * tokens travel as integer ids in flat, row-major typed arrays. Models turn them into tensors (and
 * encode them, one-hot or by an embedding) themselves, so no tensor outlives a batch by accident.
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
