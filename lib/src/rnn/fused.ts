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
   * Runs the whole sequence as one op. `reverse` runs right to left. Valid lengths shorter than the
   * sequence are not supported by the fused kernels: use a scratch or concise block for such batches.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState, opts: ForwardOptions = {}): [tf.Tensor3D, RecurrentState] {
    checkBlockInputs("FusedRecurrentBlock", this, inputs, state, opts.validLens);
    const [numSteps, batchSize] = inputs.shape;
    if (opts.validLens !== undefined && validLensArray(opts.validLens, batchSize, numSteps).some((len) => len !== numSteps)) {
      throw new Error(
        "FusedRecurrentBlock.forward: the fused kernels run every step of every sequence, so they cannot honour valid lengths " +
          "shorter than the sequence. Use the scratch or concise block of the same kind (copyWeights moves the weights), " +
          "or batch sequences of equal length.",
      );
    }
    return tf.tidy(() => {
      const [h0, c0] = state ?? this.initState(batchSize);
      const x = opts.reverse ? tf.reverse(inputs, 0) : inputs;
      let y: tf.Tensor3D;
      let final: RecurrentState;
      if (tf.getBackend() === "tensorflow") {
        const [ry, h, c] = fusedReference(
          this.kind,
          x,
          h0,
          c0 ?? null,
          this.W as tf.Tensor2D,
          this.U as tf.Tensor2D,
          this.b as tf.Tensor1D,
        );
        [y, final] = [ry as tf.Tensor3D, c ? [h as tf.Tensor2D, c as tf.Tensor2D] : [h as tf.Tensor2D]];
      } else {
        const r = fusedRecurrent(
          this.kind,
          { x },
          { h0, c0, W: this.W as tf.Tensor2D, U: this.U as tf.Tensor2D, b: this.b as tf.Tensor1D },
          { kernels: this.kernels },
        );
        [y, final] = [r.y, r.c ? [r.h, r.c] : [r.h]];
      }
      return [opts.reverse ? tf.reverse(y, 0) : y, final];
    });
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
