/**
 * {@link LayerBlock}: what the concise blocks on `tf.layers` ({@link RNN}, {@link GRU}, {@link LSTM}) have
 * in common. Each makes its own layer; the base builds it, makes zero states, and runs it time-major
 * (tf.layers is batch-major, so `forward` transposes in and out).
 *
 * ```ts
 * const gru = new GRU({ numInputs: 28, numHiddens: 32 }); // a LayerBlock with state [H]
 * const [outputs, [H]] = gru.forward(X);                 // X: [numSteps, batchSize, 28] → outputs: [numSteps, batchSize, 32]
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import type { RecurrentBlock, RecurrentState } from "./recurrent";

/** Options the concise gated blocks ({@link GRUConfig}, {@link LSTMConfig}) share. */
export interface LayerBlockConfig {
  /** Features per input step. */
  readonly numInputs: number;
  /** Width of the hidden state (`units` in tf.layers). */
  readonly numHiddens: number;
  /**
   * `"zeros"` skips tf.layers' initialisers (the orthogonal one is slow for wide layers) and starts from
   * zero weights; `fromScratch` uses it because it overwrites the weights at once. Default `"layers"`.
   */
  readonly init?: "layers" | "zeros";
}

/**
 * Runs `build` without tf.layers' notice "Orthogonal initializer is being called on a matrix with more
 * than 2000 elements: Slowness may result." (printed to stderr for any recurrent layer wider than about
 * 25 units; the course's matrices are small enough for it not to matter). Other warnings pass through.
 */
export function quietOrthogonalInit<T>(build: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]): void => {
    if (!/^Orthogonal initializer is being called on a matrix/.test(String(args[0]))) warn(...args);
  };
  try {
    return build();
  } finally {
    console.warn = warn;
  }
}

/**
 * A recurrent block wrapping one `tf.layers` recurrent layer made with `returnSequences: true` and
 * `returnState: true`. Time-major like every block: `forward` transposes to tf.layers' batch-major
 * layout and back. Subclasses make the layer and say how their inputs are checked.
 */
export abstract class LayerBlock implements RecurrentBlock {
  readonly numInputs: number;
  readonly numHiddens: number;
  /** The wrapped layer (already built). */
  readonly layer: tf.layers.Layer;
  /** Tensors in the state: 1 for `[H]` (RNN, GRU), 2 for `[H, C]` (LSTM). */
  readonly numStates: number;

  /**
   * Builds `layer` (creates its weights) by calling it once on a tiny batch.
   * @param layer a fresh recurrent layer with `returnSequences` and `returnState` on, `numHiddens` units.
   */
  protected constructor(layer: tf.layers.Layer, numInputs: number, numHiddens: number, numStates: number) {
    this.numInputs = numInputs;
    this.numHiddens = numHiddens;
    this.layer = layer;
    this.numStates = numStates;
    quietOrthogonalInit(() =>
      tf.tidy(() => {
        this.layer.apply(tf.zeros([1, 1, numInputs]));
      }),
    );
  }

  /** Throws, with a message that says what to do, unless `inputs` and `state` fit this block. */
  protected abstract checkInputs(inputs: tf.Tensor3D, state?: RecurrentState): void;

  /** `numStates` zero tensors `[batchSize, numHiddens]`: `[H]`, or `[H, C]` for the LSTM. */
  initState(batchSize: number): RecurrentState {
    return Array.from({ length: this.numStates }, () => tf.zeros<tf.Rank.R2>([batchSize, this.numHiddens]));
  }

  /**
   * Runs the layer over a sequence.
   * @param inputs `[numSteps, batchSize, numInputs]`
   * @param state `[H]` or `[H, C]`, zeros when omitted; not disposed.
   * @returns outputs `[numSteps, batchSize, numHiddens]` (every `H_t`) and the final state.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState): [tf.Tensor3D, RecurrentState] {
    this.checkInputs(inputs, state);
    return tf.tidy(() => {
      const initialState = state ?? this.initState(inputs.shape[1]);
      const x = tf.transpose(inputs, [1, 0, 2]); // [batchSize, numSteps, numInputs]
      const [Y, ...finalState] = this.layer.apply(x, { initialState }) as tf.Tensor[];
      return [tf.transpose(Y, [1, 0, 2]) as tf.Tensor3D, finalState as tf.Tensor2D[]]; // [numSteps, batchSize, numHiddens]
    });
  }

  /** The layer's weights as variables: `kernel`, `recurrentKernel`, `bias`. */
  trainableVariables(): tf.Variable[] {
    return this.layer.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** Number of scalar parameters (the same as the matching scratch block's). */
  countParams(): number {
    return this.layer.countParams();
  }

  /** Frees the layer's weights. */
  dispose(): void {
    this.layer.dispose();
  }
}
