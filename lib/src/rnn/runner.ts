/**
 * The one recurrence of the course: {@link runCell} runs any {@link RecurrentCell} over a sequence,
 * left to right or right to left, and respects each sequence's valid length. Every scratch block is a
 * cell run by it (see {@link CellBlock}), and so are the compositions built on them.
 *
 * Padding (steps at or beyond a sequence's valid length) **carries the state forward unchanged and
 * outputs zeros**. So the final state of a padded sequence is the state after its last real token, and
 * a padded batch run in reverse gives each sequence the same result as running it alone, unpadded.
 *
 * ```ts
 * const [outputs, state] = runCell(cell, X, { validLens: [5, 3], reverse: true }); // X: [numSteps, 2, numInputs]
 * ```
 * @see notebooks/02-rnn.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import type { CellStep, ForwardOptions, RecurrentCell, RecurrentState, ValidLens } from "./recurrent";

/** Options of {@link runCell}: a block's forward options and the initial state. */
export interface RunOptions extends ForwardOptions {
  /** Initial state; zeros when omitted. Not disposed. */
  readonly state?: RecurrentState;
}

/**
 * Checks a block's inputs `[numSteps, batchSize, numInputs]`, its state and its valid lengths, with
 * messages that say what to do.
 */
export function checkBlockInputs(
  name: string,
  block: { readonly numInputs: number; readonly numHiddens: number; readonly numStates: number },
  inputs: tf.Tensor,
  state?: RecurrentState,
  validLens?: ValidLens,
): void {
  const { numInputs, numHiddens, numStates } = block;
  if (inputs.rank !== 3 || inputs.shape[2] !== numInputs || inputs.shape[0] < 1) {
    throw new Error(
      `${name}.forward: inputs must be time-major [numSteps, batchSize, numInputs] = [T, B, ${numInputs}] with T ≥ 1; ` +
        `got [${inputs.shape.join(", ")}]. Language models take token ids and encode them; a block takes encoded ` +
        `features. Transpose batch-major data with tf.transpose(x, [1, 0, 2]).`,
    );
  }
  const [numSteps, batchSize] = inputs.shape as [number, number, number];
  if (state !== undefined) {
    if (state.length !== numStates || state.some((s) => s.rank !== 2 || s.shape[0] !== batchSize || s.shape[1] !== numHiddens)) {
      throw new Error(
        `${name}.forward: the state must be ${numStates} tensor(s) of shape [batchSize, numHiddens] = [${batchSize}, ${numHiddens}]; ` +
          `got [${state.map((s) => `[${s.shape}]`).join(", ")}]. Use initState(${batchSize}) or the state returned by the previous call.`,
      );
    }
  }
  if (validLens !== undefined) validLensArray(validLens, batchSize, numSteps, name);
}

/** Valid lengths as an `Int32Array`, checked: one per sequence, each an integer in `[0, numSteps]`. */
export function validLensArray(validLens: ValidLens, batchSize: number, numSteps: number, where = "validLens"): Int32Array {
  const raw: number[] = "dataSync" in validLens ? Array.from(validLens.dataSync()) : Array.from(validLens);
  if (raw.length !== batchSize) {
    throw new Error(`${where}: ${raw.length} valid lengths for a batch of ${batchSize} sequences; give one per sequence.`);
  }
  raw.forEach((len, b) => {
    if (!Number.isInteger(len) || len < 0 || len > numSteps) {
      throw new Error(`${where}: valid length ${len} of sequence ${b} must be an integer between 0 and numSteps = ${numSteps}.`);
    }
  });
  return Int32Array.from(raw);
}

/**
 * Per step, a `[batchSize, 1]` float mask (1 on real steps, 0 on padding), or `null` for a step where
 * every sequence is real (no masking needed).
 */
function stepMasks(lens: Int32Array, numSteps: number): (tf.Tensor2D | null)[] {
  return Array.from({ length: numSteps }, (_, t) => {
    if (lens.every((len) => t < len)) return null;
    return tf.tensor2d(
      Float32Array.from(lens, (len) => (t < len ? 1 : 0)),
      [lens.length, 1],
    );
  });
}

/**
 * Runs `cell` over `inputs` and returns every step's output and the final state.
 * @param inputs `[numSteps, batchSize, numInputs]`
 * @returns outputs `[numSteps, batchSize, numHiddens]` (zeros on padding) and the final state.
 */
export function runCell(cell: RecurrentCell, inputs: tf.Tensor3D, opts: RunOptions = {}): [tf.Tensor3D, RecurrentState] {
  return tf.tidy(() => {
    const [numSteps, batchSize] = inputs.shape;
    const masks = opts.validLens === undefined ? null : stepMasks(validLensArray(opts.validLens, batchSize, numSteps), numSteps);
    let state: RecurrentState = opts.state ?? cell.initState(batchSize);
    // numSteps × [batchSize, numInputs]. One step is reshaped, not unstacked: tfjs's gradient of a one-output
    // unstack fails ("Argument tensors passed to stack must be a Tensor[]") when the inputs need a gradient.
    const X = numSteps === 1 ? [tf.reshape(inputs, [batchSize, inputs.shape[2]]) as tf.Tensor2D] : (tf.unstack(inputs) as tf.Tensor2D[]);
    const outputs: tf.Tensor2D[] = new Array(numSteps);
    for (let i = 0; i < numSteps; i++) {
      const t = opts.reverse ? numSteps - 1 - i : i;
      const step: CellStep = cell.step(X[t], state);
      const m = masks?.[t] ?? null; // [batchSize, 1] or null
      if (m === null) {
        outputs[t] = step.H;
        state = step.state;
      } else {
        const prev = state;
        outputs[t] = tf.mul(step.H, m); // padding outputs zeros
        state = step.state.map((s, j) => tf.add(tf.mul(s, m), tf.mul(prev[j], tf.sub(1, m))) as tf.Tensor2D); // and keeps the state
      }
    }
    return [tf.stack(outputs) as tf.Tensor3D, state]; // [numSteps, batchSize, numHiddens]
  });
}
