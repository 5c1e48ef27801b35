/**
 * Gradient clipping, the standard cure for exploding gradients in recurrent networks:
 *
 * - **by global norm**: if `‖g‖ = sqrt(Σ_i ‖g_i‖²) > θ`, scale every gradient by `θ / ‖g‖`
 *   (the direction is kept, only the step shrinks);
 * - **by value**: clamp every element to `[−c, c]` (cheap, but it changes the direction).
 *
 * ```ts
 * const { grads: clipped, norm } = clipByGlobalNorm(grads, 1); // norm: the norm before clipping
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";

/** Gradients by variable name, as `tf.variableGrads` returns them. */
export type GradMap = Record<string, tf.Tensor>;

/** The global norm `sqrt(Σ_i ‖g_i‖²)` of a set of gradients, as a scalar tensor. */
export function globalNorm(grads: GradMap | readonly tf.Tensor[]): tf.Scalar {
  const list = Array.isArray(grads) ? (grads as readonly tf.Tensor[]) : Object.values(grads as GradMap);
  return tf.tidy(() => {
    if (list.length === 0) return tf.scalar(0);
    return tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
  });
}

function checkThreshold(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`${name}: the threshold must be a positive number, got ${value}.`);
}

/**
 * Scales all gradients together so their global norm is at most `maxNorm`: `g ← g · min(1, θ / ‖g‖)`.
 * Returns new tensors (the caller disposes them and the inputs) and the norm before clipping.
 */
export function clipByGlobalNorm(grads: GradMap, maxNorm: number): { grads: GradMap; norm: tf.Scalar } {
  checkThreshold("clipByGlobalNorm", maxNorm);
  const norm = globalNorm(grads);
  const clipped = tf.tidy(() => {
    const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(maxNorm), tf.add(norm, 1e-12))); // min(1, θ/‖g‖)
    const out: GradMap = {};
    for (const [name, g] of Object.entries(grads)) out[name] = tf.mul(g, scale);
    return out;
  });
  return { grads: clipped, norm };
}

/** Clamps every gradient element to `[−clipValue, clipValue]`. Returns new tensors. */
export function clipByValue(grads: GradMap, clipValue: number): GradMap {
  checkThreshold("clipByValue", clipValue);
  const out: GradMap = {};
  for (const [name, g] of Object.entries(grads)) out[name] = tf.clipByValue(g, -clipValue, clipValue);
  return out;
}
