/**
 * Three of the four ways to make a recurrent network deep (Pascanu et al., 2014, "How to construct deep
 * recurrent neural networks"); the fourth, stacking, is {@link Stacked}:
 *
 * - a deeper **input-to-hidden** transformation: an MLP reads each `X_t` before the recurrence ({@link DeepInput});
 * - a deeper **hidden-to-hidden** transition: an MLP inside the recurrence ({@link DeepTransitionScratch}),
 *   ```text
 *   Z_t = tanh(X_t W_xz + H_{t−1} W_hz + b_z)    the transition's hidden layer
 *   H_t = tanh(Z_t W_zh + b_h)                   the new state
 *   ```
 *   so one step goes through two nonlinear layers (a vanilla RNN: one);
 * - a deeper **hidden-to-output** transformation: an MLP between `H_t` and the output layer (`RNNLMScratch`'s
 *   `outputHiddens`).
 *
 * ```ts
 * const deepIn = new DeepInput({ mlp: new MLPScratch({ sizes: [28, 64] }), block: new GRUScratch({ numInputs: 64, numHiddens: 64 }) });
 * const deepT = new DeepTransitionScratch({ numInputs: 28, numHiddens: 64 });
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { checkCellSizes } from "./cell-block";
import { DEFAULT_INIT_SEED, initVariable } from "./init";
import type { MLPScratch } from "./mlp";
import type { CellStep, ForwardOptions, GateInfo, LentCell, RecurrentBlock, RecurrentCell, RecurrentState } from "./recurrent";
import { checkBlockInputs, runCell } from "./runner";

/** Configuration of {@link DeepInput}. */
export interface DeepInputConfig {
  /** Applied to every input step first; its `numOutputs` must be the block's `numInputs`. Owned. */
  readonly mlp: MLPScratch;
  /** The recurrent block that reads the MLP's outputs. Owned. */
  readonly block: RecurrentBlock;
}

/** A deeper input-to-hidden transformation: `block.forward(MLP(X))`. */
export class DeepInput implements RecurrentBlock {
  readonly mlp: MLPScratch;
  readonly block: RecurrentBlock;
  readonly numInputs: number;
  readonly numHiddens: number;
  readonly numStates: number;
  readonly causal: boolean;

  constructor(config: DeepInputConfig) {
    const { mlp, block } = config;
    if (mlp.numOutputs !== block.numInputs) {
      throw new Error(
        `DeepInput: the MLP outputs ${mlp.numOutputs} features but the block takes ${block.numInputs}. Make the MLP's last size ${block.numInputs}.`,
      );
    }
    this.mlp = mlp;
    this.block = block;
    this.numInputs = mlp.numInputs;
    this.numHiddens = block.numHiddens;
    this.numStates = block.numStates;
    this.causal = block.causal;
  }

  initState(batchSize: number): RecurrentState {
    return this.block.initState(batchSize);
  }

  forward(inputs: tf.Tensor3D, state?: RecurrentState, opts?: ForwardOptions): [tf.Tensor3D, RecurrentState] {
    return tf.tidy(() => this.block.forward(this.mlp.apply(inputs), state, opts)); // the MLP reads each X_t alike
  }

  trainableVariables(): tf.Variable[] {
    return [...this.mlp.trainableVariables(), ...this.block.trainableVariables()];
  }

  dispose(): void {
    this.mlp.dispose();
    this.block.dispose();
  }
}

/** Sizes and initialisation of {@link DeepTransitionScratch}. */
export interface DeepTransitionConfig {
  readonly numInputs: number;
  readonly numHiddens: number;
  /** Width of the transition's hidden layer `Z_t`. Default `numHiddens`. */
  readonly numTransition?: number;
  /** Standard deviation of the normal initial weights. Default 0.1 (two tanh layers shrink small signals twice). */
  readonly sigma?: number;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
}

/** What {@link DeepTransitionScratch} shows for inspection. */
export const DEEP_TRANSITION_GATES: readonly GateInfo[] = [
  { name: "Z", symbol: "Z_t", description: "the transition's hidden layer", range: "signed" },
  { name: "H", symbol: "H_t", description: "hidden state", range: "signed" },
];

/** A deeper hidden-to-hidden transition: an MLP with one hidden layer inside the recurrence (see the file comment). */
export class DeepTransitionScratch implements RecurrentCell, RecurrentBlock {
  readonly kind = "deep-transition";
  readonly gates = DEEP_TRANSITION_GATES;
  readonly numInputs: number;
  readonly numHiddens: number;
  readonly numStates = 1;
  readonly causal = true;
  readonly W_xz: tf.Variable; // [numInputs, numTransition]
  readonly W_hz: tf.Variable; // [numHiddens, numTransition]
  readonly b_z: tf.Variable; // [numTransition]
  readonly W_zh: tf.Variable; // [numTransition, numHiddens]
  readonly b_h: tf.Variable; // [numHiddens]

  constructor(config: DeepTransitionConfig) {
    const { numInputs, numHiddens, numTransition = numHiddens, sigma = 0.1, seed = DEFAULT_INIT_SEED } = config;
    checkCellSizes("DeepTransitionScratch", numInputs, numHiddens);
    checkCellSizes("DeepTransitionScratch", numInputs, numTransition);
    this.numInputs = numInputs;
    this.numHiddens = numHiddens;
    this.W_xz = initVariable([numInputs, numTransition], { normal: sigma }, seed, "W_xz");
    this.W_hz = initVariable([numHiddens, numTransition], { normal: sigma }, seed, "W_hz");
    this.b_z = initVariable([numTransition], { fill: 0 }, seed, "b_z");
    this.W_zh = initVariable([numTransition, numHiddens], { normal: sigma }, seed, "W_zh");
    this.b_h = initVariable([numHiddens], { fill: 0 }, seed, "b_h");
  }

  initState(batchSize: number): RecurrentState {
    return [tf.zeros<tf.Rank.R2>([batchSize, this.numHiddens])];
  }

  /** One step: `Z_t = tanh(X_t W_xz + H_{t−1} W_hz + b_z)`, `H_t = tanh(Z_t W_zh + b_h)`. */
  step(X: tf.Tensor2D, [H]: RecurrentState): CellStep {
    return tf.tidy(() => {
      const Z = tf.tanh(tf.add(tf.add(tf.matMul(X, this.W_xz), tf.matMul(H, this.W_hz)), this.b_z)) as tf.Tensor2D; // the transition's hidden layer
      const H_t = tf.tanh(tf.add(tf.matMul(Z, this.W_zh), this.b_h)) as tf.Tensor2D; // the new state
      return { H: H_t, state: [H_t], values: { Z, H: H_t } };
    });
  }

  forward(inputs: tf.Tensor3D, state?: RecurrentState, opts: ForwardOptions = {}): [tf.Tensor3D, RecurrentState] {
    checkBlockInputs("DeepTransitionScratch", this, inputs, state, opts.validLens);
    return runCell(this, inputs, { ...opts, state });
  }

  trainableVariables(): tf.Variable[] {
    return [this.W_xz, this.W_hz, this.b_z, this.W_zh, this.b_h];
  }

  lendCell(): LentCell {
    return { cell: this, owned: false };
  }

  dispose(): void {
    for (const v of this.trainableVariables()) v.dispose();
  }
}
