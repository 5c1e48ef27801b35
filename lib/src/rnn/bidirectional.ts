/**
 * Reading a sequence both ways. A forward block reads `X_1 … X_T`; a backward block, with its own weights,
 * reads `X_T … X_1` (within each sequence's valid length, so padding never comes first); at every step the
 * two hidden states are merged (d2l's notation):
 *
 * ```text
 * →H_t = f(X_t, →H_{t−1})        forward direction
 * ←H_t = f(X_t, ←H_{t+1})        backward direction
 * H_t  = [→H_t, ←H_t]            merge "concat" (width 2h); "sum", "mul" and "ave" keep width h
 * ```
 *
 * `H_t` depends on the whole sequence, so a bidirectional block is **not causal**: it cannot be a language
 * model (it would see the token it must predict), and it cannot stream (it needs the end of the input before
 * it can give the first output). {@link Bidirectional} composes any two blocks (scratch, fused, stacked);
 * {@link BidirectionalLayer} is the concise version on `tf.layers.bidirectional`.
 *
 * ```ts
 * const bi = new Bidirectional({ forward: new GRUScratch({ numInputs: 28, numHiddens: 32 }), backward: new GRUScratch({ numInputs: 28, numHiddens: 32, seed: 1 }) });
 * const [H, state] = bi.forward(X, undefined, { validLens }); // H: [numSteps, batchSize, 64]
 * ```
 * @see notebooks/06-bidirectional.ipynb
 */
import * as tf from "@tensorflow/tfjs";
import { CELL_GATES, CELL_STATES } from "../cells";
import type { CellKind } from "../cells";
import { buildBlock, BlockStyle } from "./blocks";
import { checkCellSizes } from "./cell-block";
import { DEFAULT_INIT_SEED, glorotLimit, initValues } from "./init";
import { LAYER_BLOCK_ARGS } from "./layer-block";
import { finalHiddenOf } from "./recurrent";
import type { ForwardOptions, RecurrentBlock, RecurrentState, WeightedBlock } from "./recurrent";
import { checkBlockInputs, validLensArray } from "./runner";

/** How the two directions' states are merged at each step. */
export type MergeMode = "concat" | "sum" | "mul" | "ave";

/** Every merge mode. */
export const MERGE_MODES: readonly MergeMode[] = ["concat", "sum", "mul", "ave"];

/** Merges the two directions: `[→H, ←H]`, `→H + ←H`, `→H ⊙ ←H` or `(→H + ←H) / 2` (on the last axis). */
export function mergeDirections<T extends tf.Tensor>(forward: T, backward: T, merge: MergeMode): T {
  return tf.tidy(() => {
    if (merge === "concat") return tf.concat([forward, backward], -1) as T;
    if (merge === "sum") return tf.add(forward, backward) as T;
    if (merge === "mul") return tf.mul(forward, backward) as T;
    return tf.mul(0.5, tf.add(forward, backward)) as T;
  });
}

function checkMerge(where: string, merge: string): void {
  if (!(MERGE_MODES as readonly string[]).includes(merge))
    throw new Error(`${where}: merge "${merge}" is unknown; use one of ${MERGE_MODES.join(", ")}.`);
}

/** Configuration of {@link Bidirectional}. */
export interface BidirectionalConfig {
  /** Reads the sequence left to right. Owned. */
  readonly forward: RecurrentBlock;
  /** Reads it right to left, with its own weights. Owned. */
  readonly backward: RecurrentBlock;
  /** How the directions are merged. Default `"concat"`. */
  readonly merge?: MergeMode;
}

/** Two blocks reading the sequence in opposite directions, merged at every step (see the file comment). */
export class Bidirectional implements RecurrentBlock {
  readonly forwardBlock: RecurrentBlock;
  readonly backwardBlock: RecurrentBlock;
  readonly merge: MergeMode;
  readonly numInputs: number;
  readonly numHiddens: number;
  readonly numStates: number;
  /** A bidirectional block reads the future. */
  readonly causal = false;

