/**
 * Many-to-one: a sequence classifier. Token ids in, one class per sequence out: an encoder (an embedding,
 * or one-hot), any recurrent block, and a linear layer on a summary of the block's outputs,
 *
 * ```text
 * H = block(encode(X))                      [numSteps, batchSize, numHiddens]
 * h = pool(H)                               "last": the summary after the last real token; "mean", "max": over the real steps
 * O = h W_hq + b_q                          [batchSize, numClasses]
 * ```
 *
 * A **causal** block (a GRU, an LSTM, a stack of them) runs on the padded batch whole: its output at a real
 * step does not depend on the padding after it (so it needs no valid lengths, and skips the work of honouring
 * them), and "last" is the output at each sequence's last real token. A **non-causal** block (a bidirectional one)
 * would read the padding, so it gets the valid lengths, and "last" is its {@link RecurrentBlock.finalHidden}
 * (both directions' summaries). Either way a padded batch gives each sequence the logits it gets alone.
 *
 * ```ts
 * const clf = new SequenceClassifier({ block: new GRUScratch({ numInputs: 16, numHiddens: 32 }), vocabSize: V, embedSize: 16, numClasses: 2 });
 * await new Trainer({ maxEpochs: 5, lr: 0.01 }).fit(clf, data); // data: a BatchSource<LabeledTextBatch>; reports "val acc"
 * clf.predict([[4, 7, 2], [5, 1]]); // one class per sequence, e.g. [1, 0]
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 * @see notebooks/06-bidirectional.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { LabeledTextBatch } from "../data/batch";
import { labeledTextBatch } from "../data/batch";
import type { Metric, TokenScores } from "../data/metrics";
import { tokenAccuracy } from "../data/metrics";
import { sequenceCrossEntropy } from "../data/perplexity";
import { EmbeddingScratch, OneHot } from "./embedding";
import type { TokenEncoder } from "./embedding";
import { DEFAULT_INIT_SEED, glorotLimit, initVariable } from "./init";
import { finalHiddenOf } from "./recurrent";
import type { RecurrentBlock, RecurrentState } from "./recurrent";
import { validLensArray } from "./runner";

/** How a sequence's outputs become one vector: the summary after its last real token, or the mean or max over its real steps. */
export type SequencePool = "last" | "mean" | "max";

/** Every {@link SequencePool}. */
export const SEQUENCE_POOLS: readonly SequencePool[] = ["last", "mean", "max"];

/** Configuration of {@link SequenceClassifier}. */
export interface SequenceClassifierConfig {
  /** Any recurrent block, causal or not, reading `embedSize` (or `vocabSize`, one-hot) features per step; the classifier owns it. */
  readonly block: RecurrentBlock;
  /** Tokens in the vocabulary (ids lie in `[0, vocabSize)`). */
  readonly vocabSize: number;
  /** Learn an embedding of this width ({@link EmbeddingScratch}); one-hot inputs ({@link OneHot}) when absent. */
  readonly embedSize?: number;
  /** Classes of the label (≥ 2). */
  readonly numClasses: number;
  /** How the block's outputs are summarised. Default `"last"`. */
  readonly pool?: SequencePool;
  /** Seed of the embedding and the output layer. Default 0. */
  readonly seed?: number;
  /** What the Trainer reports on validation, e.g. `[tokenAccuracy(), binaryF1()]`. Default `[tokenAccuracy()]` ("val acc"). */
  readonly metrics?: readonly Metric<LabeledTextBatch, never>[];
}

/** Checks that an output width (classes, tags) is an integer ≥ 2. */
export function checkNumOutputs(where: string, key: string, n: number): void {
  if (!Number.isInteger(n) || n < 2) throw new Error(`${where}: ${key} must be an integer ≥ 2, got ${n}.`);
}

/**
 * The encoder of a model head around `block`: an {@link EmbeddingScratch} of width `embedSize` (seeded
 * `seed`), or {@link OneHot} without one. Checks the block's width first, so nothing is made when it fails.
 */
