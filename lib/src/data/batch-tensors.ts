/**
 * From a {@link TokenBatch} (ids in typed arrays) to tensors: `int32` ids for the inputs and targets and
 * a `float32` mask, time-major by default (`[numSteps, batchSize]`), as the models expect. Models encode
 * the ids themselves (one-hot or an embedding), so nothing here is one-hot.
 *
 * ```ts
 * const t = batchTensors(batch, vocab.size);  // X, Y: int32 [numSteps, batchSize]
 * try { ... } finally { disposeBatchTensors(t); }
 * ```
 * @see notebooks/01-language-models.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { TokenBatch } from "./batch";

/** Throws unless every id lies in `[0, vocabSize)`, naming the first one that does not. */
export function checkIds(where: string, ids: ArrayLike<number>, vocabSize: number, numSteps = ids.length): void {
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new Error(`${where}: vocabSize must be a positive integer, got ${vocabSize}.`);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
      throw new Error(
        `${where}: id ${id} (row ${Math.floor(i / numSteps)}, step ${i % numSteps}) is outside the vocabulary of ${vocabSize}; ` +
          `encode the text with the model's vocabulary.`,
      );
    }
  }
}

/** Row-major `[batchSize, numSteps]` values as a `[numSteps, batchSize]` (time-major) or `[batchSize, numSteps]` tensor. */
export function idsTensor(values: ArrayLike<number>, batchSize: number, numSteps: number, timeMajor = true, dtype: "int32" | "float32" = "int32"): tf.Tensor2D {
  if (values.length !== batchSize * numSteps) {
    throw new Error(`idsTensor: got ${values.length} values for shape [batchSize, numSteps] = [${batchSize}, ${numSteps}] (${batchSize * numSteps} expected).`);
  }
  const out = dtype === "int32" ? new Int32Array(values.length) : new Float32Array(values.length);
  for (let b = 0; b < batchSize; b++) {
    for (let t = 0; t < numSteps; t++) out[timeMajor ? t * batchSize + b : b * numSteps + t] = values[b * numSteps + t];
  }
  return tf.tensor2d(out, timeMajor ? [numSteps, batchSize] : [batchSize, numSteps], dtype);
}

/** The tensors of one batch. The caller owns them: dispose with {@link disposeBatchTensors}. */
export interface BatchTensors {
  /** Input ids, int32 `[numSteps, batchSize]` (time-major shown). */
  readonly X: tf.Tensor2D;
  /** Target ids, int32 `[numSteps, batchSize]`. */
  readonly Y: tf.Tensor2D;
  /** 1 on real targets and 0 on padding, float32 `[numSteps, batchSize]`; absent when every position counts. */
  readonly mask?: tf.Tensor2D;
}

/**
 * Turns a batch into tensors, checking that every id lies in `[0, vocabSize)`.
 * @param timeMajor `[numSteps, batchSize]` (default, as recurrent models expect) or `[batchSize, numSteps]`.
 */
export function batchTensors(batch: TokenBatch, vocabSize: number, timeMajor = true): BatchTensors {
  const { batchSize, numSteps } = batch;
  checkIds("batchTensors", batch.X, vocabSize, numSteps);
  checkIds("batchTensors", batch.Y, vocabSize, numSteps);
  const X = idsTensor(batch.X, batchSize, numSteps, timeMajor);
  const Y = idsTensor(batch.Y, batchSize, numSteps, timeMajor);
  const mask = batch.mask ? idsTensor(batch.mask, batchSize, numSteps, timeMajor, "float32") : undefined;
  return mask ? { X, Y, mask } : { X, Y };
}

/** Disposes the tensors made by {@link batchTensors}. */
export function disposeBatchTensors(t: BatchTensors): void {
  t.X.dispose();
  t.Y.dispose();
  t.mask?.dispose();
}
