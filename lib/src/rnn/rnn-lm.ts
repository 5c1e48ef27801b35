/**
 * A character (or word) language model around *any* recurrent block: token ids in, encoded (one-hot or
 * by an embedding the model owns), the block's hidden states through an output layer, logits over the
 * vocabulary out: `O_t = H_t W_hq + b_q`. The Trainer and the decoders only see the
 * {@link LanguageModel} interface, so the same code trains and samples RNN, GRU, LSTM, stacked and fused
 * models.
 *
 * ```ts
 * const model = keep("model", new RNNLMScratch({ block: new RNNScratch({ numInputs: V, numHiddens: 64 }), vocabSize: V }));
 * const [logits, state] = model.forward(ids); // ids: int32 [numSteps, batchSize] → logits [numSteps, batchSize, V]
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { TokenBatch } from "../data/batch";
import { tokensIn } from "../data/batch";
import { batchTensors, disposeBatchTensors } from "../data/batch-tensors";
import type { Metric, TokenScores } from "../data/metrics";
import { perplexityMetric } from "../data/metrics";
import { sequenceCrossEntropy } from "../data/perplexity";
import { fusedSoftmaxCrossEntropy } from "../fast/fused-head";
import { Embedding, EmbeddingScratch, OneHot, TokenEncoder } from "./embedding";
import { DEFAULT_INIT_SEED, glorotLimit, initValues, initVariable } from "./init";
import { MLPScratch } from "./mlp";
import type { ForwardOptions, RecurrentBlock, RecurrentState } from "./recurrent";
import { RNN } from "./rnn";

/** What the Trainer trains and the decoders sample from. */
export interface LanguageModel {
  /** Size of the vocabulary: ids lie in `[0, vocabSize)`, and the logits are this wide. */
  readonly vocabSize: number;
  /** How ids become the block's inputs (one-hot or an embedding). */
  readonly encoder: TokenEncoder;
  /** The recurrent block. */
  readonly block: RecurrentBlock;
  /** A zero state for `batchSize` sequences (the caller owns the tensors). */
  initState(batchSize: number): RecurrentState;
  /**
   * @param ids int32 token ids, time-major `[numSteps, batchSize]`
   * @returns logits `[numSteps, batchSize, vocabSize]` and the final state.
   */
  forward(ids: tf.Tensor2D, state?: RecurrentState, opts?: ForwardOptions): [tf.Tensor3D, RecurrentState];
  /** Mean cross-entropy (nats per real target token) of one batch, as a scalar you can differentiate. */
  loss(batch: TokenBatch, opts?: { readonly training?: boolean }): tf.Scalar;
  /** The loss of a batch read from `state`, and the state after it (for carrying it to the next batch). */
  lossAndState(
    batch: TokenBatch,
    state?: RecurrentState,
    opts?: { readonly training?: boolean },
  ): { loss: tf.Scalar; state: RecurrentState };
  /** Logits, targets and mask of a batch, for token-level metrics; the caller disposes them. */
  scores(batch: TokenBatch): TokenScores;
  /** Real target tokens in a batch: the weight of its loss in averages, and the unit of speed. */
  countItems(batch: TokenBatch): number;
  /** What {@link countItems} counts, for speeds: `"tokens"`. */
  readonly itemName: string;
  /** Metrics the Trainer reports for it by default: perplexity. */
  readonly metrics: readonly Metric<TokenBatch, LanguageModel>[];
  /** True only for a model built around a non-causal block on purpose (notebook 06's demonstration of why it fails). */
  readonly unsafeNonCausal: boolean;
  /** Every trainable variable, encoder first, then the block, then the output layer. */
  trainableVariables(): tf.Variable[];
  /** Frees every tensor the model owns, its block included. */
  dispose(): void;
}

