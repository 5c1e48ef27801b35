/**
 * A language model's output layer and loss as one op: `mean_n −log softmax(h·W + b)[label_n]`, forward and
 * backward on the fused kernels (wasm SIMD or JS), wrapped with `tf.customGrad`. Replaces a dense layer, a
 * softmax and a cross-entropy (a dozen tfjs ops with their gradients) in a training step.
 *
 * ```ts
 * const loss = fusedSoftmaxCrossEntropy(Y.reshape([T * B, H]), Wout, bout, targets); // scalar
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import { FusedArena, fusedBigGemm } from "./fused-core";
import type { FusedKernelKind } from "./fused-kernels";
import { fusedKernels } from "./fused-loader";

/**
 * Mean softmax cross-entropy of `h·W + b` against integer `labels`.
 * @param h `[N, H]` features; `W` `[H, V]`; `b` `[V]`; `labels` `N` ids in `[0, V)`.
 * @returns a scalar; gradients flow to `h`, `W` and `b`.
 */
export function fusedSoftmaxCrossEntropy(
  h: tf.Tensor2D,
  W: tf.Tensor2D,
  b: tf.Tensor1D,
  labels: tf.Tensor1D | Int32Array,
  options: { readonly kernels?: FusedKernelKind } = {},
): tf.Scalar {
  const k = fusedKernels(options.kernels);
  const [N, H] = h.shape;
  const V = W.shape[1];
  const ids = labels instanceof Int32Array ? labels : Int32Array.from(labels.dataSync());
  if (ids.length !== N) throw new Error(`fusedSoftmaxCrossEntropy: ${ids.length} labels for ${N} rows`);
  for (const y of ids) if (!(y >= 0 && y < V)) throw new Error(`fusedSoftmaxCrossEntropy: label ${y} is not in [0, ${V})`);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [ht, Wt, bt] = args as tf.Tensor[];
    const hv = ht.dataSync() as Float32Array;
    const Wv = Wt.dataSync() as Float32Array;
    const mem = new FusedArena(k);
    const hp = mem.put(hv);
    const Wp = mem.put(Wv);
    const logits = mem.alloc(N * V);
    fusedBigGemm(k, mem, hp, Wp, logits, N, H, V); // [N, V] = h·W
    k.addRows(logits, mem.put(bt.dataSync() as Float32Array), N, V);
    const dl = mem.alloc(N * V);
    const loss = k.softmaxXent(logits, mem.put(ids), dl, N, V, 1 / N) / N;
    const dlogits = mem.take(dl, N * V); // (softmax − onehot) / N
    const value = tf.scalar(loss);
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const g = dy.dataSync()[0];
      const m2 = new FusedArena(k);
      const d = m2.put(dlogits);
      const WT = m2.alloc(V * H);
      k.transpose(m2.put(Wv), WT, H, V);
      const dh = m2.alloc(N * H);
      fusedBigGemm(k, m2, d, WT, dh, N, V, H); // dh = dlogits·Wᵀ
      const hT = m2.alloc(H * N);
      k.transpose(m2.put(hv), hT, N, H);
      const dW = m2.alloc(H * V);
      fusedBigGemm(k, m2, hT, d, dW, H, N, V); // dW = hᵀ·dlogits
      const db = m2.alloc(V);
      k.colSum(d, db, N, V, 0);
      const scale = (a: Float32Array): Float32Array => (g === 1 ? a : a.map((x) => x * g));
      return [
        tf.tensor2d(scale(m2.take(dh, N * H)), [N, H]),
        tf.tensor2d(scale(m2.take(dW, H * V)), [H, V]),
        tf.tensor1d(scale(m2.take(db, V))),
      ];
    };
    return { value, gradFunc };
  });
  return op(h, W, b) as tf.Scalar;
}
