/**
 * Small conveniences around {@link BatchSource}: look at one batch, or count an epoch's batches,
 * without writing iterator code in a notebook.
 *
 * ```ts
 * const batch = firstBatch(data);          // the first training batch of epoch 1
 * countBatches(data.valBatches());         // how many validation batches there are
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import type { BatchSource, TokenBatch } from "./batch";

/** The first training batch of `epoch` (default 1). @throws Error when the epoch has no batches. */
export function firstBatch(source: BatchSource, epoch = 1): TokenBatch {
  for (const batch of source.trainBatches(epoch)) return batch;
  throw new Error(`firstBatch: epoch ${epoch} has no training batches; is the text shorter than one batch?`);
}

/** Number of batches an iterable yields (it is consumed). */
export function countBatches(batches: Iterable<TokenBatch>): number {
  let n = 0;
  for (const _ of batches) n++;
  return n;
}
