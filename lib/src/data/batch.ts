/**
 * The shape of data that flows from the data layer (`data/`) into models and the Trainer.
 * Tokens travel as integer ids in flat, row-major typed arrays; models turn them into tensors
 * (one-hot or embeddings) themselves, so no tensor outlives a batch by accident.
 */

/** One minibatch of token ids. `X`, `Y` and `mask` are row-major `[batchSize, numSteps]`. */
export interface TokenBatch {
  readonly batchSize: number;
  readonly numSteps: number;
  /** Input ids. */
  readonly X: Int32Array;
  /** Target ids: for language models, `X` shifted left by one token. */
  readonly Y: Int32Array;
  /** 1 where `Y` is a real token, 0 for padding. Absent means every position counts. */
  readonly mask?: Float32Array;
}

/** A source of minibatches for training and validation. Seeded: the same epoch gives the same batches. */
export interface BatchSource {
  /** Size of the vocabulary the ids index into. */
  readonly vocabSize: number;
  /** Training batches for one epoch (1-based); the order may depend on `epoch`, reproducibly. */
  trainBatches(epoch: number): Iterable<TokenBatch>;
  /** Validation batches, always the same. */
  valBatches(): Iterable<TokenBatch>;
}
