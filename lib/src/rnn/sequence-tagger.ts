/**
 * Many-to-many, aligned: a sequence tagger. Token ids in, one tag per token out (restore the spaces or the
 * punctuation of a text, mark named entities, …): an encoder (an embedding, or one-hot), any recurrent
 * block, and one linear layer applied at every step,
 *
 * ```text
 * H = block(encode(X))                      [numSteps, batchSize, numHiddens]
 * O_t = H_t W_hq + b_q                      [numSteps, batchSize, numTags]
 * ```
 *
 * It trains on {@link TokenBatch}es: `X` the tokens, `Y` one tag per token, `mask` 1 on real tokens, padding
 * at the end of each row (so each row's valid length is its mask's sum; {@link taggedBatch} builds one). A
 * causal block runs on the padded batch whole (its outputs at real steps never read the padding after
 * them); a non-causal one (bidirectional) gets the valid lengths, so its backward direction starts at each
 * row's last real token. The loss and the metrics count real tokens only.
 *
 * ```ts
 * const tagger = new SequenceTagger({ block: buildBidirectional("gru", "scratch", { numInputs: 16, numHiddens: 32 }), vocabSize: V, embedSize: 16, numTags: 2 });
 * await new Trainer({ maxEpochs: 5, lr: 0.01, metrics: [tokenAccuracy(), binaryF1()] }).fit(tagger, data);
 * tagger.predict([[4, 7, 2]]); // one tag per token, e.g. [[0, 1, 0]]
 * ```
 * @see notebooks/06-bidirectional.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { TokenBatch } from "../data/batch";
import { taggedBatch, tokensIn } from "../data/batch";
import { idsTensor } from "../data/batch-tensors";
import type { Metric, TokenScores } from "../data/metrics";
import { tokenAccuracy } from "../data/metrics";
import { sequenceCrossEntropy } from "../data/perplexity";
import type { TokenEncoder } from "./embedding";
import { DEFAULT_INIT_SEED, glorotLimit, initVariable } from "./init";
import type { RecurrentBlock, ValidLens } from "./recurrent";
import { checkNumOutputs, headEncoder } from "./sequence-classifier";

/** Configuration of {@link SequenceTagger}. */
export interface SequenceTaggerConfig {
  /** Any recurrent block, causal or not, reading `embedSize` (or `vocabSize`, one-hot) features per step; the tagger owns it. */
  readonly block: RecurrentBlock;
  /** Tokens in the vocabulary (ids lie in `[0, vocabSize)`). */
  readonly vocabSize: number;
  /** Learn an embedding of this width (an `EmbeddingScratch`); one-hot inputs when absent. */
  readonly embedSize?: number;
  /** Tags a token can get (≥ 2); tags lie in `[0, numTags)`. */
  readonly numTags: number;
  /** Seed of the embedding and the output layer. Default 0. */
  readonly seed?: number;
  /** What the Trainer reports on validation, e.g. `[binaryF1(), tokenAccuracy()]`. Default `[tokenAccuracy()]` ("val acc"). */
  readonly metrics?: readonly Metric<TokenBatch, never>[];
}

/** A tagger batch as tensors, time-major: ids, tags (0 on padding), mask and each row's valid length. */
interface TaggerTensors {
  /** int32 `[numSteps, batchSize]` */
  readonly X: tf.Tensor2D;
  /** int32 `[numSteps, batchSize]` */
  readonly Y: tf.Tensor2D;
  /** float32 `[numSteps, batchSize]`, 1 on real tokens */
  readonly mask: tf.Tensor2D;
  /** `[batchSize]` */
  readonly lens: Int32Array;
}

/**
 * A sequence tagger (see the file comment): an encoder, any block, and `O_t = H_t W_hq + b_q` at every
 * step, with `W_hq` `[numHiddens, numTags]` (Glorot uniform) and `b_q` `[numTags]` (zeros).
 */
export class SequenceTagger {
  /** How ids become the block's inputs (an embedding, or one-hot). */
  readonly encoder: TokenEncoder;
  readonly block: RecurrentBlock;
  readonly numTags: number;
  /** Hidden-to-tag weights, `[numHiddens, numTags]`. */
  readonly W_hq: tf.Variable;
  /** Tag biases, `[numTags]`. */
  readonly b_q: tf.Variable;
  /** What {@link countItems} counts. */
  readonly itemName = "tokens";
  /** Reported by the Trainer: by default `"val acc"`, the share of real tokens tagged right. */
  readonly metrics: readonly Metric<TokenBatch, never>[];

  constructor(config: SequenceTaggerConfig) {
    const { block, vocabSize, embedSize, numTags, seed = DEFAULT_INIT_SEED, metrics = [tokenAccuracy<TokenBatch>()] } = config;
    checkNumOutputs("SequenceTagger", "numTags", numTags);
    this.metrics = metrics;
    this.encoder = headEncoder("SequenceTagger", block, vocabSize, embedSize, seed);
    this.block = block;
    this.numTags = numTags;
    this.W_hq = initVariable([block.numHiddens, numTags], { uniform: glorotLimit(block.numHiddens, numTags) }, seed, "W_hq");
    this.b_q = initVariable([numTags], { fill: 0 }, seed, "b_q");
  }