export function headEncoder(
  where: string,
  block: RecurrentBlock,
  vocabSize: number,
  embedSize: number | undefined,
  seed: number,
): TokenEncoder {
  const width = embedSize ?? vocabSize;
  if (block.numInputs !== width) {
    const what = embedSize === undefined ? `one-hot tokens of a vocabulary of ${vocabSize}` : `embeddings of width ${embedSize}`;
    throw new Error(
      `${where}: the block takes ${block.numInputs} inputs but the model feeds it ${what}. Build the block with numInputs: ${width}.`,
    );
  }
  return embedSize === undefined ? new OneHot(vocabSize) : new EmbeddingScratch({ vocabSize, embedSize, seed });
}

/**
 * A sequence classifier (see the file comment): an encoder, any block, a pool and `O = h W_hq + b_q`, with
 * `W_hq` `[numHiddens, numClasses]` (Glorot uniform) and `b_q` `[numClasses]` (zeros).
 */
export class SequenceClassifier {
  /** How ids become the block's inputs (an embedding, or one-hot). */
  readonly encoder: TokenEncoder;
  readonly block: RecurrentBlock;
  readonly numClasses: number;
  readonly pool: SequencePool;
  /** Summary-to-class weights, `[numHiddens, numClasses]`. */
  readonly W_hq: tf.Variable;
  /** Class biases, `[numClasses]`. */
  readonly b_q: tf.Variable;
  /** What {@link countItems} counts. */
  readonly itemName = "sequences";
  /** Reported by the Trainer: by default `"val acc"`, the share of sequences classified right. */
  readonly metrics: readonly Metric<LabeledTextBatch, never>[];

  constructor(config: SequenceClassifierConfig) {
    const {
      block,
      vocabSize,
      embedSize,
      numClasses,
      pool = "last",
      seed = DEFAULT_INIT_SEED,
      metrics = [tokenAccuracy<LabeledTextBatch>()],
    } = config;
    checkNumOutputs("SequenceClassifier", "numClasses", numClasses);
    this.metrics = metrics;
    if (!SEQUENCE_POOLS.includes(pool))
      throw new Error(`SequenceClassifier: pool "${pool}" is unknown; use one of ${SEQUENCE_POOLS.join(", ")}.`);
    this.encoder = headEncoder("SequenceClassifier", block, vocabSize, embedSize, seed);
    this.block = block;
    this.numClasses = numClasses;
    this.pool = pool;
    this.W_hq = initVariable([block.numHiddens, numClasses], { uniform: glorotLimit(block.numHiddens, numClasses) }, seed, "W_hq");
    this.b_q = initVariable([numClasses], { fill: 0 }, seed, "b_q");
  }

  /**
   * Logits of each sequence's class, `[batchSize, numClasses]`.
   * @throws Error when a sequence is empty, or the batch's arrays do not fit its sizes.
   */
  forward(batch: LabeledTextBatch, opts: { readonly training?: boolean } = {}): tf.Tensor2D {
    const { batchSize, numSteps } = batch;
    if (batch.X.length !== batchSize * numSteps) {
      throw new Error(`SequenceClassifier: X holds ${batch.X.length} ids for [batchSize, numSteps] = [${batchSize}, ${numSteps}].`);
    }
    const lens = validLensArray(batch.validLens, batchSize, numSteps, "SequenceClassifier");
    lens.forEach((len, b) => {
      if (len < 1) throw new Error(`SequenceClassifier: sequence ${b} is empty; every sequence needs at least one token.`);
    });
    const { causal } = this.block;
    const training = opts.training === true ? { training: true } : undefined;
    return tf.tidy(() => {
      const ids = tf.transpose(tf.tensor2d(batch.X, [batchSize, numSteps], "int32")) as tf.Tensor2D; // [numSteps, batchSize]
      const X = this.encoder.encode(ids); // [numSteps, batchSize, numInputs]
      // A causal block reads the padding only after each sequence's last real token: run the batch whole.
      const [H, state] = causal
        ? this.block.forward(X, undefined, training)
        : this.block.forward(X, undefined, { ...training, validLens: lens });
      const h = this.summary(H, state, lens); // [batchSize, numHiddens]
      return tf.add(tf.matMul(h, this.W_hq), this.b_q) as tf.Tensor2D; // O = h W_hq + b_q
    });
  }

