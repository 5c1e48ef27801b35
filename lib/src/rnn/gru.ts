/**
 * The gated recurrent unit (GRU), twice: {@link GRUScratch} from `tf.variable`s and tensor ops, one
 * line per equation, run by the course's one runner, and {@link GRU} on `tf.layers.gru`. Both are
 * recurrent blocks, so the language-model wrapper, the Trainer and the decoders use them unchanged.
 *
 * The equations (d2l notation; `σ` is the logistic sigmoid, `⊙` the elementwise product):
 *
 * ```text
 * R_t  = σ(X_t W_xr + H_{t-1} W_hr + b_r)          reset gate
 * Z_t  = σ(X_t W_xz + H_{t-1} W_hz + b_z)          update gate
 * H̃_t = tanh(X_t W_xh + (R_t ⊙ H_{t-1}) W_hh + b_h)  candidate state
 * H_t  = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t            new state
 * ```
 *
 * **Scratch ↔ concise.** `tf.layers.gru` computes exactly these equations when it is built with
 * `recurrentActivation: "sigmoid"` (its default, `"hardSigmoid"`, is a piecewise-linear stand-in) and
 * the reset gate applied *before* the recurrent matrix product, `(R_t ⊙ H_{t-1}) W_hh`, as above. Keras
 * calls that `resetAfter: false`; it is the only form tfjs 4.22 implements (its `GRULayerArgs` has no
 * `resetAfter`, and the cell throws if one sneaks in as `true`). Its three weights hold the gates
 * side by side in the order **z, r, h**:
 *
 * | tf.layers weight | shape | scratch parameters |
 * |---|---|---|
 * | `kernel` | `[numInputs, 3·numHiddens]` | `[W_xz │ W_xr │ W_xh]` |
 * | `recurrentKernel` | `[numHiddens, 3·numHiddens]` | `[W_hz │ W_hr │ W_hh]` |
 * | `bias` | `[3·numHiddens]` | `[b_z │ b_r │ b_h]` |
 *
 * ```ts
 * const gru = new GRUScratch({ numInputs: 28, numHiddens: 32 });
 * const [outputs, [H]] = gru.forward(X); // X: [numSteps, batchSize, 28] → outputs: [numSteps, batchSize, 32]
 * const concise = new GRU({ numInputs: 28, numHiddens: 32 });
 * copyWeights(gru, concise);             // same function, on tf.layers
 * ```
 * @see notebooks/03-gru.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { CellBlock } from "./cell-block";
import { DEFAULT_INIT_SEED, initVariable } from "./init";
import { LayerBlock, LAYER_BLOCK_ARGS, LayerBlockConfig } from "./layer-block";
import type { CellStep, GateInfo, RecurrentState } from "./recurrent";

/** Standard deviation of the normal distribution the scratch weights are drawn from (d2l's `sigma`). */
export const GRU_DEFAULT_SIGMA = 0.01;

/** Options of {@link GRUScratch}. */
export interface GRUScratchConfig {
  /** Features per input step (the vocabulary size for one-hot characters). */
  readonly numInputs: number;
  /** Width of the hidden state `H`. */
  readonly numHiddens: number;
  /** Weights are drawn from `N(0, sigma²)`; biases start at 0. Default {@link GRU_DEFAULT_SIGMA}. */
  readonly sigma?: number;
  /** Seed of the weight initialisation, so a rerun gives the same model. Default 0. */
  readonly seed?: number;
}

/** The GRU's values for inspection, in the order of its equations. */
export const GRU_GATES: readonly GateInfo[] = [
  { name: "R", symbol: "R_t", description: "reset gate: how much of H_{t-1} the candidate sees", range: "unit" },
  { name: "Z", symbol: "Z_t", description: "update gate: 1 keeps the old state, 0 takes the candidate", range: "unit" },
  { name: "H_tilde", symbol: "H̃_t", description: "candidate state", range: "signed" },
  { name: "H", symbol: "H_t", description: "hidden state", range: "signed" },
];

/**
 * A GRU written with tensor operations, one line per equation (see the file comment).
 * Parameters are `tf.variable`s named after the equations: `W_xr`, `W_hr`, `b_r`, `W_xz`, `W_hz`,
 * `b_z`, `W_xh`, `W_hh`, `b_h`.
 */
export class GRUScratch extends CellBlock {
  readonly kind = "gru";
  readonly gates = GRU_GATES;
  readonly W_xr: tf.Variable; // [numInputs, numHiddens]
  readonly W_hr: tf.Variable; // [numHiddens, numHiddens]
  readonly b_r: tf.Variable; // [numHiddens]
  readonly W_xz: tf.Variable;
  readonly W_hz: tf.Variable;
  readonly b_z: tf.Variable;
  readonly W_xh: tf.Variable;
  readonly W_hh: tf.Variable;
  readonly b_h: tf.Variable;

