/**
 * {@link LayerBlock}: what the concise blocks on `tf.layers` ({@link RNN}, {@link GRU}, {@link LSTM}) have
 * in common. Each makes its own layer; the base builds it, gives it seeded initial weights, and runs it
 * time-major (tf.layers is batch-major, so `forward` transposes in and out). Valid lengths become
 * tf.layers' `mask`; `reverse` flips the time axis around the layer.
 *
 * ```ts
 * const gru = new GRU({ numInputs: 28, numHiddens: 32 }); // a LayerBlock with state [H]
 * const [outputs, [H]] = gru.forward(X);                 // X: [numSteps, batchSize, 28] → outputs: [numSteps, batchSize, 32]
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import { CELL_GATES, CELL_STATES } from "../cells";
import type { CellKind } from "../cells";
import { checkCellSizes, checkLayerWeights } from "./cell-block";
import { DEFAULT_INIT_SEED, glorotLimit, initValues } from "./init";
import type { ForwardOptions, LentCell, RecurrentCell, RecurrentState, WeightedBlock } from "./recurrent";
import { checkBlockInputs, validLensArray } from "./runner";

/** Options every concise block takes. */
export interface LayerBlockConfig {
  /** Features per input step. */
  readonly numInputs: number;
  /** Width of the hidden state (`units` in tf.layers). */
  readonly numHiddens: number;
  /**
   * Seed of the initial weights, drawn as Keras does: Glorot-uniform `kernel`, orthogonal
   * `recurrentKernel`, zero `bias` (the LSTM's forget-gate part at 1). Default 0.
   */
  readonly seed?: number;
}

/** The layer options every concise block passes to tf.layers: all steps, the final state, sigmoid gates, weights set afterwards. */
export const LAYER_BLOCK_ARGS = {
  returnSequences: true,
  returnState: true,
  kernelInitializer: "zeros",
  recurrentInitializer: "zeros",
} as const;

/**
 * A recurrent block wrapping one `tf.layers` recurrent layer (made with {@link LAYER_BLOCK_ARGS}).
 * Subclasses make the layer and their scratch twin.
 */
export abstract class LayerBlock implements WeightedBlock {
  readonly kind: CellKind;
  readonly numInputs: number;
  readonly numHiddens: number;
  readonly numStates: number;
  /** A one-directional layer reads no future input. */
  readonly causal = true;
  /** The wrapped layer (already built); its weights are `[kernel, recurrentKernel, bias]`. */
  readonly layer: tf.layers.Layer;
  private readonly blockName: string;

  /**
   * Checks the sizes, makes the layer with `makeLayer(numHiddens)`, builds it by calling it once on a tiny
   * batch, then sets seeded initial weights.
   */
  protected constructor(blockName: string, kind: CellKind, makeLayer: (units: number) => tf.layers.Layer, config: LayerBlockConfig) {
    checkCellSizes(blockName, config.numInputs, config.numHiddens);
    this.blockName = blockName;
    this.kind = kind;
    this.numInputs = config.numInputs;
    this.numHiddens = config.numHiddens;
    this.numStates = CELL_STATES[kind];
    this.layer = makeLayer(config.numHiddens);
    tf.tidy(() => {
      this.layer.apply(tf.zeros([1, 1, this.numInputs]));
    });
    const seed = config.seed ?? DEFAULT_INIT_SEED;
    const H = this.numHiddens;
    const GH = CELL_GATES[kind] * H;
    const bias = new Float32Array(GH);
    if (kind === "lstm") bias.fill(1, H, 2 * H); // gates i, f, c, o: the forget gate starts open (Keras's unitForgetBias)
    const initial = [
      tf.tensor2d(initValues([this.numInputs, GH], { uniform: glorotLimit(this.numInputs, GH) }, seed, "kernel"), [this.numInputs, GH]),
      tf.tensor2d(initValues([H, GH], { orthogonal: 1 }, seed, "recurrentKernel"), [H, GH]),
      tf.tensor1d(bias),
    ];
    this.layer.setWeights(initial);
    tf.dispose(initial);
  }

  /** `numStates` zero tensors `[batchSize, numHiddens]`: `[H]`, or `[H, C]` for the LSTM. */
  initState(batchSize: number): RecurrentState {
    return Array.from({ length: this.numStates }, () => tf.zeros<tf.Rank.R2>([batchSize, this.numHiddens]));
  }

  /**
   * Runs the layer over a sequence.
   * @param inputs `[numSteps, batchSize, numInputs]`
   * @param state zeros when omitted; not disposed.
   * @returns outputs `[numSteps, batchSize, numHiddens]` (every `H_t`, zeros on padding) and the final state.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState, opts: ForwardOptions = {}): [tf.Tensor3D, RecurrentState] {
    checkBlockInputs(this.blockName, this, inputs, state, opts.validLens);
    return tf.tidy(() => {
      const [numSteps, batchSize] = inputs.shape;
      const initialState = state ?? this.initState(batchSize);
      let x = tf.transpose(inputs, [1, 0, 2]); // [batchSize, numSteps, numInputs]
      let mask: tf.Tensor2D | undefined;
      if (opts.validLens !== undefined) {
        const lens = validLensArray(opts.validLens, batchSize, numSteps, this.blockName);
        const m = new Float32Array(batchSize * numSteps);
        lens.forEach((len, b) => m.fill(1, b * numSteps, b * numSteps + len));
        mask = tf.tensor2d(m, [batchSize, numSteps]); // 1 on real steps
      }
      if (opts.reverse) {
        // Padding sits at the end; reversed, it comes first and is skipped by the mask, so each sequence runs
        // right to left within its valid length.
        x = tf.reverse(x, 1);
        if (mask) mask = tf.reverse(mask, 1);
      }
      const [Y, ...finalState] = this.layer.apply(x, mask ? { initialState, mask } : { initialState }) as tf.Tensor[];
      let y = mask ? tf.mul(Y, tf.expandDims(mask, 2)) : Y; // tf.layers repeats the last output on padding; the course outputs zeros
      if (opts.reverse) y = tf.reverse(y, 1);
      return [tf.transpose(y, [1, 0, 2]) as tf.Tensor3D, finalState as tf.Tensor2D[]]; // [numSteps, batchSize, numHiddens]
    });
  }

  /** The layer's weights as variables: `kernel`, `recurrentKernel`, `bias`. */
  trainableVariables(): tf.Variable[] {
    return this.layer.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** New tensors `[kernel, recurrentKernel, bias]`; the caller disposes them. */
  getWeights(): tf.Tensor[] {
    return this.layer.getWeights().map((w) => tf.clone(w));
  }

  /** Overwrites the layer's weights (tf.layers' layout). */
  setWeights(weights: readonly tf.Tensor[]): void {
    checkLayerWeights(this.blockName, this, weights);
    this.layer.setWeights([...weights]);
  }

  /** Number of scalar parameters (the same as the matching scratch block's). */
  countParams(): number {
    return this.layer.countParams();
  }

  /** A scratch cell of the same kind and sizes (weights are overwritten by {@link lendCell}). */
  protected abstract scratchTwin(): RecurrentCell & { setWeights(weights: readonly tf.Tensor[]): void };

  /** A scratch copy of this block's cell, for gate traces; the caller disposes it. */
  lendCell(): LentCell {
    const twin = this.scratchTwin();
    const weights = this.getWeights();
    twin.setWeights(weights);
    tf.dispose(weights);
    return { cell: twin, owned: true };
  }

  /** Frees the layer's weights. */
  dispose(): void {
    this.layer.dispose();
  }
}
