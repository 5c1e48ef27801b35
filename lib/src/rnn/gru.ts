/**
 * The gated recurrent unit (GRU), twice: {@link GRUScratch} from `tf.variable`s and tensor ops, one
 * line per equation, and {@link GRU} on `tf.layers.gru`. Both implement {@link RecurrentBlock}, so the
 * language-model wrapper, the Trainer and the decoders use them unchanged.
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
 * const concise = GRU.fromScratch(gru);  // same function, on tf.layers
 * ```
 * @see notebooks/03-gru.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { RecurrentBlock, RecurrentState } from "./recurrent";
import { LayerBlock, LayerBlockConfig, quietOrthogonalInit } from "./layer-block";

// Re-exported so code that imports it from "./gru" keeps working.
export { quietOrthogonalInit };

/** Standard deviation of the normal distribution the scratch weights are drawn from (d2l's `sigma`). */
export const GRU_DEFAULT_SIGMA = 0.01;

/** Seed of the scratch weights when none is given. */
export const GRU_DEFAULT_SEED = 1;

/** Options of {@link GRUScratch}. */
export interface GRUScratchConfig {
  /** Features per input step (the vocabulary size for one-hot characters). */
  readonly numInputs: number;
  /** Width of the hidden state `H`. */
  readonly numHiddens: number;
  /** Weights are drawn from `N(0, sigma²)`; biases start at 0. Default {@link GRU_DEFAULT_SIGMA}. */
  readonly sigma?: number;
  /** Seed of the weight initialisation, so a rerun gives the same model. Default {@link GRU_DEFAULT_SEED}. */
  readonly seed?: number;
}

/** Everything one GRU step computes, each `[batchSize, numHiddens]`: the gates and the new state. */
export type GRUStep = {
  /** Reset gate `R_t`, in `[0, 1]`. */
  R: tf.Tensor2D;
  /** Update gate `Z_t`, in `[0, 1]`. */
  Z: tf.Tensor2D;
  /** Candidate state `H̃_t`, in `[-1, 1]`. */
  H_tilde: tf.Tensor2D;
  /** New hidden state `H_t`, in `[-1, 1]`. */
  H: tf.Tensor2D;
};

let gruInstances = 0;

/** Checks the sizes a recurrent cell is built with. */
export function checkGatedSizes(kind: string, numInputs: number, numHiddens: number): void {
  for (const [name, v] of [["numInputs", numInputs], ["numHiddens", numHiddens]] as const) {
    if (!Number.isInteger(v) || v <= 0) {
      throw new Error(`${kind}: ${name} must be a positive integer, got ${v}. For characters, numInputs is the vocabulary size.`);
    }
  }
}

/** Checks that `inputs` is `[numSteps, batchSize, numInputs]` and `state` matches it. */
export function checkGatedInputs(
  kind: string,
  inputs: tf.Tensor,
  numInputs: number,
  numHiddens: number,
  state: RecurrentState | undefined,
  stateSize: number,
): void {
  if (inputs.rank !== 3 || inputs.shape[2] !== numInputs) {
    throw new Error(
      `${kind}.forward: inputs must be [numSteps, batchSize, ${numInputs}] (time-major), got [${inputs.shape}]. ` +
        `Transpose batch-major data with tf.transpose(x, [1, 0, 2]).`,
    );
  }
  if (state === undefined) return;
  const batchSize = inputs.shape[1];
  if (state.length !== stateSize || state.some((s) => s.rank !== 2 || s.shape[0] !== batchSize || s.shape[1] !== numHiddens)) {
    throw new Error(
      `${kind}.forward: the state must be ${stateSize} tensor(s) of shape [${batchSize}, ${numHiddens}], got ` +
        `[${state.map((s) => `[${s.shape}]`).join(", ")}]. Use initState(batchSize) for a fresh one.`,
    );
  }
}

/**
 * A trainable weight `N(0, sigma²)` (or zeros when `sigma` is 0) with a unique name. `seed` must not be
 * 0: tfjs treats a seed of 0 as "no seed" and would draw different weights on every run.
 */
export function gateWeight(prefix: string, name: string, shape: number[], sigma: number, seed: number): tf.Variable {
  if (seed === 0 && sigma !== 0) throw new Error(`gateWeight: seed 0 means "unseeded" to tfjs; use a non-zero seed.`);
  const init = sigma === 0 ? tf.zeros(shape) : tf.randomNormal(shape, 0, sigma, "float32", seed);
  const v = tf.variable(init, true, `${prefix}/${name}`);
  init.dispose(); // the variable holds its own reference to the data
  return v;
}

