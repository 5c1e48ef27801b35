/**
 * The vanilla RNN, twice: {@link RNNScratch} from `tf.variable`s and one tanh per step, and
 * {@link RNN} on `tf.layers.simpleRNN`. Both implement {@link RecurrentBlock} (time-major), and
 * {@link copyRNNWeights} moves weights between them so tests can show they compute the same thing.
 *
 * ```ts
 * const rnn = keep("rnn", new RNNScratch({ numInputs: 27, numHiddens: 32 }));
 * const [outputs, [H]] = rnn.forward(X); // X: [numSteps, batchSize, 27] → outputs [numSteps, batchSize, 32]
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { scaledOrthogonal } from "./grad-flow";
import { LayerBlock } from "./layer-block";
import { RecurrentBlock, RecurrentState } from "./recurrent";

/** Sizes and initialisation of a vanilla RNN block. */
export interface RNNConfig {
  /** Features per input step (the vocabulary size for one-hot characters). */
  readonly numInputs: number;
  /** Width of the hidden state `H`. */
  readonly numHiddens: number;
  /** Standard deviation of the normal initialisation of `W_xh` and `W_hh`. Default {@link RNN_DEFAULT_SIGMA}. */
  readonly sigma?: number;
  /** Seed of the initialisation; the same seed gives the same weights. Default 0. */
  readonly seed?: number;
}

/** d2l's default: weights start small, `N(0, 0.01²)`, so early hidden states stay in tanh's linear range. */
export const RNN_DEFAULT_SIGMA = 0.01;

/** Checks the block's input: `[numSteps, batchSize, numInputs]`, with a message that says what to do. */
export function checkRecurrentInput(name: string, inputs: tf.Tensor, numInputs: number, state?: RecurrentState, numHiddens?: number): void {
  if (inputs.rank !== 3 || inputs.shape[2] !== numInputs || inputs.shape[0] < 1) {
    throw new Error(
      `${name}.forward: inputs must be time-major [numSteps, batchSize, numInputs] = [T, B, ${numInputs}] with T ≥ 1; ` +
        `got [${inputs.shape.join(", ")}]. One-hot encode token ids and transpose [batchSize, numSteps] to time-major first.`,
    );
  }
  const batchSize = inputs.shape[1];
  for (const s of state ?? []) {
    if (s.shape[0] !== batchSize || (numHiddens !== undefined && s.shape[1] !== numHiddens)) {
      throw new Error(
        `${name}.forward: state must be [batchSize, numHiddens] = [${batchSize}, ${numHiddens}]; got [${s.shape.join(", ")}]. ` +
          `Use initState(${batchSize}) or the state returned by the previous call.`,
      );
    }
  }
}

