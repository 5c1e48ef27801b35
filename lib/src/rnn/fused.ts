/**
 * The fused ops as {@link RecurrentBlock}s, so the course's language-model wrapper, Trainer and decoders can train
 * on them unchanged: time-major `[numSteps, batchSize, numInputs]` in, `[numSteps, batchSize, numHiddens]` out.
 * On the native `tensorflow` backend the same equations run as tf ops (already fast there).
 *
 * ```ts
 * const block = new FusedRecurrentBlock({ cell: "lstm", numInputs: 27, numHiddens: 128 });
 * const [Y, [H, C]] = block.forward(X); // X [T, B, 27] → Y [T, B, 128]
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import type { RecurrentBlock, RecurrentState } from "../rnn/recurrent";
import { FUSED_GATES, FusedCellType } from "./fused-core";
import { FusedKernelKind } from "./fused-kernels";
import { fusedRecurrent } from "./fused-op";
import { fusedReference } from "./fused-reference";

/** Config of {@link FusedRecurrentBlock}. */
export interface FusedBlockConfig {
  /** `"rnn"` (tanh), `"gru"` or `"lstm"`. */
  readonly cell: FusedCellType;
  /** Features per input step. */
  readonly numInputs: number;
  /** Width of the hidden state. */
  readonly numHiddens: number;
  /** Standard deviation of the initial weights; default `0.01` as in d2l's scratch models. */
  readonly sigma?: number;
  /** Force the wasm or JS kernels; default: wasm when it loads. */
  readonly kernels?: FusedKernelKind;
}

/** Default {@link FusedBlockConfig.sigma}. */
export const FUSED_DEFAULT_SIGMA = 0.01;

/** A recurrent block (RNN, GRU or LSTM) whose whole sequence runs as one fused op. */
export class FusedRecurrentBlock implements RecurrentBlock {
  readonly numInputs: number;
  readonly numHiddens: number;
  readonly cell: FusedCellType;
  /** `[numInputs, G·H]`, `[H, G·H]`, `[G·H]` in tf.layers' layout and gate order. */
  readonly W: tf.Variable<tf.Rank.R2>;
  readonly U: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
  private readonly kernels?: FusedKernelKind;

  constructor(config: FusedBlockConfig) {
    this.cell = config.cell;
    this.numInputs = config.numInputs;
    this.numHiddens = config.numHiddens;
    this.kernels = config.kernels;
    const sigma = config.sigma ?? FUSED_DEFAULT_SIGMA;
    const GH = FUSED_GATES[this.cell] * this.numHiddens;
    // tidy frees the initial values; the variables themselves are kept.
    this.W = tf.tidy(() => tf.variable(tf.randomNormal<tf.Rank.R2>([this.numInputs, GH], 0, sigma)));
    this.U = tf.tidy(() => tf.variable(tf.randomNormal<tf.Rank.R2>([this.numHiddens, GH], 0, sigma)));
    this.b = tf.tidy(() => tf.variable(tf.zeros<tf.Rank.R1>([GH])));
  }

  initState(batchSize: number): RecurrentState {
    const n = this.cell === "lstm" ? 2 : 1;
    return Array.from({ length: n }, () => tf.zeros<tf.Rank.R2>([batchSize, this.numHiddens]));
  }

  forward(inputs: tf.Tensor3D, state?: RecurrentState): [tf.Tensor3D, RecurrentState] {
    return tf.tidy(() => {
      const B = inputs.shape[1];
      const [h0, c0] = state ?? this.initState(B);
      if (tf.getBackend() === "tensorflow") {
        const [y, h, c] = fusedReference(this.cell, inputs, h0, c0 ?? null, this.W, this.U, this.b);
        return [y as tf.Tensor3D, (c ? [h, c] : [h]) as tf.Tensor2D[]];
      }
      const r = fusedRecurrent(this.cell, { x: inputs }, { h0, c0, W: this.W, U: this.U, b: this.b }, { kernels: this.kernels });
      return [r.y, r.c ? [r.h, r.c] : [r.h]];
    });
  }

  trainableVariables(): tf.Variable[] {
    return [this.W, this.U, this.b];
  }

  dispose(): void {
    tf.dispose([this.W, this.U, this.b]);
  }
}