  /**
   * Tag logits at every step.
   * @param ids int32 token ids, time-major `[numSteps, batchSize]`, padded at the end of each sequence
   * @param opts `validLens` of the sequences (default: every step is real), passed to a non-causal block
   * @returns `[numSteps, batchSize, numTags]`; rows of padding hold logits too, which no loss should read.
   */
  forward(ids: tf.Tensor2D, opts: { readonly validLens?: ValidLens; readonly training?: boolean } = {}): tf.Tensor3D {
    const training = opts.training === true ? { training: true } : undefined;
    return tf.tidy(() => {
      const X = this.encoder.encode(ids); // [numSteps, batchSize, numInputs]
      const [H] = this.block.causal
        ? this.block.forward(X, undefined, training) // a causal block never reads the padding after a real step
        : this.block.forward(X, undefined, { ...training, validLens: opts.validLens });
      const [numSteps, batchSize, numHiddens] = H.shape;
      const O = tf.add(tf.matMul(tf.reshape(H, [numSteps * batchSize, numHiddens]), this.W_hq), this.b_q); // O_t = H_t W_hq + b_q
      return tf.reshape(O, [numSteps, batchSize, this.numTags]) as tf.Tensor3D; // [numSteps, batchSize, numTags]
    });
  }

  /** Checks a batch (sizes, mask padded at the end, tags in range) and makes its tensors; the caller disposes them. */
  private tensors(batch: TokenBatch): TaggerTensors {
    const { batchSize: B, numSteps: T } = batch;
    const size = B * T;
    if (batch.X.length !== size || batch.Y.length !== size || (batch.mask !== undefined && batch.mask.length !== size)) {
      throw new Error(
        `SequenceTagger: X, Y and mask must each hold [batchSize, numSteps] = [${B}, ${T}] values; got ${batch.X.length}, ${batch.Y.length}` +
          `${batch.mask ? `, ${batch.mask.length}` : ""}.`,
      );
    }
    const given = batch.validLens;
    if (given !== undefined && given.length !== B) throw new Error(`SequenceTagger: validLens has ${given.length} entries for ${B} rows.`);
    const lens = given ? Int32Array.from(given) : new Int32Array(B).fill(T);
    const Y = new Int32Array(size); // tags, 0 on padding
    for (let b = 0; b < B; b++) {
      if (given && !(Number.isInteger(lens[b]) && lens[b] >= 0 && lens[b] <= T)) {
        throw new Error(`SequenceTagger: valid length ${lens[b]} of row ${b} must be an integer between 0 and numSteps = ${T}.`);
      }
      for (let t = 0; t < T; t++) {
        const i = b * T + t;
        const m = batch.mask ? batch.mask[i] : 1;
        if (m !== 0 && m !== 1)
          throw new Error(`SequenceTagger: the mask holds ${m} (row ${b}, step ${t}); it must be 1 on real tokens, 0 on padding.`);
        if (given && m === 1 && t >= lens[b]) {
          throw new Error(`SequenceTagger: row ${b} counts a tag at step ${t}, beyond its valid length ${lens[b]}.`);
        }
        if (m === 0) {
          if (!given && lens[b] === T) lens[b] = t;
          continue;
        }
        if (!given && lens[b] !== T) {
          throw new Error(
            `SequenceTagger: row ${b} has a real token at step ${t} after padding at step ${lens[b]}; pad each row at its end ` +
              `(its valid length is the mask's row sum), as taggedBatch does.`,
          );
        }
        const tag = batch.Y[i];
        if (!(Number.isInteger(tag) && tag >= 0 && tag < this.numTags)) {
          throw new Error(`SequenceTagger: tag ${tag} (row ${b}, step ${t}) is outside [0, numTags = ${this.numTags}).`);
        }
        Y[i] = tag;
      }
    }
    const mask = batch.mask ?? new Float32Array(size).fill(1);
    return {
      X: idsTensor(batch.X, B, T),
      Y: idsTensor(Y, B, T),
      mask: idsTensor(mask, B, T, true, "float32"),
      lens,
    };
  }

  /** Mean cross-entropy per real token. */
  loss(batch: TokenBatch, opts: { readonly training?: boolean } = {}): tf.Scalar {
    const t = this.tensors(batch);
    try {
      return tf.tidy(() => sequenceCrossEntropy(this.forward(t.X, { validLens: t.lens, training: opts.training }), t.Y, t.mask));
    } finally {
      tf.dispose([t.X, t.Y, t.mask]);
    }
  }

  /** Logits, tags and mask of a batch, time-major, for `tokenAccuracy()`, `binaryF1()`, …; the caller disposes them. */
  scores(batch: TokenBatch): TokenScores {
    const t = this.tensors(batch);
    let logits: tf.Tensor3D;
    try {
      logits = this.forward(t.X, { validLens: t.lens });
    } catch (err) {
      tf.dispose([t.Y, t.mask]);
      throw err;
    } finally {
      t.X.dispose();
    }
    return { logits, targets: t.Y, mask: t.mask };
  }

  /** The most likely tag of every token of each sequence (lists of ids; an empty one gets no tags). */
  predict(ids: readonly (readonly number[])[]): number[][] {
    const batch = taggedBatch(
      ids,
      ids.map((s) => s.map(() => 0)),
    );
    const t = this.tensors(batch);
    try {
      const best = tf.tidy(() => tf.argMax(this.forward(t.X, { validLens: t.lens }), -1).dataSync()); // [numSteps · batchSize], time-major
      return ids.map((s, b) => s.map((_, step) => best[step * batch.batchSize + b]));
    } finally {
      tf.dispose([t.X, t.Y, t.mask]);
    }
  }

  /** Real tokens in a batch (the mask's sum): the weight of its loss in averages, and the unit of speed. */
  countItems(batch: TokenBatch): number {
    return tokensIn(batch);
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