  constructor(config: BidirectionalConfig) {
    const { forward, backward, merge = "concat" } = config;
    checkMerge("Bidirectional", merge);
    if (forward.numInputs !== backward.numInputs) {
      throw new Error(
        `Bidirectional: the forward block takes ${forward.numInputs} inputs, the backward block ${backward.numInputs}; give both the same numInputs.`,
      );
    }
    if (merge !== "concat" && forward.numHiddens !== backward.numHiddens) {
      throw new Error(
        `Bidirectional: merge "${merge}" adds or multiplies the two states, but they are ${forward.numHiddens} and ${backward.numHiddens} wide; give both the same numHiddens (or merge "concat").`,
      );
    }
    this.forwardBlock = forward;
    this.backwardBlock = backward;
    this.merge = merge;
    this.numInputs = forward.numInputs;
    this.numHiddens = merge === "concat" ? forward.numHiddens + backward.numHiddens : forward.numHiddens;
    this.numStates = forward.numStates + backward.numStates;
  }

  /** Both directions' zero states: forward's first. */
  initState(batchSize: number): RecurrentState {
    return [...this.forwardBlock.initState(batchSize), ...this.backwardBlock.initState(batchSize)];
  }

  /** The two directions' parts of a state. */
  directionStates(state: RecurrentState): { forward: RecurrentState; backward: RecurrentState } {
    if (state.length !== this.numStates)
      throw new Error(`Bidirectional: a state of this block has ${this.numStates} tensors, got ${state.length}.`);
    const n = this.forwardBlock.numStates;
    return { forward: state.slice(0, n), backward: state.slice(n) };
  }

  /**
   * Runs both directions over the sequence and merges them at every step.
   * @param inputs `[numSteps, batchSize, numInputs]`
   * @param state both directions' initial states, forward's first; zeros when omitted.
   * @returns `[numSteps, batchSize, numHiddens]` (zeros on padding) and both directions' final states.
   */
  forward(inputs: tf.Tensor3D, state?: RecurrentState, opts: ForwardOptions = {}): [tf.Tensor3D, RecurrentState] {
    checkBlockInputs(
      "Bidirectional",
      { numInputs: this.numInputs, numHiddens: this.numHiddens, numStates: this.numStates },
      inputs,
      undefined,
      opts.validLens,
    );
    if (opts.reverse)
      throw new Error("Bidirectional.forward: a bidirectional block already reads both ways; reverse is not an option here.");
    const parts = state === undefined ? undefined : this.directionStates(state);
    return tf.tidy(() => {
      const [Hf, Sf] = this.forwardBlock.forward(inputs, parts?.forward, { ...opts, reverse: false }); // →H: [numSteps, batchSize, h]
      const [Hb, Sb] = this.backwardBlock.forward(inputs, parts?.backward, { ...opts, reverse: true }); // ←H, within valid lengths
      return [mergeDirections(Hf, Hb, this.merge), [...Sf, ...Sb]];
    });
  }

  /** Both directions' summaries merged: the forward block's after the last real token, the backward block's after the first. */
  finalHidden(state: RecurrentState): tf.Tensor2D {
    const { forward, backward } = this.directionStates(state);
    return mergeDirections(finalHiddenOf(this.forwardBlock, forward), finalHiddenOf(this.backwardBlock, backward), this.merge);
  }

  /** The forward block's weights, then the backward block's (each in tf.layers' layout); both must be single cells. */
  getWeights(): tf.Tensor[] {
    return [...asWeighted(this.forwardBlock).getWeights(), ...asWeighted(this.backwardBlock).getWeights()];
  }

  /** Overwrites both directions' weights (forward's three tensors, then backward's). */
  setWeights(weights: readonly tf.Tensor[]): void {
    if (weights.length !== 6)
      throw new Error(
        `Bidirectional.setWeights: expected 6 tensors (forward's kernel, recurrentKernel, bias, then backward's), got ${weights.length}.`,
      );
    asWeighted(this.forwardBlock).setWeights(weights.slice(0, 3));
    asWeighted(this.backwardBlock).setWeights(weights.slice(3));
  }