/**
 * A GRU written with tensor operations, one line per equation (see the file comment).
 * Parameters are `tf.variable`s named after the equations: `W_xr`, `W_hr`, `b_r`, `W_xz`, `W_hz`,
 * `b_z`, `W_xh`, `W_hh`, `b_h`.
 */
export class GRUScratch implements RecurrentBlock {
  readonly numInputs: number;
  readonly numHiddens: number;
  /** Prefix of this instance's variable names (unique, so a rerun cell never collides). */
  readonly name: string;
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
    const { numInputs, numHiddens, sigma = GRU_DEFAULT_SIGMA, seed = GRU_DEFAULT_SEED } = config;
    checkGatedSizes("GRUScratch", numInputs, numHiddens);
    this.numInputs = numInputs;
    this.numHiddens = numHiddens;
    this.name = `GRUScratch${gruInstances++}`;
    let k = 0;
    const weight = (name: string, rows: number): tf.Variable =>
      gateWeight(this.name, name, [rows, numHiddens], sigma, seed * 101 + ++k);
    const bias = (name: string): tf.Variable => gateWeight(this.name, name, [numHiddens], 0, 0);
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

  /** `[H]` with `H` zeros `[batchSize, numHiddens]`. */
  initState(batchSize: number): RecurrentState {
    return [tf.zeros([batchSize, this.numHiddens])];
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
   * One time step: the gates and the new state.
   * @param X `[batchSize, numInputs]`
   * @param H the previous state `[batchSize, numHiddens]`
   */
  step(X: tf.Tensor2D, H: tf.Tensor2D): GRUStep {
    return tf.tidy(() => {
      const R = this.resetGate(X, H); // reset gate
      const Z = this.updateGate(X, H); // update gate
      const H_tilde = this.candidateState(X, H, R); // candidate state
      return { R, Z, H_tilde, H: this.newState(H, Z, H_tilde) }; // new state
    });
  }

  /**
   * Runs the GRU over a sequence.
   * @param inputs `[numSteps, batchSize, numInputs]`
   * @param state `[H]`, zeros when omitted; not disposed.
   * @returns outputs `[numSteps, batchSize, numHiddens]` (every `H_t`) and the final state `[H]`.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState): [tf.Tensor3D, RecurrentState] {
    checkGatedInputs("GRUScratch", inputs, this.numInputs, this.numHiddens, state, 1);
    return tf.tidy(() => {
      let H = state?.[0] ?? tf.zeros<tf.Rank.R2>([inputs.shape[1], this.numHiddens]);
      const outputs: tf.Tensor2D[] = [];
      for (const X of tf.unstack(inputs) as tf.Tensor2D[]) {
        H = this.step(X, H).H;
        outputs.push(H);
      }
      return [tf.stack(outputs) as tf.Tensor3D, [H]];
    });
  }

  /** The nine parameters, in the order `W_xr, W_hr, b_r, W_xz, W_hz, b_z, W_xh, W_hh, b_h`. */
  trainableVariables(): tf.Variable[] {
    return [this.W_xr, this.W_hr, this.b_r, this.W_xz, this.W_hz, this.b_z, this.W_xh, this.W_hh, this.b_h];
  }

  /** Number of scalar parameters: `3·(numInputs·numHiddens + numHiddens² + numHiddens)`. */
  countParams(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  /** Overwrites this GRU's parameters with those of a concise {@link GRU} (see the mapping above). */
  copyFrom(concise: GRU): void {
    checkGatedPair("GRUScratch.copyFrom", this, concise);
    const [kernel, recurrentKernel, bias] = concise.layer.getWeights();
    tf.tidy(() => {
      const [W_xz, W_xr, W_xh] = tf.split(kernel, 3, 1);
      const [W_hz, W_hr, W_hh] = tf.split(recurrentKernel, 3, 1);
      const [b_z, b_r, b_h] = tf.split(bias, 3, 0);
      this.W_xz.assign(W_xz);
      this.W_xr.assign(W_xr);
      this.W_xh.assign(W_xh);
      this.W_hz.assign(W_hz);
      this.W_hr.assign(W_hr);
      this.W_hh.assign(W_hh);
      this.b_z.assign(b_z);
      this.b_r.assign(b_r);
      this.b_h.assign(b_h);
    });
  }

  /** A new scratch GRU holding a copy of a concise GRU's weights, e.g. to inspect its gates. */
  static fromConcise(concise: GRU): GRUScratch {
    const scratch = new GRUScratch({ numInputs: concise.numInputs, numHiddens: concise.numHiddens, sigma: 0 });
    scratch.copyFrom(concise);
    return scratch;
  }

  /** Frees the parameters. */
  dispose(): void {
    for (const v of this.trainableVariables()) v.dispose();
  }
}

/** Throws unless two blocks have the same `numInputs` and `numHiddens`. */
export function checkGatedPair(where: string, a: RecurrentBlock, b: RecurrentBlock): void {
  if (a.numInputs !== b.numInputs || a.numHiddens !== b.numHiddens) {
    throw new Error(
      `${where}: sizes differ (numInputs ${a.numInputs} vs ${b.numInputs}, numHiddens ${a.numHiddens} vs ${b.numHiddens}). ` +
        `Build both with the same numInputs and numHiddens.`,
    );
  }
}

/** Options of {@link GRU}. */
export interface GRUConfig extends LayerBlockConfig {
  /** Seed of tf.layers' initialisers (glorotUniform kernel, orthogonal recurrent kernel, zero bias). Default 1. */
  readonly seed?: number;
}

/**
 * The concise GRU: a `tf.layers.gru` with `recurrentActivation: "sigmoid"` (and tfjs's only reset convention, `resetAfter: false`), so
 * it computes the same function as {@link GRUScratch} (weight mapping in the file comment).
 * Time-major like every block: it transposes to tf.layers' batch-major layout inside `forward`.
 */
export class GRU extends LayerBlock {
  constructor(config: GRUConfig) {
    const { numInputs, numHiddens, seed = GRU_DEFAULT_SEED, init = "layers" } = config;
    checkGatedSizes("GRU", numInputs, numHiddens);
    const zeros = init === "zeros";
    const layer = tf.layers.gru({
      units: numHiddens,
      recurrentActivation: "sigmoid",
      returnSequences: true,
      returnState: true,
      kernelInitializer: zeros ? "zeros" : tf.initializers.glorotUniform({ seed }),
      recurrentInitializer: zeros ? "zeros" : tf.initializers.orthogonal({ seed: seed + 1 }),
    });
    super(layer, numInputs, numHiddens, 1); // state [H]
  }

  protected override checkInputs(inputs: tf.Tensor3D, state?: RecurrentState): void {
    checkGatedInputs("GRU", inputs, this.numInputs, this.numHiddens, state, 1);
  }

  /** Overwrites this layer's weights with a scratch GRU's (see the mapping in the file comment). */
  copyFrom(scratch: GRUScratch): void {
    checkGatedPair("GRU.copyFrom", scratch, this);
    const weights = tf.tidy(() => [
      tf.concat([scratch.W_xz, scratch.W_xr, scratch.W_xh], 1), // kernel [numInputs, 3·numHiddens]
      tf.concat([scratch.W_hz, scratch.W_hr, scratch.W_hh], 1), // recurrentKernel [numHiddens, 3·numHiddens]
      tf.concat([scratch.b_z, scratch.b_r, scratch.b_h], 0), // bias [3·numHiddens]
    ]);
    this.layer.setWeights(weights);
    tf.dispose(weights);
  }

  /** A new concise GRU computing the same function as `scratch`. */
  static fromScratch(scratch: GRUScratch): GRU {
    const concise = new GRU({ numInputs: scratch.numInputs, numHiddens: scratch.numHiddens, init: "zeros" });
    concise.copyFrom(scratch);
    return concise;
  }
}

/** Either GRU block. */
export type AnyGRU = GRUScratch | GRU;

/**
 * Copies the weights of one GRU block into another (scratch ↔ concise, or same kind), so both compute
 * the same function. Sizes must match.
 */
export function copyGRUWeights(from: AnyGRU, to: AnyGRU): void {
  checkGatedPair("copyGRUWeights", from, to);
  if (from instanceof GRU && to instanceof GRU) to.layer.setWeights(from.layer.getWeights());
  else if (from instanceof GRUScratch && to instanceof GRUScratch) to.trainableVariables().forEach((v, i) => v.assign(from.trainableVariables()[i]));
  else if (to instanceof GRU) to.copyFrom(from as GRUScratch);
  else to.copyFrom(from as GRU);
}
