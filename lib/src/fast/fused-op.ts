/**
 * The fused recurrent ops for tfjs: the whole sequence forward in one call, and backpropagation through time
 * in one call, wrapped with `tf.customGrad` so `tf.grad`, optimisers and `model.fit` see an ordinary op.
 *
 * ```ts
 * const { y, h, c } = fusedRecurrent("lstm", { x }, { h0, c0, W, U, b }); // x [T, B, I] → y [T, B, H]
 * const padded = fusedRecurrent("lstm", { x }, { W, U, b }, { lens: [T, 2, 0] }); // h, c: each row's after its last valid step
 * ```
 * Weights use the tf.layers layout and gate order (see `fused-core.ts`).
 */
import * as tf from "@tensorflow/tfjs";
import { CELL_GATES } from "../cells";
import type { CellKind } from "../cells";
import { FusedProblem, fusedBackward, fusedForward } from "./fused-core";
import type { FusedKernelKind } from "./fused-kernels";
import { fusedKernels } from "./fused-loader";

/** The inputs: dense `x [T, B, I]`, or token `ids [T, B]` (int32) with `numInputs` the vocabulary size. */
export type FusedInputs =
  | { readonly x: tf.Tensor3D }
  | { readonly ids: tf.Tensor2D | Int32Array; readonly numSteps?: number; readonly batchSize?: number; readonly numInputs: number };

/** Initial state and weights. `c0` only for the LSTM; zero states when `h0`/`c0` are omitted. */
export interface FusedParams {
  readonly h0?: tf.Tensor2D;
  readonly c0?: tf.Tensor2D;
  /** `[numInputs, G·H]` */
  readonly W: tf.Tensor2D;
  /** `[H, G·H]` */
  readonly U: tf.Tensor2D;
  /** `[G·H]` */
  readonly b: tf.Tensor1D;
}

/**
 * Outputs `y [T, B, H]` and the final state `h [B, H]` (and `c [B, H]` for the LSTM): with `lens`, each row's
 * state after its last valid step.
 */
export interface FusedResult {
  readonly y: tf.Tensor3D;
  readonly h: tf.Tensor2D;
  readonly c: tf.Tensor2D | null;
}

/** Options of {@link fusedRecurrent}. */
export interface FusedOptions {
  /** Force the wasm SIMD kernels or the plain-JS fallback; default: wasm when it loads. */
  readonly kernels?: FusedKernelKind;
  /**
   * Valid steps of each batch row, each in `[0, T]`, padding last: every step still runs (and is output), but
   * the final `h` (and `c`) of row `b` is its state after step `lens[b]` (`h0`, `c0` for 0), with the gradient
   * to match. Default: `T` for every row.
   */
  readonly lens?: ArrayLike<number>;
}

/** A tensor's values as float32 (a cast tensor may still hold int32 storage on the cpu backend). */
const f32 = (t: tf.Tensor): Float32Array => {
  const d = t.dataSync();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
};

/**
 * Runs a vanilla RNN (`"rnn"`, tanh), GRU or LSTM over a whole sequence, time-major, with a fused backward pass.
 * Gradients flow to `x` (dense inputs), `h0`, `c0`, `W`, `U` and `b`.
 */