  /** The pooled summary of each sequence, `[batchSize, numHiddens]`, from the outputs `H` `[numSteps, batchSize, numHiddens]`. */
  private summary(H: tf.Tensor3D, state: RecurrentState, lens: Int32Array): tf.Tensor2D {
    const [numSteps, batchSize, numHiddens] = H.shape;
    if (this.pool === "last") {
      if (!this.block.causal) return finalHiddenOf(this.block, state); // e.g. both directions' summaries
      const last = tf.tensor1d(
        Int32Array.from(lens, (len, b) => (len - 1) * batchSize + b),
        "int32",
      ); // row of (step len−1, sequence b)
      return tf.gather(tf.reshape(H, [numSteps * batchSize, numHiddens]), last) as tf.Tensor2D; // H at each last real token
    }
    const M = tf.tensor3d(
      Float32Array.from({ length: numSteps * batchSize }, (_, i) => (Math.floor(i / batchSize) < lens[i % batchSize] ? 1 : 0)),
      [numSteps, batchSize, 1],
    ); // 1 on real steps, 0 on padding
    if (this.pool === "mean") {
      return tf.div(tf.sum(tf.mul(H, M), 0), tf.tensor2d(Float32Array.from(lens), [batchSize, 1])) as tf.Tensor2D; // Σ_t H_t / len
    }
    return tf.max(tf.add(H, tf.mul(tf.sub(M, 1), 1e9)), 0) as tf.Tensor2D; // max over real steps (padding pushed to −1e9)
  }

  /** The labels of a batch as an int32 tensor `[batchSize]`, checked: one per sequence, each in `[0, numClasses)`. */
  private labelsTensor(batch: LabeledTextBatch): tf.Tensor1D {
    if (batch.labels.length !== batch.batchSize) {
      throw new Error(
        `SequenceClassifier: ${batch.labels.length} labels for a batch of ${batch.batchSize} sequences; give one per sequence.`,
      );
    }
    batch.labels.forEach((label, b) => {
      if (!(Number.isInteger(label) && label >= 0 && label < this.numClasses)) {
        throw new Error(`SequenceClassifier: label ${label} of sequence ${b} is outside [0, numClasses = ${this.numClasses}).`);
      }
    });
    return tf.tensor1d(batch.labels, "int32");
  }

  /** Mean cross-entropy of the labels. */
  loss(batch: LabeledTextBatch, opts: { readonly training?: boolean } = {}): tf.Scalar {
    return tf.tidy(() => sequenceCrossEntropy(this.forward(batch, opts), this.labelsTensor(batch)));
  }

  /** One "token" per sequence (`[1, batchSize, numClasses]`), for `tokenAccuracy()` and `binaryF1()`. The caller disposes them. */
  scores(batch: LabeledTextBatch): TokenScores {
    const targets = tf.tidy(() => tf.expandDims(this.labelsTensor(batch), 0) as tf.Tensor2D); // [1, batchSize]
    const logits = tf.tidy(() => tf.expandDims(this.forward(batch), 0) as tf.Tensor3D);
    return { logits, targets };
  }

  /** The most likely class of each sequence (lists of ids, any lengths ≥ 1). */
  predict(ids: readonly (readonly number[])[]): number[] {
    const batch = labeledTextBatch(ids, new Int32Array(ids.length));
    return tf.tidy(() => Array.from(tf.argMax(this.forward(batch), -1).dataSync()));
  }

  /** Sequences in a batch. */
  countItems(batch: LabeledTextBatch): number {
    return batch.batchSize;
  }

  /** The encoder's, the block's, then `W_hq`, `b_q`. */
  trainableVariables(): tf.Variable[] {
    return [...this.encoder.trainableVariables(), ...this.block.trainableVariables(), this.W_hq, this.b_q];
  }

  /** Frees every weight, the block's included. */
  dispose(): void {
    this.encoder.dispose();
    this.block.dispose();
    tf.dispose([this.W_hq, this.b_q]);
  }
}
