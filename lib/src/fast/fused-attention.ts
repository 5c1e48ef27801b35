/**
 * Additive (Bahdanau) attention after the query projection as one op, forward and backward: the tanh layer over
 * every (query, key) pair, the scores, the masked softmax and the weighted mean of the values. On tf ops these are
 * a dozen kernels per decoder step, and the stock wasm `Tanh` alone (a scalar loop over `B·Q·S·a` values) took a
 * third of a training step of notebook 07b's date model. Here the tanh layer and the scores, the weighted mean and
 * their gradients run on the fused kernels (`attn*`: wasm SIMD, or their JS fallback); the softmax over each row of
 * `S` scores stays in JS.
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
 * @param w the score vector `w_v` `[a]`
 * @param values `[B, S, c]`
 * @param lens real source positions per row (each in `1…S`), or `null` when every position counts
 * @returns new tensors; gradients flow to `q`, `keys`, `w` and `values` (from both outputs).
 */
export function fusedAdditiveAttention(
  q: tf.Tensor3D,
  keys: tf.Tensor3D,
  w: tf.Tensor1D,
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
  if (w.shape[0] !== A) throw new Error(`${W}: w_v must have ${A} values, got [${w.shape}].`);
  if (lens && (lens.length !== B || lens.some((n) => !(Number.isInteger(n) && n >= 1 && n <= S)))) {
    throw new Error(`${W}: give ${B} valid lengths, each from 1 to ${S}; got [${Array.from(lens)}].`);
  }
  const k = fusedKernels(options.kernels);
  const len = (b: number): number => (lens ? lens[b] : S);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [qt, kt, wt, vt] = args as tf.Tensor[];
    const mem = new FusedArena(k);
    const [qv, kv, wv, vv] = [qt, kt, wt, vt].map((t) => t.dataSync() as Float32Array);
    const [qp, kp, wp, vp] = [qv, kv, wv, vv].map((a) => mem.put(a));
    const Fp = mem.alloc(B * Q * S * A); // tanh(q_i + k_j), kept for the backward pass
    const ep = mem.alloc(B * Q * S);
    const ctxp = mem.alloc(B * Q * C);
    k.attnScores(qp, kp, wp, Fp, ep, B, Q, S, A);
    const m = k.f32();
    for (let bi = 0; bi < B * Q; bi++) {
      // masked softmax of row (b, i) in place: exactly 0 at and past the valid length
      const o = (ep >> 2) + bi * S;
      const L = len(Math.floor(bi / Q));
      let max = -Infinity;
      for (let j = 0; j < L; j++) max = Math.max(max, m[o + j]);
      let sum = 0;
      for (let j = 0; j < L; j++) sum += m[o + j] = Math.exp(m[o + j] - max);
      for (let j = 0; j < L; j++) m[o + j] /= sum;
      m.fill(0, o + L, o + S);
    }
    k.attnContext(ep, vp, ctxp, B, Q, S, C);
    const F = mem.take(Fp, B * Q * S * A);
    const alpha = mem.take(ep, B * Q * S);
    const ctx = mem.take(ctxp, B * Q * C);
    const out = new Float32Array(B * Q * (C + S)); // per (b, i): context [c], then weights [S]
    for (let bi = 0; bi < B * Q; bi++) {
      out.set(ctx.subarray(bi * C, (bi + 1) * C), bi * (C + S));
      out.set(alpha.subarray(bi * S, (bi + 1) * S), bi * (C + S) + C);
    }
    const value = tf.tensor3d(out, [B, Q, C + S]);
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const d = dy.dataSync() as Float32Array;
      const m2 = new FusedArena(k);
      const dctx = m2.alloc(B * Q * C);
      const dal = m2.alloc(B * Q * S); // dweights, then + dcontext·v: dα
      let f = k.f32();
      for (let bi = 0; bi < B * Q; bi++) {
        f.set(d.subarray(bi * (C + S), bi * (C + S) + C), (dctx >> 2) + bi * C);
        f.set(d.subarray(bi * (C + S) + C, (bi + 1) * (C + S)), (dal >> 2) + bi * S);
      }
      const [al, vq, Fq, wq] = [alpha, vv, F, wv].map((a) => m2.put(a));
      const [dq, dk, dw, dv] = [B * Q * A, B * S * A, A, B * S * C].map((n) => {
        const p = m2.alloc(n);
        k.f32().fill(0, p >> 2, (p >> 2) + n);
        return p;
      });
      k.attnBackValues(dctx, al, vq, dal, dv, B, Q, S, C);
      f = k.f32();
      for (let bi = 0; bi < B * Q; bi++) {
        // softmax backward in place: de_j = α_j (dα_j − Σ_j' α_j' dα_j'); 0 on padding
        const [ao, go] = [bi * S, (dal >> 2) + bi * S];
        let dot = 0;
        for (let j = 0; j < S; j++) dot += alpha[ao + j] * f[go + j];
        for (let j = 0; j < S; j++) f[go + j] = alpha[ao + j] * (f[go + j] - dot);
      }
      k.attnBackScores(dal, Fq, wq, dq, dk, dw, B, Q, S, A);
      return [
        tf.tensor3d(m2.take(dq, B * Q * A), [B, Q, A]),
        tf.tensor3d(m2.take(dk, B * S * A), [B, S, A]),
        tf.tensor1d(m2.take(dw, A)),
        tf.tensor3d(m2.take(dv, B * S * C), [B, S, C]),
      ];
    };
    return { value, gradFunc };
  });
  const [context, weights] = tf.tidy(() => {
    const both = op(q, keys, w, values) as tf.Tensor3D; // [B, Q, c + S]
    return [tf.slice(both, [0, 0, 0], [B, Q, C]) as tf.Tensor3D, tf.slice(both, [0, 0, C], [B, Q, S]) as tf.Tensor3D];
  });
  return { context, weights };
}
