/**
 * A character (or word) language model around *any* {@link RecurrentBlock}: one-hot tokens in, the
 * block's hidden states through an output layer, logits over the vocabulary out:
 * `O_t = H_t W_hq + b_q`. The Trainer and the decoders only see the {@link LanguageModel} interface,
 * so the same code trains and samples RNN, GRU, LSTM, stacked and bidirectional models.
 *
 * ```ts
 * const model = keep("model", new RNNLMScratch({ block: new RNNScratch({ numInputs: V, numHiddens: 64 }), vocabSize: V }));
 * const [logits, state] = model.forward(X); // X: one-hot [numSteps, batchSize, V] → logits [numSteps, batchSize, V]
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { TokenBatch } from "../data/batch";
import { batchTensors, disposeBatchTensors } from "../data/batch-tensors";
import { sequenceCrossEntropy } from "../data/perplexity";
import type { RecurrentBlock, RecurrentState } from "./recurrent";
import { RNN, ownVariable } from "./rnn";

/** What the Trainer trains and the decoders sample from. */
export interface LanguageModel {
  /** Size of the vocabulary: the width of the one-hot inputs and of the logits. */
  readonly vocabSize: number;
  /** A zero state for `batchSize` sequences (the caller owns the tensors). */
  initState(batchSize: number): RecurrentState;
  /**
   * @param X one-hot tokens, time-major `[numSteps, batchSize, vocabSize]`
   * @returns logits `[numSteps, batchSize, vocabSize]` and the final state.
   */
  forward(X: tf.Tensor3D, state?: RecurrentState): [tf.Tensor3D, RecurrentState];
  /** Mean cross-entropy (nats per token) of one batch, as a scalar you can differentiate. */
  loss(batch: TokenBatch): tf.Scalar;
  /** Every trainable variable, block first, in a fixed order. */
  trainableVariables(): tf.Variable[];
  /** Frees every tensor the model owns, its block included. */
  dispose(): void;
}

/** Mean cross-entropy of a batch under `model`: one-hot `X`, logits, masked mean over the targets `Y`. */
export function languageModelLoss(model: LanguageModel, batch: TokenBatch): tf.Scalar {
  const t = batchTensors(batch, model.vocabSize); // X [numSteps, batchSize, V], Y [numSteps, batchSize]
  try {
    return tf.tidy(() => {
      const [logits, state] = model.forward(t.X as tf.Tensor3D);
      tf.dispose(state);
      return sequenceCrossEntropy(logits, t.Y, t.mask);
    });
  } finally {
    disposeBatchTensors(t);
  }
}

/** Configuration of {@link RNNLMScratch}. */
export interface RNNLMScratchConfig {
  /** The recurrent block; its `numInputs` must equal `vocabSize` (one-hot inputs). The model owns it. */
  readonly block: RecurrentBlock;
  readonly vocabSize: number;
  /** Standard deviation of the normal initialisation of `W_hq`. Default 0.01. */
  readonly sigma?: number;
  /** Seed of that initialisation. Default 0. */
  readonly seed?: number;
}

function checkBlock(name: string, block: RecurrentBlock, vocabSize: number): void {
  if (!Number.isInteger(vocabSize) || vocabSize < 2) throw new Error(`${name}: vocabSize must be an integer ≥ 2, got ${vocabSize}.`);
  if (block.numInputs !== vocabSize) {
    throw new Error(`${name}: the block takes ${block.numInputs} inputs but the vocabulary has ${vocabSize} tokens. Build the block with numInputs: ${vocabSize}.`);
  }
}

/**
 * The language model from scratch: any block, then `O_t = H_t W_hq + b_q` with its own variables
 * `W_hq` `[numHiddens, vocabSize]` (from `N(0, sigma²)`) and `b_q` `[vocabSize]` (zeros).
 */
export class RNNLMScratch implements LanguageModel {
  readonly block: RecurrentBlock;
  readonly vocabSize: number;
  /** Hidden-to-output weights, `[numHiddens, vocabSize]`. */
  readonly W_hq: tf.Variable;
  /** Output bias, `[vocabSize]`. */
  readonly b_q: tf.Variable;

