/**
 * From a {@link TokenBatch} (ids in typed arrays) to tensors, in the two forms models use:
 * **index** form, `int32` ids, and **one-hot** form, one `float32` vector of length `vocabSize` per
 * token. Time-major by default (`[numSteps, batchSize, …]`), as the `RecurrentBlock` contract expects.
 * One-hot vectors are written directly into a buffer (no gather, so gradients work on every backend).
 *
 * ```ts
 * const t = batchTensors(batch, vocab.size);  // X: [numSteps, batchSize, vocabSize] one-hot
 * try { ... } finally { disposeBatchTensors(t); }
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { TokenBatch } from "./batch";

/** `ids` (row-major `[batchSize, numSteps]`) as one-hot `[numSteps, batchSize, vocabSize]` (time-major) or `[batchSize, numSteps, vocabSize]`. */
export function oneHotIds(ids: ArrayLike<number>, batchSize: number, numSteps: number, vocabSize: number, timeMajor = true): tf.Tensor3D {
  if (ids.length !== batchSize * numSteps) {
    throw new Error(`oneHotIds: got ${ids.length} ids for shape [batchSize, numSteps] = [${batchSize}, ${numSteps}] (${batchSize * numSteps} expected).`);
  }
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new Error(`oneHotIds: vocabSize must be a positive integer, got ${vocabSize}.`);
  const buf = new Float32Array(batchSize * numSteps * vocabSize);
  for (let b = 0; b < batchSize; b++) {
    for (let t = 0; t < numSteps; t++) {
      const id = ids[b * numSteps + t];
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
        throw new Error(`oneHotIds: id ${id} (row ${b}, step ${t}) is outside the vocabulary of ${vocabSize}; is vocabSize right?`);
      }
      const pos = timeMajor ? t * batchSize + b : b * numSteps + t;
      buf[pos * vocabSize + id] = 1;
    }
  }
  return tf.tensor3d(buf, timeMajor ? [numSteps, batchSize, vocabSize] : [batchSize, numSteps, vocabSize]);
}

/** Row-major `[batchSize, numSteps]` values as a `[numSteps, batchSize]` (time-major) or `[batchSize, numSteps]` tensor. */
export function idsTensor(values: Int32Array | Float32Array, batchSize: number, numSteps: number, timeMajor = true): tf.Tensor2D {
  if (values.length !== batchSize * numSteps) {
    throw new Error(`idsTensor: got ${values.length} values for shape [${batchSize}, ${numSteps}].`);
  }
  const dtype = values instanceof Int32Array ? "int32" : "float32";
  if (!timeMajor) return tf.tensor2d(values, [batchSize, numSteps], dtype);
  const out = values instanceof Int32Array ? new Int32Array(values.length) : new Float32Array(values.length);
  for (let b = 0; b < batchSize; b++) for (let t = 0; t < numSteps; t++) out[t * batchSize + b] = values[b * numSteps + t];
  return tf.tensor2d(out, [numSteps, batchSize], dtype);
}

/** Options of {@link batchTensors}. */
export interface BatchTensorOptions {
  /** `[numSteps, batchSize, …]` (default, as recurrent blocks expect) or `[batchSize, numSteps, …]`. */
  readonly timeMajor?: boolean;
  /** `X` as one-hot vectors (default) or as `int32` ids. */
  readonly oneHot?: boolean;
}

/** The tensors of one batch. The caller owns them: dispose with {@link disposeBatchTensors}. */
export interface BatchTensors {
  /** Inputs: one-hot `[numSteps, batchSize, vocabSize]` or ids `[numSteps, batchSize]` (time-major shown). */
  readonly X: tf.Tensor;
  /** Targets as `int32` ids, `[numSteps, batchSize]` (time-major shown). */
  readonly Y: tf.Tensor2D;
  /** 1 on real targets and 0 on padding, `[numSteps, batchSize]`; absent when every position counts. */
  readonly mask?: tf.Tensor2D;
}

/** Turns a batch into tensors (see {@link BatchTensorOptions}). */
export function batchTensors(batch: TokenBatch, vocabSize: number, opts: BatchTensorOptions = {}): BatchTensors {
  const { timeMajor = true, oneHot = true } = opts;
  const { batchSize, numSteps } = batch;
  const X = oneHot ? oneHotIds(batch.X, batchSize, numSteps, vocabSize, timeMajor) : idsTensor(batch.X, batchSize, numSteps, timeMajor);
  const Y = idsTensor(batch.Y, batchSize, numSteps, timeMajor);
  const mask = batch.mask ? idsTensor(batch.mask, batchSize, numSteps, timeMajor) : undefined;
  return mask ? { X, Y, mask } : { X, Y };
}

/** Disposes the tensors made by {@link batchTensors}. */
export function disposeBatchTensors(t: BatchTensors): void {
  t.X.dispose();
  t.Y.dispose();
  t.mask?.dispose();
}
