/**
 * The vanilla RNN, twice: {@link RNNScratch}, a cell from `tf.variable`s with one tanh per step, run by
 * the course's one runner, and {@link RNN} on `tf.layers.simpleRNN`. Both are recurrent blocks
 * (time-major), and {@link copyWeights} moves weights between them, so tests can show they compute the
 * same thing.
 *
 * ```ts
 * const rnn = keep("rnn", new RNNScratch({ numInputs: 27, numHiddens: 32 }));
 * const [outputs, [H]] = rnn.forward(X); // X: [numSteps, batchSize, 27] → outputs [numSteps, batchSize, 32]
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { CellBlock } from "./cell-block";
import { DEFAULT_INIT_SEED, initVariable } from "./init";
import { LayerBlock, LAYER_BLOCK_ARGS, LayerBlockConfig } from "./layer-block";
import type { CellStep, GateInfo, RecurrentState } from "./recurrent";

/** Sizes and initialisation of {@link RNNScratch}. */
export interface RNNScratchConfig {
  /** Features per input step (the vocabulary size for one-hot characters). */
  readonly numInputs: number;
  /** Width of the hidden state `H`. */
  readonly numHiddens: number;
  /** Standard deviation of the normal initialisation of `W_xh` and `W_hh`. Default {@link RNN_DEFAULT_SIGMA}. */
  readonly sigma?: number;
  /** Seed of the initialisation; the same seed gives the same weights in every process. Default 0. */
  readonly seed?: number;
}

/** d2l's default: weights start small, `N(0, 0.01²)`, so early hidden states stay in tanh's linear range. */
export const RNN_DEFAULT_SIGMA = 0.01;

/** What the vanilla RNN cell shows for inspection: only its state. */
export const RNN_GATES: readonly GateInfo[] = [{ name: "H", symbol: "H_t", description: "hidden state", range: "signed" }];

/**
 * The vanilla RNN from scratch: `H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)`.
 * Parameters: `W_xh` `[numInputs, numHiddens]` and `W_hh` `[numHiddens, numHiddens]` drawn from
 * `N(0, sigma²)`, `b_h` `[numHiddens]` zeros. Variables get tfjs's unique automatic names, so rerunning a
 * notebook cell never fails with "variable already registered"; `keep` the block to free the old one.
 */
export class RNNScratch extends CellBlock {
  readonly kind = "rnn";
  readonly gates = RNN_GATES;
  /** Input-to-hidden weights, `[numInputs, numHiddens]`. */
  readonly W_xh: tf.Variable;
  /** Hidden-to-hidden weights, `[numHiddens, numHiddens]`. */
  readonly W_hh: tf.Variable;
  /** Hidden bias, `[numHiddens]`. */
  readonly b_h: tf.Variable;

  constructor(config: RNNScratchConfig) {
    super("RNNScratch", config.numInputs, config.numHiddens, 1); // state [H]
    const { numInputs, numHiddens, sigma = RNN_DEFAULT_SIGMA, seed = DEFAULT_INIT_SEED } = config;
    this.W_xh = initVariable([numInputs, numHiddens], { normal: sigma }, seed, "W_xh");
    this.W_hh = initVariable([numHiddens, numHiddens], { normal: sigma }, seed, "W_hh");
    this.b_h = initVariable([numHiddens], { fill: 0 }, seed, "b_h");
  }

  /**
   * One time step: `H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)`.
   * @param X `[batchSize, numInputs]`
   * @param state `[H_{t-1}]`, `[batchSize, numHiddens]`
   */
  step(X: tf.Tensor2D, [H]: RecurrentState): CellStep {
    return tf.tidy(() => {
      const H_t = tf.tanh(tf.add(tf.add(tf.matMul(X, this.W_xh), tf.matMul(H, this.W_hh)), this.b_h)) as tf.Tensor2D; // [batchSize, numHiddens]
      return { H: H_t, state: [H_t], values: { H: H_t } };
    });
  }

  /** `W_xh, W_hh, b_h`. */
  trainableVariables(): tf.Variable[] {
    return [this.W_xh, this.W_hh, this.b_h];
  }

  protected layersLayout(): [tf.Variable[], tf.Variable[], tf.Variable[]] {
    return [[this.W_xh], [this.W_hh], [this.b_h]];
  }
}

/**
 * The concise vanilla RNN on `tf.layers.simpleRNN` (tanh, with bias). Its weights `[kernel,
 * recurrentKernel, bias]` are `[W_xh, W_hh, b_h]`; they start as Keras's: Glorot-uniform `kernel`,
 * orthogonal `recurrentKernel`, zero `bias`.
 */
export class RNN extends LayerBlock {
  constructor(config: LayerBlockConfig) {
    super("RNN", "rnn", (units) => tf.layers.simpleRNN({ units, ...LAYER_BLOCK_ARGS }), config); // state [H]
  }

  protected scratchTwin(): RNNScratch {
    return new RNNScratch({ numInputs: this.numInputs, numHiddens: this.numHiddens, sigma: 0 });
  }
}