  /** The cell kind of both directions (when both are single cells of one kind). */
  get kind(): CellKind {
    const [f, b] = [asWeighted(this.forwardBlock), asWeighted(this.backwardBlock)];
    if (f.kind !== b.kind)
      throw new Error(`Bidirectional: the directions are a ${f.kind} and a ${b.kind}; weights move only between blocks of one kind.`);
    return f.kind;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.forwardBlock.trainableVariables(), ...this.backwardBlock.trainableVariables()];
  }

  /** Scalar parameters of both directions (the merge has none). */
  countParams(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    this.forwardBlock.dispose();
    this.backwardBlock.dispose();
  }
}

function asWeighted(block: RecurrentBlock): WeightedBlock {
  const b = block as Partial<WeightedBlock>;
  if (typeof b.getWeights !== "function" || typeof b.setWeights !== "function" || b.kind === undefined) {
    throw new Error("Bidirectional: weights move only when both directions are single cells (scratch, concise or fused blocks).");
  }
  return block as WeightedBlock;
}

/** Sizes of {@link BidirectionalLayer} and {@link buildBidirectional}. */
export interface BidirectionalLayerConfig {
  /** Features per input step. */
  readonly numInputs: number;
  /** Units of each direction. */
  readonly numHiddens: number;
  /** How the directions are merged. Default `"concat"`. */
  readonly merge?: MergeMode;
  /** Seed of the initial weights (the backward direction's is `seed + 1`). Default 0. */
  readonly seed?: number;
}

/**
 * The concise bidirectional block: `tf.layers.bidirectional` around a `simpleRNN`, `gru` or `lstm` layer
 * (sigmoid gates). Valid lengths become tf.layers' mask (its backward layer then reads each sequence right to
 * left within its length, as {@link Bidirectional} does); padded outputs are zeroed. Its six weights are the
 * forward direction's `[kernel, recurrentKernel, bias]` then the backward direction's.
 */
export class BidirectionalLayer implements WeightedBlock {
  readonly kind: CellKind;
  readonly merge: MergeMode;
  readonly numInputs: number;
  readonly numHiddens: number;
  readonly numStates: number;
  readonly causal = false;
  /** Units of each direction. */
  readonly units: number;
  /** The wrapped `tf.layers.bidirectional` layer (already built). */
  readonly layer: tf.layers.Layer;

  constructor(kind: CellKind, config: BidirectionalLayerConfig) {
    const { numInputs, numHiddens, merge = "concat", seed = DEFAULT_INIT_SEED } = config;
    checkCellSizes("BidirectionalLayer", numInputs, numHiddens);
    checkMerge("BidirectionalLayer", merge);
    this.kind = kind;
    this.merge = merge;
    this.numInputs = numInputs;
    this.units = numHiddens;
    this.numHiddens = merge === "concat" ? 2 * numHiddens : numHiddens;
    this.numStates = 2 * CELL_STATES[kind];
    const args = { units: numHiddens, ...LAYER_BLOCK_ARGS };
    const inner =
      kind === "rnn"
        ? tf.layers.simpleRNN(args)
        : kind === "gru"
          ? tf.layers.gru({ ...args, recurrentActivation: "sigmoid" })
          : tf.layers.lstm({ ...args, recurrentActivation: "sigmoid" });
    this.layer = tf.layers.bidirectional({ layer: inner as tf.RNN, mergeMode: merge });
    tf.tidy(() => {
      this.layer.apply(tf.zeros([1, 1, numInputs]));
    });
    const H = numHiddens;
    const GH = CELL_GATES[kind] * H;
    const direction = (s: number): tf.Tensor[] => {
      const bias = new Float32Array(GH);
      if (kind === "lstm") bias.fill(1, H, 2 * H); // Keras's unitForgetBias
      return [
        tf.tensor2d(initValues([numInputs, GH], { uniform: glorotLimit(numInputs, GH) }, s, "kernel"), [numInputs, GH]),
        tf.tensor2d(initValues([H, GH], { orthogonal: 1 }, s, "recurrentKernel"), [H, GH]),
        tf.tensor1d(bias),
      ];
    };
    const initial = [...direction(seed), ...direction(seed + 1)];
    this.layer.setWeights(initial);
    tf.dispose(initial);
  }

