/**
 * Additive (Bahdanau) attention after the query projection as one op, forward and backward: the tanh layer over
 * every (query, key) pair, the scores, the masked softmax and the weighted mean of the values. On tf ops these are
 * a dozen kernels per decoder step, and the stock wasm `Tanh` alone (a scalar loop over `B·Q·S·a` values) took a
 * third of a training step of notebook 07b's date model; here the tanh runs on the fused kernels' SIMD code and the
 * rest is a few loops over plain arrays.
 *
 * ```ts
 * const q = tf.matMul(queries, W_q);                                   // [B, Q, a]
 * const { context, weights } = fusedAdditiveAttention(q, W_kKeys, w_v, values, lens); // [B, Q, c], [B, Q, S]
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import { FusedArena } from "./fused-core";
import type { FusedKernelKind } from "./fused-kernels";
import { fusedKernels } from "./fused-loader";

/** The context `Σ_j α_ij v_j` `[B, Q, c]` and the weights `α` `[B, Q, S]` (0 on padding, rows sum to 1). */
export interface FusedAttentionResult {
  readonly context: tf.Tensor3D;
  readonly weights: tf.Tensor3D;
}

/**
 * `α = masked_softmax_j(w_vᵀ tanh(q_i + k_j))`, `context_i = Σ_j α_ij v_j`, batched.
 * @param q projected queries `W_q q` `[B, Q, a]`
 * @param keys projected keys `W_k k` `[B, S, a]`
 * @param wv the score vector `w_v` `[a]`
 * @param values `[B, S, c]`
 * @param lens real source positions per row (each in `1…S`), or `null` when every position counts
 * @returns new tensors; gradients flow to `q`, `keys`, `wv` and `values` (from both outputs).
 */
export function fusedAdditiveAttention(
  q: tf.Tensor3D,
  keys: tf.Tensor3D,
  wv: tf.Tensor1D,
  values: tf.Tensor3D,
  lens: Int32Array | null,
  options: { readonly kernels?: FusedKernelKind } = {},
): FusedAttentionResult {
  const [B, Q, A] = q.shape;
  const [, S] = keys.shape;
  const C = values.shape[2];
  const W = "fusedAdditiveAttention";
  if (keys.shape[0] !== B || keys.shape[2] !== A) throw new Error(`${W}: keys must be [${B}, S, ${A}], got [${keys.shape}].`);
  if (values.shape[0] !== B || values.shape[1] !== S) throw new Error(`${W}: values must be [${B}, ${S}, c], got [${values.shape}].`);
  if (wv.shape[0] !== A) throw new Error(`${W}: w_v must have ${A} values, got [${wv.shape}].`);
  if (lens && (lens.length !== B || lens.some((n) => !(Number.isInteger(n) && n >= 1 && n <= S)))) {
    throw new Error(`${W}: give ${B} valid lengths, each from 1 to ${S}; got [${Array.from(lens)}].`);
  }
  const k = fusedKernels(options.kernels);
  const len = (b: number): number => (lens ? lens[b] : S);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [qt, kt, wt, vt] = args as tf.Tensor[];
    const qv = qt.dataSync() as Float32Array;
    const kv = kt.dataSync() as Float32Array;
    const w = wt.dataSync() as Float32Array;
    const vv = vt.dataSync() as Float32Array;
    // F[b, i, j, :] = tanh(q[b, i, :] + k[b, j, :]): the pre-activations on the kernels' memory, tanh in place (SIMD).
    const n = B * Q * S * A;
    const mem = new FusedArena(k);
    const Fp = mem.alloc(n);
    const pre = k.f32();
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < Q; i++) {
        const qo = (b * Q + i) * A;
        for (let j = 0; j < S; j++) {
          const ko = (b * S + j) * A;
          const o = (Fp >> 2) + ((b * Q + i) * S + j) * A;
          for (let a = 0; a < A; a++) pre[o + a] = qv[qo + a] + kv[ko + a];
        }
      }
    }
    k.tanhInPlace(Fp, Fp, n);
    const F = mem.take(Fp, n); // [B, Q, S, a], kept for the backward pass
    const out = new Float32Array(B * Q * (C + S)); // per (b, i): context [c], then weights [S]
    for (let b = 0; b < B; b++) {
      const L = len(b);
      for (let i = 0; i < Q; i++) {
        const row = (b * Q + i) * (C + S);
        const alpha = out.subarray(row + C, row + C + S);
        let max = -Infinity;
        for (let j = 0; j < L; j++) {
          const fo = ((b * Q + i) * S + j) * A;
          let e = 0;
          for (let a = 0; a < A; a++) e += F[fo + a] * w[a]; // e_ij = w_vᵀ F_ij
          alpha[j] = e;
          if (e > max) max = e;
        }
        let sum = 0;
        for (let j = 0; j < L; j++) sum += alpha[j] = Math.exp(alpha[j] - max);
        for (let j = 0; j < L; j++) alpha[j] /= sum; // padding (j ≥ L) stays exactly 0
        for (let j = 0; j < L; j++) {
          const aj = alpha[j];
          const vo = (b * S + j) * C;
          for (let c = 0; c < C; c++) out[row + c] += aj * vv[vo + c]; // context_i = Σ_j α_ij v_j
        }
      }
    }
    const value = tf.tensor3d(out, [B, Q, C + S]);
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const d = dy.dataSync() as Float32Array;
      const dq = new Float32Array(B * Q * A);
      const dk = new Float32Array(B * S * A);
      const dw = new Float32Array(A);
      const dv = new Float32Array(B * S * C);
      const de = new Float32Array(S);
      for (let b = 0; b < B; b++) {
        const L = len(b);
        for (let i = 0; i < Q; i++) {
          const row = (b * Q + i) * (C + S);
          // dα_j = dweights_j + dcontext · v_j;  dv_j += α_j dcontext
          let dot = 0;
          for (let j = 0; j < L; j++) {
            const aj = out[row + C + j];
            const vo = (b * S + j) * C;
            let g = d[row + C + j];
            for (let c = 0; c < C; c++) {
              g += d[row + c] * vv[vo + c];
              dv[vo + c] += aj * d[row + c];
            }
            de[j] = g;
            dot += aj * g;
          }
          // softmax: de_j = α_j (dα_j − Σ_j' α_j' dα_j'); then through w_v and the tanh
          for (let j = 0; j < L; j++) {
            const g = out[row + C + j] * (de[j] - dot);
            if (g === 0) continue;
            const fo = ((b * Q + i) * S + j) * A;
            const qo = (b * Q + i) * A;
            const ko = (b * S + j) * A;
            for (let a = 0; a < A; a++) {
              const t = F[fo + a];
              dw[a] += g * t;
              const dp = g * w[a] * (1 - t * t);
              dq[qo + a] += dp;
              dk[ko + a] += dp;
            }
          }
        }
      }
      return [tf.tensor3d(dq, [B, Q, A]), tf.tensor3d(dk, [B, S, A]), tf.tensor1d(dw), tf.tensor3d(dv, [B, S, C])];
    };
    return { value, gradFunc };
  });
  const [context, weights] = tf.tidy(() => {
    const both = op(q, keys, wv, values) as tf.Tensor3D; // [B, Q, c + S]
    return [tf.slice(both, [0, 0, 0], [B, Q, C]) as tf.Tensor3D, tf.slice(both, [0, 0, C], [B, Q, S]) as tf.Tensor3D];
  });
  return { context, weights };
}
