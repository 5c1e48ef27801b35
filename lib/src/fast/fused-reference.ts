/**
 * The fused cells written step by step with tf ops: the same equations and weight layout as the fused ops
 * (see `fused-core.ts`). It is the oracle in tests, and what {@link FusedRecurrentBlock} runs on the native
 * `tensorflow` backend, where tf ops are already fast.
 */
import * as tf from "@tensorflow/tfjs";
import type { CellKind } from "../cells";

/**
 * Runs `cell` over `x [T, B, I]` from state `h0` (and `c0` for the LSTM) with tf ops.
 * @param lens valid steps of each row (see `FusedOptions.lens`): the final state of row `b` is `h_{lens[b]}`.
 * @returns `[y [T, B, H], h_T]`, plus `c_T` for the LSTM (with `lens`, each row's final state).
 */
export function fusedReference(
  cell: CellKind,
  x: tf.Tensor3D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D | null,
  W: tf.Tensor2D,
  U: tf.Tensor2D,
  b: tf.Tensor1D,
  lens?: ArrayLike<number>,
): tf.Tensor[] {
  const H = U.shape[0];
  const [T, B, I] = x.shape;
  let h = h0;
  let c = c0;
  const ys: tf.Tensor2D[] = [];
  const cs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    // slice, not unstack: tfjs's unstack gradient fails for a single step.
    const xt = x.slice([t, 0, 0], [1, B, I]).reshape([B, I]) as tf.Tensor2D;
    const xw = xt.matMul(W).add(b); // [B, G·H]
    if (cell === "lstm") {
      const [i, f, g, o] = tf.split(xw.add(h.matMul(U)), 4, 1);
      c = tf
        .sigmoid(f)
        .mul(c!)
        .add(tf.sigmoid(i).mul(tf.tanh(g))) as tf.Tensor2D; // c = f⊙c₋ + i⊙g
      h = tf.sigmoid(o).mul(tf.tanh(c!)) as tf.Tensor2D; // h = o⊙tanh(c)
      cs.push(c!);
    } else if (cell === "gru") {
      const [xz, xr, xh] = tf.split(xw, 3, 1);
      const [uzr, uh] = tf.split(U, [2 * H, H], 1);
      const [rz, rr] = tf.split(h.matMul(uzr), 2, 1);
      const z = tf.sigmoid(xz.add(rz)); // update gate
      const r = tf.sigmoid(xr.add(rr)); // reset gate, applied before the recurrent product
      const hh = tf.tanh(xh.add(r.mul(h).matMul(uh))); // candidate
      h = z.mul(h).add(tf.scalar(1).sub(z).mul(hh)) as tf.Tensor2D; // h = z⊙h₋ + (1−z)⊙h̃
    } else {
      h = tf.tanh(xw.add(h.matMul(U))) as tf.Tensor2D;
    }
    ys.push(h);
  }
  if (lens) {
    // Row b's state after step lens[b]: row b of step lens[b] of [s_0 … s_T] ([(T+1)·B, H]).
    const at = tf.tensor1d(
      Int32Array.from(lens, (len, row) => len * B + row),
      "int32",
    );
    const pick = (s0: tf.Tensor2D, steps: tf.Tensor2D[]): tf.Tensor2D => tf.gather(tf.concat([s0, ...steps], 0), at) as tf.Tensor2D;
    h = pick(h0, ys);
    if (c0) c = pick(c0, cs);
  }
  return [tf.stack(ys), h, ...(c ? [c] : [])];
}
