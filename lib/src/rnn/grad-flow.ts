/**
 * The gradient-flow lab: how the gradient `∂L/∂h_t` shrinks or grows as it travels back through
 * time. Backprop multiplies it at every step by `W_hhᵀ diag(1 − h_t²)`, so its size behaves roughly like
 * `ρ(W_hh)^k` after `k` steps, `ρ` being the spectral radius: it vanishes for `ρ < 1` and can explode for
 * `ρ > 1` (until tanh saturates). Uses the step-by-step RNN of `rnn-step.ts`, in float64.
 *
 * ```ts
 * const norms = hiddenGradientNorms({ spectralRadius: 0.9, numSteps: 100 }); // norms[k]: k steps from the loss
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { RecurrentBlock } from "./recurrent";
import { Rng } from "../data/rng";
import { orthogonalMatrix, seededTensor } from "./init";
import { Mat, RnnStepParams, mat, matNorm, randnMat, rnnCellBackward, rnnForward } from "./rnn-step";

/**
 * A random orthogonal `(n, n)` matrix times `scale`: every eigenvalue then has modulus `scale`, so the
 * spectral radius is exactly `scale` (the course's one orthogonal initialiser, {@link orthogonalMatrix}).
 */
export function scaledOrthogonal(n: number, scale: number, seed = 0): Mat {
  return mat(n, n, orthogonalMatrix(n, scale, new Rng(seed)));
}

/** Settings of {@link hiddenGradientNorms}. */
export interface GradFlowConfig {
  /** Spectral radius `ρ` of `W_hh` (a scaled orthogonal matrix). */
  readonly spectralRadius: number;
  /** Length of the sequence. Default 100. */
  readonly numSteps?: number;
  /** Hidden units. Default 32. */
  readonly numHiddens?: number;
  /** Input features. Default 8. */
  readonly numInputs?: number;
  /** Standard deviation of `W_xh` (the inputs are standard normal); small keeps tanh near its linear range. Default 0.01. */
  readonly inputScale?: number;
  /** Seed of weights and inputs. Default 0. */
  readonly seed?: number;
}

/**
 * `‖∂L/∂h_t‖` for one random sequence, where the loss `L = g · h_T` reads only the last hidden state
 * (`g` a random unit vector). Entry `k` of the result is `k` steps away from the loss (`t = T − k`),
 * so entry 0 is 1.
 */
export function hiddenGradientNorms(config: GradFlowConfig): number[] {
  const { spectralRadius, numSteps = 100, numHiddens = 32, numInputs = 8, inputScale = 0.01, seed = 0 } = config;
  if (!(spectralRadius >= 0 && Number.isFinite(spectralRadius))) {
    throw new Error(`hiddenGradientNorms: spectralRadius must be a number ≥ 0, got ${spectralRadius}.`);
  }
  const rand = new Rng(seed + 1);
  const params: RnnStepParams = {
    Wax: randnMat(numHiddens, numInputs, rand, inputScale),
    Waa: scaledOrthogonal(numHiddens, spectralRadius, seed),
    ba: mat(numHiddens, 1),
    Wya: mat(1, numHiddens),
    by: mat(1, 1),
  };
  const x = Array.from({ length: numSteps }, () => randnMat(numInputs, 1, rand));
  const { caches } = rnnForward(x, mat(numHiddens, 1), params);
  let da = randnMat(numHiddens, 1, rand); // ∂L/∂h_T = g
  const g = matNorm(da);
  da = mat(
    numHiddens,
    1,
    da.data.map((v) => v / g),
  ); // unit length, so norms[0] = 1
  const norms: number[] = [];
  for (let t = numSteps - 1; t >= 0; t--) {
    norms.push(matNorm(da)); // ‖∂L/∂h_t‖, numSteps − 1 − t steps from the loss
    da = rnnCellBackward(da, caches[t]).daPrev; // one step further back
  }
  return norms;
}

/** Options of {@link stateGradientNorms}. */
export interface StateGradientConfig {
  /** Seed of the random unit vector `g` the loss reads the last state with. Default 0. */
  readonly seed?: number;
}

/**
 * How strongly the last hidden state depends on each earlier state, for any recurrent block: with the
 * loss `L = g · H_T` (`g` a seeded random unit vector), entry `k` of the result is `‖∂L/∂S_{T−k}‖`, the
 * norm of the gradient with respect to the whole state `k` steps before the end (`[H]` for RNN and
 * GRU, `[H, C]` for the LSTM), so entry 0 is 1. The same measurement as notebook 02's gradient-flow lab,
 * but by tfjs autodiff on the real block: a zero tensor is added to the state after every step and the
 * gradient with respect to it is read.
 * @param inputs `[numSteps, batchSize, numInputs]`, e.g. a one-hot text with `batchSize` 1.
 */
export function stateGradientNorms(block: RecurrentBlock, inputs: tf.Tensor3D, config: StateGradientConfig = {}): number[] {
  if (inputs.rank !== 3 || inputs.shape[2] !== block.numInputs || inputs.shape[0] < 1) {
    throw new Error(`stateGradientNorms: inputs must be [numSteps, batchSize, ${block.numInputs}], got [${inputs.shape}].`);
  }
  const [numSteps, batchSize] = inputs.shape;
  const sums = tf.tidy(() => {
    const init = block.initState(batchSize);
    const numParts = init.length;
    const g = seededTensor([batchSize, block.numHiddens], { normal: 1 }, config.seed ?? 0, "g");
    const unitG = tf.div(g, tf.norm(g));
    const steps = tf.split(inputs, numSteps, 0) as tf.Tensor3D[]; // each [1, batchSize, numInputs]
    // L as a function of offsets E added to the state after every step (all zero: L is unchanged).
    // After the last step only H gets one: L reads H_T alone, so a C_T offset would have no gradient.
    const slots: [number, number][] = []; // (step, part) of each offset
    for (let t = 0; t < numSteps; t++) for (let j = 0; j < (t === numSteps - 1 ? 1 : numParts); j++) slots.push([t, j]);
    const loss = (...E: tf.Tensor[]): tf.Scalar => {
      let state = init;
      let k = 0;
      for (let t = 0; t < numSteps; t++) {
        const [, next] = block.forward(steps[t], state);
        state = next.map((s, j) => (t === numSteps - 1 && j > 0 ? s : (tf.add(s, E[k++]) as tf.Tensor2D)));
      }
      return tf.sum(tf.mul(state[0], unitG)) as tf.Scalar;
    };
    const grads = tf.grads(loss)(slots.map(([, j]) => tf.zerosLike(init[j])));
    // ‖∂L/∂S_t‖² summed over the state's parts, one value per step t.
    const perStep: tf.Scalar[][] = Array.from({ length: numSteps }, () => []);
    grads.forEach((d, i) => perStep[slots[i][0]].push(tf.sum(tf.square(d))));
    return tf.stack(perStep.map((parts) => tf.addN(parts)));
  });
  const squared = sums.dataSync();
  sums.dispose();
  return Array.from(squared, Math.sqrt).reverse(); // entry k: k steps before the end
}
