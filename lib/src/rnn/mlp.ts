/**
 * A small multilayer perceptron from scratch, `h^(i) = tanh(h^(i−1) W^(i) + b^(i))`, applied to every time
 * step alike. The deep-RNN lesson puts one before the recurrence (a deeper input-to-hidden transformation,
 * {@link DeepInput}), one inside it ({@link DeepTransitionScratch}) and one before the output layer (a deeper
 * hidden-to-output transformation, `RNNLMScratch`'s `outputHiddens`).
 *
 * ```ts
 * const mlp = new MLPScratch({ sizes: [28, 64, 64] }); // 28 inputs → two tanh layers of 64
 * const Y = mlp.apply(X);                            // X [numSteps, batchSize, 28] → Y [numSteps, batchSize, 64]
 * ```
 * @see notebooks/05-deep-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { DEFAULT_INIT_SEED, glorotLimit, initVariable } from "./init";

/** Sizes and initialisation of {@link MLPScratch}. */
export interface MLPConfig {
  /** Widths, input first: `[numInputs, h1, …, numOutputs]` (at least two). */
  readonly sizes: readonly number[];
  /** Seed of the initial weights (Glorot-uniform; biases 0). Default 0. */
  readonly seed?: number;
  /** A name that keeps this MLP's weights apart from others with the same seed. Default `"mlp"`. */
  readonly name?: string;
}

/** Dense tanh layers from `tf.variable`s, applied over the last axis of any input. */
export class MLPScratch {
  /** Widths, input first. */
  readonly sizes: readonly number[];
  /** `W^(i)` `[sizes[i], sizes[i + 1]]`. */
  readonly W: readonly tf.Variable[];
  /** `b^(i)` `[sizes[i + 1]]`. */
  readonly b: readonly tf.Variable[];

  constructor(config: MLPConfig) {
    const { sizes, seed = DEFAULT_INIT_SEED, name = "mlp" } = config;
    if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new Error(`MLPScratch: sizes must be at least two positive integers [numInputs, …, numOutputs], got [${sizes}].`);
    }
    this.sizes = [...sizes];
    this.W = sizes.slice(1).map((n, i) => initVariable([sizes[i], n], { uniform: glorotLimit(sizes[i], n) }, seed, `${name}/W${i}`));
    this.b = sizes.slice(1).map((n, i) => initVariable([n], { fill: 0 }, seed, `${name}/b${i}`));
  }

  /** Features in. */
  get numInputs(): number {
    return this.sizes[0];
  }

  /** Features out. */
  get numOutputs(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /**
   * Applies every layer to the last axis.
   * @param X `[…, numInputs]`
   * @returns `[…, numOutputs]`
   */
  apply<T extends tf.Tensor>(X: T): T {
    const lead = X.shape.slice(0, -1);
    if (X.shape[X.rank - 1] !== this.numInputs) {
      throw new Error(`MLPScratch: inputs must end with ${this.numInputs} features, got [${X.shape}].`);
    }
    return tf.tidy(() => {
      let h = tf.reshape(X, [-1, this.numInputs]) as tf.Tensor2D; // [N, numInputs]
      this.W.forEach((W, i) => {
        h = tf.tanh(tf.add(tf.matMul(h, W), this.b[i])) as tf.Tensor2D; // h^(i) = tanh(h^(i−1) W^(i) + b^(i))
      });
      return tf.reshape(h, [...lead, this.numOutputs]) as T;
    });
  }

  trainableVariables(): tf.Variable[] {
    return this.W.flatMap((W, i) => [W, this.b[i]]);
  }

  dispose(): void {
    for (const v of this.trainableVariables()) v.dispose();
  }
}