/** Checks the sizes of a model around `block` and refuses a block that reads the future. */
function checkLM(name: string, block: RecurrentBlock, encoder: TokenEncoder, unsafeNonCausal: boolean): void {
  if (encoder.vocabSize < 2) throw new Error(`${name}: vocabSize must be an integer ≥ 2, got ${encoder.vocabSize}.`);
  if (!block.causal && !unsafeNonCausal) {
    throw new Error(
      `${name}: the block is not causal (its output at step t reads inputs after t, as a bidirectional block does). ` +
        `A language model predicts token t + 1 from tokens up to t, so such a block would see the answer. Use a one-directional block.`,
    );
  }
  if (block.numInputs !== encoder.numOutputs) {
    const what =
      encoder.numOutputs === encoder.vocabSize
        ? `one-hot tokens of a vocabulary of ${encoder.vocabSize}`
        : `embeddings of width ${encoder.numOutputs}`;
    throw new Error(
      `${name}: the block takes ${block.numInputs} inputs but the model feeds it ${what}. Build the block with numInputs: ${encoder.numOutputs}.`,
    );
  }
}

/** What both language models share: encode, run the block, project every step to logits. */
abstract class RecurrentLM implements LanguageModel {
  readonly vocabSize: number;
  readonly encoder: TokenEncoder;
  readonly block: RecurrentBlock;
  readonly itemName = "tokens";
  readonly metrics: readonly Metric<TokenBatch, LanguageModel>[] = [perplexityMetric];
  readonly unsafeNonCausal: boolean;

  protected constructor(name: string, encoder: TokenEncoder, block: RecurrentBlock, unsafeNonCausal = false) {
    checkLM(name, block, encoder, unsafeNonCausal);
    this.unsafeNonCausal = unsafeNonCausal;
    this.vocabSize = encoder.vocabSize;
    this.encoder = encoder;
    this.block = block;
  }

  /** The output layer: `[N, numHiddens]` → logits `[N, vocabSize]`. */
  protected abstract project(H: tf.Tensor2D): tf.Tensor2D;
  /** The output layer's variables. */
  protected abstract headVariables(): tf.Variable[];
  /** Frees the output layer. */
  protected abstract disposeHead(): void;

  initState(batchSize: number): RecurrentState {
    return this.block.initState(batchSize);
  }

  forward(ids: tf.Tensor2D, state?: RecurrentState, opts?: ForwardOptions): [tf.Tensor3D, RecurrentState] {
    return tf.tidy(() => {
      const X = this.encoder.encode(ids); // [numSteps, batchSize, numInputs]
      const [H, newState] = this.block.forward(X, state, opts); // H: [numSteps, batchSize, numHiddens]
      const [numSteps, batchSize, numHiddens] = H.shape;
      const O = this.project(tf.reshape(H, [numSteps * batchSize, numHiddens])); // O_t = H_t W_hq + b_q
      return [tf.reshape(O, [numSteps, batchSize, this.vocabSize]) as tf.Tensor3D, newState]; // [numSteps, batchSize, vocabSize]
    });
  }

  lossAndState(
    batch: TokenBatch,
    state?: RecurrentState,
    opts: { readonly training?: boolean } = {},
  ): { loss: tf.Scalar; state: RecurrentState } {
    const t = batchTensors(batch, this.vocabSize); // X, Y: [numSteps, batchSize]
    try {
      return tf.tidy(() => {
        const [logits, next] = this.forward(t.X, state, { training: opts.training });
        return { loss: sequenceCrossEntropy(logits, t.Y, t.mask), state: next };
      });
    } finally {
      disposeBatchTensors(t);
    }
  }

  loss(batch: TokenBatch, opts: { readonly training?: boolean } = {}): tf.Scalar {
    return tf.tidy(() => {
      const { loss, state } = this.lossAndState(batch, undefined, opts);
      tf.dispose(state);
      return loss;
    });
  }

  scores(batch: TokenBatch): TokenScores {
    const t = batchTensors(batch, this.vocabSize);
    const [logits, state] = this.forward(t.X);
    tf.dispose([t.X, ...state]);
    return t.mask ? { logits, targets: t.Y, mask: t.mask } : { logits, targets: t.Y };
  }

  countItems(batch: TokenBatch): number {
    return tokensIn(batch);
  }

  trainableVariables(): tf.Variable[] {
    return [...this.encoder.trainableVariables(), ...this.block.trainableVariables(), ...this.headVariables()];
  }