  constructor(config: GRUScratchConfig) {
    super("GRUScratch", config.numInputs, config.numHiddens, 1); // state [H]
    const { numInputs, numHiddens, sigma = GRU_DEFAULT_SIGMA, seed = DEFAULT_INIT_SEED } = config;
    const weight = (name: string, rows: number): tf.Variable => initVariable([rows, numHiddens], { normal: sigma }, seed, name);
    const bias = (name: string): tf.Variable => initVariable([numHiddens], { fill: 0 }, seed, name);
    this.W_xr = weight("W_xr", numInputs);
    this.W_hr = weight("W_hr", numHiddens);
    this.b_r = bias("b_r");
    this.W_xz = weight("W_xz", numInputs);
    this.W_hz = weight("W_hz", numHiddens);
    this.b_z = bias("b_z");
    this.W_xh = weight("W_xh", numInputs);
    this.W_hh = weight("W_hh", numHiddens);
    this.b_h = bias("b_h");
  }

  /** Reset gate `R_t = σ(X_t W_xr + H_{t-1} W_hr + b_r)`, `[batchSize, numHiddens]`, in `[0, 1]`. */
  resetGate(X: tf.Tensor2D, H: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sigmoid(tf.add(tf.add(tf.matMul(X, this.W_xr), tf.matMul(H, this.W_hr)), this.b_r)) as tf.Tensor2D);
  }

  /** Update gate `Z_t = σ(X_t W_xz + H_{t-1} W_hz + b_z)`, `[batchSize, numHiddens]`, in `[0, 1]`. */
  updateGate(X: tf.Tensor2D, H: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sigmoid(tf.add(tf.add(tf.matMul(X, this.W_xz), tf.matMul(H, this.W_hz)), this.b_z)) as tf.Tensor2D);
  }

  /** Candidate state `H̃_t = tanh(X_t W_xh + (R_t ⊙ H_{t-1}) W_hh + b_h)`: the reset gate decides how much of the past it sees. */
  candidateState(X: tf.Tensor2D, H: tf.Tensor2D, R: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.tanh(tf.add(tf.add(tf.matMul(X, this.W_xh), tf.matMul(tf.mul(R, H), this.W_hh)), this.b_h)) as tf.Tensor2D);
  }

  /** New state `H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t`: where `Z_t ≈ 1` the old state is kept. */
  newState(H: tf.Tensor2D, Z: tf.Tensor2D, H_tilde: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.mul(Z, H), tf.mul(tf.sub(1, Z), H_tilde)) as tf.Tensor2D);
  }

  /**
   * One time step: the gates, the candidate and the new state.
   * @param X `[batchSize, numInputs]`
   * @param state `[H_{t-1}]`, `[batchSize, numHiddens]`
   */
  step(X: tf.Tensor2D, [H]: RecurrentState): CellStep {
    return tf.tidy(() => {
      const R = this.resetGate(X, H); // reset gate
      const Z = this.updateGate(X, H); // update gate
      const H_tilde = this.candidateState(X, H, R); // candidate state
      const H_t = this.newState(H, Z, H_tilde); // new state
      return { H: H_t, state: [H_t], values: { R, Z, H_tilde, H: H_t } };
    });
  }

  /** The nine parameters, in the order `W_xr, W_hr, b_r, W_xz, W_hz, b_z, W_xh, W_hh, b_h`. */
  trainableVariables(): tf.Variable[] {
    return [this.W_xr, this.W_hr, this.b_r, this.W_xz, this.W_hz, this.b_z, this.W_xh, this.W_hh, this.b_h];
  }

  /** tf.layers' gate order is z, r, h (see the table in the file comment). */
  protected layersLayout(): [tf.Variable[], tf.Variable[], tf.Variable[]] {
    return [
      [this.W_xz, this.W_xr, this.W_xh], // kernel [numInputs, 3·numHiddens]
      [this.W_hz, this.W_hr, this.W_hh], // recurrentKernel [numHiddens, 3·numHiddens]
      [this.b_z, this.b_r, this.b_h], // bias [3·numHiddens]
    ];
  }
}

/**
 * The concise GRU: a `tf.layers.gru` with `recurrentActivation: "sigmoid"` (and tfjs's only reset
 * convention, `resetAfter: false`), so it computes the same function as {@link GRUScratch} (weight
 * mapping in the file comment). Time-major like every block.
 */
export class GRU extends LayerBlock {
  constructor(config: LayerBlockConfig) {
    super("GRU", "gru", (units) => tf.layers.gru({ units, recurrentActivation: "sigmoid", ...LAYER_BLOCK_ARGS }), config); // state [H]
  }

  protected scratchTwin(): GRUScratch {
    return new GRUScratch({ numInputs: this.numInputs, numHiddens: this.numHiddens, sigma: 0 });
  }
}
