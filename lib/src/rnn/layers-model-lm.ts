/**
 * A Keras-style model as a language model the course's Trainer can train: any `tf.LayersModel` (built with
 * `tf.sequential` or `tf.model`) that maps token ids `[batchSize, numSteps]` to a distribution over the
 * vocabulary at every step, `[batchSize, numSteps, vocabSize]`. This is how *Generative Deep Learning*
 * writes a stacked LSTM (`Embedding → LSTM(returnSequences) → LSTM(returnSequences) → Dense(softmax)`); the
 * wrapper only supplies the loss, so the same Trainer, board and metrics serve it and the course's blocks.
 *
 * ```ts
 * const keras = tf.sequential({ layers: [
 *   tf.layers.embedding({ inputDim: V, outputDim: 32, inputShape: [null] }),
 *   tf.layers.lstm({ units: 64, returnSequences: true }),
 *   tf.layers.lstm({ units: 64, returnSequences: true }),
 *   tf.layers.dense({ units: V, activation: "softmax" }),
 * ] });
 * await new Trainer({ maxEpochs: 5, lr: 0.01 }).fit(new LayersModelLM({ model: keras, vocabSize: V }), data);
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { TokenBatch } from "../data/batch";
import { tokensIn } from "../data/batch";
import { batchTensors, disposeBatchTensors } from "../data/batch-tensors";
import { perplexityMetric } from "../data/metrics";
import type { Metric } from "../data/metrics";
import { sequenceCrossEntropy } from "../data/perplexity";

/** Configuration of {@link LayersModelLM}. */
export interface LayersModelLMConfig {
  /** Maps int32 ids `[batchSize, numSteps]` to `[batchSize, numSteps, vocabSize]`. The wrapper owns it. */
  readonly model: tf.LayersModel;
  readonly vocabSize: number;
  /** What the model's last layer gives: probabilities (a softmax, as in Keras, default) or logits. */
  readonly outputs?: "probs" | "logits";
}

/** A `tf.LayersModel` trained by the course's Trainer as a language model (see the file comment). */
export class LayersModelLM {
  readonly model: tf.LayersModel;
  readonly vocabSize: number;
  readonly outputs: "probs" | "logits";
  readonly itemName = "tokens";
  readonly metrics: readonly Metric<TokenBatch, LayersModelLM>[] = [perplexityMetric];

  constructor(config: LayersModelLMConfig) {
    this.model = config.model;
    this.vocabSize = config.vocabSize;
    this.outputs = config.outputs ?? "probs";
    const out = this.model.outputs[0].shape;
    if (out[out.length - 1] !== config.vocabSize) {
      throw new Error(
        `LayersModelLM: the model's last layer gives ${out[out.length - 1]} values per step; it must give vocabSize = ${config.vocabSize}.`,
      );
    }
  }

  /** Mean cross-entropy of the batch: `−log p(target)` over the real targets. */
  loss(batch: TokenBatch): tf.Scalar {
    const t = batchTensors(batch, this.vocabSize, false); // batch-major, as tf.layers expects
    try {
      return tf.tidy(() => {
        const out = this.model.apply(t.X) as tf.Tensor3D; // [batchSize, numSteps, vocabSize]
        const logits = this.outputs === "probs" ? tf.log(tf.add(out, 1e-7)) : out; // log-probabilities are logits to a softmax
        return sequenceCrossEntropy(logits, t.Y, t.mask);
      });
    } finally {
      disposeBatchTensors(t);
    }
  }

  countItems(batch: TokenBatch): number {
    return tokensIn(batch);
  }

  trainableVariables(): tf.Variable[] {
    return this.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** Scalar parameters. */
  countParams(): number {
    return this.model.countParams();
  }

  dispose(): void {
    this.model.dispose();
  }
}
