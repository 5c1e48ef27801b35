/**
 * The two contracts every recurrent model of the course is built from.
 *
 * - A **cell** computes one time step: `step(X_t, state) → { H, state }`. The vanilla RNN, GRU and LSTM
 *   cells are written once each, one method per equation.
 * - A **block** runs over a whole sequence: `forward(inputs, state?, opts?) → [outputs, state]`. Scratch
 *   blocks are a cell run by the one runner ({@link runCell}); concise blocks wrap `tf.layers`; fused
 *   blocks run the sequence as one WebAssembly op. Stacked and bidirectional blocks are compositions.
 *
 * Because of these contracts, one language-model wrapper, one Trainer and one set of decoders serve every
 * architecture unchanged.
 *
 * Layout (as in d2l): **time-major**. Inputs are `[numSteps, batchSize, numInputs]`, outputs
 * `[numSteps, batchSize, numHiddens]`; states are `[batchSize, numHiddens]` each.
 */
import type * as tf from "@tensorflow/tfjs";
import type { CellKind } from "../cells";

/**
 * The state a block carries from one step to the next: one tensor per component, each
 * `[batchSize, numHiddens]`. RNN and GRU: `[H]`. LSTM: `[H, C]`.
 */
export type RecurrentState = tf.Tensor2D[];

/** Range of a value a cell computes: `"unit"` = `[0, 1]` (sigmoid gates), `"signed"` = `[-1, 1]` (tanh), `"free"` = unbounded (the LSTM cell). */
export type GateRange = "unit" | "signed" | "free";

/** One quantity a cell computes at each step and can show for inspection (a gate, a candidate, the state). */
export interface GateInfo {
  /** Key in {@link CellStep.values}, the name used in the code: `"R"`, `"Z"`, `"H_tilde"`, … */
  readonly name: string;
  /** The symbol in the equations, e.g. `"Z_t"`. */
  readonly symbol: string;
  /** What it does, in a few words. */
  readonly description: string;
  /** Where its values lie. */
  readonly range: GateRange;
}

/** What one step of a cell returns. */
export interface CellStep {
  /** The step's output `H_t`, `[batchSize, numHiddens]`. */
  readonly H: tf.Tensor2D;
  /** The new state (`[H_t]`, or `[H_t, C_t]` for the LSTM). */
  readonly state: RecurrentState;
  /** Every quantity listed in the cell's `gates`, by name, each `[batchSize, numHiddens]`. */
  readonly values: Readonly<Record<string, tf.Tensor2D>>;
}

/** A recurrent cell: the computation of one time step, with its own parameters. */
export interface RecurrentCell {
  /** Which cell this is: one of the course's {@link CellKind}s, or another name (e.g. `"deep-transition"`). */
  readonly kind: string;
  /** Features per input step. */
  readonly numInputs: number;
  /** Width of the hidden state `H`. */
  readonly numHiddens: number;
  /** Tensors in the state: 1 (`[H]`) or 2 (`[H, C]`). */
  readonly numStates: number;
  /** The quantities `step` reports in `values`, in equation order. */
  readonly gates: readonly GateInfo[];
  /** A zero state for `batchSize` sequences. The caller owns (and disposes) the tensors. */
  initState(batchSize: number): RecurrentState;
  /**
   * One time step.
   * @param X `[batchSize, numInputs]`, the input at step t
   * @param state the state after step t − 1
   */
  step(X: tf.Tensor2D, state: RecurrentState): CellStep;
  /** The trainable variables, in a fixed order. */
  trainableVariables(): tf.Variable[];
  /** Frees every tensor the cell owns. */
  dispose(): void;
}

/**
 * Valid length of each sequence of a padded batch, `[batchSize]`: steps at or beyond it are padding.
 * A plain array, an `Int32Array` or an int32 tensor.
 */
export type ValidLens = readonly number[] | Int32Array | tf.Tensor1D;

/** Options of a block's `forward`. */
export interface ForwardOptions {
  /**
   * Valid length of each sequence. Padded steps carry the state forward unchanged and output zeros, so
   * the final state is the state after each sequence's last real token. Default: every step is real.
   */
  readonly validLens?: ValidLens;
  /** Run right to left, within each sequence's valid length (outputs stay at their positions). Default false. */
  readonly reverse?: boolean;
  /** True while training (dropout and the like). Default false. */
  readonly training?: boolean;
}

/** A cell lent for inspection (gate traces): a scratch twin of a concise block is `owned` and must be disposed. */
export interface LentCell {
  readonly cell: RecurrentCell;
  /** True when the caller must dispose the cell after use. */
  readonly owned: boolean;
}

/** A recurrent block: `forward(inputs, state?, opts?) → [outputs, state]`. */
export interface RecurrentBlock {
  /** Features per input step. */
  readonly numInputs: number;
  /** Width of each output step (the hidden state `H`, or more for a bidirectional concatenation). */
  readonly numHiddens: number;
  /** Tensors in the state (1 for `[H]`, 2 for `[H, C]`, more for compositions). */
  readonly numStates: number;
  /**
   * True when the output at step t depends only on inputs up to t. A bidirectional block reads the
   * future, so it cannot be a language model.
   */
  readonly causal: boolean;
  /** A zero state for `batchSize` sequences. The caller owns (and disposes) the tensors. */
  initState(batchSize: number): RecurrentState;
  /**
   * Runs the block over a whole sequence.
   * @param inputs `[numSteps, batchSize, numInputs]`
   * @param state initial state; zeros when omitted. Not disposed.
   * @returns outputs `[numSteps, batchSize, numHiddens]` and the final state.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState, opts?: ForwardOptions): [tf.Tensor3D, RecurrentState];
  /** The trainable variables, in a fixed order, so optimisers, checkpoints and tests can reach them. */
  trainableVariables(): tf.Variable[];
  /** Frees every tensor the block owns. */
  dispose(): void;
  /** The cell this block runs, for gate traces (absent for blocks that are not one cell). */
  lendCell?(): LentCell;
  /**
   * The block's summary of a whole sequence, read from its final state: what a many-to-one head reads,
   * `[batchSize, numHiddens]`. Absent means `state[0]` (the `H` of a single cell). A stack gives its top
   * layer's `H`; a bidirectional block merges both directions'.
   */
  finalHidden?(state: RecurrentState): tf.Tensor2D;
}

/** `block.finalHidden(state)`, or `state[0]` for a block without one (see {@link RecurrentBlock.finalHidden}). */
export function finalHiddenOf(block: RecurrentBlock, state: RecurrentState): tf.Tensor2D {
  return block.finalHidden ? block.finalHidden(state) : state[0];
}

/**
 * A block with one cell's weights in tf.layers' layout: `[kernel, recurrentKernel, bias]` =
 * `[numInputs, G·numHiddens]`, `[numHiddens, G·numHiddens]`, `[G·numHiddens]`, gates side by side
 * (GRU: z, r, h; LSTM: i, f, c, o). Scratch, concise and fused blocks of the same kind exchange weights
 * through it ({@link copyWeights}).
 */
export interface WeightedBlock extends RecurrentBlock {
  readonly kind: CellKind;
  /** New tensors holding the weights in tf.layers' layout; the caller disposes them. */
  getWeights(): tf.Tensor[];
  /** Overwrites the weights from tensors in tf.layers' layout (not disposed). */
  setWeights(weights: readonly tf.Tensor[]): void;
}
