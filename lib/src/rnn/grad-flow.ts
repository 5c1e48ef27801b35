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
import { Mat, RnnStepParams, mat, matNorm, randnMat, rnnCellBackward, rnnForward, uniformRng } from "./rnn-step";

/**
 * A random orthogonal `(n, n)` matrix times `scale`: every eigenvalue then has modulus `scale`, so the
 * spectral radius is exactly `scale`. (Gram–Schmidt on a seeded Gaussian matrix.)
 */
export function scaledOrthogonal(n: number, scale: number, seed = 0): Mat {
  const rand = uniformRng(seed);
  const A = randnMat(n, n, rand);
  const Q = mat(n, n);
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = A.data[i * n + j];
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += v[i] * Q.data[i * n + k];
      for (let i = 0; i < n; i++) v[i] -= dot * Q.data[i * n + k];
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < n; i++) Q.data[i * n + j] = v[i] / norm;
  }
  for (let i = 0; i < Q.data.length; i++) Q.data[i] *= scale;
  return Q;
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
  const rand = uniformRng(seed + 1);
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
  da = mat(numHiddens, 1, da.data.map((v) => v / g)); // unit length, so norms[0] = 1
  const norms: number[] = [];
  for (let t = numSteps - 1; t >= 0; t--) {
    norms.push(matNorm(da)); // ‖∂L/∂h_t‖, numSteps − 1 − t steps from the loss
    da = rnnCellBackward(da, caches[t]).daPrev; // one step further back
  }
  return norms;
}
