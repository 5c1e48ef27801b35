/**
 * The one place where the course's trainable weights are made. Every scratch block, embedding, output
 * layer and fused block calls {@link initVariable}. The numbers come from the course's seeded
 * {@link Rng}, one stream per parameter (derived from the seed and the parameter's name), never from
 * tfjs's own seeds, which treat a seed of 0 as "no seed". So the same seed gives the same weights in
 * every process and on every backend, and `seed: 0` is an ordinary seed.
 *
 * ```ts
 * const W_xh = initVariable([numInputs, numHiddens], { normal: 0.01 }, seed, "W_xh");
 * const b_h = initVariable([numHiddens], { fill: 0 }, seed, "b_h");
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../data/rng";

/**
 * How a parameter starts: normal `N(0, normal²)`; uniform on `[−uniform, uniform]`; every element equal
 * to `fill`; or, for a `[n, k·n]` matrix, `k` side-by-side random orthogonal `n × n` blocks times
 * `orthogonal` (every eigenvalue of each block then has modulus `orthogonal`).
 */
export type WeightInit =
  { readonly normal: number } | { readonly uniform: number } | { readonly fill: number } | { readonly orthogonal: number };

/** Glorot (Xavier) uniform limit `√(6 / (fanIn + fanOut))`, Keras's default for a kernel `[fanIn, fanOut]`. */
export function glorotLimit(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * A random orthogonal `n × n` matrix times `gain`, row-major, in float64: Gram–Schmidt on the columns
 * of a matrix of normal numbers drawn from `rng`.
 */
export function orthogonalMatrix(n: number, gain: number, rng: Rng): Float64Array {
  const A = Float64Array.from({ length: n * n }, () => rng.normal());
  const Q = new Float64Array(n * n);
  const v = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) v[i] = A[i * n + j];
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += v[i] * Q[i * n + k];
      for (let i = 0; i < n; i++) v[i] -= dot * Q[i * n + k];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) Q[i * n + j] = v[i] / norm;
  }
  for (let i = 0; i < Q.length; i++) Q[i] *= gain;
  return Q;
}

/** Seed of every block and model when none is given. */
export const DEFAULT_INIT_SEED = 0;

/** A 32-bit seed for the stream of parameter `key` under `seed` (FNV-1a of both). */
export function streamSeed(seed: number, key: string): number {
  if (!Number.isFinite(seed)) throw new Error(`streamSeed: the seed must be a finite number, got ${seed}.`);
  let h = 0x811c9dc5;
  for (const ch of `${Math.trunc(seed)}/${key}`) {
    h ^= ch.codePointAt(0) as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The initial values of a parameter, as a plain `Float32Array` (row-major). */
export function initValues(shape: readonly number[], init: WeightInit, seed: number, key: string): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 1)) throw new Error(`initValues: bad shape [${shape}] for ${key}.`);
  if ("fill" in init) return new Float32Array(size).fill(init.fill);
  const rng = new Rng(streamSeed(seed, key));
  const values = new Float32Array(size);
  if ("orthogonal" in init) {
    const [n, cols] = shape;
    if (shape.length !== 2 || cols % n !== 0) throw new Error(`initValues: orthogonal ${key} must be [n, k·n], got [${shape}].`);
    for (let g = 0; g < cols / n; g++) {
      const Q = orthogonalMatrix(n, init.orthogonal, rng);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) values[i * cols + g * n + j] = Q[i * n + j];
    }
    return values;
  }
  const scale = "normal" in init ? init.normal : init.uniform;
  if (!(scale >= 0)) throw new Error(`initValues: the scale of ${key} must be ≥ 0, got ${scale}.`);
  if (scale === 0) return values;
  for (let i = 0; i < size; i++) values[i] = "normal" in init ? rng.normal(0, scale) : rng.uniform(-scale, scale);
  return values;
}

/** A constant tensor of `shape` with the values {@link initValues} gives: seeded random inputs for tests and checks. */
export function seededTensor(shape: readonly number[], init: WeightInit, seed: number, key: string): tf.Tensor {
  return tf.tensor(initValues(shape, init, seed, key), [...shape]);
}

/** A trainable `tf.Variable` of `shape`, initialised by `init` from the stream `(seed, key)`; tfjs names it uniquely. */
export function initVariable(shape: readonly number[], init: WeightInit, seed: number, key: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(initValues(shape, init, seed, key), [...shape])));
}
