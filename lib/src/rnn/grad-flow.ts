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
import type { LayeredBlock } from "./stacked";
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
 * `‖∂L/∂S‖²` for every part of the state after every step but the last, `[numSteps − 1][numStates]`, with the
 * loss `L = g · Y_T` (`g` a seeded random unit vector, `Y_T` the block's output at the last step). A zero
 * tensor is added to each part of the state after every step and the gradient with respect to it is read.
 */
function squaredStateGradients(where: string, block: RecurrentBlock, inputs: tf.Tensor3D, seed: number): number[][] {
  if (inputs.rank !== 3 || inputs.shape[2] !== block.numInputs || inputs.shape[0] < 1) {
    throw new Error(`${where}: inputs must be [numSteps, batchSize, ${block.numInputs}], got [${inputs.shape}].`);
  }
  const [numSteps, batchSize] = inputs.shape;
  if (numSteps < 2) return [];
  const squared = tf.tidy(() => {
    const init = block.initState(batchSize);
    const g = seededTensor([batchSize, block.numHiddens], { normal: 1 }, seed, "g");
    const unitG = tf.div(g, tf.norm(g));
    const steps = tf.split(inputs, numSteps, 0) as tf.Tensor3D[]; // each [1, batchSize, numInputs]
    // L as a function of the offsets E[t][j] (all zero, so L is unchanged), one per part j after step t < T − 1.
    const loss = (...E: tf.Tensor[]): tf.Scalar => {
      let state = init;
      let Y: tf.Tensor3D = steps[0];
      for (let t = 0; t < numSteps; t++) {
        const [out, next] = block.forward(steps[t], state); // out: [1, batchSize, numHiddens]
        Y = out;
        state = t < numSteps - 1 ? next.map((s, j) => tf.add(s, E[t * init.length + j]) as tf.Tensor2D) : next;
      }
      return tf.sum(tf.mul(tf.reshape(Y, [batchSize, block.numHiddens]), unitG)) as tf.Scalar;
    };
    const offsets = Array.from({ length: (numSteps - 1) * init.length }, (_, i) => tf.zerosLike(init[i % init.length]));
    return tf
      .stack(
        tf
          .grads(loss)(offsets)
          .map((d) => tf.sum(tf.square(d))),
      )
      .reshape([numSteps - 1, init.length]);
  });
  const values = squared.arraySync() as number[][];
  squared.dispose();
  return values;
}

/**
 * How strongly the last output depends on each earlier state, for any recurrent block: with the loss
 * `L = g · H_T` (`g` a seeded random unit vector), entry `k` of the result is `‖∂L/∂S_{T−k}‖`, the norm of
 * the gradient with respect to the whole state `k` steps before the end (`[H]` for RNN and GRU, `[H, C]` for
 * the LSTM), so entry 0 is 1. The same measurement as notebook 02's gradient-flow lab, but by tfjs autodiff
 * on the real block.
 * @param inputs `[numSteps, batchSize, numInputs]`, e.g. an encoded text with `batchSize` 1.
 */
export function stateGradientNorms(block: RecurrentBlock, inputs: tf.Tensor3D, config: StateGradientConfig = {}): number[] {
  const parts = squaredStateGradients("stateGradientNorms", block, inputs, config.seed ?? 0);
  return [1, ...parts.map((row) => Math.sqrt(row.reduce((a, b) => a + b, 0))).reverse()]; // entry k: k steps before the end
}

/**
 * {@link stateGradientNorms} per layer of a stack: `result[l][k]` is `‖∂L/∂S^(l)_{T−k}‖`, the gradient reaching
 * layer `l`'s state `k` steps before the end, for `L = g · H^(top)_T`. Entry 0 is 1 for the top layer and `NaN`
 * (not measured) for the layers below.
 */
export function layerGradientNorms(block: LayeredBlock, inputs: tf.Tensor3D, config: StateGradientConfig = {}): number[][] {
  const parts = squaredStateGradients("layerGradientNorms", block, inputs, config.seed ?? 0);
  const top = block.layers.length - 1;
  return block.layers.map((_, l) => {
    const [start, end] = block.stateRange(l);
    const back = parts.map((row) => Math.sqrt(row.slice(start, end).reduce((a, b) => a + b, 0))).reverse();
    return [l === top ? 1 : NaN, ...back];
  });
}