  initState(batchSize: number): RecurrentState {
    return Array.from({ length: this.numStates }, () => tf.zeros<tf.Rank.R2>([batchSize, this.units]));
  }

  forward(inputs: tf.Tensor3D, state?: RecurrentState, opts: ForwardOptions = {}): [tf.Tensor3D, RecurrentState] {
    const n = this.numStates;
    checkBlockInputs(
      "BidirectionalLayer",
      { numInputs: this.numInputs, numHiddens: this.units, numStates: n },
      inputs,
      state,
      opts.validLens,
    );
    if (opts.reverse)
      throw new Error("BidirectionalLayer.forward: a bidirectional block already reads both ways; reverse is not an option here.");
    return tf.tidy(() => {
      const [numSteps, batchSize] = inputs.shape;
      const x = tf.transpose(inputs, [1, 0, 2]); // [batchSize, numSteps, numInputs]
      const kwargs: { initialState: tf.Tensor[]; mask?: tf.Tensor } = { initialState: state ?? this.initState(batchSize) };
      if (opts.validLens !== undefined) {
        const lens = validLensArray(opts.validLens, batchSize, numSteps, "BidirectionalLayer");
        const m = new Float32Array(batchSize * numSteps);
        lens.forEach((len, b) => m.fill(1, b * numSteps, b * numSteps + len));
        kwargs.mask = tf.tensor2d(m, [batchSize, numSteps]);
      }
      const [Y, ...finalState] = this.layer.apply(x, kwargs) as tf.Tensor[];
      const y = kwargs.mask ? tf.mul(Y, tf.expandDims(kwargs.mask, 2)) : Y; // padding outputs zeros
      return [tf.transpose(y, [1, 0, 2]) as tf.Tensor3D, finalState as tf.Tensor2D[]];
    });
  }

  /** Both directions' final `H`, merged. */
  finalHidden(state: RecurrentState): tf.Tensor2D {
    const half = CELL_STATES[this.kind];
    return mergeDirections(state[0], state[half], this.merge);
  }

  trainableVariables(): tf.Variable[] {
    return this.layer.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  getWeights(): tf.Tensor[] {
    return this.layer.getWeights().map((w) => tf.clone(w));
  }

  setWeights(weights: readonly tf.Tensor[]): void {
    if (weights.length !== 6)
      throw new Error(
        `BidirectionalLayer.setWeights: expected 6 tensors (forward's kernel, recurrentKernel, bias, then backward's), got ${weights.length}.`,
      );
    this.layer.setWeights([...weights]);
  }

  countParams(): number {
    return this.layer.countParams();
  }

  dispose(): void {
    this.layer.dispose();
  }
}

/**
 * A bidirectional block of `kind` in `style`: two scratch or two fused blocks in a {@link Bidirectional}
 * (the backward one seeded `seed + 1`), or a concise {@link BidirectionalLayer}.
 */
export function buildBidirectional(
  kind: CellKind,
  style: BlockStyle,
  config: BidirectionalLayerConfig & { readonly sigma?: number },
): Bidirectional | BidirectionalLayer {
  const { numInputs, numHiddens, merge, seed = DEFAULT_INIT_SEED, sigma } = config;
  if (style === "concise") return new BidirectionalLayer(kind, { numInputs, numHiddens, merge, seed });
  const sizes = { numInputs, numHiddens, sigma };
  return new Bidirectional({
    forward: buildBlock(kind, style, { ...sizes, seed }),
    backward: buildBlock(kind, style, { ...sizes, seed: seed + 1 }),
    merge,
  });
}
