/**
 * A toy training loop for the plotting lesson: a tiny network learns `sin(x)` while reporting to a
 * {@link ProgressListener} (the live board), the same way the course's real Trainer does.
 *
 * ```ts
 * const fit = await fitSineDemo(new TrainingBoard({ perplexity: false }), { numHiddens: 16 });
 * ```
 * @see notebooks/00b-plots.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { scaled } from "../quick";
import type { ProgressListener, TrainingProgress } from "../train/progress";

/** Options of {@link fitSineDemo}. */
export interface SineDemoConfig {
  /** Width of the hidden layer (default 16). */
  readonly numHiddens?: number;
  /** Full-batch training epochs before `RNNLAB_QUICK` scaling (default 1500). */
  readonly maxEpochs?: number;
  /** Adam learning rate (default 0.01). */
  readonly lr?: number;
  /** Training points on [−π, π] (default 128). */
  readonly numPoints?: number;
  /** Report a validation loss every this many epochs (default 25). */
  readonly valEvery?: number;
  /** Seed of the weight initialisation (default 0). */
  readonly seed?: number;
}

/** What {@link fitSineDemo} learned, as plain arrays (no tensors to dispose). */
export interface SineDemoResult {
  /** Inputs of a fine grid on [−π, π]. */
  readonly x: number[];
  /** `sin(x)`. */
  readonly target: number[];
  /** The trained network's output at `x`. */
  readonly prediction: number[];
  /** Last training loss (mean squared error). */
  readonly finalLoss: number;
  /** Epochs trained (after `RNNLAB_QUICK` scaling). */
  readonly epochs: number;
}

/** Points `n` evenly spaced on [−π, π], as a `[n, 1]` tensor. */
function grid(n: number): tf.Tensor2D {
  return tf.tidy(() => tf.linspace(-Math.PI, Math.PI, n).reshape([n, 1]) as tf.Tensor2D);
}

/**
 * Fits `y = sin(x)` with a 1 → `numHiddens` (tanh) → 1 network by full-batch Adam, reporting
 * `train loss` every epoch and `val loss` every `valEvery` epochs to `listener`. Yields to the event
 * loop after every epoch so that a notebook can show live updates. Frees every tensor it made.
 * @throws Error when the loss becomes NaN (lower `lr`).
 */
export async function fitSineDemo(listener: ProgressListener, config: SineDemoConfig = {}): Promise<SineDemoResult> {
  const { numHiddens = 16, lr = 0.01, numPoints = 128, valEvery = 25, seed = 0 } = config;
  const maxEpochs = scaled(config.maxEpochs ?? 1500);
  if (!(numHiddens >= 1 && numPoints >= 2 && lr > 0)) {
    throw new Error(`fitSineDemo: numHiddens (${numHiddens}) and numPoints (${numPoints}) must be ≥ 1 and ≥ 2, lr (${lr}) > 0.`);
  }
  const X = grid(numPoints); // [numPoints, 1]
  const Y = tf.tidy(() => tf.sin(X)); // [numPoints, 1]
  const XVal = tf.tidy(() => grid(4 * numPoints).add(Math.PI / (4 * numPoints))); // shifted: unseen points
  const YVal = tf.tidy(() => tf.sin(XVal));
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [1],
        units: numHiddens,
        activation: "tanh",
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  const optimizer = tf.train.adam(lr);
  const mse = (x: tf.Tensor, y: tf.Tensor) => tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor) as tf.Scalar;
  const start = Date.now();
  let last: TrainingProgress | undefined;
  let finalLoss = NaN;
  try {
    listener.onStart?.({ maxEpochs, totalSteps: maxEpochs, title: "fitting sin(x)" });
    for (let epoch = 1; epoch <= maxEpochs; epoch++) {
      const cost = optimizer.minimize(() => mse(X, Y), true) as tf.Scalar;
      finalLoss = cost.dataSync()[0];
      cost.dispose();
      if (Number.isNaN(finalLoss)) {
        listener.onEnd?.(last, "loss became NaN");
        throw new Error(`fitSineDemo: the loss became NaN at epoch ${epoch}; lower lr (now ${lr}).`);
      }
      const metrics: Record<string, number> = { "train loss": finalLoss };
      if (epoch % valEvery === 0 || epoch === maxEpochs) metrics["val loss"] = tf.tidy(() => mse(XVal, YVal).dataSync()[0]);
      last = { epoch, step: epoch, elapsedSeconds: (Date.now() - start) / 1000, x: epoch, metrics };
      listener.onProgress(last);
      await new Promise((resolve) => setImmediate(resolve)); // let the kernel send the board's updates
    }
    listener.onEnd?.(last, "done");
    const Xs = grid(200);
    const prediction = tf.tidy(() => (model.predict(Xs) as tf.Tensor).dataSync());
    const x = Array.from(Xs.dataSync());
    Xs.dispose();
    return { x, target: x.map(Math.sin), prediction: Array.from(prediction), finalLoss, epochs: maxEpochs };
  } finally {
    tf.dispose([X, Y, XVal, YVal]);
    model.dispose();
    optimizer.dispose();
  }
}