  constructor(config: RNNLMScratchConfig) {
    const { block, vocabSize, sigma = 0.01, seed = 0 } = config;
    checkBlock("RNNLMScratch", block, vocabSize);
    this.block = block;
    this.vocabSize = vocabSize;
    this.W_hq = ownVariable(tf.randomNormal([block.numHiddens, vocabSize], 0, sigma, "float32", seed + 7));
    this.b_q = ownVariable(tf.zeros([vocabSize]));
  }

  initState(batchSize: number): RecurrentState {
    return this.block.initState(batchSize);
  }

  forward(X: tf.Tensor3D, state?: RecurrentState): [tf.Tensor3D, RecurrentState] {
    return tf.tidy(() => {
      const [H, newState] = this.block.forward(X, state); // H: [numSteps, batchSize, numHiddens]
      const [numSteps, batchSize, numHiddens] = H.shape;
      const O = tf.add(tf.matMul(tf.reshape(H, [numSteps * batchSize, numHiddens]), this.W_hq), this.b_q); // O_t = H_t W_hq + b_q
      return [tf.reshape(O, [numSteps, batchSize, this.vocabSize]) as tf.Tensor3D, newState]; // [numSteps, batchSize, vocabSize]
    });
  }

  loss(batch: TokenBatch): tf.Scalar {
    return languageModelLoss(this, batch);
  }

  trainableVariables(): tf.Variable[] {
    return [...this.block.trainableVariables(), this.W_hq, this.b_q];
  }

  dispose(): void {
    this.block.dispose();
    this.W_hq.dispose();
    this.b_q.dispose();
  }
}

/** Configuration of {@link RNNLM}. */
export interface RNNLMConfig {
  readonly vocabSize: number;
  /** Width of the hidden state of the `tf.layers.simpleRNN` block. */
  readonly numHiddens: number;
  /** Seed of the layers' initialisers. */
  readonly seed?: number;
  /** Another concise block to use instead of the simpleRNN (e.g. `GRU`); the model owns it. */
  readonly block?: RecurrentBlock;
}

/** The concise language model: an {@link RNN} block (`tf.layers.simpleRNN`) and a `tf.layers.dense` output layer. */
export class RNNLM implements LanguageModel {
  readonly block: RecurrentBlock;
  readonly vocabSize: number;
  /** The output layer, `[numHiddens] → [vocabSize]`. */
  readonly dense: tf.layers.Layer;

  constructor(config: RNNLMConfig) {
    const { vocabSize, numHiddens, seed } = config;
    this.block = config.block ?? new RNN({ numInputs: vocabSize, numHiddens, seed });
    checkBlock("RNNLM", this.block, vocabSize);
    this.vocabSize = vocabSize;
    this.dense = tf.layers.dense({ units: vocabSize, kernelInitializer: tf.initializers.glorotUniform({ seed }) });
    tf.tidy(() => {
      this.dense.apply(tf.zeros([1, this.block.numHiddens])); // builds the layer's variables
    });
  }

  initState(batchSize: number): RecurrentState {
    return this.block.initState(batchSize);
  }

  forward(X: tf.Tensor3D, state?: RecurrentState): [tf.Tensor3D, RecurrentState] {
    return tf.tidy(() => {
      const [H, newState] = this.block.forward(X, state); // H: [numSteps, batchSize, numHiddens]
      const [numSteps, batchSize, numHiddens] = H.shape;
      const O = this.dense.apply(tf.reshape(H, [numSteps * batchSize, numHiddens])) as tf.Tensor2D; // [numSteps·batchSize, vocabSize]
      return [tf.reshape(O, [numSteps, batchSize, this.vocabSize]) as tf.Tensor3D, newState];
    });
  }

  loss(batch: TokenBatch): tf.Scalar {
    return languageModelLoss(this, batch);
  }

  trainableVariables(): tf.Variable[] {
    return [...this.block.trainableVariables(), ...this.dense.trainableWeights.map((w) => w.read() as tf.Variable)];
  }

  dispose(): void {
    this.block.dispose();
    this.dense.dispose();
  }
}
