/**
 * The one contract every recurrent block of the course implements: the vanilla RNN, GRU, LSTM,
 * stacked and bidirectional blocks, scratch (`XScratch`) and concise (`X`, on `tf.layers`) alike, and
 * the fused fast layers. Because of it, one language-model wrapper, one Trainer and one set of
 * decoders work with all of them unchanged.
 *
 * Layout (as in d2l): **time-major**. Inputs are `[numSteps, batchSize, numInputs]`, outputs are
 * `[numSteps, batchSize, numHiddens]`. Concise blocks on `tf.layers` (which are batch-major)
 * transpose inside `forward`.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The state a block carries from one step to the next: one tensor per component, each
 * `[batchSize, numHiddens]`. RNN and GRU: `[H]`. LSTM: `[H, C]`.
 */
export type RecurrentState = tf.Tensor2D[];

/** A recurrent block: `forward(inputs, state?) → [outputs, state]`. */
export interface RecurrentBlock {
  /** Features per input step. */
  readonly numInputs: number;
  /** Width of the hidden state `H`. */
  readonly numHiddens: number;
  /** A zero state for `batchSize` sequences. The caller owns (and disposes) the tensors. */
  initState(batchSize: number): RecurrentState;
  /**
   * Runs the block over a whole sequence.
   * @param inputs `[numSteps, batchSize, numInputs]`
   * @param state initial state; zeros when omitted.
   * @returns `[outputs, state]`: outputs `[numSteps, batchSize, numHiddens]`, and the final state.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState): [tf.Tensor3D, RecurrentState];
  /** The trainable variables, in a fixed order, so optimisers, checkpoints and tests can reach them. */
  trainableVariables(): tf.Variable[];
  /** Frees every tensor the block owns. */
  dispose(): void;
}