export function fusedRecurrent(cell: CellKind, inputs: FusedInputs, params: FusedParams, options: FusedOptions = {}): FusedResult {
  const k = fusedKernels(options.kernels);
  const G = CELL_GATES[cell];
  const H = params.U.shape[0];
  if (params.U.shape[1] !== G * H) throw new Error(`fused ${cell}: U must be [H, ${G}·H], got [${params.U.shape}]`);
  let T: number;
  let B: number;
  let I: number;
  let ids: Int32Array | null = null;
  let x: tf.Tensor3D | null = null;
  if ("x" in inputs) {
    x = inputs.x;
    [T, B, I] = x.shape;
  } else {
    if (inputs.ids instanceof Int32Array) {
      ids = inputs.ids;
      if (inputs.numSteps === undefined || inputs.batchSize === undefined) {
        throw new Error(`fused ${cell}: token ids as an Int32Array need numSteps and batchSize`);
      }
      [T, B] = [inputs.numSteps, inputs.batchSize];
    } else {
      [T, B] = inputs.ids.shape;
      ids = Int32Array.from(inputs.ids.dataSync());
    }
    I = inputs.numInputs;
  }
  const lstm = cell === "lstm";
  const lens = options.lens === undefined ? null : Int32Array.from(options.lens);
  if (lens && (lens.length !== B || !Array.from(options.lens!).every((len, i) => len === lens[i] && len >= 0 && len <= T))) {
    throw new Error(`fused ${cell}: lens must hold ${B} integers in [0, ${T}], got [${Array.from(options.lens!)}]`);
  }
  // Extra steps after the outputs: the final h only with lens (else it is the last output), the final c of the LSTM.
  const hSlot = lens ? T : -1;
  const cSlot = lstm ? (lens ? T + 1 : T) : -1;
  const S = (lens ? 1 : 0) + (lstm ? 1 : 0);
  const [y, h, c] = tf.tidy(() => {
    const h0 = params.h0 ?? tf.zeros<tf.Rank.R2>([B, H]);
    const c0 = lstm ? (params.c0 ?? tf.zeros<tf.Rank.R2>([B, H])) : null;
    // customGrad takes tensors only, and returns one tensor: [T, B, H] outputs, then the final h (with lens) and c (LSTM) as extra steps.
    const tensors: tf.Tensor[] = [...(x ? [x] : []), h0, ...(c0 ? [c0] : []), params.W, params.U, params.b];
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const ts = args.slice(0, tensors.length) as tf.Tensor[];
      let i = 0;
      const xv = x ? f32(ts[i++]) : null;
      const h0v = f32(ts[i++]);
      const c0v = lstm ? f32(ts[i++]) : null;
      const problem: FusedProblem = {
        cell,
        T,
        B,
        I,
        H,
        x: xv,
        ids,
        h0: h0v,
        c0: c0v,
        W: f32(ts[i++]),
        U: f32(ts[i++]),
        b: f32(ts[i]),
        lens,
      };
      const fwd = fusedForward(k, problem);
      const BH = B * H;
      const out = new Float32Array((T + S) * BH); // [T + S, B, H]
      out.set(fwd.y);
      if (lens) out.set(fwd.hT, hSlot * BH);
      if (lstm) out.set(fwd.cT!, cSlot * BH);
      const value = tf.tensor3d(out, [T + S, B, H]);
      const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
        const d = f32(dy);
        const dhT = lens ? d.subarray(hSlot * BH, (hSlot + 1) * BH) : null; // else it arrives with the last output's
        const dcT = lstm ? d.subarray(cSlot * BH, (cSlot + 1) * BH) : null;
        const g = fusedBackward(k, problem, fwd.saved, d.subarray(0, T * BH), dhT, dcT);
        const grads: tf.Tensor[] = [];
        if (x) grads.push(tf.tensor3d(g.dx!, [T, B, I]));
        grads.push(tf.tensor2d(g.dh0, [B, H]));
        if (lstm) grads.push(tf.tensor2d(g.dc0!, [B, H]));
        grads.push(tf.tensor2d(g.dW, [I, G * H]), tf.tensor2d(g.dU, [H, G * H]), tf.tensor1d(g.db));
        return grads;
      };
      return { value, gradFunc };
    });
    const all = op(...tensors) as tf.Tensor3D; // [T + S, B, H]
    const y = S === 0 ? all : (all.slice([0, 0, 0], [T, B, H]) as tf.Tensor3D);
    const h = (lens ? all.slice([hSlot, 0, 0], [1, B, H]) : y.slice([T - 1, 0, 0], [1, B, H])).reshape([B, H]) as tf.Tensor2D;
    const c = lstm ? (all.slice([cSlot, 0, 0], [1, B, H]).reshape([B, H]) as tf.Tensor2D) : null;
    return c ? [y, h, c] : [y, h];
  }) as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D?];
  return { y, h, c: c ?? null };
}
