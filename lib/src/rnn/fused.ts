/**
 * {@link FusedRecurrentBlock}: an RNN, GRU or LSTM block whose whole sequence, forward and backward,
 * runs as one WebAssembly SIMD op (`fast/fused-op.ts`), so the course's language-model wrapper, Trainer
 * and decoders train on it unchanged, several times faster than on tf ops. Its weights are tf.layers'
 * `[kernel, recurrentKernel, bias]`, so {@link copyWeights} moves them to and from the scratch and concise
 * blocks of the same kind. On the native `tensorflow` backend the same equations run as tf ops.
 *
 * ```ts
 * const block = new FusedRecurrentBlock({ kind: "lstm", numInputs: 27, numHiddens: 128 });
 * const [Y, [H, C]] = block.forward(X); // X [T, B, 27] → Y [T, B, 128]
 * ```
 * @see notebooks/08-dinosaur-names.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { CELL_GATES, CELL_STATES } from "../cells";
import type { CellKind } from "../cells";
import type { FusedKernelKind } from "../fast/fused-kernels";
import { fusedRecurrent } from "../fast/fused-op";
import { fusedReference } from "../fast/fused-reference";
import { checkCellSizes, checkLayerWeights } from "./cell-block";
import { GRUScratch } from "./gru";
import { DEFAULT_INIT_SEED, initVariable } from "./init";
import { LSTM_DEFAULT_FORGET_BIAS, LSTMScratch } from "./lstm";
import type { ForwardOptions, LentCell, RecurrentState, WeightedBlock } from "./recurrent";
import { RNNScratch } from "./rnn";
import { checkBlockInputs, validLensArray } from "./runner";

/** Config of {@link FusedRecurrentBlock}. */
export interface FusedBlockConfig {
  /** `"rnn"` (tanh), `"gru"` or `"lstm"`. */
  readonly kind: CellKind;
  /** Features per input step. */
  readonly numInputs: number;
  /** Width of the hidden state. */
  readonly numHiddens: number;
  /** Standard deviation of the initial weights; default {@link FUSED_DEFAULT_SIGMA}, as d2l's scratch models. */
  readonly sigma?: number;
  /** Initial forget-gate bias of an LSTM (the other biases start at 0). Default {@link LSTM_DEFAULT_FORGET_BIAS}. */
  readonly forgetBias?: number;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
  /** Force the wasm or JS kernels; default: wasm when it loads. */
  readonly kernels?: FusedKernelKind;
}

/** Default {@link FusedBlockConfig.sigma}. */
export const FUSED_DEFAULT_SIGMA = 0.01;

/** A recurrent block (RNN, GRU or LSTM) whose whole sequence runs as one fused op. */
export class FusedRecurrentBlock implements WeightedBlock {
  readonly kind: CellKind;
  readonly numInputs: number;
  readonly numHiddens: number;
  readonly numStates: number;
  readonly causal = true;
  /** `kernel` `[numInputs, G·H]`, in tf.layers' layout and gate order. */
  readonly W: tf.Variable;
  /** `recurrentKernel` `[H, G·H]`. */
  readonly U: tf.Variable;
  /** `bias` `[G·H]`. */
  readonly b: tf.Variable;
  private readonly kernels?: FusedKernelKind;

  constructor(config: FusedBlockConfig) {
    checkCellSizes("FusedRecurrentBlock", config.numInputs, config.numHiddens);
    const { kind, numInputs, numHiddens, sigma = FUSED_DEFAULT_SIGMA, seed = DEFAULT_INIT_SEED } = config;
    this.kind = kind;
    this.numInputs = numInputs;
    this.numHiddens = numHiddens;
    this.numStates = CELL_STATES[kind];
    this.kernels = config.kernels;
    const GH = CELL_GATES[kind] * numHiddens;
    this.W = initVariable([numInputs, GH], { normal: sigma }, seed, "kernel");
    this.U = initVariable([numHiddens, GH], { normal: sigma }, seed, "recurrentKernel");
    const bias = new Float32Array(GH);
    if (kind === "lstm") bias.fill(config.forgetBias ?? LSTM_DEFAULT_FORGET_BIAS, numHiddens, 2 * numHiddens); // gates i, f, c, o
    this.b = tf.tidy(() => tf.variable(tf.tensor1d(bias)));
  }

  initState(batchSize: number): RecurrentState {
    return Array.from({ length: this.numStates }, () => tf.zeros<tf.Rank.R2>([batchSize, this.numHiddens]));
  }