function checkSizes(name: string, config: RNNConfig): void {
  for (const key of ["numInputs", "numHiddens"] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: ${key} must be a positive integer, got ${v}.`);
  }
}

/**
 * Turns a freshly made tensor into a trainable `tf.Variable` with a unique automatic name, and frees
 * the tensor (the variable keeps its own reference to the data).
 */
export function ownVariable(initial: tf.Tensor): tf.Variable {
  const v = tf.variable(initial);
  initial.dispose();
  return v;
}

/**
 * The vanilla RNN from scratch: `H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)`, one step per time step.
 * Parameters: `W_xh` `[numInputs, numHiddens]` and `W_hh` `[numHiddens, numHiddens]` drawn from
 * `N(0, sigma²)`, `b_h` `[numHiddens]` zeros. Variables get tfjs's unique automatic names, so rerunning a
 * notebook cell never fails with "variable already registered"; `keep` the block to free the old one.
 */
export class RNNScratch implements RecurrentBlock {
  readonly numInputs: number;
  readonly numHiddens: number;
  /** Input-to-hidden weights, `[numInputs, numHiddens]`. */
  readonly W_xh: tf.Variable;
  /** Hidden-to-hidden weights, `[numHiddens, numHiddens]`. */
  readonly W_hh: tf.Variable;
  /** Hidden bias, `[numHiddens]`. */
  readonly b_h: tf.Variable;

  constructor(config: RNNConfig) {
    checkSizes("RNNScratch", config);
    const { numInputs, numHiddens, sigma = RNN_DEFAULT_SIGMA, seed = 0 } = config;
    this.numInputs = numInputs;
    this.numHiddens = numHiddens;
    this.W_xh = ownVariable(tf.randomNormal([numInputs, numHiddens], 0, sigma, "float32", seed));
    this.W_hh = ownVariable(tf.randomNormal([numHiddens, numHiddens], 0, sigma, "float32", seed + 1));
    this.b_h = ownVariable(tf.zeros([numHiddens]));
  }

  /** Zero hidden state `[H]`, `H` being `[batchSize, numHiddens]`. */
  initState(batchSize: number): RecurrentState {
    return [tf.zeros([batchSize, this.numHiddens])];
  }

  /**
   * Runs the recurrence over all steps.
   * @param inputs `[numSteps, batchSize, numInputs]`
   * @returns outputs `[numSteps, batchSize, numHiddens]` (every `H_t`) and the final state `[H]`.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState): [tf.Tensor3D, RecurrentState] {
    checkRecurrentInput("RNNScratch", inputs, this.numInputs, state, this.numHiddens);
    return tf.tidy(() => {
      const batchSize = inputs.shape[1];
      let H: tf.Tensor2D = state?.[0] ?? tf.zeros([batchSize, this.numHiddens]); // [batchSize, numHiddens]
      const outputs: tf.Tensor2D[] = [];
      for (const X of tf.unstack(inputs) as tf.Tensor2D[]) {
        // X: [batchSize, numInputs]
        const Z = tf.add(tf.add(tf.matMul(X, this.W_xh), tf.matMul(H, this.W_hh)), this.b_h); // X_t W_xh + H_{t-1} W_hh + b_h
        H = tf.tanh(Z) as tf.Tensor2D; // H_t = tanh(…), [batchSize, numHiddens]
        outputs.push(H);
      }
      return [tf.stack(outputs) as tf.Tensor3D, [H]]; // [numSteps, batchSize, numHiddens]
    });
  }

  trainableVariables(): tf.Variable[] {
    return [this.W_xh, this.W_hh, this.b_h];
  }

  dispose(): void {
    for (const v of this.trainableVariables()) v.dispose();
  }
}

/**
 * The concise vanilla RNN on `tf.layers.simpleRNN` (tanh, with bias). `tf.layers` is batch-major, so
 * `forward` transposes in and out to keep the course's time-major layout. Its initialisation
 * follows Keras: Glorot-uniform `kernel`, orthogonal `recurrentKernel` (made by {@link scaledOrthogonal}), zero `bias`.
 */
export class RNN extends LayerBlock {
  /** The underlying layer; its weights are `[kernel, recurrentKernel, bias]` = `[W_xh, W_hh, b_h]`. */
  declare readonly layer: tf.layers.Layer;

  constructor(config: RNNConfig) {
    checkSizes("RNN", config);
    const layer = tf.layers.simpleRNN({
      units: config.numHiddens,
      returnSequences: true,
      returnState: true,
      kernelInitializer: tf.initializers.glorotUniform({ seed: config.seed }),
      recurrentInitializer: "zeros", // replaced by an orthogonal matrix below
    });
    super(layer, config.numInputs, config.numHiddens, 1); // state [H]
    // Orthogonal W_hh, as Keras does, from the lib's own seeded Gram–Schmidt: tfjs's orthogonal
    // initializer warns on stderr for matrices over 2000 elements.
    const Q = scaledOrthogonal(config.numHiddens, 1, config.seed ?? 0);
    tf.tidy(() => {
      const [kernel, , bias] = this.layer.getWeights();
      this.layer.setWeights([kernel, tf.tensor2d(Float32Array.from(Q.data), [Q.rows, Q.cols]), bias]);
    });
  }

  protected override checkInputs(inputs: tf.Tensor3D, state?: RecurrentState): void {
    checkRecurrentInput("RNN", inputs, this.numInputs, state, this.numHiddens);
  }
}

/** Either vanilla RNN block. */
export type AnyRNN = RNNScratch | RNN;

/**
 * Copies `W_xh`, `W_hh`, `b_h` from one vanilla RNN block into another (scratch ↔ concise), so both
 * compute the same function. Sizes must match.
 */
export function copyRNNWeights(from: AnyRNN, to: AnyRNN): void {
  if (from.numInputs !== to.numInputs || from.numHiddens !== to.numHiddens) {
    throw new Error(
      `copyRNNWeights: sizes differ (numInputs ${from.numInputs} → ${to.numInputs}, numHiddens ${from.numHiddens} → ${to.numHiddens}). ` +
        `Build both blocks with the same numInputs and numHiddens.`,
    );
  }
  const source = from.trainableVariables(); // [W_xh, W_hh, b_h] for both classes
  if (to instanceof RNN) {
    to.layer.setWeights(source);
  } else {
    to.trainableVariables().forEach((v, i) => v.assign(source[i]));
  }
}
