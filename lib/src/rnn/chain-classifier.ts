/**
 * A sequence classifier: token ids in, one class per sequence out. An embedding, any causal recurrent block,
 * and a linear layer on the block's output at each sequence's last real token. Notebook 05 uses it to read
 * arithmetic expressions as text, against a recursive network that reads them as trees.
 *
 * ```ts
 * const chain = new ChainClassifier({ block: new LSTMScratch({ numInputs: 16, numHiddens: 64 }), vocabSize: 16, embedSize: 16, numClasses: 10 });
 * const logits = chain.forward(batch); // [batchSize, numClasses]
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { LabeledTextBatch } from "../data/expressions";
import type { Metric, TokenScores } from "../data/metrics";
import { tokenAccuracy } from "../data/metrics";
import { sequenceCrossEntropy } from "../data/perplexity";
import { EmbeddingScratch } from "./embedding";
import { DEFAULT_INIT_SEED, glorotLimit, initVariable } from "./init";
import type { RecurrentBlock } from "./recurrent";
import { validLensArray } from "./runner";

/** Configuration of {@link ChainClassifier}. */
export interface ChainClassifierConfig {
  /** A causal recurrent block reading `embedSize` features per step; the classifier owns it. */
  readonly block: RecurrentBlock;
  /** Tokens in the vocabulary (ids lie in `[0, vocabSize)`). */
  readonly vocabSize: number;
  /** Width of each token's embedding; the block's `numInputs`. */
  readonly embedSize: number;
  /** Classes of the label. */
  readonly numClasses: number;
  /** Seed of the embedding and the output layer. Default 0. */
  readonly seed?: number;
}

/**
 * A sequence classifier: an embedding ({@link EmbeddingScratch}), any causal block, and a linear layer
 * `O = H_last W_hq + b_q` on the block's output at each sequence's last real token. Padded steps come
 * after that token, and a causal block's output there does not depend on them, so the block runs the
 * padded batch whole (fused blocks too, which cannot take valid lengths) and gives each sequence the
 * result it would get alone.
 */
export class ChainClassifier {
  readonly embed: EmbeddingScratch;
  readonly block: RecurrentBlock;
  readonly numClasses: number;
  readonly W_hq: tf.Variable; // [numHiddens, numClasses]
  readonly b_q: tf.Variable; // [numClasses]
  /** What {@link countItems} counts. */
  readonly itemName = "texts";
  /** Reported by the Trainer by default: `"val acc"`, the share of sequences classified right. */
  readonly metrics: readonly Metric<LabeledTextBatch, never>[] = [tokenAccuracy<LabeledTextBatch>()];

  constructor(config: ChainClassifierConfig) {
    const { block, vocabSize, embedSize, numClasses, seed = DEFAULT_INIT_SEED } = config;
    if (!block.causal) {
      throw new Error(
        "ChainClassifier: the block reads the future (it is not causal), so its output at the last token would see the padding.",
      );
    }
    if (block.numInputs !== embedSize) {
      throw new Error(
        `ChainClassifier: the block takes ${block.numInputs} inputs but the embedding is ${embedSize} wide; build it with numInputs: ${embedSize}.`,
      );
    }
    if (!Number.isInteger(numClasses) || numClasses < 2)
      throw new Error(`ChainClassifier: numClasses must be an integer ≥ 2, got ${numClasses}.`);
    this.embed = new EmbeddingScratch({ vocabSize, embedSize, seed });
    this.block = block;
    this.numClasses = numClasses;
    this.W_hq = initVariable([block.numHiddens, numClasses], { uniform: glorotLimit(block.numHiddens, numClasses) }, seed, "W_hq");
    this.b_q = initVariable([numClasses], { fill: 0 }, seed, "b_q");
  }

  /** Logits of each sequence's class, `[batchSize, numClasses]`. */
  forward(batch: LabeledTextBatch): tf.Tensor2D {
    const { batchSize, numSteps } = batch;
    const lens = validLensArray(batch.validLens, batchSize, numSteps, "ChainClassifier");
    lens.forEach((len, b) => {
      if (len < 1) throw new Error(`ChainClassifier: sequence ${b} is empty; every sequence needs at least one token.`);
    });
    return tf.tidy(() => {
      const ids = tf.transpose(tf.tensor2d(batch.X, [batchSize, numSteps], "int32")) as tf.Tensor2D; // [numSteps, batchSize]
      const [Y, state] = this.block.forward(this.embed.encode(ids)); // Y: [numSteps, batchSize, numHiddens]
      tf.dispose(state);
      const last = tf.tensor1d(
        Int32Array.from(lens, (len, b) => (len - 1) * batchSize + b),
        "int32",
      ); // row of (step len−1, sequence b)
      const H_last = tf.gather(tf.reshape(Y, [numSteps * batchSize, this.block.numHiddens]), last); // [batchSize, numHiddens]
      return tf.add(tf.matMul(H_last, this.W_hq), this.b_q) as tf.Tensor2D; // O = H_last W_hq + b_q
    });
  }

  /** Mean cross-entropy of the labels. */
  loss(batch: LabeledTextBatch): tf.Scalar {
    return tf.tidy(() => sequenceCrossEntropy(this.forward(batch), tf.tensor1d(batch.labels, "int32")));
  }

  /** One "token" per sequence (`[1, batchSize, numClasses]`), for `tokenAccuracy()`. The caller disposes them. */
  scores(batch: LabeledTextBatch): TokenScores {
    const logits = tf.tidy(() => tf.expandDims(this.forward(batch), 0) as tf.Tensor3D);
    return { logits, targets: tf.tensor2d(batch.labels, [1, batch.batchSize], "int32") };
  }

  /** Sequences in a batch. */
  countItems(batch: LabeledTextBatch): number {
    return batch.batchSize;
  }

  /** The embedding, the block, then `W_hq`, `b_q`. */
  trainableVariables(): tf.Variable[] {
    return [...this.embed.trainableVariables(), ...this.block.trainableVariables(), this.W_hq, this.b_q];
  }

  /** Frees every weight, the block's included. */
  dispose(): void {
    this.embed.dispose();
    this.block.dispose();
    tf.dispose([this.W_hq, this.b_q]);
  }
}