  /**
   * Runs the whole sequence as one op; `reverse` runs right to left. With valid lengths shorter than the
   * sequence, each row is reversed within its own length (a gather) so its padding always comes last, where
   * the kernels may read it without changing any real step; padded outputs are zeroed, and the op returns
   * each row's final state (`H`, and the LSTM's memory cell `C`) after its last real step, the initial state
   * for an empty row, with the gradient entering BPTT at that step.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState, opts: ForwardOptions = {}): [tf.Tensor3D, RecurrentState] {
    checkBlockInputs("FusedRecurrentBlock", this, inputs, state, opts.validLens);
    const [numSteps, batchSize] = inputs.shape;
    const lens = opts.validLens === undefined ? null : validLensArray(opts.validLens, batchSize, numSteps);
    const ragged = lens !== null && lens.some((len) => len !== numSteps);
    return tf.tidy(() => {
      const [h0, c0] = state ?? this.initState(batchSize);
      // Time order of the steps the kernels read, per row: rows reversed within their lengths when asked.
      const order = ragged ? rowOrder(lens as Int32Array, numSteps, opts.reverse === true) : null; // [numSteps · batchSize] or null
      const x = order ? permuteSteps(inputs, order) : opts.reverse ? tf.reverse(inputs, 0) : inputs;
      // Reordered, every row's last real step is step len − 1, forward or reversed: the final state is taken there.
      const [yRun, final] = this.run(x, h0, c0, ragged ? (lens as Int32Array) : undefined);
      let y = yRun;
      if (order) {
        const lensT = lens as Int32Array;
        y = permuteSteps(y, order); // back to the original positions (the permutation is its own inverse)
        const mask = tf.tensor3d(
          Float32Array.from({ length: numSteps * batchSize }, (_, i) => (Math.floor(i / batchSize) < lensT[i % batchSize] ? 1 : 0)),
          [numSteps, batchSize, 1],
        );
        y = tf.mul(y, mask) as tf.Tensor3D; // padding outputs zeros
      } else if (opts.reverse) {
        y = tf.reverse(y, 0);
      }
      return [y, final];
    });
  }

  /** The kernels over the whole of `x` (time-major), from `h0` (and `c0`); the final state after step `lens[b]` of each row. */
  private run(x: tf.Tensor3D, h0: tf.Tensor2D, c0: tf.Tensor2D | undefined, lens?: Int32Array): [tf.Tensor3D, RecurrentState] {
    if (tf.getBackend() === "tensorflow") {
      const [W, U, b] = [this.W as tf.Tensor2D, this.U as tf.Tensor2D, this.b as tf.Tensor1D];
      const [ry, h, c] = fusedReference(this.kind, x, h0, c0 ?? null, W, U, b, lens);
      return [ry as tf.Tensor3D, c ? [h as tf.Tensor2D, c as tf.Tensor2D] : [h as tf.Tensor2D]];
    }
    const r = fusedRecurrent(
      this.kind,
      { x },
      { h0, c0, W: this.W as tf.Tensor2D, U: this.U as tf.Tensor2D, b: this.b as tf.Tensor1D },
      { kernels: this.kernels, lens },
    );
    return [r.y, r.c ? [r.h, r.c] : [r.h]];
  }

  trainableVariables(): tf.Variable[] {
    return [this.W, this.U, this.b];
  }

  /** New tensors `[kernel, recurrentKernel, bias]`; the caller disposes them. */
  getWeights(): tf.Tensor[] {
    return this.trainableVariables().map((v) => tf.clone(v));
  }

  /** Overwrites the weights (tf.layers' layout). */
  setWeights(weights: readonly tf.Tensor[]): void {
    checkLayerWeights("FusedRecurrentBlock", this, weights);
    this.trainableVariables().forEach((v, i) => v.assign(weights[i]));
  }

  /** A scratch copy of this block's cell, for gate traces; the caller disposes it. */
  lendCell(): LentCell {
    const sizes = { numInputs: this.numInputs, numHiddens: this.numHiddens, sigma: 0 };
    const twin = this.kind === "rnn" ? new RNNScratch(sizes) : this.kind === "gru" ? new GRUScratch(sizes) : new LSTMScratch(sizes);
    const weights = this.getWeights();
    twin.setWeights(weights);
    tf.dispose(weights);
    return { cell: twin, owned: true };
  }

  dispose(): void {
    tf.dispose([this.W, this.U, this.b]);
  }
}

/**
 * For each (step, row) of the reordered sequence, the flat index `[step · batchSize + row]` of the original step
 * it holds: forward, real steps stay in place; reversed, row `b` reads its steps `len_b − 1 … 0` first. Padding
 * stays after the real steps either way.
 */
function rowOrder(lens: Int32Array, numSteps: number, reverse: boolean): Int32Array {
  const batchSize = lens.length;
  return Int32Array.from({ length: numSteps * batchSize }, (_, i) => {
    const [t, b] = [Math.floor(i / batchSize), i % batchSize];
    const source = reverse && t < lens[b] ? lens[b] - 1 - t : t;
    return source * batchSize + b;
  });
}

/** `X` `[numSteps, batchSize, d]` with its steps gathered in `order` (see {@link rowOrder}). */
function permuteSteps(X: tf.Tensor3D, order: Int32Array): tf.Tensor3D {
  const [numSteps, batchSize, d] = X.shape;
  return tf.reshape(tf.gather(tf.reshape(X, [numSteps * batchSize, d]), tf.tensor1d(order, "int32")), [
    numSteps,
    batchSize,
    d,
  ]) as tf.Tensor3D;
}