  dispose(): void {
    this.encoder.dispose();
    this.block.dispose();
    this.disposeHead();
  }
}

/** Configuration of {@link RNNLMScratch}. */
export interface RNNLMScratchConfig {
  /** The recurrent block; its `numInputs` must be `vocabSize` (one-hot) or `embedSize`. The model owns it. */
  readonly block: RecurrentBlock;
  readonly vocabSize: number;
  /** Learn an embedding of this width ({@link EmbeddingScratch}) instead of one-hot inputs. */
  readonly embedSize?: number;
  /** Standard deviation of the normal initialisation of `W_hq`. Default 0.01. */
  readonly sigma?: number;
  /** Seed of the output layer's (and embedding's) initialisation. Default 0. */
  readonly seed?: number;
  /**
   * A deeper hidden-to-output transformation: tanh layers of these widths between `H_t` and `W_hq`
   * (an {@link MLPScratch}). Default none: `O_t = H_t W_hq + b_q`.
   */
  readonly outputHiddens?: readonly number[];
  /**
   * Build it around a non-causal (bidirectional) block anyway. Such a "language model" sees the token it
   * must predict; this exists only to show that it fails. Default false: the constructor refuses.
   */
  readonly unsafeNonCausal?: boolean;
  /**
   * Compute the training loss with the fused output layer (`fusedSoftmaxCrossEntropy`: `H W_hq + b_q`, the softmax
   * and the cross-entropy as one WebAssembly op, forward and backward) over the real (mask 1) positions only. The
   * same loss as the plain path, several times faster when the vocabulary is large (thousands of characters).
   * Predictions (`forward`, sampling) are unchanged. Needs masks of 0 and 1 and no `outputHiddens`. Default false.
   */
  readonly fusedHead?: boolean;
}

/**
 * The language model from scratch: an encoder (one-hot, or {@link EmbeddingScratch}), any block, then
 * `O_t = H_t W_hq + b_q` with its own variables `W_hq` `[numHiddens, vocabSize]` (from `N(0, sigma²)`)
 * and `b_q` `[vocabSize]` (zeros).
 */
export class RNNLMScratch extends RecurrentLM {
  /** Hidden-to-output weights, `[numHiddens, vocabSize]` (or `[last of outputHiddens, vocabSize]`). */
  readonly W_hq: tf.Variable;
  /** Output bias, `[vocabSize]`. */
  readonly b_q: tf.Variable;
  /** The deeper hidden-to-output transformation, when `outputHiddens` was given. */
  readonly outputMLP?: MLPScratch;
  /** See {@link RNNLMScratchConfig.fusedHead}. */
  readonly fusedHead: boolean;

  constructor(config: RNNLMScratchConfig) {
    const {
      block,
      vocabSize,
      embedSize,
      sigma = 0.01,
      seed = DEFAULT_INIT_SEED,
      outputHiddens = [],
      unsafeNonCausal = false,
      fusedHead = false,
    } = config;
    if (fusedHead && outputHiddens.length > 0) {
      throw new Error("RNNLMScratch: fusedHead fuses the linear output layer only; leave out outputHiddens or fusedHead.");
    }
    const encoder = embedSize === undefined ? new OneHot(vocabSize) : new EmbeddingScratch({ vocabSize, embedSize, seed });
    super("RNNLMScratch", encoder, block, unsafeNonCausal);
    if (outputHiddens.length > 0) this.outputMLP = new MLPScratch({ sizes: [block.numHiddens, ...outputHiddens], seed, name: "outputMLP" });
    const width = this.outputMLP?.numOutputs ?? block.numHiddens;
    this.W_hq = initVariable([width, vocabSize], { normal: sigma }, seed, "W_hq");
    this.b_q = initVariable([vocabSize], { fill: 0 }, seed, "b_q");
    this.fusedHead = fusedHead;
  }

  override lossAndState(
    batch: TokenBatch,
    state?: RecurrentState,
    opts: { readonly training?: boolean } = {},
  ): { loss: tf.Scalar; state: RecurrentState } {
    if (!this.fusedHead) return super.lossAndState(batch, state, opts);
    const { batchSize: B, numSteps: T } = batch;
    const rows: number[] = []; // time-major rows (t·B + b) of the real targets
    const labels: number[] = [];
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const m = batch.mask ? batch.mask[b * T + t] : 1;
        if (m !== 0 && m !== 1)
          throw new Error(`RNNLMScratch: fusedHead needs a mask of 0 and 1, got ${m}; build the model without fusedHead.`);
        if (m === 1) {
          rows.push(t * B + b);
          labels.push(batch.Y[b * T + t]);
        }
      }
    }
    if (rows.length === 0) throw new Error("RNNLMScratch: the batch has no real target (its mask is all 0).");
    const t = batchTensors(batch, this.vocabSize); // X: [numSteps, batchSize]
    try {
      return tf.tidy(() => {
        const X = this.encoder.encode(t.X);
        const [H, next] = this.block.forward(X, state, { training: opts.training }); // [T, B, h]
        const h = H.shape[2];
        const real = tf.gather(tf.reshape(H, [T * B, h]), tf.tensor1d(rows, "int32")) as tf.Tensor2D; // [N, h]
        return {
          loss: fusedSoftmaxCrossEntropy(real, this.W_hq as tf.Tensor2D, this.b_q as tf.Tensor1D, Int32Array.from(labels)),
          state: next,
        };
      });
    } finally {
      disposeBatchTensors(t);
    }
  }

  protected project(H: tf.Tensor2D): tf.Tensor2D {
    const top = this.outputMLP ? this.outputMLP.apply(H) : H; // a deeper hidden-to-output transformation, if any
    return tf.add(tf.matMul(top, this.W_hq), this.b_q) as tf.Tensor2D; // O = H W_hq + b_q
  }

  protected headVariables(): tf.Variable[] {
    return [...(this.outputMLP?.trainableVariables() ?? []), this.W_hq, this.b_q];
  }

  protected disposeHead(): void {
    this.outputMLP?.dispose();
    this.W_hq.dispose();
    this.b_q.dispose();
  }
}

/** Configuration of {@link RNNLM}. */
export interface RNNLMConfig {
  readonly vocabSize: number;
  /** Width of the hidden state of the default `tf.layers.simpleRNN` block. */
  readonly numHiddens: number;
  /** Learn an embedding of this width (`tf.layers.embedding`) instead of one-hot inputs. */
  readonly embedSize?: number;
  /** Seed of every initial weight. Default 0. */
  readonly seed?: number;
  /** Another block to use instead of the simpleRNN (e.g. a `GRU`); the model owns it. */
  readonly block?: RecurrentBlock;
}

/** The concise language model: an encoder, a block (an {@link RNN} by default) and a `tf.layers.dense` output layer. */
export class RNNLM extends RecurrentLM {
  /** The output layer, `[numHiddens] → [vocabSize]`. */
  readonly dense: tf.layers.Layer;

  constructor(config: RNNLMConfig) {
    const { vocabSize, numHiddens, embedSize, seed = DEFAULT_INIT_SEED } = config;
    const encoder = embedSize === undefined ? new OneHot(vocabSize) : new Embedding({ vocabSize, embedSize, seed });
    super("RNNLM", encoder, config.block ?? new RNN({ numInputs: encoder.numOutputs, numHiddens, seed }));
    const H = this.block.numHiddens;
    this.dense = tf.layers.dense({ units: vocabSize, kernelInitializer: "zeros" });
    tf.tidy(() => {
      this.dense.apply(tf.zeros([1, H])); // builds the layer's variables
      const kernel = tf.tensor2d(initValues([H, vocabSize], { uniform: glorotLimit(H, vocabSize) }, seed, "dense"), [H, vocabSize]);
      this.dense.setWeights([kernel, tf.zeros([vocabSize])]);
    });
  }

  protected project(H: tf.Tensor2D): tf.Tensor2D {
    return this.dense.apply(H) as tf.Tensor2D;
  }

  protected headVariables(): tf.Variable[] {
    return this.dense.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  protected disposeHead(): void {
    this.dense.dispose();
  }
}
